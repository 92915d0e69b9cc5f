"""The engine: knowledge + understanding + dialogue + sessions, loaded once and shared by every channel."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.db import Database
from assistant.dialogue.manager import Dialogue, Reply
from assistant.dialogue.state import Session, SessionStore
from assistant.kb.source import Knowledge, load_knowledge
from assistant.kb.store import import_knowledge, load_knowledge_from_db
from assistant.sessions import DatabaseSessionStore
from assistant.understanding.pipeline import Understanding, train_whole
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
    def __init__(self, kb: Knowledge, understanding: Understanding, *, session_ttl: float = 1800, sessions: Any = None) -> None:
        self.kb = kb
        self.understanding = understanding
        self.dialogue = Dialogue(kb, understanding)
        # SessionStore (memory) or DatabaseSessionStore: get / peek / save / drop
        self.sessions = sessions if sessions is not None else SessionStore(session_ttl)
        # The pipeline is re-entrant (benchmarks/reentrancy.py: the same answers from 8 threads as from one),
        # so requests of different sessions run at once; a stripe of locks keeps two messages of one
        # session (a double tap) from interleaving their read-answer-write. _swap guards replace().
        self._stripes = [threading.Lock() for _ in range(64)]
        self._swap = threading.Lock()

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
        except BaseException:
            if own:
                db.dispose()
            raise
        if settings.session_store == "database":  # the default: a restart or another worker continues the conversation
            sessions: Any = DatabaseSessionStore(db, settings.session_ttl_seconds)
        elif settings.session_store == "memory":
            sessions = SessionStore(settings.session_ttl_seconds)
            if own:
                db.dispose()
        else:
            raise ValueError(f"ASSISTANT_SESSION_STORE must be 'database' or 'memory', not {settings.session_store!r}")
        paths = Paths.of(settings)
        if not all((paths.models / part).exists() for part in ("intent/params.json", "encoder/modules.json")):
            log(f"no trained models in {paths.models}; training now")
            train_whole(kb, nlu_file(settings), paths.models, base_encoder=settings.encoder_path, cache_dir=paths.cache, log=log)
        understanding = Understanding.load(kb, paths.models, cache_dir=paths.cache, progress=progress)
        if settings.nlu_backend == "rasa":
            understanding.remote = RasaNLU(settings.rasa_url)
        elif settings.nlu_backend != "embedded":
            raise ValueError(f"ASSISTANT_NLU_BACKEND must be 'embedded' or 'rasa', not {settings.nlu_backend!r}")
        return cls(kb, understanding, session_ttl=settings.session_ttl_seconds, sessions=sessions)

    def replace(self, kb: Knowledge, understanding: Understanding) -> None:
        """Swap in a new knowledge base and index at once; sessions carry on (used by publishing)."""
        if understanding.remote is None:  # a rebuilt index keeps the configured NLU backend
            understanding.remote = self.understanding.remote
        dialogue = Dialogue(kb, understanding)
        with self._swap:
            self.kb, self.understanding, self.dialogue = kb, understanding, dialogue

    def ask(
        self, text: str, *, session_id: str | None = None, lang: str | None = None, channel: str = "web", session: Session | None = None
    ) -> Reply:
        """Answer within a session: read once (or the caller's ``session``), answered, written once."""
        session = session or self.sessions.get(session_id, channel=channel)
        dialogue = self.dialogue  # one knowledge base for the whole answer, even if replace() runs meanwhile
        with self._stripes[hash(session.id) % len(self._stripes)]:
            reply = dialogue.handle(session, text, lang=lang)
            self.sessions.save(session)
        return reply
