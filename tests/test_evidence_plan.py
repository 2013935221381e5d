"""The people a user list shows behind a gap: on the fix that closes it, for the owner only."""

from __future__ import annotations

import json
from pathlib import Path

from report_support import make_report
from tui_support import completed_once, reopen_session

from pdpa_check.exports.markdown import render_markdown
from pdpa_check.exports.structured import render_json
from pdpa_check.questionnaires.answers import Verified
from pdpa_check.questionnaires.model import Bank
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.store.evidence import UserListRow

FILE = Verified("staff.csv", "Generic user list", "2026-12-01")

# Shopify's MFA answer is "no" in the fixed report; Google Workspace's is "yes".
LISTS = {
    "shopify": [("no_mfa", "Ah Kow"), ("admin", "Mei Ling"), ("dormant", "Old Intern")],
    "gmail": [("no_mfa", "Nobody Expected")],
}


def test_each_fix_names_the_people_behind_its_own_control_on_systems_with_the_gap(
    bank: Bank, profile: Profile
) -> None:
    plan = make_report(bank, profile, user_lists=LISTS).plan
    mfa = next(e for e in plan.entries if e.id == "enforce-mfa")
    assert [p.text for p in mfa.people] == ["Ah Kow (no MFA)"]  # gmail has no MFA gap
    (item,) = [i for i in mfa.items if i.system_key == "shopify"]
    assert mfa.people_for(item) == mfa.people
    named = {p.name for e in plan.entries for p in e.people}
    assert "Nobody Expected" not in named
    assert all(
        p.gap in ("no_mfa", "admin", "dormant", "never", "shared")
        for e in plan.entries
        for p in e.people
    )


def test_without_user_lists_no_entry_names_anyone(bank: Bank, profile: Profile) -> None:
    assert not any(e.people for e in make_report(bank, profile).plan.entries)


def test_the_owners_exports_name_them_and_redacted_ones_never_do(
    bank: Bank, profile: Profile
) -> None:
    full = make_report(bank, profile, user_lists=LISTS)
    markdown = render_markdown(full)
    assert "**Who to chase:** Shopify: Ah Kow (no MFA)" in markdown
    assert "Ah Kow (no MFA)" in render_markdown(full, full=True)
    data = json.loads(render_json(full))
    people = [p for e in data["plan"] for p in e["people"]]
    assert {"system": "shopify", "gap": "no_mfa", "name": "Ah Kow"} in people
    redacted = make_report(bank, profile, user_lists=LISTS, redacted=True)
    for text in (
        render_markdown(redacted),
        render_markdown(redacted, full=True),
        render_json(redacted),
    ):
        assert "Ah Kow" not in text and "Mei Ling" not in text


def test_a_stored_user_list_reaches_the_owners_plan_but_never_the_vendor_file(
    tmp_path: Path, profile: Profile
) -> None:
    session = completed_once(tmp_path / "e.db", profile)  # every answer the worst: gaps
    org = session.require_org()
    row = session.current()
    assert row is not None
    checklist = (("no_mfa", "Ah Kow"), ("dormant", "Old Intern"))
    listed = UserListRow("shopify", FILE, "2026-12-04T01:00:00+00:00", "1 of 2", checklist)
    session.store.save_user_list(org.id, row.id, listed, [])
    session = reopen_session(tmp_path / "e.db")
    markdown = render_markdown(session.report(redact=False))
    assert "Ah Kow (no MFA)" in markdown
    assert "Old Intern (no recent sign-in)" in markdown  # the org-wide leaver fixes
    assert "Ah Kow" not in render_markdown(session.report(redact=True))
    vendor = session.vendor_file()
    assert "Ah Kow" not in vendor and "Old Intern" not in vendor
