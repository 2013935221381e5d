"""Running the command line in-process for tests: one way to invoke, and what success looks like."""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Mapping
from pathlib import Path

from click.testing import CliRunner, Result

from pdpa_check.cli import cli
from pdpa_check.support.paths import locations

# Wide enough that Rich never wraps a name or a message across lines.
WIDE = {"COLUMNS": "250", "NO_COLOR": "1"}


def invoke(
    *args: str | Path, input: str | None = None, env: Mapping[str, str | None] | None = None
) -> Result:
    """Run `pdpa-check ARGS` in-process; exceptions that escape are test failures."""
    return CliRunner().invoke(
        cli,
        [str(a) for a in args],
        input=input,
        env={**WIDE, **(env or {})},
        catch_exceptions=False,
    )


def ok(
    *args: str | Path, input: str | None = None, env: Mapping[str, str | None] | None = None
) -> Result:
    """Run `pdpa-check ARGS`; it must exit 0."""
    result = invoke(*args, input=input, env=env)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def assert_error(result: Result, code: int, *fragments: str) -> None:
    """A failed run: the exit code, a one-line `pdpa-check: error:` last, no traceback."""
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("pdpa-check: error: "), result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


def refused(result: Result, code: int, *fragments: str) -> str:
    """A one-line error with `code`, no traceback; returns that line."""
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    assert "unexpected internal error" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def make_db(path: Path | None = None, *, name: str = "Kopi Shop") -> Path:
    """A database with one organisation and one answered question, made by the CLI."""
    where = ("--db", path) if path else ()
    ok(*where, "org", "create", name, "--staff", "3", "--system", "storefront:Shopify")
    ok(*where, "assessment", "start")
    ok(*where, "answer", "acc-password-manager", "yes", "--note", "in the safe")
    return path or locations().database


# Files ---------------------------------------------------------------------------------


def mode(path: Path) -> int:
    """The permission bits of `path` itself (a link is not followed)."""
    return stat.S_IMODE(path.lstat().st_mode)


def digest(path: Path) -> str:
    """The SHA-256 of the file's bytes: equal digests, unchanged file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    """The names in `folder`, sorted."""
    return sorted(p.name for p in folder.iterdir())
