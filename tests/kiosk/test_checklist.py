"""The personal checklist on the kiosk: the one-tap 本人/代办 buttons arrive with the answer (over HTTP
and embedded), the tapped payload brings the refined list, and the checklist rows show the reason."""

from __future__ import annotations

from typing import Iterator

import pytest

from kiosk.backend import EmbeddedBackend, HttpBackend
from kiosk.i18n import strings
from kiosk.widgets.view import material_rows
from tests.server.conftest import LiveServer, start_server


@pytest.fixture(scope="module")
def live(trained_settings, engine) -> Iterator[LiveServer]:
    server = start_server(trained_settings, engine, rate_limit=100_000)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def embedded(assistant) -> EmbeddedBackend:
    from assistant.service import Assistant

    return EmbeddedBackend(Assistant(assistant.engine, assistant.storage, staffed=False))


@pytest.mark.parametrize(
    ("text", "moved"),
    [("给孩子办社保卡要带什么", "监护人居民身份证"), ("我是外地户口，在示例市参加居民医保要带什么", "居住证"), ("我帮朋友代领居住证，要带什么", "受托人居民身份证")],
)
def test_stated_situations_in_the_kiosk_checklist(live: LiveServer, embedded: EmbeddedBackend, text, moved) -> None:
    http = HttpBackend(live.url)
    for backend in (http, embedded):
        reply = backend.ask(text)
        rows = {r["title"]: r for r in material_rows(reply["materials_detail"], "zh", strings("zh"))}
        assert rows[moved]["required"] and "您" in rows[moved]["detail"]
    http.close()


def test_one_tap_refines_the_kiosk_checklist(live: LiveServer, embedded: EmbeddedBackend) -> None:
    http = HttpBackend(live.url)
    for backend in (http, embedded):
        first = backend.ask("社保卡补办要带什么")
        payloads = [b["payload"] for b in first["buttons"]]
        assert payloads == ["choose:as:self", "choose:as:agent"]
        refined = backend.ask(payloads[1], session_id=first["session_id"])
        rows = {r["title"]: r for r in material_rows(refined["materials_detail"], "zh", strings("zh"))}
        assert rows["授权委托书"]["required"] and "代他人办理" in rows["授权委托书"]["detail"]
    http.close()
