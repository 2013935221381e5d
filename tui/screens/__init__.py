"""One module per screen; each screen calls the session, widgets post messages up."""
