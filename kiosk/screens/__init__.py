"""Screens: properties and handlers only (state lives on the App, answers come from the backend).
Each screen's layout is screens/<name>.kv; dynamic lists are built here from app state."""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.screenmanager import Screen

from kiosk.widgets.common import Bubble, CheckRow, KButton, TapBox
from kiosk.widgets.view import guide_sections, material_rows, name_of


def app() -> Any:
    return App.get_running_app()


class KioskScreen(Screen):
    def on_kv_post(self, base_widget: object) -> None:
        app().bind(lang=lambda *_a: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        pass


class HomeScreen(KioskScreen):
    pass


class BrowseScreen(KioskScreen):
    title = StringProperty("")

    def on_kv_post(self, base_widget: object) -> None:
        app().bind(browse=lambda *_a: self.refresh())
        super().on_kv_post(base_widget)

    def refresh(self) -> None:
        a = app()
        browse, lang = a.browse, a.lang
        group = browse.get("group")
        self.title = name_of(group, lang) if group else a.s.get(browse.get("mode", "categories"), "")
        box = self.ids.entries
        box.clear_widgets()
        for item in browse.get("items", []):
            if group:
                sub = level_badge(item, a.s)
                tile = TapBox(title=name_of(item, lang), subtitle=sub, payload=item["id"])
                tile.bind(on_release=lambda t: a.open_guide(t.payload))
            else:
                sub = a.s["count"].format(n=item["count"]) if "count" in item else name_of(item, lang, "summary")
                tile = TapBox(title=name_of(item, lang), subtitle=sub, payload=item)
                tile.bind(on_release=lambda t: a.browse_guides(t.payload))
            box.add_widget(tile)


def level_badge(item: dict, s: dict[str, str]) -> str:
    """The badge of a guide tile follows its online level: a booking page is not "网上办理"."""
    level = item.get("online_level") or ("full" if item.get("visits") == 0 else ("partial" if item.get("online") else "none"))
    return s["visits_0"] if level == "full" else s.get(f"level_{level}", "")


def scan_caption(item: dict, s: dict[str, str]) -> str:
    level = item.get("online_level") or item.get("level") or "partial"
    return s.get(f"scan_{level}", s["scan"])


class GuideScreen(KioskScreen):
    qr_png = ObjectProperty(None, allownone=True)
    scan_text = StringProperty("")

    def on_kv_post(self, base_widget: object) -> None:
        app().bind(guide=lambda *_a: self.refresh())
        super().on_kv_post(base_widget)

    def refresh(self) -> None:
        from kiosk.backend import qr_png

        a = app()
        guide = a.guide
        online = bool(guide.get("online_url")) and guide.get("online_level") != "none"
        self.qr_png = qr_png(guide["online_url"]) if online else None
        self.scan_text = scan_caption(guide, a.s) if online else ""
        checklist, sections = self.ids.checklist, self.ids.sections
        checklist.clear_widgets()
        sections.clear_widgets()
        if not guide:
            return
        for row in material_rows(guide.get("materials", []), a.lang, a.s):
            checklist.add_widget(CheckRow(**row))
        for title, body in guide_sections(guide, a.lang, a.s):
            sections.add_widget(Bubble(who="section", raw=f"{title}\n{body}"))


class AskScreen(KioskScreen):
    def refresh(self) -> None:
        from kiosk.i18n import suggested

        a = app()
        box = self.ids.suggestions
        box.clear_widgets()
        for question in suggested(a.lang):
            button = KButton(text=question, role="secondary")
            button.bind(on_release=lambda b: a.ask(b.text))
            box.add_widget(button)

    def send(self) -> None:
        keyboard = self.ids.keyboard
        text = keyboard.text + keyboard.pinyin
        if text.strip():
            keyboard.clear()
            app().ask(text)


class ChatScreen(KioskScreen):
    def on_kv_post(self, base_widget: object) -> None:
        app().bind(messages=lambda *_a: self.refresh())
        super().on_kv_post(base_widget)

    def refresh(self) -> None:
        from kiosk.backend import qr_png

        a = app()
        box = self.ids.messages
        box.clear_widgets()
        last = len(a.messages) - 1
        for i, msg in enumerate(a.messages):
            box.add_widget(Bubble(who=msg["who"], raw=msg["text"]))
            reply = msg.get("reply") or {}
            if reply.get("materials_detail"):
                box.add_widget(Bubble(who="note", raw=a.s["materials"]))
                for row in material_rows(reply["materials_detail"], a.lang, a.s):
                    box.add_widget(CheckRow(**row))
            if reply.get("online", {}).get("available") and reply["online"].get("url"):
                from kiosk.widgets.common import QRImage

                box.add_widget(Bubble(who="note", raw=reply["online"].get("caption") or scan_caption(reply["online"], a.s)))
                box.add_widget(QRImage(png=qr_png(reply["online"]["url"]), size_hint=(None, None)))
            if i == last:
                for button in reply.get("buttons", []):
                    choice = KButton(text=button["title"], role="secondary")
                    choice.bind(on_release=lambda _b, p=button["payload"]: a.choose(p))
                    box.add_widget(choice)
        self.ids.scroll.scroll_y = 0


class TicketScreen(KioskScreen):
    pass


class RateScreen(KioskScreen):
    pass


SCREEN_CLASSES: dict[str, type[Screen]] = {
    "home": HomeScreen, "browse": BrowseScreen, "guide": GuideScreen, "ask": AskScreen,
    "chat": ChatScreen, "ticket": TicketScreen, "rate": RateScreen,
}  # fmt: skip
