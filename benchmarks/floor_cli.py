"""The same-stack floor for P3: `python -m benchmarks.floor_cli DB`.

The least a `score` command built on this stack must do: a click command that
validates a pydantic model with a field validator, opens the SQLite file
read-only, reads 15 rows, parses a small TOML document and prints a 15-row
Rich table.
"""

from __future__ import annotations

import sqlite3
import tomllib
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from benchmarks.floor_model import Row

SETTINGS = """
title = "Floor"
[[areas]]
id = "accounts"
weight = 3
"""


@click.command()
@click.argument("db", type=click.Path(path_type=Path))
def main(db: Path) -> None:
    settings = tomllib.loads(SETTINGS)
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        found = connection.execute("SELECT question_id, value FROM answers LIMIT 15").fetchall()
    finally:
        connection.close()
    rows = [Row(question_id=q, value=v) for q, v in found]
    table = Table("Question", "Answer", title=settings["title"])
    for row in rows:
        table.add_row(row.question_id, row.value)
    Console().print(table)


if __name__ == "__main__":
    main()
