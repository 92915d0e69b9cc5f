"""Hall questions answered from knowledge/faq.yaml; guide FAQs answered citing the guide; an FAQ added
to the knowledge is found by a rebuilt index."""

import json
import subprocess
import sys
import uuid

import pytest


def sid() -> str:
    return uuid.uuid4().hex


@pytest.mark.parametrize(
    ("text", "faq_id"),
    [("几点下班", "hall-hours"), ("中心地址在哪", "hall-address"), ("能停车吗", "hall-parking"), ("有wifi吗", "hall-wifi"),
     ("怎么坐地铁过去", "hall-transport"), ("能借轮椅吗", "hall-accessibility"), ("is there parking", "hall-parking")],
)  # fmt: skip
def test_hall_question_is_answered_from_the_hall_faq(assistant, engine, text, faq_id):
    reply = assistant.ask(text, session_id=sid())
    entry = next(f for f in engine.kb.faq if f.id == faq_id)
    assert reply.kind == "faq" and reply.service is None and reply.trace["faq"]["id"] == faq_id
    assert (entry.a_en if reply.lang == "en" else entry.a) in reply.answer


def test_guide_faq_is_answered_citing_the_guide(assistant, engine):
    reply = assistant.ask("补办身份证还要登报吗", session_id=sid())
    guide = engine.kb.guides["id-card-replacement"]
    assert reply.kind == "faq" and reply.service == guide.id and reply.guide.id == guide.id
    assert guide.faq[0].a in reply.answer and f"《{guide.name}》" in reply.answer


def test_a_service_question_is_not_taken_for_its_faq(assistant):
    # the guide's FAQ asks about a notice in the paper; this asks for the materials
    reply = assistant.ask("身份证丢了要带什么", session_id=sid())
    assert reply.kind == "answer" and reply.service == "id-card-replacement" and reply.materials


def test_after_a_service_where_means_that_service(assistant):
    s = sid()
    assistant.ask("社保卡补办要带什么", session_id=s)
    reply = assistant.ask("在哪办", session_id=s)
    assert reply.kind == "answer" and reply.service == "social-security-card-replacement"


def test_nonsense_near_a_faq_is_not_answered_by_it(assistant):
    reply = assistant.ask("停停停停停", session_id=sid())
    assert reply.kind != "faq" or reply.trace["faq"]["score"] >= 0.68


def test_an_added_faq_is_found_after_a_rebuild(engine):
    """What the review queue's "add FAQ" does once published: a new guide FAQ in the knowledge."""
    from assistant.dialogue.manager import Dialogue
    from assistant.dialogue.state import Session
    from assistant.kb.schema import FAQ
    from assistant.understanding.pipeline import Understanding

    question, answer = "社保卡补办可以让银行寄到家吗？", "可以，在小程序选择邮寄到家，邮费由申请人承担。"
    before = Dialogue(engine.kb, engine.understanding).handle(Session(id=sid()), "社保卡补办能让银行寄到家吗")
    assert answer not in before.answer
    kb = engine.kb
    guide = kb.guides["social-security-card-replacement"]
    changed = guide.model_copy(update={"faq": [*guide.faq, FAQ(q=question, a=answer)]})
    new_kb = type(kb)(guides={**kb.guides, guide.id: changed}, categories=kb.categories, life_events=kb.life_events, synonyms=kb.synonyms, faq=kb.faq)
    rebuilt = Understanding(new_kb, engine.understanding.retriever, engine.understanding.intents, engine.understanding.calibrator)
    after = Dialogue(new_kb, rebuilt).handle(Session(id=sid()), "社保卡补办能让银行寄到家吗")
    assert after.kind == "faq" and answer in after.answer and after.service == guide.id


def test_cli_ask_json_of_a_hall_question_is_kind_faq(trained_settings):
    env_cmd = [sys.executable, "-m", "assistant", "ask", "--json", "几点下班"]
    import os

    env = {**os.environ, "ASSISTANT_DATA_DIR": str(trained_settings.data_dir), "ASSISTANT_DATABASE_URL": trained_settings.database_url}
    out = subprocess.run(env_cmd, capture_output=True, text=True, env=env, timeout=300, check=True)
    data = json.loads(out.stdout)
    assert data["kind"] == "faq" and "17:00" in data["answer"]
