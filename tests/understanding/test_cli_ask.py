import io
import json
import sys

import pytest

from assistant.cli import main
from assistant.config import get_settings


@pytest.fixture
def cli(trained_settings, monkeypatch, capsys):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(trained_settings.data_dir))
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", trained_settings.database_url)
    get_settings.cache_clear()

    def run(*argv, stdin=None):
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(list(argv))
        out = capsys.readouterr()
        return code, out.out, out.err

    yield run
    get_settings.cache_clear()


def test_ask_json(cli):
    code, out, _ = cli("ask", "护照要多少钱", "--json")
    data = json.loads(out)
    assert code == 0 and data["service"] == "passport" and data["intent"] == "ask_fee"
    assert {"text", "session", "intent", "service", "confidence", "answer", "materials", "online", "handoff", "choices"} <= set(data)


def test_ask_jsonl_keeps_sessions_and_reports_bad_lines(cli):
    lines = "\n".join(
        [
            json.dumps({"text": "我想办居住证", "session": "a"}, ensure_ascii=False),
            json.dumps({"text": "要带什么", "session": "a"}, ensure_ascii=False),
            "not json",
            json.dumps({"text": 42}),
            json.dumps({"text": "明天会下雨吗"}, ensure_ascii=False),
        ]
    )
    code, out, _ = cli("ask", "--jsonl", stdin=lines + "\n")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and len(rows) == 5
    assert rows[0]["service"] == rows[1]["service"] == "residence-permit"
    assert rows[1]["intent"] == "ask_materials" and rows[1]["materials"]
    assert rows[2]["line"] == 3 and "error" in rows[2] and "error" in rows[3]
    assert rows[4]["intent"] == "out_of_scope" and rows[4]["service"] is None


def test_eval_reports_metrics(cli, tmp_path):
    path = tmp_path / "q.jsonl"
    items = [
        {"text": "护照办理需要哪些材料", "service": "passport", "intent": "ask_materials"},
        {"text": "推荐一首歌", "service": None, "intent": "out_of_scope"},
        {"session": "s", "turn": 1, "text": "多少钱", "service": "marriage-registration", "intent": "ask_fee"},
        {"session": "s", "turn": 0, "text": "结婚登记", "service": "marriage-registration", "intent": "ask_materials"},
    ]
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items), encoding="utf-8")
    code, out, _ = cli("eval", str(path), "--json")
    report = json.loads(out)
    assert code == 0 and report["questions"] == 4
    assert report["service_top1"] == 100.0 and report["materials_complete"] == 100.0
    assert report["out_of_scope_recall"] == 100.0 and report["latency_ms_p95"] > 0


def test_eval_bad_file(cli, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\xff\xfe{")
    code, _, err = cli("eval", str(path))
    assert code == 2 and "cannot read" in err
