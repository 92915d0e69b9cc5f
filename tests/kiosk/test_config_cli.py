from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import EXAMPLE, KioskSettings, load_settings


def test_example_settings_load() -> None:
    settings = load_settings(EXAMPLE)
    assert settings.server_url.startswith("http") and settings.idle_seconds == 90 and settings.language == "zh"
    assert load_settings(None) == KioskSettings()
    assert settings.with_overrides(server_url=None).server_url == settings.server_url
    assert settings.with_overrides(server_url="http://x").server_url == "http://x"


@pytest.mark.parametrize("body", ["bogus = 1", "language = 'fr'", "idle_seconds = 0", "font_scale = 9", "idle_warning_seconds = 120", "idle_warning_seconds = -1"])
def test_bad_settings_are_refused(tmp_path: Path, body: str) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(body)
    with pytest.raises(ValueError):
        load_settings(path)


def test_assistant_cli_has_a_kiosk_command_without_importing_kivy() -> None:
    code = "import sys; from assistant.cli import build_parser; a = build_parser().parse_args(['kiosk', '--server', 'http://h:1', '--windowed']); print(a.server, a.windowed, 'kivy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["http://h:1", "True", "False"]


def test_python_m_kiosk_help() -> None:
    out = subprocess.run([sys.executable, "-m", "kiosk", "--help"], capture_output=True, text=True, check=True).stdout
    assert "--server" in out and "--settings" in out and "--windowed" in out
