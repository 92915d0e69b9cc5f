"""Live connections per conversation: WebSockets and socket.io clients get staff replies in real time.

One process: the hub holds the connections and delivers directly. With Redis (ASSISTANT_REDIS_URL) every
message is published on one channel and each worker delivers to the connections it holds, so a staff
member served by one worker reaches a visitor connected to another. Redis unreachable: the hub says so
(``redis_ok``, shown by /readyz) and delivers in this process only until Redis answers again."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
from collections import defaultdict
from typing import Any, Awaitable, Callable

Sender = Callable[[dict[str, Any]], Awaitable[None]]
CHANNEL = "assistant:live"
log = logging.getLogger("assistant.hub")


class Hub:
    def __init__(self, redis_url: str = "") -> None:
        self._senders: dict[str, set[Sender]] = defaultdict(set)
        self.redis_url = redis_url
        self.worker = f"{os.getpid()}-{secrets.token_hex(3)}"
        self._redis: Any = None
        self._listener: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()
        self.redis_ok = False

    # --- lifecycle (the app's lifespan) ---------------------------------------------------------------

    async def start(self) -> None:
        if not self.redis_url:
            return
        import redis.asyncio as aioredis

        self._redis = aioredis.from_url(self.redis_url, socket_connect_timeout=1, socket_timeout=None, health_check_interval=10)
        self._listener = asyncio.create_task(self._listen())
        try:
            await asyncio.wait_for(self._subscribed.wait(), 2)
        except asyncio.TimeoutError:
            log.warning("Redis %s unreachable: live messages reach this process's connections only", _safe(self.redis_url))

    async def stop(self) -> None:
        if self._listener:
            self._listener.cancel()
            await asyncio.gather(self._listener, return_exceptions=True)
        if self._redis is not None:
            await self._redis.aclose()

    async def _listen(self) -> None:
        """Subscribe and deliver; on a lost connection, retry every second (degraded meanwhile)."""
        while True:
            try:
                pubsub = self._redis.pubsub()
                await pubsub.subscribe(CHANNEL)
                self.redis_ok = True
                self._subscribed.set()
                async for item in pubsub.listen():
                    if item.get("type") != "message":
                        continue
                    try:
                        envelope = json.loads(item["data"])
                        await self._deliver(str(envelope["session"]), envelope["message"])
                    except (ValueError, KeyError, TypeError):
                        log.warning("ignored a malformed live message")
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis went away: deliver locally until it is back
                if self.redis_ok:
                    log.warning("Redis lost (%s): live messages per process until it is back", type(exc).__name__)
                self.redis_ok = False
                await asyncio.sleep(1)

    # --- connections ------------------------------------------------------------------------------------

    def join(self, session_id: str, send: Sender) -> None:
        self._senders[session_id].add(send)

    def leave(self, session_id: str, send: Sender) -> None:
        self._senders[session_id].discard(send)
        if not self._senders[session_id]:
            self._senders.pop(session_id, None)

    async def publish(self, session_id: str, message: dict[str, Any]) -> int:
        """Send to every live connection of the conversation, in every worker. Returns how many
        received it here, or, through Redis, how many workers were listening (each delivers its own)."""
        if self._redis is not None and self.redis_ok:
            try:
                return int(await self._redis.publish(CHANNEL, json.dumps({"session": session_id, "message": message}, ensure_ascii=False)))
            except Exception as exc:
                log.warning("Redis publish failed (%s): delivering in this process only", type(exc).__name__)
                self.redis_ok = False
        return await self._deliver(session_id, message)

    async def _deliver(self, session_id: str, message: dict[str, Any]) -> int:
        senders = list(self._senders.get(session_id, ()))
        results = await asyncio.gather(*(send(message) for send in senders), return_exceptions=True)
        for send, result in zip(senders, results):
            if isinstance(result, Exception):
                self.leave(session_id, send)
        return sum(1 for r in results if not isinstance(r, Exception))

    def connected(self, session_id: str) -> bool:
        return bool(self._senders.get(session_id))


def _safe(url: str) -> str:
    """A Redis URL without its password, for logs."""
    if "@" in url:
        scheme, _, rest = url.partition("://")
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url
