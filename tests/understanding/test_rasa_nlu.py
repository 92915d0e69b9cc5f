import logging

import pytest
from fastapi import FastAPI

from assistant.engine import Engine
from assistant.service import open_assistant
from assistant.understanding.rasa_nlu import RasaNLU, prediction_from_parse
from tests.utils.live import LiveServer, free_port

QUESTION = "身份证丢了要带什么材料"


def parse_result(text: str, intent: str, confidence: float, *, fallback: bool = False) -> dict:
    ranking = [{"name": intent, "confidence": confidence}, {"name": "ask_process", "confidence": 0.01}]
    top = {"name": "nlu_fallback", "confidence": 0.4} if fallback else ranking[0]
    if fallback:
        ranking.insert(0, top)
    entity = {"entity": "service", "value": "id-card-replacement", "start": 0, "end": 5, "extractor": "DIETClassifier"}
    return {"text": text, "intent": top, "entities": [entity], "intent_ranking": ranking}


@pytest.fixture(scope="module")
def fake_rasa():
    """A stand-in for `rasa run --enable-api`: every text is ask_fee."""
    app = FastAPI()
    app.state.texts = []

    @app.post("/model/parse")
    def parse(body: dict) -> dict:
        app.state.texts.append(body["text"])
        return parse_result(body["text"], "ask_fee", 0.97)

    @app.get("/status")
    def status() -> dict:
        return {"model_file": "fake.tar.gz"}

    server = LiveServer(app, free_port()).start()
    server.texts = app.state.texts
    yield server
    server.stop()


def test_parse_result_maps_to_our_intents_and_service():
    p = prediction_from_parse(parse_result(QUESTION, "ask_location", 0.9))
    assert (p.intent, p.confidence, p.service, p.service_span) == ("ask_location", 0.9, "id-card-replacement", "身份证丢了")
    assert p.scores["ask_location"] == 0.9 and p.scores["greet"] == 0.0


def test_nlu_fallback_gives_way_to_the_best_real_intent():
    p = prediction_from_parse(parse_result(QUESTION, "ask_online", 0.3, fallback=True))
    assert (p.intent, p.confidence) == ("ask_online", 0.3)
    assert "nlu_fallback" not in p.scores


def test_unreachable_rasa_returns_none_and_warns_once(caplog):
    nlu = RasaNLU(f"http://127.0.0.1:{free_port()}", retry_after=0)
    with caplog.at_level(logging.WARNING, logger="assistant.understanding.rasa_nlu"):
        assert nlu.parse(QUESTION) is None
        assert nlu.parse(QUESTION) is None
    warnings = [r for r in caplog.records if "not answering" in r.getMessage()]
    assert len(warnings) == 1 and "embedded intent model" in warnings[0].getMessage()
    assert not nlu.available()
    nlu.close()


def test_unreachable_rasa_falls_back_to_the_embedded_model(assistant, engine, monkeypatch):
    expected = engine.understanding.understand(QUESTION).intent.intent
    assert expected == "ask_materials"
    monkeypatch.setattr(engine.understanding, "remote", RasaNLU(f"http://127.0.0.1:{free_port()}"))
    reply = assistant.ask(QUESTION)
    assert reply.intent == "ask_materials" and reply.service == "id-card-replacement"
    assert reply.kind == "answer"


def test_intents_come_from_rasa_when_configured(trained_settings, fake_rasa):
    settings = trained_settings.model_copy(update={"nlu_backend": "rasa", "rasa_url": fake_rasa.url})
    assistant = open_assistant(settings, log=lambda _msg: None)
    engine = assistant.engine
    assert isinstance(engine.understanding.remote, RasaNLU)
    reply = assistant.ask(QUESTION)
    assert QUESTION in fake_rasa.texts
    assert (reply.intent, reply.service, reply.kind) == ("ask_fee", "id-card-replacement", "answer")
    assert reply.trace["intent_scores"]["ask_fee"] == 0.97


def test_embedded_backend_does_not_call_rasa(trained_settings, fake_rasa):
    settings = trained_settings.model_copy(update={"nlu_backend": "embedded", "rasa_url": fake_rasa.url})
    assistant = open_assistant(settings, log=lambda _msg: None)
    engine = assistant.engine
    before = len(fake_rasa.texts)
    assert engine.understanding.remote is None
    assert assistant.ask(QUESTION).intent == "ask_materials"
    assert len(fake_rasa.texts) == before


def test_rebuilt_index_keeps_the_rasa_backend(assistant, engine):
    import copy

    remote = RasaNLU(f"http://127.0.0.1:{free_port()}")
    configured = copy.copy(engine.understanding)
    configured.remote = remote
    own = Engine(engine.kb, configured)
    rebuilt = copy.copy(engine.understanding)
    rebuilt.remote = None
    own.replace(engine.kb, rebuilt)
    assert own.understanding is rebuilt and rebuilt.remote is remote
    remote.close()
