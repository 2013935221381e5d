"""`pdpa-check locate` and `pdpa-check demo`."""

from __future__ import annotations

import click

from pdpa_check.cli.base import Context, cli, handled, pass_ctx
from pdpa_check.store.db import backup_dir
from pdpa_check.store.lock import lock_path


@cli.command()
@pass_ctx
def locate(ctx: Context) -> None:
    """Print every path in effect: data, backups, configuration, cache and exports.

    \b
    Example:
      pdpa-check locate
    """
    from pdpa_check.questionnaires.cache import cache_folder
    from pdpa_check.services.settings import settings_file
    from pdpa_check.store.checked import stamp_path

    where = ctx.where
    rows = [
        ("database", ctx.db_path),
        ("lock file", lock_path(ctx.db_path)),
        ("clean-close record", stamp_path(ctx.db_path)),
        ("backups", backup_dir(ctx.db_path)),
        ("demo database", where.demo_database),
        ("data folder", where.data_dir),
        ("config folder", where.config_dir),
        ("settings", settings_file(where.config_dir)),
        ("your own banks", where.user_banks),
        ("bank cache", cache_folder()),
        ("exports (suggested)", where.exports),
    ]
    for label, path in rows:
        click.echo(f"{label + ':':<21}{path}")


@cli.command()
@click.pass_context
@handled
def demo(click_ctx: click.Context) -> None:
    """(Re)build the demo organisation and show its history and score.

    \b
    Example:
      pdpa-check demo
    """
    from pdpa_check.cli.reports import history, score
    from pdpa_check.services.demo import build_demo

    ctx: Context = click_ctx.obj
    from pdpa_check.store.lock import APP, DatabaseLock

    lock = DatabaseLock(ctx.where.demo_database, command="demo")
    lock.acquire(not_for=(APP, "assess"), create=False)  # exit 3 while the app has it open
    try:
        build_demo(ctx.where.demo_database, ctx.user_banks, replace=True)
    finally:
        lock.release()
    ctx.demo = True
    click_ctx.invoke(history)
    click.echo()
    click_ctx.invoke(score)
    click.echo(
        "\nThis is a demo organisation in a throwaway database. Try:\n"
        "  pdpa-check --demo plan --format md     the remediation plan\n"
        "  pdpa-check --demo plan --format toml   the same, for tools\n"
        "  pdpa-check --demo answers export answers.toml\n"
        "Your own data is kept separately (see `pdpa-check locate`)."
    )
