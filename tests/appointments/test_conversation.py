"""Booking and case progress through the one entry (Assistant.handle), in Chinese and English."""

from __future__ import annotations

import json
import uuid

from assistant.records.models import ChatLogRow
from assistant.service import Message


def talk(assistant, texts, lang=None):
    sid, replies = uuid.uuid4().hex, []
    for text in texts:
        replies.append(assistant.handle(Message(text=text, session_id=sid, lang=lang)))
        task = assistant.engine.sessions.peek(sid).task
        json.dumps(task)  # the form's state stays plain JSON (sessions move into the database)
    return replies


def test_booking_in_chinese(assistant):
    first = talk(assistant, ["预约明天上午办护照"])[0]
    assert first.intent == "book_appointment" and first.service == "passport" and first.kind == "book"
    assert first.choices and all(c.payload.startswith("choose:") for c in first.choices) and "A09-A12" in first.answer
    sid = first.session_id
    ask = lambda t: assistant.handle(Message(text=t, session_id=sid))  # noqa: E731
    named = ask(first.choices[0].payload)
    assert "姓名" in named.answer and not named.choices
    assert "手机" in ask("我叫王小明").answer
    wrong = ask("12345")
    assert "手机号码格式不对" in wrong.answer and wrong.appointment is None
    done = ask("13812345678")
    card = done.appointment
    assert card is not None and card.code in done.answer and card.service_id == "passport" and card.windows == "A09-A12"
    assert card.materials and "请带好" in done.answer
    booked = assistant.bookings.get(card.code, "5678")
    assert booked.name == "王小明" and booked.mobile == "138****5678" and booked.slot == first.choices[0].id
    # the form is over: the next question is an ordinary one again
    assert ask("护照要带什么").kind == "answer"
    with assistant.storage.db.session() as s:
        logged = [r.text for r in s.query(ChatLogRow).filter_by(session_id=sid)]
    assert "王小明" not in " ".join(logged) and "13812345678" not in " ".join(logged)


def test_booking_in_english(assistant):
    first, picked, named = talk(assistant, ["can I book a time for my residence permit", "1", "Li Si"])  # late in the day one time may be left
    assert first.intent == "book_appointment" and first.service == "residence-permit" and first.lang == "en"
    assert "Free times" in first.answer and "What name" in picked.answer and "mobile" in named.answer
    done = assistant.handle(Message(text="139 1234 5678", session_id=first.session_id))
    assert done.appointment and done.answer.startswith("Booked!") and done.appointment.service == "Residence permit"


def test_a_service_that_needs_no_visit(assistant):
    reply = talk(assistant, ["预约办营业执照补领"])[0]
    assert reply.kind == "book" and "无需到现场" in reply.answer and not reply.choices


def test_which_service_first(assistant):
    reply = talk(assistant, ["我要预约"])[0]
    assert reply.intent == "book_appointment" and "哪项业务" in reply.answer


def test_leaving_the_form_and_asking_for_a_person(assistant):
    replies = talk(assistant, ["预约明天办护照", "取消", "护照要带什么"])
    assert "已退出预约" in replies[1].answer and replies[2].kind == "answer"
    first, human = talk(assistant, ["预约明天办护照", "__human__"])
    assert human.handoff and assistant.engine.sessions.peek(human.session_id).task is None


def test_a_bad_pick_and_a_bad_name_are_asked_again(assistant):
    first, bad_pick, pick, bad_name = talk(assistant, ["预约后天下午办居住证", "choose:<script>", "1", "<b>x</b>"])
    assert "请点选" in bad_pick.answer and bad_pick.choices
    assert "姓名" in pick.answer and "姓名格式不对" in bad_name.answer


def test_progress_in_chinese(assistant):
    ask, number, done = talk(assistant, ["我的居住证办好了没有", "SL202611200001", "1234"])
    assert ask.intent == "check_progress" and "受理号" in ask.answer and "后四位" in ask.answer
    assert "后四位" in number.answer
    assert done.case and done.case.status == "ready" and "A05" in done.answer and "2026-11-27" in done.answer


def test_progress_in_english_in_one_message(assistant):
    ask, done = talk(assistant, ["is my business licence ready", "SL202611180003, 4321"])
    assert ask.intent == "check_progress" and "case number" in ask.answer
    assert done.case and "SF1234567890" in done.answer and done.case.status_label == "done and posted"


def test_progress_wrong_check_reads_like_a_wrong_number(assistant):
    a = talk(assistant, ["查一下我的办件进度", "SL202611200001，0000"])[1]
    b = talk(assistant, ["查一下我的办件进度", "SL209911200001，1234"])[1]
    assert a.answer == b.answer and a.case is None and "没有查到" in a.answer


def test_progress_asks_again_then_gives_up(assistant):
    replies = talk(assistant, ["我的申请办好了吗", "不知道", "没有", "忘了"])
    assert "格式不对" in replies[1].answer and replies[-1].answer.startswith("受理号或后四位格式不对")
    assert assistant.engine.sessions.peek(replies[-1].session_id).task is None


def test_progress_guesses_on_one_number_are_bounded_across_new_sessions(assistant):
    """Starting a new conversation for each guess does not give more guesses at one case's check value."""
    from assistant.service import say

    number = "SL2099" + uuid.uuid4().hex[:8].translate(str.maketrans("abcdef", "123456"))  # no such case: locks nothing real
    limit = assistant.cases.limit
    answers = [talk(assistant, ["查一下我的办件进度", f"{number}，{i:04d}"])[1].answer for i in range(limit + 1)]
    assert answers[:limit] == [answers[0]] * limit and "没有查到" in answers[0]
    assert answers[limit] == say("case_too_many", "zh")
    assert talk(assistant, ["查一下我的办件进度", "SL202611200001，1234"])[1].case is not None  # other cases are not locked
