"""Per-session conversation state, kept in memory and expired after inactivity (privacy)."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Turn:
    role: str  # user | bot | staff | system
    text: str  # already masked
    at: float = field(default_factory=time.time)


@dataclass
class Session:
    id: str
    lang: str = "zh"
    channel: str = "web"
    last_service: str | None = None
    pending_choices: list[str] = field(default_factory=list)
    pending_intent: str | None = None
    failures: int = 0
    situations: list[str] = field(default_factory=list)  # stated for the checklist: agent, minor, nonlocal ...
    ticket: str | None = None  # open handoff ticket number: the bot stays silent
    history: list[Turn] = field(default_factory=list)
    touched: float = field(default_factory=time.monotonic)

    def add(self, role: str, text: str) -> None:
        self.history.append(Turn(role, text))
        del self.history[:-200]  # bounded: a transcript, not an archive


class SessionStore:
    def __init__(self, ttl_seconds: float = 1800, max_sessions: int = 100_000) -> None:
        self.ttl, self.max_sessions = ttl_seconds, max_sessions
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def get(self, session_id: str | None, *, channel: str = "web") -> Session:
        """The live session with this id, or a new one (an expired or unknown id starts afresh)."""
        now = time.monotonic()
        with self._lock:
            self._expire(now)
            session = self._sessions.get(session_id or "")
            if session is None:
                sid = session_id if session_id and len(session_id) <= 64 else secrets.token_urlsafe(12)
                session = self._sessions[sid] = Session(id=sid, channel=channel)
            session.touched = now
            return session

    def peek(self, session_id: str) -> Session | None:
        with self._lock:
            return self._sessions.get(session_id)

    def drop(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)

    def _expire(self, now: float) -> None:
        stale = [k for k, s in self._sessions.items() if now - s.touched > self.ttl and s.ticket is None]
        for key in stale:
            del self._sessions[key]
        while len(self._sessions) > self.max_sessions:
            oldest = min(self._sessions, key=lambda k: self._sessions[k].touched)
            del self._sessions[oldest]

    def __len__(self) -> int:
        return len(self._sessions)
