"""A real back office over HTTP. Its URL, timeout and field names are configuration: the adapter
maps its JSON onto ``Case``; anything it cannot read, or a slow or failing office, is ``CaseUnavailable``."""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any
from urllib.parse import quote

import httpx

from assistant.cases.source import STATUSES, Case, CaseUnavailable

log = logging.getLogger("assistant.cases")
FIELDS = ("number", "service_id", "status", "date", "window", "tracking", "check")


class HttpSource:
    """``url`` holds {number} and {check}; ``fields`` maps our field names to the office's (JSON)."""

    def __init__(self, url: str, *, timeout: float = 5.0, fields: str | dict[str, str] = "", statuses: dict[str, str] | None = None) -> None:
        self.url, self.timeout = url, timeout
        mapping = json.loads(fields) if isinstance(fields, str) and fields.strip() else (fields or {})
        self.fields = {f: str(mapping.get(f, f)) for f in FIELDS}
        self.statuses = statuses or {}

    def lookup(self, number: str, check: str) -> Case | None:
        url = self.url.format(number=quote(number, safe=""), check=quote(check, safe=""))
        try:
            response = httpx.get(url, timeout=self.timeout, follow_redirects=False)
        except httpx.HTTPError as exc:
            log.warning("case back office unreachable: %s", type(exc).__name__)
            raise CaseUnavailable(type(exc).__name__) from None
        if response.status_code in (403, 404):
            return None
        if response.status_code != 200:
            log.warning("case back office answered %s", response.status_code)
            raise CaseUnavailable(f"status {response.status_code}")
        try:
            data = response.json()
            return self._case(data, number, check)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("case back office answer unreadable: %s", exc)
            raise CaseUnavailable("unreadable") from None

    def _case(self, data: Any, number: str, check: str) -> Case | None:
        def get(name: str, default: str | None = None) -> str:
            value = data.get(self.fields[name], default)
            if value is None:
                raise KeyError(name)
            return str(value)

        if not isinstance(data, dict):
            raise TypeError("not an object")
        if not data:
            return None
        held = data.get(self.fields["check"])  # an office that returns the check value: compare it here too
        if held is not None and not hmac.compare_digest(str(held).upper(), check.upper()):
            return None
        status = self.statuses.get(get("status"), get("status"))
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        return Case(get("number", number), get("service_id", ""), status, get("date")[:10], get("window", ""), get("tracking", ""))
