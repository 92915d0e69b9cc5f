"""ASGI middleware at the one entry: body size limit, no control characters in the address, security
headers on every response. Pure ASGI, so a refused request never reaches parsing."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UPLOAD_PREFIX = "/api/v1/admin/"  # curators upload sheets and knowledge files (checked again per route)
CONSOLES = ("/staff", "/curator")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'")  # fmt: skip
DOCS = ("/docs", "/redoc")  # Swagger UI needs its inline script; on only where docs are enabled


async def _json(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"x-content-type-options", b"nosniff")]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """413 for a body over the limit, whether announced (Content-Length) or streamed (chunked)."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, max_upload_bytes: int) -> None:
        self.app, self.max, self.max_upload = app, max_bytes, max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if _CONTROL.search(scope.get("path", "")) or _CONTROL.search(unquote(scope.get("query_string", b"").decode("latin-1"))):
            return await _json(send, 400, "control characters are not allowed in the address")
        limit = self.max_upload if scope.get("path", "").startswith(UPLOAD_PREFIX) else self.max
        message = f"request body too large (limit {limit // 1024} KB)"
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None:
            if not length.isdigit() or int(length) > limit:
                return await _json(send, 413, message)
            return await self.app(scope, receive, send)
        # no length given: read it here, up to the limit, then hand the app what was read
        chunks, size = [], 0
        while True:
            event = await receive()
            if event["type"] != "http.request":
                return
            chunks.append(event.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                return await _json(send, 413, message)
            if not event.get("more_body"):
                break
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class SecurityHeaders:
    """nosniff everywhere; a CSP without inline scripts on HTML; the consoles may not be framed
    (the widget is a script other sites include, so embedding it needs no framing)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")

        async def with_headers(event: dict[str, Any]) -> None:
            if event["type"] == "http.response.start":
                headers = list(event.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]
                html = any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)
                if html and not path.startswith(DOCS):
                    console = any(path == c or path.startswith(c + "/") for c in CONSOLES)
                    csp = CSP + ("; frame-ancestors 'none'" if console else "")
                    extra.append((b"content-security-policy", csp.encode()))
                    if console:
                        extra.append((b"x-frame-options", b"DENY"))
                headers += [(k, v) for k, v in extra if k not in names]
                event = {**event, "headers": headers}
            await send(event)

        await self.app(scope, receive, with_headers)
