"""Input hygiene: text that every store, log and export can hold.

PostgreSQL refuses NUL in text, XML (xlsx) refuses most C0 controls, and lone surrogates cannot be
encoded as UTF-8; none of them carries meaning in a visitor's question, so they are removed once at
the way in (request schemas) and again before anything is stored or exported."""

from __future__ import annotations

import re

# C0 and C1 controls except tab and newline, lone surrogates, and the two non-characters U+FFFE/FFFF
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Remove control characters other than newline and tab (a CR before LF becomes a plain newline)."""
    if not isinstance(text, str):
        return text
    return _UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def clean_cell(value: object) -> object:
    """A value safe for a spreadsheet cell: strings cleaned, and a leading =, +, - or @ quoted so
    that a stored question is never run as a formula when the export is opened."""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
