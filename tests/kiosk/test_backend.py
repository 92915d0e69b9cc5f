"""The kiosk's backends return the same plain dicts; the fallback switches to the embedded engine."""

from __future__ import annotations

from typing import Iterator

import pytest

from kiosk.backend import BackendError, EmbeddedBackend, FallbackBackend, HttpBackend, Unavailable
from tests.server.conftest import LiveServer, free_port, start_server


@pytest.fixture(scope="module")
def live(trained_settings, engine) -> Iterator[LiveServer]:
    server = start_server(trained_settings, engine, rate_limit=100_000)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def embedded(assistant) -> EmbeddedBackend:
    """An offline kiosk: the one entry over the local database, which no window staff serve."""
    from assistant.service import Assistant

    return EmbeddedBackend(Assistant(assistant.engine, assistant.storage, staffed=False))


def test_http_and_embedded_give_the_same_shapes(live: LiveServer, embedded: EmbeddedBackend) -> None:
    http = HttpBackend(live.url)
    for backend in (http, embedded):
        reply = backend.ask("换身份证要带什么")
        assert reply["service"] == "id-card-renewal" and reply["materials_detail"] and reply["message_id"]
        assert {"buttons", "ticket", "silent", "session_id", "choices", "lang"} <= set(reply)  # qr_url is HTTP's own
        assert any(c["id"] == "identity" and c["count"] >= 3 for c in backend.categories())
        assert {g["id"] for g in backend.guides(category="identity")} >= {"id-card-renewal", "id-card-replacement"}
        assert any(e["id"] == "birth" for e in backend.life_events())
        assert "hukou-newborn" in {g["id"] for g in backend.guides(life_event="birth")}
        assert backend.guide("passport")["materials"]
        with pytest.raises(BackendError) as err:
            backend.guide("no-such-guide")
        assert err.value.status == 404
        rating = backend.rate(session_id=reply["session_id"], message_id=reply["message_id"], score=5)
        assert rating["score"] == 5
    http.close()


def test_http_handoff_gives_a_queue_number(live: LiveServer) -> None:
    http = HttpBackend(live.url)
    reply = http.handoff(lang="zh")
    assert reply["handoff"] and reply["ticket"]["number"] and reply["ticket"]["window"]
    http.close()


def test_embedded_handoff_has_no_queue_number(embedded: EmbeddedBackend) -> None:
    reply = embedded.handoff(lang="zh")
    assert reply["handoff"] and reply["ticket"]["number"] is None and reply["ticket"]["status"] == "no_queue"


def test_unreachable_server_raises_unavailable() -> None:
    http = HttpBackend(f"http://127.0.0.1:{free_port()}", timeout=2)
    with pytest.raises(Unavailable):
        http.ask("你好")
    assert not http.health()


def test_fallback_switches_to_the_embedded_engine_and_back(trained_settings, engine, embedded: EmbeddedBackend) -> None:
    server = start_server(trained_settings, engine, rate_limit=100_000)
    now = [0.0]
    backend = FallbackBackend(HttpBackend(server.url, timeout=3), embedded, retry_seconds=30, clock=lambda: now[0])
    assert backend.ask("办护照要带什么")["service"] == "passport" and not backend.offline
    server.stop()
    reply = backend.ask("办护照要带什么")  # the server is gone: the embedded engine answers
    assert backend.offline and backend.switches == 1
    assert reply["service"] == "passport" and reply["materials_detail"]
    server = LiveServer(server.server.config.app, int(server.url.rsplit(":", 1)[1])).start()
    try:
        backend.ask("你好")
        assert backend.offline  # not retried before retry_seconds
        now[0] += 31
        backend.ask("你好")
        assert not backend.offline
    finally:
        server.stop()


def test_embedded_loads_lazily_once() -> None:
    calls: list[int] = []
    backend = EmbeddedBackend(loader=lambda: calls.append(1) or "assistant")
    assert calls == []
    backend.warm()
    backend.warm()
    assert calls == [1] and backend.assistant == "assistant"
    with pytest.raises(ValueError):
        EmbeddedBackend()
