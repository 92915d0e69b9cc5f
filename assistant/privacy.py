"""Masking of personal numbers and addresses before anything is stored, logged or analysed.

What a visitor may type: resident ID numbers (18 digits, also full-width or with spaces), mobile
numbers (with or without +86, spaces, dashes), landlines with an area code, bank card numbers,
e-mail addresses, passport and travel-permit numbers (港澳/台湾通行证, 回乡证), licence plates.
Digits are read in any width; separators inside a number do not hide it. Output forms:
110101********7777, 138****5678, 010-****5678, 6222********1234, z***@example.com, E******78, 京A***45."""

from __future__ import annotations

import re
from typing import Any

# full-width digits and letters (and the ideographic space) read as their ASCII forms
_WIDE = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)},
                       **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
                       **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
                       "\u3000": " ", "\uff0b": "+", "\uff0d": "-", "\u2014": "-", "\u2013": "-"})  # fmt: skip

# a run of digits with at most one separator (space, dash, dot) between two digits; an ID may end in X
_RUN = re.compile(r"(?<![0-9])(\+?)([0-9](?:[ \-.]?[0-9])*(?:[ \-]?[Xx](?![A-Za-z]))?)(?![0-9])")
_ID = re.compile(r"^[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]$")
_OLD_ID = re.compile(r"^[1-9][0-9]{5}[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}$")  # 15-digit, before 1999
_MOBILE = re.compile(r"^(86)?(1[3-9][0-9])([0-9]{4})([0-9]{4})$")
_LANDLINE = re.compile(r"^(0(?:[12][0-9]|[3-9][0-9]{2}))([0-9]{7,8})$")
_EMAIL = re.compile(r"(?<![\w.+-])([\w.+-])[\w.+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)", re.ASCII)
# passports (E/G/D/S/P + 7-8 digits, EA1234567), 港澳通行证 (C + 8 digits, CA1234567),
# 台湾通行证 (T/L + 8 digits), 回乡证 (H/M + 8 or 10 digits): one or two letters and 7-10 digits
_DOCUMENT = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,2})[ ]?([0-9]{7,10})(?![A-Za-z0-9])")
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE = re.compile(rf"([{_PROVINCES}][A-Za-z])[ ·•.\-]?(?=[A-Za-z]*[0-9])([A-Za-z0-9]{{4,5}}[A-Za-z0-9挂学警港澳])(?![A-Za-z0-9])")
# a local landline without area code is only a phone number when the words around say so
_PHONE_WORDS = re.compile(r"(电话|座机|固话|手机|联系|号码|tel|phone|call)[^0-9]{0,6}$", re.IGNORECASE)


_public: set[str] = set()


def set_public_numbers(numbers: Any) -> None:
    """The hall's own phone numbers (from the guides) stay readable wherever they appear."""
    _public.clear()
    _public.update(d for d in (_digits(str(n)) for n in numbers) if d)


def _digits(text: str) -> str:
    return re.sub(r"[^0-9Xx]", "", text)


def _number(m: re.Match[str]) -> str:
    plus, raw = m.group(1), m.group(2)
    digits = _digits(raw)
    if digits in _public:
        return m.group(0)
    if _ID.match(digits):
        return digits[:6] + "*" * 8 + digits[-4:]
    mobile = _MOBILE.match(digits)
    if mobile:
        # keep the visitor's +86 prefix as written (with its separator), as the old form did
        prefix = ""
        if mobile.group(1):
            cut = re.match(r"86[ \-.]?", raw)
            prefix = plus + (cut.group(0) if cut else "86")
        return f"{prefix}{mobile.group(2)}****{mobile.group(4)}"
    landline = _LANDLINE.match(digits)
    if landline:
        return f"{landline.group(1)}-****{digits[-4:]}"
    if _OLD_ID.match(digits):
        return digits[:6] + "*" * 6 + digits[-3:]
    if 7 <= len(digits) <= 8 and _PHONE_WORDS.search(m.string[max(0, m.start() - 12) : m.start()]):
        return "****" + digits[-4:]
    if len(digits) >= 14:  # bank cards (16-19), and any other long number: it identifies someone
        return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]
    return m.group(0)


def mask(text: str) -> str:
    """110101199003077777 -> 110101********7777; 13812345678 -> 138****5678; and the kinds above."""
    if not text:
        return text
    text = text.translate(_WIDE)
    text = _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    text = _PLATE.sub(lambda m: m.group(1) + "*" * (len(m.group(2)) - 2) + m.group(2)[-2:], text)
    text = _DOCUMENT.sub(lambda m: m.group(1) + "*" * (len(m.group(2)) - 2) + m.group(2)[-2:], text)
    return _RUN.sub(_number, text)


def mask_data(value: Any) -> Any:
    """mask() over every string inside a JSON-like value (traces hold the visitor's words too)."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {k: mask_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_data(v) for v in value]
    return value
