from assistant.privacy import mask
from assistant.understanding.text import MAX_CHARS, char_ngrams, detect_lang, has_content, normalize


def test_traditional_is_converted_to_simplified():
    assert normalize("護照遺失補領") == "护照遗失补领"


def test_full_width_and_case_are_folded():
    assert normalize("ＡＢＣ　身份证") == "abc 身份证"


def test_length_is_bounded():
    assert len(normalize("证" * 100_000)) == MAX_CHARS


def test_language_detection():
    assert detect_lang("身份证丢了") == "zh"
    assert detect_lang("I lost my ID card") == "en"
    assert detect_lang("我的passport丢了") == "zh"


def test_garbage_has_no_content():
    assert not has_content("?!。，… ...")
    assert has_content("a")


def test_char_ngrams_cover_chinese_runs():
    assert {"身份", "份证", "身份证"} <= set(char_ngrams("身份证", (2, 3)))


def test_mask_id_numbers_and_mobiles():
    text = "我的身份证110101199003077777，电话13812345678，座机0000-66001001"
    masked = mask(text)
    assert "110101199003077777" not in masked and "13812345678" not in masked
    assert "110101********7777" in masked and "138****5678" in masked
    assert "0000-66001001" in masked  # hall phone numbers are not personal
    assert mask("11010119900307777X") == "110101********777X"
