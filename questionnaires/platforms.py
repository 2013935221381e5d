"""The platform catalogue: what each platform a shop uses offers for the plan's main controls.

`platforms.toml` beside the banks lists platforms (Shopify, Klaviyo, ...) with the
names owners type for them, their kind of system, and, per control (MFA, named
accounts, permissions, audit log, removing a user, connected apps), whether an
admin can do it for everyone and where the setting is. Every fact names the
vendor help page it comes from and the day it was checked; a control with no
fact is unknown, and the plan's generic steps speak for it.

A system is matched to a platform by its name (`Catalogue.find`), so existing
databases gain the platform steps without a change by the owner.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pdpa_check.questionnaires.cache import cached
from pdpa_check.questionnaires.loader import describe_location, read_model
from pdpa_check.questionnaires.model import Id
from pdpa_check.questionnaires.profile import SystemKind

# The controls the catalogue has per-platform steps for, with their plain names.
Control = Literal[
    "mfa", "named_accounts", "permissions", "audit_log", "remove_user", "connected_apps"
]
CONTROLS: dict[Control, str] = {
    "mfa": "MFA",
    "named_accounts": "Named accounts",
    "permissions": "Permissions and export rights",
    "audit_log": "Activity or audit log",
    "remove_user": "Removing a user",
    "connected_apps": "Connected apps",
}

# What the platform lets an admin do about a control, for everyone in the account.
Can = Literal["yes", "partly", "no"]


class _Strict(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class Fact(_Strict):
    """What one platform offers for one control, with the vendor page it comes from."""

    can: Can
    text: str = Field(min_length=20, max_length=600)
    source: str = Field(min_length=3, max_length=200)
    # Plain URL characters only, so every output can show it as a link unescaped.
    url: str = Field(pattern=r"^https://[A-Za-z0-9._~/?#=&%+:@-]+$", max_length=300)
    checked: dt.date


class Platform(_Strict):
    """One platform: its names, its kind of system, and the facts checked for it."""

    id: Id
    name: str = Field(min_length=2, max_length=60)
    aliases: tuple[str, ...] = ()
    kind: SystemKind
    mfa: Fact | None = None
    named_accounts: Fact | None = None
    permissions: Fact | None = None
    audit_log: Fact | None = None
    remove_user: Fact | None = None
    connected_apps: Fact | None = None

    def fact(self, control: Control) -> Fact | None:
        fact: Fact | None = getattr(self, control)
        return fact

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class ActionSteps(_Strict):
    """Which control's platform steps a bank action's entry shows, and for which systems.

    `kinds` limits a business-wide entry to the kinds of system the fix is about
    (empty: every system); an entry with a gap per system lists those systems.
    """

    control: Control
    kinds: tuple[SystemKind, ...] = ()


class Catalogue(_Strict):
    """Every platform the plan has steps for, and which plan actions show which control.

    `actions` maps bank action ids to the control whose platform steps their plan
    entries show (a bank of your own reuses these ids, or adds its own here), so an
    assessment answered with an older bank gets them too.
    """

    schema_version: Literal[1] = 1
    actions: dict[Id, ActionSteps]
    platforms: tuple[Platform, ...] = Field(min_length=1)

    def control_for(self, action_id: str) -> Control | None:
        """The control whose platform steps the action's entry shows, if any."""
        steps = self.actions.get(action_id)
        return steps.control if steps else None

    @model_validator(mode="after")
    def _names_are_unique(self) -> Catalogue:
        ids = [platform.id for platform in self.platforms]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"platform ids used twice: {', '.join(twice)}")
        owners: dict[str, str] = {}
        for platform in self.platforms:
            for name in platform.names:
                key = normalised(name)
                if not key:
                    raise ValueError(f"platform {platform.id}: the name {name!r} has no letters")
                other = owners.setdefault(key, platform.id)
                if other != platform.id or platform.names.count(name) > 1:
                    raise ValueError(
                        f"the name {name!r} is given twice ({other} and {platform.id})"
                    )
        return self

    def find(self, system_name: str) -> Platform | None:
        """The platform a system's name names, or None.

        Whole words match ("Shopify store" is Shopify); the longest name wins, so
        "Google Ads" is not Google Workspace's "Google".
        """
        words = f" {normalised(system_name)} "
        best: tuple[int, Platform] | None = None
        for key, platform in self._names:
            if f" {key} " in words and (best is None or len(key) > best[0]):
                best = (len(key), platform)
        return best[1] if best else None

    @cached_property
    def _names(self) -> tuple[tuple[str, Platform], ...]:
        """Every name and alias, normalised once, with its platform."""
        return tuple((normalised(n), p) for p in self.platforms for n in p.names)


def normalised(name: str) -> str:
    """Lower case words of letters and digits: "Shopee Seller-Centre" -> "shopee seller centre"."""
    return " ".join(re.findall(r"[a-z0-9]+", name.casefold()))


# What a system with no checked steps for a control shows.
GENERIC = "No platform steps on file here: follow the steps above."


@dataclass(frozen=True)
class SystemSteps:
    """One system's steps for one control: the platform's, or the generic ones."""

    system: str  # the owner's name for the system
    control: Control
    platform: Platform | None
    fact: Fact | None

    @property
    def text(self) -> str:
        if self.fact is not None:
            return self.fact.text
        return GENERIC

    @property
    def source(self) -> str | None:
        """Where the steps come from: `Shopify help, "Page title", checked 2026-12-04`.

        The page's address is `fact.url`; every output shows it beside this.
        """
        if self.fact is None or self.platform is None:
            return None
        return (
            f'{self.platform.name} help, "{self.fact.source}",'
            f" checked {self.fact.checked.isoformat()}"
        )

    @property
    def plain(self) -> str:
        """One line for plain-text outputs: the system, its steps, and their source."""
        line = f"{self.system}: {self.text}"
        if self.source and self.fact:
            line += f" (Source: {self.source}: {self.fact.url})"
        return line


def steps_for(
    catalogue: Catalogue, control: Control, system_names: tuple[str, ...], *, known_only: bool
) -> tuple[SystemSteps, ...]:
    """Each named system's steps for `control`; `known_only` drops systems with no fact."""
    steps = []
    for name in system_names:
        platform = catalogue.find(name)
        fact = platform.fact(control) if platform else None
        if fact is not None or not known_only:
            steps.append(SystemSteps(name, control, platform, fact))
    return tuple(steps)


def steps_for_action(catalogue: Catalogue, action_id: str, system_name: str) -> SystemSteps | None:
    """The system's own checked steps for the action's control, if the catalogue has them.

    What the question help shows while answering a per-system question.
    """
    control = catalogue.control_for(action_id)
    return own_steps(catalogue, control, system_name) if control else None


def own_steps(catalogue: Catalogue, control: Control, system_name: str) -> SystemSteps | None:
    """The system's platform's checked steps for `control`, or None when none are on file."""
    found = steps_for(catalogue, control, (system_name,), known_only=True)
    return found[0] if found else None


def catalogue_path() -> Path:
    """The catalogue shipped inside the package."""
    return Path(str(resources.files("pdpa_check.questionnaires") / "platforms.toml"))


def read_catalogue(data: bytes, source: str) -> Catalogue:
    """A catalogue from TOML bytes; BankError names `source` and the place."""
    return read_model(Catalogue, data, source, describe_location)


@cache
def builtin_catalogue() -> Catalogue:
    """The shipped catalogue (from the bank cache when validated before); a broken one is a
    packaging bug, so it raises."""
    path = catalogue_path()
    data = path.read_bytes()
    return cached(data, lambda: read_catalogue(data, str(path)))  # validated once, like banks
