"""Live connections per conversation: WebSockets and socket.io clients get staff replies in real time."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any, Awaitable, Callable

Sender = Callable[[dict[str, Any]], Awaitable[None]]


class Hub:
    def __init__(self) -> None:
        self._senders: dict[str, set[Sender]] = defaultdict(set)

    def join(self, session_id: str, send: Sender) -> None:
        self._senders[session_id].add(send)

    def leave(self, session_id: str, send: Sender) -> None:
        self._senders[session_id].discard(send)
        if not self._senders[session_id]:
            self._senders.pop(session_id, None)

    async def publish(self, session_id: str, message: dict[str, Any]) -> int:
        """Send to every live connection of the conversation; returns how many received it."""
        senders = list(self._senders.get(session_id, ()))
        results = await asyncio.gather(*(send(message) for send in senders), return_exceptions=True)
        for send, result in zip(senders, results):
            if isinstance(result, Exception):
                self.leave(session_id, send)
        return sum(1 for r in results if not isinstance(r, Exception))

    def connected(self, session_id: str) -> bool:
        return bool(self._senders.get(session_id))
