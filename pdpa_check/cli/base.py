"""The root `pdpa-check` command, its shared context and error handling.

Headless commands never import Textual, so they start fast. Errors print one
line and exit 1 (runtime) or 2 (bad input); tracebacks only with --debug, and
never with local variables.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import wraps
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, ParamSpec, TypeVar

import click

from pdpa_check import __version__
from pdpa_check.questionnaires.errors import MAX_PROBLEMS, BankError, UnreadableFile, one_line
from pdpa_check.store.db import StoreError
from pdpa_check.store.lock import APP, LOCKED_EXIT_CODE, DatabaseLock
from pdpa_check.support.fsutil import FolderError
from pdpa_check.support.paths import Locations, locations
from pdpa_check.support.text import for_output

if TYPE_CHECKING:
    from pdpa_check.services.session import Session
    from pdpa_check.services.settings import Settings
    from pdpa_check.services.workspace import Warnings
    from pdpa_check.store.repo import Store

P = ParamSpec("P")
R = TypeVar("R")

EXIT_RUNTIME = 1
EXIT_BAD_INPUT = 2
EXIT_LOCKED = LOCKED_EXIT_CODE  # 3: another pdpa-check has the database open
# The reader of our output went away (`pdpa-check score | head -3`): 128 + SIGPIPE,
# the status a shell shows for any tool stopped by a closed pipe (as 130 is for Ctrl-C).
EXIT_CLOSED_PIPE = 141

WRITER_WAIT_SECONDS = 5.0  # for another short command to finish (never for the app)


class InputError(Exception):
    """Bad input from the user: exit code 2."""


NO_DATABASE_FOR_SCRIPTS = (
    "no database of your own yet: create one with `pdpa-check org create NAME`, "
    "or add --demo to read the demo"
)


@dataclass
class Context:
    where: Locations
    demo: bool
    org_ref: str | None
    debug: bool
    # The plan's monthly effort budget for this run (`plan --month-budget`); None: config/staff.
    month_hours: float | None = None
    _store: Store | None = field(default=None, repr=False)
    _warnings: Warnings | None = field(default=None, repr=False)

    @property
    def db_path(self) -> Path:
        return self.where.demo_database if self.demo else self.where.database

    @property
    def user_banks(self) -> Path:
        return self.where.user_banks

    @property
    def warn(self) -> Warnings:
        """Warnings for this command: one line each on stderr, each said once."""
        if self._warnings is None:
            from pdpa_check.services.workspace import Warnings

            self._warnings = Warnings()
        return self._warnings

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def store(self, *, show_demo_if_none: bool = False, create: bool = False) -> Store:
        """The open store (imported lazily so `--help` stays fast).

        Read-only commands pass `show_demo_if_none`: with no database of the
        user's own yet, on a terminal they show the demo organisation (saying
        so) instead of failing, so `pdpa-check demo` followed by `pdpa-check
        plan` just works. A script (stdout not a terminal) is refused instead,
        so it never takes the demo's data for the owner's without asking.
        """
        if self._store is None:
            from pdpa_check.store.db import open_database
            from pdpa_check.store.repo import Store

            if self._use_demo_instead(show_demo_if_none):
                if not stdout_is_terminal():
                    raise InputError(NO_DATABASE_FOR_SCRIPTS)
                click.echo(
                    "Showing the demo organisation: you have no database of your own yet "
                    "(create one with `pdpa-check org create NAME`).",
                    err=True,
                )
                self.demo = True
            if self.demo and self._to_create():
                from pdpa_check.services.demo import build_demo

                build_demo(self.db_path, self.user_banks)
            if create and self._to_create():
                from pdpa_check.store.db import create_database

                self._store = Store(create_database(self.db_path), self.db_path)
                return self._store
            if not self.db_path.exists():
                raise StoreError(
                    f"{self.db_path}: no database yet. Create your organisation with "
                    "`pdpa-check org create NAME`, or look at the demo with "
                    "`pdpa-check --demo COMMAND`"
                )
            self._store = Store(open_database(self.db_path), self.db_path)
        return self._store

    def session(self, *, show_demo_if_none: bool = False) -> Session:
        """The session layer on the chosen organisation (an error if it is ambiguous)."""
        from pdpa_check.services.session import Session
        from pdpa_check.services.settings import load_settings

        store = self.store(show_demo_if_none=show_demo_if_none)
        org = store.find_organisation(self.org_ref)
        settings = load_settings(self.where.config_dir)
        return Session(
            store,
            self.user_banks,
            org_ref=str(org.id),
            stale_after_days=settings.stale_after_days,
            demo=self.demo,
            warn=self.warn,
            month_hours=self._budget(settings)[0],
            budget_source=self._budget(settings)[1],
        )

    def _budget(self, settings: Settings) -> tuple[float | None, str]:
        """The monthly effort budget a session plans with, and who set it (None: staff count)."""
        from pdpa_check.scoring.result import CONFIG_FILE, THIS_RUN

        if self.month_hours is not None:
            return self.month_hours, THIS_RUN
        if settings.plan_month_hours is not None:
            return settings.plan_month_hours, CONFIG_FILE
        return None, ""

    def _to_create(self) -> bool:
        """No database yet, or only the 0-byte file of an interrupted creation."""
        from pdpa_check.store.db import interrupted_creation

        return not self.db_path.exists() or interrupted_creation(self.db_path)

    def app_session(self) -> Session:
        """The app's session; the database is created (privately) on the very first run."""
        from pdpa_check.services.session import Session
        from pdpa_check.services.settings import load_settings

        settings = load_settings(self.where.config_dir)
        return Session(
            self.store(create=True),
            self.user_banks,
            org_ref=self.org_ref,
            stale_after_days=settings.stale_after_days,
            demo=self.demo,
            month_hours=self._budget(settings)[0],
            budget_source=self._budget(settings)[1],
        )

    def _use_demo_instead(self, allowed: bool) -> bool:
        return (
            allowed
            and not self.demo
            and not self.where.database_chosen
            and not self.where.database.exists()
            and self.where.demo_database.exists()
        )


def stdout_is_terminal() -> bool:
    """Whether a person is reading the output (tests replace this to act as one)."""
    return sys.stdout.isatty()


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"pdpa-check: error: {for_output(one_line(message))}", err=True)
    sys.exit(code)


def echo_problems(problems: list[str], total: int | None = None) -> int:
    """Print the first MAX_PROBLEMS problems, one line each, then how many more; the total."""
    count = max(total or 0, len(problems))
    for problem in problems[:MAX_PROBLEMS]:
        click.echo(for_output(one_line(problem)), err=True)
    if count > MAX_PROBLEMS:
        click.echo(f"... and {count - MAX_PROBLEMS} more problem(s)", err=True)
    return count


def handled(func: Callable[P, R]) -> Callable[P, R]:
    """Turn known errors into one clear line and the right exit code."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from pdpa_check.exports.writer import ExportError

        try:
            return func(*args, **kwargs)
        except UnreadableFile as error:  # the file as a whole: one line
            _fail(error.problems[0], EXIT_BAD_INPUT)
        except BankError as error:
            count = echo_problems(error.problems, error.total)
            _fail(f"{count} problem(s) found", EXIT_BAD_INPUT)
        except (StoreError, FolderError) as error:
            _fail(str(error), error.exit_code)
        except InputError as error:
            _fail(str(error), EXIT_BAD_INPUT)
        except ExportError as error:
            _fail(str(error), error.exit_code)

    return wrapper


pass_ctx = click.make_pass_decorator(Context)


def command_name(ctx: click.Context) -> str:
    """`answers import` for `pdpa-check --db X answers import FILE`."""
    names: list[str] = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


@contextmanager
def writer_lock(obj: Context, name: str) -> Iterator[None]:
    """Hold the database's writer lock while changing it (LockedError, exit 3, if the app has it).

    No lock file yet means no app has had this database open, so none is created.
    """
    if not obj.db_path.exists():
        yield  # nothing to protect yet: creation is exclusive anyway
        return
    lock = DatabaseLock(obj.db_path, command=name)
    lock.acquire(wait=WRITER_WAIT_SECONDS, not_for=(APP, "assess"), create=False)
    try:
        yield
    finally:
        lock.release()


def _path_problem(error: click.BadParameter) -> NoReturn:
    """A file or folder argument click refused (missing, a folder, unreadable): one line."""
    _fail(error.format_message(), EXIT_BAD_INPUT)


def _parsed(make: Callable[[], click.Context]) -> click.Context:
    """Click's parsing of a command line, with two faults made quiet or one line.

    A closed pipe (during `--help`) ends quietly; a bad path is bad input, not a
    usage mistake: one line, not click's usage block.
    """
    try:
        return make()
    except BrokenPipeError:
        end_on_closed_pipe()
    except click.BadParameter as error:
        if error.param is None or not isinstance(error.param.type, click.Path):
            raise
        _path_problem(error)
    except click.NoSuchOption as error:
        usage = GLOBAL_OPTIONS.get(error.option_name)
        if usage is None or error.ctx is None:
            raise
        raise click.UsageError(
            f"{error.option_name} is a global option: put it before the command, as in"
            f" `pdpa-check {usage} {command_name(error.ctx)} ...`",
            error.ctx,
        ) from None


# The options of `pdpa-check` itself, which go before the command, as they are written.
GLOBAL_OPTIONS = {
    "--db": "--db PATH",
    "--demo": "--demo",
    "--org": "--org NAME",
    "--debug": "--debug",
    "--no-mouse": "--no-mouse",
}


class _Command(click.Command):
    """A command that takes the database lock first when it writes (marked with `@writes`).

    A writing command run with `--no-save` writes nothing, so it takes no lock.
    """

    writes = False

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        return _parsed(lambda: super(_Command, self).make_context(info_name, args, parent, **extra))

    def invoke(self, ctx: click.Context) -> object:
        name = command_name(ctx)
        obj = ctx.find_object(Context)
        if not self.writes or obj is None or ctx.params.get("no_save"):
            return super().invoke(ctx)
        try:
            with writer_lock(obj, name):
                return super().invoke(ctx)
        except StoreError as error:
            _fail(str(error), error.exit_code)


CommandT = TypeVar("CommandT", bound=click.Command)


def writes(command: CommandT) -> CommandT:
    """Mark a command that changes the database, placed above its `.command(...)` decorator.

    It holds the database's lock while it runs, and refuses (exit 3) while the app has
    it open. Every other command only reads and works alongside the app (SQLite's WAL
    lets readers and one writer share the file).
    """
    if not isinstance(command, _Command):
        raise TypeError(f"{command.name}: only pdpa-check's own commands can be marked as writing")
    command.writes = True
    return command


# Where each top-level command lives. A module is imported only when its command
# runs (or for the full help), so `score` never pays for `doctor` or the app.
LAZY_COMMANDS: dict[str, tuple[str, ...]] = {
    "answer": ("answers",),
    "answers": ("answers",),
    "assess": ("plain",),
    "assessment": ("answers",),
    "backup": ("maintenance",),
    "bank": ("bank",),
    "demo": ("misc",),
    "diff": ("diff",),
    "doctor": ("maintenance",),
    "evidence": ("evidence",),
    "history": ("reports",),
    "kit": ("kit", "kit_docs", "kit_incident"),
    "locate": ("misc",),
    "org": ("org",),
    "plan": ("plan",),
    "restore": ("maintenance",),
    "score": ("reports",),
}


class _Group(click.Group):
    command_class = _Command
    group_class = type  # subgroups are _Group too, so their commands are _Command

    def list_commands(self, ctx: click.Context) -> list[str]:
        if self.parent_is_root():
            return sorted(set(super().list_commands(ctx)) | set(LAZY_COMMANDS))
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if self.parent_is_root() and cmd_name not in self.commands:
            for module in LAZY_COMMANDS.get(cmd_name, ()):
                import_module(f"pdpa_check.cli.{module}")  # registers its commands on `cli`
        return super().get_command(ctx, cmd_name)

    def parent_is_root(self) -> bool:
        return self is cli

    # A closed pipe is caught here, before click's own handler turns it into exit 1:
    # in parsing (`--help`, `--version`) and in running the command.
    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        return _parsed(lambda: super(_Group, self).make_context(info_name, args, parent, **extra))

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            end_on_closed_pipe()


@click.group(
    cls=_Group,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db",
    "db",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Database file to use (default: see `pdpa-check locate`; env PDPA_CHECK_DB).",
)
@click.option("--demo", is_flag=True, help="Use the built-in demo organisation's database.")
@click.option("--org", "org_ref", metavar="NAME|ID", help="Organisation, when there are several.")
@click.option("--debug", is_flag=True, help="Show tracebacks (never with local variables).")
@click.option("--no-mouse", is_flag=True, help="App: leave the mouse to the terminal (copy/paste).")
@click.version_option(__version__, "--version", prog_name="pdpa-check")
@click.pass_context
def cli(
    ctx: click.Context,
    db: Path | None,
    demo: bool,
    org_ref: str | None,
    debug: bool,
    no_mouse: bool,
) -> None:
    """PDPA readiness self-assessment for Singapore SMEs.

    Answer questions about how you protect customer data, get a readiness
    score, and a prioritised plan to share with your IT vendor. The score is
    a readiness indicator, not legal advice or a certification.

    With no command, on a terminal, the app opens.

    \b
    Examples:
      pdpa-check                      open the app
      pdpa-check --demo plan          the demo organisation's plan
      pdpa-check answers export answers.toml
    """
    if db is not None and demo:
        raise click.UsageError("--db and --demo cannot be used together")
    ctx.obj = Context(locations(db), demo, org_ref, debug)
    ctx.call_on_close(ctx.obj.close)
    if ctx.invoked_subcommand is None:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            click.echo(ctx.get_help(), err=True)  # a usage error: stdout stays empty
            ctx.exit(EXIT_BAD_INPUT)
        handled(_open_app)(ctx.obj, mouse=not no_mouse)


def _open_app(obj: Context, *, mouse: bool) -> None:
    from pdpa_check.tui.launch import launch  # Textual loads only for the app

    where = obj.where
    launch(obj.db_path, where.config_dir, obj.app_session, demo=obj.demo, mouse=mouse)


def end_on_closed_pipe() -> NoReturn:
    """Stop quietly when the reader closed our output, as the Python docs recommend.

    Standard output is pointed at /dev/null first, so the flush at exit cannot
    fail again and print "Exception ignored" (see the note on SIGPIPE in the
    `signal` module's documentation).
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    sys.exit(EXIT_CLOSED_PIPE)


def main() -> None:
    """Console-script entry point: no traceback for anything unexpected either."""
    debug = "--debug" in sys.argv
    try:
        cli.main(standalone_mode=True)
    except SystemExit:
        raise
    except BrokenPipeError:
        end_on_closed_pipe()
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as error:
        if debug:
            import traceback

            # Frames only: no locals, and no message (it may quote a note or an answer).
            frames = traceback.TracebackException.from_exception(error).stack.format()
            sys.stderr.write("Traceback (most recent call last):\n" + "".join(frames))
            sys.stderr.write(f"{type(error).__name__}: (message hidden: it may quote your data)\n")
        _fail(
            f"unexpected internal error ({type(error).__name__}{_file_of(error)}); "
            "run with --debug for details",
            EXIT_RUNTIME,
        )


def _file_of(error: Exception) -> str:
    """` on PATH` for an OS error about a file: a path is not the user's data, so it is shown."""
    if isinstance(error, OSError) and error.filename:
        return f" on {error.filename}"
    return ""
