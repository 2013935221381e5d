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
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # setuptools copies into build/lib and never empties it: a module left there from an
    # earlier build (or layout) would ship, and hide one the package list leaves out.
    for stale in [ROOT / "build" / "lib", *(ROOT / "build").glob("bdist.*")]:
        shutil.rmtree(stale, ignore_errors=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    return next(out.glob("pdpa_check-*.whl"))


def test_wheel_holds_only_the_pdpa_check_namespace(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names}
    assert {t for t in top_level if not t.endswith(".dist-info")} == {"pdpa_check"}
    for package in ("scoring", "store", "exports", "questionnaires", "cli"):
        assert f"pdpa_check/{package}/__init__.py" in names
    assert "pdpa_check/questionnaires/banks/pdpa-sme-starter.toml" in names
    assert "pdpa_check/questionnaires/schedule.toml" in names
    assert "pdpa_check/questionnaires/platforms.toml" in names
    assert "pdpa_check/py.typed" in names


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
