"""Real Rasa 3.6 against this project: validate and train training/, run the Rasa server and the action
server, and get answers from the project's engine through Rasa's REST channel.

Needs Rasa's venv (training/setup-rasa, called here when missing: minutes and ~2.7 GB the first time).
The trained model is cached under data/rasa-models/test-cache/ by a hash of the training files."""

from __future__ import annotations

import hashlib
import subprocess
import uuid
from pathlib import Path

import httpx
import pytest

from assistant.commands.rasa import rasa_bin, rasa_env, start_rasa, train_command
from assistant.understanding.rasa_nlu import RasaNLU
from tests.conftest import ROOT
from tests.utils.live import free_port

pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600)]
TRAINING = ROOT / "training"
MODEL_CACHE = ROOT / "data" / "rasa-models" / "test-cache"


def training_hash() -> str:
    digest = hashlib.sha256()
    for path in [TRAINING / "config.yml", TRAINING / "domain.yml", *sorted((TRAINING / "data").glob("*.yml"))]:
        digest.update(path.relative_to(TRAINING).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def run(cmd: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, env=rasa_env(), capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def rasa_installed() -> Path:
    if not rasa_bin().exists():
        done = run([str(TRAINING / "setup-rasa")], timeout=2400)
        if done.returncode != 0 or not rasa_bin().exists():
            pytest.fail(f"training/setup-rasa could not install Rasa (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return rasa_bin()


@pytest.fixture(scope="module")
def rasa_model(rasa_installed, trained_settings) -> Path:
    name = training_hash()
    model = MODEL_CACHE / f"{name}.tar.gz"
    if not model.exists():
        done = run(train_command(trained_settings, MODEL_CACHE, fixed_name=name), timeout=2400)
        assert done.returncode == 0 and model.exists(), f"rasa train failed:\n{(done.stdout + done.stderr)[-4000:]}"
    return model


@pytest.fixture(scope="module")
def rasa(rasa_model, trained_settings, live, tmp_path_factory):
    procs = start_rasa(
        trained_settings, model=rasa_model, assistant_url=live.url, rasa_port=free_port(), actions_port=free_port(),
        log_dir=tmp_path_factory.mktemp("rasa-logs"),
    )  # fmt: skip
    try:
        procs.wait_ready(timeout=900)
        yield procs
    finally:
        procs.stop()


def rest(rasa, text: str, sender: str | None = None) -> list[dict]:
    body = {"sender": sender or f"it-{uuid.uuid4().hex[:12]}", "message": text}
    r = httpx.post(f"{rasa.rasa_url}/webhooks/rest/webhook", json=body, timeout=120)
    assert r.status_code == 200, r.text
    return r.json()


def test_rasa_data_validate(rasa_installed):
    cmd = [str(rasa_installed), "data", "validate", "--data", str(TRAINING / "data"), "--config", str(TRAINING / "config.yml"),
           "--domain", str(TRAINING / "domain.yml")]  # fmt: skip
    done = run(cmd, timeout=900)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]


def test_materials_answer_through_rasa_rest_channel(rasa, engine):
    messages = rest(rasa, "身份证丢了需要带什么材料")
    text = "\n".join(m.get("text", "") for m in messages)
    required = [m.name for m in engine.kb.guides["id-card-replacement"].required_materials]
    assert required and all(name in text for name in required), text
    assert engine.kb.guides["id-card-replacement"].name in text


def test_follow_up_keeps_the_service_in_the_same_rasa_conversation(rasa, engine):
    sender = f"it-{uuid.uuid4().hex[:12]}"
    rest(rasa, "我要办护照", sender)
    text = "\n".join(m.get("text", "") for m in rest(rasa, "在哪里办", sender))
    assert engine.kb.guides["passport"].name in text and "办理地点" in text, text


def test_request_human_opens_a_ticket_through_the_action_server(rasa):
    text = "\n".join(m.get("text", "") for m in rest(rasa, "我要转人工"))
    assert "排队号" in text, text


def test_rasa_nlu_backend_parses_with_the_running_server(rasa):
    nlu = RasaNLU(rasa.rasa_url, timeout=30)
    prediction = nlu.parse("身份证丢了要带什么")
    nlu.close()
    assert prediction is not None and prediction.intent == "ask_materials"
    assert getattr(prediction, "service") == "id-card-replacement"


def test_a_button_click_passes_through_rasa_to_the_engine(rasa, engine):
    """A button's payload (choose:<id>) goes through Rasa unchanged (a '/word' payload would be read as
    an intent): the life-event list's buttons lead to the chosen guide's answer."""
    sender = f"it-{uuid.uuid4().hex[:12]}"
    messages = rest(rasa, "孩子出生了要办什么", sender)
    buttons = [b for m in messages for b in m.get("buttons") or []]
    newborn = next((b for b in buttons if b["payload"] == "choose:hukou-newborn"), None)
    assert newborn is not None, messages
    text = "\n".join(m.get("text", "") for m in rest(rasa, newborn["payload"], sender))
    assert engine.kb.guides["hukou-newborn"].name in text, text
