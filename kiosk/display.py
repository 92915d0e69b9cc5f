"""The display's own size, asked of SDL before Kivy creates its window.

Kivy opens its window at ``Config`` width x height (800x600 by default) and then switches it to full
screen. Without a window manager (a hall kiosk runs X with none) nobody resizes the X window, so
Kivy draws a full-screen layout into an 800x600 window in the middle of the display. Opening the
window at the display's size from the start avoids that, in portrait and landscape alike.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import os

SDL_INIT_VIDEO = 0x20


class _DisplayMode(ctypes.Structure):
    _fields_ = [
        ("format", ctypes.c_uint32),
        ("w", ctypes.c_int),
        ("h", ctypes.c_int),
        ("refresh_rate", ctypes.c_int),
        ("driverdata", ctypes.c_void_p),
    ]


def _sdl_library() -> str | None:
    """The SDL2 that Kivy itself uses (its wheel bundles one), else the system's."""
    try:
        import kivy

        site = os.path.dirname(os.path.dirname(kivy.__file__))
        bundled = sorted(glob.glob(os.path.join(site, "Kivy.libs", "libSDL2-2*.so*")))
        if bundled:
            return bundled[0]
    except ImportError:
        pass
    return ctypes.util.find_library("SDL2-2.0") or ctypes.util.find_library("SDL2")


def desktop_size(display: int = 0) -> tuple[int, int] | None:
    """(width, height) in pixels of the display's current mode; None when SDL cannot tell."""
    path = _sdl_library()
    if not path:
        return None
    try:
        sdl = ctypes.CDLL(path)
        if sdl.SDL_InitSubSystem(SDL_INIT_VIDEO) != 0:
            return None
        try:
            mode = _DisplayMode()
            if sdl.SDL_GetDesktopDisplayMode(display, ctypes.byref(mode)) != 0 or mode.w <= 0 or mode.h <= 0:
                return None
            return int(mode.w), int(mode.h)
        finally:
            sdl.SDL_QuitSubSystem(SDL_INIT_VIDEO)
    except (OSError, AttributeError):
        return None
