"""The package installs under one namespace, `pdpa_check`, in both install modes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import pdpa_check.scoring

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The wheel, built by the project's own backend, and everything the build printed."""
    out = tmp_path_factory.mktemp("wheel")
    # setuptools copies into build/lib and never empties it: a module left there from an
    # earlier build (or layout) would ship, and hide one the package list leaves out.
    for stale in [ROOT / "build" / "lib", *(ROOT / "build").glob("bdist.*")]:
        shutil.rmtree(stale, ignore_errors=True)
    build = f"from setuptools import build_meta; build_meta.build_wheel({str(out)!r})"
    done = subprocess.run(
        [sys.executable, "-c", build], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return next(out.glob("pdpa_check-*.whl")), done.stdout + done.stderr


@pytest.fixture(scope="module")
def wheel(built: tuple[Path, str]) -> Path:
    return built[0]


def test_the_build_warns_about_nothing_in_the_project(built: tuple[Path, str]) -> None:
    """No package left out, no deprecated setting (byte-compiling is the machine's choice)."""
    lines = [line for line in built[1].splitlines() if "warn" in line.casefold()]
    assert [line for line in lines if "byte-compiling is disabled" not in line] == []


def test_wheel_holds_only_the_pdpa_check_namespace(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names}
    assert {t for t in top_level if not t.endswith(".dist-info")} == {"pdpa_check"}
    for package in ("scoring", "store", "exports", "questionnaires", "cli"):
        assert f"pdpa_check/{package}/__init__.py" in names
    assert "pdpa_check/questionnaires/banks/pdpa-sme-starter.toml" in names
    assert "pdpa_check/questionnaires/schedule.toml" in names
    assert "pdpa_check/questionnaires/platforms.toml" in names
    assert "pdpa_check/questionnaires/user_list_formats.toml" in names
    assert "pdpa_check/py.typed" in names
    assert "pdpa_check-0.1.0.dist-info/licenses/LICENSE" in names


def test_installed_wheel_imports_and_finds_its_bank(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    code = (
        "import pdpa_check.scoring, pdpa_check.questionnaires.loader as l;"
        "print(pdpa_check.scoring.__file__); print(len(l.builtin_bank().questions))"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(target)!r}); {code}"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    location, count = done.stdout.split()
    assert location.startswith(str(target))
    assert int(count) > 0


def test_editable_install_maps_to_the_source_folders() -> None:
    # The test suite itself runs against the editable install (README command).
    assert Path(pdpa_check.scoring.__file__).parent == ROOT / "scoring"


def test_the_wheel_holds_the_source_modules_and_no_others(wheel: Path, tmp_path: Path) -> None:
    """Nothing left out, and nothing stale from an earlier layout (a module since moved)."""
    from typecheck import build_shadow

    tree = build_shadow(tmp_path / "tree") / "pdpa_check"
    sources = {
        f"pdpa_check/{(Path(folder) / name).relative_to(tree).as_posix()}"
        for folder, _, files in os.walk(tree, followlinks=True)  # subpackages are symlinks
        for name in files
        if name.endswith(".py")
    }
    assert len(sources) > 50
    shipped = {name for name in zipfile.ZipFile(wheel).namelist() if name.endswith(".py")}
    assert sorted(sources ^ shipped) == []
