"""Fuzzing: schemathesis over every operation of the OpenAPI (bounded examples; no 5xx, no stack trace
in any response), and hypothesis over the one entry with any unicode up to the message limit."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")  # a dev dependency (pyproject [dev])
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from assistant.service import BotReply, Message  # noqa: E402
from tests.utils.live import start_server  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api_schema(trained_settings, engine, staff_users):
    server = start_server(trained_settings.model_copy(update={"api_docs": True}), engine, rate_limit=1_000_000)
    yield schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    server.stop()


def test_no_operation_fails_or_leaks_a_trace(api_schema) -> None:
    """Every operation, a bounded number of generated requests each (schemathesis' pytest plugin does
    not run on this pytest, so the operations are walked here)."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 20
    statuses: list[int] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def call(case) -> None:
            response = case.call(timeout=60)
            statuses.append(response.status_code)
            where = f"{case.method} {case.formatted_path}"
            assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:300]}"
            assert "Traceback" not in response.text and 'File "' not in response.text, where

        call()
    assert len(statuses) >= 2 * len(operations), "schemathesis generated too few requests to mean anything"
    print(f"{len(operations)} operations, {len(statuses)} requests, statuses {sorted(set(statuses))}")


@given(text=st.text(max_size=500), lang=st.sampled_from([None, "zh", "en"]))
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_entry_answers_any_unicode(assistant, text: str, lang: str | None) -> None:
    reply = assistant.handle(Message(text=text, session_id="fuzz", lang=lang), record=False)
    assert isinstance(reply, BotReply) and reply.lang in ("zh", "en")
    assert reply.answer.strip() or reply.silent, (text, reply.kind)
