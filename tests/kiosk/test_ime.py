from __future__ import annotations

from kiosk.ime import Composer


def test_pinyin_gives_hanzi_candidates_and_partial_picks_keep_the_rest() -> None:
    c = Composer()
    for letter in "shenfenzheng":
        c.type(letter)
    words = [x.word for x in c.candidates()]
    assert words[0] == "身份证"
    assert all("\u4e00" <= ch <= "\u9fff" for w in words for ch in w)  # no emoji in the bar
    single = next(i for i, w in enumerate(words) if len(w) == 1)
    assert len(c.pick(single)) == 1
    assert c.pinyin == "fenzheng"
    assert c.backspace() and c.pinyin == "fenzhen"
    c.clear()
    assert not c.backspace() and c.candidates() == []
