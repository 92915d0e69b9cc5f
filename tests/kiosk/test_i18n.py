"""The kiosk's labels come from the one catalogue of words, complete in both languages."""

import ast
import re
from pathlib import Path

from assistant.dialogue.words import say
from kiosk.i18n import strings, suggested

KIOSK = Path(__file__).resolve().parents[2] / "kiosk"
CJK = re.compile(r"[\u4e00-\u9fff]{2,}")


def test_both_languages_have_the_same_labels_and_english_has_no_chinese_sentence():
    zh, en = strings("zh"), strings("en")
    assert set(zh) == set(en) and {"ask", "materials", "idle_warning", "level_full"} <= set(zh)
    assert [k for k, v in en.items() if CJK.search(v) and k not in ("lang_toggle", "backspace")] == []


def test_the_online_level_labels_are_the_catalogue_s():
    assert strings("zh")["level_booking"] == say("level_booking", "zh")


def test_an_unknown_language_falls_back_to_chinese():
    assert strings("fr") == strings("zh") and suggested("xx") == suggested("zh")


def test_templates_keep_their_slots():
    assert strings("zh")["idle_warning"].format(n=20).startswith("您还在使用吗？20 秒后")


def test_every_label_the_kv_file_uses_exists():
    used = set(re.findall(r"app\.s\[['\"](\w+)['\"]\]", (KIOSK / "kiosk.kv").read_text(encoding="utf-8")))
    used |= {m for p in KIOSK.rglob("*.py") for m in re.findall(r"\.s\[['\"](\w+)['\"]\]", p.read_text(encoding="utf-8"))}
    assert used and used <= set(strings("zh")), used - set(strings("zh"))


def test_no_sentence_for_the_visitor_is_written_in_kiosk_code():
    """Chinese in kiosk code is only in comments and docstrings: labels live in the catalogue."""
    found = []
    for path in KIOSK.rglob("*.py"):
        if path.name in ("screenshots.py", "config.py"):  # a demo typing as a visitor would; the hall name setting
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree) if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef))
                      and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}  # fmt: skip
        found += [f"{path.name}:{n.lineno}: {n.value}" for n in ast.walk(tree)
                  if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings and CJK.search(n.value)]  # fmt: skip
    assert not found, found
