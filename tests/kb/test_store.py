import copy

import pytest
from sqlalchemy import func, select

from assistant.db import Database
from assistant.kb.models import GuideRow, GuideVersionRow
from assistant.kb.source import load_knowledge
from assistant.kb.store import get_guide, guide_versions, import_knowledge, load_knowledge_from_db
from tests.conftest import KNOWLEDGE


@pytest.fixture
def db(db_url):
    database = Database(db_url)
    yield database
    database.dispose()


def test_import_is_idempotent(db):
    kb, _ = load_knowledge(KNOWLEDGE)
    with db.session() as s:
        first = import_knowledge(s, kb=kb)
    with db.session() as s:
        second = import_knowledge(s, kb=kb)
    assert len(first.added) == 40 and not first.updated
    assert second.added == [] and second.updated == [] and len(second.unchanged) == 40
    assert not second.changed
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(GuideVersionRow)) == 40


def test_changed_guide_gets_a_new_version(db):
    kb, _ = load_knowledge(KNOWLEDGE)
    with db.session() as s:
        import_knowledge(s, kb=kb)
    guide = kb.guides["passport"]
    kb.guides["passport"] = guide.model_copy(update={"hours": "周一至周日 8:00-20:00"})
    with db.session() as s:
        report = import_knowledge(s, kb=kb, author="curator")
    assert report.updated == ["passport"]
    with db.session() as s:
        versions = guide_versions(s, guide_id="passport")
        assert [v.version for v in versions] == [1, 2]
        assert versions[0].data["hours"] == guide.hours and versions[1].author == "curator"
        assert get_guide(s, guide_id="passport").hours == "周一至周日 8:00-20:00"


def test_failed_import_changes_nothing(db):
    kb, _ = load_knowledge(KNOWLEDGE)
    with db.session() as s:
        import_knowledge(s, kb=kb)
    changed = copy.deepcopy(kb)
    changed.guides["passport"] = changed.guides["passport"].model_copy(update={"hours": "changed"})
    with pytest.raises(RuntimeError):
        with db.session() as s:
            import_knowledge(s, kb=changed)
            raise RuntimeError("disk full halfway")
    with db.session() as s:
        assert get_guide(s, guide_id="passport").hours == kb.guides["passport"].hours
        assert s.scalar(select(func.max(GuideRow.version))) == 1


def test_prune_removes_guides_not_in_source(db):
    kb, _ = load_knowledge(KNOWLEDGE)
    with db.session() as s:
        import_knowledge(s, kb=kb)
    del kb.guides["passport"]
    with db.session() as s:
        report = import_knowledge(s, kb=kb, prune=True)
    assert report.removed == ["passport"]
    with db.session() as s:
        assert get_guide(s, guide_id="passport") is None


def test_db_round_trip_keeps_every_document(db):
    kb, _ = load_knowledge(KNOWLEDGE)
    with db.session() as s:
        import_knowledge(s, kb=kb)
    with db.session() as s:
        back = load_knowledge_from_db(s)
    assert back.guides == kb.guides
    assert back.life_events == kb.life_events and back.categories == kb.categories
    assert back.synonyms == kb.synonyms and back.faq == kb.faq


def test_json_import_of_guides_only_keeps_synonyms_and_events(db):
    kb, _ = load_knowledge(KNOWLEDGE)
    with db.session() as s:
        import_knowledge(s, kb=kb)
    from assistant.kb.source import Knowledge

    with db.session() as s:
        report = import_knowledge(s, kb=Knowledge(guides=dict(kb.guides)))
    assert report.documents_changed == []
    with db.session() as s:
        back = load_knowledge_from_db(s)
    assert back.synonyms == kb.synonyms and back.life_events == kb.life_events
