"""Intent from how people ask, not only from keywords (issue 14 point 7), through the one entry
(assistant.service.Assistant.handle): where-questions stay location questions beside a process word,
"怎么申请" alone asks the process, "有没有…可以办" asks what is needed; near neighbours (first
application / replacement / renewal / temporary card, annual certification / retirement claim) are
told apart by the words said and asked when nothing tells them apart."""

import uuid

import pytest

from assistant.service import Message

ID_CARDS = {"id-card-renewal", "id-card-replacement", "id-card-temporary"}
PENSION = {"pension-qualification-certification", "retirement-application"}


def sid() -> str:
    return uuid.uuid4().hex


def ask(assistant, text, session=None):
    return assistant.handle(Message(text=text, session_id=session or sid()), record=False)


@pytest.mark.parametrize(
    ("text", "service"),
    [("居住证的手续去哪儿办", "residence-permit"), ("护照补办在哪做", "passport"), ("去哪儿办理失业登记", "unemployment-registration")],
)
def test_where_is_a_location_question_even_beside_a_process_word(assistant, text, service):
    reply = ask(assistant, text)
    assert (reply.kind, reply.intent, reply.service) == ("answer", "ask_location", service), reply.answer


@pytest.mark.parametrize(("text", "service"), [("高龄津贴怎么申请", "elderly-allowance"), ("居住证怎么申请", "residence-permit")])
def test_how_to_apply_alone_asks_the_process(assistant, text, service):
    reply = ask(assistant, text)
    assert (reply.intent, reply.service) == ("ask_process", service)


def test_how_to_apply_and_what_to_bring_gets_both(assistant):
    reply = ask(assistant, "居住证怎么申请，要带什么")
    assert reply.service == "residence-permit" and reply.materials  # the list is there beside the steps
    assert set(reply.trace.get("aspects", [])) >= {"ask_process", "ask_materials"}


def test_is_there_something_i_can_do_it_with_asks_what_is_needed(assistant):
    reply = ask(assistant, "没有户口本，有没有别的证件可以办护照")
    assert (reply.intent, reply.service) == ("ask_materials", "passport") and reply.materials


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("身份证快到期了，换一张要带什么", "id-card-renewal"),
        ("身份证补一张多少钱", "id-card-replacement"),
        ("临时的身份证要多少钱", "id-card-temporary"),
        ("养老金每年的认证在哪做", "pension-qualification-certification"),
    ],
)
def test_neighbours_are_told_apart_by_what_is_said(assistant, text, service):
    reply = ask(assistant, text)
    assert reply.service == service and reply.kind in ("answer", "faq"), (reply.kind, reply.answer)


@pytest.mark.parametrize(("text", "group", "intent"), [("身份证要多少钱", ID_CARDS, "ask_fee"), ("养老金在哪里办", PENSION, "ask_location")])
def test_neighbours_are_asked_when_nothing_tells_them_apart(assistant, text, group, intent):
    s = sid()
    reply = ask(assistant, text, s)
    offered = [c.id for c in reply.choices]
    assert reply.kind == "clarify" and reply.service is None
    assert len(offered) >= 2 and set(offered) <= group, offered  # only the neighbours, no unrelated guide
    picked = ask(assistant, reply.choices[0].payload, s)  # the tap answers the question asked
    assert (picked.kind in ("answer", "faq"), picked.service, picked.intent) == (True, offered[0], intent)


def test_a_name_already_decides_no_question(assistant):
    reply = ask(assistant, "社保卡在哪里办")  # 社保卡 is the first application's own name
    assert (reply.kind, reply.service) == ("answer", "social-security-card")


def test_a_tap_that_was_not_offered_is_not_taken_for_a_neighbour(assistant):
    s = sid()
    assert ask(assistant, "身份证要多少钱", s).kind == "clarify"
    reply = ask(assistant, "choose:no-such-guide", s)
    assert reply.service != "no-such-guide" and reply.kind != "answer"


def test_an_event_word_that_names_one_service_is_that_service(assistant):
    single = ask(assistant, "退休要办什么手续")  # 退休手续 is the retirement claim's own name
    assert (single.kind, single.service) == ("answer", "retirement-application")
    bundle = ask(assistant, "退休了要办哪些事")  # several things: the life event
    assert bundle.kind == "life_event" and {c.id for c in bundle.choices} >= PENSION


def test_a_hall_question_whose_words_belong_to_a_life_event_reaches_the_faq(assistant):
    reply = ask(assistant, "周日你们上班吗")  # 上班 is also a word of the employment event
    assert reply.kind == "faq" and reply.trace["faq"]["id"] == "hall-hours"


def test_another_citys_local_matter_is_not_here_but_a_cross_region_one_is(assistant):
    other = ask(assistant, "杭州的公积金能在这里取吗")  # housing fund: this city's only
    assert (other.kind, other.intent, other.service) == ("out_of_scope", "out_of_hall", None)
    here = ask(assistant, "北京户口能在这补身份证吗")  # 身份证 补领 is handled across provinces
    assert here.service == "id-card-replacement" and here.kind in ("answer", "faq")
