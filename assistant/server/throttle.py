"""Login throttling: exponential backoff per account and per address after repeated wrong passwords,
and a bound on how many argon2 checks run at once (each takes ~64 MB and tens of ms of CPU), so a
flood of wrong logins neither guesses a password nor slows the chat."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

import anyio

T = TypeVar("T")


class Busy(RuntimeError):
    pass


class LoginGuard:
    def __init__(self, *, free_attempts: int = 5, concurrent: int = 2, base_seconds: float = 1.0, cap_seconds: float = 900.0,
                 max_waiting: int = 64, clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self.free, self.base, self.cap, self.clock = free_attempts, base_seconds, cap_seconds, clock
        self.address_free = free_attempts * 20  # a hall's staff may share one address
        self._fails: dict[tuple[str, str], tuple[int, float]] = {}
        self._slots = asyncio.Semaphore(concurrent)
        self._waiting, self._max_waiting = 0, max_waiting

    def _wait(self, key: tuple[str, str], free: int) -> float:
        count, last = self._fails.get(key, (0, 0.0))
        if count < free:
            return 0.0
        return max(0.0, last + min(self.base * 2 ** (count - free), self.cap) - self.clock())

    def retry_after(self, *, account: str, address: str) -> float:
        """Seconds before another attempt for this account from this address is even checked."""
        return max(self._wait(("account", account.lower()), self.free), self._wait(("address", address), self.address_free))

    def failed(self, *, account: str, address: str) -> None:
        now = self.clock()
        for key in (("account", account.lower()), ("address", address)):
            count, _ = self._fails.get(key, (0, 0.0))
            self._fails[key] = (count + 1, now)
        if len(self._fails) > 100_000:  # forget the oldest
            for k in sorted(self._fails, key=lambda k: self._fails[k][1])[:20_000]:
                del self._fails[k]

    def succeeded(self, *, account: str) -> None:
        self._fails.pop(("account", account.lower()), None)

    async def check(self, fn: Callable[[], T]) -> T:
        """Run a password check in a worker thread, at most `concurrent` at once; waiting costs no
        thread, and past `max_waiting` queued checks the login is refused at once (Busy)."""
        if self._waiting >= self._max_waiting:
            raise Busy("too many logins at once; please try again in a moment")
        self._waiting += 1
        try:
            async with self._slots:
                return await anyio.to_thread.run_sync(fn)
        finally:
            self._waiting -= 1
