"""KioskApp: state as Kivy properties, screens loaded lazily (one kv each), backend calls off the UI thread.

``kiosk.kv`` (root layout, shared widget rules) is loaded by ``App.load_kv`` after the class name.
"""

from __future__ import annotations

import math
import threading
import time
from pathlib import Path
from typing import Any, Callable

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import (
    BooleanProperty,
    DictProperty,
    ListProperty,
    NumericProperty,
    StringProperty,
)

from kiosk import i18n
from kiosk.backend import Backend, BackendError
from kiosk.config import KioskSettings
from kiosk.tts import Speaker

SCREENS = Path(__file__).with_name("screens")
WHITE = (1, 1, 1, 1)


class KioskApp(App):
    title = i18n.strings("zh")["title"]
    lang = StringProperty("zh")
    s = DictProperty(i18n.strings("zh"))  # interface strings of ``lang``
    font_scale = NumericProperty(1.0)
    large_text = BooleanProperty(False)
    offline = BooleanProperty(False)  # the server is unreachable; the embedded engine answers
    busy = BooleanProperty(False)
    hall_name = StringProperty("")
    session_id = StringProperty("")
    messages = ListProperty([])  # [{"who": "user"|"bot", "text": str, "reply": dict|None}]
    last_reply = DictProperty({})
    ticket = DictProperty({})
    guide = DictProperty({})  # the guide on the detail screen
    browse = DictProperty({})  # {"mode": "categories"|"life_events", "group": dict|None, "items": [...]}
    rating = DictProperty({})  # what the rating prompt is for: {"message_id"} or {"ticket_number"}
    rated = BooleanProperty(False)
    speaking = BooleanProperty(False)
    error = StringProperty("")
    idle_left = NumericProperty(0)  # seconds until the idle reset, while the warning shows; 0 otherwise

    def __init__(self, backend: Backend, settings: KioskSettings | None = None, *, speaker: Speaker | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.backend = backend
        self.settings = settings or KioskSettings()
        self.speaker = speaker or Speaker()
        self.clock: Callable[[], float] = time.monotonic
        self.last_touch = self.clock()
        self._epoch = 0  # bumped on reset: late replies of a forgotten session are dropped
        self._pending = 0
        self._sound: Any = None
        self.lang = self.settings.language
        self.font_scale = self.settings.font_scale
        self.hall_name = self.settings.hall_name

    # --- lifecycle ------------------------------------------------------------------------------
    def build(self) -> Any:
        Window.clearcolor = WHITE
        Window.bind(on_touch_down=self._touched, on_key_down=self._touched)
        Clock.schedule_interval(lambda _dt: self.check_idle(), 1.0)
        self.show("home")
        self.run_bg(self.backend.warm, lambda _r: self._sync_offline())
        return self.root

    def on_lang(self, _inst: object, lang: str) -> None:
        self.s = i18n.strings(lang)
        self.hall_name = self.settings.hall_name if lang == "zh" else self.settings.hall_name_en

    def on_large_text(self, _inst: object, large: bool) -> None:
        self.font_scale = self.settings.large_font_scale if large else self.settings.font_scale

    def screen(self, name: str) -> Any:
        """The screen called ``name``, built from screens/<name>.kv on first use."""
        sm = self.root.ids.sm
        if not sm.has_screen(name):
            from kiosk import screens

            Builder.load_file(str(SCREENS / f"{name}.kv"))
            sm.add_widget(screens.SCREEN_CLASSES[name](name=name))
        return sm.get_screen(name)

    def show(self, name: str) -> None:
        self.screen(name)
        self.root.ids.sm.current = name

    @staticmethod
    def pick(data: dict[str, Any], key: str, default: Any = "") -> Any:
        """``data[key]`` for kv rules (a kv ``app.ticket.get(...)`` stops updating after the first change)."""
        value = data.get(key)
        return default if value is None else value

    @property
    def current(self) -> str:
        return str(self.root.ids.sm.current)

    # --- background calls -----------------------------------------------------------------------
    def run_bg(self, fn: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[Exception], None] | None = None) -> None:
        """Run ``fn`` in a thread; ``done(result)`` or ``failed(exc)`` run on the UI thread after."""
        epoch = self._epoch
        self._pending += 1
        self.busy = True

        def finish(result: Any, exc: Exception | None) -> None:
            self._pending -= 1
            self.busy = self._pending > 0
            self._sync_offline()
            if epoch != self._epoch:
                return
            if exc is None:
                done(result)
            elif failed is not None:
                failed(exc)
            else:
                self.error = self.s["error"]

        def work() -> None:
            try:
                result, exc = fn(), None
            except Exception as e:  # noqa: BLE001 - shown as a message, never a crash
                result, exc = None, e
            Clock.schedule_once(lambda _dt: finish(result, exc), 0)

        threading.Thread(target=work, name="kiosk-backend", daemon=True).start()

    def _sync_offline(self) -> None:
        self.offline = bool(getattr(self.backend, "offline", False))

    # --- conversation ---------------------------------------------------------------------------
    def ask(self, text: str) -> None:
        text = text.strip()
        if not text or self.busy:
            return
        self.error = ""
        self.messages.append({"who": "user", "text": text, "reply": None})
        self.show("chat")
        session, lang = self.session_id or None, self.lang
        self.run_bg(lambda: self.backend.ask(text, session_id=session, lang=lang), self._answered, self._failed)

    def choose(self, payload: str) -> None:
        """A choice button of the last reply (its payload is what the API expects as text)."""
        title = next((b["title"] for b in self.last_reply.get("buttons", []) if b["payload"] == payload), payload)
        self.messages.append({"who": "user", "text": title, "reply": None})
        session, lang = self.session_id or None, self.lang
        self.run_bg(lambda: self.backend.ask(payload, session_id=session, lang=lang), self._answered, self._failed)

    def _answered(self, reply: dict[str, Any]) -> None:
        self.session_id = reply.get("session_id") or self.session_id
        self.last_reply = reply
        if reply.get("silent"):
            return
        self.messages.append({"who": "bot", "text": reply.get("answer", ""), "reply": reply})
        if reply.get("ticket"):
            self.ticket = reply["ticket"]
            self.show("ticket")

    def _failed(self, exc: Exception) -> None:
        self.messages.append({"who": "bot", "text": self.s["error"], "reply": None})
        self.error = str(exc)

    def request_person(self) -> None:
        if self.busy:
            return
        session, lang = self.session_id or None, self.lang
        self.run_bg(lambda: self.backend.handoff(session_id=session, lang=lang), self._answered, self._failed)

    # --- browsing ------------------------------------------------------------------------------
    def browse_groups(self, mode: str) -> None:
        fetch = self.backend.categories if mode == "categories" else self.backend.life_events
        self.browse = {"mode": mode, "group": None, "items": []}
        self.show("browse")
        self.run_bg(fetch, self._browse_items)

    def browse_guides(self, group: dict[str, Any]) -> None:
        mode = self.browse.get("mode", "categories")
        key = "category" if mode == "categories" else "life_event"
        self.browse = {"mode": mode, "group": group, "items": []}
        self.run_bg(lambda: self.backend.guides(**{key: group["id"]}), self._browse_items)

    def _browse_items(self, items: list[dict[str, Any]]) -> None:
        self.browse = {**self.browse, "items": items}

    def browse_back(self) -> None:
        if self.browse.get("group"):
            self.browse_groups(self.browse["mode"])
        else:
            self.show("home")

    def open_guide(self, guide_id: str) -> None:
        self.run_bg(lambda: self.backend.guide(guide_id), self._guide_loaded, self._failed_guide)

    def _guide_loaded(self, guide: dict[str, Any]) -> None:
        self.guide = guide
        self.show("guide")

    def _failed_guide(self, exc: Exception) -> None:
        self.error = self.s["error"] if not isinstance(exc, BackendError) or exc.status != 404 else str(exc)

    def ask_about_guide(self) -> None:
        name = self.guide.get("name_en" if self.lang == "en" else "name", "")
        self.ask(self.s["ask_about_question"].format(name=name))

    def book_guide(self) -> None:
        """Book a visit for the guide on screen: the conversation offers its free slots as buttons,
        then asks the name and mobile; the confirmation shows the booking code."""
        name = self.guide.get("name_en" if self.lang == "en" else "name", "")
        self.ask(self.s["book_question"].format(name=name))

    # --- end of a conversation: the rating prompt ---------------------------------------------------
    def finish(self) -> None:
        """The person is done: ask for a rating of the ticket, or else of the last answer."""
        if self.ticket.get("number") and self.ticket.get("status") == "closed":  # an open ticket is rated once served
            self.rating = {"ticket_number": self.ticket["number"]}
        elif self.last_reply.get("message_id"):
            self.rating = {"message_id": self.last_reply["message_id"]}
        else:
            self.reset()
            return
        self.rated = False
        self.show("rate")

    def rate(self, score: int) -> None:
        if self.rated or not self.session_id:
            return
        self.rated = True
        target, session = dict(self.rating), self.session_id
        self.run_bg(lambda: self.backend.rate(session_id=session, score=score, **target), lambda _r: None, lambda _e: None)
        # home after the thanks, unless the visitor already left: the next visitor's questions stay
        epoch = self._epoch
        Clock.schedule_once(lambda _dt: self.reset() if self._epoch == epoch else None, 3)

    # --- reading aloud ------------------------------------------------------------------------
    def read_aloud(self, text: str) -> None:
        self.stop_speaking()
        self.speaking = True
        self.speaker.speak(text, self.lang, lambda path: Clock.schedule_once(lambda _dt: self._play(path), 0))

    def _play(self, path: Path) -> None:
        if not self.speaking:
            return
        from kivy.core.audio import SoundLoader

        self._sound = SoundLoader.load(str(path))
        if self._sound is None:  # no audio device (e.g. a test machine): nothing to play
            self.speaking = False
            return
        self._sound.bind(on_stop=lambda *_a: setattr(self, "speaking", False))
        self._sound.play()

    def stop_speaking(self) -> None:
        self.speaker.stop()
        self.speaking = False
        if self._sound is not None:
            self._sound.stop()
            self._sound = None

    # --- idle and privacy ----------------------------------------------------------------------
    def _touched(self, *_args: Any) -> None:
        self.last_touch = self.clock()
        self.idle_left = 0

    def check_idle(self) -> bool:
        """After ``idle_seconds`` without a touch, forget everything and go home. True when it reset.
        In the last ``idle_warning_seconds`` a countdown warns whoever is still reading."""
        left = self.settings.idle_seconds - (self.clock() - self.last_touch)
        if self.current == "home" and not (self.session_id or self.messages):
            self.idle_left = 0
            return False
        if left > 0:
            self.idle_left = math.ceil(left) if left <= self.settings.idle_warning_seconds else 0
            return False
        self.reset()
        return True

    def reset(self) -> None:
        self._epoch += 1
        self.stop_speaking()
        self.session_id = ""
        self.messages = []
        self.last_reply, self.ticket, self.guide, self.rating = {}, {}, {}, {}
        self.browse = {}
        self.rated = False
        self.error = ""
        self.large_text = False
        self.lang = self.settings.language
        if self.root.ids.sm.has_screen("ask"):
            self.screen("ask").ids.keyboard.clear()
        self.last_touch = self.clock()
        self.idle_left = 0
        self.show("home")
