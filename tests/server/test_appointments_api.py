from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.server.conftest import STAFF, login

API = "/api/v1/appointments"


def working_days(start: int = 1):
    day = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date() + dt.timedelta(days=start)
    while True:
        if day.weekday() < 5:
            yield day
        day += dt.timedelta(days=1)


def fully_free_slot(client, service="passport", start=2) -> str:
    """A slot no test has touched yet: the first with every place free, from the day after tomorrow."""
    for day in working_days(start):
        for s in client.get(f"{API}/slots", params={"service_id": service, "date": day.isoformat()}).json()["slots"]:
            if s["free"] == s["capacity"]:
                return s["slot"]
    raise AssertionError("no free slot")


def book(client, slot, **kw):
    body = {"service_id": "passport", "slot": slot, "name": "李四", "mobile": "13912345678", **kw}
    return client.post(API, json=body)


def test_slots_of_a_service(client):
    day = next(working_days())
    r = client.get(f"{API}/slots", params={"service_id": "passport", "date": day.isoformat(), "lang": "en"})
    data = r.json()
    assert r.status_code == 200 and data["service"] == "Ordinary passport issuance" and data["windows"] == "A09-A12"
    assert data["slots"][0]["start"] == "09:00" and all(0 <= s["free"] <= s["capacity"] for s in data["slots"])


def test_book_look_up_reschedule_cancel(client):
    slot = fully_free_slot(client)
    r = book(client, slot)
    assert r.status_code == 201, r.text
    b = r.json()
    code = b["code"]
    assert b["mobile"] == "139****5678" and b["name"] == "李四" and b["materials"] and b["status_label"] == "已预约"
    public = client.get(f"{API}/{code}").json()
    assert public["name"] is None and public["mobile"] is None and public["slot"] == slot
    assert client.get(f"{API}/{code}", params={"check": "5678"}).json()["name"] == "李四"
    ics = client.get(f"{API}/{code}.ics")
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in ics.text and f"UID:{code}@" in ics.text and "DTSTART;TZID=Asia/Shanghai:" in ics.text
    later = fully_free_slot(client, start=3)
    moved = client.post(f"{API}/{code}/reschedule", json={"check": "5678", "slot": later})
    assert moved.status_code == 200 and moved.json()["slot"] == later
    gone = client.post(f"{API}/{code}/cancel", json={"check": "5678"}, params={"lang": "en"})
    assert gone.status_code == 200 and gone.json()["status_label"] == "Cancelled"
    again = client.post(f"{API}/{code}/cancel", json={"check": "5678"})
    assert again.status_code == 409 and "已取消" in again.json()["detail"]


def test_wrong_check_and_wrong_code_alike(client):
    code = book(client, fully_free_slot(client)).json()["code"]
    a = client.post(f"{API}/{code}/cancel", json={"check": "0000"})
    b = client.post(f"{API}/ZZZZZZZZ/cancel", json={"check": "5678"})
    assert a.status_code == b.status_code == 404 and a.json() == b.json()


def test_race_for_the_last_place_over_http(live):
    with httpx.Client(base_url=live.url, timeout=30) as c:
        slot = fully_free_slot(c, service="residence-permit")
    start, codes = threading.Barrier(8), []

    def visitor(i):
        with httpx.Client(base_url=live.url, timeout=30) as c:
            start.wait()
            codes.append(book(c, slot, service_id="residence-permit", mobile=f"1370000{i:04d}").status_code)

    threads = [threading.Thread(target=visitor, args=(i,)) for i in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(codes) == [201, 201] + [409] * 6


@pytest.mark.parametrize("params, status, words", [
    ({"service_id": "no-such", "date": "2030-01-01"}, 404, "没有这个事项"),
    ({"service_id": "company-registration", "date": None}, 422, "全程网上办理"),
    ({"service_id": "passport", "date": "2020-01-01"}, 422, "已经过去"),
    ({"service_id": "passport", "date": "tomorrow"}, 422, "日期格式不对"),
    ({"service_id": "passport", "date": "2026-13-45"}, 422, "日期格式不对"),
    ({"service_id": "passport", "date": "2099-01-01"}, 422, "天内"),
    ({"service_id": "", "date": None}, 422, "service_id"),
    ({"service_id": "x" * 5000, "date": None}, 422, "service_id"),
    ({"date": None}, 422, "service_id"),
])  # fmt: skip
def test_bad_slot_queries(client, params, status, words):
    params = {k: (v if v is not None else next(working_days()).isoformat()) for k, v in params.items()}
    r = client.get(f"{API}/slots", params=params)
    assert r.status_code == status and words in r.json()["detail"]


@pytest.mark.parametrize("change, status, words", [
    ({"service_id": "no-such"}, 404, "没有这个事项"),
    ({"service_id": "company-registration"}, 422, "全程网上办理"),
    ({"slot": "2020-01-06T09:00"}, 422, "已经过去"),
    ({"slot": "next monday"}, 422, "时段格式不对"),
    ({"mobile": "12345"}, 422, "手机号码格式不对"),
    ({"mobile": 13912345678}, 422, "mobile"),
    ({"name": "<img src=x onerror=alert(1)>"}, 422, "姓名格式不对"),
    ({"name": ""}, 422, "name"),
    ({"name": "张" * 5000}, 422, "name"),
    ({"extra": "field"}, 422, "extra"),
    ({"slot": None}, 422, "slot"),
])  # fmt: skip
def test_bad_bookings(client, change, status, words):
    body = {"service_id": "passport", "slot": fully_free_slot(client), "name": "李四", "mobile": "13912345678", **change}
    r = client.post(API, json=body)
    assert r.status_code == status and words in r.json()["detail"], r.text


def test_a_closed_slot_in_english(client):
    day = next(working_days(2))
    r = book(client, f"{day.isoformat()}T12:00", lang="en")
    assert r.status_code == 422 and "not open for booking" in r.json()["detail"]


@pytest.mark.parametrize("code", ["abc", "ABCDEFG0", "A" * 300, "<script>"])
def test_bad_codes(client, code):
    r = client.get(f"{API}/{code}")
    assert r.status_code == 422 and "预约码格式不对" in r.json()["detail"]


def test_bad_changes(client):
    code = book(client, fully_free_slot(client)).json()["code"]
    assert client.post(f"{API}/{code}/cancel", json={}).status_code == 422
    assert client.post(f"{API}/{code}/cancel", json={"check": 5678}).status_code == 422
    assert "后四位" in client.post(f"{API}/{code}/cancel", json={"check": "56"}).json()["detail"]
    assert "时段格式不对" in client.post(f"{API}/{code}/reschedule", json={"check": "5678"}).json()["detail"]
    assert client.post(f"{API}/{code}/cancel", content="not json", headers={"Content-Type": "application/json"}).status_code == 422


def test_staff_see_todays_bookings_and_check_in(client):
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    assert client.get("/api/v1/staff/appointments/today").status_code == 401
    csrf = login(client, STAFF)
    code = book(client, fully_free_slot(client)).json()["code"]
    day = client.get(f"{API}/{code}").json()["day"]
    areas = client.get("/api/v1/staff/appointments/today", params={"date": day}).json()["areas"]
    assert code in [b["code"] for b in areas["A"]]
    refused = client.post(f"/api/v1/staff/appointments/{code}/check-in", headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 409 and "不是今天" in refused.json()["detail"]
    assert client.get("/api/v1/staff/appointments/today", params={"date": today}).status_code == 200
    r = client.put(f"/api/v1/staff/appointments/closed-days/{day}", json={"reason": "测试"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and day in r.json()["closed"]
    closed = client.get(f"{API}/slots", params={"service_id": "passport", "date": day}).json()["slots"]
    assert closed == []
    assert day not in client.delete(f"/api/v1/staff/appointments/closed-days/{day}", headers={"X-CSRF-Token": csrf}).json()["closed"]


def test_case_progress(client):
    r = client.get("/api/v1/cases/SL202611200001", params={"check": "1234"})
    assert r.status_code == 200 and r.json()["status"] == "ready" and "A05" in r.json()["next_step"]
    assert "居住证" in r.json()["answer"]
    en = client.get("/api/v1/cases/SL202611180003", params={"check": "4321", "lang": "en"}).json()
    assert "SF1234567890" in en["next_step"] and en["status_label"] == "done and posted"
    wrong_check = client.get("/api/v1/cases/SL202611200001", params={"check": "0000"})
    wrong_number = client.get("/api/v1/cases/SL209911200001", params={"check": "1234"})
    assert wrong_check.status_code == wrong_number.status_code == 404 and wrong_check.json() == wrong_number.json()
    for bad in ("<b>", "x" * 300):
        r = client.get(f"/api/v1/cases/{bad}", params={"check": "1234"})
        assert r.status_code == 422 and "格式不对" in r.json()["detail"]
    assert client.get("/api/v1/cases/SL202611200001").status_code == 422


def test_booking_through_the_chat_api(client):
    conversation: dict[str, str] = {}

    def chat(text: str) -> dict:
        reply = client.post("/api/v1/chat", json={"text": text, **conversation}).json()
        conversation["session_id"] = reply["session_id"]  # kept as the server gave it
        return reply

    first = chat("预约后天上午办居住证")
    assert first["buttons"] and first["buttons"][0]["payload"].startswith("choose:")
    chat(first["buttons"][0]["payload"])
    chat("赵六")
    done = chat("13712345678")
    code = done["appointment"]["code"]
    assert done["appointment_urls"] == {"qr": f"{API}/{code}/qr.png", "ics": f"{API}/{code}.ics"}
    png = client.get(done["appointment_urls"]["qr"])
    assert png.status_code == 200 and png.content[:4] == b"\x89PNG"
    assert client.get(f"{API}/{code}", params={"check": "5678"}).json()["name"] == "赵六"
    assert client.get(f"{API}/NOPE1234/qr.png").status_code == 422


def test_slots_as_rasa_buttons(client):
    sender = "rasa-" + __import__("uuid").uuid4().hex[:10]
    out = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": "book a time for my residence permit"}).json()
    assert out[0]["buttons"] and out[0]["buttons"][0]["payload"].startswith("choose:")
    picked = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": out[0]["buttons"][0]["payload"]}).json()
    assert "What name" in picked[0]["text"]
