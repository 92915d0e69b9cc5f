import uuid

import pytest


def sid() -> str:
    return uuid.uuid4().hex


def test_materials_answer_tells_everything_at_once(assistant, engine):
    reply = assistant.ask("居民身份证遗失补领需要带什么材料", session_id=sid())
    guide = engine.kb.guides["id-card-replacement"]
    assert reply.service == "id-card-replacement" and reply.intent == "ask_materials"
    for m in guide.required_materials:
        assert m.name in reply.answer and m.name in reply.materials
    for m in guide.conditional_materials:
        assert m.condition in reply.answer
    assert str(guide.online_url) in reply.answer and reply.online["available"] is True
    assert "跑动次数" in reply.answer and guide.location.windows[0] in reply.answer
    assert reply.guide.id == guide.id and guide.updated_at.isoformat() in reply.answer


def test_follow_up_reuses_the_last_service(assistant, engine):
    s = sid()
    first = assistant.ask("我想办居住证", session_id=s)
    assert first.service == "residence-permit"
    fee = assistant.ask("收费吗", session_id=s)
    assert fee.service == "residence-permit" and fee.intent == "ask_fee" and "收费" in fee.answer
    online = assistant.ask("能网上办吗", session_id=s)
    assert online.service == "residence-permit" and online.intent == "ask_online"


def test_follow_up_without_context_asks_which_service(assistant, engine):
    reply = assistant.ask("要带什么", session_id=sid())
    assert reply.service is None and reply.kind in ("clarify", "no_match")


def understood(engine, confidence, ids, intent="ask_materials", mentioned=None):
    from assistant.understanding.intent import IntentPrediction
    from assistant.understanding.pipeline import Understood
    from assistant.understanding.retriever import Hit

    hits = [Hit(g, 0.1 - i * 0.01, {}) for i, g in enumerate(ids)]
    return Understood("x", IntentPrediction(intent, 0.9, {intent: 0.9}), hits, confidence, {}, mentioned or {})


def test_medium_confidence_clarifies_and_accepts_a_number(assistant, engine, monkeypatch):
    s = sid()
    fake = understood(engine, 0.3, ["id-card-renewal", "id-card-replacement", "id-card-temporary"], intent="ask_fee")
    monkeypatch.setattr(engine.understanding, "understand", lambda text: fake)
    reply = assistant.ask("身份证的事", session_id=s)
    assert reply.kind == "clarify" and [c.id for c in reply.choices] == fake_ids(fake)
    assert "1. " in reply.answer and reply.service is None
    monkeypatch.undo()
    chosen = assistant.ask("第二个", session_id=s)
    assert chosen.service == "id-card-replacement" and chosen.intent == "ask_fee" and chosen.kind == "answer"


def fake_ids(u):
    return [h.guide_id for h in u.hits]


def test_low_confidence_offers_a_person(assistant, engine, monkeypatch):
    monkeypatch.setattr(engine.understanding, "understand", lambda text: understood(engine, 0.01, ["passport"]))
    reply = assistant.ask("嗯", session_id=sid())
    assert reply.kind == "no_match" and not reply.handoff
    assert [(c.id, c.title, c.payload) for c in reply.choices] == [("__human__", "转人工", "__human__")]


def test_human_choice_hands_off(assistant, engine):
    assert assistant.ask("__human__", session_id=sid()).handoff


def test_clarify_then_pick_by_id(assistant, engine):
    s = sid()
    session = engine.sessions.get(s)
    session.pending_choices, session.pending_intent = ["passport", "hk-macau-permit"], "ask_fee"
    engine.sessions.save(session)  # the store keeps what is saved (the database in the server)
    chosen = assistant.ask("/choose hk-macau-permit", session_id=s)
    assert chosen.service == "hk-macau-permit" and chosen.intent == "ask_fee"


def test_life_event_lists_bundled_services(assistant, engine):
    reply = assistant.ask("孩子出生了要办什么", session_id=sid())
    assert reply.kind == "life_event"
    ids = [c.id for c in reply.choices]
    assert "hukou-newborn" in ids and "social-security-card" in ids


def test_explicit_request_hands_off(assistant, engine):
    reply = assistant.ask("转人工", session_id=sid())
    assert reply.handoff and reply.intent == "request_human"


def test_repeated_failure_hands_off(assistant, engine):
    s = sid()
    first = assistant.ask("推荐一部电影", session_id=s)
    second = assistant.ask("明天天气怎么样", session_id=s)
    assert first.intent == second.intent == "out_of_scope"
    assert not first.handoff and second.handoff


def test_english_question_gets_english_answer(assistant, engine):
    reply = assistant.ask("What documents do I need for a passport?", session_id=sid())
    assert reply.service == "passport" and reply.lang == "en"
    assert "Required:" in reply.answer and reply.materials[0].isascii()


def test_traditional_characters(assistant, engine):
    reply = assistant.ask("護照辦理需要什麼材料", session_id=sid())
    assert reply.service == "passport" and reply.intent == "ask_materials"


def test_out_of_scope(assistant, engine):
    reply = assistant.ask("今天股票会涨吗", session_id=sid())
    assert reply.intent == "out_of_scope" and reply.service is None


@pytest.mark.parametrize("text", ["", "   ", "？？？！！！", "\x00\x01\x02"])
def test_empty_and_garbage_input(assistant, engine, text):
    reply = assistant.ask(text, session_id=sid())
    assert reply.kind == "empty" and reply.service is None and reply.answer


def test_huge_input_is_bounded(assistant, engine):
    reply = assistant.ask("身份证丢了怎么办" * 50_000, session_id=sid())
    assert reply.answer and len(reply.text) <= 2000 + 100


def test_personal_numbers_are_masked_in_history(assistant, engine):
    s = sid()
    reply = assistant.ask("我的身份证号110101199003077777手机13812345678，身份证丢了", session_id=s)
    transcript = " ".join(t.text for t in engine.sessions.get(s).history)
    assert "110101199003077777" not in transcript and "13812345678" not in transcript
    assert "110101199003077777" not in reply.text


def test_buttons_keep_the_conversation_language(assistant, engine):
    s = sid()
    assistant.ask("孩子出生了要办什么", session_id=s)
    picked = assistant.ask("/choose hukou-newborn", session_id=s)
    assert picked.lang == "zh" and picked.service == "hukou-newborn" and "必备材料" in picked.answer
    human = assistant.ask("__human__", session_id=s, lang="zh")
    assert human.handoff and human.lang == "zh" and "人工" in human.answer
    assert "__human__" not in " ".join(t.text for t in engine.sessions.get(s).history)


def test_marriage_online_is_booking_only(assistant):
    reply = assistant.ask("结婚登记能在网上办吗", session_id=sid())
    assert reply.service == "marriage-registration" and reply.intent == "ask_online"
    assert "不能在网上申请办理" in reply.answer and "预约" in reply.answer
    assert "可网上办理" not in reply.answer
    assert reply.online["level"] == "booking" and reply.online["link"] == "网上预约"


def test_death_deregistration_lists_the_death_proof_as_required_one_of_four(assistant):
    reply = assistant.ask("家里老人去世了销户要带什么", session_id=sid())
    assert reply.service == "death-registration" and reply.intent == "ask_materials"
    required = reply.answer.split("视情况提供：")[0]
    assert "死亡证明" in required and "以下任选其一" in required
    for alt in ("居民死亡医学证明（推断）书", "公安或司法机关出具的死亡证明", "火化证明", "境外死亡证明"):
        assert alt in required
    group = next(d for d in reply.materials_detail if d["one_of"])
    assert group["required"] is True and len(group["one_of"]) == 4
