"""The pinyin channel: a service name written with same-sounding characters (护招, 户口迁如, 营业执找)
is respelled to the name before anything else reads the text, so every channel, the name votes and
the intent masking see the name. Only a span that sounds exactly like a name, shares at least one
character with it and is not the name already is respelled; a correct text is left as it is.

pypinyin (1 s and 60 MB to import, most of it its phrase dictionary) and jieba's full dictionary are
needed only when a text might hold such a misspelling. A small table, built once per set of names and
kept by content in the cache dir, gives each name's sound and, for each of its syllables, every
character that can be read so (any reading in pypinyin's character and phrase dictionaries). A text
with no span that could sound like a name it is not (most questions) is returned without pypinyin;
any other text goes through the exact check, with pypinyin imported then. A name written correctly
is no such span. The word boundaries a two-character respelling needs come from jieba's dictionary
table in the cache dir (the question's own words), never from loading the whole dictionary."""

from __future__ import annotations

import hashlib
import json
import re
from importlib.metadata import version
from pathlib import Path

from assistant.understanding.keywords import STOPWORDS

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
MIN_CHARS = 2
# one-character function words of questions (办, 要, 能 ...): written on purpose, never respelled
_FUNCTION = {w for w in STOPWORDS if len(w) == 1 and not w.isascii()}


def syllables(text: str) -> list[str]:
    """One toneless syllable per character of ``text`` (non-Chinese characters as themselves)."""
    from pypinyin import lazy_pinyin

    out: list[str] = []
    pos = 0
    for m in _CJK_RUN.finditer(text):
        out += list(text[pos : m.start()])
        sounds = lazy_pinyin(m.group())
        out += sounds if len(sounds) == len(m.group()) else list(m.group())
        pos = m.end()
    return out + list(text[pos:])


def cut(text: str, tokenizer=None) -> list[str]:  # type: ignore[no-untyped-def]
    if tokenizer is None:
        import jieba  # its full dictionary, loaded on first use

        tokenizer = jieba.dt
    return list(tokenizer.cut(text))


def word_runs(name: str, tokenizer=None) -> list[str]:  # type: ignore[no-untyped-def]
    """Runs of consecutive whole words of ``name`` (营业执照/补领/换发 -> 营业执照补领, 补领换发 ...).
    ``tokenizer``: one that segments the names as jieba's full dictionary does (lexical's cut one)."""
    words = cut(name, tokenizer)
    return ["".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)]


def _bounds(text: str, tokenizer=None) -> set[int]:  # type: ignore[no-untyped-def]
    bounds, pos = {0}, 0
    for token in cut(text, tokenizer):
        pos += len(token)
        bounds.add(pos)
    return bounds


def heard_names(plain: list[str], others: list[str], tokenizer=None) -> list[str]:  # type: ignore[no-untyped-def]
    """The names the channel listens for: plain names, their runs of whole words of three characters
    or more (营业执照 in 营业执照补领换发), and the other words given."""
    heard = [*plain, *(part for n in plain for part in word_runs(n, tokenizer) if len(part) >= 3), *others]
    return list(dict.fromkeys(heard))


def sound_table(names: list[str], cache_dir: Path | None = None) -> dict:
    """{"sounds": name -> syllables, "chars": syllable -> every character one of its readings is}."""
    from pypinyin import lazy_pinyin

    sounds = {n: lazy_pinyin(n) for n in names if len(n) >= MIN_CHARS and _CJK_RUN.fullmatch(n)}
    wanted = {s for syl in sounds.values() for s in syl}
    # every syllable's characters, kept once per pypinyin version: a new name needs no pass over its
    # dictionaries (0.6 s of CPU in every retrain after a name change)
    every = cached("sound-chars", "every syllable", cache_dir, every_reading)
    return {"sounds": sounds, "chars": {s: every.get(s, "") for s in sorted(wanted)}}


def every_reading() -> dict[str, str]:
    """syllable -> every character one of whose readings (character and phrase dictionaries) it is."""
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT
    from pypinyin.contrib.tone_convert import to_normal

    normal: dict[str, str] = {}
    chars: dict[str, set[str]] = {}

    def add(char: str, toned: str) -> None:
        plain = normal.get(toned) or normal.setdefault(toned, to_normal(toned))
        chars.setdefault(plain, set()).add(char)

    for code, readings in PINYIN_DICT.items():
        for toned in readings.split(","):
            add(chr(code), toned)
    for phrase, readings in PHRASES_DICT.items():
        if len(readings) == len(phrase):
            for char, options in zip(phrase, readings):
                for toned in options:
                    add(char, toned)
        else:  # never seen so far; every reading for every character keeps the table a superset
            for char in phrase:
                for toned in (t for options in readings for t in options):
                    add(char, toned)
    return {s: "".join(sorted(c)) for s, c in sorted(chars.items())}


def cached(what: str, inputs: object, cache_dir: Path | None, build):  # type: ignore[no-untyped-def]
    """build() once per content of ``inputs`` and library versions, kept as JSON in the cache dir."""
    if cache_dir is None:
        return build()
    versions = f"{version('pypinyin')}/{version('jieba')}"
    key = hashlib.sha256(json.dumps([what, versions, inputs], ensure_ascii=False).encode()).hexdigest()[:16]
    path = cache_dir / f"{what}-{key}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    value = build()
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    partial.replace(path)
    return value


class SoundIndex:
    def __init__(self, names: list[str], *, table: dict | None = None) -> None:
        table = table if table is not None else sound_table(names)
        # sound of a name -> the names that sound so (several names can: keep them all, respell none)
        self.by_sound: dict[tuple[str, ...], set[str]] = {}
        for name in names:
            sound = table["sounds"].get(name)
            if sound is not None:
                self.by_sound.setdefault(tuple(sound), set()).add(name)
        self.lengths = sorted({len(k) for k in self.by_sound}, reverse=True)
        self.names = {name for same in self.by_sound.values() for name in same}
        self.chars = {s: frozenset(c) for s, c in table["chars"].items()}
        self._readings: dict[str, frozenset[str]] = {}
        # (a character of a name, the side of its neighbour, the neighbour's syllable) -> (its position,
        # name, sound): a span sharing that character with the name, beside a character that can be read
        # as that syllable, is all might_respell has to look at
        self.by_pair: dict[tuple[str, int, str], list[tuple[int, str, tuple[str, ...]]]] = {}
        for sound, same in self.by_sound.items():
            for name in same:
                for k, char in enumerate(name):
                    side = 1 if k + 1 < len(name) else -1
                    self.by_pair.setdefault((char, side, sound[k + side]), []).append((k, name, sound))

    def readings(self, char: str) -> frozenset[str]:
        """The syllables of the names that ``char`` can be read as (itself for a character pypinyin has
        not, as syllables() gives it)."""
        found = self._readings.get(char)
        if found is None:
            found = self._readings[char] = frozenset({s for s, chars in self.chars.items() if char in chars} | {char})
        return found

    @classmethod
    def of(cls, plain: list[str], others: list[str], cache_dir: Path | None = None) -> "SoundIndex":
        """The index of heard_names(plain, others), its word runs and table kept by content."""
        def heard() -> list[str]:  # the names cut with the dictionary cut to them (no full jieba load)
            from assistant.understanding.keywords import make_tokenizer

            tokenizer = make_tokenizer(set(), plain, cache_dir) if cache_dir is not None and plain else None
            return heard_names(plain, others, tokenizer)

        names = cached("sound-names", [plain, others], cache_dir, heard)
        index = cls(names, table=cached("sound-table", names, cache_dir, lambda: sound_table(names, cache_dir)))
        index.cache_dir = cache_dir
        return index

    cache_dir: Path | None = None  # where jieba's dictionary table is (keywords.Dictionary), when there is one

    def _cutter(self, text: str):  # type: ignore[no-untyped-def]
        """What cuts ``text`` as jieba's whole dictionary does: a tokenizer of the words of ``text`` read
        from the dictionary table, instead of loading the whole dictionary (1 s of CPU and 70 MB at the
        first misspelling of two characters). None: jieba's own, without a cache dir."""
        if self.cache_dir is None:
            return None
        from assistant.understanding.keywords import Dictionary

        return Dictionary(self.cache_dir).tokenizer_for(text)

    def might_respell(self, text: str) -> bool:
        """False when no span of ``text`` can sound like a name that it is not while sharing a character
        with it; true for every text respell could change (and for a few it leaves alone)."""
        n = len(text)
        for p, char in enumerate(text):
            for side in (1, -1):
                if not 0 <= p + side < n:
                    continue
                for syllable in self.readings(text[p + side]):
                    for k, name, sound in self.by_pair.get((char, side, syllable), ()):
                        i = p - k
                        span = text[i : i + len(name)]
                        if i < 0 or len(span) < len(name) or span == name or self._written(text, i, span, sound):
                            continue
                        if all(a == b or s in self.readings(a) for a, b, s in zip(span, name, sound)):
                            if not any(a != b and a in _FUNCTION for a, b in zip(span, name)):
                                return True
        return False

    def _written(self, text: str, i: int, span: str, sound: tuple[str, ...]) -> bool:
        """The span at ``i`` is a name written correctly that sounds as ``sound`` (身份证 beside its variant
        身分证), or lies inside a longer name written correctly (生育津 in 生育津贴): the exact check
        protects such a name before it looks at shorter spans, so it never respells this span. Without
        this, every question naming 身份证 imported pypinyin (64 MB, 0.35 s) for nothing."""
        if span in self.by_sound.get(sound, ()):
            return True
        end = i + len(span)
        for size in self.lengths:
            if size <= len(span):
                break
            for j in range(max(0, end - size), i + 1):
                if text[j : j + size] in self.names:
                    return True
        return False

    def respell(self, text: str) -> str:
        """``text`` with every same-sounding misspelling of a name replaced by the name (longest first)."""
        if not self.by_sound or not self.might_respell(text):
            return text
        return self.respell_exactly(text)

    def respell_exactly(self, text: str) -> str:
        """respell without the cheap test first (pypinyin over the whole text)."""
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
                    bounds = _bounds(text, self._cutter(text)) if bounds is None else bounds
                    if i not in bounds or i + size not in bounds:
                        continue
                out[i : i + size] = list(name)
                taken[i : i + size] = [True] * size
        return "".join(out)
