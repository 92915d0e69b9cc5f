"""axe-core (from npm, injected into the page) finds no WCAG 2.2 A/AA violation on the widget in any
state, on guide pages, or in the consoles. Any violation fails, with axe's own report."""

import httpx
import pytest

from tests.browser.a11y import ask, assert_accessible, curator_login, staff_login, wait_answers
from tests.utils.live import STAFF, login

pytestmark = pytest.mark.timeout(300)

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone-390": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True},
    "phone-320": {"viewport": {"width": 320, "height": 640}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True},
    # a 1280x900 laptop at 200 % zoom lays out like a 640x450 CSS px viewport at two device pixels per px
    "zoom-200": {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2},
}


# axe-core is injected as a script tag, which the pages' CSP (script-src 'self') rightly refuses: the axe
# contexts bypass CSP; every other browser test runs under it.


def staff_reply(live_url: str, number: str, text: str) -> None:
    with httpx.Client(base_url=live_url, timeout=30) as c:
        c.headers["X-CSRF-Token"] = login(c, STAFF)
        assert c.post(f"/api/v1/staff/tickets/{number}/claim").status_code == 200
        r = c.post(f"/api/v1/staff/tickets/{number}/reply", json={"text": text})
        assert r.status_code == 200, r.text


@pytest.mark.parametrize("name", list(VIEWPORTS))
def test_widget_has_no_violations_in_any_state(live, browser, axe_script, name):
    ctx = browser.new_context(locale="zh-CN", bypass_csp=True, **VIEWPORTS[name])
    page = ctx.new_page()
    try:
        page.goto(f"{live.url}/")
        page.wait_for_selector(".ha-bubble")
        assert_accessible(page, axe_script, f"{name}, closed")
        page.click(".ha-bubble")
        page.wait_for_selector(".ha-panel", state="visible")
        assert_accessible(page, axe_script, f"{name}, open")
        ask(page, "身份证丢了需要带什么材料")
        wait_answers(page, 1)
        page.wait_for_selector(".ha-bot .ha-checklist")
        assert_accessible(page, axe_script, f"{name}, answered zh")
        page.click(".ha-large-toggle")
        assert_accessible(page, axe_script, f"{name}, A+ mode")
        page.click(".ha-lang")
        assert_accessible(page, axe_script, f"{name}, English UI")
        ask(page, "What documents do I need for a passport?")
        wait_answers(page, 2)
        assert_accessible(page, axe_script, f"{name}, answered en, A+")
        page.click(".ha-large-toggle")
        assert_accessible(page, axe_script, f"{name}, answered en, normal text")
        page.click("button.ha-handoff")
        ticket = page.wait_for_selector(".ha-ticket", timeout=30_000)
        assert_accessible(page, axe_script, f"{name}, handoff")
        staff_reply(live.url, ticket.get_attribute("data-ticket-number"), "您好，请带户口簿到A05窗口。")
        page.wait_for_selector(".ha-staff", timeout=15_000)
        assert_accessible(page, axe_script, f"{name}, staff reply")
        page.click(".ha-close")
        page.wait_for_selector(".ha-panel", state="hidden")
        assert_accessible(page, axe_script, f"{name}, closed after a conversation")
    finally:
        ctx.close()


def test_guide_page_has_no_violations(live, browser, axe_script):
    for viewport in ({"width": 1280, "height": 900}, {"width": 320, "height": 640}):
        ctx = browser.new_context(locale="zh-CN", bypass_csp=True, viewport=viewport)
        page = ctx.new_page()
        page.goto(f"{live.url}/guides/id-card-replacement")
        page.wait_for_selector(".ha-bubble")
        assert_accessible(page, axe_script, f"/guides/id-card-replacement at {viewport['width']} px")
        ctx.close()


def test_staff_console_has_no_violations(live, browser, axe_script):
    with httpx.Client(base_url=live.url, timeout=30) as c:
        r = c.post("/api/v1/chat", json={"text": "身份证丢了怎么办"})
        sid = r.json()["session_id"]
        number = c.post("/api/v1/handoff", json={"session_id": sid, "channel": "web"}).json()["ticket"]["number"]
    ctx = browser.new_context(locale="zh-CN", bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    try:
        page.goto(f"{live.url}/staff")
        assert_accessible(page, axe_script, "/staff, login")
        staff_login(page, live.url)
        page.wait_for_selector(f".st-ticket[data-number='{number}']")
        assert_accessible(page, axe_script, "/staff, queue")
        page.click(f".st-ticket[data-number='{number}']")
        page.wait_for_selector("#st-actions:not(.st-hidden)")
        assert_accessible(page, axe_script, "/staff, a ticket open")
    finally:
        ctx.close()


def test_curator_console_has_no_violations(live, browser, axe_script):
    ctx = browser.new_context(locale="zh-CN", bypass_csp=True, viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    try:
        page.goto(f"{live.url}/curator")
        assert_accessible(page, axe_script, "/curator, login")
        curator_login(page, live.url)
        page.wait_for_selector(".cur-guide")
        assert_accessible(page, axe_script, "/curator, guide list")
        page.click(".cur-guide[data-id='id-card-replacement']")
        page.wait_for_selector("[data-field='materials.0.name']")
        page.wait_for_selector("#cur-versions tr")
        assert_accessible(page, axe_script, "/curator, guide editor with versions")
    finally:
        ctx.close()
