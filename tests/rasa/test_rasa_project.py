"""Fast checks of the Rasa project in training/ (no Rasa needed)."""

import yaml

from assistant.understanding.nlu_data import INTENTS, SERVICE_INTENTS
from tests.conftest import ROOT

TRAINING = ROOT / "training"


def load(name: str) -> dict:
    return yaml.safe_load((TRAINING / name).read_text(encoding="utf-8"))


def test_domain_intents_equal_the_engines():
    domain = load("domain.yml")
    assert domain["intents"] == list(INTENTS), "run `assistant rasa export` to refresh training/domain.yml"
    assert domain["entities"] == ["service"]
    assert {"action_answer", "action_handoff"} <= set(domain["actions"])
    # no sentences in the Rasa domain but the empty-message default: the engine words every reply
    assert set(domain["responses"]) == {"utter_default"}


def test_rules_send_every_service_question_to_the_engine():
    rules = {r["steps"][0]["intent"]: r["steps"][1]["action"] for r in load("data/rules.yml")["rules"]}
    assert all(rules[i] == "action_answer" for i in SERVICE_INTENTS)
    assert rules["request_human"] == "action_handoff" and rules["nlu_fallback"] == "action_answer"
    assert rules["greet"] == rules["goodbye"] == rules["out_of_scope"] == "action_answer"


def test_config_is_small_and_chinese():
    config = load("config.yml")
    names = [c["name"] for c in config["pipeline"]]
    assert config["language"] == "zh" and names[0] == "JiebaTokenizer"
    assert {"DIETClassifier", "EntitySynonymMapper", "FallbackClassifier"} <= set(names)
    assert load("credentials.yml")["socketio"]["session_persistence"] is False


def test_export_refreshes_the_domain_intents(tmp_path):
    from assistant.understanding.nlu_data import set_domain_intents

    domain = tmp_path / "domain.yml"
    domain.write_text((TRAINING / "domain.yml").read_text(encoding="utf-8").replace("- out_of_scope\n", ""), encoding="utf-8")
    assert set_domain_intents(domain, INTENTS)
    assert yaml.safe_load(domain.read_text(encoding="utf-8"))["intents"] == list(INTENTS)
    assert not set_domain_intents(domain, INTENTS)
