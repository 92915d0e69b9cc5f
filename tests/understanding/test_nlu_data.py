import yaml

from assistant.kb.source import load_knowledge
from assistant.understanding.nlu_data import INTENTS, generate_nlu, read_nlu, strip_entities, write_nlu
from tests.conftest import KNOWLEDGE, ROOT


def test_strip_entities_returns_text_service_and_span():
    text, service, span = strip_entities('[身份证丢了]{"entity": "service", "value": "id-card-replacement"}要带什么')
    assert (text, service, span) == ("身份证丢了要带什么", "id-card-replacement", "身份证丢了")


def test_committed_training_data_is_current_and_complete(tmp_path):
    kb, _ = load_knowledge(KNOWLEDGE)
    templates = yaml.safe_load((ROOT / "training" / "templates.yml").read_text(encoding="utf-8"))
    out = tmp_path / "nlu.yml"
    write_nlu(generate_nlu(templates, kb), out)
    assert out.read_text(encoding="utf-8") == (ROOT / "training" / "data" / "nlu.yml").read_text(encoding="utf-8"), (
        "training/data/nlu.yml is stale: run `assistant rasa export`"
    )
    examples = read_nlu(out)
    assert {e.intent for e in examples} == set(INTENTS)
    for intent in INTENTS[:6]:
        covered = {e.service for e in examples if e.intent == intent and e.service}
        assert covered == set(kb.guides), intent
    assert any(e.text.isascii() for e in examples if e.intent == "ask_fee")


def test_keywords_that_carry_a_question_are_not_service_names_for_the_intent_model():
    from assistant.understanding.names import Lexicon

    kb, _ = load_knowledge(KNOWLEDGE)
    lexicon = Lexicon.from_knowledge(kb)
    assert "失业金怎么领" in lexicon.names  # still finds the guide
    assert lexicon.mark_service("失业金怎么领") == "□怎么领"  # but the question stays for the intent
    assert lexicon.mark_service("社保卡怎么办") == "□怎么办"
    spans = {e.span for e in read_nlu(ROOT / "training" / "data" / "nlu.yml") if e.span}
    assert spans and not spans & {"失业金怎么领", "社保卡怎么办", "开餐馆要什么证", "失业了怎么办"}


def test_training_data_holds_no_held_out_or_dev_question():
    """The held-out sets (benchmarks/) and the dev set measure what was never trained on: no training
    example may be one of their questions, however it is spelled (normalised, punctuation ignored).
    Fixed phrases of four characters or fewer (再见, 转人工, 要带什么) are what every assistant is taught."""
    import json
    import os
    import re
    from pathlib import Path

    from assistant.understanding.text import normalize

    def key(text: str) -> str:
        return re.sub(r"[\\W_]+", "", normalize(text))

    held = []
    for name in ("out-of-scope-questions.jsonl", "typo-questions.jsonl", "faq-questions.jsonl", "extra-questions.jsonl"):
        held += [json.loads(line)["text"] for line in (ROOT / "benchmarks" / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    dev = Path(os.environ.get("ASSISTANT_DEV_QUESTIONS", ROOT.parent / "shared" / "dev-questions.jsonl"))  # beside the repository, not in it
    if dev.exists():
        held += [json.loads(line)["text"] for line in dev.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(held) > 200
    trained = {key(e.text) for e in read_nlu(ROOT / "training" / "data" / "nlu.yml")}
    copied = sorted({t for t in held if key(t) in trained and len(key(t)) > 4})
    assert not copied, copied


def test_services_named_in_part_are_whole_words_of_the_official_name():
    from assistant.understanding.nlu_data import Example, named_in_part

    kb, _ = load_knowledge(KNOWLEDGE)
    cut = {"内地居民离婚登记": ["内地", "居民", "离婚", "登记"]}.get
    examples = [
        Example("内地居民离婚登记在哪办", "ask_location", "divorce-registration", "内地居民离婚登记"),
        Example("where is divorce registration", "ask_location", "divorce-registration", "divorce registration"),  # English: kept out
        Example("你好", "greet"),  # no service
    ]
    parts = named_in_part(examples, kb, lambda name: cut(name) or [name], limit=10)
    assert len(parts) == 1
    part = parts[0]
    assert part.span in {"内地居民", "居民离婚", "离婚登记", "内地居民离婚", "居民离婚登记"}  # 3+ characters, whole words, not all
    assert part.text == f"{part.span}在哪办" and (part.intent, part.service) == ("ask_location", "divorce-registration")
    assert part.residual == examples[0].residual  # the same template: the same fold, the same intent
    assert named_in_part(examples, kb, lambda name: cut(name) or [name], limit=10) == parts  # drawn by the text
    assert named_in_part(examples * 5, kb, lambda name: cut(name) or [name], limit=2) == parts * 2
