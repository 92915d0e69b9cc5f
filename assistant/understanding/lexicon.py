"""Service names, colloquial names and synonyms: exact matching and query expansion."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.kb.source import Knowledge
from assistant.understanding.nlu_data import SERVICE_MARK
from assistant.understanding.text import is_plain_name, normalize


@dataclass
class Lexicon:
    """variant -> canonical term, and surface name -> guide ids (longest names first when matching)."""

    canonical: dict[str, str] = field(default_factory=dict)
    names: dict[str, set[str]] = field(default_factory=dict)
    event_names: dict[str, set[str]] = field(default_factory=dict)
    _contained: dict[str, set[str]] | None = field(default=None, repr=False)
    _by_guide: dict[str, list[str]] | None = field(default=None, repr=False)

    @classmethod
    def from_knowledge(cls, kb: Knowledge) -> "Lexicon":
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
        return lex

    def expand(self, text: str) -> str:
        """Append the canonical form of every variant found, so '驾照' also searches '驾驶证'."""
        extra = [canon for variant, canon in self.canonical.items() if variant in text and canon not in text]
        return text if not extra else f"{text} {' '.join(extra)}"

    def mentioned_services(self, text: str) -> dict[str, int]:
        """Guide ids whose name or colloquial name occurs in ``text``, with the longest matched length."""
        return _mentions(self.names, text)

    def name_votes(self, text: str) -> dict[str, int]:
        """Like ``mentioned_services``, but a name that also lies inside another guide's longer name counts
        for that guide too: 社保卡 in 社保卡遗失补办 is no evidence against 社会保障卡挂失补办 (社保卡补办)."""
        found: dict[str, int] = {}
        for surface, ids in self.names.items():
            if len(surface) >= 2 and _contains(text, surface):
                for key in ids | self._containers().get(surface, set()):
                    found[key] = max(found.get(key, 0), len(surface))
        return found

    def _containers(self) -> dict[str, set[str]]:
        """surface -> guides (other than its own) with a longer name containing it; Chinese names only.
        Built from each name's substrings (names are short), not by comparing every pair of names."""
        if self._contained is None:
            self._contained = {}
            for long, ids in self.names.items():
                if long.isascii():
                    continue
                parts = {long[i:j] for i in range(len(long)) for j in range(i + 2, len(long) + 1)} - {long}
                for short in parts:
                    own = self.names.get(short)
                    if own is not None and ids - own and not short.isascii():
                        self._contained.setdefault(short, set()).update(ids - own)
        return self._contained

    def mark_service(self, text: str) -> str:
        """Replace the longest service name in ``text`` by the placeholder the intent model was trained with."""
        found = [s for s in self.names if len(s) >= 2 and is_plain_name(s) and _contains(text, s)]
        return text.replace(max(found, key=len), SERVICE_MARK, 1) if found else text

    def mark_near_name(self, text: str, guide_id: str, *, min_len: int = 4) -> str:
        """``mark_service`` for a service named in words close to its official name (养老保险关系转移接续
        for 基本养老保险关系转移接续): mark the longest run of ``min_len``+ characters shared with one of
        ``guide_id``'s Chinese names. Used for the retrieved guide when no name matched exactly."""
        best = ""
        for surface in self._surfaces_of().get(guide_id, []):
            for size in range(len(surface), max(min_len, len(best) + 1) - 1, -1):
                hit = next((surface[i : i + size] for i in range(len(surface) - size + 1) if surface[i : i + size] in text), "")
                if hit:
                    best = hit
                    break
        return text.replace(best, SERVICE_MARK, 1) if best else text

    def _surfaces_of(self) -> dict[str, list[str]]:
        if self._by_guide is None:
            self._by_guide = {}
            for surface, ids in self.names.items():
                if not surface.isascii() and is_plain_name(surface):
                    for gid in ids:
                        self._by_guide.setdefault(gid, []).append(surface)
        return self._by_guide

    def mentioned_events(self, text: str) -> dict[str, int]:
        return _mentions(self.event_names, text)

    def words(self) -> set[str]:
        """Every multi-character surface, for the segmenter's user dictionary."""
        return {w for w in [*self.canonical, *self.canonical.values(), *self.names, *self.event_names] if " " not in w}


def _mentions(table: dict[str, set[str]], text: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for surface, ids in table.items():
        if len(surface) >= 2 and _contains(text, surface):
            for key in ids:
                found[key] = max(found.get(key, 0), len(surface))
    return found


def _contains(text: str, surface: str) -> bool:
    if surface.isascii():  # English names match on word boundaries only
        return f" {surface} " in f" {text} "
    return surface in text
