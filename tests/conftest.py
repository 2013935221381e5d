"""Shared fixtures. Every test runs with private XDG folders, never the real ones."""

from __future__ import annotations

import compileall
import gc
import os
import re
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from _pytest.assertion import rewrite
from hypothesis import settings

from pdpa_check.questionnaires.loader import builtin_bank, builtin_bank_path, parse_bank_bytes
from pdpa_check.questionnaires.model import Bank
from pdpa_check.questionnaires.platforms import builtin_catalogue
from pdpa_check.questionnaires.profile import Profile, System
from pdpa_check.questionnaires.user_list_formats import builtin_formats
from pdpa_check.store.db import create_database
from pdpa_check.store.repo import Store

# The suite is a gate: the same examples every run, so a pass or a failure can be repeated.
# HYPOTHESIS_EXPLORE=1 draws fresh random examples instead (do it when changing the escaper,
# the scoring rules or the importers, and add any failure it finds as an explicit example).
settings.register_profile("gate", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("explore" if os.environ.get("HYPOTHESIS_EXPLORE") == "1" else "gate")


ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """Collect garbage less often, and before the xdist workers start, compile once what
    each of them would compile.

    Pilot tests allocate heavily and most of it dies young: at Python's default
    thresholds (700, 10, 10) the collector took about a tenth of their CPU (the TUI test
    files in one process: 56 s of CPU, 50 s at these thresholds, 51 s with no collection).

    With PYTHONDONTWRITEBYTECODE set, every worker and every `python -m pdpa_check` the tests
    start compiled the project again, and every worker rewrote the asserts of all the test
    modules (collection took 5.7 s of CPU a process, 1.8 s from cached bytecode). The
    controller writes that bytecode once (checked against each source's time and size, as
    any pyc is); a run in one process (-n0) is left as it was.
    """
    gc.set_threshold(50_000, 50, 100)
    if hasattr(config, "workerinput") or not config.getoption("tx", None):
        return
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    for folder in sorted({*packages["package-dir"].values(), "benchmarks"}):
        compileall.compile_dir(ROOT / folder, quiet=2)
    tests = Path(__file__).resolve().parent
    compileall.compile_dir(
        tests, maxlevels=0, rx=re.compile(r"test_\w*\.py$|conftest\.py$"), quiet=2
    )
    if config.getoption("assertmode") != "rewrite":
        return
    state = config.stash[rewrite.assertstate_key]
    for module in [tests / "conftest.py", *_test_modules(config)]:
        pyc = rewrite.get_cache_dir(module) / (module.name[:-3] + rewrite.PYC_TAIL)
        if rewrite._read_pyc(module, pyc) is None and rewrite.try_makedirs(pyc.parent):
            source_stat, code = rewrite._rewrite_test(module, config)
            rewrite._write_pyc(state, code, source_stat, pyc)


def _test_modules(config: pytest.Config) -> list[Path]:
    """The test modules the run's arguments name (folders: every test module in them)."""
    modules: set[Path] = set()
    for arg in config.args:
        path = Path(config.invocation_params.dir, arg.split("::")[0]).resolve()
        if path.is_dir():
            modules.update(path.rglob("test_*.py"))
        elif path.name.startswith("test_") and path.suffix == ".py":
            modules.add(path)
    return sorted(modules)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: half again as many test processes as cores. Pilot tests spend about a
    third of their time waiting for the app to go idle (Textual's settle loop sleeps), so
    a third process keeps the cores busy meanwhile (measured on 2 cores: 3 processes ran
    the TUI tests in 27 s, 2 in 37 s, 4 no faster than 3)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (cores or 1) * 3 // 2)


@pytest.fixture(scope="session")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder holding the validated built-in bank, platform catalogue and user-list
    formats, made once per test process; each test starts from a copy, so none pays for
    validation again."""
    home = tmp_path_factory.mktemp("warm-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(home))
        parse_bank_bytes(builtin_bank_path().read_bytes(), "warm-up")
        builtin_catalogue()
        builtin_formats()
    return home


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warm_cache: Path) -> Path:
    """Point platformdirs at a temporary home so tests never touch real data."""
    home = tmp_path / "home"
    shutil.copytree(warm_cache, home / "cache")  # modes kept: the cache reads private files only
    for name, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_DOCUMENTS_DIR", "documents"),
    ):
        monkeypatch.setenv(name, str(home / sub))
    monkeypatch.delenv("PDPA_CHECK_DB", raising=False)
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture(scope="session")
def bank() -> Bank:
    """The built-in starter bank."""
    return builtin_bank()


@pytest.fixture
def profile() -> Profile:
    """A small shop with one system of several kinds."""
    return Profile(
        name="Test Shop",
        staff_count=5,
        sector="ecommerce",
        systems=(
            System(key="gmail", kind="email_suite", name="Google Workspace"),
            System(key="shopify", kind="storefront", name="Shopify"),
            System(key="meta", kind="ads", name="Meta Business"),
        ),
    )


@pytest.fixture
def real_db(tmp_path: Path, profile: Profile) -> Path:
    """A database on disk holding `profile` as its one organisation."""
    db = tmp_path / "shop.db"
    store = Store(create_database(db), db)
    store.create_organisation(profile)
    store.close()
    return db


@pytest.fixture
def umask_value(request: pytest.FixtureRequest) -> Iterator[int]:
    """The process umask set to the parameter (use with indirect=True), restored after."""
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)
