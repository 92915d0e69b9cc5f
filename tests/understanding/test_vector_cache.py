"""Embeddings are kept by content: a changed text is encoded again, an unchanged one is not; publishing
one guide encodes only its passages; an interrupted index build resumes and equals a full build."""

import numpy as np
import pytest

from assistant.kb.source import Knowledge, load_knowledge
from assistant.understanding.e5 import E5
from assistant.understanding.retriever import Retriever, guide_passages
from assistant.understanding.vectors import QueryCache, VectorStore, raw_vectors, terminal_bar
from tests.conftest import KNOWLEDGE


class CountingE5(E5):
    """The real encoder, remembering which texts went through the model (and able to fail after n calls)."""

    def __init__(self, fail_after: int | None = None) -> None:
        super().__init__()
        self.seen: list[str] = []
        self.fail_after = fail_after

    def raw(self, texts, kind):  # type: ignore[no-untyped-def]
        if self.fail_after is not None and self.fail_after <= 0:
            raise KeyboardInterrupt("power cut")
        if self.fail_after is not None:
            self.fail_after -= 1
        self.seen += texts
        return super().raw(texts, kind)


@pytest.fixture(scope="module")
def small_kb() -> Knowledge:
    kb, _ = load_knowledge(KNOWLEDGE)
    keep = ["passport", "id-card-replacement", "driving-licence-renewal"]
    return Knowledge(categories=kb.categories, life_events={}, synonyms=kb.synonyms, faq=kb.faq, guides={g: kb.guides[g] for g in keep})


def test_a_changed_text_is_encoded_again_and_an_unchanged_one_is_not(tmp_path):
    store, encoder = VectorStore(tmp_path / "v.sqlite"), CountingE5()
    first = raw_vectors(encoder, ["身份证丢了", "护照办理"], "query", store)
    assert encoder.seen == ["身份证丢了", "护照办理"]
    encoder.seen.clear()
    again = raw_vectors(encoder, ["身份证丢了", "护照怎么办理"], "query", store)
    assert encoder.seen == ["护照怎么办理"]
    np.testing.assert_array_equal(again[0], first[0])
    encoder.seen.clear()
    raw_vectors(encoder, ["身份证丢了"], "passage", store)  # the kind is part of the key: e5 prefixes it
    assert encoder.seen == ["身份证丢了"]
    assert len(store) == 4


def test_publishing_one_guide_encodes_only_its_changed_passages(small_kb, tmp_path):
    Retriever(small_kb, CountingE5(), cache_dir=tmp_path)
    guide = small_kb.guides["passport"]
    changed = guide.model_copy(update={"summary": guide.summary + "（可预约办理）"})
    kb2 = Knowledge(categories=small_kb.categories, life_events={}, synonyms=small_kb.synonyms, faq=small_kb.faq, guides={**small_kb.guides, "passport": changed})
    encoder = CountingE5()
    retriever = Retriever(kb2, encoder, cache_dir=tmp_path)
    new = set(guide_passages(changed, kb2)) - set(guide_passages(guide, small_kb))
    assert encoder.seen and set(encoder.seen) == new
    assert retriever.search("护照可以预约吗")[0].guide_id == "passport"


def test_an_interrupted_build_resumes_and_equals_a_full_build(small_kb, tmp_path):
    with pytest.raises(KeyboardInterrupt):
        Retriever(small_kb, CountingE5(fail_after=1), cache_dir=tmp_path / "c")  # one batch of 64 is kept
    done = len(VectorStore(tmp_path / "c" / "vectors.sqlite"))
    assert done == 64
    steps: list[tuple[int, int]] = []
    encoder = CountingE5()
    resumed = Retriever(small_kb, encoder, cache_dir=tmp_path / "c", progress=lambda d, t: steps.append((d, t)))
    total = len(resumed.passage_owner)
    assert len(encoder.seen) == len(set(resumed_texts(small_kb))) - done
    assert steps[0][0] >= done and steps[-1] == (total, total)  # the progress starts where the last run stopped
    full = Retriever(small_kb, E5())  # no cache at all
    np.testing.assert_allclose(resumed.index.vectors, full.index.vectors, atol=1e-6)


def resumed_texts(kb: Knowledge) -> list[str]:
    return [p for g in kb.guides.values() for p in guide_passages(g, kb)]


def test_query_cache_is_bounded_and_keyed_by_text():
    cache, calls = QueryCache(size=2), []

    def compute(text: str) -> np.ndarray:
        calls.append(text)
        return np.array([len(text)], dtype=np.float32)

    for text in ["a", "bb", "a", "ccc", "bb"]:
        cache.get(text, compute)
    assert calls == ["a", "bb", "ccc", "bb"]  # "a" was asked again while cached; "bb" had been evicted by "ccc"
    assert len(cache) == 2 and cache.hits == 1


def test_terminal_bar_shows_percentages(tmp_path):
    import io

    out = io.StringIO()
    bar = terminal_bar("passages", stream=out)
    for done in (0, 5, 10):
        bar(done, 10)
    text = out.getvalue()
    assert "  0%" in text and " 50%" in text and "100% 10/10" in text and text.endswith("\n")


def test_the_cut_dictionary_and_cached_tokens_score_as_the_full_dictionary(small_kb, tmp_path):
    guide = small_kb.guides["passport"]
    changed = guide.model_copy(update={"summary": guide.summary + "（居民身份证）"})
    kb2 = Knowledge(categories=small_kb.categories, life_events={}, synonyms=small_kb.synonyms, faq=small_kb.faq, guides={**small_kb.guides, "passport": changed})
    Retriever(small_kb, None, cache_dir=tmp_path)  # fills the cache; the second build reuses it
    cached, full = Retriever(kb2, None, cache_dir=tmp_path), Retriever(kb2, None)
    for query in ["护照丢了怎么补办", "身份证到期换领", "驾照体检", "how to renew my passport"]:
        a, b = cached.lexical_scores(query), full.lexical_scores(query)
        assert all(np.allclose(a[k], b[k]) for k in b), query


def test_a_guide_faq_question_asked_again_is_not_encoded_again(small_kb):
    """The FAQ search shares the retriever's query cache: the masked question (□要先登报吗) of a second
    visitor costs no e5 pass, and finds exactly what the first one found."""
    from assistant.understanding.faq import FaqIndex
    from assistant.understanding.names import Lexicon

    encoder = CountingE5()
    faq = FaqIndex(small_kb, encoder, Lexicon.from_knowledge(small_kb), queries=QueryCache())
    encoder.seen.clear()
    first = faq.search("护照丢了要先登报吗", guide_id="passport", hall=False)
    assert len(encoder.seen) == 1 and "护照" not in encoder.seen[0]  # the service name is masked
    again = faq.search("护照丢了要先登报吗", guide_id="passport", hall=False)
    assert len(encoder.seen) == 1
    assert [(m.entry.id, m.score) for m in again] == [(m.entry.id, m.score) for m in first]
    fresh = FaqIndex(small_kb, CountingE5(), Lexicon.from_knowledge(small_kb)).search("护照丢了要先登报吗", guide_id="passport", hall=False)
    assert [(m.entry.id, round(m.score, 6)) for m in fresh] == [(m.entry.id, round(m.score, 6)) for m in first]


def test_a_changed_guide_is_looked_up_in_the_dictionary_table_not_in_jiebas_whole_dictionary(small_kb, tmp_path, monkeypatch):
    import jieba

    from assistant.understanding.keywords import Dictionary

    Retriever(small_kb, None, cache_dir=tmp_path)  # builds the table once (per jieba version)
    loaded: list[str | None] = []
    initialize = jieba.Tokenizer.initialize
    monkeypatch.setattr(jieba.Tokenizer, "initialize", lambda self, dictionary=None: loaded.append(self.dictionary) or initialize(self, dictionary))
    guide = small_kb.guides["passport"]
    changed = guide.model_copy(update={"summary": guide.summary + "，请提前预约窗口"})
    kb2 = Knowledge(categories=small_kb.categories, life_events={}, synonyms=small_kb.synonyms, faq=small_kb.faq, guides={**small_kb.guides, "passport": changed})
    Retriever(kb2, None, cache_dir=tmp_path)
    assert loaded and jieba.DEFAULT_DICT not in loaded  # only cut dictionaries were loaded
    monkeypatch.setattr(jieba.Tokenizer, "initialize", initialize)
    full = jieba.Tokenizer()
    full.initialize()
    table = Dictionary(tmp_path)
    assert table.total == full.total
    for text in ["护照丢了要带什么材料，请提前预约窗口", "营业执照补领换发 business licence", "", "ａ  b"]:
        dag = {text[s : e + 1] for s, ends in full.get_DAG(text).items() for e in ends} if text else set()
        expected = {w: full.FREQ[w] for w in dag if full.FREQ.get(w, 0) > 0 and w.strip() and " " not in w}
        assert table.words_in(text) == expected


def test_an_intent_model_is_reused_only_for_the_same_texts_labels_and_vectors(tmp_path, monkeypatch):
    from assistant.understanding.intent import IntentModel
    from assistant.understanding.pipeline import cached_intent_model

    texts, labels = ["□要带什么", "□多少钱", "□要带哪些材料", "□收费吗"], ["ask_materials", "ask_fee", "ask_materials", "ask_fee"]
    vectors = np.eye(4, 3, dtype=np.float32)
    first = cached_intent_model(texts, labels, vectors, tmp_path)
    fits: list[int] = []
    train = IntentModel.train
    monkeypatch.setattr(IntentModel, "train", classmethod(lambda cls, *a, **k: fits.append(1) or train(*a, **k)))
    again = cached_intent_model(texts, labels, vectors, tmp_path)
    assert fits == [] and again.classes == first.classes and np.array_equal(again.coef, first.coef)
    assert again.predict("□要带什么", vectors[0]) == first.predict("□要带什么", vectors[0])
    cached_intent_model(texts, ["ask_materials", "ask_fee", "ask_fee", "ask_fee"], vectors, tmp_path)  # a label changed
    cached_intent_model([*texts[:3], "□收不收费"], labels, vectors, tmp_path)  # a text changed
    cached_intent_model(texts, labels, vectors * 0.5, tmp_path)  # the vectors changed (a retrained adapter)
    assert fits == [1, 1, 1]
    assert len([p for p in tmp_path.iterdir() if p.name.startswith("intent-")]) == 4


def test_cached_intent_models_are_pruned_to_the_most_recently_used(tmp_path):
    import os

    from assistant.understanding.pipeline import cached_intent_model, prune_models

    texts, vectors = ["□要带什么", "□多少钱", "□要带哪些材料", "□收费吗"], np.eye(4, 3, dtype=np.float32)
    for i in range(5):  # five different trainings (the vectors differ), the first kept as a role's last
        cached_intent_model(texts, ["ask_materials", "ask_fee"] * 2, vectors * (i + 1), tmp_path, role="full" if i == 0 else "")
    models = sorted((p for p in tmp_path.glob("intent-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    assert len(models) == 5
    for age, path in enumerate(models):  # the first trained is the oldest used
        os.utime(path, (1_000_000 + age, 1_000_000 + age))
    prune_models(tmp_path, keep=2)
    left = {p.name for p in tmp_path.glob("intent-*") if p.is_dir()}
    assert left == {models[0].name, models[3].name, models[4].name}  # the two newest, and the role's last


def test_the_faq_index_kept_by_content_equals_a_fresh_one_and_follows_a_new_name(small_kb, tmp_path):
    """The masked FAQ questions and their vectors are read back from the cache dir, equal to those built
    without it; a knowledge base with another name (masked differently) gets its own entry."""
    from assistant.understanding.faq import FaqIndex
    from assistant.understanding.names import Lexicon

    def build(kb: Knowledge, encoder: E5, cache: bool) -> FaqIndex:
        return FaqIndex(kb, encoder, Lexicon.from_knowledge(kb), VectorStore(tmp_path / "v.sqlite"), cache_dir=tmp_path if cache else None)

    first = build(small_kb, CountingE5(), True)
    files = sorted(p.name for p in tmp_path.glob("faq-*"))
    assert len(files) == 2  # the masked questions and their vectors
    encoder = CountingE5()
    again, fresh = build(small_kb, encoder, True), build(small_kb, CountingE5(), False)
    assert encoder.seen == [] and sorted(p.name for p in tmp_path.glob("faq-*")) == files
    assert again.texts == fresh.texts == first.texts and any("□" in t for t in again.texts)
    np.testing.assert_array_equal(again.vectors, fresh.vectors)
    query = "护照丢了要先登报吗"
    assert [(m.entry.id, m.score) for m in again.search(query, guide_id="passport")] == [(m.entry.id, m.score) for m in fresh.search(query, guide_id="passport")]
    guide = small_kb.guides["passport"]
    renamed = Knowledge(categories=small_kb.categories, life_events={}, synonyms=small_kb.synonyms, faq=small_kb.faq,
                        guides={**small_kb.guides, "passport": guide.model_copy(update={"keywords": [*guide.keywords, "旧护照"]})})  # fmt: skip
    other = build(renamed, CountingE5(), True)
    assert other.texts == build(renamed, CountingE5(), False).texts != again.texts
    assert len(list(tmp_path.glob("faq-masked-*"))) == 2


def test_the_dictionary_table_cuts_a_question_as_jiebas_whole_dictionary(small_kb, tmp_path):
    """The pinyin channel's word boundaries come from a tokenizer of the question's own dictionary words
    (read from the table), which must cut exactly as the whole dictionary does."""
    import json

    import jieba

    from assistant.understanding.keywords import Dictionary
    from assistant.understanding.sounds import cut
    from assistant.understanding.text import normalize
    from tests.conftest import ROOT

    bench = ROOT / "benchmarks"
    texts = [normalize(json.loads(x)["text"]) for f in ("typo-questions.jsonl", "extra-questions.jsonl") for x in (bench / f).read_text(encoding="utf-8").splitlines() if x.strip()]
    texts += ["", "护招 要带什么?", "身份证ABC123丢了", "离昏登记在哪办", "a b  c"]
    table, full = Dictionary(tmp_path), jieba.Tokenizer()
    full.initialize()
    assert [cut(t, table.tokenizer_for(t)) for t in texts] == [cut(t, full) for t in texts]
