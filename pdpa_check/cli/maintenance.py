"""`pdpa-check doctor`, `backup` and `restore`: looking after the database file.

`doctor` only reads (and, with --fix, changes permission bits); it works on
a damaged database and never opens it for writing. `backup` uses SQLite's
backup API and works alongside the app; `restore` takes the database lock.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click

from pdpa_check.cli.base import (
    WRITER_WAIT_SECONDS,
    Context,
    InputError,
    cli,
    handled,
    pass_ctx,
)
from pdpa_check.store.backups import (
    KEEP,
    MANUAL,
    REASONS,
    Backup,
    check_backup,
    kept_files,
    list_backups,
    make_backup,
    newest_verified,
    restore,
    restore_hint,
)
from pdpa_check.store.db import (
    APPLICATION_ID,
    StoreError,
    backup_dir,
    inspect_database,
    known_steps,
)
from pdpa_check.store.lock import APP, DatabaseLock, LockedError, held_by, lock_path
from pdpa_check.support.fsutil import private_mkdir
from pdpa_check.support.text import for_output

OK, WARN, FAIL = "OK", "WARN", "FAIL"
_COLOURS = {OK: "green", WARN: "yellow", FAIL: "red"}
SQLITE_PREFERRED = (3, 51, 3)  # fixes a rare WAL race between concurrent writers
PRIVATE_FILE, PRIVATE_FOLDER = 0o600, 0o700


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


# doctor ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    status: str  # OK, WARN or FAIL: always a word, never colour alone
    topic: str
    text: str


@cli.command()
@click.option("--fix", is_flag=True, help="Repair file and folder permissions (nothing else).")
@pass_ctx
@handled
def doctor(ctx: Context, fix: bool) -> None:
    """Check the database and its files: integrity, permissions, lock, backups, versions.

    One line per check, marked OK, WARN or FAIL. Exit 0 unless something
    FAILs (1). Read-only, and safe on a damaged database; --fix only sets
    permissions to 0600 (files) and 0700 (folders) and says what it changed.

    \b
    Example:
      pdpa-check doctor --fix
    """
    checks = list(_checks(ctx, fix=fix))
    for check in checks:
        status = click.style(f"{check.status:<4}", fg=_COLOURS[check.status], bold=True)
        click.echo(f"{status}  {check.topic:<12} {for_output(check.text)}")
    failed = sum(c.status == FAIL for c in checks)
    warned = sum(c.status == WARN for c in checks)
    if failed or warned:
        click.echo(f"\n{failed} failed, {warned} warning(s).")
        if any(c.topic == "permissions" and c.status != OK for c in checks) and not fix:
            click.echo("`pdpa-check doctor --fix` repairs the permissions.")
    else:
        click.echo("\nAll checks passed.")
    if failed:
        sys.exit(1)


def _checks(ctx: Context, *, fix: bool) -> Iterator[Check]:
    database = ctx.db_path
    yield from _database_checks(database)
    yield from _permission_checks(ctx, fix=fix)
    yield _lock_check(database)
    yield from _backup_checks(database)
    yield _sqlite_check()
    yield Check(OK, "python", f"Python {sys.version.split()[0]}")
    yield _export_temp_check(ctx.where.exports)


def _database_checks(database: Path) -> Iterator[Check]:
    if not os.path.lexists(database):
        yield Check(WARN, "database", f"{database}: no database there yet")
        return
    if not database.is_file():
        yield Check(FAIL, "database", f"{database}: is not a regular file")
        return
    yield Check(OK, "database", f"{database} ({human_size(database.stat().st_size)})")
    found = inspect_database(database, thorough=True)
    hint = restore_hint(database)
    if found.problem is not None:
        yield Check(FAIL, "integrity", _join(found.problem, hint))
    elif found.integrity == "ok":
        yield Check(OK, "integrity", "integrity_check: ok")
    else:
        yield Check(FAIL, "integrity", _join(f"integrity_check: {found.integrity}", hint))
    if found.application_id == APPLICATION_ID:
        yield Check(OK, "identity", f"application_id {APPLICATION_ID:#010x} (pdpa-check)")
    elif found.application_id is None:
        yield Check(FAIL, "identity", "application_id: cannot be read")
    else:
        yield Check(
            FAIL,
            "identity",
            f"application_id {found.application_id:#010x}: not a pdpa-check database",
        )
    if found.problem is None:
        yield _schema_check(found.applied, found.newer_steps)
    if found.user_lists is not None:
        yield _user_lists_check(found.user_lists)
    if found.wal is True:
        yield Check(OK, "journal", "WAL")
    elif found.wal is False:
        yield Check(OK, "journal", "rollback journal; pdpa-check switches it to WAL when it opens")


def _user_lists_check(systems: int) -> Check:
    """Where the names read from user lists are kept, and how to delete them."""
    if not systems:
        return Check(OK, "user-lists", "no names from user lists are kept")
    return Check(
        OK,
        "user-lists",
        f"names from {systems} system(s)' user lists are kept in this database for the plan's"
        " checklist (never the files); `pdpa-check evidence forget SYSTEM` deletes them",
    )


def _join(message: str, hint: str) -> str:
    return f"{message.rstrip('.')}. {hint}" if hint else message


def _schema_check(applied: tuple[str, ...], newer: tuple[str, ...]) -> Check:
    known = known_steps()
    if newer:
        return Check(
            FAIL,
            "schema",
            f"written by a newer pdpa-check (unknown steps: {', '.join(newer)}); "
            "upgrade pdpa-check to use it",
        )
    pending = [name for name in known if name not in applied]
    done = len(known) - len(pending)
    if not pending:
        return Check(OK, "schema", f"{done} of {len(known)} steps applied (latest {known[-1]})")
    return Check(
        OK,
        "schema",
        f"{done} of {len(known)} steps applied; the other {len(pending)} are applied, "
        "after a backup, the next time pdpa-check opens it",
    )


def _our_paths(ctx: Context) -> tuple[list[Path], list[Path], Path | None]:
    """Files that must be 0600, folders that must be 0700, and a folder we only report."""
    database = ctx.db_path
    files = [
        database,
        database.with_name(database.name + "-wal"),
        database.with_name(database.name + "-shm"),
        lock_path(database),
        *kept_files(database),
        *(b.path for b in list_backups(database)),
    ]
    folders = [backup_dir(database)]
    ours = {ctx.where.data_dir, ctx.where.demo_database.parent}
    chosen: Path | None = None
    if database.parent in ours:
        folders.insert(0, database.parent)
    else:
        chosen = database.parent  # the user's own folder (--db): reported, never changed
    return files, folders, chosen


def _permission_checks(ctx: Context, *, fix: bool) -> Iterator[Check]:
    if sys.platform == "win32":
        yield Check(OK, "permissions", "not checked on Windows (the folder's access list applies)")
        return
    files, folders, chosen = _our_paths(ctx)
    wanted = [(p, PRIVATE_FILE, stat.S_ISREG) for p in files]
    wanted += [(p, PRIVATE_FOLDER, stat.S_ISDIR) for p in folders]
    checked = 0
    problems: list[Check] = []
    for path, mode, kind in wanted:
        try:
            info = path.lstat()
        except OSError:
            continue
        if not kind(info.st_mode):
            continue
        checked += 1
        actual = stat.S_IMODE(info.st_mode)
        if _foreign_owner(info):
            problems.append(_owner_problem(path, info.st_uid))
        if actual == mode:
            continue
        problems.append(_permission_problem(path, actual, mode, fix=fix))
    if chosen is not None:
        problems.extend(_chosen_folder(chosen))
    if not problems:
        yield Check(OK, "permissions", f"{checked} files and folders private (0600 / 0700)")
    yield from problems


def _permission_problem(path: Path, actual: int, wanted: int, *, fix: bool) -> Check:
    if fix:
        try:
            path.chmod(wanted)
        except OSError as error:
            return Check(FAIL, "permissions", f"{path}: could not chmod: {error.strerror}")
        return Check(OK, "permissions", f"fixed: {path} was {actual:04o}, now {wanted:04o}")
    folder = wanted == PRIVATE_FOLDER
    return Check(_severity(actual, folder=folder), "permissions", _mode_text(path, actual, wanted))


def _severity(mode: int, *, folder: bool = False) -> str:
    """Others able to change it, or you unable to: FAIL; others able to read it: WARN.

    A file or folder you cannot write blocks every save (a 0400 -shm left by a
    failed write keeps them failing after the database itself is fixed).
    """
    if mode & (stat.S_IWGRP | stat.S_IWOTH) or _blocks_writes(mode, folder=folder):
        return FAIL
    return WARN


def _blocks_writes(mode: int, *, folder: bool) -> bool:
    """You (the owner) cannot write the file, or cannot create files in the folder."""
    return not mode & stat.S_IWUSR or (folder and not mode & stat.S_IXUSR)


def _foreign_owner(info: os.stat_result) -> bool:
    return hasattr(os, "getuid") and info.st_uid != os.getuid()


def _owner_problem(path: Path, uid: int) -> Check:
    return Check(
        FAIL,
        "permissions",
        f"{path} belongs to another user (uid {uid}), so pdpa-check cannot write to it; "
        "not changed by --fix (run `sudo chown $USER` on it, or remove it if it is a "
        "-wal/-shm file and no pdpa-check is running)",
    )


def _mode_text(path: Path, actual: int, wanted: int) -> str:
    if actual & (stat.S_IWGRP | stat.S_IWOTH):
        why = "other users can change it"
    elif _blocks_writes(actual, folder=wanted == PRIVATE_FOLDER):
        why = "you cannot write to it, so saving fails"
    elif actual & (stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH):
        why = "other users can read it"
    else:
        why = "unusual"
    return f"{path} is {actual:04o} ({why}); should be {wanted:04o}"


def _chosen_folder(folder: Path) -> Iterator[Check]:
    try:
        actual = stat.S_IMODE(folder.stat().st_mode)
    except OSError:
        return
    if _blocks_writes(actual, folder=True):
        yield Check(
            FAIL,
            "folder",
            f"{folder} (your --db folder) is {actual:04o}: you cannot create files in it, "
            f"so saving fails; not changed by --fix (`chmod u+rwx {folder}`)",
        )
    if actual & (stat.S_IRWXG | stat.S_IRWXO):
        yield Check(
            WARN,
            "folder",
            f"{folder} (your --db folder) is {actual:04o}: other users may list it; "
            f"not changed by --fix (`chmod 700 {folder}` if only you should)",
        )


def _lock_check(database: Path) -> Check:
    try:
        holder = held_by(database)
    except OSError as error:
        return Check(WARN, "lock", f"{lock_path(database)}: cannot check: {error.strerror}")
    if holder is None:
        return Check(OK, "lock", "free (no pdpa-check has this database open)")
    what = "the app" if holder.command == APP else f"`pdpa-check {holder.command}`"
    return Check(OK, "lock", f"held by {what} ({holder.describe()})")


def _backup_checks(database: Path) -> Iterator[Check]:
    backups = list_backups(database)
    folder = backup_dir(database)
    if not backups:
        yield Check(WARN, "backups", f"none yet in {folder}; make one with `pdpa-check backup`")
    else:
        newest = backups[0]
        status = check_backup(newest.path)
        count = f"{len(backups)} found; newest {newest.when} ({newest.reason})"
        if status == "ok":
            yield Check(OK, "backups", f"{count}, passes quick_check")
        else:
            good = newest_verified(database)
            yield Check(
                WARN if good else FAIL,
                "backups",
                f"{count} fails quick_check ({status}); "
                + (f"newest good one: {good.when}" if good else "no backup passes"),
            )
    kept = kept_files(database)
    if kept:
        yield Check(
            OK,
            "set aside",
            f"{len(kept)} earlier database file(s) kept by restore, e.g. {kept[-1].name}",
        )


def _sqlite_check() -> Check:
    version = sqlite3.sqlite_version
    if sqlite3.sqlite_version_info >= SQLITE_PREFERRED:
        return Check(OK, "sqlite", f"SQLite {version}")
    preferred = ".".join(map(str, SQLITE_PREFERRED))
    return Check(
        OK,
        "sqlite",
        f"SQLite {version} ({preferred}+ preferred: it fixes a rare WAL race, "
        "which pdpa-check's lock avoids)",
    )


def _export_temp_check(folder: Path) -> Check:
    from pdpa_check.exports.writer import leftovers as interrupted

    leftovers = interrupted(folder, older_than=0)
    if not leftovers:
        return Check(OK, "exports", f"no leftover temporary files in {folder}")
    return Check(
        WARN,
        "exports",
        f"{len(leftovers)} temporary file(s) left by an interrupted export in {folder} "
        f"(e.g. {leftovers[0].name}); the next export there removes them",
    )


# backup and restore ----------------------------------------------------------------------


@cli.command()
@click.option("--list", "show_list", is_flag=True, help="List the backups and check each.")
@click.option("--json", "as_json", is_flag=True, help="With --list: print the list as JSON.")
@pass_ctx
@handled
def backup(ctx: Context, show_list: bool, as_json: bool) -> None:
    """Write a verified copy of the database to its backups folder.

    The copy is made with SQLite's backup API (safe while the app is open),
    checked, and readable only by you. Backups are also made automatically
    before a database upgrade and after each completed assessment; the newest
    10 of each kind are kept.

    \b
    Example:
      pdpa-check backup --list --json
    """
    if as_json and not show_list:
        raise InputError("--json goes with --list")
    if show_list and as_json:
        _backups_json(ctx.db_path)
        return
    if show_list:
        _print_backups(ctx.db_path)
        return
    store = ctx.store()
    path = make_backup(store.conn, ctx.db_path, MANUAL)
    click.echo(f"Backup written and verified: {for_output(str(path))}")


def _backups_json(database: Path) -> None:
    from pdpa_check.cli.output import print_json

    backups = [
        {
            "file": str(item.path),
            "taken_at": item.taken.isoformat(),
            "kind": item.reason,
            "size": item.size,
            "check": check_backup(item.path),
        }
        for item in list_backups(database)
    ]
    body = {"database": str(database), "folder": str(backup_dir(database)), "backups": backups}
    print_json("backups", body)


def _print_backups(database: Path) -> None:
    backups = list_backups(database)
    folder = backup_dir(database)
    if not backups:
        click.echo(f"No backups of {for_output(str(database))} yet (in {for_output(str(folder))}).")
        return
    click.echo(
        f"Backups of {for_output(str(database))}, newest first "
        f"(the newest {KEEP} of each kind are kept), in {for_output(str(folder))}:"
    )
    for item in backups:
        status = check_backup(item.path)
        verdict = "ok" if status == "ok" else f"FAILS quick_check: {status}"
        click.echo(
            f"  {item.when:<18} {item.reason:<15} {human_size(item.size):>9}  "
            f"{for_output(verdict):<8} {for_output(item.path.name)}"
        )


@cli.command("restore")
@click.argument(
    "backup_file",
    metavar="[BACKUP]",
    required=False,
    type=click.Path(path_type=Path),  # a folder is refused in one line by _choose_backup
)
@click.option("--list", "show_list", is_flag=True, help="List the backups and check each.")
@click.option("--yes", is_flag=True, help="Restore without asking (for scripts).")
@pass_ctx
@handled
def restore_command(ctx: Context, backup_file: Path | None, show_list: bool, yes: bool) -> None:
    """Put a backup back in place of the database (default: the newest good one).

    The backup is checked first. The current database file (and its -wal and
    -shm) is never deleted: it is renamed `<name>.corrupt-<time>`, or
    `.replaced-<time>` when it was healthy. Refused while the app is open.

    \b
    Example:
      pdpa-check restore --list
    """
    database = ctx.db_path
    if show_list:
        _print_backups(database)
        return
    holder = held_by(database)
    if holder is not None:
        raise LockedError(database, holder)
    if not yes and not sys.stdin.isatty():
        raise InputError("not restored: confirm on a terminal, or run again with --yes")
    private_mkdir(database.parent)
    with _restore_lock(database):
        source, about = _choose_backup(database, backup_file)
        if not yes:
            click.echo(
                f"Restore {for_output(str(database))} from {for_output(about)}?\n"
                f"{_what_is_kept(database)}"
            )
            if not click.confirm("Restore?", default=False):
                click.echo("Nothing was changed.")
                return
        done = restore(database, source)
    click.echo(f"Restored {for_output(str(database))} from {for_output(about)}.")
    for kept in done.kept:
        click.echo(f"Kept the previous file as {for_output(str(kept))}")


def _what_is_kept(database: Path) -> str:
    if not os.path.lexists(database):
        return "There is no database file there now."
    healthy = database.is_file() and inspect_database(database, thorough=False).healthy
    state, kind = ("healthy", "replaced") if healthy else ("damaged", "corrupt")
    return f"The current file ({state}) is kept beside it, renamed {database.name}.{kind}-<time>."


def _choose_backup(database: Path, chosen: Path | None) -> tuple[Path, str]:
    """The backup to restore and how to describe it; a bad choice is an InputError."""
    if chosen is None:
        newest = newest_verified(database)
        if newest is None:
            raise StoreError(
                f"no backup of {database} that passes its check in {backup_dir(database)}", 1
            )
        return newest.path, _describe(newest)
    path = chosen
    if not path.exists() and len(chosen.parts) == 1:
        path = backup_dir(database) / chosen.name  # a name from `restore --list`
    if not path.is_file():
        raise InputError(f"{chosen}: no such backup (see `pdpa-check restore --list`)")
    status = check_backup(path)
    if status != "ok":
        raise InputError(f"{path}: cannot restore from this file: {status}")
    known = next((b for b in list_backups(database) if b.path.resolve() == path.resolve()), None)
    return path, _describe(known) if known else str(path)


def _describe(item: Backup) -> str:
    why = REASONS.get(item.reason, item.reason)
    return f"the backup of {item.when} ({why}, {human_size(item.size)})"


@contextmanager
def _restore_lock(database: Path) -> Iterator[None]:
    lock = DatabaseLock(database, command="restore")
    lock.acquire(wait=WRITER_WAIT_SECONDS, not_for=(APP, "assess"))
    try:
        yield
    finally:
        lock.release()
