"""`pdpa-check org create|list|show`."""

from __future__ import annotations

import click
from pydantic import ValidationError
from rich.table import Table

from pdpa_check.cli.base import Context, InputError, cli, handled, pass_ctx, writes
from pdpa_check.cli.output import console, json_option, plain, print_json
from pdpa_check.questionnaires.profile import (
    SECTORS,
    SITE_BUILD_WORDS,
    SITE_BUILDS,
    SYSTEM_KINDS,
    Profile,
    System,
)
from pdpa_check.store.repo import OrganisationRow


@cli.group()
def org() -> None:
    """Create and inspect organisations.

    \b
    Example:
      pdpa-check org list
    """


@writes
@org.command("create")
@click.argument("name")
@click.option(
    "--staff",
    "staff_count",
    type=int,
    required=True,
    help="How many people work in the business, yourself included: 1 means just you.",
)
@click.option("--sector", type=click.Choice(list(SECTORS)), default="ecommerce", show_default=True)
@click.option(
    "--system",
    "systems",
    multiple=True,
    metavar="[KIND:]NAME",
    help="A system holding customer data; repeatable. A known platform's name is enough "
    "(--system Shopify); otherwise give its kind, one of: "
    f"{', '.join(SYSTEM_KINDS)} (--system crm:Our customer list).",
)
@click.option(
    "--website/--no-website",
    "has_website",
    default=True,
    help="--no-website: no website or online store of your own (e.g. you sell only on "
    "marketplaces such as Shopee or Lazada), so questions about your own site do not apply.",
)
@click.option(
    "--site-build",
    type=click.Choice(list(SITE_BUILDS)),
    default="hosted",
    show_default=True,
    help="How your own website or online store is run: hosted (a platform such as Shopify "
    "runs the software), self_hosted (store software you or your vendor install and update, "
    "such as WooCommerce or Magento) or custom (a website or app built for you). Questions "
    "about updating a self-hosted store, and about a site built for you, follow from it.",
)
@pass_ctx
@handled
def org_create(
    ctx: Context,
    name: str,
    staff_count: int,
    sector: str,
    systems: tuple[str, ...],
    has_website: bool,
    site_build: str,
) -> None:
    """Create an organisation (and the database, if there is none yet).

    \b
    Example:
      pdpa-check org create "Kopi Shop" --staff 6 --system Shopify --system "crm:Customer sheet"
    """
    from pdpa_check.services.session import Session
    from pdpa_check.store.db import create_database, interrupted_creation, open_database
    from pdpa_check.store.repo import Store, unique_system_key

    if not name.strip():
        raise InputError("the organisation name must not be empty")
    if staff_count < 1:
        raise InputError(
            f"--staff {staff_count}: count everyone who works in the business, yourself "
            "included (1 means just you)"
        )
    parsed: list[System] = []
    taken: set[str] = set()
    try:
        for spec in systems:
            kind, system_name = _system_spec(spec)
            key = unique_system_key(system_name, taken)
            taken.add(key)
            parsed.append(System(key=key, kind=kind, name=system_name))
        profile = Profile(
            name=name,
            staff_count=staff_count,
            sector=sector,
            systems=tuple(parsed),
            has_website=has_website,
            site_build=site_build,
        )
    except ValidationError as error:
        first = error.errors(include_url=False, include_input=False)[0]
        field = ".".join(str(part) for part in first["loc"]) or "value"
        raise InputError(f"{field}: {first['msg']}") from None
    path = ctx.db_path
    created = not path.exists() or interrupted_creation(path)  # 0 bytes: replaced
    db = create_database(path) if created else open_database(path)
    store = Store(db, path)
    try:
        if any(o.name.casefold() == profile.name.casefold() for o in store.organisations()):
            raise InputError(f"an organisation called {profile.name!r} already exists")
        org_id = Session(store, ctx.user_banks).save_profile(profile, new=True).id
    finally:
        store.close()
    if created:
        click.echo(f"Created database {path}")
    click.echo(f"Created organisation {org_id}: {profile.name} ({len(parsed)} systems)")


@org.command("list")
@json_option
@pass_ctx
@handled
def org_list(ctx: Context, as_json: bool) -> None:
    """List organisations in the database.

    \b
    Example:
      pdpa-check org list --json
    """
    store = ctx.store(show_demo_if_none=True)
    if as_json:
        print_json(
            "organisations", {"organisations": [_org_data(r) for r in store.organisations()]}
        )
        return
    table = Table("ID", "Name", "Staff", "Sector", "Created")
    for row in store.organisations():
        table.add_row(
            str(row.id),
            plain(row.name),
            str(row.staff_count),
            SECTORS.get(row.sector, row.sector),
            row.created_at[:10],
        )
    console().print(table)


@org.command("show")
@json_option
@pass_ctx
@handled
def org_show(ctx: Context, as_json: bool) -> None:
    """Show the organisation's profile and systems.

    \b
    Example:
      pdpa-check --org "Kopi Shop" org show --json
    """
    store = ctx.store(show_demo_if_none=True)
    row = store.find_organisation(ctx.org_ref)
    profile = store.profile(row.id)
    if as_json:
        systems = [{"key": s.key, "kind": s.kind, "name": s.name} for s in profile.systems]
        body = {**_org_data(row), "has_website": profile.has_website, "systems": systems}
        print_json("organisation", body)
        return
    out = console()
    out.print(plain(f"{profile.name} (organisation {row.id})", "bold"))
    out.print(f"Staff: {profile.staff_count}   Sector: {SECTORS[profile.sector]}")
    out.print(
        "Own website or online store: "
        + (f"yes, {SITE_BUILD_WORDS[profile.site_build]}" if profile.has_website else "no")
    )
    table = Table("Key", "Kind", "Name", title="Systems holding customer data")
    for system in profile.systems:
        table.add_row(system.key, SYSTEM_KINDS[system.kind], plain(system.name))
    out.print(table)


def _org_data(row: OrganisationRow) -> dict[str, object]:
    """An organisation as the JSON listings give it."""
    return {
        "id": row.id,
        "uid": row.uid,
        "name": row.name,
        "staff_count": row.staff_count,
        "sector": row.sector,
        "created_at": row.created_at,
    }


def _system_spec(spec: str) -> tuple[str, str]:
    """`KIND:NAME`, or a known platform's name alone (its kind from the catalogue)."""
    from pdpa_check.questionnaires.platforms import builtin_catalogue

    kind, sep, system_name = spec.partition(":")
    if sep and kind in SYSTEM_KINDS:
        return kind, system_name
    platform = builtin_catalogue().find(spec)
    if platform is None:
        raise InputError(
            f"--system {spec!r}: not a platform pdpa-check knows, so give its kind as "
            f"KIND:NAME with KIND one of {', '.join(SYSTEM_KINDS)}"
        )
    return platform.kind, spec
