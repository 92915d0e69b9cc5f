"""On-screen keyboard for a kiosk without a hardware keyboard: QWERTY letters, digits, space,
backspace and a 中/EN switch. In 中 mode letters compose pinyin and a candidate bar offers hanzi
(offline, ``pinyinIME``); tapping a candidate, or space for the first one, commits it to ``text``."""

from __future__ import annotations

import threading

from kivy.properties import ListProperty, NumericProperty, ObjectProperty, OptionProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.i18n import strings
from kiosk.ime import Composer

ROWS = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"]
MAX_TEXT = 200


class OnScreenKeyboard(BoxLayout):
    text = StringProperty("")  # what has been typed (committed)
    pinyin = StringProperty("")  # letters still being composed (中 mode)
    candidates = ListProperty([])  # words for ``pinyin``
    mode = OptionProperty("zh", options=["zh", "en"])
    composer = ObjectProperty(None)
    rows = ListProperty(ROWS)
    max_candidates = NumericProperty(8)
    backspace_label = StringProperty(strings("zh")["backspace"])  # the catalogue's: no glyph for ⌫ in the CJK font

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        if self.composer is None:
            self.composer = Composer(page_size=int(self.max_candidates))

    # --- keys (bound in kiosk.kv) ----------------------------------------------------------------
    def press(self, key: str) -> None:
        if self.mode == "zh" and key.isalpha():
            self.composer.type(key)
            self._refresh()
        else:
            self._commit(key)

    def space(self) -> None:
        if self.mode == "zh" and self.pinyin:
            if self.candidates:
                self.pick(0)
            return
        self._commit(" ")

    def backspace(self) -> None:
        if self.composer.backspace():
            self._refresh()
        else:
            self.text = self.text[:-1]

    def pick(self, index: int) -> None:
        self._commit(self.composer.pick(index))
        self._refresh()

    def toggle_mode(self) -> None:
        if self.pinyin:  # switching to EN keeps what was typed as letters
            self._commit(self.composer.pinyin)
            self.composer.clear()
            self._refresh()
        self.mode = "en" if self.mode == "zh" else "zh"

    def clear(self) -> None:
        self.composer.clear()
        self.text = ""
        self._refresh()

    # --- helpers --------------------------------------------------------------------------------
    def _commit(self, chars: str) -> None:
        self.text = (self.text + chars)[:MAX_TEXT]

    def _refresh(self) -> None:
        self.pinyin = self.composer.pinyin
        self.candidates = [c.word for c in self.composer.candidates()]

    def warm(self) -> None:
        """Load the pinyin index in the background (about a second) before the first key."""
        threading.Thread(target=self.composer.load, name="pinyin-index", daemon=True).start()

    # --- building (keys are made here, their look is in kiosk.kv) -----------------------------
    def on_kv_post(self, base_widget: object) -> None:
        from kiosk.widgets.common import KButton

        grid = self.ids.key_rows
        for row in self.rows:
            line = BoxLayout(spacing=grid.spacing, size_hint_y=None)
            line.bind(minimum_height=line.setter("height"))
            for key in row:
                button = KButton(text=key, role="key")
                button.bind(on_release=lambda b: self.press(b.text))
                line.add_widget(button)
            if row == self.rows[-1]:
                back = KButton(text=self.backspace_label, role="key", size_hint_x=1.6)
                back.bind(on_release=lambda _b: self.backspace())
                line.add_widget(back)
                self.ids["backspace"] = back
            grid.add_widget(line)
        self.bind(candidates=self._show_candidates)

    def _show_candidates(self, *_args: object) -> None:
        from kiosk.widgets.common import KButton

        bar = self.ids.candidate_bar
        bar.clear_widgets()
        for i, word in enumerate(self.candidates):
            button = KButton(text=word, role="candidate", size_hint_x=None)
            button.bind(on_release=lambda _b, i=i: self.pick(i))
            bar.add_widget(button)
