"""The engine: knowledge + understanding + dialogue + sessions, loaded once and shared by every channel."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from assistant.config import Settings
from assistant.db import Database
from assistant.dialogue.manager import Dialogue, Reply
from assistant.dialogue.state import SessionStore
from assistant.kb.source import Knowledge, load_knowledge
from assistant.kb.store import import_knowledge, load_knowledge_from_db
from assistant.understanding.model import Understanding, train
from assistant.understanding.rasa_nlu import RasaNLU
from assistant.understanding.vectors import Progress


@dataclass
class Paths:
    models: Path
    cache: Path

    @classmethod
    def of(cls, settings: Settings) -> "Paths":
        return cls(settings.data_dir / "models", settings.data_dir / "cache")


def nlu_file(settings: Settings) -> Path:
    return settings.training_dir / "data" / "nlu.yml"


class Engine:
    def __init__(self, kb: Knowledge, understanding: Understanding, *, session_ttl: float = 1800) -> None:
        self.kb = kb
        self.understanding = understanding
        self.dialogue = Dialogue(kb, understanding)
        self.sessions = SessionStore(session_ttl)
        self._lock = threading.Lock()  # the jieba pipeline is not re-entrant

    @classmethod
    def load(cls, settings: Settings, *, db: Database | None = None, log=print, progress: Progress | None = None) -> "Engine":  # type: ignore[no-untyped-def]
        """Knowledge from the database (imported from the knowledge dir when empty); models trained if absent.
        progress(done, total) follows the passage encoding of a fresh index (nothing is called when cached)."""
        own = db is None
        db = db or Database(settings.database_url)
        try:
            with db.session() as session:
                kb = load_knowledge_from_db(session)
                if not kb.guides:
                    source, problems = load_knowledge(settings.knowledge_dir)
                    if problems:
                        raise RuntimeError("knowledge base has problems: " + "; ".join(map(str, problems[:5])))
                    import_knowledge(session, kb=source)
                    kb = load_knowledge_from_db(session)
        finally:
            if own:
                db.dispose()
        paths = Paths.of(settings)
        if not (paths.models / "intent" / "params.json").exists():
            log(f"no trained models in {paths.models}; training now")
            train(kb, nlu_file(settings), paths.models, base_encoder=settings.encoder_path, cache_dir=paths.cache, log=log)
        understanding = Understanding.load(kb, paths.models, cache_dir=paths.cache, progress=progress)
        if settings.nlu_backend == "rasa":
            understanding.remote = RasaNLU(settings.rasa_url)
        elif settings.nlu_backend != "embedded":
            raise ValueError(f"ASSISTANT_NLU_BACKEND must be 'embedded' or 'rasa', not {settings.nlu_backend!r}")
        return cls(kb, understanding, session_ttl=settings.session_ttl_seconds)

    def replace(self, kb: Knowledge, understanding: Understanding) -> None:
        """Swap in a new knowledge base and index at once; sessions carry on (used by publishing)."""
        if understanding.remote is None:  # a rebuilt index keeps the configured NLU backend
            understanding.remote = self.understanding.remote
        dialogue = Dialogue(kb, understanding)
        with self._lock:
            self.kb, self.understanding, self.dialogue = kb, understanding, dialogue

    def ask(self, text: str, *, session_id: str | None = None, lang: str | None = None, channel: str = "web") -> Reply:
        session = self.sessions.get(session_id, channel=channel)
        with self._lock:
            return self.dialogue.handle(session, text, lang=lang)
