"""Background rebuild after publishing: the new index is built beside the old one and swapped in at
once. Until it is ready, and if it fails, the assistant keeps answering from the old one."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any, Callable

from assistant.db import Database
from assistant.engine import Engine
from assistant.kb.store import load_knowledge_from_db
from assistant.understanding.model import Understanding

log = logging.getLogger("assistant.rebuild")


class Rebuilder:
    def __init__(self, engine: Engine, db: Database, models: Path, cache: Path) -> None:
        self.engine, self.db, self.models, self.cache = engine, db, models, cache
        self._lock = threading.Lock()
        self._again = False
        self._thread: threading.Thread | None = None
        self.status: dict[str, Any] = {"state": "idle", "generation": 0, "error": None, "reason": None}
        self.before_swap: Callable[[], None] | None = None  # test hook: raise here to simulate a crash

    def request(self, reason: str) -> dict[str, Any]:
        """Start a rebuild, or queue one more if one is running (the later one sees every change)."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                self._again = True
                return dict(self.status)
            self.status.update(state="running", reason=reason, started=time.time(), error=None)
            self._thread = threading.Thread(target=self._loop, name="rebuild", daemon=True)
            self._thread.start()
            return dict(self.status)

    def _loop(self) -> None:
        while True:
            self._build_once()
            with self._lock:
                if not self._again:
                    return
                self._again = False
                self.status.update(state="running", started=time.time(), error=None)

    def _build_once(self) -> None:
        try:
            with self.db.session() as session:
                kb = load_knowledge_from_db(session)
            understanding = Understanding.load(kb, self.models, cache_dir=self.cache)
            if self.before_swap is not None:
                self.before_swap()
            self.engine.replace(kb, understanding)
        except Exception as exc:  # the old index keeps serving; the error is shown to the publisher
            log.exception("rebuild failed")
            self.status.update(state="failed", error=f"{type(exc).__name__}: {exc}", finished=time.time())
            return
        self.status.update(state="ready", finished=time.time(), generation=self.status["generation"] + 1, guides=len(kb.guides))

    def wait(self, timeout: float = 120) -> dict[str, Any]:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return dict(self.status)
