"""The lock's Windows branch (`msvcrt.locking`, a byte-range lock), run here with a stand-in
`msvcrt` built on POSIX byte-range locks, which behave the same way between processes: one
holder at a time, the holder's name readable, a killed holder never blocking the next."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

# Loads store.lock as on Windows: `sys.platform` says win32 while it is imported, and
# `msvcrt.locking` locks `nbytes` at the file position, failing at once if another process
# holds them (LK_NBLCK), as Windows documents.
AS_ON_WINDOWS = textwrap.dedent(
    """
    import fcntl, os, sys, types
    import pdpa_check.store.db, pdpa_check.support.fsutil  # imported as on this platform

    msvcrt = types.ModuleType("msvcrt")
    msvcrt.LK_UNLCK, msvcrt.LK_NBLCK = 0, 2

    def locking(fd, mode, nbytes):
        at = os.lseek(fd, 0, os.SEEK_CUR)
        if mode == msvcrt.LK_UNLCK:
            fcntl.lockf(fd, fcntl.LOCK_UN, nbytes, at, 0)
            return
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, nbytes, at, 0)
        except OSError:
            raise PermissionError(13, "Permission denied") from None

    msvcrt.locking = locking
    sys.modules["msvcrt"] = msvcrt
    real, sys.platform = sys.platform, "win32"
    import pdpa_check.store.lock as lock
    sys.platform = real
    assert lock.msvcrt is msvcrt
    """
)

HOLD = AS_ON_WINDOWS + textwrap.dedent(
    """
    from pathlib import Path
    held = lock.DatabaseLock(Path(sys.argv[1]), command="app")
    held.acquire()
    print("held", flush=True)
    sys.stdin.read()  # until the test closes our input, or kills us
    held.release()
    """
)

PROBE = AS_ON_WINDOWS + textwrap.dedent(
    """
    from pathlib import Path
    database = Path(sys.argv[1])
    holder = lock.held_by(database)
    print("holder", holder.pid if holder else None, holder.command if holder else None)
    try:
        with lock.DatabaseLock(database, command="answer"):
            print("acquired")
    except lock.LockedError:
        print("refused")
    """
)


def probe(database: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(database)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.split("\n")[:2]


def test_one_holder_at_a_time_its_name_readable_and_a_killed_one_never_blocks(
    tmp_path: Path,
) -> None:
    database = tmp_path / "shop.db"
    database.touch()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(database)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        assert probe(database) == [f"holder {holder.pid} app", "refused"]
    finally:
        holder.kill()  # no release: the operating system drops the lock with the process
        holder.wait(timeout=60)
    assert probe(database) == ["holder None None", "acquired"]
