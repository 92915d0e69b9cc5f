"""Where answers come from: the assistant server over HTTP, or the engine embedded in this process.

Both backends have the same methods and return the plain dicts of the public API (`/api/v1/...`).
``FallbackBackend`` uses the server and, when it cannot be reached, switches to the embedded engine
(loaded on first need) and raises ``offline`` so the kiosk shows a banner. The kiosk decides nothing
itself: answers, materials, handoff and tickets all come from here.
"""

from __future__ import annotations

import io
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Protocol

if TYPE_CHECKING:
    import httpx

Json = dict[str, Any]
CHANNEL = "kiosk"


class BackendError(Exception):
    """The backend answered, but with an error (bad request, not found, conflict)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class Unavailable(BackendError):
    """The backend cannot be reached (connection refused, timeout, 5xx)."""


class Backend(Protocol):
    offline: bool

    def ask(self, text: str, *, session_id: str | None = None, lang: str | None = None) -> Json: ...
    def handoff(self, *, session_id: str | None = None, lang: str | None = None) -> Json: ...
    def rate(self, *, session_id: str, score: int, message_id: str | None = None, ticket_number: str | None = None, comment: str | None = None) -> Json: ...
    def guides(self, *, category: str | None = None, life_event: str | None = None) -> list[Json]: ...
    def guide(self, guide_id: str) -> Json: ...
    def categories(self) -> list[Json]: ...
    def life_events(self) -> list[Json]: ...
    def warm(self) -> None: ...


def _omit_none(**kw: Any) -> Json:
    return {k: v for k, v in kw.items() if v is not None}


class HttpBackend:
    offline = False

    def __init__(self, url: str, *, timeout: float = 8.0, transport: httpx.BaseTransport | None = None) -> None:
        import httpx  # here: the embedded kiosk never needs it

        self.url = url.rstrip("/")
        self.client = httpx.Client(base_url=self.url, timeout=timeout, transport=transport)

    def _call(self, method: str, path: str, **kw: Any) -> Any:
        import httpx

        try:
            r = self.client.request(method, path, **kw)
        except httpx.TransportError as exc:
            raise Unavailable(f"{self.url} unreachable: {exc.__class__.__name__}") from exc
        if r.status_code >= 500:
            raise Unavailable(f"{self.url}{path}: HTTP {r.status_code}", r.status_code)
        if r.status_code >= 400:
            raise BackendError(f"{path}: HTTP {r.status_code}: {r.text[:200]}", r.status_code)
        return r.content if r.headers.get("content-type", "").startswith("image/") else r.json()

    def health(self, timeout: float = 1.5) -> bool:
        import httpx

        try:
            return self.client.get("/healthz", timeout=timeout).status_code == 200
        except httpx.HTTPError:
            return False

    def warm(self) -> None:
        pass

    def ask(self, text: str, *, session_id: str | None = None, lang: str | None = None) -> Json:
        return self._call("POST", "/api/v1/chat", json=_omit_none(text=text, session_id=session_id, lang=lang, channel=CHANNEL))

    def handoff(self, *, session_id: str | None = None, lang: str | None = None) -> Json:
        return self._call("POST", "/api/v1/handoff", json=_omit_none(session_id=session_id, lang=lang, channel=CHANNEL))

    def rate(self, *, session_id: str, score: int, message_id: str | None = None, ticket_number: str | None = None, comment: str | None = None) -> Json:
        body = _omit_none(session_id=session_id, score=score, message_id=message_id, ticket_number=ticket_number, comment=comment)
        return self._call("POST", "/api/v1/ratings", json={**body, "channel": CHANNEL})

    def guides(self, *, category: str | None = None, life_event: str | None = None) -> list[Json]:
        return self._call("GET", "/api/v1/guides", params=_omit_none(category=category, life_event=life_event))

    def guide(self, guide_id: str) -> Json:
        return self._call("GET", f"/api/v1/guides/{guide_id}")

    def categories(self) -> list[Json]:
        return self._call("GET", "/api/v1/categories")

    def life_events(self) -> list[Json]:
        return self._call("GET", "/api/v1/life-events")

    def close(self) -> None:
        self.client.close()


class EmbeddedBackend:
    """The one entry (``assistant.service.Assistant``) in this process, over the local database (loaded on
    first use when given a loader). ``staffed`` says whether window staff serve that database: an offline
    kiosk's is not, and the service then tells the person plainly to go to the front desk."""

    offline = False

    def __init__(self, assistant: Any = None, *, loader: Callable[[], Any] | None = None) -> None:
        if assistant is None and loader is None:
            raise ValueError("give an assistant or a loader")
        self._assistant, self._loader = assistant, loader
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, data_dir: str = "", *, staffed: bool = False) -> "EmbeddedBackend":
        def load() -> Any:
            from assistant.config import Settings, get_settings
            from assistant.service import open_assistant

            settings = Settings(data_dir=data_dir) if data_dir else get_settings()
            return open_assistant(settings, staffed=staffed, log=lambda _m: None)

        return cls(loader=load)

    @property
    def assistant(self) -> Any:
        with self._lock:
            if self._assistant is None:
                assert self._loader is not None
                self._assistant = self._loader()
            return self._assistant

    @property
    def engine(self) -> Any:
        return self.assistant.engine

    def warm(self) -> None:
        _ = self.assistant

    def ask(self, text: str, *, session_id: str | None = None, lang: str | None = None) -> Json:
        text = text.strip()[:500]
        if not text:
            raise BackendError("empty question", 422)
        return self.assistant.ask(text, session_id=session_id, lang=lang, channel=CHANNEL).model_dump(mode="json")

    def handoff(self, *, session_id: str | None = None, lang: str | None = None) -> Json:
        return self.assistant.request_handoff(session_id=session_id, lang=lang, channel=CHANNEL).model_dump(mode="json")

    def rate(self, *, session_id: str, score: int, message_id: str | None = None, ticket_number: str | None = None, comment: str | None = None) -> Json:
        from assistant.handoff.service import Conflict, NotFound

        if not 1 <= score <= 5:
            raise BackendError("score must be 1-5", 422)
        if (message_id is None) == (ticket_number is None):
            raise BackendError("give either message_id or ticket_number", 422)
        try:
            return self.assistant.rate(
                session_id=session_id, score=score, comment=comment, channel=CHANNEL, message_id=message_id, ticket_number=ticket_number,
            )  # fmt: skip
        except NotFound as exc:
            raise BackendError(str(exc), 404) from None
        except Conflict as exc:
            raise BackendError(str(exc), 409) from None

    def guides(self, *, category: str | None = None, life_event: str | None = None) -> list[Json]:
        from assistant.kb.public import guide_summary

        found = self.engine.kb.guides.values()
        return [guide_summary(g) for g in found if (category is None or g.category == category) and (life_event is None or life_event in g.life_events)]

    def _guide(self, guide_id: str) -> Any:
        guide = self.engine.kb.guides.get(guide_id)
        if guide is None:
            raise BackendError(f"no guide with id '{guide_id[:80]}'", 404)
        return guide

    def guide(self, guide_id: str) -> Json:
        from assistant.kb.public import public_guide

        return public_guide(self._guide(guide_id))

    def categories(self) -> list[Json]:
        kb = self.engine.kb
        return [{**c.model_dump(), "count": sum(1 for g in kb.guides.values() if g.category == c.id)} for c in kb.categories.values()]

    def life_events(self) -> list[Json]:
        return [e.model_dump(mode="json", exclude_none=True) for e in self.engine.kb.life_events.values()]


def qr_png(url: str, scale: int = 8) -> bytes:
    import segno

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()


class FallbackBackend:
    """The server first; on ``Unavailable`` the embedded engine answers and ``offline`` is set. While
    offline, the server is tried again every ``retry_seconds`` (a cheap /healthz) and used when back."""

    def __init__(self, primary: HttpBackend, fallback: EmbeddedBackend, *, retry_seconds: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.primary, self.fallback = primary, fallback
        self.retry_seconds, self.clock = retry_seconds, clock
        self.offline = False
        self.switches = 0
        self._since = 0.0

    def _current(self) -> Any:
        if self.offline and self.clock() - self._since >= self.retry_seconds:
            self._since = self.clock()
            if self.primary.health():
                self.offline = False
        return self.fallback if self.offline else self.primary

    def _do(self, name: str, *args: Any, **kw: Any) -> Any:
        backend = self._current()
        try:
            return getattr(backend, name)(*args, **kw)
        except Unavailable:
            if backend is self.fallback:
                raise
            self.offline, self._since = True, self.clock()
            self.switches += 1
            return getattr(self.fallback, name)(*args, **kw)

    def warm(self) -> None:
        if not self.primary.health():
            self.offline, self._since = True, self.clock()
            self.fallback.warm()

    def ask(self, text: str, **kw: Any) -> Json:
        return self._do("ask", text, **kw)

    def handoff(self, **kw: Any) -> Json:
        return self._do("handoff", **kw)

    def rate(self, **kw: Any) -> Json:
        return self._do("rate", **kw)

    def guides(self, **kw: Any) -> list[Json]:
        return self._do("guides", **kw)

    def guide(self, guide_id: str) -> Json:
        return self._do("guide", guide_id)

    def categories(self) -> list[Json]:
        return self._do("categories")

    def life_events(self) -> list[Json]:
        return self._do("life_events")


def make_backend(server_url: str = "", *, data_dir: str = "", timeout: float = 8.0, retry_seconds: float = 30.0) -> Backend:
    """A server URL: the server with the embedded engine as fallback; none: the embedded engine."""
    if not server_url:
        return EmbeddedBackend.from_settings(data_dir)
    embedded = EmbeddedBackend.from_settings(data_dir)  # offline: no window staff see its tickets
    return FallbackBackend(HttpBackend(server_url, timeout=timeout), embedded, retry_seconds=retry_seconds)
