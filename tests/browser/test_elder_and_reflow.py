"""适老化 figures measured from the page (getComputedStyle, bounding boxes), reflow at 320 px, the
browser's font size, remembered preferences, who is speaking, each message's language, and the
warning before an idle conversation expires (WCAG 2.2.1)."""

from pathlib import Path

import httpx
import pytest

from tests.browser.a11y import MEASURE, ask, curator_login, horizontal_overflow, staff_login, wait_answers
from tests.browser.test_axe import staff_reply

pytestmark = pytest.mark.timeout(300)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def answered_widget(page, live_url, *, large: bool) -> None:
    """The widget with an answer (materials with conditions, QR, rating) and a queue ticket."""
    page.goto(f"{live_url}/?open=1")
    page.wait_for_selector(".ha-panel", state="visible")
    if large:
        page.click(".ha-large-toggle")
    ask(page, "身份证丢了需要带什么材料")
    wait_answers(page, 1)
    page.wait_for_selector(".ha-bot .ha-condition")
    page.click("button.ha-handoff")
    page.wait_for_selector(".ha-ticket", timeout=30_000)


def measure(page) -> dict:
    """Every text and control of the widget, the panel scrolled through so each is laid out."""
    return page.evaluate(MEASURE)


@pytest.mark.parametrize("width", [390, 320, 1280])
def test_large_text_mode_meets_the_ageing_friendly_figures(live, browser, width):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 844 if width < 600 else 900})
    page = ctx.new_page()
    answered_widget(page, live.url, large=True)
    m = measure(page)
    small = [t for t in m["texts"] if t["size"] < 24 - 0.01]
    assert not small, f"texts under 24 px in A+: {small[:8]}"
    assert max(t["size"] for t in m["texts"]) >= 30
    tight = [t for t in m["texts"] if t["line"] < 1.3 - 0.01]
    assert not tight, f"line spacing under 1.3: {tight[:8]}"
    low = [t for t in m["texts"] if t["contrast"] < 4.5]
    assert not low, f"contrast under 4.5:1: {low[:8]}"
    tiny = [c for c in m["controls"] if c["w"] < 60 - 0.5 or c["h"] < 60 - 0.5]
    assert not tiny, f"controls under 60x60 px in A+: {tiny[:8]}"
    assert len(m["controls"]) > 15
    # the conversation stays usable: at least a third of the screen shows it
    assert m["logHeight"] >= page.viewport_size["height"] / 3, f"conversation area {m['logHeight']:.0f} px high"
    if width == 390:
        page.evaluate("() => document.querySelector('.ha-log').scrollTop = document.querySelector('.ha-checklist').offsetTop - 20")
        page.screenshot(path=str(SCREENSHOTS / "widget-large-phone.png"))
    ctx.close()


def test_normal_mode_controls_are_at_least_44_px(live, browser):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    answered_widget(page, live.url, large=False)
    m = measure(page)
    tiny = [c for c in m["controls"] if c["w"] < 44 - 0.5 or c["h"] < 44 - 0.5]
    assert not tiny, f"controls under 44x44 px: {tiny[:8]}"
    low = [t for t in m["texts"] if t["contrast"] < 4.5]
    assert not low, f"contrast under 4.5:1: {low[:8]}"
    ctx.close()


def test_large_text_at_200_percent_zoom_keeps_the_conversation_visible(live, browser):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 640, "height": 450}, device_scale_factor=2)
    page = ctx.new_page()
    answered_widget(page, live.url, large=True)
    m = measure(page)
    assert m["logHeight"] >= 150, f"conversation area {m['logHeight']:.0f} px high at 200 % zoom"
    assert horizontal_overflow(page) == 0
    ctx.close()


def test_widget_follows_the_browser_font_size_and_remembers_preferences(live, browser):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.goto(f"{live.url}/?open=1")
    page.wait_for_selector(".ha-panel", state="visible")
    size = "() => parseFloat(getComputedStyle(document.getElementById('hall-assistant')).fontSize)"
    assert page.evaluate(size) == 16
    # the browser's font-size setting is the root element's font size; the widget is rem-based
    page.add_style_tag(content="html { font-size: 20px; }")
    assert page.evaluate(size) == 20
    assert page.evaluate("() => document.querySelector('.ha-send').getBoundingClientRect().height") >= 55
    page.click(".ha-large-toggle")
    assert page.evaluate(size) == 30
    page.click(".ha-lang")
    # a new tab on the same device (sessionStorage is not shared, localStorage is)
    other = ctx.new_page()
    other.goto(f"{live.url}/?open=1")
    other.wait_for_selector(".ha-panel", state="visible")
    assert "ha-large" in other.get_attribute("#hall-assistant", "class")
    assert other.get_attribute("#hall-assistant", "lang") == "en"
    ctx.close()


def test_who_is_speaking_and_each_message_keeps_its_language(live, browser):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.goto(f"{live.url}/?open=1")
    page.wait_for_selector(".ha-panel", state="visible")
    ask(page, "身份证丢了需要带什么材料")
    wait_answers(page, 1)
    page.click(".ha-lang")
    ask(page, "What documents do I need for a passport?")
    wait_answers(page, 2)
    msgs = page.evaluate(
        """() => [...document.querySelectorAll('.ha-msg:not(.ha-welcome)')].map(m => ({
               lang: m.getAttribute('lang'), user: m.classList.contains('ha-user'),
               who: (m.querySelector('.ha-who') || {}).textContent || null}))"""
    )
    assert [m["lang"] for m in msgs] == ["zh-CN", "zh-CN", "en", "en"], msgs
    assert [m["who"] for m in msgs] == ["您：", "助手：", "You: ", "Assistant: "], msgs
    # the labels are visually hidden but in the accessibility tree
    assert page.evaluate("() => document.querySelector('.ha-who').getBoundingClientRect().width") <= 1
    # a staff reply while the panel is closed is announced outside the panel
    page.click("button.ha-handoff")
    ticket = page.wait_for_selector(".ha-ticket", timeout=30_000)
    number = ticket.get_attribute("data-ticket-number")
    shown = ticket.inner_text()
    assert number in shown and not any(ch.isdigit() for ch in shown.replace(number, "")), f"the ticket box repeats the wait: {shown!r}"
    page.click(".ha-close")
    staff_reply(live.url, number, "您好，请带户口簿到A05窗口。")
    page.wait_for_function("() => document.querySelector('.ha-announcer').textContent.includes('请带户口簿')", timeout=15_000)
    assert page.evaluate("() => !document.querySelector('#ha-panel').contains(document.querySelector('.ha-announcer'))")
    assert page.get_attribute(".ha-announcer", "aria-live") == "polite"
    # the ticket box follows the ticket's status, with the status labels of the server's statuses
    page.click(".ha-bubble")
    page.wait_for_function("() => document.querySelector('.ha-ticket').dataset.status === 'claimed'", timeout=15_000)
    ctx.close()


def test_expiry_warning_lets_the_visitor_continue(live, browser):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.clock.install()
    page.goto(f"{live.url}/?open=1")
    page.wait_for_selector(".ha-panel", state="visible")
    ask(page, "身份证丢了需要带什么材料")
    wait_answers(page, 1)
    sid = page.evaluate("() => window.HallAssistant.sessionId")
    assert sid
    page.clock.run_for(1800_000 - 61_000)
    assert page.locator(".ha-expiry").count() == 0
    page.clock.run_for(2_000)
    warning = page.wait_for_selector(".ha-expiry[role=alert]")
    seconds = int("".join(ch for ch in warning.inner_text() if ch.isdigit()))
    assert seconds >= 20, "the warning comes at least 20 s before the end"
    page.click(".ha-keep")
    page.wait_for_selector(".ha-expiry", state="detached")
    assert page.evaluate("() => window.HallAssistant.sessionId") == sid
    assert page.evaluate("() => document.activeElement.id") == "ha-input"
    # ignored this time: the conversation ends and says so; the next question starts a new one
    page.clock.run_for(1800_000 - 59_000)
    page.wait_for_selector(".ha-expiry")
    page.clock.run_for(61_000)
    page.wait_for_selector(".ha-expired")
    assert page.evaluate("() => window.HallAssistant.sessionId") is None
    ctx.close()


def test_no_page_scrolls_sideways_at_320_px(live, browser):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 320, "height": 640})
    page = ctx.new_page()
    for path in ("/", "/guides/id-card-replacement", "/guides/passport", "/guides/company-registration"):
        page.goto(f"{live.url}{path}")
        page.wait_for_selector(".ha-bubble")
        assert horizontal_overflow(page) == 0, f"{path} scrolls sideways at 320 px"
    page.goto(f"{live.url}/?open=1")
    page.wait_for_selector(".ha-panel", state="visible")
    ask(page, "护照办理需要什么材料")
    wait_answers(page, 1)
    assert horizontal_overflow(page) == 0
    assert page.evaluate("() => { const l = document.querySelector('.ha-log'); return l.scrollWidth - l.clientWidth; }") == 0
    staff_login(page, live.url)
    assert horizontal_overflow(page) == 0, "/staff scrolls sideways at 320 px"
    curator_login(page, live.url)
    page.wait_for_selector(".cur-guide")
    assert horizontal_overflow(page) == 0, "/curator scrolls sideways at 320 px"
    ctx.close()


def test_bubble_never_covers_the_end_of_the_page(live, browser):
    for viewport in ({"width": 1280, "height": 900}, {"width": 390, "height": 700}, {"width": 320, "height": 640}):
        ctx = browser.new_context(locale="zh-CN", viewport=viewport)
        page = ctx.new_page()
        for path in ("/guides/id-card-replacement", "/"):
            page.goto(f"{live.url}{path}")
            page.wait_for_selector(".ha-bubble")
            page.evaluate("() => window.scrollTo(0, document.scrollingElement.scrollHeight)")
            overlap = page.evaluate(
                """() => { const b = document.querySelector('.ha-bubble').getBoundingClientRect();
                     const els = [...document.body.querySelectorAll('p, li, td, h2, code, a')].filter(e => !e.closest('#hall-assistant'));
                     return els.filter(e => { const r = e.getBoundingClientRect();
                       return r.width && r.bottom > b.top && r.top < b.bottom && r.right > b.left && r.left < b.right; })
                       .map(e => e.textContent.slice(0, 30)); }"""
            )
            assert not overlap, f"{path} at {viewport['width']} px: the bubble covers {overlap}"
        ctx.close()


def test_keepalive_route(live):
    with httpx.Client(base_url=live.url, timeout=30) as c:
        sid = c.post("/api/v1/chat", json={"text": "身份证丢了怎么办"}).json()["session_id"]
        r = c.post(f"/api/v1/sessions/{sid}/keepalive")
        assert r.status_code == 200 and r.json() == {"session_id": sid, "expires_in": 1800}
        # an id no reply gave is refused (an expired one the server gave is a 404: tests/server/test_restarted_api.py)
        unknown = c.post("/api/v1/sessions/no-such-conversation/keepalive")
        assert unknown.status_code == 403 and "not started" in unknown.json()["detail"]
        assert c.post(f"/api/v1/sessions/{'x' * 65}/keepalive").status_code == 422
        assert c.post("/api/v1/sessions/%3Cscript%3E/keepalive").status_code == 403
