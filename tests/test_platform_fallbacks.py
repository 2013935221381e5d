"""Where an operating system lacks a file flag (Windows has no O_NOFOLLOW or O_CLOEXEC),
every file pdpa-check creates is still created, privately, with the flag left out."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cli_support import ok


@pytest.fixture
def no_unix_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process behaves as Windows does: neither flag exists."""
    monkeypatch.delattr(os, "O_NOFOLLOW")
    monkeypatch.delattr(os, "O_CLOEXEC")


@pytest.mark.usefixtures("no_unix_flags")
def test_a_database_its_backups_and_the_demo_are_made_without_the_flags(tmp_path: Path) -> None:
    assert not hasattr(os, "O_NOFOLLOW")
    db = tmp_path / "data" / "shop.db"
    ok("--db", db, "org", "create", "Kopi Shop", "--staff", "3", "--system", "Shopify")
    ok("--db", db, "answer", "acc-mfa", "yes", "--system", "shopify")
    written = ok("--db", db, "backup").stdout.strip()
    backup = Path(written.split()[-1])
    assert backup.is_file()
    ok("demo")
    ok("--demo", "score")
    for path in (db, backup):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
