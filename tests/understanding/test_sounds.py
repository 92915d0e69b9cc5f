"""The pinyin channel respells same-sounding misspellings of names, and nothing else."""

from pathlib import Path

import pytest

from assistant.kb.source import load_knowledge
from assistant.understanding.names import Lexicon
from assistant.understanding.sounds import SoundIndex, syllables

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    kb, _ = load_knowledge(KNOWLEDGE)
    return Lexicon.from_knowledge(kb)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("护招要带什么", "护照要带什么"), ("户口迁如怎么办", "户口迁入怎么办"), ("营业执找丢了", "营业执照丢了"), ("身份正丢了", "身份证丢了"),
     ("离昏登记", "离婚登记"), ("公基金提取", "公积金提取")],
)  # fmt: skip
def test_same_sounding_names_are_respelled(lexicon, typed, meant):
    assert lexicon.respell(typed) == meant


@pytest.mark.parametrize(
    "text",
    ["护照要带什么", "车子年审可以手机上办吗", "节假日办不办", "我家老人不会用手机", "早上好", "有几种办理渠道", "", "<b>x</b>", "a" * 2000, "12345"],
)
def test_correct_text_is_left_alone(lexicon, text):
    assert lexicon.respell(text) == text


def test_a_sound_shared_by_two_names_respells_neither():
    index = SoundIndex(["公式", "公事"])  # gong shi, both
    assert index.respell("公示要多久") == "公示要多久"


def test_syllables_keep_one_per_character():
    assert syllables("护照A1") == ["hu", "zhao", "A", "1"]


def test_a_typo_finds_its_guide(assistant):
    reply = assistant.ask("户口迁如要什么材料")
    assert reply.service == "hukou-transfer" and reply.kind == "answer"


def _questions() -> list[str]:
    import json

    from assistant.understanding.text import normalize

    files = ["typo-questions.jsonl", "extra-questions.jsonl", "faq-questions.jsonl", "out-of-scope-questions.jsonl"]
    bench = Path(__file__).resolve().parents[2] / "benchmarks"
    return [normalize(json.loads(x)["text"]) for f in files for x in (bench / f).read_text(encoding="utf-8").splitlines() if x.strip()]


def test_the_cheap_test_lets_through_every_text_the_exact_check_would_change(lexicon):
    sounds = lexicon.sounds
    texts = [*_questions(), "护招要带什么", "户口迁如怎么办", "营业执找丢了", "身份正丢了", "离昏登记", "公基金提取"]
    changed = [t for t in texts if sounds.respell_exactly(t) != t]
    assert len(changed) >= 20  # the typo set is in there
    assert all(sounds.might_respell(t) for t in changed)
    skipped = [t for t in texts if not sounds.might_respell(t)]
    assert len(skipped) > len(texts) / 2  # most questions need no pypinyin at all
    assert all(sounds.respell(t) == t for t in skipped)


def test_a_name_written_correctly_needs_no_exact_check(lexicon):
    """身份证 sounds like its variant 身分证 and 生育津贴 holds 生育津 (like 生育金): both are written
    correctly, so the cheap test lets them pass without pypinyin; the variant itself is still respelled."""
    sounds = lexicon.sounds
    for text in ("身份证丢了要带什么", "居民身份证遗失补领收多少钱", "生育津贴申领材料"):
        assert not sounds.might_respell(text) and sounds.respell_exactly(text) == text
    assert sounds.might_respell("临时身分证怎么办") and lexicon.respell("临时身分证怎么办") == "临时身份证怎么办"
    assert sounds.might_respell("身份正丢了") and lexicon.respell("身份正丢了") == "身份证丢了"


def test_the_cheap_test_holds_over_the_training_questions(lexicon):
    from assistant.understanding.nlu_data import read_nlu
    from assistant.understanding.text import normalize

    nlu = Path(__file__).resolve().parents[2] / "training" / "data" / "nlu.yml"
    texts = list(dict.fromkeys(normalize(e.text) for e in read_nlu(nlu)))
    assert len(texts) > 1000
    skipped = [t for t in texts if not lexicon.sounds.might_respell(t)]
    assert len(skipped) > 0.9 * len(texts)
    assert [t for t in skipped if lexicon.sounds.respell_exactly(t) != t] == []


def test_the_sound_table_is_kept_by_content(tmp_path, monkeypatch):
    from assistant.understanding import sounds

    one = SoundIndex.of(["护照", "营业执照补领"], ["离婚登记"], tmp_path)
    files = sorted(p.name for p in tmp_path.glob("sound-*.json"))
    assert len(files) == 3 and one.respell("护招要带什么") == "护照要带什么"  # names, their table, every syllable's characters
    again = SoundIndex.of(["护照", "营业执照补领"], ["离婚登记"], tmp_path)  # read back, nothing new written
    assert sorted(p.name for p in tmp_path.glob("sound-*.json")) == files and again.by_sound == one.by_sound
    # another name: another table, from the kept characters of every syllable (no pass over pypinyin's dictionaries)
    uncached = SoundIndex(["护照", "驾驶证", "离婚登记"])
    monkeypatch.setattr(sounds, "every_reading", lambda: pytest.fail("pypinyin's dictionaries read again"))
    other = SoundIndex.of(["护照", "驾驶证"], ["离婚登记"], tmp_path)
    assert len(list(tmp_path.glob("sound-*.json"))) == 5
    assert other.chars == uncached.chars and other.by_sound == uncached.by_sound  # as built without a cache
    assert other.respell("驾驶正到期") == "驾驶证到期" and one.respell("驾驶正到期") == "驾驶正到期"
    assert one.chars["zhao"] >= {"照", "招", "找"}
