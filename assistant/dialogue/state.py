"""Per-session conversation state and its in-memory store (expired after inactivity, for privacy).
The server keeps sessions in the database instead (assistant/sessions.py, same interface), so a restart
or another worker continues a conversation; ``to_dict``/``session_from_dict`` are its wire format."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Callable


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
    # a short form under way (booking, case look-up): plain JSON values, e.g. {"kind": "book", "step": "name", ...}
    task: dict[str, Any] | None = None
    history: list[Turn] = field(default_factory=list)
    touched: float = field(default_factory=time.monotonic)
    # this id's earlier conversation expired (idle): the next reply says it started again, once
    restarted: bool = False

    def add(self, role: str, text: str) -> None:
        self.history.append(Turn(role, text))
        del self.history[:-200]  # bounded: a transcript, not an archive


MAX_ID_CHARS = 64
# How long an expired conversation's id is remembered (the id and its language, nothing said), so a visitor
# who comes back after the idle time is told the conversation started again instead of "not found".
GONE_SECONDS = 24 * 3600


def valid_id(session_id: object) -> bool:
    """An id a client may choose: 1..64 printable characters (anything else starts a fresh session)."""
    return isinstance(session_id, str) and 0 < len(session_id) <= MAX_ID_CHARS and session_id.isprintable()


def new_id() -> str:
    return secrets.token_urlsafe(12)


def to_dict(session: Session) -> dict[str, Any]:
    """Every field, generically (fields added later travel too); values are plain JSON."""
    return asdict(session)


def session_from_dict(data: dict[str, Any]) -> Session:
    """The inverse of to_dict; keys this version does not know (written by a newer one) are ignored."""
    known = {f.name for f in fields(Session)}
    kwargs = {k: v for k, v in data.items() if k in known}
    turn_fields = {f.name for f in fields(Turn)}
    kwargs["history"] = [Turn(**{k: v for k, v in t.items() if k in turn_fields}) for t in data.get("history") or [] if isinstance(t, dict)]
    return Session(**kwargs)


class SessionStore:
    """In memory: one process, forgotten on restart (an Engine built without a database uses it)."""

    def __init__(self, ttl_seconds: float = 1800, max_sessions: int = 100_000, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.max_sessions, self.clock = ttl_seconds, max_sessions, clock
        self._sessions: dict[str, Session] = {}
        self._gone: dict[str, tuple[float, str]] = {}  # expired id -> (when, language): nothing else is kept
        self._lock = threading.Lock()

    def get(self, session_id: str | None, *, channel: str = "web") -> Session:
        """The live session with this id, or a new one (an expired or unknown id starts afresh; an
        expired one is marked ``restarted``)."""
        now = self.clock()
        with self._lock:
            self._expire(now)
            session = self._sessions.get(session_id or "")
            if session is None:
                sid = session_id if valid_id(session_id) else new_id()
                gone = self._gone.pop(sid, None)  # type: ignore[arg-type]
                session = Session(id=sid, channel=channel, lang=gone[1] if gone else "zh", restarted=gone is not None)  # type: ignore[arg-type]
                self._sessions[sid] = session  # type: ignore[index]
            session.touched = now
            return session

    def peek(self, session_id: str) -> Session | None:
        """The live session with this id, or None (an expired one is not brought back)."""
        with self._lock:
            self._expire(self.clock())
            return self._sessions.get(session_id)

    def save(self, session: Session) -> None:
        """Keep the session's changes (in memory the object is the state; a dropped one comes back)."""
        with self._lock:
            session.touched = self.clock()
            self._sessions[session.id] = session

    def drop(self, session_id: str) -> None:
        """Ended on purpose: forgotten, and not told as an expiry later."""
        with self._lock:
            self._sessions.pop(session_id, None)
            self._gone.pop(session_id, None)

    def _expire(self, now: float) -> None:
        stale = [k for k, s in self._sessions.items() if now - s.touched > self.ttl and s.ticket is None]
        for key in stale:
            gone = self._sessions.pop(key)
            self._gone[key] = (gone.touched + self.ttl, gone.lang)  # when it expired, not when that was noticed
        while len(self._sessions) > self.max_sessions:
            oldest = min(self._sessions, key=lambda k: self._sessions[k].touched)
            del self._sessions[oldest]
        # dicts keep insertion order, so the oldest expiries come first
        while self._gone and (len(self._gone) > self.max_sessions or now - next(iter(self._gone.values()))[0] > GONE_SECONDS):
            self._gone.pop(next(iter(self._gone)))

    def __len__(self) -> int:
        return len(self._sessions)
