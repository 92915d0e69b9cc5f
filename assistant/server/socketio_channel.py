"""Rasa-compatible socket.io channel (path /socket.io): session_request -> session_confirm,
user_uttered -> bot_uttered {text, quick_replies}, so the unmodified rasa-webchat widget works.

The session id confirmed is a token (assistant.server.binding): rasa-webchat keeps it and asks for it
again on its next visit; any other id it asks for (made up, a bare id, a phone number) gets a new
conversation. Pages of other sites than ASSISTANT_CORS_ORIGINS cannot connect, and connections and
messages count against the address's budget, shared with REST and the WebSocket.

python-socketio is imported on the first request under /socket.io (SocketIOMount): its package
imports its clients, requests, redis and their telemetry, about half a second of CPU that a server
answering over REST and WebSocket never needs (rasa-webchat connects when its page loads, before the
visitor has typed anything)."""

from __future__ import annotations

import asyncio
from typing import Any

from assistant.server.deps import AppState
from assistant.server.ratelimit import scope_address
from assistant.service import BotReply, Message, Refused, say
from assistant.storage import Unavailable


def quick_replies(reply: BotReply) -> list[dict[str, str]]:
    return [{"content_type": "text", "title": b.title, "payload": b.payload} for b in reply.buttons]


def create_socketio(get_state: Any, *, redis_url: str = "") -> Any:
    import socketio

    # with Redis, socket.io's own emits reach clients held by any worker (staff replies travel by the hub);
    # polling clients need the same worker for one connection: nginx pins /socket.io/ by address (ip_hash)
    manager = socketio.AsyncRedisManager(redis_url) if redis_url else None

    def allowed(origin: str | None, environ: dict[str, Any]) -> bool:  # engine.io asks before any handshake
        return bool(get_state().origins.allows(origin, environ.get("HTTP_HOST")))

    sio = socketio.AsyncServer(async_mode="asgi", cors_allowed_origins=allowed, logger=False, engineio_logger=False, client_manager=manager)
    sessions: dict[str, tuple[str, Any]] = {}  # sid -> (conversation id, sender)
    addresses: dict[str, str] = {}  # sid -> the client's address (limits)

    def bind(sid: str, conversation: str) -> None:
        state: AppState = get_state()
        if sid in sessions:
            state.hub.leave(*sessions[sid])

        async def send(message: dict[str, Any]) -> None:
            if message.get("display"):  # staff replies and ticket updates arrive already worded
                await sio.emit("bot_uttered", {"text": message["display"]}, to=sid)

        sessions[sid] = (conversation, send)
        state.hub.join(conversation, send)

    def conversation_of(wanted: Any) -> str:
        state: AppState = get_state()
        return state.assistant.open_conversation(state.binding.open(wanted))

    @sio.event
    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        state: AppState = get_state()
        address = scope_address(environ.get("asgi.scope") or {}, state.proxies)
        if not state.sockets.allow(address):
            raise socketio.exceptions.ConnectionRefusedError(say("error_too_many", "zh"))
        addresses[sid] = address

    @sio.event
    async def disconnect(sid: str, *args: Any) -> None:
        addresses.pop(sid, None)
        if sid in sessions:
            get_state().hub.leave(*sessions.pop(sid))

    @sio.on("session_request")
    async def session_request(sid: str, data: Any = None) -> None:
        conversation = conversation_of(data.get("session_id") if isinstance(data, dict) else None)
        bind(sid, conversation)
        await sio.emit("session_confirm", {"session_id": get_state().binding.token(conversation)}, to=sid)

    @sio.on("user_uttered")
    async def user_uttered(sid: str, data: Any = None) -> None:
        state: AppState = get_state()
        custom = data.get("customData") if isinstance(data, dict) else None
        lang = custom.get("language") if isinstance(custom, dict) else None
        lang = lang if lang in ("zh", "en") else None
        if not isinstance(data, dict) or not isinstance(data.get("message"), str) or not data["message"].strip():
            await sio.emit("bot_uttered", {"text": say("error_empty", lang or "zh")}, to=sid)
            return
        conversation = sessions.get(sid, (None,))[0]
        if conversation is None:  # no session_request first: the id sent along must be a token too
            conversation = conversation_of(data.get("session_id"))
            bind(sid, conversation)
        address = addresses.get(sid, "unknown")
        if not state.limiter.allow(address):  # the same budget as REST: a new socket is no new budget
            await sio.emit("bot_uttered", {"text": say("error_too_many", lang or state.assistant.language(conversation))}, to=sid)
            return
        incoming = Message(text=data["message"][:500], session_id=conversation, lang=lang, channel="web", client=address)
        try:
            reply = await asyncio.to_thread(state.assistant.handle, incoming)
        except (Unavailable, Refused) as exc:  # the database is down and this message needed it, or too many tickets
            await sio.emit("bot_uttered", {"text": str(exc)}, to=sid)
            return
        if reply.silent:
            return
        message: dict[str, Any] = {"text": reply.answer}
        if reply.buttons:
            message["quick_replies"] = quick_replies(reply)
        await sio.emit("bot_uttered", message, to=sid)

    return sio


class SocketIOMount:
    """The ASGI app: /socket.io/... to the socket.io server (built on first use), the rest, lifespan
    included, to ``other_asgi_app``."""

    PATH = "/socket.io"

    def __init__(self, other_asgi_app: Any, get_state: Any, *, redis_url: str = "") -> None:
        self.other_asgi_app = other_asgi_app
        self._get_state, self._redis_url = get_state, redis_url
        self._sio_app: Any = None

    def socketio_app(self) -> Any:
        if self._sio_app is None:  # the event loop's thread only: no lock needed
            import socketio

            sio = create_socketio(self._get_state, redis_url=self._redis_url)
            self._sio_app = socketio.ASGIApp(sio, other_asgi_app=self.other_asgi_app, socketio_path="socket.io")
        return self._sio_app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        path = scope.get("path", "") if scope["type"] in ("http", "websocket") else ""
        if path == self.PATH or path.startswith(self.PATH + "/"):
            await self.socketio_app()(scope, receive, send)
        else:
            await self.other_asgi_app(scope, receive, send)
