"""Out of scope in two kinds, and several aspects of one service in one message."""

import uuid

import pytest


def sid() -> str:
    return uuid.uuid4().hex


@pytest.mark.parametrize("text", ["帮我写一封辞职信", "今天美元汇率是多少", "帮我叫一辆出租车去火车站", "tell me a joke"])
def test_no_government_matter(assistant, text):
    reply = assistant.ask(text, session_id=sid())
    assert reply.kind == "out_of_scope" and reply.intent == "out_of_scope" and reply.service is None and reply.guide is None
    assert any(c.id == "__human__" for c in reply.choices)


@pytest.mark.parametrize("text", ["美国签证怎么办", "申请律师执业证要带什么"])
def test_government_matter_not_handled_here_says_where(assistant, text):
    reply = assistant.ask(text, session_id=sid())
    assert reply.kind == "out_of_scope" and reply.intent == "out_of_hall" and reply.service is None and not reply.materials
    assert "12345" in reply.answer and "不在本中心" in reply.answer
    assert any(c.id == "__human__" for c in reply.choices)


def test_out_of_hall_in_english(assistant):
    reply = assistant.ask("how do I get a US visa", session_id=sid())
    assert reply.intent == "out_of_hall" and reply.lang == "en" and "12345" in reply.answer


def test_services_stay_in_scope(assistant):
    for text, gid in [("护照要带什么", "passport"), ("港澳通行证续签要多久", "hk-macau-permit"), ("驾驶证到期换证要什么", "driving-licence-renewal")]:
        reply = assistant.ask(text, session_id=sid())
        assert reply.kind in ("answer", "faq") and reply.service == gid, text  # a guide FAQ may answer it


def test_two_aspects_in_one_message_are_both_answered(assistant, engine):
    reply = assistant.ask("义务教育入学怎么报名，要准备什么", session_id=sid())
    guide = engine.kb.guides["school-enrollment"]
    assert reply.service == guide.id and set(reply.trace["aspects"]) == {"ask_process", "ask_materials"}
    assert "办理流程" in reply.answer and "必备材料" in reply.answer
    assert all(m.name in reply.answer for m in guide.required_materials)
    assert reply.answer.count("来源：") == 1 and reply.answer.count(f"【{guide.name}】") == 1


def test_fee_and_time_in_one_message(assistant):
    reply = assistant.ask("护照要多少钱，多久能拿到", session_id=sid())
    # the passport guide has this very FAQ (fee and time); otherwise both parts are composed
    assert reply.service == "passport" and (reply.kind == "faq" or ("收费" in reply.answer and "办理时限" in reply.answer))


def test_one_question_is_one_aspect(assistant):
    reply = assistant.ask("护照要带什么", session_id=sid())
    assert "aspects" not in reply.trace and "办理流程" not in reply.answer
