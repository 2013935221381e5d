"""The one service layer: the session both front ends call, and what it is built on."""
