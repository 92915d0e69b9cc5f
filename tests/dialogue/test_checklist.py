"""The personal checklist: stated situations move their conditional materials into the must-bring list
with the reason; an unstated 本人/代办 is asked in one tap and the refined list follows."""

import uuid

import pytest

from assistant.dialogue import checklist


def sid() -> str:
    return uuid.uuid4().hex


def required(reply) -> dict[str, dict]:
    return {d["name"]: d for d in reply.materials_detail if d["required"]}


def conditional(reply) -> set[str]:
    return {d["name"] for d in reply.materials_detail if not d["required"]}


@pytest.mark.parametrize(
    ("text", "said"),
    [("我想替我妈补办社保卡", ["agent"]), ("帮孩子办社保卡", ["minor"]), ("给我儿子办护照", ["minor"]), ("我自己去办", ["self"]),
     ("户口不在示例市，身份证丢了", ["nonlocal", "lost"]), ("营业执照坏了", ["damaged"]), ("第一次办护照", ["first"]),
     ("I am applying for my mother", ["agent"]), ("身份证要带什么", [])],
)  # fmt: skip
def test_situations_are_read_from_what_the_visitor_says(text, said):
    assert checklist.stated(text) == said


def test_a_new_statement_replaces_its_opposite():
    assert checklist.merge(["agent", "minor"], ["self"]) == ["minor", "self"]


@pytest.mark.parametrize(
    ("text", "guide", "moved", "reason"),
    [
        ("我想替我妈补办社保卡，要带什么", "social-security-card-replacement", {"授权委托书", "持卡人和受托人居民身份证"}, "代他人办理"),
        ("我帮朋友代领居住证，要带什么", "residence-permit", {"授权委托书", "受托人居民身份证"}, "代他人办理"),
        ("给孩子办社保卡要带什么", "social-security-card", {"居民户口簿或出生医学证明", "监护人居民身份证"}, "为孩子办理"),
        ("给我女儿办护照要带什么材料", "passport", {"监护人居民身份证及监护关系证明"}, "为孩子办理"),
        ("我是外地户口，在示例市参加居民医保要带什么", "resident-medical-insurance", {"居住证"}, "不是本地户籍"),
        ("我们外地户口随迁，孩子上小学报名要准备什么", "school-enrollment", {"居住证", "务工就业证明或社会保险缴费证明"}, "不是本地户籍"),
    ],
)  # fmt: skip
def test_stated_situation_moves_its_materials_into_the_list(assistant, engine, text, guide, moved, reason):
    reply = assistant.ask(text, session_id=sid())
    assert reply.service == guide and reply.intent == "ask_materials"
    must = required(reply)
    for name in moved:
        assert name in must and reason in must[name]["reason"], name
        assert f"已列入必备：{name}" in reply.answer
    # what was not stated stays conditional, with its condition (一次性告知)
    for m in engine.kb.guides[guide].materials:
        if not m.required and m.name not in moved:
            assert m.name in conditional(reply) and m.condition in reply.answer


def test_unstated_self_or_agent_is_asked_in_one_tap_then_refined(assistant, engine):
    s = sid()
    first = assistant.ask("社保卡补办要带什么", session_id=s)
    assert [c.payload for c in first.choices] == ["choose:as:self", "choose:as:agent"]
    assert "授权委托书" in conditional(first)
    agent = assistant.ask(first.choices[1].payload, session_id=s)
    assert agent.service == "social-security-card-replacement" and "授权委托书" in required(agent) and not agent.choices
    myself = assistant.ask("choose:as:self", session_id=s)
    assert "授权委托书" in conditional(myself) and "授权委托书" not in required(myself)


def test_self_or_agent_is_not_asked_when_said(assistant):
    reply = assistant.ask("我本人办社保卡补办，要带什么", session_id=sid())
    assert reply.service == "social-security-card-replacement" and not reply.choices


def test_a_child_is_not_taken_for_an_agent(assistant):
    reply = assistant.ask("给孩子办社保卡要带什么", session_id=sid())
    assert "授权委托书" not in required(reply)


@pytest.mark.parametrize("bad", ["choose:as:", "choose:as:nobody", "choose:as:<b>x</b>", "choose:as:" + "a" * 3000])
def test_a_bad_one_tap_answer_is_answered_plainly(assistant, bad):
    s = sid()
    assistant.ask("社保卡补办要带什么", session_id=s)
    reply = assistant.ask(bad, session_id=s)
    assert reply.answer and reply.kind != "silent"


def test_a_one_tap_answer_without_a_service_is_no_crash(assistant):
    reply = assistant.ask("choose:as:agent", session_id=sid())
    assert reply.answer and reply.service is None


def test_api_carries_the_choices_and_reasons(client):
    r = client.post("/api/v1/chat", json={"text": "社保卡补办要带什么", "channel": "web"})
    body = r.json()
    assert r.status_code == 200 and [b["payload"] for b in body["buttons"]] == ["choose:as:self", "choose:as:agent"]
    r = client.post("/api/v1/chat", json={"session_id": body["session_id"], "text": "choose:as:agent", "channel": "web"})
    moved = [d for d in r.json()["materials_detail"] if d.get("reason")]
    assert {d["name"] for d in moved} == {"授权委托书", "持卡人和受托人居民身份证"}
