"""The one-tap question of the personal checklist in the web widget (issue 14 point 5): a materials
question whose list depends on 本人 or 代办 gets two buttons; tapping one brings the refined list."""

import pytest

from assistant.dialogue.words import say

pytestmark = pytest.mark.timeout(300)


def last_bot(page):
    return page.locator(".ha-bot").last


def item(bot, name):
    return bot.locator(".ha-checklist li", has_text=name).first


def test_one_tap_self_or_agent_then_the_refined_list(live, context):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live.url}/?open=1")
    page.wait_for_selector(".ha-panel", state="visible")
    page.fill("#ha-input", "社保卡补办要带什么")
    page.press("#ha-input", "Enter")
    page.wait_for_selector(".ha-bot .ha-checklist", timeout=30_000)
    first = last_bot(page)
    assert say("ask_agent", "zh") in first.inner_text()
    buttons = first.locator("button.ha-quick")
    assert buttons.all_inner_texts() == [say("as_self", "zh"), say("as_agent", "zh")]
    assert [b.get_attribute("data-payload") for b in buttons.all()] == ["choose:as:self", "choose:as:agent"]
    # before the tap the power of attorney is listed as conditional
    assert "ha-mat-optional" in item(first, "授权委托书").get_attribute("class")

    count = page.locator(".ha-bot").count()
    buttons.nth(1).click()  # 代他人办理
    page.wait_for_function(f"() => document.querySelectorAll('.ha-bot .ha-checklist').length >= 2 && document.querySelectorAll('.ha-bot').length > {count}", timeout=30_000)
    refined = last_bot(page)
    power = item(refined, "授权委托书")
    assert "ha-mat-optional" not in power.get_attribute("class")  # now in the list this visitor must bring
    assert say("because_agent", "zh") in power.locator(".ha-reason").inner_text()
    assert refined.locator("button.ha-quick", has_text=say("as_self", "zh")).count() == 0  # asked once
    # the visitor's tap is shown as what they chose, in their words
    assert say("as_agent", "zh") in page.locator(".ha-user").last.inner_text()
    assert errors == []
