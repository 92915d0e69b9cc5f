"""The web widget's labels come from the one catalogue (GET /api/v1/words), and widget.js keeps no
citizen-facing sentences of its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.dialogue.words import WIDGET_WORDS, WORDS

WIDGET_JS = Path(__file__).resolve().parents[2] / "assistant" / "server" / "static" / "widget.js"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
SLOTS = {"status", "n", "date", "name", "seconds"}  # what the widget fills in (fmt in widget.js)


def code_of(js: str) -> str:
    """widget.js without its comments (a comment may quote a word; only code reaches the visitor)."""
    js = re.sub(r"/\*.*?\*/", "", js, flags=re.S)
    return "\n".join(re.sub(r"(^|\s)//\s.*$", "", line) for line in js.splitlines() if not line.strip().startswith("//"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_words_in_each_language(client, lang) -> None:
    r = client.get("/api/v1/words", params={"lang": lang})
    assert r.status_code == 200 and "max-age" in r.headers["cache-control"]
    body = r.json()
    assert body["lang"] == lang and set(body["words"]) == set(WIDGET_WORDS)
    assert body["words"]["widget_bubble"] == ("智能导办" if lang == "zh" else "Ask the assistant")
    assert body["words"]["status_called"] == WORDS["status_called"][lang == "en"]  # one voice with the tickets
    if lang == "en":  # the switch's title is said in the language it switches to; nothing else is Chinese
        assert [k for k, v in body["words"].items() if CJK.search(v)] == ["widget_switch_lang"]


def test_words_default_to_chinese(client) -> None:
    assert client.get("/api/v1/words").json()["lang"] == "zh"


@pytest.mark.parametrize("bad", ["fr", "", "ZH", "<script>alert(1)</script>", "x" * 5000, "zh-CN"])
def test_an_unknown_language_is_a_clear_422(client, bad) -> None:
    r = client.get("/api/v1/words", params={"lang": bad})
    assert r.status_code == 422
    assert "'zh' or 'en'" in r.text and "<script>" not in r.text


def test_the_words_are_documented_in_the_openapi(client) -> None:
    op = client.get("/openapi.json").json()["paths"]["/api/v1/words"]["get"]
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/WordsOut")


def test_every_slot_is_one_the_widget_fills() -> None:
    for key in WIDGET_WORDS:
        for text in WORDS[key]:
            assert set(re.findall(r"\{(\w+)\}", text)) <= SLOTS, (key, text)


def test_widget_js_uses_exactly_the_words_it_is_sent() -> None:
    used = set(re.findall(r"\bw\.(\w+)", WIDGET_JS.read_text(encoding="utf-8")))
    assert used == set(WIDGET_WORDS)


def test_widget_js_holds_no_citizen_facing_chinese() -> None:
    """Only the language switch's own name for Chinese, written in Chinese as language names are."""
    found = CJK.findall(code_of(WIDGET_JS.read_text(encoding="utf-8")))
    assert found == ["中文"], found
