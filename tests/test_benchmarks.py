"""The benchmark suite still runs (at toy sizes; budgets are judged only at full size)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_benchmark_suite_runs_at_tiny_sizes(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--tiny"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("│ P")]
    assert sorted({row.split()[1] for row in rows}) == [f"P{n}" for n in range(1, 8)]
    assert "Textual was imported" not in done.stdout
    assert not list(tmp_path.glob("pdpa-bench-*"))  # its working folder is cleaned up
