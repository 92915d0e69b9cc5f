"""The pinyin channel: a service name written with same-sounding characters (护招, 户口迁如, 营业执找)
is respelled to the name before anything else reads the text, so every channel, the name votes and
the intent masking see the name. Only a span that sounds exactly like a name, shares at least one
character with it and is not the name already is respelled; a correct text is left as it is."""

from __future__ import annotations

import re

import jieba
from pypinyin import lazy_pinyin

from assistant.understanding.lexical import STOPWORDS

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
MIN_CHARS = 2
# one-character function words of questions (办, 要, 能 ...): written on purpose, never respelled
_FUNCTION = {w for w in STOPWORDS if len(w) == 1 and not w.isascii()}


def syllables(text: str) -> list[str]:
    """One toneless syllable per character of ``text`` (non-Chinese characters as themselves)."""
    out: list[str] = []
    pos = 0
    for m in _CJK_RUN.finditer(text):
        out += list(text[pos : m.start()])
        sounds = lazy_pinyin(m.group())
        out += sounds if len(sounds) == len(m.group()) else list(m.group())
        pos = m.end()
    return out + list(text[pos:])


def word_runs(name: str) -> list[str]:
    """Runs of consecutive whole words of ``name`` (营业执照/补领/换发 -> 营业执照补领, 补领换发 ...)."""
    words = list(jieba.cut(name))
    return ["".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)]


def _bounds(text: str) -> set[int]:
    bounds, pos = {0}, 0
    for token in jieba.cut(text):
        pos += len(token)
        bounds.add(pos)
    return bounds


class SoundIndex:
    def __init__(self, names: list[str]) -> None:
        # sound of a name -> the names that sound so (several names can: keep them all, respell none)
        self.by_sound: dict[tuple[str, ...], set[str]] = {}
        for name in names:
            if len(name) >= MIN_CHARS and _CJK_RUN.fullmatch(name):
                self.by_sound.setdefault(tuple(lazy_pinyin(name)), set()).add(name)
        self.lengths = sorted({len(k) for k in self.by_sound}, reverse=True)

    def respell(self, text: str) -> str:
        """``text`` with every same-sounding misspelling of a name replaced by the name (longest first)."""
        if not self.by_sound:
            return text
        sounds = syllables(text)
        chars = list(text)
        bounds: set[int] | None = None
        taken = [False] * len(chars)
        out = chars[:]
        for size in self.lengths:
            for i in range(len(chars) - size + 1):
                if any(taken[i : i + size]):
                    continue
                names = self.by_sound.get(tuple(sounds[i : i + size]))
                if not names:
                    continue
                span = "".join(chars[i : i + size])
                if span in names:  # written correctly: protect it from shorter respellings
                    taken[i : i + size] = [True] * size
                    continue
                if len(names) != 1:
                    continue
                name = next(iter(names))
                if not any(a == b for a, b in zip(span, name)):
                    continue  # nothing in common but the sound: too weak to rewrite what was written
                if any(a != b and a in _FUNCTION for a, b in zip(span, name)):
                    continue  # 手机上办: 办 is the question's own word, not a slip for 班
                if size == 2:  # two characters sound like many words: only a span that is a word of its own
                    bounds = _bounds(text) if bounds is None else bounds
                    if i not in bounds or i + size not in bounds:
                        continue
                out[i : i + size] = list(name)
                taken[i : i + size] = [True] * size
        return "".join(out)
