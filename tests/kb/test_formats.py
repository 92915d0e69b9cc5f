import json

import pytest
from openpyxl import load_workbook

from assistant.kb.formats import knowledge_json, read_json, read_xlsx, write_xlsx, write_yaml_dir
from assistant.kb.source import SourceError, load_knowledge
from tests.conftest import KNOWLEDGE


@pytest.fixture(scope="module")
def kb():
    knowledge, problems = load_knowledge(KNOWLEDGE)
    assert problems == []
    return knowledge


def test_yaml_dir_round_trip_loses_nothing(kb, tmp_path):
    write_yaml_dir(kb, tmp_path / "out")
    back, problems = load_knowledge(tmp_path / "out")
    assert problems == []
    assert back.guides == kb.guides and back.life_events == kb.life_events
    assert back.synonyms == kb.synonyms and back.faq == kb.faq and back.categories == kb.categories


def test_xlsx_round_trip_loses_nothing(kb, tmp_path):
    path = tmp_path / "kb.xlsx"
    write_xlsx(kb, path)
    wb = load_workbook(path, read_only=True)
    assert {"guides", "materials", "steps", "faq", "legal_basis", "life_events"} <= set(wb.sheetnames)
    wb.close()
    back = read_xlsx(path)
    assert back.guides == kb.guides and back.life_events == kb.life_events
    assert back.synonyms == kb.synonyms and back.faq == kb.faq and back.categories == kb.categories


def test_json_export_shape(kb, tmp_path):
    data = knowledge_json(kb)
    item = next(g for g in data if g["id"] == "id-card-renewal")
    assert {"id", "name", "materials", "channels", "online_url"} <= set(item)
    assert {"name", "required"} <= set(item["materials"][0])
    conditional = [m for m in item["materials"] if not m["required"]]
    assert conditional and all(m["condition"] for m in conditional)
    path = tmp_path / "kb.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert read_json(path).guides == kb.guides


def test_xlsx_with_bad_cell_names_sheet_and_field(kb, tmp_path):
    path = tmp_path / "kb.xlsx"
    write_xlsx(kb, path)
    wb = load_workbook(path)
    ws = wb["materials"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("copies") + 1, value="lots")
    wb.save(path)
    with pytest.raises(SourceError) as exc:
        read_xlsx(path)
    assert any("materials.0.copies" in p.field for p in exc.value.problems)


def test_not_a_workbook(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"\xff\xfe not a zip")
    with pytest.raises(SourceError, match="not a readable xlsx"):
        read_xlsx(path)


def test_new_fields_round_trip_in_every_format(kb, tmp_path):
    """online_level, one-of groups and day units survive YAML, JSON and xlsx."""
    death, renewal = kb.guides["death-registration"], kb.guides["id-card-renewal"]
    assert any(m.one_of for m in death.materials) and renewal.time_limit.legal_unit.value == "calendar"
    path = tmp_path / "kb.xlsx"
    write_xlsx(kb, path)
    json_path = tmp_path / "kb.json"
    json_path.write_text(json.dumps(knowledge_json(kb), ensure_ascii=False), encoding="utf-8")
    write_yaml_dir(kb, tmp_path / "out")
    for back in (read_xlsx(path), read_json(json_path), load_knowledge(tmp_path / "out")[0]):
        assert back.guides["death-registration"] == death and back.guides["id-card-renewal"] == renewal
        assert back.guides["marriage-registration"].online_level.value == "booking"
    assert all("online_level" in g for g in knowledge_json(kb))
