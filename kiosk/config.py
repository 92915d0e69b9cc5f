"""Kiosk settings: a small TOML file (see settings.example.toml); every key is optional."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

EXAMPLE = Path(__file__).with_name("settings.example.toml")


@dataclass(frozen=True)
class KioskSettings:
    server_url: str = ""  # empty: the embedded engine, no server
    hall_name: str = "示例市政务服务中心"
    hall_name_en: str = "Shili City Government Service Center"
    idle_seconds: float = 90.0
    idle_warning_seconds: float = 20.0  # a countdown is shown this long before the reset
    language: str = "zh"
    font_scale: float = 1.0
    large_font_scale: float = 1.3
    fullscreen: bool = True
    width: int = 1080  # window size when not full screen
    height: int = 1920
    assistant_data_dir: str = ""  # embedded engine: ASSISTANT_DATA_DIR override
    timeout_seconds: float = 8.0  # HTTP timeout per request
    retry_seconds: float = 30.0  # offline: how often to try the server again

    def with_overrides(self, **changes: Any) -> "KioskSettings":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def load_settings(path: str | Path | None = None) -> KioskSettings:
    """Read a kiosk TOML file (top-level keys or a [kiosk] table); unknown keys are an error."""
    if path is None:
        return KioskSettings()
    with open(path, "rb") as f:
        data = tomllib.load(f)
    data = data.get("kiosk", data)
    known = {f.name for f in fields(KioskSettings)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"{path}: unknown kiosk setting(s): {', '.join(unknown)}")
    settings = KioskSettings(**data)
    if settings.language not in ("zh", "en"):
        raise ValueError(f"{path}: language must be 'zh' or 'en'")
    if settings.idle_seconds <= 0 or not 0.5 <= settings.font_scale <= 3:
        raise ValueError(f"{path}: idle_seconds must be > 0 and font_scale within 0.5-3")
    if not 0 <= settings.idle_warning_seconds < settings.idle_seconds:
        raise ValueError(f"{path}: idle_warning_seconds must be >= 0 and less than idle_seconds")
    return settings
