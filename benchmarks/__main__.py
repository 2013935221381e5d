"""`python -m benchmarks [--tiny]`: run P1 to P7 and print one table.

Full size checks the budgets and exits 1 when one is missed. `--tiny` runs
everything at toy sizes once, to show the suite still works (budgets are not
judged at those sizes); CI does that.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benchmarks import cases, synth


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--tiny", action="store_true", help="toy sizes, budgets not judged")
    parser.add_argument("--only", help="comma-separated ids, e.g. P3,P4")
    options = parser.parse_args()
    sizes = cases.TINY if options.tiny else cases.FULL
    wanted = set(options.only.split(",")) if options.only else None
    work = Path(tempfile.mkdtemp(prefix="pdpa-bench-"))
    try:
        figures = run(sizes, work, wanted)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    show(figures, tiny=options.tiny)
    missed = [figure for figure in figures if not figure.ok]
    return 1 if missed and not options.tiny else 0


def run(sizes: cases.Sizes, work: Path, wanted: set[str] | None) -> list[cases.Figure]:
    from pdpa_check.services.demo import build_demo

    def want(figure_id: str) -> bool:
        return wanted is None or figure_id in wanted

    cases.compile_bytecode()
    env = cases.bench_env(work / "home")
    demo_db = work / "demo" / "demo.db"
    demo_db.parent.mkdir(parents=True)
    build_demo(demo_db, None)
    figures: list[cases.Figure] = []
    if want("P1"):
        figures.append(cases.cold_start(sizes, demo_db, env))
    if want("P2"):
        figures.append(cases.answering(sizes, work))
    if want("P3"):
        figures += cases.headless_commands(sizes, demo_db, env)
    if want("P4"):
        figures.append(cases.scoring(sizes))
    if want("P5") or want("P6"):
        big = work / "p5-big" / "history.db"
        small = work / "p5-small" / "history.db"
        synth.history_database(
            big,
            organisations=sizes.organisations,
            assessments=sizes.assessments,
            questions=sizes.history_questions,
        )
        synth.history_database(
            small, organisations=1, assessments=2, questions=sizes.history_questions
        )
        if want("P5"):
            figures += cases.history_scaling(sizes, big, small, env)
            size_mib = big.stat().st_size / 2**20
            figures.append(
                cases.Figure(
                    "P5", "large history database file size", size_mib, "MiB", "report", True
                )
            )
        if want("P6"):
            figures.append(cases.peak_memory(sizes, big, env))
    if want("P7"):
        figures.append(cases.bank_load(sizes))
    return figures


def show(figures: list[cases.Figure], *, tiny: bool) -> None:
    table = Table(
        "id",
        "what",
        "measured",
        "baseline",
        "budget",
        "result",
        title=f"pdpa-check benchmarks{' (tiny sizes: budgets not judged)' if tiny else ''}",
        caption=f"{platform.python_implementation()} {platform.python_version()} on "
        f"{platform.machine()}, {platform.system()}; medians",
    )
    for figure in figures:
        verdict = "ok" if figure.ok else ("-" if tiny else "MISSED")
        table.add_row(
            figure.id,
            figure.what,
            f"{figure.value:.1f} {figure.unit}",
            figure.baseline,
            figure.budget,
            verdict,
        )
    Console(width=160).print(table)


if __name__ == "__main__":
    sys.exit(main())
