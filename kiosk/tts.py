"""Read aloud: pyttsx3 + espeak-ng renders a WAV in a background thread; the app plays it (stoppable).

pyttsx3 quirks: after ``init`` the first ``save_to_file`` silently writes nothing, so the worker runs
``runAndWait()`` once first; and it renders one file per ``runAndWait``. The engine lives in one
worker thread (pyttsx3 is not thread-safe).
"""

from __future__ import annotations

import itertools
import queue
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable

VOICES = {"zh": "cmn", "en": "en"}
Ready = Callable[[Path], None]


def available() -> bool:
    return shutil.which("espeak-ng") is not None or shutil.which("espeak") is not None


WAV_HEADER = 44  # bytes of a WAV file with no sound in it


class Speaker:
    def __init__(self, out_dir: Path | None = None, voices: dict[str, str] | None = None, rate: int = 160) -> None:
        self.out_dir = Path(out_dir or tempfile.mkdtemp(prefix="kiosk-tts-"))
        self.voices, self.rate = voices or VOICES, rate
        self._jobs: queue.Queue[tuple[int, str, str, Ready | None, Path]] = queue.Queue()
        self._generation = 0  # stop() bumps it: queued or finishing jobs of older generations are dropped
        self._counter = itertools.count()
        self._thread: threading.Thread | None = None
        self._engine: Any = None
        self.errors: list[str] = []

    def speak(self, text: str, lang: str, on_ready: Ready | None = None) -> Path:
        """Queue ``text``; returns at once. ``on_ready(path)`` runs in the worker when the WAV is written."""
        path = self.out_dir / f"speech-{next(self._counter)}.wav"
        self._jobs.put((self._generation, text, lang, on_ready, path))
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._work, name="kiosk-tts", daemon=True)
            self._thread.start()
        return path

    def stop(self) -> None:
        """Forget whatever is queued or being rendered (the app stops the sound that is playing)."""
        self._generation += 1
        while not self._jobs.empty():
            try:
                self._jobs.get_nowait()
            except queue.Empty:  # pragma: no cover - race with the worker
                break

    def synthesize(self, text: str, lang: str, path: Path) -> Path:
        """Blocking: write ``text`` as a WAV to ``path`` (only from the worker thread, or without one)."""
        engine = self._init()
        engine.setProperty("voice", self.voices.get(lang, self.voices["zh"]))
        for _ in range(3):  # espeak sometimes leaves only the 44-byte WAV header (seen on a fresh engine): retry
            engine.save_to_file(text, str(path))
            engine.runAndWait()
            if path.exists() and path.stat().st_size > WAV_HEADER:
                break
        return path

    def _init(self) -> Any:
        if self._engine is None:
            import pyttsx3

            self._engine = pyttsx3.init("espeak")
            self._engine.setProperty("rate", self.rate)
            self._engine.runAndWait()  # without this the first save_to_file writes nothing
        return self._engine

    def _work(self) -> None:
        while True:
            try:
                generation, text, lang, on_ready, path = self._jobs.get(timeout=30)
            except queue.Empty:
                return
            if generation != self._generation:
                continue
            try:
                self.synthesize(text, lang, path)
            except Exception as exc:  # noqa: BLE001 - reading aloud must never take the kiosk down
                self.errors.append(repr(exc))
                continue
            if generation == self._generation and on_ready is not None and path.exists() and path.stat().st_size > WAV_HEADER:
                on_ready(path)
