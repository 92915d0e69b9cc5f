"""The CJK font (Noto Sans SC from pylopdf-fonts-zh-cn) as Kivy's default font, so Chinese is no tofu."""

from __future__ import annotations

from pathlib import Path


def cjk_font_path() -> Path:
    try:
        from pylopdf_fonts_zh_cn import sans_path
    except ImportError as exc:  # pragma: no cover - install hint
        raise ImportError("the kiosk needs a CJK font: pip install 'hall-assistant[kiosk]' (pylopdf-fonts-zh-cn)") from exc
    path = Path(sans_path())
    if not path.exists():
        raise FileNotFoundError(f"CJK font missing: {path}")
    return path


def register_cjk_font() -> Path:
    from kivy.core.text import DEFAULT_FONT, LabelBase

    path = cjk_font_path()
    LabelBase.register(DEFAULT_FONT, str(path))
    return path
