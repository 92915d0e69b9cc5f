"""Pinyin composition for the on-screen keyboard, over the offline ``pinyinIME`` engine.

The keyboard types letters into ``pinyin``; ``candidates()`` lists words for it; ``pick(i)`` commits a
word and keeps the pinyin of the syllables it did not cover (pick 身 for "shenfenzheng" -> "fenzheng").
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from kiosk.wrap import is_cjk

_engine: Any = None
_lock = threading.Lock()


def pinyin_engine() -> Any:
    """One shared engine (loading its index takes about a second)."""
    global _engine
    with _lock:
        if _engine is None:
            from pinyinIME.engine import PinyinEngine

            _engine = PinyinEngine(load_emoji=False)
        return _engine


@dataclass
class Candidate:
    word: str
    syllables: list[str]


@dataclass
class Composer:
    engine: Any = None
    page_size: int = 8
    pinyin: str = ""
    _cache: list[Candidate] = field(default_factory=list)

    def _engine(self) -> Any:
        if self.engine is None:
            self.engine = pinyin_engine()
        return self.engine

    def load(self) -> None:
        self._engine()

    def type(self, letter: str) -> None:
        if letter.isascii() and (letter.isalpha() or letter == "'"):
            self.pinyin += letter.lower()
            self._cache = []

    def backspace(self) -> bool:
        """Remove a pinyin letter; False when there was none (the caller deletes text instead)."""
        if not self.pinyin:
            return False
        self.pinyin = self.pinyin[:-1]
        self._cache = []
        return True

    def clear(self) -> None:
        self.pinyin, self._cache = "", []

    def candidates(self) -> list[Candidate]:
        if not self.pinyin:
            return []
        if not self._cache:
            result = self._engine().query(self.pinyin, 0, self.page_size * 3)
            words = [Candidate(c["word"], c["syllables"]) for c in result["candidates"] if all(is_cjk(ch) for ch in c["word"])]
            self._cache = words[: self.page_size]
        return self._cache

    def pick(self, index: int) -> str:
        """Commit candidate ``index``: returns its word; the rest of the pinyin stays to compose."""
        cand = self.candidates()[index]
        syllables = self._engine().segment(self.pinyin)
        rest = syllables[len(cand.syllables) :]
        self.pinyin = "".join(rest)
        self._cache = []
        return cand.word
