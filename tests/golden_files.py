"""Golden files: pinned byte for byte; `UPDATE_GOLDEN=1` rewrites them instead of checking."""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"
UPDATE_GOLDEN = os.environ.get("UPDATE_GOLDEN") == "1"


def check_golden(name: str, content: str) -> None:
    """`content` must equal `golden/<name>` exactly (or becomes it, when updating)."""
    path = GOLDEN / name
    if UPDATE_GOLDEN:
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(content.encode("utf-8"))
        return
    assert path.exists(), f"{path} missing: run with UPDATE_GOLDEN=1 to create it"
    assert content == path.read_bytes().decode("utf-8"), (
        f"{name} changed; UPDATE_GOLDEN=1 to accept"
    )
