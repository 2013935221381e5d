"""One writer at a time per database: an OS lock on `<database>.lock`.

The lock is the kernel's (`flock` on POSIX, `msvcrt.locking` on Windows), not
the existence of a file, so a process that is killed releases it with its
last file descriptor and a stale lock never blocks a restart. The lock file
stays on disk (0600); while held it says who holds it (process id, start
time, which command), so a second instance can name the holder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from pdpa_check.store.db import StoreError
from pdpa_check.support.fsutil import no_follow

LOCKED_EXIT_CODE = 3
APP = "app"  # the `command` recorded by the interactive app
_RETRY_SECONDS = 0.05
_GRACE_SECONDS = 0.3  # a probe (`held_by`) holds a shared lock for microseconds
_WINDOWS_LOCK_OFFSET = 1 << 20  # Windows locks are mandatory: lock a byte past the holder text


@dataclass(frozen=True)
class Holder:
    """Who holds a database lock, as far as the lock file says."""

    pid: int | None
    since: dt.datetime | None
    command: str

    def describe(self) -> str:
        """`process 1234, since 10:42` (a date too when it was not today)."""
        parts = [f"process {self.pid}" if self.pid else "another process"]
        if self.since is not None:
            parts.append(f"since {_when(self.since)}")
        return ", ".join(parts)


class LockedError(StoreError):
    """Another pdpa-check holds the database; exit code 3."""

    def __init__(self, database: Path, holder: Holder | None) -> None:
        self.database = database
        self.holder = holder
        who = f" ({holder.describe()})" if holder else ""
        if holder is None or holder.command == APP:
            first = f"pdpa-check is already open on {database}{who}. Close it first"
        else:
            first = (
                f"`pdpa-check {holder.command}` is using {database}{who}. "
                "Wait for it to finish, or close it"
            )
        super().__init__(
            f"{first}, or use the commands (score, plan, history) which work alongside it.",
            LOCKED_EXIT_CODE,
        )


def lock_path(database: Path) -> Path:
    """The lock file for `database`: `<name>.lock` beside it."""
    return database.with_name(database.name + ".lock")


class DatabaseLock:
    """An exclusive lock on one database for as long as it is held.

    `acquire()` raises `LockedError` naming the holder; use as a context
    manager, or call `release()` (the OS releases it anyway when the process
    ends, however it ends).
    """

    def __init__(self, database: Path, command: str = APP) -> None:
        self.database = database
        self.path = lock_path(database)
        self.command = command
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(
        self, *, wait: float = 0.0, not_for: Collection[str] = (APP,), create: bool = True
    ) -> None:
        """Take the lock, waiting up to `wait` seconds for a holder to finish.

        There is no point waiting for holders whose command is in `not_for`
        (the interactive app stays open for as long as the user likes). With
        `create=False` a missing lock file means nobody can hold the lock, and
        nothing is taken or created (`held` stays False): short commands
        leave no new file behind.
        """
        if self._fd is not None:
            return
        try:
            fd = _open(self.path, create=create)
        except FileNotFoundError:
            if not create:
                return
            raise StoreError(
                f"{self.path}: cannot create the lock file: its folder is missing", 1
            ) from None
        except OSError as error:
            raise StoreError(
                f"{self.path}: cannot open the lock file: {error.strerror}", 1
            ) from None
        start = time.monotonic()
        try:
            while not _try_lock(fd, exclusive=True):
                holder = _read_holder(self.path)
                elapsed = time.monotonic() - start
                hopeless = holder is not None and holder.command in not_for
                if elapsed >= max(wait, _GRACE_SECONDS) or (hopeless and elapsed >= _GRACE_SECONDS):
                    raise LockedError(self.database, holder)
                time.sleep(_RETRY_SECONDS)
            _write_holder(fd, self.command)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)  # tidy: a free lock names nobody
        _unlock(fd)
        os.close(fd)

    def __enter__(self) -> DatabaseLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


def held_by(database: Path) -> Holder | None:
    """Who holds the lock on `database` now (None: free). Never creates the lock file."""
    path = lock_path(database)
    try:
        fd = _open(path, create=False, probe=True)
    except FileNotFoundError:
        return None
    try:
        if _try_lock(fd, exclusive=False):
            _unlock(fd)
            return None
    finally:
        os.close(fd)
    return _read_holder(path) or Holder(None, None, APP)


def _open(path: Path, *, create: bool, probe: bool = False) -> int:
    flags = os.O_RDWR | no_follow() | getattr(os, "O_CLOEXEC", 0)
    if create:
        flags |= os.O_CREAT
    try:
        return os.open(path, flags, 0o600)
    except PermissionError:
        if not probe:
            raise
        # Probing only: a read-only descriptor can take a shared flock too.
        return os.open(path, flags & ~os.O_RDWR | os.O_RDONLY)


def _write_holder(fd: int, command: str) -> None:
    since = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    text = json.dumps({"pid": os.getpid(), "since": since, "command": command})
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, text.encode() + b"\n")


def _read_holder(path: Path) -> Holder | None:
    """What the lock file says (None when it says nothing readable)."""
    try:
        with path.open("rb") as handle:
            data = json.loads(handle.read(4096).decode("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    pid = data.get("pid")
    command = data.get("command")
    since: dt.datetime | None = None
    with contextlib.suppress(TypeError, ValueError):
        since = dt.datetime.fromisoformat(str(data.get("since")))
    return Holder(
        pid if isinstance(pid, int) and pid > 0 else None,
        since,
        command if isinstance(command, str) and command else APP,
    )


def _when(moment: dt.datetime) -> str:
    local = moment.astimezone()
    if local.date() == dt.datetime.now().astimezone().date():
        return local.strftime("%H:%M")
    return f"{local.day} {local.strftime('%b %H:%M')}"


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int, *, exclusive: bool) -> bool:
        # Windows has no shared lock here: a probe takes the exclusive one briefly.
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int, *, exclusive: bool) -> bool:
        operation = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        try:
            fcntl.flock(fd, operation | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
