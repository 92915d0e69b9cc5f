"""Line breaking for Chinese (and mixed) text by width.

Kivy breaks lines at spaces, so "入口 https://… 也可用…" leaves ragged lines and a run of Chinese
after a space jumps whole to the next line. ``wrap`` breaks between any two CJK characters, keeps
Latin words and numbers together (splitting them only when longer than a line), and lets closing
punctuation hang at the end of a line rather than start the next one (避头点).
"""

from __future__ import annotations

import re
from typing import Callable

Measure = Callable[[str], float]

_TOKEN = re.compile(r"[A-Za-z0-9_.:/@%#&=?+\-]+| +|.", re.S)
NO_LINE_START = set("，。、；：？！）》」』】〕〉”’,.;:?!)]}%…·")
NO_LINE_END = set("（《「『【〔〈“‘([{")


def _tokens(text: str, width: float, measure: Measure) -> list[str]:
    out: list[str] = []
    for token in _TOKEN.findall(text):
        out.extend(token if len(token) > 1 and measure(token) > width else [token])  # too long: by character
    return out


def wrap_line(text: str, width: float, measure: Measure) -> list[str]:
    """Break one paragraph (no newlines) into lines no wider than ``width`` (as measured)."""
    if width <= 0 or not text:
        return [text]
    lines: list[str] = []
    line = ""
    for token in _tokens(text, width, measure):
        if token.isspace():
            line += token if line else ""
            continue
        if not line or measure((line + token).rstrip()) <= width or token in NO_LINE_START:
            line += token
            continue
        carry = ""
        while line and line[-1] in NO_LINE_END:  # an opening bracket goes down with what follows
            carry, line = line[-1] + carry, line[:-1]
        if line.strip():
            lines.append(line.rstrip())
        line = carry + token
    if line or not lines:
        lines.append(line.rstrip())
    return lines


def wrap(text: str, width: float, measure: Measure) -> str:
    """Wrap every paragraph of ``text``; the result holds explicit newlines only."""
    return "\n".join(out for para in text.split("\n") for out in wrap_line(para, width, measure))


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x3000 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF
