"""Serving the bundled e5 + adapter needs numpy only: no training framework is imported, and the numpy
path gives the vectors sentence-transformers gives for the same saved directory."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import ROOT

HEAVY = ["sentence_transformers", "transformers", "torch", "sklearn", "faiss"]

CHILD = r"""
import json, sys
from pathlib import Path
from fastapi.testclient import TestClient
from assistant.config import Settings
from assistant.server.app import create_app
from assistant.service import Message, open_assistant
import assistant.cli, kiosk.backend
settings = Settings(data_dir=Path(sys.argv[1]), knowledge_dir=Path(sys.argv[2]), training_dir=Path(sys.argv[3]))
assistant = open_assistant(settings, log=lambda _m: None)  # the CLI's and the embedded kiosk's way in
replies = [assistant.handle(Message(text=t, channel="cli"), record=False) for t in ("身份证丢了要带什么", "how to renew my driving licence", "老人八十多岁了有没有补贴可以领")]
with TestClient(create_app(settings)) as client:  # the server's start-up (its own engine) and one chat
    chat = client.post("/api/v1/chat", json={"text": "护照怎么办", "channel": "web"}).json()
print("RESULT " + json.dumps({"loaded": sorted(m for m in sys.argv[4].split(",") if m in sys.modules),
                              "guides": [r.guide.id if r.guide else None for r in replies], "chat": bool(chat.get("answer"))}))
"""


@pytest.mark.slow
def test_engine_server_cli_and_kiosk_never_import_a_training_framework(trained_settings, tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(trained_settings.data_dir, data)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-c", CHILD, str(data), str(trained_settings.knowledge_dir), str(trained_settings.training_dir), ",".join(HEAVY)],
                         env=env, capture_output=True, text=True, timeout=600)  # fmt: skip
    line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
    assert line is not None, out.stderr[-3000:]
    result = json.loads(line[7:])
    assert result["loaded"] == []
    assert result["guides"] == ["id-card-replacement", "driving-licence-renewal", "elderly-allowance"]
    assert result["chat"]


@pytest.mark.slow
def test_numpy_encoder_equals_the_sentence_transformers_model(trained_settings):
    from assistant.understanding.e5 import E5, open_encoder
    from assistant.understanding.encoder import load_sentence_transformer

    path = trained_settings.data_dir / "models" / "encoder"
    light = open_encoder(path)
    assert isinstance(light, E5) and not np.allclose(light.weight, np.eye(384))  # the trained adapter
    framework = load_sentence_transformer(path)
    texts = ["身份证丢了要带什么", "how to renew my driving licence", "营业执照", ""]
    for kind in ("query", "passage"):
        ours = light.encode(texts, kind)
        theirs = framework.encode(texts, prompt_name=kind, convert_to_numpy=True, normalize_embeddings=True)
        np.testing.assert_allclose(ours, theirs, atol=1e-5)


def test_safetensors_round_trip_and_a_bad_dtype_is_refused(tmp_path):
    from assistant.understanding.e5 import read_safetensors, write_safetensors

    arrays = {"linear.weight": np.arange(12, dtype=np.float32).reshape(3, 4), "linear.bias": np.ones(3, dtype=np.float32)}
    write_safetensors(tmp_path / "m.safetensors", arrays)
    back = read_safetensors(tmp_path / "m.safetensors")
    assert set(back) == set(arrays) and all(np.array_equal(back[k], arrays[k]) for k in arrays)
    header = json.dumps({"x": {"dtype": "I8", "shape": [1], "data_offsets": [0, 1]}}).encode()
    (tmp_path / "bad.safetensors").write_bytes(len(header).to_bytes(8, "little") + header + b"\0")
    with pytest.raises(ValueError, match="dtype"):
        read_safetensors(tmp_path / "bad.safetensors")


SOUNDS_CHILD = r"""
import json, sys
from pathlib import Path
from assistant.config import Settings
from assistant.service import Message, open_assistant
settings = Settings(data_dir=Path(sys.argv[1]), knowledge_dir=Path(sys.argv[2]), training_dir=Path(sys.argv[3]))
assistant = open_assistant(settings, log=lambda _m: None)
plain = assistant.handle(Message(text="护照要带什么材料", channel="cli"), record=False)
import jieba
before = {"pypinyin": "pypinyin" in sys.modules, "scipy": "scipy" in sys.modules, "jieba_full": jieba.dt.initialized}
typo = assistant.handle(Message(text="护招要带什么材料", channel="cli"), record=False)
print("RESULT " + json.dumps({"before": before, "after": "pypinyin" in sys.modules, "jieba_full_after": jieba.dt.initialized,
                              "guides": [plain.guide.id, typo.guide.id]}))
"""


@pytest.mark.slow
def test_pypinyin_and_jiebas_full_dictionary_wait_for_a_possible_misspelling(trained_settings, tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(trained_settings.data_dir, data)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    args = [str(data), str(trained_settings.knowledge_dir), str(trained_settings.training_dir)]
    for _ in range(2):  # the first start writes the sound table into the cache dir, the second reads it
        out = subprocess.run([sys.executable, "-c", SOUNDS_CHILD, *args], env=env, capture_output=True, text=True, timeout=600)
        line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
        assert line is not None, out.stderr[-3000:]
    result = json.loads(line[7:])
    assert result["before"] == {"pypinyin": False, "scipy": False, "jieba_full": False}
    assert result["after"] is True and result["guides"] == ["passport", "passport"]
    # 护招 is two characters: respelled only on word boundaries, cut from the dictionary table, not jieba's whole one
    assert result["jieba_full_after"] is False
