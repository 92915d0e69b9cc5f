"""The name index finds exactly what testing every name against the text finds, in the same order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.kb.source import load_knowledge
from assistant.understanding.names import Lexicon, Surfaces, _contains
from assistant.understanding.text import normalize

ROOT = Path(__file__).resolve().parents[2]


def _scan(table: dict[str, set[str]], text: str) -> list[str]:
    return [s for s in table if len(s) >= 2 and _contains(text, s)]


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    kb, _ = load_knowledge(ROOT / "knowledge")
    return Lexicon.from_knowledge(kb)


def _texts() -> list[str]:
    files = ["typo-questions.jsonl", "extra-questions.jsonl", "faq-questions.jsonl", "out-of-scope-questions.jsonl"]
    out = [json.loads(x)["text"] for f in files for x in (ROOT / "benchmarks" / f).read_text(encoding="utf-8").splitlines() if x.strip()]
    return [normalize(t) for t in out]


def test_the_index_equals_the_scan_on_every_question_and_name(lexicon):
    texts = _texts() + list(lexicon.names) + [f"{a} {b}" for a, b in zip(lexicon.names, list(lexicon.names)[1:])]
    assert len(texts) > 300
    hits = 0
    for text in texts:
        for table, index in ((lexicon.names, lexicon.name_index), (lexicon.event_names, lexicon.event_index)):
            assert index is not None
            found = index.found(text)
            assert found == _scan(table, text), text
            hits += bool(found)
    assert hits > 200  # the names themselves, at least


@pytest.mark.parametrize(
    ("text", "expected"),
    [("id card lost", ["id card"]), ("my id  card", []), ("paid cards", []), ("ID卡", []), ("新身份证", ["身份证"]), ("", []), ("证", [])],
)
def test_english_matches_whole_words_chinese_any_span(text, expected):
    index = Surfaces({"id card": {"a"}, "身份证": {"b"}, "证": {"c"}, "card lost forever": {"d"}})
    assert index.found(text) == expected
