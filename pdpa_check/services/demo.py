"""The demo organisation: a realistic shop with two quarters of history.

Built in its own throwaway database so a newcomer sees a score, a plan and
history at once without touching their own data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

from pdpa_check.kit.contacts import Contact
from pdpa_check.questionnaires.answers import Answer
from pdpa_check.questionnaires.model import Bank
from pdpa_check.questionnaires.profile import Profile, System
from pdpa_check.questionnaires.user_list_formats import builtin_formats
from pdpa_check.questionnaires.user_lists import parse_user_list, propose_answers
from pdpa_check.services.user_lists import UserListPreview, proposed_answers
from pdpa_check.services.workspace import assess, default_bank, start_assessment
from pdpa_check.store.db import create_database
from pdpa_check.store.repo import Store

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

# Answers two quarters ago: (question, system) -> (value, note). An empty value is not stored:
# it stands for a question not asked then (inc-exercise needs a plan) or a text left blank.
EARLIER: dict[tuple[str, str], tuple[str, str]] = {
    # Responsibility and data map
    ("gov-dpo", ""): ("no", ""),
    ("gov-data-inventory", ""): ("no", ""),
    ("inv-devices-and-software", ""): ("no", ""),
    # AI and personalisation
    ("ai-in-use", ""): ("yes", ""),
    ("ai-vendor-terms", ""): ("unknown", "Signed up through the Shopify app store"),
    ("ai-data-minimised", ""): ("unknown", "Not sure which customer fields Rebuy reads"),
    ("ai-permissions", ""): ("no", "Accepted full store access at install"),
    ("ai-retention-training", ""): ("unknown", ""),
    ("ai-logging", ""): ("unknown", ""),
    ("ai-customer-notice", ""): ("no", ""),
    # Logins and passwords
    ("acc-mfa", "google-workspace"): ("yes", ""),
    ("acc-mfa", "shopify"): ("partly", "Owner account only"),
    ("acc-mfa", "hubspot"): ("no", ""),
    ("acc-mfa", "klaviyo"): ("no", ""),
    ("acc-mfa", "meta-business"): ("no", "Agency manages the ad account"),
    ("acc-mfa", "stripe"): ("yes", ""),
    ("acc-mfa-domain", ""): ("unknown", "Domain registered by our first web developer"),
    ("acc-remote-access-mfa", ""): ("na", "No VPN or remote desktop: everything is in the cloud"),
    ("acc-password-manager", ""): ("no", ""),
    ("acc-default-passwords", ""): ("partly", "Office router still on the ISP's password"),
    ("acc-lockout", ""): ("unknown", ""),
    ("acc-separate-admin", ""): ("no", ""),
    ("acc-compromise-reset", ""): ("partly", ""),
    # Shared logins
    ("acc-shared-logins", "google-workspace"): ("yes", ""),
    ("acc-shared-logins", "shopify"): ("no", "Packing team shares one staff login"),
    ("acc-shared-logins", "hubspot"): ("yes", ""),
    ("acc-shared-logins", "klaviyo"): ("no", ""),
    ("acc-shared-logins", "meta-business"): ("partly", ""),
    ("acc-shared-logins", "stripe"): ("yes", ""),
    ("shr-shared-mailbox", ""): ("no", "orders@ has its own password, on a sticky note"),
    ("shr-agency-own-accounts", ""): ("no", "Ad agency signs in as the founder"),
    ("shr-business-owned", ""): ("partly", "Ad account hangs off the founder's Facebook"),
    # Joiners and leavers
    ("lvr-joiner-approval", ""): ("no", ""),
    ("lvr-role-change", ""): ("no", ""),
    ("lvr-checklist", ""): ("no", ""),
    ("lvr-days-to-remove", ""): ("14", "Depends on when someone remembers"),
    ("lvr-outside-access", ""): ("no", ""),
    ("lvr-rotate-shared", ""): ("no", ""),
    ("lvr-no-lingering", ""): ("unknown", "Nobody has checked the user lists"),
    # Access to customer data
    ("access-least-privilege", ""): ("partly", ""),
    ("access-intern-rights", ""): ("no", "Interns get the marketing role, with export"),
    ("access-export-rights", ""): ("no", "Everyone in marketing can export the full list"),
    ("sch-payroll-access", ""): ("partly", "Payslip spreadsheet in a shared Drive folder"),
    ("access-tool-permissions", ""): ("unknown", ""),
    ("access-export-files", ""): ("unknown", ""),
    ("access-share-links", ""): ("partly", ""),
    ("sto-public-check", ""): ("no", ""),
    ("msg-bulk-email-tool", ""): ("partly", "Restock notices sometimes sent from Gmail"),
    ("msg-merge-test", ""): ("no", ""),
    ("enc-files-to-vendors", ""): ("no", "Courier list emailed as a spreadsheet every day"),
    ("access-connected-apps", ""): ("unknown", ""),
    # Logs and alerts
    ("mon-logs-on", "google-workspace"): ("yes", ""),
    ("mon-logs-on", "shopify"): ("partly", "Staff login history only"),
    ("mon-logs-on", "hubspot"): ("unknown", ""),
    ("mon-audit-logs", ""): ("no", ""),
    ("mon-alerts", ""): ("unknown", ""),
    ("mon-alert-new-admin", ""): ("no", ""),
    ("mon-access-records", ""): ("no", ""),
    # Updates, devices and website
    ("pat-platform-updates", ""): ("partly", "Shopify updates itself; theme never updated"),
    ("pat-end-of-support", ""): ("unknown", ""),
    ("pat-api-keys", ""): ("unknown", ""),
    ("pat-devices-updated", ""): ("partly", ""),
    ("pat-network-devices", ""): ("unknown", "Office router from the ISP"),
    ("pat-antimalware", ""): ("yes", ""),
    ("dev-no-local-admin", ""): ("no", ""),
    ("pat-device-lock", ""): ("partly", "Laptops locked, not encrypted"),
    ("mail-domain-auth", ""): ("unknown", ""),
    # Backups
    ("bkp-method", ""): ("manual", ""),
    ("bkp-restore-tested", ""): ("no", ""),
    ("bkp-protected", ""): ("no", "CSV copies on the shared drive"),
    # Collecting only what you need
    ("min-nric", ""): ("last-digits", "Last 3 digits and letter for lucky draws"),
    ("sch-no-card-numbers", ""): ("keyed-not-kept", "Phone orders keyed into Stripe"),
    ("min-unused-fields", ""): ("no", "Birthday field kept since launch"),
    ("min-optional-fields", ""): ("partly", ""),
    # Keeping and deleting data
    ("ret-schedule", ""): ("no", ""),
    ("ret-periods", ""): ("", ""),
    ("ret-deletion-done", ""): ("no", ""),
    ("cpy-old-system-cleared", ""): ("unknown", "Moved from WooCommerce in 2022; old hosting?"),
    ("ret-vendor-copies", ""): ("unknown", ""),
    ("sch-refund-bank-details", ""): ("no", "Refund bank details stay in WhatsApp chats"),
    ("ret-disposal", ""): ("partly", ""),
    # Vendors and overseas storage
    ("ven-contracts", ""): ("partly", "Platform terms only; none with the courier"),
    ("ven-overseas", ""): ("unknown", ""),
    ("ven-security-check", ""): ("no", ""),
    ("ven-it-duties", ""): ("informal", "Freelance IT support, nothing written"),
    # Policies, training and the DPO's contact
    ("gov-policy", ""): ("no", ""),
    ("gov-training", ""): ("no", ""),
    ("gov-dpo-contact", ""): ("", ""),
    # First 24 hours of an incident
    ("inc-plan", ""): ("no", ""),
    ("inc-lead-names", ""): ("", ""),
    ("inc-freeze", ""): ("no", ""),
    ("inc-evidence", ""): ("no", ""),
    ("inc-contacts", ""): ("partly", ""),
    ("inc-insurance", ""): ("unknown", "Not sure whether our business policy covers cyber"),
    ("inc-staff-report", ""): ("partly", ""),
    ("phish-first-steps", ""): ("no", ""),
    ("inc-exercise", ""): ("", ""),
    # Telling PDPC and customers
    ("inc-notify-rule", ""): ("no", ""),
    ("ntf-assess", ""): ("no", ""),
    ("ntf-customer-list", ""): ("partly", "Could pull a list from Klaviyo"),
    ("ntf-comms-approver", ""): ("no", ""),
    ("ntf-statement-template", ""): ("no", ""),
    # Privacy notice and customer requests
    ("tr-privacy-notice", ""): ("partly", "Shopify's template, never edited"),
    ("tr-notice-content", ""): ("no", ""),
    ("tr-collection-notice", ""): ("partly", ""),
    ("tr-faq", ""): ("no", ""),
    ("tr-requests", ""): ("no", ""),
    ("mkt-email-consent", ""): ("yes", "Sign-up form and checkout tick box only"),
    ("mkt-withdrawal-honoured", ""): ("partly", "Unsubscribes not removed from Meta audiences"),
    ("tr-dnc", ""): ("no", "Klaviyo SMS campaigns sent without a DNC check"),
}

# What changed by last quarter.
LATER_CHANGES: dict[tuple[str, str], tuple[str, str]] = {
    ("gov-dpo", ""): ("yes", "Mei Ling (operations) appointed; contact on the website"),
    ("gov-dpo-contact", ""): ("dpo@kampong-threads.example", ""),
    ("gov-data-inventory", ""): ("partly", "Systems listed; vendors' countries still to add"),
    ("ai-permissions", ""): ("partly", "Rebuy reconnected with fewer scopes"),
    ("acc-mfa", "shopify"): ("yes", "Enforced for all staff accounts"),
    ("acc-mfa", "hubspot"): ("yes", ""),
    ("acc-mfa-domain", ""): ("yes", "Domain moved to our own registrar account, MFA on"),
    ("acc-password-manager", ""): ("partly", "Bitwarden for the owners; staff next"),
    ("acc-default-passwords", ""): ("yes", ""),
    ("shr-shared-mailbox", ""): ("yes", "orders@ is now a Google group"),
    ("lvr-checklist", ""): ("partly", "Checklist written; used once so far"),
    ("lvr-days-to-remove", ""): ("3", "Offboarding checklist started"),
    ("lvr-no-lingering", ""): ("yes", "Checked every user list; removed two ex-interns"),
    ("access-intern-rights", ""): ("yes", "Interns moved to a fulfilment-only role"),
    ("access-export-files", ""): ("no", "Old CSV exports found in the shared drive"),
    ("msg-bulk-email-tool", ""): ("yes", "Every customer email now goes out from Klaviyo"),
    ("msg-merge-test", ""): ("yes", "Test sends to ourselves before every campaign"),
    ("sto-public-check", ""): ("yes", "Drive sharing and the old site's folders checked in June"),
    ("enc-files-to-vendors", ""): ("yes", "Courier list now uploaded to the courier's portal"),
    ("sch-payroll-access", ""): ("yes", "Payslip sheet moved to a folder only payroll can open"),
    ("mon-logs-on", "hubspot"): ("yes", ""),
    ("mon-alerts", ""): ("partly", "Google Workspace alerts on; Shopify and HubSpot not yet"),
    ("mon-alert-new-admin", ""): ("yes", "Google Workspace Alert Center"),
    ("pat-end-of-support", ""): ("yes", "Vendor confirmed everything is supported"),
    ("pat-devices-updated", ""): ("yes", ""),
    ("mail-domain-auth", ""): ("partly", "SPF and DKIM set up; DMARC next"),
    ("pat-network-devices", ""): ("yes", "ISP router swapped for one that updates itself"),
    ("bkp-method", ""): ("automatic", "Rewind backups for Shopify"),
    ("min-unused-fields", ""): ("yes", "Birthday field removed from sign-up"),
    ("cpy-old-system-cleared", ""): ("yes", "Old WooCommerce hosting closed, its data deleted"),
    ("sch-refund-bank-details", ""): ("yes", "Refunds now go back through Stripe"),
    ("mkt-withdrawal-honoured", ""): ("yes", "Meta audience re-uploaded without unsubscribes"),
    ("gov-training", ""): ("partly", "Phishing briefing for the packing team"),
    ("inc-plan", ""): ("partly", "Draft plan; deputy not named yet"),
    ("inc-lead-names", ""): ("Mei Ling; deputy not named yet", ""),
    ("inc-contacts", ""): ("yes", ""),
    ("inc-insurance", ""): ("partly", "Broker confirmed cyber cover; notice period not checked"),
    ("inc-exercise", ""): ("no", ""),
    ("inc-notify-rule", ""): ("yes", ""),
    ("ntf-comms-approver", ""): ("yes", "Hafiz (founder) approves every statement"),
    ("tr-privacy-notice", ""): ("yes", "Rewritten in plain English"),
    ("tr-notice-content", ""): ("partly", "Overseas storage not mentioned yet"),
}

# Last quarter the owner downloaded Google Workspace's user list and checked the answers
# against it: one new hire had not set up 2-Step Verification, so "MFA: yes" became
# "partly" with her name on the plan's checklist. Signed in: days before the download.
USER_LIST_NAME = "kampong-threads-google-users.csv"
USER_LIST_PEOPLE = (
    ("Hafiz", "Rahman", "hafiz", True, 1),
    ("Mei Ling", "Tan", "meiling", True, 1),
    ("Farah", "Aziz", "farah", True, 2),
    ("Arjun", "Pillai", "arjun", True, 3),
    ("Siew Lan", "Goh", "siewlan", True, 2),
    ("Nurul", "Huda", "nurul", False, 4),
)


def demo_user_list(downloaded: dt.datetime) -> bytes:
    """The Google Workspace user list of the demo shop, as the Admin console writes it."""
    header = (
        "First Name [Required],Last Name [Required],Email Address [Required],Status [READ ONLY],"
        "Last Sign In [READ ONLY],2sv Enrolled [READ ONLY],2sv Enforced [READ ONLY]"
    )
    lines = [header]
    for first, last, mailbox, enrolled, days_ago in USER_LIST_PEOPLE:
        signed_in = (downloaded - dt.timedelta(days=days_ago)).strftime("%Y/%m/%d %H:%M:%S")
        email = f"{mailbox}@kampong-threads.example"
        lines.append(f"{first},{last},{email},Active,{signed_in},{enrolled},False")
    return ("\n".join(lines) + "\n").encode()


# The breach kit's contacts today. The deputy was named after last quarter's assessment (which
# says "deputy not named yet"); the founder approves statements (ntf-comms-approver) but is not
# recorded in the kit yet, so the kit and the next assessment show that role as missing.
DEMO_CONTACTS: tuple[Contact, ...] = (
    Contact(
        role="incident_lead", name="Mei Ling (operations)", reach="meiling@kampong-threads.example"
    ),
    Contact(
        role="deputy", name="Farah (customer service lead)", reach="farah@kampong-threads.example"
    ),
    Contact(role="dpo", name="Mei Ling (operations)", reach="dpo@kampong-threads.example"),
)


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
            answered = (started + dt.timedelta(days=1)).isoformat()  # within the assessment
            store.replace_answers(assessment_id, rows, stamp=answered)
            if answers is later:
                _check_user_list(store, bank, assessment_id, rows, started, stamp=answered)
            row = store.assessment(org_id, assessment_id)
            assessed = assess(store, store.organisations()[0], row, user_banks)
            result, completed = assessed.result, started + dt.timedelta(days=6)
            store.complete_assessment(
                assessment_id,
                result.score,
                result.band.id,
                completed_at=completed.isoformat(),
                areas=result.domains,
                plan=assessed.plan,
            )
        for contact in DEMO_CONTACTS:
            store.set_contact(org_id, contact)
    finally:
        store.close()


def _check_user_list(
    store: Store,
    bank: Bank,
    assessment_id: int,
    rows: list[Answer],
    downloaded: dt.datetime,
    *,
    stamp: str,
) -> None:
    """Check the answers against the demo's user list as `evidence import` does."""
    found = parse_user_list(
        demo_user_list(downloaded), USER_LIST_NAME, builtin_formats(), today=downloaded.date()
    )
    stored = {answer.key: answer for answer in rows}
    proposals = propose_answers(found, bank, "google-workspace")
    system = DEMO_PROFILE.systems[0]
    org = store.organisations()[0]
    preview = UserListPreview(
        org, system, found, proposed_answers(proposals, bank, stored, {}), None
    )
    checked = preview.to_save({})
    row = preview.row(downloaded.isoformat())
    store.save_user_list(org.id, assessment_id, row, checked, stamp=stamp)
