"""The curator's background rebuild after a publish: it updates the serving index from itself (only the
published guide is read, indexed and encoded again), says how far it is as a percentage, and the
answers after it are those of a start from nothing over the same knowledge."""

from __future__ import annotations

import shutil

import pytest

from assistant.config import Settings
from assistant.curation.rebuild import Rebuilder
from assistant.db import Database
from assistant.engine import Engine, Paths
from assistant.kb.source import Knowledge, load_knowledge
from assistant.kb.store import import_knowledge, load_knowledge_from_db, save_guide
from assistant.understanding.memo import Memo
from assistant.understanding.pipeline import Understanding
from assistant.understanding.retriever import guide_passages
from tests.conftest import KNOWLEDGE, ROOT
from tests.understanding.test_incremental_index import copy_vectors

KEEP = ["passport", "id-card-replacement", "id-card-renewal", "id-card-temporary", "driving-licence-renewal", "hk-macau-permit",
        "marriage-registration", "residence-permit", "social-security-card", "birth-registration"]  # fmt: skip
QUESTIONS = ["护照丢了怎么补办", "身份证到期换领要带什么", "护照急需使用身份证怎么办", "驾照体检在哪里", "how do I renew my passport", "结婚登记要预约吗"]


@pytest.fixture
def setup(trained_settings, tmp_path):
    """An engine of its own over its own database of ten guides, with the trained models and their cache."""
    shutil.copytree(trained_settings.data_dir / "models", tmp_path / "models")
    copy_vectors(trained_settings.data_dir / "cache", tmp_path / "cache")  # e5's outputs only: the rest is built here
    settings = Settings(data_dir=tmp_path, knowledge_dir=KNOWLEDGE, training_dir=ROOT / "training", session_store="memory")
    full, _ = load_knowledge(KNOWLEDGE)
    db = Database(settings.database_url)
    with db.session() as s:
        import_knowledge(s, kb=Knowledge(categories=full.categories, life_events={}, synonyms=full.synonyms, faq=full.faq, guides={g: full.guides[g] for g in KEEP}))
    engine = Engine.load(settings, db=db, log=lambda _m: None)
    paths = Paths.of(settings)
    yield engine, db, Rebuilder(engine, db, paths.models, paths.cache), paths
    db.dispose()


def publish(db: Database, engine: Engine, gid: str, **update) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        assert save_guide(s, guide=engine.kb.guides[gid].model_copy(update=update), author="test") == "updated"


def answers(understanding: Understanding) -> list[tuple]:
    out = []
    for q in QUESTIONS:
        u = understanding.understand(q)
        out.append((q, [(h.guide_id, h.score, h.parts) for h in u.hits], u.confidence, u.intent.intent, u.intent.confidence))
    return out


def watch(rebuilder: Rebuilder) -> list[tuple[int, int, int]]:
    """(done, total, the status's percentage) at every progress report of the rebuild."""
    seen: list[tuple[int, int, int]] = []
    report = rebuilder._progress
    rebuilder._progress = lambda done, total: (report(done, total), seen.append((done, total, rebuilder.status["progress"])))  # type: ignore[method-assign]
    return seen


def test_a_publish_updates_the_index_from_the_serving_one_and_answers_as_a_fresh_start(setup, tmp_path):
    engine, db, rebuilder, paths = setup
    before = engine.understanding
    passport = engine.kb.guides["passport"]
    publish(db, engine, "passport", summary=passport.summary + "（急需使用身份证的，可申请临时居民身份证）")
    seen = watch(rebuilder)
    assert rebuilder.request("publish passport")["state"] == "running"
    status = rebuilder.wait()
    assert status["state"] == "ready" and status["generation"] == 1 and status["progress"] == 100, status
    after = engine.understanding
    assert after is not before and after.retriever.lexicon is before.retriever.lexicon  # no name changed: the name index is kept
    passages = guide_passages(after.kb.guides["passport"], after.kb)
    new = set(passages) - set(guide_passages(passport, before.kb))
    # only the published guide's passages are looked up, and of them only the new one goes through e5
    total, kept = len(passages), len(passages) - len(new)
    assert new and status["passages"] == total and seen[0] == (kept, total, round(100 * kept / total)) and seen[-1] == (total, total, 100)

    with db.session() as s:
        kb = load_knowledge_from_db(s)
    copy_vectors(paths.cache, tmp_path / "fresh-cache")
    fresh = Understanding.load(kb, paths.models, cache_dir=tmp_path / "fresh-cache")  # a start: nothing but e5's outputs kept
    assert answers(after) == answers(fresh)
    assert "passport" in [h.guide_id for h in after.understand("护照急需使用身份证").hits[:2]]

    # the next publish reads only the changed guide from the database: every other guide is the same object
    unchanged = engine.kb.guides["id-card-renewal"]
    publish(db, engine, "passport", summary=passport.summary)
    assert rebuilder.request("rollback passport")["state"] == "running"
    assert rebuilder.wait()["state"] == "ready"
    assert engine.kb.guides["id-card-renewal"] is unchanged and engine.kb.guides["passport"].summary == passport.summary
    assert answers(engine.understanding) == answers(before)


def test_a_rebuild_with_nothing_to_reuse_reports_rising_percentages(setup, tmp_path):
    """Nothing kept in memory or on disk: every passage is encoded, and the status says how far it is
    (the curator console shows this percentage), rising to 100, with the count of passages."""
    engine, db, _, paths = setup
    rebuilder = Rebuilder(engine, db, paths.models, tmp_path / "empty-cache")
    engine.understanding.retriever.memo = Memo()  # forget what the serving index built
    seen = watch(rebuilder)
    rebuilder.request("manual")
    status = rebuilder.wait()
    total = len(engine.understanding.retriever.passage_owner)
    assert status["state"] == "ready" and status["passages"] == total > 64  # more than one batch of e5
    percentages = [p for *_, p in seen]
    assert percentages[0] == 0 and percentages[-1] == 100 and 0 < percentages[1] < 100 and percentages == sorted(percentages)
