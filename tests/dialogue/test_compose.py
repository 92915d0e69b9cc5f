"""The composer words each guide field exactly (no trained model needed: it reads the guides)."""

import pytest

from assistant.dialogue.compose import compose_event, compose_guide, online_info
from assistant.kb.source import load_knowledge
from tests.conftest import KNOWLEDGE


@pytest.fixture(scope="module")
def kb():
    knowledge, problems = load_knowledge(KNOWLEDGE)
    assert problems == []
    return knowledge


BOOKING = ["marriage-registration", "divorce-registration", "id-card-renewal", "id-card-replacement", "passport"]


@pytest.mark.parametrize("gid", BOOKING)
def test_booking_only_services_say_they_cannot_be_applied_for_online(kb, gid):
    guide = kb.guides[gid]
    assert guide.online_level.value == "booking"
    zh = compose_guide(guide, "ask_online", "zh").text
    assert "不能在网上申请办理" in zh and "预约" in zh and str(guide.online_url) in zh
    assert "可网上办理" not in zh and "全程网上办理" not in zh
    en = compose_guide(guide, "ask_online", "en").text
    assert "cannot be applied for online" in en and "book online" in en
    info = online_info(guide, "zh")
    assert info["level"] == "booking" and info["link"] == "网上预约" and "网上预约" in info["caption"]
    assert "网上办理" not in info["caption"].replace("不能网上办理", "")


def test_full_says_fully_online_and_no_visit(kb):
    guide = kb.guides["social-security-card"]
    text = compose_guide(guide, "ask_online", "zh").text
    assert "可全程网上办理" in text and "不用到现场" in text
    assert "fully online" in compose_guide(guide, "ask_online", "en").text


def test_partial_says_which_steps_and_that_a_visit_is_needed(kb):
    guide = kb.guides["residence-permit"]
    text = compose_guide(guide, "ask_online", "zh").text
    assert "部分环节可网上办理" in text and guide.channels.online_steps[0] in text
    assert f"仍需到现场{guide.visits}次" in text
    assert "still need to come in" in compose_guide(guide, "ask_online", "en").text


def test_none_says_window_only_and_has_no_link(kb):
    guide = kb.guides["id-card-temporary"]
    assert "只能到窗口办理" in compose_guide(guide, "ask_online", "zh").text
    info = online_info(guide, "zh")
    assert info["available"] is False and info["link"] is None and info["caption"] is None


def test_life_event_list_follows_the_level(kb):
    event = kb.life_events["marriage"]
    guides = [kb.guides[g] for g in event.services]
    text = compose_event(event, guides, "zh")
    assert "内地居民结婚登记（可网上预约）" in text
    assert "（可网办）" not in text


def test_every_answer_about_a_guide_carries_its_level(kb):
    for guide in kb.guides.values():
        for intent in ("ask_materials", "ask_online", "ask_duration"):
            text = compose_guide(guide, intent, "zh").text
            assert "网上办理：" in text, (guide.id, intent)


def test_death_proof_is_required_one_of_four(kb):
    guide = kb.guides["death-registration"]
    composed = compose_guide(guide, "ask_materials", "zh")
    required, conditional = composed.text.split("视情况提供：")
    assert "死亡证明" in required and "以下任选其一" in required
    for alt in ("居民死亡医学证明（推断）书", "公安或司法机关出具的死亡证明", "火化证明", "境外死亡证明"):
        assert alt in required and alt not in conditional
    group = next(d for d in composed.materials_detail if d["one_of"])
    assert group["required"] is True and len(group["one_of"]) == 4
    assert "any one of the following" in compose_guide(guide, "ask_materials", "en").text


@pytest.mark.parametrize("gid", ["id-card-renewal", "id-card-temporary", "passport", "residence-permit", "unemployment-insurance-benefit", "vehicle-registration"])
def test_calendar_day_limits_say_days_not_working_days(kb, gid):
    guide = kb.guides[gid]
    text = compose_guide(guide, "ask_duration", "zh").text
    assert f"法定时限{guide.time_limit.legal_days}日" in text
    assert f"{guide.time_limit.legal_days}个工作日" not in text.split("。")[0]
    assert "calendar days" in compose_guide(guide, "ask_duration", "en").text


def test_zero_days_is_never_zero_working_days(kb):
    for guide in kb.guides.values():
        text = compose_guide(guide, "ask_duration", "zh").text
        assert "0个工作日" not in text.replace("10个工作日", "").replace("20个工作日", "").replace("30个工作日", ""), guide.id
        if "当场办结" in text.split("。")[0]:
            assert guide.case_type.value == "on_the_spot", guide.id


def test_divorce_is_not_done_on_the_spot(kb):
    guide = kb.guides["divorce-registration"]
    text = compose_guide(guide, "ask_duration", "zh").text
    assert "受理后须先等待30日" in text and not text.split("办理时限：")[1].startswith("当场办结")
    assert guide.visits == 2 and guide.case_type.value == "promised"


def test_visits_that_depend_on_a_choice_are_said_as_such(kb):
    for gid in ("id-card-renewal", "id-card-replacement", "passport"):
        text = compose_guide(kb.guides[gid], "ask_materials", "zh").text
        assert "跑动次数：选择邮寄领证跑1次，否则2次" in text, gid
        assert "1 visit(s) if you choose postal delivery; otherwise 2" in compose_guide(kb.guides[gid], "ask_materials", "en").text
    assert "最多跑2次" in compose_guide(kb.guides["hukou-transfer"], "ask_materials", "zh").text


def test_notes_that_change_what_to_bring_are_in_the_answer(kb):
    text = compose_guide(kb.guides["residence-permit"], "ask_materials", "zh").text
    for proof in ("房屋租赁合同", "不动产权证书或购房合同", "住宿证明"):
        assert proof in text
    assert "以下任选其一" in text and "联网核验的无需提交" in text
    text = compose_guide(kb.guides["vehicle-inspection-mark"], "ask_materials", "zh").text
    assert "无需提交" in text


def test_notes_that_change_what_to_bring_are_told_in_english_too(kb):
    text = compose_guide(kb.guides["hukou-newborn"], "ask_materials", "en").text
    assert "Note: If the parents are not married, not needed: bring a statement on the birth out of wedlock instead." in text
    text = compose_guide(kb.guides["social-security-card"], "ask_materials", "en").text
    assert "Children under 7 need no photo." in text and "未" not in text.split("Children under 7")[0][-40:]


def test_a_visit_that_depends_on_online_checks_is_told(kb):
    text = compose_guide(kb.guides["school-enrollment"], "ask_materials", "zh").text
    assert "材料全部在线核验通过跑0次，否则1次" in text


def test_residence_permit_conditions_for_guardians_and_lost_permits(kb):
    conditions = " ".join(m.condition or "" for m in kb.guides["residence-permit"].materials)
    assert "未满16周岁" in conditions and "遗失" in conditions


def test_visits_zero_only_where_true(kb):
    """Vehicle inspection is 0 visits only for test-exempt vehicles; the licence renewal's medical check
    is a trip, and its photo is a material."""
    inspection = compose_guide(kb.guides["vehicle-inspection-mark"], "ask_materials", "zh").text
    assert "免检车辆在交管12123网上申领跑0次，否则1次" in inspection
    renewal = kb.guides["driving-licence-renewal"]
    assert renewal.visits >= 1 and renewal.online_level.value == "partial"
    assert any("照片" in m.name for m in renewal.materials)


def test_sample_amounts_and_tax_rates(kb):
    rent = " ".join(f.a for f in kb.guides["housing-fund-withdrawal-rent"].faq)
    assert "广州" not in rent and "深圳" not in rent and "示例市现行标准" in rent
    invoice = " ".join(f.a for f in kb.guides["invoice-issuance"].faq)
    assert "出租不动产不适用1%征收率" in invoice


def test_life_events_hold_what_their_summaries_promise(kb):
    birth = kb.life_events["birth"].services
    assert "birth-medical-certificate" not in birth  # the reissue is not what new parents need
    assert birth.index("birth-registration") < birth.index("hukou-newborn") < birth.index("school-enrollment")
    assert "医院签发" in kb.life_events["birth"].summary
    assert {"hukou-transfer", "birth-registration"} <= set(kb.life_events["marriage"].services)
    assert "pension-qualification-certification" in kb.life_events["retirement"].services
    assert "flexible-employment-insurance" in kb.life_events["job-loss"].services
    assert "property-transfer-registration" in kb.life_events["death"].services
    text = compose_event(kb.life_events["job-loss"], [kb.guides[g] for g in kb.life_events["job-loss"].services], "zh")
    assert "主动辞职的不能领取失业保险金" in text


@pytest.mark.parametrize("gid,words", [
    ("hukou-transfer", ["随父母一并迁入"]),
    ("property-transfer-registration", ["未满18周岁", "共有"]),
    ("passport", ["遗失"]),
    ("hk-macau-permit", ["遗失"]),
    ("no-criminal-record", ["居住地"]),
    ("school-enrollment", ["离异", "祖父母"]),
    ("hukou-newborn", ["婚生子女"]),
])
def test_missing_conditions_are_listed(kb, gid, words):
    text = compose_guide(kb.guides[gid], "ask_materials", "zh").text.split("视情况提供：")[1]
    for word in words:
        assert word in text, (gid, word)
