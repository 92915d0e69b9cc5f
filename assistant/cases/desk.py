"""Looking a case up for a visitor: bounded guessing, masked logging, one answer for every miss."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from assistant.cases.source import CHECK, NUMBER, Case, CaseSource, CaseUnavailable

log = logging.getLogger("assistant.cases")


@dataclass
class Lookup:
    outcome: str  # found | not_found | unavailable | too_many | bad_input
    case: Case | None = None


def clean_number(raw: object) -> str | None:
    number = raw.strip().upper() if isinstance(raw, str) else ""
    return number if NUMBER.match(number) else None


def clean_check(raw: object) -> str | None:
    check = raw.strip().upper() if isinstance(raw, str) else ""
    return check if CHECK.match(check) else None


def masked(number: str) -> str:
    return number[:4] + "*" * max(0, len(number) - 7) + number[-3:] if len(number) > 7 else "***"


class _HourWindow:
    """Events per key in the last hour, in memory and bounded."""

    def __init__(self) -> None:
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def count(self, key: str) -> int:
        with self._lock:
            return len(self._fresh(key, time.monotonic()))

    def add(self, key: str) -> None:
        with self._lock:
            self._fresh(key, time.monotonic()).append(time.monotonic())
            if len(self._seen) > 100_000:  # bounded memory: forget the oldest key
                self._seen.pop(next(iter(self._seen)))

    def _fresh(self, key: str, now: float) -> deque[float]:
        seen = self._seen.setdefault(key, deque())
        while seen and now - seen[0] > 3600:
            seen.popleft()
        return seen


class CaseDesk:
    """Guessing is bounded twice: look-ups per client (a session in the conversation, an address over
    HTTP), and misses per case number whoever asks, so starting new sessions or changing address does not
    give more guesses at one case's check value. A wrong number counts like a wrong check."""

    def __init__(self, source: CaseSource, *, attempts_per_hour: int = 10) -> None:
        self.source, self.limit = source, attempts_per_hour
        self._clients, self._misses = _HourWindow(), _HourWindow()

    def lookup(self, client: str, number: Any, check: Any) -> Lookup:
        n, c = clean_number(number), clean_check(check)
        if n is None or c is None:
            return Lookup("bad_input")
        if self._clients.count(client) >= self.limit or self._misses.count(n) >= self.limit:
            log.info("case look-up refused (too many) number=%s", masked(n))
            return Lookup("too_many")
        self._clients.add(client)
        try:
            case = self.source.lookup(n, c)
        except CaseUnavailable:
            log.info("case look-up unavailable number=%s", masked(n))
            return Lookup("unavailable")
        except Exception:  # a back office adapter must never show a visitor a stack trace
            log.exception("case source failed")
            return Lookup("unavailable")
        log.info("case look-up number=%s check=**** %s", masked(n), "found" if case else "no match")
        if case is None:
            self._misses.add(n)  # the same for a number that does not exist: refusing says nothing of it
        return Lookup("found", case) if case else Lookup("not_found")


def open_case_desk(settings: Any, db: Any) -> CaseDesk:
    """The source the settings choose: the demo table (filled from knowledge/) or the HTTP back office."""
    if settings.case_source == "http":
        from assistant.cases.http import HttpSource

        source: CaseSource = HttpSource(settings.case_http_url, timeout=settings.case_http_timeout, fields=settings.case_http_fields)
    else:
        from assistant.cases.demo import DemoSource, import_csv

        import_csv(db, settings.knowledge_dir / "sample_cases.csv")
        source = DemoSource(db)
    return CaseDesk(source, attempts_per_hour=settings.case_attempts_per_hour)
