"""A retrain after a small change to the knowledge base: the generated intent data changes only where
the changed guide appears, and training re-encodes only the texts it never encoded before."""

import json

import pytest
import yaml

from assistant.kb.source import Knowledge, load_knowledge
from assistant.understanding import pipeline as model
from assistant.understanding.e5 import E5
from assistant.understanding.nlu_data import generate_nlu, read_nlu, write_nlu
from assistant.understanding.retriever import guide_passages
from assistant.understanding.text import normalize
from tests.conftest import KNOWLEDGE, ROOT

TEMPLATES = yaml.safe_load((ROOT / "training" / "templates.yml").read_text(encoding="utf-8"))


def with_keyword(kb: Knowledge, gid: str, keyword: str) -> Knowledge:
    guide = kb.guides[gid]
    guides = {**kb.guides, gid: guide.model_copy(update={"keywords": [*guide.keywords, keyword]})}
    return Knowledge(categories=kb.categories, life_events=kb.life_events, synonyms=kb.synonyms, faq=kb.faq, guides=guides)


def examples_by_intent(data: dict) -> dict[str, set[str]]:
    return {b["intent"]: set(b["examples"].splitlines()) for b in data["nlu"] if "intent" in b}


def test_one_guides_new_keyword_changes_only_that_guides_examples():
    kb, _ = load_knowledge(KNOWLEDGE)
    gid = "passport"
    names = [kb.guides[gid].name, *kb.guides[gid].keywords, *kb.synonyms.services.get(gid, [])]
    before = examples_by_intent(generate_nlu(TEMPLATES, kb))
    after = examples_by_intent(generate_nlu(TEMPLATES, with_keyword(kb, gid, "因私普通护照")))
    entity = json.dumps({"entity": "service", "value": gid}, ensure_ascii=False)
    changed = 0
    for intent in before:
        for line in before[intent] ^ after[intent]:
            changed += 1
            # a service example of this guide, or another city's matter named by one of its names
            assert entity in line or (intent == "out_of_hall" and any(n in line for n in [*names, "因私普通护照"])), (intent, line)
    assert changed and any("因私普通护照" in line for lines in after.values() for line in lines)
    # the same input gives the same data (the draws depend on content, not on the process)
    assert examples_by_intent(generate_nlu(TEMPLATES, kb)) == before


def test_a_new_name_changes_no_other_guides_examples():
    kb, _ = load_knowledge(KNOWLEDGE)
    gid = sorted(kb.guides)[0]
    renamed = {**kb.guides, gid: kb.guides[gid].model_copy(update={"name": kb.guides[gid].name + "（新）"})}
    kb2 = Knowledge(categories=kb.categories, life_events=kb.life_events, synonyms=kb.synonyms, faq=kb.faq, guides=renamed)
    before, after = examples_by_intent(generate_nlu(TEMPLATES, kb)), examples_by_intent(generate_nlu(TEMPLATES, kb2))
    entity = json.dumps({"entity": "service", "value": gid}, ensure_ascii=False)
    diff = [(i, line) for i in before for line in before[i] ^ after[i]]
    assert diff and all(entity in line or "（新）" in line or kb.guides[gid].name in line for _, line in diff)


def small_templates() -> dict:
    """Two templates per service intent and language, nothing else: few texts for e5 to encode."""
    intents = {}
    for intent, spec in TEMPLATES["intents"].items():
        kept = {k: v[:2] for k, v in spec.items() if k.startswith("with_service_")}
        if kept:
            intents[intent] = kept
    return {"intents": intents}


@pytest.fixture
def counting(monkeypatch):
    """Every encoder training makes (the base one and the adapted one) counts into one list."""
    seen: list[tuple[str, str]] = []

    class Counting(E5):
        def raw(self, texts, kind):  # type: ignore[no-untyped-def]
            seen.extend((kind, t) for t in texts)
            return super().raw(texts, kind)

    def open_encoder(path=None):  # type: ignore[no-untyped-def]
        assert path is None  # the bundled e5
        return Counting()

    monkeypatch.setattr(model, "open_encoder", open_encoder)
    monkeypatch.setattr(model, "E5", Counting)
    return seen


def texts_to_encode(kb: Knowledge, nlu) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The questions (as queries), the guides' passages and names (as passages) training embeds."""
    queries = {("query", normalize(e.text)) for e in read_nlu(nlu)}
    passages = {("passage", p) for g in kb.guides.values() for p in guide_passages(g, kb)}
    return queries | passages | {("passage", normalize(g.name)) for g in kb.guides.values()}


def test_a_retrain_after_one_new_keyword_encodes_only_the_new_texts(tmp_path, counting):
    full, _ = load_knowledge(KNOWLEDGE)
    keep = ["passport", "id-card-replacement", "driving-licence-renewal", "company-registration"]
    kb = Knowledge(categories=full.categories, life_events={}, synonyms=full.synonyms, faq=[], guides={g: full.guides[g] for g in keep})
    cache, templates = tmp_path / "cache", small_templates()
    write_nlu(generate_nlu(templates, kb), tmp_path / "a.yml")
    model.train(kb, tmp_path / "a.yml", tmp_path / "models-a", cache_dir=cache, log=lambda _m: None)
    first = set(counting)
    assert len(counting) == len(first)  # a cold cache: each text once
    assert texts_to_encode(kb, tmp_path / "a.yml") <= first

    counting.clear()
    kb2 = with_keyword(kb, "passport", "因私普通护照")
    write_nlu(generate_nlu(templates, kb2), tmp_path / "b.yml")
    report = model.train(kb2, tmp_path / "b.yml", tmp_path / "models-b", cache_dir=cache, log=lambda _m: None)
    again = set(counting)
    assert len(counting) == len(again) and not again & first  # nothing encoded before is encoded again
    new = texts_to_encode(kb2, tmp_path / "b.yml") - first
    assert ("passage", "因私普通护照") in new and new <= again
    # the new questions are some of the changed guide's, a small part of all
    questions = {t for kind, t in new if kind == "query"}
    assert questions <= {normalize(e.text) for e in read_nlu(tmp_path / "b.yml") if e.service == "passport"}
    assert len(questions) < report.examples / 5


def test_an_intent_fit_starts_from_the_newest_cached_model_of_its_shape(tmp_path, monkeypatch):
    import numpy as np

    from assistant.understanding.intent import IntentModel

    texts, labels = ["□要带什么", "□多少钱", "□要带哪些材料", "□收费吗"], ["ask_materials", "ask_fee", "ask_materials", "ask_fee"]
    first = model.cached_intent_model(texts, labels, np.eye(4, 3, dtype=np.float32), tmp_path)
    model.cached_intent_model(texts, labels, np.zeros((4, 0), dtype=np.float32), tmp_path)  # newer, another shape
    (tmp_path / "intent-broken").mkdir()
    (tmp_path / "intent-broken" / "params.json").write_text("{not json")  # damaged: passed over
    starts: list = []
    train = IntentModel.train
    monkeypatch.setattr(IntentModel, "train", classmethod(lambda cls, *a, start=None, **k: starts.append(start) or train(*a, start=start, **k)))
    new_texts, new_vectors = [*texts[:3], "□收不收费"], np.eye(4, 3, dtype=np.float32) * 0.9
    again = model.cached_intent_model(new_texts, labels, new_vectors, tmp_path)
    assert len(starts) == 1 and starts[0] is not None and np.array_equal(starts[0].coef, first.coef)
    cold = train(new_texts, labels, new_vectors)  # the same optimum from nothing
    for text, vec in zip(new_texts, new_vectors):
        np.testing.assert_allclose(again.predict(text, vec).confidence, cold.predict(text, vec).confidence, atol=1e-3)
    model.cached_intent_model(texts, ["ask_materials", "ask_fee", "ask_fee", "ask_location"], np.eye(4, 3, dtype=np.float32), tmp_path)
    assert starts[-1] is None  # other classes: a cold start


def test_an_intent_fit_starts_from_the_last_model_of_its_role(tmp_path, monkeypatch):
    import numpy as np

    from assistant.understanding.intent import IntentModel

    texts, labels = ["□要带什么", "□多少钱", "□要带哪些材料", "□收费吗"], ["ask_materials", "ask_fee", "ask_materials", "ask_fee"]
    none = lambda n: np.zeros((n, 0), dtype=np.float32)  # noqa: E731
    fold = model.cached_intent_model(texts[:3], labels[:3], none(3), tmp_path, role="fold-0")
    model.cached_intent_model(texts, labels, none(4), tmp_path, role="lexical")  # newer, of the same shape
    assert (tmp_path / "intent-last-fold-0.txt").exists()
    starts: list = []
    train = IntentModel.train
    monkeypatch.setattr(IntentModel, "train", classmethod(lambda cls, *a, start=None, **k: starts.append(start) or train(*a, start=start, **k)))
    model.cached_intent_model([*texts[:2], "□要带哪些证件"], labels[:3], none(3), tmp_path, role="fold-0")
    assert len(starts) == 1 and np.array_equal(starts[0].coef, fold.coef)  # its own predecessor, not the newest
