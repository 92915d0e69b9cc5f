from pathlib import Path

import pytest

from assistant.kb.source import MAX_FILE_BYTES, SourceError, load_guide, load_knowledge
from tests.conftest import KNOWLEDGE

GUIDE = KNOWLEDGE / "guides" / "id-card-renewal.yaml"


def write(tmp_path: Path, content: bytes | str, name: str = "id-card-renewal.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(SourceError) as exc:
        load_guide(path)
    return [str(p) for p in exc.value.problems]


def test_sample_knowledge_is_complete_and_valid():
    kb, problems = load_knowledge(KNOWLEDGE)
    assert problems == []
    assert len(kb.guides) == 40
    assert kb.life_events and kb.categories and kb.synonyms.terms and kb.faq
    for guide in kb.guides.values():
        assert guide.sample and len(guide.faq) >= 3, guide.id
        assert guide.channels.online is (guide.online_url is not None) or guide.online_url is not None


def test_malformed_yaml_names_file_and_line(tmp_path):
    path = write(tmp_path, "id: x\nname: [unclosed\n")
    (msg,) = problems_of(path)
    assert str(path) in msg and "line" in msg and "malformed YAML" in msg


def test_wrong_type_names_field(tmp_path):
    text = GUIDE.read_text(encoding="utf-8").replace("copies: 1", "copies: lots", 1)
    (msg,) = problems_of(write(tmp_path, text))
    assert "materials.0.copies" in msg


def test_unknown_field_names_field(tmp_path):
    text = GUIDE.read_text(encoding="utf-8") + "colour: red\n"
    (msg,) = problems_of(write(tmp_path, text))
    assert msg.endswith("colour: unknown field")


def test_huge_file_is_refused_without_parsing(tmp_path):
    path = write(tmp_path, b"# " + b"x" * (10 * 1024 * 1024))
    (msg,) = problems_of(path)
    assert f"limit is {MAX_FILE_BYTES}" in msg


def test_non_utf8_bytes_are_refused(tmp_path):
    path = write(tmp_path, GUIDE.read_text(encoding="utf-8").encode("gbk"))
    (msg,) = problems_of(path)
    assert "not UTF-8" in msg


def test_file_name_must_match_id(tmp_path):
    path = write(tmp_path, GUIDE.read_text(encoding="utf-8"), name="other-name.yaml")
    (msg,) = problems_of(path)
    assert "does not match the file name" in msg


def test_broken_references_are_reported(kb_copy):
    events = kb_copy / "life_events.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace("[marriage-registration, hukou-transfer, birth-registration]", "[marriage-registration, hukou-transfer, birth-registration, no-such-service]"), encoding="utf-8")
    synonyms = kb_copy / "synonyms.yaml"
    synonyms.write_text(synonyms.read_text(encoding="utf-8") + "  ghost-service: [鬼]\n", encoding="utf-8")
    _, problems = load_knowledge(kb_copy)
    messages = [str(p) for p in problems]
    assert any("marriage.services.3: unknown guide 'no-such-service'" in m for m in messages)
    assert any("services.ghost-service: unknown guide" in m for m in messages)


def test_guide_with_unknown_life_event_is_reported(kb_copy):
    path = kb_copy / "guides" / "passport.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("life_events: []", "life_events: [space-travel]"), encoding="utf-8")
    _, problems = load_knowledge(kb_copy)
    assert any(p.field == "life_events.0" and "space-travel" in p.message for p in problems)
