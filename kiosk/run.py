"""Start the kiosk: window configuration first (before Kivy creates the window), then the app."""

from __future__ import annotations

import argparse
import os
from typing import Any

from kiosk.config import KioskSettings, load_settings
from kiosk.display import desktop_size


def configure_window(settings: KioskSettings, *, windowed: bool = False) -> None:
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    Config.set("graphics", "resizable", "1")
    if settings.fullscreen and not windowed:
        Config.set("graphics", "fullscreen", "auto")
        # the window opens at the display's size: with no window manager nothing would resize it later
        size = desktop_size()
        if size:
            Config.set("graphics", "width", str(size[0]))
            Config.set("graphics", "height", str(size[1]))
    else:
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "width", str(settings.width))
        Config.set("graphics", "height", str(settings.height))


def build_app(settings: KioskSettings, backend: Any = None) -> Any:
    """The app, ready to run; Kivy is imported here (after ``configure_window``). An embedded engine starts
    loading first, in a thread, so its load overlaps Kivy's import and window set-up (the app's own
    warm-up then waits for it instead of starting it)."""
    import threading

    from kiosk.backend import EmbeddedBackend, make_backend

    backend = backend or make_backend(
        settings.server_url, data_dir=settings.assistant_data_dir, timeout=settings.timeout_seconds, retry_seconds=settings.retry_seconds
    )
    if isinstance(backend, EmbeddedBackend):
        threading.Thread(target=_warm_quietly, args=(backend,), name="kiosk-engine-load", daemon=True).start()
    from kiosk.fonts import register_cjk_font

    register_cjk_font()
    from kiosk.app import KioskApp

    return KioskApp(backend, settings)


def _warm_quietly(backend: Any) -> None:
    try:
        backend.warm()
    except Exception:  # noqa: BLE001 (the app's warm-up tries again and shows what went wrong)
        pass


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--server", help="assistant server URL (default: the embedded engine, or server_url of --settings)")
    p.add_argument("--settings", help="kiosk settings TOML (see kiosk/settings.example.toml)")
    p.add_argument("--windowed", action="store_true", help="a window instead of full screen (development)")


def run(args: argparse.Namespace) -> int:
    settings = load_settings(args.settings).with_overrides(server_url=args.server)
    configure_window(settings, windowed=args.windowed)
    build_app(settings).run()
    return 0
