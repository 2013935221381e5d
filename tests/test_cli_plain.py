"""`pdpa-check assess --plain`: the questionnaire at a line prompt.

Runs in-process with click's CliRunner (stdin given as `input=`, so it is not a
terminal) plus real `python -m pdpa_check` processes with piped stdin. The
database is checked afterwards through the store and the session, the same
layer the app uses.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cli_support import invoke
from click.testing import Result

from pdpa_check.questionnaires.answers import Answer, AnswerKey, format_number, normalise_value
from pdpa_check.questionnaires.applicability import applicable_slots
from pdpa_check.questionnaires.loader import builtin_bank_path
from pdpa_check.questionnaires.model import Bank, Question
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.scoring.evaluate import BANDS
from pdpa_check.services.session import Session
from pdpa_check.store.db import open_database
from pdpa_check.store.repo import Store
from pdpa_check.support.paths import locations

ESC = "\x1b"
RLO = "\u202e"
# Answering gov-dpo "yes" adds one question to the walk: gov-dpo-contact (the DPO's contact).
DPO_CONTACT = 1
MARKUP = "[bold]x[/] [/nope]"


def plain_run(
    db: Path, input: str, *flags: str, env: dict[str, str | None] | None = None
) -> Result:
    """`pdpa-check --db DB assess --plain FLAGS` with `input` on stdin; must exit 0."""
    result = invoke("--db", db, "assess", "--plain", *flags, input=input, env=env)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert "Traceback" not in result.output
    return result


def create_org(db: Path, profile: Profile, name: str | None = None) -> None:
    args = ["--db", db, "org", "create", name or profile.name, "--staff", str(profile.staff_count)]
    args += ["--sector", profile.sector]
    for system in profile.systems:
        args += ["--system", f"{system.kind}:{system.name}"]
    result = invoke(*args)
    assert result.exit_code == 0, result.output


@contextmanager
def session_of(db: Path) -> Iterator[Session]:
    store = Store(open_database(db), db)
    try:
        yield Session(store, None)
    finally:
        store.close()


def saved(db: Path) -> dict[AnswerKey, str]:
    """The open assessment's answers, straight from the database."""
    with session_of(db) as session:
        row = session.open_assessment()
        assert row is not None
        return {key: answer.value for key, answer in session.store.answers(row.id).items()}


def questions_shown(output: str) -> list[tuple[str, str]]:
    """(number, total) of each progress line ("Question 3 of 20, ..."), in order."""
    found = re.finditer(r"^Question (\d+) of (\d+),", output, re.MULTILINE)
    return [(match[1], match[2]) for match in found]


@pytest.fixture
def db(tmp_path: Path, profile: Profile) -> Path:
    """A database with the `profile` shop: 5 staff and 3 systems."""
    path = tmp_path / "shop.db"
    create_org(path, profile)
    return path


def total_slots(db: Path) -> int:
    """How many questions are asked now (starting the assessment if needed)."""
    with session_of(db) as session:
        return len(session.start_assessment().slots)


def resume_at(db: Path, question_id: str) -> None:
    """Make the next run start at the first slot of `question_id`, as if stopped there."""
    with session_of(db) as session:
        q = session.start_assessment()
        q.remember(next(slot.key for slot in q.slots if slot.question.id == question_id))


# --- answering --------------------------------------------------------------


def test_answers_are_saved_as_given(db: Path, bank: Bank) -> None:
    total = total_slots(db)
    result = plain_run(db, "y\nn\np\nq\n")
    assert saved(db) == {("gov-dpo", ""): "yes", ("gov-data-inventory", ""): "no",
                         ("ai-in-use", ""): "partly"}  # fmt: skip
    out = result.stdout
    assert questions_shown(out)[:2] == [("1", str(total)), ("2", str(total + DPO_CONTACT))]
    assert "Question 1 of" in out and "Responsibility and data map" in out
    assert bank.question("gov-dpo").text in out
    assert f"Why it matters: {bank.question('gov-dpo').why}" in out
    assert "Choices: y yes, p partly, n no, u don't know" in out
    # Piped input is echoed, so a log reads like the conversation.
    # The first question's levels say what yes means, and still take the letter.
    assert "  1 y Yes: named, and their business contact is published" in out
    assert "Answer: y\nSaved: Yes: named, and their business contact is published" in out
    assert "Saved: Partly." in out
    assert "Answered 3 of" in out


def test_invalid_answer_says_why_and_asks_again(db: Path) -> None:
    result = plain_run(db, "maybe\n42\ny\nq\n")
    out = result.stdout
    assert "Not saved: 'maybe' is not one of: yes, partly, no, unknown" in out
    assert "Not saved: '42'" in out
    assert out.count("Question 1 of") == 1  # asked again, not moved on
    assert out.count("Answer: ") == 4
    assert saved(db) == {("gov-dpo", ""): "yes"}


def test_choice_questions_take_the_option_number(db: Path, bank: Bank) -> None:
    resume_at(db, "bkp-method")
    options = bank.question("bkp-method").options
    out = plain_run(db, f"{len(options) + 1}\n2\nq\n").stdout
    for number, option in enumerate(options, 1):
        assert f"  {number} {option.label}" in out
    assert f"Not saved: '{len(options) + 1}' is not one of" in out
    assert saved(db) == {("bkp-method", ""): options[1].id}
    assert f"Saved: {options[1].label}." in out


def test_number_and_per_system_questions(db: Path, bank: Bank) -> None:
    resume_at(db, "lvr-days-to-remove")
    scale = bank.question("lvr-days-to-remove").number
    assert scale is not None
    too_many = format_number(scale.maximum + 1)
    out = plain_run(db, f"{too_many}\n2\nu\nq\n").stdout
    assert f"a number of {scale.unit} ({format_number(scale.minimum)} to " in out
    assert "Not saved: must be between" in out
    answers = saved(db)
    assert answers[("lvr-days-to-remove", "")] == "2"
    assert answers[("lvr-outside-access", "")] == "unknown"

    # A per-system question names its system in the question and the prompt.
    resume_at(db, "acc-mfa")
    out = plain_run(db, "y\nn\nq\n").stdout
    mfa = bank.question("acc-mfa").text
    assert f"{mfa} (for Google Workspace)" in out
    assert "Answer for Google Workspace: y" in out
    assert "Answer for Shopify: n" in out
    mfa_answers = {k: v for k, v in saved(db).items() if k[0] == "acc-mfa"}
    assert sorted(mfa_answers.values()) == ["no", "yes"]
    assert all(key[1] for key in mfa_answers)  # stored per system


def test_help_shows_how_to_fix_and_references_then_asks_again(db: Path, bank: Bank) -> None:
    out = plain_run(db, "?\nq\n").stdout
    question = bank.question("gov-dpo")
    for reference in question.references:
        assert f"  - {reference}" in out
    for action_id in question.actions:
        assert f"How to fix: {bank.action(action_id).title}" in out
    assert out.count("Answer: ") == 2
    assert saved(db) == {}


def test_back_returns_to_the_previous_question(db: Path) -> None:
    out = plain_run(db, "b\ny\nb\nn\nq\n").stdout
    assert "This is the first question." in out
    assert [n for n, _ in questions_shown(out)] == ["1", "2", "1", "2"]
    assert saved(db) == {("gov-dpo", ""): "no"}
    assert "Current answer: Yes: named, and their business contact" in out


def test_enter_skips_for_now_and_skipped_questions_come_round_again(db: Path) -> None:
    out = plain_run(db, "\ny\nq\n").stdout
    assert [n for n, _ in questions_shown(out)] == ["1", "2", "3"]
    assert saved(db) == {("gov-data-inventory", ""): "yes"}
    # Next run starts where it stopped (question 3), then wraps round to the skipped one.
    total = total_slots(db)
    keep_skipping = "\n" * (total - 1)
    out = plain_run(db, keep_skipping).stdout
    shown = [n for n, _ in questions_shown(out)]
    assert shown[0] == "3"
    assert shown[-1] == "1"
    assert len(shown) == total - 1  # each unanswered question once, no loop
    assert f"Answered 1 of {total} questions; {total - 1} not answered yet." in out


# --- skip logic ---------------------------------------------------------------


def test_ai_gate_no_leaves_out_the_ai_questions(db: Path, bank: Bank) -> None:
    total = total_slots(db)
    out = plain_run(db, "y\ny\nn\nq\n").stdout
    assert bank.question("ai-vendor-terms").text not in out
    assert questions_shown(out)[3] == ("4", str(total + DPO_CONTACT))
    assert "Logins and passwords" in out.split("Question 4 of")[1]


def test_ai_gate_yes_asks_the_ai_questions(db: Path, bank: Bank) -> None:
    total = total_slots(db)
    dependants = [
        q.id
        for q in bank.questions
        if q.applies_if and q.applies_if.answer and q.applies_if.answer.question == "ai-in-use"
    ]
    assert dependants
    out = plain_run(db, "y\ny\ny\n" + "n\n" * len(dependants) + "q\n").stdout
    for question_id in dependants:
        assert bank.question(question_id).text in out
    assert questions_shown(out)[3] == ("4", str(total + DPO_CONTACT + len(dependants)))
    answers = saved(db)
    assert all(answers[(question_id, "")] == "no" for question_id in dependants)

    # Changing the gate to "no" (with --all) drops them from the rest of the walk.
    out = plain_run(db, "\n\nn\nq\n", "--all").stdout
    assert questions_shown(out)[3] == ("4", str(total + DPO_CONTACT))


# --- stopping and resuming ------------------------------------------------------


def test_quit_then_a_second_run_resumes_at_the_same_question(db: Path, bank: Bank) -> None:
    first = plain_run(db, "y\nn\nq\n").stdout
    assert "Stopped. Your answers so far are saved." in first
    assert "assess --plain` again" in first
    with session_of(db) as session:
        q = session.start_assessment()
        assert q.slots[q.resume_index()].key == ("ai-in-use", "")
    second = plain_run(db, "q\n").stdout
    assert questions_shown(second)[0][0] == "3"
    assert bank.question("ai-in-use").text in second
    assert bank.question("gov-dpo").text not in second


def test_end_of_input_midway_exits_cleanly_with_answers_saved(db: Path) -> None:
    result = plain_run(db, "y\nn\n")
    assert "End of input. Your answers so far are saved." in result.stdout
    assert saved(db) == {("gov-dpo", ""): "yes", ("gov-data-inventory", ""): "no"}
    # Input ending without a final newline still counts as an answer.
    plain_run(db, "u")
    assert saved(db)[("ai-in-use", "")] == "unknown"


def test_all_asks_answered_questions_and_enter_keeps_the_answer(db: Path) -> None:
    plain_run(db, "y\nn\nq\n")
    out = plain_run(db, "\np\nq\n", "--all").stdout
    assert [n for n, _ in questions_shown(out)] == ["1", "2", "3"]
    assert "Current answer: Yes: named, and their business contact" in out
    assert "Current answer: No (Enter keeps it)." in out
    assert saved(db) == {("gov-dpo", ""): "yes", ("gov-data-inventory", ""): "partly"}


# --- completing -----------------------------------------------------------------


def best_entry(question: Question) -> str:
    """What to type for the best answer to `question`."""
    if question.kind == "choice":
        best = max(question.options, key=lambda option: option.credit)
        return str(question.options.index(best) + 1)
    if question.kind == "number":
        scale = question.number
        assert scale is not None
        return format_number(scale.minimum if scale.better == "lower" else scale.maximum)
    if question.kind == "text":
        return "Ana Lim (owner), then Ben Tan"
    return "y"


def best_inputs(db: Path, bank: Bank) -> list[str]:
    """Every entry for answering the whole questionnaire at best, in asking order."""
    with session_of(db) as session:
        profile = session.profile
    answers: dict[AnswerKey, Answer] = {}
    entries: list[str] = []
    while True:
        open_slots = [s for s in applicable_slots(bank, profile, answers) if s.key not in answers]
        if not open_slots:
            return entries
        slot = open_slots[0]
        question = slot.question
        entries.append(best_entry(question))
        if question.kind == "choice":
            value = question.options[int(entries[-1]) - 1].id
        else:
            value = normalise_value(question, entries[-1])
        answers[slot.key] = Answer(question_id=slot.key[0], system_key=slot.key[1], value=value)


def test_answer_everything_then_confirm_completes_with_a_score(db: Path, bank: Bank) -> None:
    entries = best_inputs(db, bank)
    declined = plain_run(db, "\n".join(entries) + "\nn\n").stdout
    total = len(entries)
    assert f"Answered {total} of {total} questions; 0 not answered yet." in declined
    assert "Complete the assessment and record its score?" in declined
    assert "The assessment stays open" in declined
    with session_of(db) as session:
        assert session.open_assessment() is not None

    # With everything answered, a run goes straight to the offer to complete.
    done = plain_run(db, "y\n").stdout
    assert questions_shown(done) == []
    strong = next(band for band in BANDS if band.id == "strong")
    assert re.search(rf"Completed assessment 1: score 100 / 100, {strong.name}\.", done)
    assert "not legal advice" in done
    with session_of(db) as session:
        assert session.open_assessment() is None
        (trend,) = session.completed()
        assert trend.score == 100
    assert saved_completed_text(db) == "Ana Lim (owner), then Ben Tan"


def saved_completed_text(db: Path) -> str:
    with session_of(db) as session:
        (trend,) = session.completed()
        return session.store.answers(trend.row.id)[("inc-lead-names", "")].value


def test_end_of_input_at_the_completion_offer_leaves_it_open(db: Path, bank: Bank) -> None:
    entries = best_inputs(db, bank)
    out = plain_run(db, "\n".join(entries) + "\n").stdout
    assert "The assessment stays open" in out
    with session_of(db) as session:
        assert session.open_assessment() is not None


# --- output safety ----------------------------------------------------------------


def test_no_escape_codes_when_output_is_not_a_terminal(tmp_path: Path, profile: Profile) -> None:
    db = tmp_path / "x.db"
    hostile = profile.model_copy(update={"name": f"Shop {ESC}]0;pwned\x07 {RLO}name"})
    create_org(db, hostile)
    colourful = {"NO_COLOR": None, "FORCE_COLOR": None, "TERM": "xterm-256color",
                 "COLORTERM": "truecolor"}  # fmt: skip
    result = plain_run(db, "maybe\ny\n?\nq\n", env=colourful)
    assert "Question 1 of" in result.output
    assert ESC not in result.output
    assert RLO not in result.output
    assert "Shop ]0;pwned name" in result.output


def test_markup_in_names_and_bank_text_prints_literally(tmp_path: Path, profile: Profile) -> None:
    db = tmp_path / "x.db"
    systems = tuple(
        system.model_copy(update={"name": f"{system.name} {MARKUP}"}) for system in profile.systems
    )
    create_org(db, profile.model_copy(update={"systems": systems}), name=f"Shop {MARKUP}")
    # A bank of the user's own whose text contains markup.
    source = builtin_bank_path().read_text(encoding="utf-8")
    own = source.replace('id = "pdpa-sme-starter"', 'id = "own-bank"', 1).replace(
        'title = "PDPA data protection check', f'title = "{MARKUP} check', 1
    )
    own = own.replace("Have you named someone", f"Have you {MARKUP} named someone", 1)
    user_banks = locations().user_banks
    user_banks.mkdir(parents=True)
    (user_banks / "own-bank.toml").write_text(own, encoding="utf-8")
    started = invoke("--db", db, "assessment", "start", "--bank", "own-bank")
    assert started.exit_code == 0, started.output

    with session_of(db) as session:
        session.user_banks = user_banks
        q = session.start_assessment()
        q.remember(next(slot.key for slot in q.slots if slot.question.id == "acc-mfa"))
    out = plain_run(db, "y\nq\n").stdout
    assert f"for Shop {MARKUP}: {MARKUP} check" in out
    assert f"(for Google Workspace {MARKUP})" in out
    assert f"Answer for Google Workspace {MARKUP}: y" in out
    assert f"Answer for Shopify {MARKUP}: " in out

    out = plain_run(db, "q\n", "--all").stdout
    assert f"Have you {MARKUP} named someone" in out


# --- errors and modes --------------------------------------------------------------


def test_without_plain_points_to_the_app_and_exits_2(db: Path) -> None:
    result = invoke("--db", db, "assess")
    assert result.exit_code == 2
    assert "`pdpa-check` with no arguments" in result.stderr
    assert "--plain" in result.stderr


def test_without_an_organisation_says_how_to_create_one(tmp_path: Path) -> None:
    result = invoke("--db", tmp_path / "none.db", "assess", "--plain", input="y\n")
    assert result.exit_code == 2
    assert "pdpa-check org create NAME" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "none.db").exists()


def test_demo_organisation_can_be_assessed(private_dirs: Path) -> None:
    result = invoke("--demo", "assess", "--plain", input="q\n")
    assert result.exit_code == 0, result.output
    assert "Kampong Threads" in result.stdout
    assert "Question " in result.stdout
    assert locations().demo_database.is_relative_to(private_dirs)


def test_carried_answers_are_asked_and_enter_confirms_them(private_dirs: Path) -> None:
    from pdpa_check.services.session import Session
    from pdpa_check.store.db import open_database
    from pdpa_check.store.repo import Store

    # The demo's new assessment starts with last quarter's answers, to confirm.
    result = invoke("--demo", "assess", "--plain", input="\n\nq\n")
    assert result.exit_code == 0, result.output
    assert "Carried from last time:" in result.stdout
    assert result.stdout.count("Confirmed:") == 2
    db = locations().demo_database
    q = Session(Store(open_database(db), db), None).questionnaire()
    confirmed = [slot for slot in q.slots[:2] if slot.key not in q.carried]
    assert len(confirmed) == 2


# --- real processes -------------------------------------------------------------------


def run_process(
    *args: str, input: str, cwd: Path, code: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "TERM": "xterm-256color"}
    for name in ("NO_COLOR", "FORCE_COLOR", "PYTHONDEVMODE"):
        env.pop(name, None)
    command = ["-c", code, *args] if code else ["-m", "pdpa_check", *args]
    return subprocess.run(
        [sys.executable, *command],
        cwd=cwd,
        env=env,
        input=input,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_piped_stdin_in_a_real_process(db: Path, tmp_path: Path) -> None:
    proc = run_process("--db", str(db), "assess", "--plain", input="y\nmaybe\nn\n", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert ESC not in proc.stdout
    assert "Answer: y\nSaved: Yes: named, and their business contact" in proc.stdout
    assert "Not saved: 'maybe'" in proc.stdout
    assert "End of input. Your answers so far are saved." in proc.stdout
    assert saved(db) == {("gov-dpo", ""): "yes", ("gov-data-inventory", ""): "no"}


def test_assess_plain_never_loads_textual(db: Path, tmp_path: Path) -> None:
    code = textwrap.dedent(
        """
        import sys
        from pdpa_check.cli import cli
        try:
            cli.main(sys.argv[1:], standalone_mode=False)
        finally:
            loaded = sorted(m for m in sys.modules if m.split(".")[0] == "textual")
            print("TEXTUAL", loaded, file=sys.stderr)
        """
    )
    proc = run_process("--db", str(db), "assess", "--plain", input="y\n", cwd=tmp_path, code=code)
    assert proc.returncode == 0, proc.stderr
    assert "TEXTUAL []" in proc.stderr
    assert saved(db) == {("gov-dpo", ""): "yes"}
