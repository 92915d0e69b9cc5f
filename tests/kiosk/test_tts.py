from __future__ import annotations

import time
from pathlib import Path

import pytest

from kiosk import tts

pytestmark = pytest.mark.skipif(not tts.available(), reason="espeak-ng is not installed (apt-get install espeak-ng; scripts/setup does)")


def test_speak_returns_at_once_and_writes_a_wav_in_the_background(tmp_path: Path) -> None:
    speaker = tts.Speaker(tmp_path)
    ready: list[Path] = []
    speaker.speak("请到一楼服务台取号", "zh", ready.append)
    assert not ready  # speak() only queues: the file arrives later from the worker thread
    deadline = time.monotonic() + 30
    while not ready and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ready, speaker.errors
    data = ready[0].read_bytes()
    assert data[:4] == b"RIFF" and len(data) > 10_000
    speaker.speak("Please take a number", "en", ready.append)  # a second file from the same engine
    while len(ready) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(ready) == 2 and ready[1].stat().st_size > 1000


def test_stop_drops_what_is_queued(tmp_path: Path) -> None:
    speaker = tts.Speaker(tmp_path)
    ready: list[Path] = []
    for i in range(5):
        speaker.speak(f"第{i}条很长的说明文字，用来测试停止朗读。" * 3, "zh", ready.append)
    speaker.stop()
    time.sleep(1.5)
    assert len(ready) <= 1  # at most the one being rendered when stop() came
