import uuid

import pytest

from tests.server.conftest import CURATOR, login


def sid():
    return uuid.uuid4().hex


def test_health_and_ready(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready == {"ready": True, "models": True, "database": True, "redis": "not configured: one process"}


def test_chat_answers_with_materials_link_source_and_qr(client):
    r = client.post("/api/v1/chat", json={"text": "护照办理需要什么材料", "channel": "web"})
    assert r.status_code == 200
    data = r.json()
    assert data["service"] == "passport" and data["intent"] == "ask_materials"
    assert data["materials"] and all(m["name"] for m in data["materials_detail"])
    assert data["online"]["available"] and data["online"]["url"].startswith("https://zwfw.shili.example/")
    assert data["guide"]["url"] == "/guides/passport" and data["guide"]["updated_at"]
    assert "更新于" in data["answer"] and data["session_id"] and data["message_id"]
    png = client.get(data["qr_url"])
    assert png.status_code == 200 and png.headers["content-type"] == "image/png" and png.content[:4] == b"\x89PNG"
    page = client.get("/guides/passport")
    assert page.status_code == 200 and "普通护照签发" in page.text


def test_follow_up_in_the_same_session(client):
    s = client.post("/api/v1/chat", json={"text": "我想办居住证"}).json()["session_id"]  # the server names the conversation
    r = client.post("/api/v1/chat", json={"session_id": s, "text": "要多少钱"})
    assert r.json()["service"] == "residence-permit" and r.json()["intent"] == "ask_fee"


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({"text": ""}, "text"),
        ({"text": "证" * 501}, "at most 500"),
        ({"text": 123}, "text"),
        ({}, "text"),
        ({"text": "护照", "lang": "fr"}, "lang"),
        ({"text": "护照", "session_id": "<script>"}, "session_id"),
        ({"text": "护照", "surprise": 1}, "surprise"),
    ],
)
def test_bad_chat_bodies_get_a_clear_message(client, body, fragment):
    r = client.post("/api/v1/chat", json=body)
    assert r.status_code == 422 and fragment in r.json()["detail"]


def test_wrong_encoding_and_not_json(client):
    r = client.post("/api/v1/chat", content=b'{"text": "\xff\xfe"}', headers={"content-type": "application/json"})
    assert r.status_code in (400, 422) and "detail" in r.json()
    r = client.post("/api/v1/chat", content=b"text=hello", headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 422 and "detail" in r.json()


def test_markup_is_returned_as_plain_text_not_interpreted(client):
    r = client.post("/api/v1/chat", json={"text": "<script>alert(1)</script>"})
    assert r.status_code == 200
    assert r.json()["text"] == "<script>alert(1)</script>"  # the API returns data; the widget renders it as text


def test_guides_api(client):
    guides = client.get("/api/v1/guides").json()
    assert len(guides) == 40 and {"id", "name", "online", "url"} <= set(guides[0])
    assert {g["id"] for g in client.get("/api/v1/guides", params={"life_event": "birth"}).json()} >= {"hukou-newborn"}
    assert client.get("/api/v1/guides/passport").json()["materials"]
    assert client.get("/api/v1/guides/no-such").status_code == 404
    assert client.get("/api/v1/guides/no-such/qr.png").status_code == 404
    assert sum(c["count"] for c in client.get("/api/v1/categories").json()) == 40
    assert any(e["id"] == "birth" for e in client.get("/api/v1/life-events").json())
    assert client.get("/api/v1/search", params={"q": "驾照到期"}).json()[0]["id"] == "driving-licence-renewal"
    assert client.get("/api/v1/search", params={"q": ""}).status_code == 422


def test_rating_an_answer_and_low_ratings_go_to_review(client):
    reply = client.post("/api/v1/chat", json={"text": "结婚登记要带什么"}).json()
    s = reply["session_id"]
    r = client.post("/api/v1/ratings", json={"session_id": s, "message_id": reply["message_id"], "score": 1, "comment": "材料说得不清楚，电话13812345678"})
    assert r.status_code == 201 and r.json()["needs_review"] and r.json()["service"] == "marriage-registration"
    again = client.post("/api/v1/ratings", json={"session_id": s, "message_id": reply["message_id"], "score": 5})
    assert again.status_code == 409
    assert client.post("/api/v1/ratings", json={"session_id": s, "message_id": "nope", "score": 3}).status_code == 404
    assert client.post("/api/v1/ratings", json={"session_id": s, "message_id": reply["message_id"], "score": 9}).status_code == 422
    assert client.post("/api/v1/ratings", json={"session_id": s, "score": 3}).status_code == 422
    login(client, CURATOR)
    groups = client.get("/api/v1/admin/review").json()
    assert any(reply["message_id"] in g["message_ids"] for g in groups)  # the low-rated answer is queued for review


def test_unanswerable_questions_are_recorded_for_review(client):
    client.post("/api/v1/chat", json={"text": "帮我写一首关于秋天的诗"})
    login(client, CURATOR)
    groups = client.get("/api/v1/admin/review").json()
    assert any("帮我写一首关于秋天的诗" in g["examples"] for g in groups)


def test_rasa_rest_webhook_shape(client):
    r = client.post("/webhooks/rest/webhook", json={"sender": "rasa-user-1", "message": "社保卡丢了怎么补办"})
    assert r.status_code == 200
    messages = r.json()
    assert isinstance(messages, list) and messages
    assert set(messages[0]) <= {"recipient_id", "text", "buttons"} and messages[0]["recipient_id"] == "rasa-user-1"
    assert "社会保障卡" in messages[0]["text"]
    assert client.get("/webhooks/rest/").json() == {"status": "ok"}
    assert client.post("/webhooks/rest/webhook", json={"sender": "x"}).status_code == 422


def test_rasa_webhook_buttons_for_clarification(client):
    r = client.post("/webhooks/rest/webhook", json={"sender": sid(), "message": "孩子出生了要办什么"})
    message = r.json()[0]
    assert message["buttons"] and all(set(b) == {"title", "payload"} for b in message["buttons"])


def test_openapi_is_versioned(client):
    spec = client.get("/openapi.json").json()
    assert "/api/v1/chat" in spec["paths"] and "/api/v1/guides/{guide_id}/qr.png" in spec["paths"]


def test_online_level_in_the_reply_the_export_and_the_guide_page(client):
    data = client.post("/api/v1/chat", json={"text": "结婚登记能在网上办吗", "channel": "web"}).json()
    assert data["service"] == "marriage-registration"
    assert data["online"]["level"] == "booking" and data["online"]["link"] == "网上预约"
    assert "不能网上办理" in data["online"]["caption"] and "不能在网上申请办理" in data["answer"]
    guide = client.get("/api/v1/guides/marriage-registration").json()
    assert guide["online_level"] == "booking" and guide["online_url"].startswith("https://zwfw.shili.example/")
    page = client.get("/guides/marriage-registration").text
    assert 'data-level="booking"' in page and "不能在网上申请办理" in page and "可网上办理：" not in page
    page = client.get("/guides/death-registration").text
    assert "以下任选其一" in page and "火化证明" in page
