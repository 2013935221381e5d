"""Run `mypy --strict` on the installed-name layout (`pdpa_check.*`).

The source folders sit at the top level (scoring/, store/, ...) and setuptools
maps them under `pdpa_check`. mypy cannot follow that mapping, so this builds
a tree of symlinks with the installed names, checks it, and reports errors
with the real paths. The import contracts (tests/import_graph.py) read the same
kind of tree. Run directly or through tests/test_code_quality.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHADOW = ROOT / "build" / "mypy-shadow"


def package_dirs() -> dict[str, str]:
    """Installed package name -> source folder, from pyproject.toml."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    mapping: dict[str, str] = config["tool"]["setuptools"]["package-dir"]
    return mapping


def build_shadow(shadow: Path = SHADOW) -> Path:
    """A tree of symlinks laid out as the package installs (`pdpa_check/store/...`)."""
    if shadow.exists():
        shutil.rmtree(shadow)
    for package, folder in package_dirs().items():
        target = shadow.joinpath(*package.split("."))
        target.mkdir(parents=True, exist_ok=True)
        for source in (ROOT / folder).iterdir():
            if source.suffix in (".py", ".typed") or (
                source.is_dir()
                and (source / "__init__.py").exists()
                and f"{package}.{source.name}" not in package_dirs()
            ):
                (target / source.name).symlink_to(source)
    # The benchmark suite is checked too; it imports the installed names.
    (shadow / "benchmarks").symlink_to(ROOT / "benchmarks")
    return shadow


def run() -> int:
    shadow = build_shadow()
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--config-file",
        str(ROOT / "pyproject.toml"),
        "--cache-dir",
        str(ROOT / ".mypy_cache"),
        "-p",
        "pdpa_check",
        "-p",
        "benchmarks",
    ]
    done = subprocess.run(command, cwd=shadow, capture_output=True, text=True, check=False)
    output = done.stdout + done.stderr
    for package, folder in sorted(package_dirs().items(), key=lambda kv: -len(kv[0])):
        output = output.replace(package.replace(".", "/") + "/", folder.rstrip("/") + "/")
    print(output, end="")
    return done.returncode


if __name__ == "__main__":
    sys.exit(run())
