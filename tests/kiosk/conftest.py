"""Kiosk tests run without a display: Kivy's environment is set here, before anything imports Kivy."""

from __future__ import annotations

import os
import tempfile

os.environ["KIVY_NO_ARGS"] = "1"
os.environ["KIVY_NO_CONSOLELOG"] = "1"
os.environ["KIVY_NO_FILELOG"] = "1"
os.environ["KIVY_HOME"] = tempfile.mkdtemp(prefix="kivy-home-")
os.environ["SDL_VIDEODRIVER"] = "offscreen"  # "dummy" gives no GL context and Kivy fails
# SDL's dummy audio device plays in silence, so reading aloud is exercised end to end without a sound card
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ["KIVY_AUDIO"] = "sdl2"

WIDTH, HEIGHT = 720, 1280  # a portrait kiosk, small enough to draw quickly in software
