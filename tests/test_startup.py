"""What keeps headless commands quick to start: lazy commands, a light read
path, and the validated-bank cache (issue 7, P3 and P7)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pdpa_check.cli.base import LAZY_COMMANDS, cli
from pdpa_check.questionnaires import cache, loader
from pdpa_check.questionnaires.loader import builtin_bank_path, parse_bank_bytes

BANK_BYTES = builtin_bank_path().read_bytes()


def test_every_command_is_found_through_the_lazy_map() -> None:
    """Each listed command resolves, and every registered command is listed."""
    code = (
        "import click, json; from pdpa_check.cli.base import cli, LAZY_COMMANDS\n"
        "ctx = click.Context(cli)\n"
        "found = {n: cli.get_command(ctx, n) is not None for n in LAZY_COMMANDS}\n"
        "print(json.dumps([found, sorted(cli.commands)]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    found, registered = json.loads(done.stdout)
    assert all(found.values()), found
    assert set(registered) == set(LAZY_COMMANDS)


WRITING = {
    "answer",
    "answers import",
    "assess",
    "assessment complete",
    "assessment start",
    "evidence forget",
    "evidence import",
    "kit contacts clear",
    "kit contacts set",
    "kit notify",
    "org create",
    "plan import",
    "plan set",
}


_MARKED = """
import click, json
from pdpa_check.cli.base import cli

def walk(group, prefix):
    for name in group.list_commands(click.Context(group)):
        command = group.get_command(click.Context(group), name)
        yield prefix + name, command
        if isinstance(command, click.Group):
            yield from walk(command, prefix + name + " ")

print(json.dumps(sorted(name for name, c in walk(cli, "") if getattr(c, "writes", False))))
"""


def test_the_commands_that_change_data_are_marked_as_writing() -> None:
    """Each command says itself whether it writes (and so takes the lock); these do, no others.

    In a fresh process, as the lazy map loads commands: another test may have imported
    one command module alone.
    """
    done = subprocess.run(
        [sys.executable, "-c", _MARKED], capture_output=True, text=True, check=True
    )
    assert set(json.loads(done.stdout)) == WRITING


def test_help_lists_every_command() -> None:
    from click.testing import CliRunner

    shown = CliRunner().invoke(cli, ["--help"]).output
    assert all(f"  {name} " in shown for name in LAZY_COMMANDS)


def loaded_by(argv: list[str], env: dict[str, str]) -> set[str]:
    """The modules a `pdpa-check` run imported."""
    code = (
        "import sys, json\nfrom pdpa_check.cli import main\n"
        f"sys.argv = {['pdpa-check', *argv]!r}\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('\\nMODULES ' + json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return set(json.loads(done.stderr.rsplit("MODULES ", 1)[1]))


@pytest.mark.parametrize(
    ("argv", "also_unwanted"),
    [
        (["score"], set()),
        # Markdown loads neither the TOML writer nor JSON's renderer, nor Rich.
        (["plan", "--format", "md"], {"rich", "tomli_w", "pdpa_check.exports.structured"}),
    ],
)
def test_reading_commands_load_no_writer_library_and_no_app(
    argv: list[str], also_unwanted: set[str]
) -> None:
    env = dict(os.environ)
    subprocess.run(
        [sys.executable, "-m", "pdpa_check", "demo"], env=env, capture_output=True, check=True
    )
    modules = loaded_by(["--demo", *argv], env)
    assert "pdpa_check.questionnaires.model" in modules  # it did run
    unwanted = {"sqlite_utils", "textual", "pdpa_check.tui", "pdpa_check.cli.maintenance"}
    unwanted |= also_unwanted
    loaded = modules | {m.split(".")[0] for m in modules}
    assert not unwanted & loaded


@pytest.fixture
def cold_cache() -> None:
    """No cache entries yet (every other test starts from a warm copy; see conftest)."""
    shutil.rmtree(cache.cache_folder(), ignore_errors=True)


@pytest.mark.usefixtures("cold_cache")
def test_a_validated_bank_is_cached_and_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    first = parse_bank_bytes(BANK_BYTES, "bank.toml")
    assert list(cache.cache_folder().glob("*.pickle"))

    def refuse(data: bytes, source: str) -> None:
        raise AssertionError("validated again despite the cache")

    monkeypatch.setattr(loader, "_validate_bank", refuse)
    again = parse_bank_bytes(BANK_BYTES, "bank.toml")
    assert again == first and again is not first


@pytest.mark.usefixtures("cold_cache")
def test_a_changed_bank_misses_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    parse_bank_bytes(BANK_BYTES, "bank.toml")
    changed = BANK_BYTES.replace(b'version = "', b'version = "9', 1)
    bank = parse_bank_bytes(changed, "bank.toml")
    assert bank.version.startswith("9")
    assert len(list(cache.cache_folder().glob("*.pickle"))) == 2


@pytest.mark.usefixtures("cold_cache")
def test_entries_not_used_for_a_month_go_when_a_new_one_is_written() -> None:
    parse_bank_bytes(BANK_BYTES, "bank.toml")
    (in_use,) = cache.cache_folder().glob("*.pickle")
    month_ago = time.time() - (cache.UNUSED_DAYS + 1) * 86400
    stale = cache.cache_folder() / "0123456789abcdef0123456789abcdef.pickle"
    leftover = cache.cache_folder() / "0123456789abcdef.4242.tmp"
    for old in (in_use, stale, leftover):
        old.touch()
        os.utime(old, (month_ago, month_ago))
    parse_bank_bytes(BANK_BYTES, "bank.toml")  # a hit renews the entry's time
    assert in_use.stat().st_mtime > month_ago
    parse_bank_bytes(BANK_BYTES.replace(b'version = "', b'version = "9', 1), "bank.toml")
    assert in_use.exists() and not stale.exists() and not leftover.exists()
    assert len(list(cache.cache_folder().glob("*.pickle"))) == 2


@pytest.mark.usefixtures("cold_cache")
@pytest.mark.parametrize("module", ["loader.py", "profile.py", "text.py"])
def test_an_edit_to_any_code_validation_runs_misses_the_cache(
    module: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Not only the schema: the loader's checks and the text cleaner shape a bank too."""
    parse_bank_bytes(BANK_BYTES, "bank.toml")
    [source] = [p for p in cache._VALIDATION_SOURCES if p.name == module]
    edited = tmp_path / module
    edited.write_text(source.read_text() + "\n# edited\n")
    sources = tuple(edited if p == source else p for p in cache._VALIDATION_SOURCES)
    monkeypatch.setattr(cache, "_VALIDATION_SOURCES", sources)
    parse_bank_bytes(BANK_BYTES, "bank.toml")
    assert len(list(cache.cache_folder().glob("*.pickle"))) == 2


@pytest.mark.usefixtures("cold_cache")
def test_a_broken_bank_is_never_cached() -> None:
    from pdpa_check.questionnaires.errors import BankError

    with pytest.raises(BankError):
        parse_bank_bytes(b"id = 1\n", "broken.toml")
    assert not list(cache.cache_folder().glob("*.pickle"))


def entry() -> Path:
    parse_bank_bytes(BANK_BYTES, "bank.toml")
    (found,) = cache.cache_folder().glob("*.pickle")
    return found


@pytest.mark.usefixtures("cold_cache")
def test_a_cache_entry_others_could_write_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    path = entry()
    path.chmod(0o620)
    calls: list[str] = []
    real = loader._validate_bank
    monkeypatch.setattr(loader, "_validate_bank", lambda d, s: calls.append(s) or real(d, s))
    parse_bank_bytes(BANK_BYTES, "bank.toml")
    assert calls == ["bank.toml"]
    assert path.stat().st_mode & 0o777 == 0o600  # replaced by a private copy


@pytest.mark.usefixtures("cold_cache")
def test_a_damaged_cache_entry_is_only_a_miss() -> None:
    path = entry()
    path.write_bytes(b"not a pickle")
    bank = parse_bank_bytes(BANK_BYTES, "bank.toml")
    assert bank.id == "pdpa-sme-starter"
    assert path.read_bytes() != b"not a pickle"


@pytest.mark.usefixtures("cold_cache")
def test_an_unwritable_cache_folder_still_loads(tmp_path: Path) -> None:
    folder = cache.cache_folder()
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("a file where the folder should be")
    assert parse_bank_bytes(BANK_BYTES, "bank.toml").id == "pdpa-sme-starter"
