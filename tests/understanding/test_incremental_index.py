"""Publishing one guide updates the index from the last build (Retriever(previous=...)): only that
guide's document is segmented and counted and only its passages are encoded, and every channel's
scores, the fused ranking and the answers are those of a build from nothing of the same knowledge."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from assistant.kb.source import Knowledge, load_knowledge
from assistant.understanding import keywords
from assistant.understanding.e5 import E5
from assistant.understanding.retriever import Retriever, guide_passages
from tests.conftest import KNOWLEDGE
from tests.understanding.test_vector_cache import CountingE5

KEEP = ["passport", "id-card-replacement", "id-card-renewal", "id-card-temporary", "driving-licence-renewal", "hk-macau-permit"]
QUERIES = ["护照丢了怎么补办", "身份证到期换领", "临时身份证多久能拿到", "驾照体检", "how to renew my passport", "港澳通行证续签",
           "护照可以加急吗", "身份证补办要带户口本吗", "出国证件"]  # fmt: skip


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    full, _ = load_knowledge(KNOWLEDGE)
    return Knowledge(categories=full.categories, life_events={}, synonyms=full.synonyms, faq=full.faq, guides={g: full.guides[g] for g in KEEP})


@pytest.fixture(scope="module")
def encoder() -> E5:
    return E5()


def copy_vectors(source: Path, target: Path) -> None:
    """Of a cache dir, what does not depend on the knowledge: e5's outputs by text (vectors.sqlite; e5
    run again may differ in the last bit with the batch a text is encoded in) and jieba's dictionary
    as a table. A build in ``target`` makes every index of its own from nothing."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ["vectors.sqlite", *(p.name for p in source.glob("jieba-dict-*.sqlite"))]:
        with closing(sqlite3.connect(source / name)) as src, closing(sqlite3.connect(target / name)) as dst:
            src.backup(dst)


def with_guides(kb: Knowledge, guides: dict, synonyms=None) -> Knowledge:  # type: ignore[no-untyped-def]
    return Knowledge(categories=kb.categories, life_events={}, synonyms=synonyms or kb.synonyms, faq=kb.faq, guides=guides)


def edited(kb: Knowledge, gid: str, **update) -> Knowledge:  # type: ignore[no-untyped-def]
    return with_guides(kb, {**kb.guides, gid: kb.guides[gid].model_copy(update=update)})


def assert_same(a: Retriever, b: Retriever, queries: list[str]) -> None:
    """Bit for bit: every channel's score of every guide, and the fused top 5 with their scores."""
    assert a.ids == b.ids
    for query in queries:
        vec = b.embed_query(query)
        ours, theirs = a.channel_scores(query, vec), b.channel_scores(query, vec)
        assert ours.keys() == theirs.keys()
        for channel in theirs:
            assert np.array_equal(ours[channel], theirs[channel]), (query, channel)
        assert a.search(query, query_vec=vec) == b.search(query, query_vec=vec), query


def test_an_edit_in_known_words_reindexes_only_that_guide_and_equals_a_fresh_build(kb, encoder, tmp_path, monkeypatch):
    before = Retriever(kb, encoder, cache_dir=tmp_path / "a")
    summary = kb.guides["passport"].summary
    # words of another guide's summary: no word new to the dictionary, so no other document is segmented again
    kb2 = edited(kb, "passport", summary=summary + "（急需使用身份证的，可申请临时居民身份证）")
    counted: list[list[str]] = []
    count_terms = keywords.count_terms
    monkeypatch.setattr(keywords, "count_terms", lambda tokens, vocab: counted.append(tokens) or count_terms(tokens, vocab))
    counting = CountingE5()
    after = Retriever(kb2, counting, cache_dir=tmp_path / "a", previous=before)
    assert len(counted) == 2  # the changed document's words and its character n-grams, nothing else
    assert set(counting.seen) == set(guide_passages(kb2.guides["passport"], kb2)) - set(guide_passages(kb.guides["passport"], kb))
    assert after.lexicon is before.lexicon and after.tokenizer is before.tokenizer  # no name changed, no word new
    monkeypatch.setattr(keywords, "count_terms", count_terms)
    copy_vectors(tmp_path / "a", tmp_path / "b")
    fresh = Retriever(kb2, encoder, cache_dir=tmp_path / "b")
    assert_same(after, fresh, [*QUERIES, "护照急需使用身份证"])
    assert "passport" in [h.guide_id for h in after.search("护照急需使用身份证")[:2]]
    # the last build still answers as it did (it serves until the new one is swapped in)
    assert_same(before, Retriever(kb, encoder, cache_dir=tmp_path / "b"), QUERIES[:3])


def test_a_new_word_a_new_name_an_added_and_a_removed_guide_equal_a_fresh_build(kb, encoder, tmp_path):
    previous = Retriever(kb, encoder, cache_dir=tmp_path / "a")
    full, _ = load_knowledge(KNOWLEDGE)
    swapped = {**{g: kb.guides[g] for g in KEEP if g != "hk-macau-permit"}, "residence-permit": full.guides["residence-permit"]}
    steps = [
        edited(kb, "id-card-temporary", summary="临时身份证由公安派出所签发，受理后三个工作日内可领取，适用于乘坐火车飞机等急需用途"),  # new words
        edited(kb, "passport", keywords=[*kb.guides["passport"].keywords, "因私护照"]),  # a new name: the name index is rebuilt
        with_guides(kb, swapped),  # one guide removed, one added
        with_guides(kb, swapped, synonyms=kb.synonyms.model_copy(update={"services": {**kb.synonyms.services, "passport": ["出国护照"]}})),
    ]
    for n, step in enumerate(steps):
        current = Retriever(step, encoder, cache_dir=tmp_path / "a", previous=previous)
        copy_vectors(tmp_path / "a", tmp_path / f"fresh{n}")
        fresh = Retriever(step, encoder, cache_dir=tmp_path / f"fresh{n}")
        assert_same(current, fresh, [*QUERIES, "因私护照", "居住证怎么办", "临时身份证乘坐火车"])
        previous = current
    assert previous.search("居住证怎么办")[0].guide_id == "residence-permit"
    assert "hk-macau-permit" not in previous.ids


def test_an_update_without_a_cache_dir_equals_a_fresh_build(kb):
    """No cache dir: the tokenizer has no content key, so no document's words are taken from the last build
    (the keyword channels only: without a vector store e5 would run again)."""
    before = Retriever(kb, None)
    kb2 = edited(kb, "driving-licence-renewal", summary="机动车驾驶证有效期满换证，可以在车管所或者网上办理")
    assert_same(Retriever(kb2, None, previous=before), Retriever(kb2, None), [*QUERIES, "驾驶证网上换证"])


def test_the_last_builds_values_are_let_go(kb, encoder, tmp_path):
    """The memo keeps what the current build uses, not every build's: it does not grow with publishes."""
    current = Retriever(kb, encoder, cache_dir=tmp_path)
    size = len(current.memo)
    for n in range(3):
        current = Retriever(edited(kb, "passport", summary=f"第{n}次修改"), encoder, cache_dir=tmp_path, previous=current)
    assert len(current.memo) == size
    assert current.memo._old == {}


def test_an_update_replaces_the_last_builds_passage_file(kb, encoder, tmp_path):
    """One finished-vector file per build is kept, not one per publish; a build whose file is gone reads
    the vector store instead (another worker's publish may remove it while this one starts)."""
    before = Retriever(kb, encoder, cache_dir=tmp_path)
    after = Retriever(edited(kb, "passport", summary="护照"), encoder, cache_dir=tmp_path, previous=before)
    assert [p.name for p in tmp_path.glob("passages-*.npy")] == [after.passages_file.name]
    after.passages_file.unlink()
    again = Retriever(after.kb, encoder, cache_dir=tmp_path)
    assert_same(again, after, QUERIES[:3])
