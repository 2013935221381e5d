"""The one free-text sanitiser, used at input and again before every output.

It normalises to NFC, refuses lone surrogates, and strips control characters
(except newline and tab), DEL, C1 controls, bidi overrides and zero-width
formatting characters, so that text from a note can never steer a terminal,
reorder a report, or hide words from a reader.
"""

from __future__ import annotations

import re
import unicodedata

NOTE_MAX_CHARS = 4000
NAME_MAX_CHARS = 120

# C0 except \t and \n, DEL, C1, bidi embeddings/overrides/isolates, and
# zero-width characters that can hide text (ZWJ is kept: emoji need it).
_STRIPPED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u200b\u200c\u200e\u200f"
    "\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")


class TextError(ValueError):
    """Free text that cannot be accepted as it is."""


def clean(text: str, *, max_chars: int = NOTE_MAX_CHARS, single_line: bool = False) -> str:
    """Return `text` made safe to store and show, or raise TextError.

    Lone surrogates are refused rather than silently dropped, because they mean
    the text was damaged on its way in. Over-long text is refused with the
    limit in the message, so nothing is cut without the user knowing.
    """
    if _SURROGATE.search(text):
        raise TextError("text contains invalid characters (lone surrogates)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", _STRIPPED.sub("", text))
    if single_line:
        text = " ".join(text.split())
    if len(text) > max_chars:
        raise TextError(f"text is {len(text)} characters long; the limit is {max_chars}")
    return text


def clean_name(text: str) -> str:
    """Sanitise a one-line name (organisation, system, owner)."""
    return clean(text, max_chars=NAME_MAX_CHARS, single_line=True).strip()


def for_output(text: str) -> str:
    """Sanitise text again just before it is written anywhere.

    Output never raises: anything that would be refused at input is dropped.
    """
    text = _SURROGATE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _STRIPPED.sub("", text))


def slug(text: str, *, fallback: str = "organisation") -> str:
    """A lowercase ASCII slug for file names and stable keys."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words)[:60].strip("-") or fallback
