"""A private cache of validated banks, so a command does not re-parse and
re-validate the same bank file on every start.

An entry is keyed by a hash of the bank's bytes together with the versions of
pdpa-check, pydantic and Python and the size and time of every source file
validation runs (this package and the text cleaner its names go through), so
any change to the bank or to the code that validates it misses the cache. Entries
are pickles: they are only read from a folder the user alone can write to, and
only when the file is the user's own and private; anything else is ignored and
the bank is validated afresh.

Entries are kept while in use: a hit renews an entry's time, and writing a new one removes
those not used for `UNUSED_DAYS` (left by an older version of the code or a bank since
changed), so the folder never grows without end.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar, cast

import platformdirs

from pdpa_check import __version__
from pdpa_check.support import text as text_module
from pdpa_check.support.fsutil import no_follow

T = TypeVar("T")
# The code a bank's validation runs: the bank's models and loader, and the text cleaner.
_VALIDATION_SOURCES = (
    *sorted(Path(__file__).parent.glob("*.py")),
    Path(text_module.__file__),
)
UNUSED_DAYS = 30  # an entry not read for this long is removed when another is written


def cache_folder() -> Path:
    return platformdirs.user_cache_path("pdpa-check", appauthor=False) / "banks"


def cached(data: bytes, build: Callable[[], T]) -> T:
    """The object `build()` made from `data` last time, or a fresh one (then kept)."""
    entry = cache_folder() / f"{_key(data)}.pickle"
    found = _read(entry)
    if found is not None:
        return cast(T, found)  # pickled from what `build` made for this very key
    value = build()
    with contextlib.suppress(OSError, pickle.PicklingError):
        _write(entry, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        _prune(entry)
    return value


def _key(data: bytes) -> str:
    import pydantic  # already loaded by the models

    sources = "|".join(_stamp(path) for path in _VALIDATION_SOURCES)
    versions = f"{__version__}|{pydantic.VERSION}|{sys.version}|{sources}"
    return hashlib.sha256(versions.encode() + b"\0" + data).hexdigest()[:32]


def _stamp(path: Path) -> str:
    """`name:size:mtime` of a source file (a missing one, as in a zipped install, is `-`)."""
    try:
        info = path.stat()
    except OSError:
        return f"{path.name}:-"
    return f"{path.name}:{info.st_size}:{info.st_mtime_ns}"


def _read(entry: Path) -> object | None:
    try:
        fd = os.open(entry, os.O_RDONLY | no_follow())
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        folder = entry.parent.stat()
        if not (_private(info) and _private(folder)):
            return None
        try:
            value: object = pickle.loads(handle.read())  # noqa: S301  # our own private file
        except Exception:  # a damaged entry is only a miss
            return None
    with contextlib.suppress(OSError):
        os.utime(entry)  # in use: kept by `_prune`
    return value


def _private(info: os.stat_result) -> bool:
    if not hasattr(os, "getuid"):
        return True  # Windows: the per-user cache folder's access rules keep it private
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def _write(entry: Path, payload: bytes) -> None:
    from pdpa_check.support.fsutil import private_mkdir

    private_mkdir(entry.parent)
    temporary = entry.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY | no_follow(), 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(payload)
    temporary.replace(entry)


def _prune(kept: Path) -> None:
    """Remove the entries (and leftover temporary files) not used for UNUSED_DAYS."""
    limit = time.time() - UNUSED_DAYS * 86400
    for old in kept.parent.iterdir():
        if old == kept or old.suffix not in (".pickle", ".tmp"):
            continue
        with contextlib.suppress(OSError):
            if old.lstat().st_mtime < limit:
                old.unlink()
