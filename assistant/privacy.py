"""Masking of personal numbers before anything is stored, logged or analysed."""

from __future__ import annotations

import re

# 18-digit resident ID (last char may be X), not part of a longer number
_ID = re.compile(r"(?<![0-9])([1-9][0-9]{5})((?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3})([0-9Xx])(?![0-9])")
# mainland mobile numbers, optionally with +86 and separators
_MOBILE = re.compile(r"(?<![0-9])((?:\+?86[- ]?)?1[3-9][0-9])[- ]?([0-9]{4})[- ]?([0-9]{4})(?![0-9])")


def mask(text: str) -> str:
    """110101199003077777 -> 110101********7777; 13812345678 -> 138****5678."""
    text = _ID.sub(lambda m: m.group(1) + "*" * 8 + m.group(2)[-3:] + m.group(3), text)
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
