"""The one free-text sanitiser, used at input and again before every output.

It normalises to NFC, refuses lone surrogates, and strips control characters
(except newline and tab), DEL, C1 controls, every Unicode format character
(category Cf: bidi controls, zero-width characters, tag characters, the soft
hyphen...) except the zero-width joiner emoji need, and the Hangul fillers and
combining grapheme joiner, so that text from a note can never steer a terminal,
reorder a report, or hide words from a reader.
"""

from __future__ import annotations

import re
import unicodedata

NOTE_MAX_CHARS = 4000
NAME_MAX_CHARS = 120

# Every code point in Unicode's format category (Cf), as inclusive ranges. These
# are invisible by design (tag characters can carry a whole hidden message), so
# none may reach a stored name, a note or a report. Precomputed because scanning
# all of Unicode at import is slow; tests/test_honest_output.py re-derives the
# list from `unicodedata` and fails when a Python upgrade adds one. The last
# Egyptian range (U+13439-U+1343F) became Cf in Unicode 15, ahead of Python 3.11.
CF_RANGES: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x0600, 0x0605),  # Arabic number signs
    (0x061C, 0x061C),  # Arabic letter mark
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),  # Mongolian vowel separator
    (0x200B, 0x200F),  # zero-width space/non-joiner/joiner, LRM, RLM
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2060, 0x2064),  # word joiner, invisible operators
    (0x2066, 0x206F),  # bidi isolates, deprecated format characters
    (0xFEFF, 0xFEFF),  # byte-order mark / zero-width no-break space
    (0xFFF9, 0xFFFB),  # interlinear annotation
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),  # Egyptian hieroglyph format controls
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D173, 0x1D17A),  # musical symbol format controls
    (0xE0001, 0xE0001),  # language tag
    (0xE0020, 0xE007F),  # tag characters
)
KEPT_FORMAT = "\u200d"  # zero-width joiner: emoji sequences (👩\u200d💻) need it
# Not Cf, but shown as nothing and usable to hide or spoof text: the Hangul
# fillers (a "blank" name) and the combining grapheme joiner.
INVISIBLE_OTHER = "\u034f\u115f\u1160\u3164\uffa0"


def _char_class() -> str:
    """The regex class of everything stripped: C0 but \\t and \\n, DEL, C1, Cf but ZWJ, fillers."""
    parts = ["\x00-\x08\x0b-\x1f\x7f-\x9f", re.escape(INVISIBLE_OTHER)]
    for first, last in CF_RANGES:
        if first <= ord(KEPT_FORMAT) <= last:
            parts.append(_span(first, ord(KEPT_FORMAT) - 1))
            parts.append(_span(ord(KEPT_FORMAT) + 1, last))
        else:
            parts.append(_span(first, last))
    return "[" + "".join(parts) + "]"


def _span(first: int, last: int) -> str:
    """One range of a regex class, or nothing when it is empty."""
    if first > last:
        return ""
    return (
        re.escape(chr(first))
        if first == last
        else f"{re.escape(chr(first))}-{re.escape(chr(last))}"
    )


_STRIPPED = re.compile(_char_class())
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
