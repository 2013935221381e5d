"""The measurements P1 to P7, each returning a Figure (value, baseline, budget)."""

from __future__ import annotations

import asyncio
import compileall
import os
import statistics
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from benchmarks import synth
from benchmarks.paths import banks_dir

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Figure:
    id: str
    what: str
    value: float
    unit: str
    budget: str
    ok: bool
    baseline: str = ""


@dataclass(frozen=True)
class Sizes:
    runs: int
    answers: int  # P2
    questions: int  # P4
    gaps: int  # P4
    organisations: int  # P5
    assessments: int  # P5
    history_questions: int  # P5


FULL = Sizes(
    runs=5,
    answers=200,
    questions=1000,
    gaps=800,
    organisations=50,
    assessments=40,
    history_questions=120,
)
TINY = Sizes(
    runs=1, answers=5, questions=50, gaps=20, organisations=2, assessments=3, history_questions=10
)


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def medians_side_by_side(runs: int, measures: dict[str, Callable[[], float]]) -> dict[str, float]:
    """Each measure's median, its runs taken in turn with the others' (a, b, c, a, b, c...),
    so a machine that speeds up or slows down mid-run weighs on all of them alike."""
    taken: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(runs):
        for name, measure in measures.items():
            taken[name].append(measure())
    return {name: statistics.median(values) for name, values in taken.items()}


def timed_process(args: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """Wall time of a whole Python process, and what it wrote to stderr."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - start, done.stderr


def _process_seconds(args: list[str], env: dict[str, str]) -> float:
    return timed_process(args, env)[0]


def compile_bytecode() -> None:
    """Byte-compile the project as installing a wheel does, so no measured process compiles.

    The floors' libraries were compiled when pip installed them; without this, where
    PYTHONDONTWRITEBYTECODE is set, every pdpa-check process would compile its own source
    afresh and be timed doing it. The folders are the package's own (pyproject.toml) and
    the benchmarks'.
    """
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    for folder in sorted({*setuptools["package-dir"].values(), "benchmarks"}):
        compileall.compile_dir(ROOT / folder, quiet=2)


def bench_env(home: Path) -> dict[str, str]:
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data")}
    env.update(XDG_CONFIG_HOME=str(home / "config"), TEXTUAL_ANIMATIONS="none")
    env.pop("NO_COLOR", None)
    return env


# P1 and P6 ---------------------------------------------------------------------


def cold_start(sizes: Sizes, demo_db: Path, env: dict[str, str]) -> Figure:
    def seconds(*args: str) -> Callable[[], float]:
        return lambda: timed_process(["-m", "benchmarks.apps", *args], env)[0]

    taken = medians_side_by_side(sizes.runs, _apps(seconds, demo_db))
    app, floor = taken["pdpa"], taken["widgets"]
    return Figure(
        "P1",
        "TUI cold start to painted dashboard (demo), whole process",
        app * 1000,
        "ms",
        "≤ 1.4× same-widgets app",
        app / floor <= 1.4,
        _references(taken, lambda value: f"{value * 1000:.0f} ms"),
    )


def peak_memory(sizes: Sizes, history_db: Path, env: dict[str, str]) -> Figure:
    def kib(*args: str) -> Callable[[], float]:
        def once() -> float:
            stderr = timed_process(["-m", "benchmarks.apps", *args], env)[1]
            return float(stderr.strip().splitlines()[-1])

        return once

    taken = medians_side_by_side(sizes.runs, _apps(kib, history_db))
    app, floor = taken["pdpa"], taken["widgets"]
    return Figure(
        "P6",
        "TUI peak memory on the large history database",
        app / 1024,
        "MiB",
        "≤ 1.35× same-widgets app",
        app / floor <= 1.35,
        _references(taken, lambda value: f"{value / 1024:.1f} MiB"),
    )


def _apps(measure: Callable[..., Callable[[], float]], db: Path) -> dict[str, Callable[[], float]]:
    """pdpa-check on `db`, its floor and the two reported-only references, measured alike."""
    return {
        "pdpa": measure("pdpa", str(db)),
        "widgets": measure("widgets"),
        "widgets+pydantic": measure("widgets+pydantic"),
        "bare": measure("bare"),
    }


def _references(taken: dict[str, float], shown: Callable[[float], str]) -> str:
    app = taken["pdpa"]
    return "; ".join(
        f"{label} {shown(taken[name])} ({app / taken[name]:.2f}×)"
        for name, label in (
            ("widgets", "same-widgets app"),
            ("widgets+pydantic", "same widgets after one pydantic model"),
            ("bare", "bare app"),
        )
    )


# P2 ------------------------------------------------------------------------------


def answering(sizes: Sizes, work: Path) -> Figure:
    """Key press to answer committed and the next question painted, through Pilot."""
    from pdpa_check.services.session import Session
    from pdpa_check.store.db import create_database
    from pdpa_check.store.repo import Store
    from pdpa_check.tui.app import PdpaCheckApp

    banks = work / "p2-banks"
    banks.mkdir(parents=True, exist_ok=True)
    (banks / f"{synth.SYNTH_BANK}.toml").write_text(
        synth.bank_source(max(sizes.answers, 10), per_system_every=0)
    )
    db = work / "p2.db"
    store = Store(create_database(db), db)
    org_id = store.create_organisation(synth.PROFILE)
    from pdpa_check.services.workspace import start_assessment

    start_assessment(store, org_id, banks, bank_id=synth.SYNTH_BANK)
    session = Session(store, banks)
    app = PdpaCheckApp(session, config_dir=work / "p2-config", save_theme=False)
    times: list[float] = []

    # Timed inside the app: from the key's action starting to the screen being painted
    # again (after the answer is committed), leaving out Pilot's own waiting.
    from pdpa_check.tui.screens.assessment import AssessmentScreen

    untimed = AssessmentScreen.action_pick

    def timed(screen: AssessmentScreen, key: str) -> None:
        start = time.perf_counter()
        untimed(screen, key)
        screen.call_after_refresh(lambda: times.append(time.perf_counter() - start))

    async def run() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            app.go("assessment")
            await pilot.pause()
            for count in range(1, sizes.answers + 1):
                await pilot.press("y")
                while len(times) < count:
                    await pilot.pause(0.001)

    AssessmentScreen.action_pick = timed  # type: ignore[method-assign,assignment]
    try:
        asyncio.run(run())
    finally:
        AssessmentScreen.action_pick = untimed  # type: ignore[method-assign]
    answered = len(store.answers(session.questionnaire().row.id))
    store.close()
    median = statistics.median(times) * 1000
    p99 = sorted(times)[max(0, round(0.99 * len(times)) - 1)] * 1000
    return Figure(
        "P2",
        f"one answer: key → committed → next question painted ({len(times)} answers)",
        median,
        "ms",
        "median ≤ 16 ms, p99 ≤ 33 ms",
        median <= 16 and p99 <= 33 and answered == len(times),
        f"p99 {p99:.1f} ms; {answered} answers in the database",
    )


# P3 ------------------------------------------------------------------------------

_NO_TEXTUAL = (
    "import sys; from pdpa_check.cli import cli; "
    "cli.main(sys.argv[1:], standalone_mode=False); "
    "sys.stderr.write('TEXTUAL' if any(m.startswith('textual') for m in sys.modules) else '')"
)


def headless_commands(sizes: Sizes, demo_db: Path, env: dict[str, str]) -> list[Figure]:
    def seconds(args: list[str]) -> Callable[[], float]:
        return partial(_process_seconds, args, env)

    commands = {
        "score": ["-c", _NO_TEXTUAL, "--db", str(demo_db), "score"],
        "plan --format md": ["-c", _NO_TEXTUAL, "--db", str(demo_db), "plan", "--format", "md"],
    }
    taken = medians_side_by_side(
        sizes.runs,
        {
            "floor": seconds(["-m", "benchmarks.floor_cli", str(demo_db)]),
            "imports": seconds(["-c", "import pydantic, sqlite3, tomllib"]),
            **{label: seconds(command) for label, command in commands.items()},
        },
    )
    floor, imports = taken["floor"], taken["imports"]
    figures = []
    for label, command in commands.items():
        seconds_taken = taken[label]
        textual = "TEXTUAL" in timed_process(command, env)[1]
        ratio = seconds_taken / floor
        figures.append(
            Figure(
                "P3",
                f"`pdpa-check {label}` on the demo, whole process"
                + (" (Textual was imported!)" if textual else ""),
                seconds_taken * 1000,
                "ms",
                "≤ 1.3× same-stack command, no Textual",
                ratio <= 1.3 and not textual,
                f"same-stack command {floor * 1000:.0f} ms ({ratio:.2f}×); "
                f"import pydantic, sqlite3, tomllib {imports * 1000:.0f} ms"
                f" ({seconds_taken / imports:.2f}×)",
            )
        )
    return figures


# P4 and P7 -----------------------------------------------------------------------


def scoring(sizes: Sizes) -> Figure:
    from pdpa_check.scoring.evaluate import evaluate
    from pdpa_check.scoring.plan import build_plan

    subject = synth.bank(sizes.questions)
    answers = synth.answers_with_gaps(subject, synth.PROFILE, sizes.gaps)

    def once() -> float:
        start = time.perf_counter()
        result = evaluate(subject, synth.PROFILE, answers)
        build_plan(subject, synth.PROFILE, answers, result)
        return time.perf_counter() - start

    seconds = median_of(max(sizes.runs, 3), once)
    return Figure(
        "P4",
        f"score and plan with every uplift: {sizes.questions} questions, {sizes.gaps} gaps",
        seconds * 1000,
        "ms",
        "≤ 50 ms",
        seconds <= 0.050,
    )


def bank_load(sizes: Sizes) -> Figure:
    from pdpa_check.questionnaires.loader import builtin_bank_path, load_bank_file

    def once() -> float:
        start = time.perf_counter()
        load_bank_file(builtin_bank_path())
        return time.perf_counter() - start

    seconds = median_of(max(sizes.runs, 5), once)
    return Figure(
        "P7",
        "load and validate the built-in bank",
        seconds * 1000,
        "ms",
        "≤ 30 ms",
        seconds <= 0.030,
    )


# P5 ------------------------------------------------------------------------------


def history_scaling(
    sizes: Sizes, big_db: Path, small_db: Path, env: dict[str, str]
) -> list[Figure]:
    """Each view on the large history database against the same on a one-assessment one."""
    figures = []
    for label, measure in (
        ("dashboard opened", _screen_time("dashboard")),
        ("history screen opened", _screen_time("history")),
        ("`pdpa-check history`", _command_time(["history"], env)),
        ("`pdpa-check diff`", _command_time(["diff"], env)),
    ):
        big = median_of(sizes.runs, partial(measure, big_db))
        small = median_of(sizes.runs, partial(measure, small_db))
        ratio = big / small
        figures.append(
            Figure(
                "P5",
                f"{label}: {sizes.organisations} orgs × {sizes.assessments} assessments",
                big * 1000,
                "ms",
                "≤ 1.2× one assessment",
                ratio <= 1.2,
                f"small database {small * 1000:.0f} ms ({ratio:.2f}×)",
            )
        )
    return figures


def _command_time(args: list[str], env: dict[str, str]) -> Callable[[Path], float]:
    def measure(db: Path) -> float:
        command = ["-m", "pdpa_check", "--db", str(db), "--org", "1", *args]
        return timed_process(command, {**env, "XDG_CONFIG_HOME": str(db.parent / "config")})[0]

    return measure


def _screen_time(name: str) -> Callable[[Path], float]:
    def measure(db: Path) -> float:
        from pdpa_check.services.session import Session
        from pdpa_check.store.db import open_database
        from pdpa_check.store.repo import Store
        from pdpa_check.tui.app import PdpaCheckApp

        store = Store(open_database(db), db)
        session = Session(store, banks_dir(db))
        app = PdpaCheckApp(session, config_dir=db.parent / "config", save_theme=False)
        elapsed = 0.0

        async def run() -> None:
            nonlocal elapsed
            async with app.run_test(size=(100, 30)) as pilot:
                await pilot.pause()
                start = time.perf_counter()
                if name == "dashboard":
                    app.go("history")
                    await pilot.pause()
                    start = time.perf_counter()
                    app.go("dashboard")
                else:
                    app.go("history")
                await pilot.pause()
                elapsed = time.perf_counter() - start

        asyncio.run(run())
        store.close()
        return elapsed

    return measure
