"""A visitor books through the widget; window staff find the booking on the console."""

import re

import pytest

from tests.browser.conftest import ARTIFACTS, open_rasa_webchat, webchat_say
from tests.server.conftest import STAFF

pytestmark = pytest.mark.timeout(300)


def test_book_in_the_widget_and_find_it_on_the_staff_console(live, browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{live.url}/?open=1")
    page.wait_for_selector(".ha-panel", state="visible")
    page.fill("#ha-input", "预约后天上午办居住证")
    page.press("#ha-input", "Enter")
    slot = page.wait_for_selector(".ha-bot .ha-quick[data-payload^='choose:']", timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "widget-booking-slots.png"))
    slot.click()
    page.wait_for_function("() => document.querySelector('.ha-log').innerText.includes('姓名')", timeout=30_000)
    page.fill("#ha-input", "周八")
    page.press("#ha-input", "Enter")
    page.wait_for_function("() => document.querySelector('.ha-log').innerText.includes('手机号码')", timeout=30_000)
    page.fill("#ha-input", "13512345678")
    page.press("#ha-input", "Enter")
    card = page.wait_for_selector(".ha-booking", timeout=30_000)
    code = card.get_attribute("data-booking-code")
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{8}", code) and code in card.inner_text()
    page.wait_for_function("() => { const i = document.querySelector('.ha-booking img.ha-qr'); return i && i.complete && i.naturalWidth > 0; }")
    assert page.locator(".ha-booking a.ha-booking-ics").get_attribute("href").endswith(f"/api/v1/appointments/{code}.ics")
    page.screenshot(path=str(ARTIFACTS / "widget-booking.png"))
    day = page.evaluate(f"() => fetch('/api/v1/appointments/{code}').then(r => r.json()).then(b => b.day)")

    staff_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    staff = staff_ctx.new_page()
    staff.goto(f"{live.url}/staff")
    staff.fill("#st-name", STAFF["name"])
    staff.fill("#st-password", STAFF["password"])
    staff.click("#st-login button[type=submit]")
    staff.wait_for_selector("#st-desk:not(.st-hidden)")
    staff.fill("#st-booking-day", day)
    staff.dispatch_event("#st-booking-day", "change")
    row = staff.wait_for_selector(f"#st-booking-areas tr[data-code='{code}']", timeout=30_000)
    text = row.inner_text()
    assert "周八" in text and "135****5678" in text and "已预约" in text and "13512345678" not in text
    staff.screenshot(path=str(ARTIFACTS / "staff-bookings.png"))
    staff_ctx.close()
    ctx.close()
    assert dialogs == []


def test_book_through_the_unmodified_rasa_webchat(live, browser, rasa_webchat_bundle):
    """Slots arrive as rasa-webchat quick replies; a click sends the slot's payload; the form ends with
    the booking code, which the appointments API knows."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = open_rasa_webchat(live, context, rasa_webchat_bundle)
    page.fill(".rw-new-message", "预约后天上午办居住证")
    page.press(".rw-new-message", "Enter")
    slot = page.locator(".rw-reply").first
    slot.wait_for(timeout=30_000)
    slot.click()
    page.wait_for_function("() => [...document.querySelectorAll('.rw-response')].some(e => e.innerText.includes('姓名'))", timeout=30_000)
    webchat_say(page, "吴九", "手机号码")
    page.fill(".rw-new-message", "13612345678")
    page.press(".rw-new-message", "Enter")
    page.wait_for_function("() => /[A-HJ-NP-Z2-9]{8}/.test(document.querySelector('.rw-messages-container').innerText.split('吴九').pop())", timeout=30_000)
    text = page.locator(".rw-messages-container").inner_text().split("吴九")[-1]
    code = re.search(r"[A-HJ-NP-Z2-9]{8}", text).group(0)
    booking = page.evaluate(f"() => fetch('/api/v1/appointments/{code}').then(r => r.json())")
    assert booking["service_id"] == "residence-permit"
    assert "13612345678" not in " ".join(page.locator(".rw-response").all_inner_texts())  # the bot never repeats the number
    page.screenshot(path=str(ARTIFACTS / "rasa-webchat-booking.png"))
    context.close()
