from __future__ import annotations

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from assistant.cases.answer import answer
from assistant.cases.demo import DemoSource, import_csv
from assistant.cases.desk import CaseDesk
from assistant.cases.http import HttpSource
from assistant.cases.source import Case, CaseUnavailable
from assistant.db import Database
from tests.conftest import KNOWLEDGE

# the fake back office names its fields its own way
OFFICE = {"SL202611200001": {"caseNo": "SL202611200001", "item": "residence-permit", "state": "READY", "changed": "2026-11-27T10:00:00",
                             "pickup": "A05", "idTail": "1234"}}  # fmt: skip
FIELDS = json.dumps({"number": "caseNo", "service_id": "item", "status": "state", "date": "changed", "window": "pickup", "check": "idTail"})
STATES = {"READY": "ready", "POSTED": "posted"}


class Office(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        url = urlparse(self.path)
        number = url.path.rsplit("/", 1)[-1]
        if url.path.startswith("/slow/"):
            time.sleep(2)
        if url.path.startswith("/broken/"):
            return self._send(500, b"oops")
        if url.path.startswith("/garbage/"):
            return self._send(200, b"<html>not json</html>")
        if url.path.startswith("/odd/"):
            return self._send(200, json.dumps({**OFFICE["SL202611200001"], "state": "LOST_IN_SPACE"}).encode())
        case = OFFICE.get(number)
        if case is None:
            return self._send(404, b"{}")
        assert parse_qs(url.query)["check"]  # the check value travels to the office too
        self._send(200, json.dumps(case).encode())

    def _send(self, code, body):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def office():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Office)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def source(office, path="cases", timeout=1.0):
    return HttpSource(f"{office}/{path}/{{number}}?check={{check}}", timeout=timeout, fields=FIELDS, statuses=STATES)


def test_http_source_maps_the_offices_fields(office):
    case = source(office).lookup("SL202611200001", "1234")
    assert (case.number, case.service_id, case.status, case.date, case.window) == ("SL202611200001", "residence-permit", "ready", "2026-11-27", "A05")


def test_http_source_wrong_number_and_wrong_check_alike(office):
    assert source(office).lookup("SL209900000000", "1234") is None
    assert source(office).lookup("SL202611200001", "9999") is None  # the office returned the check value


@pytest.mark.parametrize("path", ["slow", "broken", "garbage", "odd"])
def test_http_source_failures_are_unavailable(office, path):
    with pytest.raises(CaseUnavailable):
        source(office, path, timeout=0.3).lookup("SL202611200001", "1234")


def test_an_office_that_is_not_there():
    with pytest.raises(CaseUnavailable):
        HttpSource("http://127.0.0.1:9/{number}", timeout=0.5).lookup("SL202611200001", "1234")


@pytest.mark.parametrize("path, outcome", [("cases", "found"), ("slow", "unavailable"), ("broken", "unavailable")])
def test_the_desk_words_every_outcome(office, path, outcome):
    desk = CaseDesk(source(office, path, timeout=0.3))
    a = answer(desk.lookup("c1", "SL202611200001", "1234"), "zh")
    assert a.outcome == outcome
    if outcome == "unavailable":
        assert a.text == "暂时查不到，请稍后或到窗口查询。" and answer(desk.lookup("c1", "SL202611200001", "1234"), "en").text.startswith("We cannot look")
    else:
        assert "A05" in a.next_step and a.status_label == "已办结，待领取"


def test_demo_source_from_the_sample_csv(db_url):
    db = Database(db_url)
    try:
        assert import_csv(db, KNOWLEDGE / "sample_cases.csv") == 6
        assert import_csv(db, KNOWLEDGE / "sample_cases.csv") == 0  # once
        demo = DemoSource(db)
        assert demo.lookup("SL202611180003", "4321").tracking == "SF1234567890"
        assert demo.lookup("SL202611230006", "135x").status == "ready"  # an ID ending in X
        assert demo.lookup("SL202611180003", "0000") is None and demo.lookup("SL000000000000", "4321") is None
    finally:
        db.dispose()


def test_the_sample_csv_says_it_is_sample_data():
    head = (KNOWLEDGE / "sample_cases.csv").read_text(encoding="utf-8").splitlines()[:2]
    assert "示例数据" in head[0] and "SAMPLE DATA" in head[0]


class Counting:
    def __init__(self):
        self.calls = 0

    def lookup(self, number, check):
        self.calls += 1
        return None


@pytest.mark.parametrize("number, check", [("", "1234"), ("SL202611200001", ""), ("<script>", "1234"), ("SL1", "1234"),
                                           ("S" * 500, "1234"), ("SL202611200001", "12345"), (None, None), (123, 1234)])  # fmt: skip
def test_bad_input_never_reaches_the_office(number, check):
    office = Counting()
    assert CaseDesk(office).lookup("c", number, check).outcome == "bad_input" and office.calls == 0


def test_guessing_is_bounded_and_logged_masked(caplog):
    office, desk = Counting(), CaseDesk(Counting(), attempts_per_hour=3)
    desk.source = office
    caplog.set_level(logging.INFO, logger="assistant.cases")
    outcomes = [desk.lookup("guesser", f"SL20261120{i:04d}", f"{i:04d}").outcome for i in range(5)]
    assert outcomes == ["not_found"] * 3 + ["too_many"] * 2 and office.calls == 3
    assert desk.lookup("someone-else", "SL202611200001", "1234").outcome == "not_found"
    logged = caplog.text
    assert "SL202611200001" not in logged and "SL20*******001" in logged and "check=****" in logged


def test_misses_on_one_number_are_bounded_whoever_asks():
    """A new session or address per guess still gets only ``limit`` misses on one case number an hour;
    a found case is no miss, and other numbers stay open."""

    class OneCase:
        def lookup(self, number, check):
            return Case(number=number, service_id="passport", status="ready", date="2026-11-27") if (number, check) == ("SL202611200001", "1234") else None

    desk = CaseDesk(OneCase(), attempts_per_hour=3)
    assert desk.lookup("visitor", "SL202611200001", "1234").outcome == "found"
    outcomes = [desk.lookup(f"session:{i}", "SL202611200001", f"{i:04d}").outcome for i in range(4)]
    assert outcomes == ["not_found"] * 3 + ["too_many"]
    assert desk.lookup("new-session", "SL202611200001", "1234").outcome == "too_many"  # the right check too, for an hour
    assert desk.lookup("new-session", "SL202611200002", "1234").outcome == "not_found"


def test_a_crashing_adapter_is_unavailable():
    class Crashing:
        def lookup(self, number, check):
            raise RuntimeError("bug")

    assert CaseDesk(Crashing()).lookup("c", "SL202611200001", "1234").outcome == "unavailable"
