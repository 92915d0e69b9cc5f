"""Drive the kiosk without a person or a main loop: one frame at a time (tests, screenshots, benchmark).

Kivy's ``App.run`` blocks; here ``start`` does its preparation and ``frames``/``wait_until`` tick the
clock and draw, so a script can tap real widgets (through the window, like a finger) and look.
"""

from __future__ import annotations

import os
import tempfile
import time
from typing import Any, Callable


def headless_env(width: int = 1080, height: int = 1920) -> None:
    """Environment for a window without a display; call before anything imports Kivy."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kivy-home-"))
    os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")  # "dummy" has no GL context: Kivy fails
    os.environ.setdefault("KIVY_AUDIO", "")  # no sound device needed
    from kivy.config import Config

    Config.set("graphics", "fullscreen", "0")
    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("kivy", "exit_on_escape", "0")


def start(app: Any) -> Any:
    from kivy.base import EventLoop

    EventLoop.ensure_window()
    app._run_prepare()
    frames(3)
    return app


def frames(n: int = 1) -> None:
    from kivy.base import EventLoop

    for _ in range(n):
        EventLoop.idle()


def wait_until(cond: Callable[[], Any], timeout: float = 30.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        frames()
        value = cond()
        if value:
            frames(2)
            return value
        time.sleep(0.01)
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")


def tap(widget: Any) -> None:
    """A finger on the widget's centre, through the window (so covered or hidden widgets miss)."""
    from kivy.tests import UnitTestTouch

    frames(1)
    x, y = widget.to_window(*widget.center)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    touch.touch_up()
    frames(2)


def walk(widget: Any):  # type: ignore[no-untyped-def]
    """The widget and its descendants, in the order they were added (top to bottom in a column)."""
    yield widget
    for child in reversed(widget.children):
        yield from walk(child)


def find(root: Any, text: str) -> Any:
    """The first widget (depth first) whose text, title or raw text contains ``text``."""
    for w in walk(root):
        for attr in ("text", "title", "raw"):
            value = getattr(w, attr, None)
            if isinstance(value, str) and text in value:
                return w
    raise LookupError(f"no widget showing {text!r}")


def screenshot(path: str) -> str:
    from kivy.core.window import Window

    frames(2)
    base, _ext = os.path.splitext(os.path.abspath(path))
    written = Window.screenshot(name=base + ".png")  # Kivy appends a counter: <base>0001.png
    os.replace(written, base + ".png")
    return base + ".png"
