"""User lists read as evidence (issue 19, the headless core): the format catalogue, reading
each vendor's file and the awkward ones, the facts derived, the answers proposed, and every
bad file refused with its file and line, never another exception."""

from __future__ import annotations

import datetime as dt
import json
import os
import tomllib
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pdpa_check.questionnaires.answers import normalise_value
from pdpa_check.questionnaires.errors import BankError
from pdpa_check.questionnaires.loader import MAX_ENTRIES, MAX_INPUT_BYTES
from pdpa_check.questionnaires.model import Bank
from pdpa_check.questionnaires.platforms import builtin_catalogue
from pdpa_check.questionnaires.user_list_formats import (
    NEVER,
    FormatCatalogue,
    builtin_formats,
    formats_path,
    header_key,
    read_formats,
)
from pdpa_check.questionnaires.user_lists import (
    Proposal,
    UserList,
    UserListError,
    parse_user_list,
    propose_answers,
    read_user_list,
    role_mailbox,
)
from pdpa_check.support.text import clean, for_output

FIXTURES = Path(__file__).parent / "fixtures" / "user_lists"
TODAY = dt.date(2026, 12, 4)  # the day the fixtures' users were judged on
GENERIC = "email,name,mfa,admin,last_sign_in,left\n"
QUESTIONS = ("acc-mfa", "acc-shared-logins", "lvr-no-lingering", "access-least-privilege")


@pytest.fixture(scope="module")
def formats() -> FormatCatalogue:
    return read_formats(formats_path().read_bytes(), "user_list_formats.toml")


def read(name: str, formats: FormatCatalogue, **kwargs: int) -> UserList:
    return read_user_list(FIXTURES / name, formats, today=TODAY, **kwargs)


def parse(text: str | bytes, formats: FormatCatalogue, source: str = "users.csv") -> UserList:
    data = text.encode() if isinstance(text, str) else text
    return parse_user_list(data, source, formats, today=TODAY)


def refused(text: str | bytes, formats: FormatCatalogue) -> list[str]:
    with pytest.raises(UserListError) as caught:
        parse(text, formats)
    return caught.value.problems


def proposed(found: UserList, bank: Bank) -> dict[str, Proposal]:
    return {p.question_id: p for p in propose_answers(found, bank, "shop")}


def labels(found: UserList, gap: str) -> list[str]:
    return [person for kind, person in found.checklist if kind == gap]


# --- the catalogue ---------------------------------------------------------------------------


def test_the_shipped_catalogue_validates_and_is_the_one_builtin_formats_returns(
    formats: FormatCatalogue,
) -> None:
    assert builtin_formats() == formats
    ids = [form.id for form in formats.formats]
    assert ids == ["google-workspace-users", "entra-registration-details", "generic"]
    assert FormatCatalogue.model_json_schema()["properties"]["formats"]


def test_the_catalogue_ships_in_the_package() -> None:
    config = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    shipped = config["tool"]["setuptools"]["package-data"]["pdpa_check.questionnaires"]
    assert "user_list_formats.toml" in shipped and formats_path().is_file()


def test_every_vendor_format_names_its_page_the_day_it_was_checked_and_its_platform(
    formats: FormatCatalogue,
) -> None:
    platforms = {platform.id for platform in builtin_catalogue().platforms}
    for form in formats.formats:
        assert form.source.strip() and form.download.strip(), form.id
        assert dt.date(2026, 1, 1) <= form.checked <= TODAY, form.id
        if form.id == "generic":
            assert form.platform is None and form.url is None
            continue
        assert form.platform in platforms, form.id
        assert form.url is not None and form.url.startswith("https://"), form.id


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "generic"}, "format ids used twice: generic"),
        (
            {"url": None},
            "format google-workspace-users: Value error, a vendor's format needs the url",
        ),
        (
            {"values": {"active": ["Active"], "inactive": ["Suspended"], "date_format": "%H:%M"}},
            "values.date_format: '%H:%M' does not read back a date",
        ),
        ({"values": {"date_format": "%Y/%m/%d"}}, "a status column needs its active"),
        ({"columns": {"status": ["Status"]}}, "give the email or the name column"),
        ({"detect": []}, "format google-workspace-users: detect: Tuple should have at least 1"),
    ],
)
def test_a_broken_catalogue_names_the_format_and_the_problem(
    change: dict[str, object], message: str
) -> None:
    raw = tomllib.loads(formats_path().read_text())
    first = raw["formats"][0]
    for key, value in change.items():
        if value is None:
            first.pop(key)
        else:
            first[key] = value
    with pytest.raises(BankError) as caught:
        read_formats(tomli_w.dumps(raw).encode(), "mine.toml")
    assert any(p.startswith("mine.toml: ") and message in p for p in caught.value.problems), (
        caught.value.problems
    )


def test_headers_compare_by_letters_and_digits_in_any_case() -> None:
    assert header_key(' "Last Sign-In" ') == header_key("last_sign_in") == "last sign in"
    assert header_key("\ufeffEmail Address [Required]") == "email address required"
    assert header_key("2sv Enrolled [READ ONLY]") != header_key("2sv Enforced [READ ONLY]")


# --- recognising each format, and the awkward files ------------------------------------------


@pytest.mark.parametrize(
    ("name", "format_id", "accounts"),
    [
        ("google-workspace-users.csv", "google-workspace-users", 8),
        ("entra-registration-details.csv", "entra-registration-details", 8),
        ("entra-registration-details-more-columns.csv", "entra-registration-details", 8),
        ("generic.csv", "generic", 8),
        ("generic-extended.csv", "generic", 8),
        ("edge/google-excel-resaved-semicolon.csv", "google-workspace-users", 8),  # ; BOM CRLF
        ("edge/google-selected-columns-bom-crlf.csv", "google-workspace-users", 8),
        ("edge/entra-registration-utf16-tab.txt", "entra-registration-details", 8),
        ("edge/generic-hand-typed.csv", "generic", 4),  # BOM, quoted headers, blank rows
    ],
)
def test_each_format_is_recognised_from_its_header(
    name: str, format_id: str, accounts: int, formats: FormatCatalogue
) -> None:
    found = read(name, formats)
    assert found.format.id == format_id
    assert len(found.accounts) == accounts
    assert found.file_name == Path(name).name and found.read_on == TODAY


def test_the_file_date_is_its_modification_day(tmp_path: Path, formats: FormatCatalogue) -> None:
    path = tmp_path / "staff.csv"
    path.write_text(GENERIC + "a@example.com,A,yes,yes,2026-12-01,no\n")
    stamp = dt.datetime(2026, 11, 30, 12, 0).timestamp()
    os.utime(path, (stamp, stamp))
    found = read_user_list(path, formats, today=TODAY)
    assert found.file_date == dt.date(2026, 11, 30)
    assert parse(path.read_bytes(), formats).file_date is None
    odd = tmp_path / "staff\x1b[2J.csv"
    odd.write_bytes(path.read_bytes())
    assert read_user_list(odd, formats, today=TODAY).file_name == "staff[2J.csv"


def test_a_semicolon_file_re_saved_by_excel_reads_the_same_as_the_download(
    formats: FormatCatalogue,
) -> None:
    download = read("google-workspace-users.csv", formats)
    resaved = read("edge/google-excel-resaved-semicolon.csv", formats)
    assert resaved.checklist == download.checklist
    by_email = {a.email: a for a in resaved.accounts}
    assert by_email["siti.rahman@example.com"].last_sign_in == dt.date(2026, 12, 3)  # 3/12/2026
    assert by_email["daniel.ong@example.com"].last_sign_in == dt.date(2026, 6, 30)


def test_utf16_tab_separated_reads_the_same_as_the_csv(formats: FormatCatalogue) -> None:
    csv_list = read("entra-registration-details.csv", formats)
    utf16 = read("edge/entra-registration-utf16-tab.txt", formats)
    assert utf16.accounts == csv_list.accounts


def test_hand_typed_generic_list_reads_words_case_and_day_first_dates(
    formats: FormatCatalogue,
) -> None:
    found = read("edge/generic-hand-typed.csv", formats)
    siti, priya, orders, jun = found.accounts
    assert (siti.mfa_enrolled, siti.admin, siti.left) == ("yes", "yes", False)  # Y, Y, N
    assert priya.email == "PRIYA.NAIR@EXAMPLE.COM" and priya.admin == "no"  # FALSE
    assert priya.last_sign_in == dt.date(2026, 11, 28)  # 28/11/2026
    assert orders.name == "Orders, shared" and orders.looks_shared
    assert jun.mfa_enrolled == "unknown" and jun.last_sign_in is None


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["1/2/2026", "13/2/2026"], dt.date(2026, 2, 1)),  # 13 first: day first
        (["1/2/2026", "2/13/2026"], dt.date(2026, 1, 2)),  # 13 second: month first (US)
        (["1/2/2026", "1/2/2026"], dt.date(2026, 2, 1)),  # ambiguous: day first (Singapore)
        (["1.2.2026 9:05", "2.2.2026"], dt.date(2026, 2, 1)),
        (["1/2/2026 9:05:01 PM", "2/2/2026"], dt.date(2026, 2, 1)),
    ],
)
def test_slash_dates_are_day_first_unless_the_file_shows_month_first(
    cells: list[str], expected: dt.date, formats: FormatCatalogue
) -> None:
    rows = "".join(f"u{n}@example.com,U{n},yes,no,{cell},no\n" for n, cell in enumerate(cells))
    found = parse(GENERIC + rows, formats)
    assert found.accounts[0].last_sign_in == expected


def test_crlf_bare_cr_and_trailing_blank_lines_change_nothing(formats: FormatCatalogue) -> None:
    plain = GENERIC + "a@example.com,A,yes,yes,2026-12-01,no\nb@example.com,B,no,no,never,no\n"
    expected = parse(plain, formats).accounts
    for variant in (
        plain.replace("\n", "\r\n") + "\r\n\r\n",
        plain.replace("\n", "\r"),
        plain + ",,,,,\n\n  \n",
        "\n\n" + plain,
    ):
        assert parse(variant, formats).accounts == expected


def test_a_quoted_cell_may_hold_a_comma_a_quote_and_a_line_break(
    formats: FormatCatalogue,
) -> None:
    text = GENERIC + '"a@example.com","Tan, ""Ah""\nKow",yes,no,2026-12-01,no\nb@x.com,B,no'
    found = parse(text + ",no,2026-12-01,no\n", formats)
    assert found.accounts[0].name == 'Tan, "Ah" Kow'  # one line: the break folded
    typed = parse(GENERIC + 'a@x.sg, "Tan, Ah", yes, no, 2026-12-01, no\n', formats)
    assert typed.accounts[0].name == "Tan, Ah"  # a space before the quote, as people type


def test_a_row_with_fewer_cells_reads_them_as_empty(formats: FormatCatalogue) -> None:
    found = parse(GENERIC + "a@example.com,A,no,no\n", formats)
    assert found.accounts[0].last_sign_in is None and not found.accounts[0].left


# --- the facts derived -------------------------------------------------------------------------


def test_google_facts(formats: FormatCatalogue) -> None:
    found = read("google-workspace-users.csv", formats)
    assert len(found.active) == 7  # Aisyah is suspended
    assert found.count(lambda a: a.mfa_enrolled == "yes") == 4
    assert found.enforced_for_all == "no"  # only Siti's 2SV is enforced
    assert not found.has("admin")
    assert labels(found, "no_mfa") == ["Priya Nair", "Jun Wei Lim", "Orders Team"]
    assert labels(found, "dormant") == ["Daniel Ong"]  # 2026/06/30
    assert labels(found, "never") == ["Jun Wei Lim"]  # Never logged in
    assert labels(found, "shared") == ["Orders Team", "Info, General Desk"]
    assert labels(found, "admin") == [] and labels(found, "left") == []
    assert "Aisyah Kamal" not in {person for _, person in found.checklist}  # suspended


def test_entra_facts(formats: FormatCatalogue) -> None:
    found = read("entra-registration-details.csv", formats)
    assert len(found.active) == 8  # no account status in this file: every listed one counts
    assert found.count(lambda a: a.mfa_enrolled == "yes") == 5
    assert found.enforced_for_all == "unknown"
    assert not (found.has("admin") or found.has("last_sign_in"))
    assert labels(found, "shared") == ["Orders", "Admin, Break-glass"]  # orders@, admin@
    more = read("entra-registration-details-more-columns.csv", formats)
    assert labels(more, "admin") == ["Siti Rahman", "Admin, Break-glass"]


def test_entra_prefers_mfa_registered_to_mfa_capable(formats: FormatCatalogue) -> None:
    text = "userPrincipalName,isMfaCapable,isMfaRegistered\na@example.com,False,True\n"
    assert parse(text, formats).accounts[0].mfa_enrolled == "yes"
    only = "userPrincipalName,mfaCapable\na@example.com,TRUE\n"  # a 2023 download's spelling
    assert parse(only, formats).accounts[0].mfa_enrolled == "yes"


def test_generic_facts(formats: FormatCatalogue) -> None:
    found = read("generic-extended.csv", formats)
    assert len(found.active) == 7  # Aisyah has left
    assert labels(found, "left") == ["Aisyah Kamal"]
    assert labels(found, "never") == ["Jun Wei Lim"]  # `never`
    assert labels(found, "dormant") == ["Daniel Ong"]
    assert labels(found, "admin") == ["Siti Rahman", "Daniel Ong"]
    assert labels(found, "shared") == ["Orders (shared)", "Packing station tablet"]  # shared=yes
    plain = read("generic.csv", formats)
    jun = next(a for a in plain.accounts if a.name == "Jun Wei Lim")
    assert jun.last_sign_in is None  # empty: the screen does not say, not "never"


def test_dormant_days_is_the_threshold_inclusive(formats: FormatCatalogue) -> None:
    text = GENERIC + "a@example.com,A,yes,no,2026-09-05,no\nb@example.com,B,yes,no,2026-09-06,no\n"
    assert labels(parse(text, formats), "dormant") == ["A"]  # 90 days exactly
    found = parse_user_list(text.encode(), "u.csv", formats, today=TODAY, dormant_days=30)
    assert labels(found, "dormant") == ["A", "B"]
    with pytest.raises(ValueError, match="at least 1"):
        parse_user_list(text.encode(), "u.csv", formats, today=TODAY, dormant_days=0)


@pytest.mark.parametrize(
    ("email", "shared"),
    [
        ("info@example.com", True),
        ("Orders2@example.com", True),
        ("customer.support@x.sg", False),
        ("sales-team@x.sg", False),
        ("s.ales@x.sg", True),
        ("siti@example.com", False),
        ("info", False),
        ("", False),
    ],
)
def test_role_mailboxes_look_shared(email: str, shared: bool) -> None:
    assert role_mailbox(email) is shared


def test_summary_and_reasons_give_counts_never_names(formats: FormatCatalogue, bank: Bank) -> None:
    for name in ("google-workspace-users.csv", "generic-extended.csv"):
        found = read(name, formats)
        text = " ".join([*found.summary, *(p.reason for p in propose_answers(found, bank, "s"))])
        people = {a.label for a in found.accounts} | {a.email for a in found.accounts}
        assert not [person for person in people if person and person in text]
        assert found.summary[0].startswith(f"{found.format.name} ({name}), read 2026-12-04:")


# --- proposed answers -----------------------------------------------------------------------


def test_google_proposals(formats: FormatCatalogue, bank: Bank) -> None:
    found = proposed(read("google-workspace-users.csv", formats), bank)
    assert list(found) == list(QUESTIONS)
    mfa = found["acc-mfa"]
    assert (mfa.system_key, mfa.value) == ("shop", "partly")
    assert mfa.reason == "MFA: 4 of 7 active accounts enrolled; not enforced for everyone"
    assert found["acc-shared-logins"].value == "partly"
    leavers = found["lvr-no-lingering"]
    assert (leavers.system_key, leavers.value) == ("", "partly")
    assert "1 active account with no sign-in for 90 days" in leavers.reason
    admins = found["access-least-privilege"]
    assert admins.value is None and "Admin roles" in admins.reason  # cannot tell: says where


def test_entra_proposals(formats: FormatCatalogue, bank: Bank) -> None:
    found = proposed(read("entra-registration-details.csv", formats), bank)
    assert found["acc-mfa"].value == "partly"
    assert "enforcement not in this file" in found["acc-mfa"].reason
    assert found["lvr-no-lingering"].value is None
    assert "no sign-in dates" in found["lvr-no-lingering"].reason
    assert found["access-least-privilege"].value is None
    more = proposed(read("entra-registration-details-more-columns.csv", formats), bank)
    least = more["access-least-privilege"]
    assert least.value == "yes" and "2 of 8" in least.reason
    assert least.reason.endswith("other systems are not in this list")


def test_generic_proposals(formats: FormatCatalogue, bank: Bank) -> None:
    found = proposed(read("generic.csv", formats), bank)
    assert found["acc-mfa"].value == "partly"
    assert "3 of 7 active accounts enrolled, 1 not known" in found["acc-mfa"].reason
    assert found["lvr-no-lingering"].value == "no"  # Aisyah has left and is still listed
    assert found["access-least-privilege"].value == "yes"  # Siti and Daniel
    assert found["acc-shared-logins"].value == "partly"


def test_every_proposed_value_is_one_the_bank_accepts(formats: FormatCatalogue, bank: Bank) -> None:
    for path in FIXTURES.glob("*.csv"):
        if path.name == "entra-users-download.csv":
            continue
        for proposal in propose_answers(read(path.name, formats), bank, "shop"):
            question = bank.question(proposal.question_id)
            assert proposal.system_key == ("shop" if question.kind == "per_system" else "")
            if proposal.value is not None:
                assert normalise_value(question, proposal.value) == proposal.value
            assert proposal.reason and "\n" not in proposal.reason


def generic(*rows: str, header: str = GENERIC) -> str:
    return header + "".join(f"{row}\n" for row in rows)


@pytest.mark.parametrize(
    ("rows", "header", "value", "fragment"),
    [
        (
            ("a@x.sg,A,yes,no,,,yes", "b@x.sg,B,no,no,,,yes"),
            "email,name,mfa,admin,last_sign_in,left,mfa_required\n",
            "yes",
            "enforced for everyone (the others must enrol",
        ),
        (
            ("a@x.sg,A,yes,no,,,yes", "b@x.sg,B,yes,no,,,no"),
            "email,name,mfa,admin,last_sign_in,left,mfa_required\n",
            "partly",
            "not enforced for everyone",
        ),
        (
            ("a@x.sg,A,yes,no,,", "b@x.sg,B,yes,no,,"),
            GENERIC,
            "partly",
            "2 of 2 active accounts enrolled; enforcement not in this file",
        ),
        (("a@x.sg,A,no,no,,", "b@x.sg,B,no,no,,"), GENERIC, "no", "0 of 2"),
        (("a@x.sg,A,yes,no,,", "b@x.sg,B,unknown,no,,"), GENERIC, None, "1 not known"),
        (("a@x.sg,A,yes,no,,yes",), GENERIC, None, "no active accounts"),
    ],
)
def test_mfa_rules(
    rows: tuple[str, ...],
    header: str,
    value: str | None,
    fragment: str,
    formats: FormatCatalogue,
    bank: Bank,
) -> None:
    mfa = proposed(parse(generic(*rows, header=header), formats), bank)["acc-mfa"]
    assert mfa.value == value and fragment in mfa.reason, mfa


@pytest.mark.parametrize(
    ("admins", "value"),
    [
        (("yes", "no", "no", "no"), "yes"),
        (("yes", "yes", "yes", "no", "no", "no", "no"), "partly"),
        (("yes", "yes", "yes", "no"), "no"),
        (("no", "no"), None),  # no admin at all: the owner's account is missing
        (("yes", "unknown"), None),
    ],
)
def test_least_privilege_rules(
    admins: tuple[str, ...], value: str | None, formats: FormatCatalogue, bank: Bank
) -> None:
    rows = [f"u{n}@x.sg,U{n},yes,{admin},2026-12-01,no" for n, admin in enumerate(admins)]
    least = proposed(parse(generic(*rows), formats), bank)["access-least-privilege"]
    assert least.value == value, least


@pytest.mark.parametrize(
    ("emails", "value"),
    [
        (("siti@x.sg", "tan@x.sg"), "yes"),
        (("siti@x.sg", "info@x.sg"), "partly"),
        (("info@x.sg", "orders@x.sg"), "no"),
    ],
)
def test_shared_login_rules(
    emails: tuple[str, ...], value: str, formats: FormatCatalogue, bank: Bank
) -> None:
    rows = [f"{email},,yes,no,2026-12-01,no" for email in emails]
    assert proposed(parse(generic(*rows), formats), bank)["acc-shared-logins"].value == value


def test_names_only_cannot_show_shared_logins(formats: FormatCatalogue, bank: Bank) -> None:
    text = "name,mfa,admin,last_sign_in\nSiti,yes,yes,2026-12-01\n"
    shared = proposed(parse(text, formats), bank)["acc-shared-logins"]
    assert shared.value is None and "no email or shared column" in shared.reason


@pytest.mark.parametrize(
    ("signins", "value"),
    [
        (("2026-12-01", "2026-11-01"), "yes"),
        (("2026-12-01", "never"), "partly"),
        (("2026-12-01", "2026-01-01"), "partly"),
        (("2026-12-01", ""), None),  # a date not known: cannot be sure
    ],
)
def test_leaver_rules(
    signins: tuple[str, ...], value: str | None, formats: FormatCatalogue, bank: Bank
) -> None:
    rows = [f"u{n}@x.sg,U{n},yes,no,{day},no" for n, day in enumerate(signins)]
    leavers = proposed(parse(generic(*rows), formats), bank)["lvr-no-lingering"]
    assert leavers.value == value, leavers
    assert (value == "yes") == leavers.reason.endswith("other systems are not in this list")


def test_a_bank_without_a_question_gets_no_proposal_for_it(
    formats: FormatCatalogue, bank: Bank
) -> None:
    data = json.loads(bank.model_dump_json())
    data["questions"] = [q for q in data["questions"] if q["id"] != "acc-mfa"]
    smaller = Bank.model_validate_json(json.dumps(data))
    found = proposed(read("generic.csv", formats), smaller)
    assert "acc-mfa" not in found and "lvr-no-lingering" in found


def test_a_confirmed_proposal_becomes_an_answer_with_its_reason_as_evidence(
    formats: FormatCatalogue, bank: Bank
) -> None:
    found = proposed(read("google-workspace-users.csv", formats), bank)
    answer = found["acc-mfa"].answer()
    assert answer is not None
    assert (answer.key, answer.value) == (("acc-mfa", "shop"), "partly")
    assert answer.evidence == found["acc-mfa"].reason
    assert found["access-least-privilege"].answer() is None
    own = found["acc-mfa"].answer("from users.csv")
    assert own is not None and own.evidence == "from users.csv"


# --- bad files: the file and the line, nothing else ------------------------------------------


@pytest.mark.parametrize(
    ("name", "fragments"),
    [
        ("edge/bad-generic-ragged-row.csv", [":3: 6 cells but the header has 4"]),
        (
            "edge/bad-generic-values.csv",
            [':3: mfa: "maybe" is not yes, no or unknown', ':4: last_sign_in: "2026-13-45"'],
        ),
        ("edge/bad-google-blank-template.csv", [":1: not a user list", "blank upload template"]),
        (
            "edge/bad-unknown-header.csv",
            [
                ":1: not a user list",
                "Google Workspace user list, Microsoft Entra user registration details,"
                " Generic user list",
            ],
        ),
        ("edge/bad-xlsx-renamed.csv", [": this is a spreadsheet workbook", "save it as CSV"]),
        ("entra-users-download.csv", [":1: not a user list", "has no MFA column"]),
    ],
)
def test_each_bad_sample_is_refused_naming_file_and_line(
    name: str, fragments: list[str], formats: FormatCatalogue
) -> None:
    path = FIXTURES / name
    with pytest.raises(UserListError) as caught:
        read_user_list(path, formats, today=TODAY)
    problems = caught.value.problems
    assert all(problem.startswith(f"{path}:") for problem in problems), problems
    for fragment in fragments:
        assert any(fragment in problem for problem in problems), (fragment, problems)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "users.csv: the file is empty"),
        (b"\xef\xbb\xbf\r\n\r\n", "users.csv: the file is empty"),
        (b"\xff\xfe", "users.csv: the file is empty"),
        (GENERIC.encode(), "users.csv:1: the list has a header row but no users"),
        (
            b"\n\nFirst Name [Required],Email Address [Required],Status [READ ONLY]\n",
            ":3: the Google Workspace user list has a header row but no users",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1", "an Excel 97-2003 workbook"),
        (b"%PDF-1.7", "this is a PDF"),
        (
            (GENERIC + "a@x.sg,Zo\xe9,yes,no,,no\n").encode("cp1252"),
            "users.csv:2: this is not UTF-8",
        ),
        ((GENERIC + "a@x.sg,A\x00,yes,no,,no\n").encode(), "users.csv:2: the file holds NUL bytes"),
        ((GENERIC + 'a@x.sg,"A,yes,no,,no\n').encode(), "users.csv:2: not readable as CSV"),
        ((GENERIC + 'a@x.sg,"A"B,yes,no,,no\n').encode(), "users.csv:2: not readable as CSV"),
        (
            (GENERIC + "a@x.sg,A,yes,no,,no\nA@X.SG,B,no,no,,no\n").encode(),
            'users.csv:3: "a@x.sg" is listed twice (line 2)',
        ),
        ((GENERIC + ",,yes,no,,no\n").encode(), "users.csv:2: the row has no email or name"),
        (
            (GENERIC + "a@x.sg,A,yes,no,2026-12-06,no\n").encode(),
            "users.csv:2: last_sign_in: 2026-12-06 is not between 2000",
        ),
        ((GENERIC + "a@x.sg,A,yes,no,1999-12-31,no\n").encode(), "is not between 2000"),
        (
            (GENERIC + "a@x.sg,A,yes,no,yesterday,no\n").encode(),
            '"yesterday" is not a date like 2026-03-31 or never',
        ),
        ((GENERIC + "a@x.sg,A,yes,no,31/31/2026,no\n").encode(), "not a real date read as"),
        (
            b"email,mfa,admin\na@x.sg,yes,no\n",
            "users.csv:1: a Generic user list needs the column last_sign_in",
        ),
        (b"email,mfa,admin,last_sign_in,Email\n", 'users.csv:1: the column "email" appears twice'),
        (
            b"Email Address [Required],Status [READ ONLY]\na@x.sg,Deleted\n",
            'users.csv:2: Status [READ ONLY]: "Deleted" is not one of: Active, Suspended, Archived',
        ),
        (b"Email Address [Required],Status [READ ONLY]\na@x.sg,\n", '"" is not one of'),
    ],
)
def test_awkward_and_broken_bytes_are_refused_with_file_and_line(
    data: bytes, fragment: str, formats: FormatCatalogue
) -> None:
    problems = refused(data, formats)
    assert any(fragment in problem for problem in problems), (fragment, problems)


def test_utf16_big_endian_and_an_excel_field_limit(formats: FormatCatalogue) -> None:
    text = GENERIC + "a@x.sg,A,yes,no,2026-12-01,no\n"
    assert parse(text.encode("utf-16"), formats).accounts == parse(text, formats).accounts
    assert parse(b"\xfe\xff" + text.encode("utf-16-be"), formats).accounts
    huge = GENERIC + "a@x.sg," + "x" * 200_000 + ",yes,no,,no\n"
    assert any("users.csv:2: not readable as CSV" in p for p in refused(huge, formats))


def test_every_bad_cell_is_reported_at_once_up_to_the_cap(formats: FormatCatalogue) -> None:
    rows = "".join(f"u{n}@x.sg,U,maybe,no,,no\n" for n in range(80))
    with pytest.raises(UserListError) as caught:
        parse(GENERIC + rows, formats)
    assert caught.value.total == 80 and len(caught.value.problems) == 50
    assert caught.value.problems[0].startswith("users.csv:2: mfa:")


def test_more_rows_than_the_entry_limit_are_refused(formats: FormatCatalogue) -> None:
    rows = "".join(f"u{n}@x.sg,,yes,no,,no\n" for n in range(MAX_ENTRIES + 1))
    problems = refused(GENERIC + rows, formats)
    assert problems == [
        f"users.csv:{MAX_ENTRIES + 2}: more than 20,000 users; at most that many are read"
    ]


def test_files_past_the_input_limit_folders_and_missing_files_are_refused(
    tmp_path: Path, formats: FormatCatalogue
) -> None:
    big = tmp_path / "big.csv"
    big.write_bytes(GENERIC.encode() + b"x" * MAX_INPUT_BYTES)
    cases = {
        big: "input files are limited to 5 MB",
        tmp_path: "is a folder",
        tmp_path / "no.csv": "cannot read file",
    }
    for path, fragment in cases.items():
        with pytest.raises(UserListError) as caught:
            read_user_list(path, formats, today=TODAY)
        (problem,) = caught.value.problems
        assert problem.startswith(str(path)) and fragment in problem, problem


# --- hostile text ---------------------------------------------------------------------------

HOSTILE = "\x1b]0;owned\x07\x1b[31mAh\u202eKow\u200b\x9b2J"


def test_hostile_cells_come_back_sanitised(formats: FormatCatalogue) -> None:
    email = "evil\x1b[2J@example.com"
    found = parse(GENERIC + f'{email},"{HOSTILE}",no,yes,never,no\n', formats)
    (account,) = found.accounts
    assert account.name == clean(HOSTILE, single_line=True).strip() == "]0;owned[31mAhKow2J"
    assert account.email == "evil[2J@example.com"
    for _, person in found.checklist:
        assert person == for_output(person) and "\x1b" not in person


def test_hostile_text_never_reaches_an_error_message(formats: FormatCatalogue) -> None:
    problems = refused(GENERIC + f"a@x.sg,A,{HOSTILE},no,,no\n", formats)
    assert problems and all(p == for_output(p) and "\x1b" not in p for p in problems)
    header = refused(f"{HOSTILE},mfa,email\n".encode(), formats)
    assert all("\x1b" not in p for p in header)


def test_an_over_long_name_is_refused_with_its_line(formats: FormatCatalogue) -> None:
    problems = refused(GENERIC + f"a@x.sg,{'n' * 400},yes,no,,no\n", formats)
    assert problems == ["users.csv:2: name: text is 400 characters long; the limit is 320"]


# --- the fuzz: any bytes, any damage, only UserListError ---------------------------------------

VALID = {
    path.name: path.read_bytes()
    for path in sorted([*FIXTURES.glob("*.csv"), *FIXTURES.glob("edge/*")])
    if not path.name.startswith("bad-")
}
STRUCTURE = [b'"', b",", b";", b"\t", b"\n", b"\r", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"/"]


def only_user_list_errors(data: bytes, formats: FormatCatalogue) -> None:
    """Reads `data` or raises UserListError whose messages name the file, one line each."""
    try:
        found = parse(data, formats)
    except UserListError as error:
        assert error.problems and error.total >= len(error.problems)
        for problem in error.problems:
            assert problem.startswith("users.csv") and "\n" not in problem, problem
        return
    assert found.accounts
    for account in found.accounts:
        assert account.label == for_output(account.label)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=600))
def test_fuzz_arbitrary_bytes_raise_only_user_list_errors(data: bytes) -> None:
    only_user_list_errors(data, builtin_formats())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(VALID)),
    edits=st.lists(
        st.tuples(
            st.integers(0, 4000),
            st.sampled_from(["insert", "delete", "replace", "structure"]),
            st.binary(min_size=1, max_size=4),
            st.sampled_from(STRUCTURE),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_fuzz_damaged_valid_files_raise_only_user_list_errors(
    name: str, edits: list[tuple[int, str, bytes, bytes]]
) -> None:
    data = bytearray(VALID[name])
    for position, kind, chunk, mark in edits:
        at = position % (len(data) + 1)
        if kind == "insert":
            data[at:at] = chunk
        elif kind == "delete":
            del data[at : at + len(chunk)]
        elif kind == "replace":
            data[at : at + len(chunk)] = chunk
        else:
            data[at:at] = mark
    only_user_list_errors(bytes(data), builtin_formats())


@settings(max_examples=150, deadline=None)
@given(
    cells=st.lists(
        st.tuples(st.text(max_size=30), st.text(max_size=30), st.text(max_size=12)),
        min_size=1,
        max_size=5,
    )
)
def test_fuzz_any_cell_text_in_a_generic_list(cells: list[tuple[str, str, str]]) -> None:
    rows = "".join(
        f'"{email.replace(chr(34), chr(34) * 2)}","{name.replace(chr(34), chr(34) * 2)}",'
        f'"{mfa.replace(chr(34), chr(34) * 2)}",no,2026-12-01,no\n'
        for email, name, mfa in cells
    )
    data = (GENERIC + rows).encode("utf-8", "surrogatepass")
    only_user_list_errors(data, builtin_formats())


def test_the_never_marker_is_one_value(formats: FormatCatalogue) -> None:
    found = read("google-workspace-users.csv", formats)
    assert sum(a.last_sign_in == NEVER for a in found.accounts) == 1
