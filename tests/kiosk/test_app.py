"""The real kiosk app in an off-screen window, driven frame by frame with taps on its widgets.

Kivy runs one App per process, so this module shares one app (module scope) and each test starts
from the home screen; backends are swapped between tests (embedded engine, live server, lost server).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
from sqlalchemy import text

from tests.kiosk.conftest import HEIGHT, WIDTH

from kiosk import drive, tts  # noqa: E402  (after conftest set Kivy's environment)
from kiosk.backend import EmbeddedBackend, FallbackBackend, HttpBackend
from kiosk.config import KioskSettings
from tests.server.conftest import LiveServer, start_server

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

drive.headless_env(WIDTH, HEIGHT)


@pytest.fixture(scope="module")
def embedded(assistant) -> EmbeddedBackend:
    from assistant.service import Assistant

    return EmbeddedBackend(Assistant(assistant.engine, assistant.storage, staffed=False, bookings=assistant.bookings, cases=assistant.cases))


@pytest.fixture(scope="module")
def app(embedded: EmbeddedBackend) -> Iterator[Any]:
    from kiosk.run import build_app

    kiosk = build_app(KioskSettings(fullscreen=False, width=WIDTH, height=HEIGHT, idle_seconds=60), backend=embedded)
    drive.start(kiosk)
    drive.wait_until(lambda: not kiosk.busy, 30, "warm-up")
    yield kiosk
    kiosk.stop()


@pytest.fixture(autouse=True)
def at_home(app: Any, embedded: EmbeddedBackend) -> Iterator[None]:
    app.backend = embedded
    app.reset()
    drive.frames(2)
    yield
    app.backend = embedded
    app.offline = False


@pytest.fixture(scope="module")
def live(trained_settings, engine) -> Iterator[LiveServer]:
    server = start_server(trained_settings, engine, rate_limit=100_000)
    yield server
    server.stop()


def key(app: Any, letter: str) -> Any:
    keys = app.screen("ask").ids.keyboard.ids.key_rows
    return next(w for w in drive.walk(keys) if getattr(w, "text", None) == letter)


def type_pinyin(app: Any, pinyin: str, word: str) -> None:
    keyboard = app.screen("ask").ids.keyboard
    for letter in pinyin:
        drive.tap(key(app, letter))
    assert keyboard.pinyin == pinyin
    bar = keyboard.ids.candidate_bar
    assert [b.text for b in reversed(bar.children)] == keyboard.candidates and word in keyboard.candidates
    drive.tap(next(b for b in bar.children if b.text == word))


def test_browse_by_topic_to_a_guide_with_its_qr_code(app: Any) -> None:
    drive.tap(app.screen("home").ids.by_topic)
    drive.wait_until(lambda: app.browse.get("items"), 30, "categories")
    assert app.current == "browse"
    drive.tap(drive.find(app.screen("browse").ids.entries, "身份证件"))
    drive.wait_until(lambda: app.browse.get("group") and app.browse.get("items"), 30, "guides")
    drive.tap(drive.find(app.screen("browse").ids.entries, "居民身份证有效期满换领"))
    drive.wait_until(lambda: app.current == "guide", 30, "guide detail")
    screen = app.screen("guide")
    assert screen.ids.head.raw == "居民身份证有效期满换领"
    rows = list(reversed(screen.ids.checklist.children))
    assert rows[0].title == "居民户口簿" and any(not r.required and "16周岁" in r.detail for r in rows)
    drive.tap(rows[0])
    assert rows[0].state == "down"  # ticked off
    qr = screen.ids.qr
    assert screen.qr_png and qr.texture is not None and qr.opacity == 1 and qr.width >= 100
    assert "zwfw.shili.example" in drive.find(screen, "https://").raw
    sections = " ".join(w.raw for w in screen.ids.sections.children)
    for label in ("办理流程", "办理时限", "收费", "办理窗口", "办理时间"):
        assert label in sections


def test_browse_by_life_event(app: Any) -> None:
    drive.tap(app.screen("home").ids.by_event)
    drive.wait_until(lambda: app.browse.get("items"), 30, "life events")
    drive.tap(drive.find(app.screen("browse").ids.entries, "新生儿出生一件事"))
    drive.wait_until(lambda: app.browse.get("group") and app.browse.get("items"), 30, "guides of the event")
    drive.find(app.screen("browse").ids.entries, "新生儿落户")
    drive.tap(app.screen("browse").ids.back)
    drive.wait_until(lambda: app.browse.get("items") and not app.browse.get("group"), 30, "back to the events")


def test_pinyin_keyboard_then_ask_shows_materials_in_the_conversation(app: Any) -> None:
    drive.tap(app.screen("home").ids.ask)
    assert app.current == "ask"
    keyboard = app.screen("ask").ids.keyboard
    type_pinyin(app, "shenfenzheng", "身份证")
    type_pinyin(app, "guoqi", "过期")
    type_pinyin(app, "yaodai", "要带")
    for letter in "shenme":
        drive.tap(key(app, letter))
    drive.tap(keyboard.ids.space)  # space takes the first candidate
    assert keyboard.text == "身份证过期要带什么" and keyboard.pinyin == ""
    drive.tap(keyboard.ids.backspace)
    assert keyboard.text == "身份证过期要带什"
    drive.tap(key(app, "m"))
    drive.tap(keyboard.ids.candidate_bar.children[-1])
    assert keyboard.text.startswith("身份证过期要带什") and len(keyboard.text) == 9
    keyboard.text = "身份证过期要带什么"
    drive.tap(app.screen("ask").ids.send)
    drive.wait_until(lambda: len(app.messages) == 2, 30, "an answer")
    assert app.current == "chat" and app.session_id
    reply = app.messages[-1]["reply"]
    assert reply["service"] == "id-card-renewal"
    chat = app.screen("chat").ids.messages
    rows = [w for w in drive.walk(chat) if type(w).__name__ == "CheckRow"]
    assert [r.title for r in rows][:2] == ["居民户口簿", "原居民身份证"]
    drive.find(chat, "一次性告知")
    assert any(type(w).__name__ == "QRImage" and w.texture is not None for w in drive.walk(chat))
    assert keyboard.text == ""  # sent: the keyboard is cleared


def test_english_keyboard_and_suggested_questions(app: Any) -> None:
    drive.tap(app.root.ids.lang_button)
    assert app.lang == "en" and app.screen("home").ids.ask.title == "Ask a question"
    drive.tap(app.screen("home").ids.ask)
    keyboard = app.screen("ask").ids.keyboard
    drive.tap(keyboard.ids.mode)
    assert keyboard.mode == "en"
    for letter in "hi":
        drive.tap(key(app, letter))
    assert keyboard.text == "hi" and keyboard.candidates == []
    drive.tap(keyboard.ids.mode)
    drive.tap(drive.find(app.screen("ask").ids.suggestions, "passport"))
    drive.wait_until(lambda: len(app.messages) == 2, 30, "an answer")
    assert app.messages[-1]["reply"]["service"] == "passport" and app.messages[-1]["reply"]["lang"] == "en"


def test_choice_buttons_come_from_the_reply(app: Any) -> None:
    app.ask("身份证")
    drive.wait_until(lambda: len(app.messages) == 2, 30, "an answer")
    app.ask("办证")
    drive.wait_until(lambda: len(app.messages) == 4, 30, "a second answer")
    buttons = app.last_reply.get("buttons", [])
    shown = [w.text for w in drive.walk(app.screen("chat").ids.messages) if type(w).__name__ == "KButton"]
    assert shown == [b["title"] for b in buttons]


def test_book_a_visit_from_a_guide(app: Any, assistant) -> None:
    app.open_guide("passport")
    drive.wait_until(lambda: app.current == "guide", 30, "guide detail")
    drive.tap(app.screen("guide").ids.book)
    drive.wait_until(lambda: app.last_reply.get("buttons"), 30, "free slots")
    assert app.current == "chat" and app.last_reply["intent"] == "book_appointment"
    first = app.last_reply["buttons"][0]
    slot = next(w for w in drive.walk(app.screen("chat").ids.messages) if type(w).__name__ == "KButton" and w.text == first["title"])
    drive.tap(slot)
    drive.wait_until(lambda: "姓名" in app.last_reply.get("answer", ""), 30, "the name question")
    app.ask("孙七")
    drive.wait_until(lambda: "手机" in app.last_reply.get("answer", ""), 30, "the mobile question")
    app.ask("13612345678")
    drive.wait_until(lambda: app.last_reply.get("appointment"), 30, "the confirmation")
    code = app.last_reply["appointment"]["code"]
    assert code in drive.find(app.screen("chat").ids.messages, code).raw  # the code is on screen
    assert assistant.bookings.get(code, "5678").slot == first["payload"].removeprefix("choose:")
    drive.screenshot(str(SCREENSHOTS / "kiosk-booking.png"))  # for the README


def test_no_booking_for_a_fully_online_service(app: Any) -> None:
    app.open_guide("company-registration")
    drive.wait_until(lambda: app.current == "guide", 30, "guide detail")
    assert app.screen("guide").ids.book.disabled


def test_talk_to_a_person_gets_a_ticket_from_the_real_server_then_rating(app: Any, live: LiveServer, embedded, trained_settings) -> None:
    app.backend = FallbackBackend(HttpBackend(live.url), embedded)
    drive.tap(app.screen("home").ids.human)
    drive.wait_until(lambda: app.current == "ticket", 30, "a ticket")
    ticket = app.ticket
    assert ticket["number"] and ticket["window"] and ticket["wait_minutes"] is not None
    screen = app.screen("ticket")
    assert screen.ids.number.text == ticket["number"] and ticket["window"] in screen.ids.details.raw
    assert not app.offline
    drive.tap(screen.ids.done)
    # the ticket is still open (it is rated once served): the kiosk asks about the answer that gave it
    assert app.current == "rate" and app.rating == {"message_id": app.last_reply["message_id"]}
    message_id = app.last_reply["message_id"]
    drive.tap(app.screen("rate").ids.star4)
    drive.wait_until(lambda: app.rated and not app.busy, 30, "the rating")
    from assistant.db import Database

    db = Database(trained_settings.database_url)
    with db.session() as s:
        score = s.execute(text("select score from ratings where message_id = :m and channel = 'kiosk'"), {"m": message_id}).scalar()
    db.dispose()
    assert score == 4


def test_after_rating_home_comes_by_itself_but_never_wipes_the_next_visitor(app: Any) -> None:
    import time

    def rate_an_answer() -> None:
        app.ask("身份证丢了怎么办")
        drive.wait_until(lambda: len(app.messages) == 2, 30, "an answer")
        app.finish()
        assert app.current == "rate"
        drive.tap(app.screen("rate").ids.star5)
        drive.wait_until(lambda: app.rated and not app.busy, 30, "the rating")

    rate_an_answer()
    drive.wait_until(lambda: app.current == "home" and not app.session_id, 10, "home after the thanks")
    rate_an_answer()
    drive.tap(app.root.ids.home_button)  # this visitor leaves at once; the next one asks
    app.ask("办护照要带什么")
    drive.wait_until(lambda: len(app.messages) == 2, 30, "the next visitor's answer")
    deadline = time.monotonic() + 4  # past the 3 s the thanks screen waits
    while time.monotonic() < deadline:
        drive.frames(1)
    assert app.current == "chat" and len(app.messages) == 2 and app.session_id


def test_server_loss_shows_the_banner_and_the_embedded_engine_answers(app: Any, trained_settings, engine, embedded) -> None:
    server = start_server(trained_settings, engine, rate_limit=100_000)
    app.backend = FallbackBackend(HttpBackend(server.url, timeout=3), embedded)
    app.ask("办护照要带什么")
    drive.wait_until(lambda: len(app.messages) == 2, 30, "an answer from the server")
    assert not app.offline and app.root.ids.banner.height == 0
    server.stop()
    app.ask("结婚登记要带什么")
    drive.wait_until(lambda: len(app.messages) == 4, 30, "an answer from the embedded engine")
    assert app.offline
    banner = app.root.ids.banner
    assert banner.text == "服务器连接中断，已切换到本机离线模式" and banner.height > 0 and banner.opacity == 1
    assert app.messages[-1]["reply"]["service"] == "marriage-registration"
    drive.tap(app.screen("chat").ids.human)  # offline: no queue, the front desk gives a number
    drive.wait_until(lambda: app.current == "ticket", 30, "the offline ticket")
    assert app.ticket["number"] is None, app.ticket
    assert app.screen("ticket").ids.number.text == "", (dict(app.ticket), app.screen("ticket").ids.details.raw)
    drive.find(app.screen("ticket"), "请到一楼服务台取号")


@pytest.mark.skipif(not tts.available(), reason="espeak-ng is not installed (scripts/setup installs it)")
def test_read_aloud_plays_the_answer_and_stop_silences_it(app: Any) -> None:
    app.ask("身份证丢了怎么办")
    drive.wait_until(lambda: len(app.messages) == 2, 30, "an answer")
    speak = app.screen("chat").ids.speak
    assert speak.text == "朗读"
    drive.tap(speak)
    drive.wait_until(lambda: app._sound is not None and app._sound.state == "play", 60, "the answer to play")
    assert app.speaking and app._sound.length > 5  # the whole answer, not a fragment
    drive.frames(2)
    assert speak.text == "停止"
    drive.tap(speak)
    drive.frames(2)
    assert not app.speaking and app._sound is None and speak.text == "朗读"
    app.read_aloud("好的")  # a short text plays to its end and the button comes back by itself
    drive.wait_until(lambda: app._sound is not None, 60, "the short text to play")
    drive.wait_until(lambda: not app.speaking, 30, "playback to end")
    app.read_aloud("第二段很长的说明文字。" * 5)
    drive.wait_until(lambda: app._sound is not None, 60, "the long text to play")
    app.reset()  # leaving (idle, 首页) silences it too
    assert not app.speaking and app._sound is None


@pytest.fixture
def now(app: Any) -> Iterator[list[float]]:
    """A hand-moved clock for the idle timer: ``now[0] += 30`` is thirty seconds without a touch."""
    import time

    clock = [1000.0]
    app.clock = lambda: clock[0]
    app.last_touch = clock[0]
    yield clock
    app.clock = time.monotonic


def idle_state(app: Any) -> str:
    """For assertion messages: what the idle timer is counting from."""
    return f"last_touch={app.last_touch} now={app.clock()} idle_left={app.idle_left} screen={app.current} messages={len(app.messages)}"


def test_idle_warning_counts_down_and_a_tap_keeps_the_visit(app: Any, now: list[float]) -> None:
    app.ask("身份证丢了怎么办")
    drive.wait_until(lambda: len(app.messages) == 2, 30, "an answer")
    button = app.root.ids.idle_button
    drive.frames(2)
    assert button.height == 0 and button.opacity == 0
    app.last_touch = now[0]  # the answer is on screen; idle from here
    now[0] += 30  # idle 60 s, warning 20 s: nothing shown yet
    assert not app.check_idle() and app.idle_left == 0, idle_state(app)
    now[0] += 15
    assert not app.check_idle() and app.idle_left == 15, idle_state(app)
    drive.frames(2)
    assert button.height >= 40 and button.opacity == 1 and "15 秒后将清除本次查询" in button.text, idle_state(app)
    now[0] += 5
    app.check_idle()
    drive.frames(2)
    assert "10 秒" in button.text, idle_state(app)
    drive.tap(button)  # still there: the countdown goes and the conversation stays
    drive.frames(2)
    assert app.idle_left == 0 and button.height == 0 and len(app.messages) == 2 and app.current == "chat"
    now[0] += 59
    assert not app.check_idle() and app.idle_left == 1 and app.messages
    now[0] += 1
    assert app.check_idle() and app.idle_left == 0 and not app.messages


def test_idle_timeout_forgets_the_conversation(app: Any, now: list[float]) -> None:
    app.ask("身份证丢了怎么办")
    drive.wait_until(lambda: len(app.messages) == 2, 30, "an answer")
    app.large_text = True
    assert app.session_id and app.current == "chat" and app.font_scale > 1
    now[0] += 59
    assert not app.check_idle() and app.messages
    drive.tap(app.screen("chat").ids.scroll)  # a touch restarts the countdown
    now[0] += 59
    assert not app.check_idle()
    now[0] += 61
    assert app.check_idle()
    drive.frames(2)
    assert app.current == "home" and not app.session_id and not app.messages and not app.last_reply
    assert app.font_scale == 1 and app.lang == "zh"
    assert not app.screen("chat").ids.messages.children
    now[0] += 1000
    assert not app.check_idle()  # nothing to forget at home


def _targets(widget: Any) -> list[Any]:
    from kivy.uix.behaviors import ButtonBehavior

    out = []
    for w in drive.walk(widget):
        if isinstance(w, ButtonBehavior) and not w.disabled and w.opacity > 0:
            out.append(w)
    return out


@pytest.fixture(params=["portrait", "landscape"])
def orientation(request: pytest.FixtureRequest) -> Iterator[str]:
    """The window turned to ``request.param`` (the kiosk screen may be mounted either way)."""
    from kivy.core.window import Window

    if request.param == "landscape":
        Window.size = (HEIGHT, WIDTH)
        drive.frames(3)
    try:
        yield request.param
    finally:
        Window.size = (WIDTH, HEIGHT)
        drive.frames(3)


@pytest.mark.parametrize("large", [False, True])
def test_every_touch_target_is_at_least_1_5_cm(app: Any, large: bool, orientation: str) -> None:
    from kivy.core.window import Window
    from kivy.metrics import cm

    assert (Window.width > Window.height) == (orientation == "landscape")
    app.large_text = large
    minimum = cm(1.5)
    app.ask("身份证")
    drive.wait_until(lambda: len(app.messages) == 2, 30, "an answer")
    app.guide = app.backend.guide("id-card-renewal")
    app.browse = {"mode": "categories", "group": None, "items": app.backend.categories()}
    app.ticket = {"number": "A001", "window": "A01", "wait_minutes": 5, "status": "waiting", "service": None}
    keyboard = app.screen("ask").ids.keyboard
    for letter in "ban":
        keyboard.press(letter)
    checked = 0
    for name in ("home", "browse", "guide", "ask", "chat", "ticket", "rate"):
        app.show(name)
        drive.frames(3)
        for w in _targets(app.screen(name)) + _targets(app.root.ids.topbar):
            assert w.width >= minimum and w.height >= minimum, f"{name}: {type(w).__name__} {getattr(w, 'text', '')!r} is {w.size}"
            left, _ = w.to_window(w.x, w.y)
            assert left >= -1 and left + w.width <= Window.width + 1, f"{name}: {getattr(w, 'text', '')!r} sticks out of the window"
            checked += 1
    assert checked > 60


def _luminance(rgba: Any) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(float(c)) for c in rgba[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: Any, b: Any) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _background(w: Any) -> tuple[float, ...]:
    """The colour a label is drawn on: the nearest ancestor (or itself) that paints a rectangle."""
    from kivy.graphics import Color, Rectangle
    from kivy.uix.label import Label

    node = w
    while node is not None:
        if getattr(node, "background_normal", None) == "" and hasattr(node, "background_color"):
            return tuple(node.background_color)
        # a label's own canvas draws its text (a Color and a Rectangle): only what is drawn before counts
        canvases = (node.canvas.before,) if isinstance(node, Label) else (node.canvas.before, node.canvas)
        for canvas in canvases if node.canvas else ():
            color = None
            for instr in canvas.children:
                if isinstance(instr, Color):
                    color = instr.rgba
                elif isinstance(instr, Rectangle) and color is not None and color[3] > 0.99:
                    return tuple(color)
        node = node.parent
    return (1.0, 1.0, 1.0, 1.0)  # Window.clearcolor


def test_elder_mode_meets_the_ageing_friendly_figures(app: Any, orientation: str) -> None:
    """适老化 (工信部 2021) in the 大字 mode, from the widget tree in physical units: every text at least
    18 pt, the largest at least 30 CSS px (22.5 pt), line spacing of wrapped text at least 1.3, text
    contrast at least 4.5:1, and every touch target at least 60 CSS px (15.9 mm) each way."""
    from kivy.metrics import Metrics, cm
    from kivy.uix.label import Label

    from kiosk.widgets.common import WrapLabel

    def in_pt(px: float) -> float:
        return px * 72 / Metrics.dpi

    app.large_text = True
    app.ask("身份证丢了要带什么")
    drive.wait_until(lambda: len(app.messages) == 2, 30, "an answer")
    app.guide = app.backend.guide("id-card-renewal")
    app.browse = {"mode": "categories", "group": None, "items": app.backend.categories()}
    app.ticket = {"number": "A001", "window": "A01", "wait_minutes": 5, "status": "waiting", "service": None}
    touch_min = cm(60 / 96 * 2.54)  # 60 CSS px: 1/96 inch each
    texts = 0
    for name in ("home", "browse", "guide", "ask", "chat", "ticket", "rate"):
        app.show(name)
        drive.frames(3)
        largest = 0.0
        for w in list(drive.walk(app.screen(name))) + list(drive.walk(app.root.ids.topbar)):
            if isinstance(w, Label) and w.text.strip() and w.opacity > 0 and w.height > 0:
                assert in_pt(w.font_size) >= 18 - 0.01, f"{name}: {w.text[:30]!r} is {in_pt(w.font_size):.1f} pt"
                if isinstance(w, WrapLabel):
                    assert w.line_height >= 1.3, f"{name}: {w.text[:30]!r} line height {w.line_height}"
                ratio = _contrast(w.color, _background(w))
                assert ratio >= 4.5, f"{name}: {w.text[:30]!r} contrast {ratio:.2f}:1"
                largest = max(largest, in_pt(w.font_size))
                texts += 1
        assert largest >= 22.5, f"{name}: the largest text is {largest:.1f} pt"
        for w in _targets(app.screen(name)) + _targets(app.root.ids.topbar):
            assert w.width >= touch_min and w.height >= touch_min, f"{name}: {getattr(w, 'text', '')!r} is {w.size}"
    assert texts > 40


def test_kiosk_badge_and_qr_caption_follow_the_online_level(app: Any) -> None:
    """Booking-only services are not shown as 网上办理: the tile says 可网上预约, the QR caption too."""
    drive.tap(app.screen("home").ids.by_event)
    drive.wait_until(lambda: app.browse.get("items"), 30, "life events")
    drive.tap(drive.find(app.screen("browse").ids.entries, "结婚一件事"))
    drive.wait_until(lambda: app.browse.get("group") and app.browse.get("items"), 30, "guides of the event")
    tile = next(t for t in app.screen("browse").ids.entries.children if getattr(t, "title", "") == "内地居民结婚登记")
    assert tile.subtitle == "可网上预约"
    drive.tap(tile)
    drive.wait_until(lambda: app.current == "guide", 30, "guide detail")
    screen = app.screen("guide")
    assert screen.qr_png and screen.scan_text == "用手机扫码，网上预约（不能网上办理）"
    drive.find(screen, "用手机扫码，网上预约")
