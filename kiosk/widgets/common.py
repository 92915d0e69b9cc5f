"""Small widgets: big buttons, labels that wrap Chinese, checklist rows, chat bubbles, QR images."""

from __future__ import annotations

import io
from functools import lru_cache

from kivy.core.image import Image as CoreImage
from kivy.core.text import Label as CoreLabel
from kivy.graphics.texture import Texture
from kivy.metrics import cm
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior, ToggleButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.image import Image
from kivy.uix.label import Label

from kiosk.wrap import wrap

MIN_TOUCH_CM = 1.5  # every touch target at least this big (accessibility for a public kiosk)


def min_touch() -> float:
    return cm(MIN_TOUCH_CM + 0.1)


class KButton(Button):
    """The kiosk button: blue #0b4a8b, white text, never smaller than 1.5 cm."""

    role = StringProperty("primary")  # primary | secondary


@lru_cache(maxsize=4096)
def _width(font_name: str, font_size: float, text: str) -> float:
    return CoreLabel(font_name=font_name, font_size=font_size).get_extents(text)[0]


class WrapLabel(Label):
    """A label for Chinese: set ``raw``; lines are broken by width between CJK characters."""

    raw = StringProperty("")

    def on_kv_post(self, base_widget: object) -> None:
        self.bind(raw=self._rewrap, width=self._rewrap, font_size=self._rewrap, padding=self._rewrap)
        self._rewrap()

    def _rewrap(self, *_args: object) -> None:
        pad = self.padding[0] + self.padding[2] if len(self.padding) == 4 else 2 * self.padding[0]
        width = self.width - pad - 2
        if width <= 10:
            self.text = self.raw
            return
        font, size = self.font_name, self.font_size
        self.text = wrap(self.raw, width, lambda s: _width(font, size, s))


class CheckRow(ToggleButtonBehavior, BoxLayout):
    """One material in the checklist: tap to tick it off."""

    title = StringProperty("")
    detail = StringProperty("")
    required = BooleanProperty(True)


class TapBox(ButtonBehavior, BoxLayout):
    """A tappable panel (home tiles, list rows)."""

    title = StringProperty("")
    subtitle = StringProperty("")
    payload = ObjectProperty(None)
    title_size = NumericProperty(30)


class Bubble(BoxLayout):
    """One chat message; ``who`` is 'user' or 'bot'."""

    who = StringProperty("bot")
    raw = StringProperty("")


class QRImage(Image):
    """A QR code PNG (bytes) shown pixel-sharp."""

    png = ObjectProperty(None, allownone=True)
    modules = NumericProperty(0)

    def on_png(self, _inst: object, png: bytes | None) -> None:
        if not png:
            self.texture = None
            return
        texture: Texture = CoreImage(io.BytesIO(png), ext="png").texture
        texture.mag_filter = texture.min_filter = "nearest"
        self.texture = texture
