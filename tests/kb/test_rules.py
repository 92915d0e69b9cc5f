"""kb check refuses guides whose fields would make the assistant say something untrue; each refusal
names file and field."""

import copy
from pathlib import Path

import pytest
import yaml

from assistant.kb.formats import read_json
from assistant.kb.source import SourceError, load_guide, load_knowledge
from tests.conftest import KNOWLEDGE


def guide_data(gid: str) -> dict:
    return yaml.safe_load((KNOWLEDGE / "guides" / f"{gid}.yaml").read_text(encoding="utf-8"))


def refused(tmp_path: Path, data: dict) -> list[str]:
    path = tmp_path / f"{data['id']}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SourceError) as exc:
        load_guide(path)
    return [str(p) for p in exc.value.problems]


def test_the_sample_knowledge_passes_every_rule():
    _kb, problems = load_knowledge(KNOWLEDGE)
    assert problems == []


def test_full_with_visits_is_refused(tmp_path):
    data = guide_data("social-security-card")
    data["visits"] = 1
    msg = next(m for m in refused(tmp_path, data) if ":online_level:" in m)
    assert msg.startswith(f"{tmp_path / 'social-security-card.yaml'}:online_level:") and "visits is 1" in msg


def test_no_visit_needs_full(tmp_path):
    data = guide_data("marriage-registration")
    data["visits"] = 0
    msgs = refused(tmp_path, data)
    assert any(":visits: visits is 0 but online_level is booking" in m for m in msgs)


def test_booking_with_every_step_online_is_refused(tmp_path):
    data = guide_data("marriage-registration")
    for step in data["steps"]:
        step["online"], step["visit"] = True, False
    msgs = refused(tmp_path, data)
    msg = next(m for m in msgs if ":online_level:" in m)
    assert ":online_level: level booking but every step is online" in msg


def test_none_with_an_online_step_is_refused(tmp_path):
    data = guide_data("id-card-temporary")
    data["steps"][1]["online"] = True  # 审核制证, not a visit
    (msg,) = refused(tmp_path, data)
    assert ":online_level: level none but step" in msg


def test_partial_without_an_online_step_is_refused(tmp_path):
    data = guide_data("residence-permit")
    for step in data["steps"]:
        step["online"] = False
    (msg,) = refused(tmp_path, data)
    assert ":online_level: level partial but no step is marked online" in msg


def test_unknown_level_is_refused(tmp_path):
    data = guide_data("passport")
    data["online_level"] = "sometimes"
    (msg,) = refused(tmp_path, data)
    assert ":online_level:" in msg


def test_old_guides_without_a_level_keep_their_meaning():
    """Backward compatible import: a guide written before online_level reads as it did."""
    data = guide_data("social-security-card")
    del data["online_level"]
    from assistant.kb.schema import Guide

    assert Guide.model_validate(data).online_level.value == "full"
    data = guide_data("id-card-temporary")
    del data["online_level"]
    guide = Guide.model_validate(data)
    assert guide.online_level.value == "none" and guide.channels.online is False


def test_online_yes_no_follows_the_level():
    from assistant.kb.schema import Guide

    data = guide_data("marriage-registration")
    data["channels"]["online"] = False  # a stale yes/no cannot contradict the level
    assert Guide.model_validate(data).channels.online is True


def test_json_import_runs_the_rules(tmp_path):
    data = guide_data("social-security-card")
    data["visits"] = 2
    import json

    path = tmp_path / "kb.json"
    path.write_text(json.dumps([data], ensure_ascii=False, default=str), encoding="utf-8")
    with pytest.raises(SourceError) as exc:
        read_json(path)
    assert any(p.field == "0.online_level" for p in exc.value.problems)


def test_copy_is_independent():
    assert copy.deepcopy(guide_data("passport"))["online_level"] == "booking"


def test_alternatives_written_as_optional_items_are_refused(tmp_path):
    """The old death-registration: four optional proofs, each 'one of four', so none read as required."""
    data = guide_data("id-card-renewal")
    for name in ("甲证明", "乙证明"):
        data["materials"].append({"name": name, "required": False, "condition": "按情形提交其一"})
    msgs = refused(tmp_path, data)
    assert any(":materials." in m and ".condition: '甲证明' is one of several alternatives" in m for m in msgs)


def test_a_one_of_group_needs_two_alternatives(tmp_path):
    data = guide_data("death-registration")
    group = next(m for m in data["materials"] if m.get("one_of"))
    group["one_of"] = group["one_of"][:1]
    (msg,) = refused(tmp_path, data)
    assert msg.endswith(".one_of: a one-of group needs at least two alternatives")


def test_a_one_of_alternative_listed_twice_is_refused(tmp_path):
    data = guide_data("death-registration")
    group = next(m for m in data["materials"] if m.get("one_of"))
    group["one_of"].append(dict(group["one_of"][0]))
    (msg,) = refused(tmp_path, data)
    assert ".one_of.4.name: duplicate alternative" in msg


def test_calendar_days_printed_as_working_days_are_refused(tmp_path):
    data = guide_data("id-card-renewal")
    data["time_limit"]["legal_unit"] = "working"
    (msg,) = refused(tmp_path, data)
    assert msg.endswith(":time_limit.legal_unit: the note says 60日 (calendar days) but legal_unit is working")


def test_zero_days_on_a_promised_case_is_refused(tmp_path):
    data = guide_data("passport")
    data["time_limit"]["promised_days"] = 0
    (msg,) = refused(tmp_path, data)
    assert ":time_limit.promised_days: a 承诺件" in msg


def test_on_the_spot_with_days_is_refused(tmp_path):
    data = guide_data("marriage-registration")
    data["time_limit"]["promised_days"] = 5
    (msg,) = refused(tmp_path, data)
    assert ":case_type: on_the_spot" in msg


def test_a_waiting_period_is_not_on_the_spot(tmp_path):
    data = guide_data("divorce-registration")
    data["case_type"] = "on_the_spot"
    (msg,) = refused(tmp_path, data)
    assert ":case_type: on_the_spot (当场办结) but there is a 30-day waiting period" in msg


def test_visits_contradicting_the_steps_are_refused(tmp_path):
    """hukou-transfer once said 1 visit while its steps held two window visits."""
    data = guide_data("hukou-transfer")
    data["visits"] = 1
    (msg,) = refused(tmp_path, data)
    assert msg.endswith(":visits: visits is 1 but steps 2, 4 are visits (2)")


def test_a_path_that_saves_no_visit_is_refused(tmp_path):
    data = guide_data("id-card-renewal")
    data["visits_paths"][0]["visits"] = 2
    (msg,) = refused(tmp_path, data)
    assert ":visits_paths.0.visits: '选择邮寄领证' gives 2 visits" in msg


def test_visits_without_marked_trips_are_refused(tmp_path):
    data = guide_data("death-registration")
    for step in data["steps"]:
        step.pop("visit", None)
    (msg,) = refused(tmp_path, data)
    assert msg.endswith(":steps: visits is 1 but no step says visit: true: mark the steps that are trips")


def test_every_guide_with_visits_marks_its_trips():
    kb, _ = load_knowledge(KNOWLEDGE)
    for g in kb.guides.values():
        assert sum(s.visit for s in g.steps) == g.visits, g.id


def test_a_note_told_in_answers_needs_english(tmp_path):
    data = guide_data("hukou-newborn")
    item = next(m for m in data["materials"] if m.get("notes_en"))
    item.pop("notes_en")
    (msg,) = refused(tmp_path, data)
    assert ".notes_en: the note on" in msg and "give notes_en" in msg
