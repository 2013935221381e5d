"""The demo organisation: a realistic shop with two quarters of history.

Built in its own throwaway database so a newcomer sees a score, a plan and
history at once without touching their own data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

from pdpa_check.questionnaires.answers import Answer
from pdpa_check.questionnaires.profile import Profile, System
from pdpa_check.scoring import evaluate
from pdpa_check.store import Store, create_database
from pdpa_check.workspace import default_bank, start_assessment

DEMO_PROFILE = Profile(
    name="Kampong Threads Pte Ltd",
    staff_count=14,
    sector="ecommerce",
    systems=(
        System(key="google-workspace", kind="email_suite", name="Google Workspace"),
        System(key="shopify", kind="storefront", name="Shopify"),
        System(key="hubspot", kind="crm", name="HubSpot CRM"),
        System(key="klaviyo", kind="email_marketing", name="Klaviyo"),
        System(key="meta-business", kind="ads", name="Meta Business"),
        System(key="stripe", kind="payments", name="Stripe"),
        System(key="rebuy", kind="ai", name="Rebuy product recommendations"),
    ),
)

# Answers two quarters ago: (question, system) -> (value, note).
EARLIER: dict[tuple[str, str], tuple[str, str]] = {
    ("gov-dpo", ""): ("no", ""),
    ("gov-data-inventory", ""): ("no", ""),
    ("ai-in-use", ""): ("yes", ""),
    ("ai-vendor-terms", ""): ("unknown", "Signed up through the Shopify app store"),
    ("acc-mfa", "google-workspace"): ("yes", ""),
    ("acc-mfa", "shopify"): ("partly", "Owner account only"),
    ("acc-mfa", "hubspot"): ("no", ""),
    ("acc-mfa", "klaviyo"): ("no", ""),
    ("acc-mfa", "meta-business"): ("no", "Agency manages the ad account"),
    ("acc-mfa", "stripe"): ("yes", ""),
    ("acc-shared-logins", "google-workspace"): ("yes", ""),
    ("acc-shared-logins", "shopify"): ("no", "Packing team shares one staff login"),
    ("acc-shared-logins", "hubspot"): ("yes", ""),
    ("acc-shared-logins", "klaviyo"): ("no", ""),
    ("acc-shared-logins", "meta-business"): ("partly", ""),
    ("acc-shared-logins", "stripe"): ("yes", ""),
    ("acc-password-manager", ""): ("no", ""),
    ("lvr-days-to-remove", ""): ("14", "Depends on when someone remembers"),
    ("lvr-outside-access", ""): ("no", ""),
    ("access-least-privilege", ""): ("partly", ""),
    ("access-export-rights", ""): ("no", "Everyone in marketing can export the full list"),
    ("access-export-files", ""): ("unknown", ""),
    ("access-connected-apps", ""): ("unknown", ""),
    ("mon-audit-logs", ""): ("no", ""),
    ("mon-alerts", ""): ("unknown", ""),
    ("bkp-method", ""): ("manual", ""),
    ("bkp-restore-tested", ""): ("no", ""),
    ("inc-plan", ""): ("no", ""),
    ("inc-lead-names", ""): ("", ""),
    ("inc-notify-rule", ""): ("no", ""),
}

# What changed by last quarter.
LATER_CHANGES: dict[tuple[str, str], tuple[str, str]] = {
    ("gov-dpo", ""): ("yes", "Mei Ling (operations) appointed; contact on the website"),
    ("acc-mfa", "shopify"): ("yes", "Enforced for all staff accounts"),
    ("acc-mfa", "hubspot"): ("yes", ""),
    ("acc-password-manager", ""): ("partly", "Bitwarden for the owners; staff next"),
    ("lvr-days-to-remove", ""): ("3", "Offboarding checklist started"),
    ("access-export-files", ""): ("no", "Old CSV exports found in the shared drive"),
    ("bkp-method", ""): ("automatic", "Rewind backups for Shopify"),
    ("inc-plan", ""): ("partly", "Draft plan, incident lead not named yet"),
    ("inc-lead-names", ""): ("Mei Ling; deputy not named yet", ""),
    ("inc-notify-rule", ""): ("yes", ""),
}


def build_demo(
    path: Path,
    user_banks: Path | None,
    *,
    replace: bool = False,
    now: dt.datetime | None = None,
) -> None:
    """Create the demo database at `path` (replacing an old demo when asked).

    Its history is dated relative to `now` (default: the current time).
    """
    if replace:
        for leftover in (
            path,
            path.with_name(path.name + "-wal"),
            path.with_name(path.name + "-shm"),
        ):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    bank = default_bank(user_banks)
    store = Store(create_database(path), path)
    try:
        org_id = store.create_organisation(DEMO_PROFILE)
        today = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
        later = {**EARLIER, **LATER_CHANGES}
        for answers, started_days_ago in ((EARLIER, 190), (later, 98)):
            started = today - dt.timedelta(days=started_days_ago)
            assessment_id = start_assessment(
                store, org_id, user_banks, started_at=started.isoformat()
            )
            rows = [
                Answer(question_id=q, system_key=s, value=value, note=note)
                for (q, s), (value, note) in answers.items()
                if value
            ]
            store.replace_answers(assessment_id, rows)
            result = evaluate(bank, DEMO_PROFILE, {a.key: a for a in rows})
            completed = started + dt.timedelta(days=6)
            store.complete_assessment(
                assessment_id, result.score, result.band.id, completed_at=completed.isoformat()
            )
    finally:
        store.close()
