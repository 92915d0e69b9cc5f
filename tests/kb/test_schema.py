import copy

import pytest
import yaml
from pydantic import ValidationError

from assistant.kb.schema import Guide
from tests.conftest import KNOWLEDGE

SAMPLE = yaml.safe_load((KNOWLEDGE / "guides" / "id-card-renewal.yaml").read_text(encoding="utf-8"))


def make(**changes):
    data = copy.deepcopy(SAMPLE)
    data.update(changes)
    return Guide.model_validate(data)


def test_sample_guide_is_valid_and_structured():
    guide = make()
    assert guide.required_materials and all(m.name for m in guide.required_materials)
    assert all(m.condition for m in guide.conditional_materials)
    assert guide.online_url is not None and guide.online_level.value == "booking"


def test_every_field_has_a_chinese_label():
    for name, field in Guide.model_fields.items():
        assert field.title and any("\u4e00" <= ch <= "\u9fff" for ch in field.title), name


def test_unknown_field_is_refused():
    with pytest.raises(ValidationError, match="extra"):
        make(colour="red")


def test_wrong_type_is_refused():
    with pytest.raises(ValidationError) as exc:
        make(visits="many")
    assert exc.value.errors()[0]["loc"] == ("visits",)


def test_conditional_material_needs_its_condition():
    data = copy.deepcopy(SAMPLE)
    data["materials"][0]["required"] = False
    with pytest.raises(ValidationError, match="needs a condition"):
        Guide.model_validate(data)


def test_duplicate_material_is_refused():
    data = copy.deepcopy(SAMPLE)
    data["materials"].append(copy.deepcopy(data["materials"][0]))
    with pytest.raises(ValidationError, match="duplicate material"):
        Guide.model_validate(data)


def test_online_channel_needs_an_online_entry():
    data = copy.deepcopy(SAMPLE)
    del data["online_url"]
    with pytest.raises(ValidationError, match="online_url is missing"):
        Guide.model_validate(data)


def test_no_online_level_means_no_online_entry_needed():
    data = copy.deepcopy(SAMPLE)
    data["online_level"] = "none"
    del data["online_url"]
    guide = Guide.model_validate(data)
    assert guide.channels.online is False  # the yes/no older readers use follows the level


def test_bad_id_is_refused():
    with pytest.raises(ValidationError):
        make(id="ID Card!")


def test_charged_fee_needs_amount():
    with pytest.raises(ValidationError, match="needs an amount"):
        make(fee={"free": False})
