"""Background rebuild after publishing: the new index is built beside the old one and swapped in at
once. Until it is ready, and if it fails, the assistant keeps answering from the old one."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import threading
import time
from pathlib import Path
from typing import Any, Callable


from assistant.db import Database
from assistant.engine import Engine
from assistant.kb.source import Knowledge
from assistant.kb.store import load_knowledge_from_db
from assistant.understanding.pipeline import Understanding, train
from assistant.understanding.nlu_data import generate_nlu, load_yaml, write_nlu

log = logging.getLogger("assistant.rebuild")


class Rebuilder:
    def __init__(self, engine: Engine, db: Database, models: Path, cache: Path, *, templates: Path | None = None, base_encoder: Path | None = None) -> None:
        self.engine, self.db, self.models, self.cache, self.base_encoder = engine, db, models, cache, base_encoder
        self.templates = templates  # when set, changed service names retrain the intent data and models
        self.trained_key = names_key(engine.kb)
        self._lock = threading.Lock()
        self._again = False
        self._thread: threading.Thread | None = None
        self.status: dict[str, Any] = {"state": "idle", "generation": 0, "error": None, "reason": None}
        self.before_swap: Callable[[], None] | None = None  # test hook: raise here to simulate a crash
        self._guides: dict[str, tuple[str, Any]] = {}  # id -> (content hash, guide) of the last read

    def request(self, reason: str) -> dict[str, Any]:
        """Start a rebuild, or queue one more if one is running (the later one sees every change)."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                self._again = True
                return dict(self.status)
            self.status.update(state="running", reason=reason, started=time.time(), error=None, progress=0)
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
                self.status.update(state="running", started=time.time(), error=None, progress=0)

    def _build_once(self) -> None:
        try:
            with self.db.session() as session:  # only the guides changed since the last read are read again
                kb = load_knowledge_from_db(session, self._guides)
            key = names_key(kb)
            retrain = self.templates is not None and self.templates.exists() and key != self.trained_key
            current = self.engine.understanding
            if retrain:  # new models: what the current index built that does not depend on them is reused
                understanding = Understanding.load(kb, self._retrain(kb), cache_dir=self.cache, progress=self._progress, previous=current)
            else:  # the same models: only the changed guides are indexed again
                understanding = current.updated(kb, cache_dir=self.cache, progress=self._progress)
            if self.before_swap is not None:
                self.before_swap()
            self.engine.replace(kb, understanding)
            if retrain:
                self._promote(self.models.with_name(self.models.name + ".next"))
                self.trained_key = key
        except Exception as exc:  # the old index keeps serving; the error is shown to the publisher
            log.exception("rebuild failed")
            self.status.update(state="failed", error=f"{type(exc).__name__}: {exc}", finished=time.time())
            return
        self.status.update(state="ready", finished=time.time(), generation=self.status["generation"] + 1, guides=len(kb.guides))

    def _retrain(self, kb: Knowledge) -> Path:
        """Intent data regenerated from the templates and the new names; models trained beside the old."""
        self.status["step"] = "retraining the intent model and adapter"
        staging = self.models.with_name(self.models.name + ".next")
        shutil.rmtree(staging, ignore_errors=True)
        data = generate_nlu(load_yaml(self.templates.read_text(encoding="utf-8")), kb)  # type: ignore[union-attr]
        write_nlu(data, staging / "nlu.yml")
        train(kb, staging / "nlu.yml", staging, base_encoder=self.base_encoder, cache_dir=self.cache, log=log.info)
        return staging

    def _progress(self, done: int, total: int) -> None:
        """Passages encoded so far in this rebuild (only new ones are encoded), for the curator console."""
        self.status.update(progress=100 if total == 0 else round(100 * done / total), encoded=done, passages=total)

    def _promote(self, staging: Path) -> None:
        """Swap the model directories (the old one is kept as .previous until the next promotion)."""
        previous = self.models.with_name(self.models.name + ".previous")
        shutil.rmtree(previous, ignore_errors=True)
        if self.models.exists():
            self.models.rename(previous)
        staging.rename(self.models)
        self.status.pop("step", None)

    def wait(self, timeout: float = 120) -> dict[str, Any]:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return dict(self.status)


def names_key(kb: Knowledge) -> str:
    """What the intent data is generated from: service names, keywords, colloquial names."""
    names = {gid: [g.name, g.name_en, *g.keywords] for gid, g in sorted(kb.guides.items())}
    blob = json.dumps([names, kb.synonyms.services], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()
