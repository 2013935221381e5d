"""`kit plan`, `kit faq` and `kit contacts`: documents built from the profile and answers.

Locking: `kit contacts set` and `kit contacts clear` are writing commands (marked
`@writes`, see `cli.base`), so they hold the database's lock. `kit plan` only
reads, and must work while the app is open: it asks for missing contacts only when
no other pdpa-check holds the database, and takes the lock just long enough to save
the names given (never while waiting for the user to type); otherwise it says so and
prints the plan with the missing names flagged.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click
from pydantic import ValidationError

from pdpa_check.cli.base import (
    Context,
    InputError,
    command_name,
    handled,
    pass_ctx,
    writer_lock,
    writes,
)
from pdpa_check.cli.files import emit, file_name, output_options
from pdpa_check.cli.kit import kit
from pdpa_check.kit.contacts import (
    CONTACT_ROLES,
    ESSENTIAL_ROLES,
    Contact,
    ContactRole,
    missing_roles,
)
from pdpa_check.store.lock import held_by

if TYPE_CHECKING:
    from pdpa_check.services.session import Session

F = TypeVar("F", bound=Callable[..., Any])


# kit plan -------------------------------------------------------------------------------


@kit.command("plan")
@click.option("--format", "fmt", type=click.Choice(["md", "toml"]), default="md", show_default=True)
@output_options
@click.option("--no-input", is_flag=True, help="Never ask for missing contacts.")
@click.pass_context
@handled
def kit_plan(
    click_ctx: click.Context, fmt: str, output_arg: str | None, force: bool, no_input: bool
) -> None:
    """The first-24-hours incident plan: who does what, freezing each system, who to tell.

    On a terminal it first asks for the incident lead, deputy and comms approver if
    nobody is named (Enter skips); otherwise the missing ones are flagged in the plan.

    \b
    Example:
      pdpa-check kit plan --format md -o .
    """
    from pdpa_check.exports.kit.plan24 import render_plan_markdown, render_plan_toml

    ctx: Context = click_ctx.obj
    session = ctx.session(show_demo_if_none=True)
    if not no_input and not ctx.demo and _interactive():
        _ask_contacts(ctx, session, command_name(click_ctx))
    render = render_plan_toml if fmt == "toml" else render_plan_markdown
    emit(
        render(session.kit_context()),
        output_arg,
        file_name(session, "incident-plan", fmt),
        force=force,
    )


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _ask_contacts(ctx: Context, session: Session, name: str) -> None:
    """Ask for each missing essential contact, then save the names given (under the lock)."""
    missing = missing_roles(session.contacts())
    if not missing:
        return
    if held_by(ctx.db_path) is not None:
        click.echo("Not asking for contacts: another pdpa-check has this database open.", err=True)
        return
    click.echo("Nobody is named yet for some roles. Type a name, or Enter to skip.", err=True)
    saved = [contact for role in missing if (contact := _ask(role)) is not None]
    if not saved:
        return
    with writer_lock(ctx, name):  # a race with the app: LockedError, exit 3, nothing saved
        for contact in saved:
            session.set_contact(contact)
    for contact in saved:
        click.echo(
            f"Saved {CONTACT_ROLES[contact.role].lower()}. Add how to reach them: "
            f"pdpa-check kit contacts set {_cli_role(contact.role)} NAME --reach PHONE",
            err=True,
        )


def _ask(role: ContactRole) -> Contact | None:
    """One contact from the terminal (None when skipped); asks again if the name is refused."""
    while True:
        text = click.prompt(
            f"{CONTACT_ROLES[role]} (name)", default="", show_default=False, err=True
        )
        if not text.strip():
            return None
        try:
            return Contact.model_validate({"role": role, "name": text})
        except ValidationError as error:
            click.echo(f"Not saved: {_problem(error)}", err=True)


# kit faq --------------------------------------------------------------------------------


@kit.command("faq")
@output_options
@pass_ctx
@handled
def kit_faq(ctx: Context, output_arg: str | None, force: bool) -> None:
    """A draft privacy FAQ for your website, promising only what your answers support.

    Notes marked "Decide first" are for you: act on them and delete them before publishing.

    \b
    Example:
      pdpa-check kit faq -o .
    """
    from pdpa_check.exports.kit.faq import render_faq_markdown

    session = ctx.session(show_demo_if_none=True)
    emit(
        render_faq_markdown(session.kit_context()),
        output_arg,
        file_name(session, "privacy-faq", "md"),
        force=force,
    )


# kit contacts ---------------------------------------------------------------------------


@kit.group("contacts", invoke_without_command=True)
@click.pass_context
@handled
def contacts(click_ctx: click.Context) -> None:
    """The people to call in an incident: list them, or `set` and `clear` one.

    Roles: incident-lead, deputy, comms-approver, dpo, it-vendor, insurer.

    \b
    Example:
      pdpa-check kit contacts
    """
    if click_ctx.invoked_subcommand is not None:
        return
    _show_contacts(click_ctx.obj.session(show_demo_if_none=True))


def _show_contacts(session: Session) -> None:
    from rich.table import Table

    from pdpa_check.cli.output import console, plain

    known = session.contacts()
    table = Table("Role", "Who", "Name", "How to reach")
    for role, label in CONTACT_ROLES.items():
        contact = known.get(role)
        name = "NOT NAMED" if role in ESSENTIAL_ROLES else "not recorded"
        table.add_row(
            _cli_role(role),
            label,
            plain(contact.name) if contact else name,
            plain(contact.reach) if contact else "",
        )
    console().print(table)
    missing = missing_roles(known)
    if missing:
        click.echo(
            "Missing (decide who before you need them): "
            + ", ".join(_cli_role(role) for role in missing)
            + ". Set one with `pdpa-check kit contacts set ROLE NAME --reach PHONE`."
        )


@writes
@contacts.command("set")
@click.argument("role")
@click.argument("name")
@click.option("--reach", default=None, help="How to reach them: phone, email ('' clears it).")
@pass_ctx
@handled
def contacts_set(ctx: Context, role: str, name: str, reach: str | None) -> None:
    """Name the person (or firm) for ROLE, and how to reach them.

    \b
    Example:
      pdpa-check kit contacts set incident-lead "Mei Ling" --reach "+65 9123 4567"
    """
    key = _role(role)
    session = ctx.session()
    if reach is None:
        old = session.contacts().get(key)
        reach = old.reach if old else ""
    try:
        contact = Contact.model_validate({"role": key, "name": name, "reach": reach})
    except ValidationError as error:
        raise InputError(_problem(error)) from None
    session.set_contact(contact)
    click.echo(f"Saved {_cli_role(key)}.")


@writes
@contacts.command("clear")
@click.argument("role")
@pass_ctx
@handled
def contacts_clear(ctx: Context, role: str) -> None:
    """Remove whoever is recorded for ROLE.

    \b
    Example:
      pdpa-check kit contacts clear insurer
    """
    key = _role(role)
    session = ctx.session()
    if key not in session.contacts():
        click.echo(f"Nobody was recorded as {_cli_role(key)}.")
        return
    session.clear_contact(key)
    click.echo(f"Cleared {_cli_role(key)}.")


def _role(text: str) -> ContactRole:
    """The role key for `incident-lead`, `incident_lead` or `Incident-Lead` (else exit 2)."""
    key = text.strip().lower().replace("-", "_")
    role = next((role for role in CONTACT_ROLES if role == key), None)
    if role is None:
        allowed = ", ".join(_cli_role(role) for role in CONTACT_ROLES)
        raise InputError(f"unknown role {text!r}; use one of: {allowed}")
    return role


def _cli_role(role: str) -> str:
    return role.replace("_", "-")


def _problem(error: ValidationError) -> str:
    """The first problem in a validation error, in one line, without echoing the input."""
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "value"
    return f"{field}: {first['msg']}"
