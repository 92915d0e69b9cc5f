"""`python -m kiosk.screenshots docs/kiosk [--server URL]`: one PNG per screen, made by tapping through
the real app in an off-screen window (embedded engine unless --server is given)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk import drive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.screenshots")
    parser.add_argument("out", nargs="?", default="docs/kiosk")
    parser.add_argument("--server", default="")
    parser.add_argument("--width", type=int, default=1080)
    parser.add_argument("--height", type=int, default=1920)
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    drive.headless_env(args.width, args.height)

    from kiosk.config import KioskSettings
    from kiosk.run import build_app

    app = build_app(KioskSettings(server_url=args.server, fullscreen=False, idle_seconds=3600))
    drive.start(app)
    root = app.root
    shots = []

    def shot(name: str) -> None:
        shots.append(drive.screenshot(str(out / f"{name}.png")))

    drive.wait_until(lambda: not app.busy, 120, "the engine to load")
    shot("home")

    drive.tap(app.screen("home").ids.by_topic)
    drive.wait_until(lambda: app.browse.get("items"), 60, "categories")
    drive.tap(drive.find(app.screen("browse").ids.entries, "身份证件"))
    drive.wait_until(lambda: app.browse.get("group") and app.browse.get("items"), 60, "guides of a category")
    shot("browse")

    drive.tap(drive.find(app.screen("browse").ids.entries, "有效期满换领"))
    drive.wait_until(lambda: app.current == "guide" and app.screen("guide").qr_png, 60, "guide detail")
    app.screen("guide").ids.checklist.children[-1].state = "down"  # one material ticked off
    shot("guide_detail_qr")

    drive.tap(root.ids.home_button)
    drive.tap(app.screen("home").ids.ask)
    keyboard = app.screen("ask").ids.keyboard
    for pinyin, word in (("shenfenzheng", "身份证"), ("guoqi", "过期")):
        type_word(keyboard, pinyin, word)
    for letter in "yaodai":
        drive.tap(key(keyboard, letter))
    shot("keyboard_candidates")

    pick(keyboard, "要带")
    type_word(keyboard, "shenme", "什么")
    drive.tap(app.screen("ask").ids.send)
    drive.wait_until(lambda: any(m["who"] == "bot" for m in app.messages), 60, "an answer")
    app.screen("chat").ids.scroll.scroll_y = 1
    shot("conversation_materials")

    app.last_touch = app.clock() - (app.settings.idle_seconds - 12)  # 12 s before the idle reset
    app.check_idle()
    drive.frames(3)
    shot("idle_warning")
    drive.tap(root.ids.idle_button)

    drive.tap(app.screen("chat").ids.human)
    drive.wait_until(lambda: app.current == "ticket", 60, "a ticket")
    shot("ticket")

    drive.tap(app.screen("ticket").ids.done)
    shot("rating")
    app.stop()
    print("\n".join(shots))
    return 0


def key(keyboard, letter: str):  # type: ignore[no-untyped-def]
    for w in drive.walk(keyboard.ids.key_rows):
        if getattr(w, "text", None) == letter:
            return w
    raise LookupError(letter)


def pick(keyboard, word: str) -> None:  # type: ignore[no-untyped-def]
    """Tap the candidate ``word`` in the candidate bar."""
    bar = keyboard.ids.candidate_bar
    drive.tap(next(b for b in bar.children if b.text == word))


def type_word(keyboard, pinyin: str, word: str) -> None:  # type: ignore[no-untyped-def]
    for letter in pinyin:
        drive.tap(key(keyboard, letter))
    pick(keyboard, word)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:  # Kivy swallows stderr without console logging: show the error anyway
        import traceback

        traceback.print_exc(file=sys.__stderr__)
        sys.exit(1)
