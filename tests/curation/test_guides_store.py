import pytest
from sqlalchemy import func, select

from assistant.curation import guides as curation
from assistant.curation.models import AuditRow
from assistant.db import Database
from assistant.kb.models import GuideRow, GuideVersionRow
from assistant.kb.source import load_knowledge
from assistant.kb.store import get_guide, import_knowledge
from tests.conftest import KNOWLEDGE


@pytest.fixture
def db(db_url):
    database = Database(db_url)
    kb, _ = load_knowledge(KNOWLEDGE)
    with database.session() as s:
        import_knowledge(s, kb=kb)
    yield database
    database.dispose()


def edited(db, **changes):
    with db.session() as s:
        data = curation.editable(s, guide_id="passport")["guide"]
    return {**data, **changes}


def test_draft_publish_rollback_with_history_and_audit(db):
    original = edited(db)["materials"]
    materials = [*original, {"name": "测试材料", "form": "copy", "copies": 2}]
    with db.session() as s:
        curation.save_draft(s, guide_id="passport", data=edited(db, materials=materials), user="li")
    with db.session() as s:
        assert get_guide(s, guide_id="passport").materials[-1].name != "测试材料"  # a draft is not published
        assert curation.editable(s, guide_id="passport")["has_draft"]
    with db.session() as s:
        assert curation.publish(s, guide_id="passport", user="zhang") == 2
    with db.session() as s:
        assert get_guide(s, guide_id="passport").materials[-1].name == "测试材料"
        assert "测试材料" in curation.diff(s, guide_id="passport", a=1, b=2)
    with db.session() as s:
        assert curation.rollback(s, guide_id="passport", version=1, user="zhang") == 3
    with db.session() as s:
        assert [m.name for m in get_guide(s, guide_id="passport").materials] == [m["name"] for m in original]
        assert [v["version"] for v in curation.versions(s, guide_id="passport")] == [1, 2, 3]
        actions = [a["action"] for a in curation.audit_log(s, target="passport")]
        assert actions == ["rollback", "publish", "save_draft"]
        assert curation.audit_log(s, target="passport")[1]["detail"]["changes"] == ["materials"]


def test_invalid_draft_names_the_field_and_saves_nothing(db):
    bad = edited(db)
    bad["materials"][0]["copies"] = -1
    with db.session() as s, pytest.raises(curation.Invalid) as exc:
        curation.save_draft(s, guide_id="passport", data=bad, user="li")
    assert exc.value.errors[0]["field"] == "materials.0.copies"
    with db.session() as s:
        assert not curation.editable(s, guide_id="passport")["has_draft"]
        assert s.scalar(select(func.count()).select_from(AuditRow)) == 0


def test_unknown_guide_version_and_nothing_to_publish(db):
    with db.session() as s:
        with pytest.raises(curation.NotFound):
            curation.editable(s, guide_id="nope")
        with pytest.raises(curation.NotFound):
            curation.rollback(s, guide_id="passport", version=99, user="x")
        with pytest.raises(curation.Invalid, match="no draft"):
            curation.publish(s, guide_id="passport", user="x")
        with pytest.raises(curation.Invalid, match="cannot change"):
            curation.save_draft(s, guide_id="passport", data=edited(db, id="other"), user="x")


def test_publish_interrupted_midway_leaves_nothing_half_written(db, monkeypatch):
    with db.session() as s:
        curation.save_draft(s, guide_id="passport", data=edited(db, hours="全天"), user="li")

    def crash(*args, **kwargs):
        raise OSError("power cut")

    monkeypatch.setattr(curation, "audit", crash)  # fails after the new version rows were written
    with pytest.raises(OSError), db.session() as s:
        curation.publish(s, guide_id="passport", user="zhang")
    with db.session() as s:
        row = s.get(GuideRow, "passport")
        assert row.version == 1 and row.draft is not None and row.data["hours"] != "全天"
        assert s.scalar(select(func.count()).select_from(GuideVersionRow).where(GuideVersionRow.guide_id == "passport")) == 1
