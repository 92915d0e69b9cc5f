"""The one interface to a back office, and what it answers."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Protocol

STATUSES = ("received", "reviewing", "ready", "posted", "rejected")
NUMBER = re.compile(r"^[A-Z]{0,4}[0-9]{6,20}$")
CHECK = re.compile(r"^[0-9]{3}[0-9Xx]$")  # an ID may end in X


@dataclass
class Case:
    number: str
    service_id: str
    status: str  # one of STATUSES
    date: str  # when it last changed, ISO day
    window: str = ""  # where to collect it (ready)
    tracking: str = ""  # the parcel's number (posted)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class CaseUnavailable(RuntimeError):
    """The back office cannot answer now (down, slow, or an answer we cannot read)."""


class CaseSource(Protocol):
    def lookup(self, number: str, check: str) -> Case | None:
        """The case if the number exists and the check value matches; None otherwise (both alike)."""
        ...
