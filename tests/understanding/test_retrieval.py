import pytest

from assistant.kb.source import load_knowledge
from assistant.understanding.intent import IntentModel
from assistant.understanding.retriever import Retriever
from tests.conftest import KNOWLEDGE


@pytest.fixture(scope="module")
def lexical_only():
    kb, _ = load_knowledge(KNOWLEDGE)
    return Retriever(kb, encoder=None)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("驾照到期了", "driving-licence-renewal"),
        ("给宝宝上户口", "hukou-newborn"),
        ("二手房过户", "property-transfer-registration"),
        ("身分證遺失補領", "id-card-replacement"),
        ("租房提取公积金", "housing-fund-withdrawal-rent"),
    ],
)
def test_lexical_channels_find_colloquial_names(lexical_only, query, expected):
    assert lexical_only.search(query)[0].guide_id == expected


def test_a_name_inside_another_guides_name_votes_for_both(lexical_only):
    lexicon = lexical_only.lexicon
    assert lexicon.mentioned_services("社保卡遗失了") == {"social-security-card": 3}
    assert lexicon.name_votes("社保卡遗失了") == {"social-security-card": 3, "social-security-card-replacement": 3}
    # the longer, more specific name still wins its own vote
    votes = lexicon.name_votes("社保卡补办")
    assert votes["social-security-card-replacement"] > votes["social-security-card"]


def test_tied_name_votes_leave_the_choice_to_the_other_channels(lexical_only):
    scores = lexical_only.channel_scores("社保卡遗失了补领", None)
    both = [lexical_only.position[g] for g in ("social-security-card", "social-security-card-replacement")]
    assert scores["name"][both[0]] == scores["name"][both[1]] > 0
    assert lexical_only.search("社保卡遗失了补领")[0].guide_id == "social-security-card-replacement"


def test_typo_still_matches_through_char_ngrams(lexical_only):
    hits = lexical_only.search("营业执招补领", channels=("char",))
    assert hits[0].guide_id == "business-licence-reissue"


def test_nothing_for_unrelated_text(lexical_only):
    assert lexical_only.search("量子色动力学", channels=("word", "name")) == []


def test_hybrid_search_in_english(engine):
    hits = engine.understanding.retriever.search("how to renew my driving licence")
    assert hits[0].guide_id == "driving-licence-renewal"


def test_semantic_channel_alone_understands_paraphrase(engine):
    hits = engine.understanding.retriever.search("老人八十多岁了有没有补贴可以领", channels=("semantic",))
    assert hits[0].guide_id == "elderly-allowance"


def test_intent_model_round_trip(engine, tmp_path):
    model = engine.understanding.intents
    model.save(tmp_path)
    loaded = IntentModel.load(tmp_path)
    vec = engine.understanding.retriever.embed_query("护照多少钱")
    assert loaded.predict("护照多少钱", vec) == model.predict("护照多少钱", vec)


def test_missing_model_gives_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="assistant train"):
        IntentModel.load(tmp_path)


def test_a_service_said_close_to_its_official_name_is_masked_for_the_intent_model(lexical_only):
    lexicon = lexical_only.lexicon
    text = "养老保险关系转移接续办理"  # official name: 基本养老保险关系转移接续
    assert lexicon.mark_service(text) == text  # no exact name in it
    assert lexicon.mark_near_name(text, "pension-transfer") == "□办理"
    assert lexicon.mark_near_name("不动产权证书弄丢了怎么办", "property-certificate-reissue") == "□弄丢了怎么办"
    # fewer than four shared characters is no evidence of a name: nothing is masked
    assert lexicon.mark_near_name("养老金怎么领", "pension-transfer") == "养老金怎么领"
    assert lexicon.mark_near_name("what do I need", "pension-transfer") == "what do I need"
