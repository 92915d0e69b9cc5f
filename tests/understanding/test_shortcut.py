"""The lexical shortcut (answering without the e5 query embedding): its limits, how they are chosen at
training time, read from shortcut.json, and when a question takes it."""

import json
import shutil

import pytest

from assistant.engine import Paths
from assistant.understanding.pipeline import Understanding
from assistant.understanding.intent import IntentPrediction
from assistant.understanding.shortcut import FOLDS, GRID, MIN_TAKEN, NEVER, Shortcut, choose_chat_limit, choose_limits, fold_of, out_of_fold


@pytest.fixture
def models_copy(trained_settings, tmp_path):
    copy = tmp_path / "models"
    shutil.copytree(Paths.of(trained_settings).models, copy)
    return copy


@pytest.fixture
def understanding(engine):
    """The engine's understanding with a shortcut at limits the test sets (restored afterwards)."""
    u = engine.understanding
    kept = u.shortcut
    assert kept is not None, "training writes shortcut.json and its two models"
    yield u
    u.shortcut = kept


def with_limits(u: Understanding, service: float, intent: float, chat: float = NEVER) -> Shortcut:
    return Shortcut(u.shortcut.calibrator, u.shortcut.intents, service, intent, chat)


def cold(u: Understanding, text: str):
    """understand() with an empty query cache; (result, whether e5 was called)."""
    u.retriever.queries = type(u.retriever.queries)()
    understood = u.understand(text)
    return understood, u.retriever.queries.misses > 0


# --- choosing the limits ------------------------------------------------------------------------


def test_the_pair_taking_most_questions_with_agreement_is_chosen():
    # 100 questions sure on both sides and agreeing, 40 sure of the service only, where the decisions differ
    rows = [(0.99, 0.99, True)] * 100 + [(0.99, 0.85, False)] * 40
    limits = choose_limits(rows)
    assert limits["intent"] > 0.85 and limits["service"] <= 0.99
    assert limits["share"] == pytest.approx(100 / 140)


def test_service_and_intent_limits_are_chosen_apart():
    # the service is sure at 0.8 already; the intent only at 0.95: one common limit would take fewer
    rows = [(0.82, 0.96, True)] * 60 + [(0.99, 0.9, False)] * 10 + [(0.5, 0.99, False)] * 10
    limits = choose_limits(rows)
    assert (limits["service"], limits["intent"]) == (0.8, 0.95)
    assert limits["share"] == pytest.approx(60 / 80)


def test_one_disagreement_in_a_small_share_turns_the_shortcut_off():
    rows = [(0.99, 0.99, True)] * 60 + [(0.99, 0.99, False)] + [(0.1, 0.1, False)] * 100
    assert choose_limits(rows) == {"service": NEVER, "intent": NEVER, "share": 0.0}


def test_too_few_questions_taken_say_nothing():
    rows = [(0.99, 0.99, True)] * (MIN_TAKEN - 1) + [(0.1, 0.1, False)] * 100
    assert choose_limits(rows)["service"] == NEVER
    assert choose_limits([])["service"] == NEVER


def test_the_chat_limit_is_the_lowest_that_agrees():
    # greetings at 0.85 or more agree; at 0.72 a third of them were service questions after all: the
    # lowest limit of the grid above those
    rows = [(0.95, True)] * 40 + [(0.85, True)] * 20 + [(0.72, False)] * 10 + [(0.72, True)] * 20
    assert choose_chat_limit(rows) == min(g for g in GRID if g > 0.72)


def test_the_chat_limit_needs_enough_questions_and_agreement():
    assert choose_chat_limit([(0.99, True)] * (MIN_TAKEN - 1)) == NEVER
    assert choose_chat_limit([(0.99, True)] * 100 + [(0.999, False)]) == NEVER  # one disagreement at the top
    assert choose_chat_limit([]) == NEVER


def test_only_a_question_about_a_service_is_taken_on_the_service_side():
    shortcut = Shortcut(None, None, 0.5, 0.5, NEVER)  # type: ignore[arg-type]
    sure = lambda intent: IntentPrediction(intent, 0.99, {intent: 0.99})  # noqa: E731
    assert shortcut.takes(0.99, sure("ask_fee"))
    for intent in ("greet", "out_of_scope", "out_of_hall", "ask_hall", "request_human"):
        assert not shortcut.takes(0.99, sure(intent))
    assert not shortcut.chats(sure("greet"))  # the chat limit NEVER: greetings go to the full pipeline
    assert Shortcut(None, None, 0.5, 0.5, 0.9).chats(sure("greet"))  # type: ignore[arg-type]
    assert not Shortcut(None, None, 0.5, 0.5, 0.9).chats(sure("ask_fee"))  # type: ignore[arg-type]


def test_equal_texts_share_a_fold_and_no_fold_model_saw_its_fold():
    texts = [f"□怎么{x}" for x in "办领补换查交"] * 3 + ["□要带什么"] * 5
    assert len({fold_of(t) for t in texts if t == "□要带什么"}) == 1
    seen: list[list[str]] = []

    def train(t, labels):
        seen.append(list(t))
        return len(seen) - 1  # stands for the model: which fold's training it was

    models = out_of_fold(texts, ["x"] * len(texts), train)
    assert len(models) == FOLDS
    for k, trained_on in enumerate(seen):
        assert not {t for t in texts if fold_of(t) == k} & set(trained_on)
        assert sorted(trained_on) == sorted(t for t in texts if fold_of(t) != k)


# --- shortcut.json ------------------------------------------------------------------------------


def test_limits_are_read_from_shortcut_json(models_copy):
    (models_copy / "shortcut.json").write_text(json.dumps({"service": 0.85, "intent": 0.9, "share": 0.3}))
    shortcut = Shortcut.load(models_copy)
    assert (shortcut.service, shortcut.intent) == (0.85, 0.9)


def test_a_shortcut_json_without_a_chat_limit_never_takes_chat(models_copy):
    (models_copy / "shortcut.json").write_text(json.dumps({"service": 0.85, "intent": 0.9}))  # written before the chat limit
    assert Shortcut.load(models_copy).chat == NEVER
    (models_copy / "shortcut.json").write_text(json.dumps({"service": 0.85, "intent": 0.9, "chat": "0.8"}))
    with pytest.raises(ValueError, match="shortcut.json: expected a numeric 'chat' limit"):
        Shortcut.load(models_copy)


def test_no_shortcut_json_means_no_shortcut(models_copy):
    (models_copy / "shortcut.json").unlink()
    assert Shortcut.load(models_copy) is None


@pytest.mark.parametrize("content", ['{"service": 0.9}', '{"service": "0.9", "intent": 0.9}', '{"service": true, "intent": 0.9}', "[]"])
def test_a_malformed_shortcut_json_is_named(models_copy, content):
    (models_copy / "shortcut.json").write_text(content)
    with pytest.raises(ValueError, match="shortcut.json"):
        Shortcut.load(models_copy)


def test_a_malformed_shortcut_json_names_the_file(models_copy):
    (models_copy / "shortcut.json").write_text('{"service": 0.9, "intent": null}')
    with pytest.raises(ValueError, match=r"shortcut\.json: expected numeric 'service' and 'intent' limits; run `assistant train`"):
        Shortcut.load(models_copy)


def test_training_wrote_limits_the_validation_chose(engine, trained_settings):
    limits = json.loads((Paths.of(trained_settings).models / "shortcut.json").read_text())
    assert set(limits) >= {"service", "intent", "share", "chat"}
    # either off, or a pair of the grid taking a share of the validation questions
    assert (limits["service"], limits["intent"], limits["share"]) == (NEVER, NEVER, 0.0) or (limits["service"] in GRID and limits["intent"] in GRID and limits["share"] > 0)
    assert limits["chat"] in (*GRID, NEVER)


# --- when a question takes it -------------------------------------------------------------------


def test_a_service_named_plainly_skips_e5(understanding):
    understanding.shortcut = with_limits(understanding, 0.8, 0.5)
    understood, called = cold(understanding, "身份证丢了怎么补办")
    assert not called and understood.vector is None
    assert understood.service == "id-card-replacement"


def test_a_greeting_sure_of_itself_looks_for_no_service(understanding):
    understanding.shortcut = with_limits(understanding, NEVER, NEVER, chat=0.0)
    understood, called = cold(understanding, "你好呀")
    assert not called and understood.intent.intent == "greet"
    assert understood.hits == [] and understood.confidence == 0.0 and understood.service is None
    understanding.shortcut = with_limits(understanding, NEVER, NEVER, chat=NEVER)
    _, called = cold(understanding, "你好呀")
    assert called


def test_a_greeting_that_names_a_service_reaches_the_full_pipeline(understanding):
    understanding.shortcut = with_limits(understanding, NEVER, NEVER, chat=0.0)
    understood, called = cold(understanding, "你好，我要转人工办护照")
    assert called and understood.service == "passport"


class FixedRasa:
    """Stands for a Rasa server's parse: the intent it would give."""

    def __init__(self, intent: str) -> None:
        self.intent = intent

    def parse(self, text: str) -> IntentPrediction:
        return IntentPrediction(self.intent, 0.99, {self.intent: 0.99})


def test_with_rasa_the_shortcut_takes_only_a_question_about_a_service(understanding):
    understanding.shortcut = with_limits(understanding, 0.0, NEVER, chat=0.0)  # the local intent's limit plays no part
    try:
        understanding.remote = FixedRasa("ask_process")
        understood, called = cold(understanding, "护照怎么办理")
        assert not called and understood.service == "passport" and understood.intent.intent == "ask_process"
        understanding.remote = FixedRasa("greet")  # the local intent says greet too: no service confidence is trusted
        understood, called = cold(understanding, "你好呀")
        assert called and understood.intent.intent == "greet"
    finally:
        understanding.remote = None


def test_an_out_of_scope_question_reaches_the_full_pipeline(understanding):
    understanding.shortcut = with_limits(understanding, 0.8, 0.5)
    understood, called = cold(understanding, "明天会下雨吗")
    assert called and understood.vector is not None


def test_limits_above_every_confidence_send_everything_to_e5(understanding):
    understanding.shortcut = with_limits(understanding, NEVER, NEVER)
    understood, called = cold(understanding, "身份证丢了怎么补办")
    assert called and understood.service == "id-card-replacement"


def test_the_intent_limit_alone_can_refuse(understanding):
    understanding.shortcut = with_limits(understanding, 0.8, NEVER)
    _, called = cold(understanding, "身份证丢了怎么补办")
    assert called


def test_a_service_said_in_pieces_is_masked_for_the_lexical_intent_model(understanding):
    hits = understanding.retriever.search("驾驶证到期换证需要什么", channels=("word", "char", "name"))
    assert hits[0].guide_id == "driving-licence-renewal"
    assert understanding._mark("驾驶证到期换证需要什么", hits) == "驾驶证到期换证需要什么"  # no name said exactly
    assert "驾驶证" not in understanding._mark_lexically("驾驶证到期换证需要什么", hits)
    assert understanding._mark_lexically("驾驶证到期换证需要什么", hits).endswith("需要什么")


def test_clauses_on_the_shortcut_path_need_no_e5_when_the_lexical_model_is_sure(understanding):
    understanding.shortcut = with_limits(understanding, NEVER, NEVER)
    full, called = cold(understanding, "护照怎么办理，要多少钱")
    assert called and full.aspects == ["ask_process", "ask_fee"]
    understanding.shortcut = with_limits(understanding, 0.0, 0.5)  # the service side always taken: the clauses are tested
    lexical, called = cold(understanding, "护照怎么办理，要多少钱")
    assert not called  # neither the question nor its two clauses were embedded
    assert lexical.aspects == full.aspects and lexical.service == full.service == "passport"
