"""`assistant kiosk`: registered by assistant/cli.py; Kivy is imported only when the command runs."""

from __future__ import annotations

import argparse


def cmd_kiosk(args: argparse.Namespace) -> int:
    try:
        from kiosk.run import run
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise SystemExit(f"the kiosk needs Kivy: pip install 'hall-assistant[kiosk]' ({exc})") from exc
    return run(args)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("kiosk", help="run the touch kiosk (Kivy), against a server or the embedded engine")
    p.add_argument("--server", help="assistant server URL (default: the embedded engine)")
    p.add_argument("--settings", help="kiosk settings TOML (see kiosk/settings.example.toml)")
    p.add_argument("--windowed", action="store_true", help="a window instead of full screen (development)")
    p.set_defaults(func=cmd_kiosk)
