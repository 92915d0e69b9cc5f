"""Keyboard only: every action of the widget is reachable with Tab, focus is never dropped on the page
(after open, close, rating, login, choosing a ticket), and Tab stays inside the full-screen panel."""

import httpx
import pytest

from tests.browser.a11y import wait_answers
from tests.utils.live import CURATOR, STAFF

pytestmark = pytest.mark.timeout(300)

ACTIVE = """() => { const a = document.activeElement; if (!a || a === document.body) return null;
  return {id: a.id, cls: a.className || '', tag: a.tagName, inPanel: !!a.closest('#ha-panel'), inWidget: !!a.closest('#hall-assistant'),
          number: a.dataset ? a.dataset.number || null : null, text: (a.textContent || '').trim().slice(0, 30)}; }"""


def tab_until(page, predicate_js: str, limit: int = 80, key: str = "Tab") -> dict:
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(f"() => {{ const a = document.activeElement; return !!a && ({predicate_js}); }}"):
            return page.evaluate(ACTIVE)
    raise AssertionError(f"{predicate_js} not reached with {key} in {limit} presses")


def test_widget_by_keyboard_alone(live, browser):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.goto(f"{live.url}/")
    tab_until(page, "a.classList.contains('ha-bubble')")
    page.keyboard.press("Enter")
    page.wait_for_selector(".ha-panel", state="visible")
    assert page.evaluate(ACTIVE)["id"] == "ha-input", "opening moves focus to the input"
    page.keyboard.type("身份证丢了需要带什么材料")
    page.keyboard.press("Enter")
    wait_answers(page, 1)
    page.wait_for_selector(".ha-bot .ha-checklist")

    # every control in the panel is reached by Tab, in one round
    wanted = page.evaluate(
        """() => [...document.querySelectorAll('#ha-panel button:not(:disabled), #ha-panel a[href], #ha-panel input, #ha-panel textarea, #ha-panel [tabindex="0"]')]
                 .filter(n => n.getClientRects().length).map((n, i) => { n.dataset.kb = 'k' + i; return 'k' + i; })"""
    )
    reached = set()
    for _ in range(len(wanted) + 5):
        page.keyboard.press("Tab")
        kb = page.evaluate("() => document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.kb || null : null")
        if kb:
            reached.add(kb)
    assert set(wanted) <= reached, f"{len(set(wanted) - reached)} of {len(wanted)} controls not reachable by Tab"

    # tick a material with Space
    page.focus(".ha-checklist .ha-check")
    page.keyboard.press("Space")
    assert page.is_checked(".ha-checklist .ha-check >> nth=0")

    # rate with the keyboard: focus goes to the thanks, not to the page
    tab_until(page, "a.classList.contains('ha-star') && a.dataset.score === '4'")
    page.keyboard.press("Enter")
    page.wait_for_selector(".ha-rated")
    active = page.evaluate(ACTIVE)
    assert active and "ha-rated" in active["cls"], f"after rating focus is on {active}"

    # hand off, then close with Escape: focus returns to the bubble
    tab_until(page, "a.classList.contains('ha-handoff')")
    page.keyboard.press("Enter")
    page.wait_for_selector(".ha-ticket", timeout=30_000)
    active = page.evaluate(ACTIVE)
    assert active and active["inPanel"], f"after the handoff focus is on {active}"
    page.keyboard.press("Escape")
    page.wait_for_selector(".ha-panel", state="hidden")
    assert "ha-bubble" in page.evaluate(ACTIVE)["cls"]
    page.keyboard.press("Enter")
    page.wait_for_selector(".ha-panel", state="visible")
    tab_until(page, "a.classList.contains('ha-close')", key="Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector(".ha-panel", state="hidden")
    assert "ha-bubble" in page.evaluate(ACTIVE)["cls"], "closing with the button moves focus to the bubble"
    ctx.close()


@pytest.mark.parametrize("width", [390, 320])
def test_tab_stays_inside_the_full_screen_panel(live, browser, width):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 700}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.goto(f"{live.url}/")
    page.focus(".ha-bubble")
    page.keyboard.press("Enter")
    page.wait_for_selector(".ha-panel", state="visible")
    page.keyboard.type("身份证丢了需要带什么材料")
    page.keyboard.press("Enter")
    wait_answers(page, 1)
    for key in ("Tab", "Shift+Tab"):
        for i in range(60):
            page.keyboard.press(key)
            active = page.evaluate(ACTIVE)
            assert active and active["inPanel"], f"{key} #{i + 1} left the full-screen panel: {active}"
    ctx.close()


def test_staff_console_by_keyboard_keeps_focus_and_draft(live, browser):
    numbers = []
    with httpx.Client(base_url=live.url, timeout=30) as c:
        for i in range(7):
            sid = c.post("/api/v1/chat", json={"text": "身份证丢了怎么办"}).json()["session_id"]
            numbers.append(c.post("/api/v1/handoff", json={"session_id": sid, "channel": "web"}).json()["ticket"]["number"])
        last_sid = sid
        for i in range(14):  # a long transcript to scroll (while the ticket is open these go to staff)
            c.post("/api/v1/chat", json={"session_id": last_sid, "text": f"第{i}个问题：还要带什么材料吗？" + "请详细说明每一项材料的要求。" * 6})
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    page.goto(f"{live.url}/staff")
    page.focus("#st-name")
    page.keyboard.type(STAFF["name"])
    page.keyboard.press("Tab")
    page.keyboard.type(STAFF["password"])
    page.keyboard.press("Enter")
    page.wait_for_selector("#st-desk:not(.st-hidden)")
    active = page.evaluate(ACTIVE)
    assert active and active["id"] == "st-queue-title", f"after login focus is on {active}"
    page.wait_for_selector(f".st-ticket[data-number='{numbers[-1]}']")

    # tab down the queue past the 5th ticket; the 2 s refresh does not move focus back
    target = numbers[-1]
    active = tab_until(page, f"a.dataset && a.dataset.number === '{target}'")
    page.wait_for_timeout(4500)  # two refreshes
    assert page.evaluate(ACTIVE)["number"] == target, "the queue refresh moved keyboard focus"
    page.keyboard.press("Enter")
    page.wait_for_selector("#st-actions:not(.st-hidden)")
    page.wait_for_function("(n) => document.querySelector('#st-title').textContent.includes(n)", arg=target)
    assert page.evaluate(ACTIVE)["number"] == target, "choosing a ticket dropped focus"
    assert page.get_attribute(f".st-ticket[data-number='{target}']", "aria-current") == "true"

    # the transcript: a labelled region reached by Tab and scrolled with the keyboard; not rebuilt
    page.wait_for_function("() => { const t = document.querySelector('#st-transcript'); return t.querySelectorAll('p').length > 14 && t.scrollHeight > t.clientHeight + 100; }")
    assert page.get_attribute("#st-transcript", "aria-label")
    assert page.get_attribute("#st-tickets", "aria-live") is None
    tab_until(page, "a.id === 'st-transcript'")
    page.evaluate("() => { const t = document.querySelector('#st-transcript'); t.scrollTop = 0; t.firstElementChild.dataset.mark = 'kept'; }")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    page.wait_for_function("() => document.querySelector('#st-transcript').scrollTop > 0")
    page.wait_for_timeout(800)  # the keyboard scroll is animated: read where it ended
    scrolled = page.evaluate("() => document.querySelector('#st-transcript').scrollTop")
    assert scrolled < page.evaluate("() => { const t = document.querySelector('#st-transcript'); return t.scrollHeight - t.clientHeight; }") - 20
    page.wait_for_timeout(4500)
    assert page.evaluate("() => document.querySelector('#st-transcript').firstElementChild.dataset.mark") == "kept", "the transcript was rebuilt"
    assert page.evaluate("() => document.querySelector('#st-transcript').scrollTop") == scrolled, "the refresh moved the scroll position"
    assert page.evaluate(ACTIVE)["id"] == "st-transcript"

    # a new visitor message is announced once, by itself
    with httpx.Client(base_url=live.url, timeout=30) as c:
        c.post("/api/v1/chat", json={"session_id": last_sid, "text": "请问几点下班"})
    page.wait_for_function("() => document.querySelector('#st-announce').textContent.includes('几点下班')", timeout=10_000)
    assert "第0个问题" not in page.inner_text("#st-announce")

    # an unsent reply survives the end of the staff session
    page.focus("#st-reply")
    page.keyboard.type("请稍等，我查一下")
    ctx.clear_cookies()
    page.wait_for_selector("#st-login:not(.st-hidden)", timeout=10_000)
    assert page.evaluate(ACTIVE)["id"] == "st-password", "the name is kept; focus is on the password"
    assert page.input_value("#st-name") == STAFF["name"]
    page.keyboard.type(STAFF["password"])
    page.keyboard.press("Enter")
    page.wait_for_selector("#st-desk:not(.st-hidden)")
    assert page.input_value("#st-reply") == "请稍等，我查一下"
    page.reload()  # and a reload: the draft is in localStorage, per ticket
    page.wait_for_selector("#st-desk:not(.st-hidden)")
    page.click(f".st-ticket[data-number='{target}']")
    page.wait_for_function("(n) => document.querySelector('#st-title').textContent.includes(n)", arg=target)
    assert page.input_value("#st-reply") == "请稍等，我查一下"
    page.click("#st-claim")
    page.click("#st-reply-form button[type=submit]")
    page.wait_for_function("() => document.querySelector('#st-transcript').innerText.includes('我查一下')")
    assert page.input_value("#st-reply") == ""
    assert page.evaluate(f"() => localStorage.getItem('st-draft:{target}')") is None
    ctx.close()


def test_curator_login_by_keyboard_keeps_focus(live, browser):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.goto(f"{live.url}/curator")
    page.focus("#cur-name")
    page.keyboard.type(CURATOR["name"])
    page.keyboard.press("Tab")
    page.keyboard.type(CURATOR["password"])
    page.keyboard.press("Enter")
    page.wait_for_selector("#cur-app:not(.st-hidden)")
    active = page.evaluate(ACTIVE)
    assert active and active["tag"] != "BODY", "after login focus fell to the page"
    ctx.close()
