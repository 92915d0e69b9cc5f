"""Service names, colloquial names and synonyms: exact matching and query expansion."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.kb.source import Knowledge
from assistant.understanding.nlu_data import SERVICE_MARK
from assistant.understanding.sounds import SoundIndex, cached, cut, word_runs
from assistant.understanding.text import is_cjk, is_plain_name, normalize


@dataclass
class Lexicon:
    """variant -> canonical term, and surface name -> guide ids (longest names first when matching)."""

    canonical: dict[str, str] = field(default_factory=dict)
    names: dict[str, set[str]] = field(default_factory=dict)
    event_names: dict[str, set[str]] = field(default_factory=dict)
    # derived from ``names`` by ``from_knowledge``:
    contained_in: dict[str, set[str]] = field(default_factory=dict)  # name -> other guides with a longer name holding it
    plain_names_of: dict[str, list[str]] = field(default_factory=dict)  # guide id -> its Chinese names without a question
    sounds: SoundIndex | None = None  # the pinyin channel over the plain Chinese names
    name_index: "Surfaces | None" = None  # lookups into ``names`` and ``event_names`` by text span
    event_index: "Surfaces | None" = None
    # near neighbours (first application / replacement / temporary card ...): a thing several guides'
    # names share (身份证, 养老金) -> those guides, and per guide the words its names add to it (补, 临时)
    neighbours: dict[str, set[str]] = field(default_factory=dict)
    cues: dict[tuple[str, str], set[str]] = field(default_factory=dict)

    @classmethod
    def from_knowledge(cls, kb: Knowledge, cache_dir: Path | None = None) -> "Lexicon":
        """cache_dir keeps the pinyin channel's table by content (see sounds.py)."""
        lex = cls()
        for term, variants in kb.synonyms.terms.items():
            for variant in variants:
                lex.canonical[normalize(variant)] = normalize(term)
        for guide in kb.guides.values():
            surfaces = [guide.name, guide.name_en, *guide.keywords, *kb.synonyms.services.get(guide.id, [])]
            for surface in surfaces:
                lex.names.setdefault(normalize(surface), set()).add(guide.id)
        for event in kb.life_events.values():
            for surface in (event.name, event.name_en, *event.keywords):
                lex.event_names.setdefault(normalize(surface), set()).add(event.id)
        for surface, ids in lex.names.items():
            if surface.isascii():
                continue
            if is_plain_name(surface):
                for gid in ids:
                    lex.plain_names_of.setdefault(gid, []).append(surface)
            # from each name's substrings (names are short), not by comparing every pair of names
            for short in {surface[i:j] for i in range(len(surface)) for j in range(i + 2, len(surface) + 1)} - {surface}:
                own = lex.names.get(short)
                if own is not None and ids - own and not short.isascii():
                    lex.contained_in.setdefault(short, set()).update(ids - own)
        # names, their runs of whole words of three characters or more (营业执照 in 营业执照补领换发),
        # synonym terms and events of three or more
        plain = [n for names in lex.plain_names_of.values() for n in names]
        others = [w for w in (*lex.canonical, *lex.canonical.values(), *lex.event_names) if not w.isascii() and len(w) >= 3]
        lex.sounds = SoundIndex.of(plain, others, cache_dir)
        lex.name_index, lex.event_index = Surfaces(lex.names), Surfaces(lex.event_names)
        lex._find_neighbours(plain, cache_dir)
        return lex

    def _find_neighbours(self, plain: list[str], cache_dir: Path | None, min_len: int = 3) -> None:
        """A word of three characters or more (a thing: 身份证, 养老金) in the plain names of two guides or
        more, and no name itself (a name already decides); kept where at least two of the guides add
        words of their own to it (补, 临时, 认证): those words tell them apart. Kept by content in the
        cache dir (with this file's code), so a start does not cut every name again."""

        def build() -> dict[str, Any]:
            tokenizer = None
            if cache_dir is not None and plain:  # the names cut with the dictionary cut to them, not jieba's whole one
                from assistant.understanding.keywords import make_tokenizer

                tokenizer = make_tokenizer(set(), plain, cache_dir)
            words_of = {gid: [[w for w in word_runs(n, tokenizer) if w in cut(n, tokenizer)] for n in names] for gid, names in self.plain_names_of.items()}
            holders: dict[str, set[str]] = {}
            for gid, names in words_of.items():
                for tokens in names:
                    for w in tokens:
                        if len(w) >= min_len and w not in self.names and is_cjk(w):
                            holders.setdefault(w, set()).add(gid)
            neighbours, cues = {}, []
            for stem, ids in holders.items():
                if len(ids) < 2:
                    continue
                added = {gid: {w for tokens in words_of[gid] if stem in tokens for w in tokens if w != stem and is_cjk(w) and w not in _WEAK} for gid in ids}
                own = {gid: words - set().union(*(added[o] for o in ids if o != gid)) for gid, words in added.items()}
                if sum(1 for words in own.values() if words) >= 2:
                    neighbours[stem] = sorted(ids)
                    cues += [[stem, gid, sorted(words)] for gid, words in own.items()]
            return {"neighbours": neighbours, "cues": cues}

        code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
        found = cached("neighbours", [code, min_len, self.plain_names_of, sorted(self.names)], cache_dir, build)
        self.neighbours = {stem: set(ids) for stem, ids in found["neighbours"].items()}
        self.cues = {(stem, gid): set(words) for stem, gid, words in found["cues"]}

    def neighbour(self, text: str, candidates: list[str]) -> tuple[str, list[str]] | None:
        """Near neighbours in ``text`` when it names no service: ("told", [guide]) when the words said
        beside their shared stem belong to one of them; ("ask", guides) when none of them was said, the
        guides being those of ``candidates`` (retrieval order) in the group. None when no group applies."""
        if _found(self.names, self.name_index, text):
            return None
        stems = sorted((w for w in self.neighbours if w in text), key=len, reverse=True)
        if not stems or not candidates:
            return None
        stem = stems[0]
        group = self.neighbours[stem]
        if candidates[0] not in group:
            return None
        told = [gid for gid in group if any(cue in text for cue in self.cues.get((stem, gid), ()))]
        if len(told) == 1:
            return "told", told
        ranked = [gid for gid in candidates if gid in group]
        if not told and len(ranked) >= 2:
            return "ask", ranked[:3]
        return None

    def respell(self, text: str) -> str:
        """Same-sounding misspellings of names replaced by the names (护招 -> 护照)."""
        return self.sounds.respell(text) if self.sounds is not None else text

    def expand(self, text: str) -> str:
        """Append the canonical form of every variant found, so '驾照' also searches '驾驶证'."""
        extra = [canon for variant, canon in self.canonical.items() if variant in text and canon not in text]
        return text if not extra else f"{text} {' '.join(extra)}"

    def mentioned_services(self, text: str) -> dict[str, int]:
        """Guide ids whose name or colloquial name occurs in ``text``, with the longest matched length."""
        return _mentions(self.names, self.name_index, text)

    def name_votes(self, text: str) -> dict[str, int]:
        """Like ``mentioned_services``, but a name that also lies inside another guide's longer name counts
        for that guide too: 社保卡 in 社保卡遗失补办 is no evidence against 社会保障卡挂失补办 (社保卡补办)."""
        return _mentions(self.names, self.name_index, text, also=self.contained_in)

    def mark_service(self, text: str) -> str:
        """Replace the longest service name in ``text`` by the placeholder the intent model was trained with."""
        found = [s for s in _found(self.names, self.name_index, text) if is_plain_name(s)]
        return text.replace(max(found, key=len), SERVICE_MARK, 1) if found else text

    def mark_near_name(self, text: str, guide_id: str, *, min_len: int = 4) -> str:
        """``mark_service`` for a service named in words close to its official name (养老保险关系转移接续
        for 基本养老保险关系转移接续): mark the longest run of ``min_len``+ characters shared with one of
        ``guide_id``'s Chinese names. Used for the retrieved guide when no name matched exactly."""
        best = ""
        for surface in self.plain_names_of.get(guide_id, []):
            for size in range(len(surface), max(min_len, len(best) + 1) - 1, -1):
                hit = next((surface[i : i + size] for i in range(len(surface) - size + 1) if surface[i : i + size] in text), "")
                if hit:
                    best = hit
                    break
        return text.replace(best, SERVICE_MARK, 1) if best else text

    def mentioned_events(self, text: str) -> dict[str, int]:
        return _mentions(self.event_names, self.event_index, text)

    def event_owner(self, text: str, event_id: str, services: list[str]) -> str | None:
        """The one service of a life event that the event's word, as said in ``text``, names as such:
        a service called "<word>手续", "办<word>" or "<word>申请" (退休 -> 退休手续). None otherwise."""
        words = [w for w in _found(self.event_names, self.event_index, text) if event_id in self.event_names[w] and not w.isascii()]
        owners = {
            gid
            for w in words
            for gid in services
            if {f"{w}手续", f"办{w}", f"办{w}手续", f"{w}申请"} & set(self.plain_names_of.get(gid, []))
        }
        return owners.pop() if len(owners) == 1 else None

    def words(self) -> set[str]:
        """Every multi-character surface, for the segmenter's user dictionary."""
        return {w for w in [*self.canonical, *self.canonical.values(), *self.names, *self.event_names] if " " not in w}


# one-character words that say nothing of which neighbour is meant (every question has them)
_WEAK = set("了的被没来到年审上新权证办理")


class Surfaces:
    """Which surfaces of a table (two characters or more) occur in a text, by looking up the text's spans
    of every surface length (Chinese) and its runs of whole words (English), instead of testing every
    surface: the cost follows the text, not the number of guides. Found in the table's order, as a scan
    of the table would list them (the first of two equally long names wins where one is taken)."""

    def __init__(self, table: dict[str, set[str]]) -> None:
        self.order = {s: i for i, s in enumerate(table) if len(s) >= 2}
        self.chinese = {s for s in self.order if not s.isascii()}
        self.lengths = sorted({len(s) for s in self.chinese})
        self.english = {s for s in self.order if s.isascii()}
        self.words = max((len(s.split(" ")) for s in self.english), default=0)

    def found(self, text: str) -> list[str]:
        hits: set[str] = set()
        for size in self.lengths:
            for i in range(len(text) - size + 1):
                span = text[i : i + size]
                if span in self.chinese:
                    hits.add(span)
        if self.english:  # on word boundaries: " surface " in " text "
            tokens = text.split(" ")
            for i in range(len(tokens)):
                for j in range(i + 1, min(len(tokens), i + self.words) + 1):
                    run = " ".join(tokens[i:j])
                    if run in self.english:
                        hits.add(run)
        return sorted(hits, key=self.order.__getitem__)


def _found(table: dict[str, set[str]], index: Surfaces | None, text: str) -> list[str]:
    """The surfaces of ``table`` (two characters or more) that occur in ``text``."""
    if index is not None:
        return index.found(text)
    return [surface for surface in table if len(surface) >= 2 and _contains(text, surface)]


def _mentions(table: dict[str, set[str]], index: Surfaces | None, text: str, *, also: dict[str, set[str]] | None = None) -> dict[str, int]:
    found: dict[str, int] = {}
    for surface in _found(table, index, text):
        for key in table[surface] | (also or {}).get(surface, set()):
            found[key] = max(found.get(key, 0), len(surface))
    return found


def _contains(text: str, surface: str) -> bool:
    if surface.isascii():  # English names match on word boundaries only
        return f" {surface} " in f" {text} "
    return surface in text
