"""A demo back office: the sample_cases table, filled once from a CSV of clearly sample cases."""

from __future__ import annotations

import csv
import hmac
from pathlib import Path

from sqlalchemy import func, select

from assistant.cases.models import SampleCaseRow
from assistant.cases.source import STATUSES, Case
from assistant.db import Database

COLUMNS = ("number", "service_id", "check", "status", "updated", "window", "tracking")


def import_csv(db: Database, path: Path) -> int:
    """Fill the table from the CSV when it is empty (lines starting with # are comments)."""
    with db.session() as s:
        if s.scalar(select(func.count()).select_from(SampleCaseRow)):
            return 0
        if not path.exists():
            return 0
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
        count = 0
        for row in csv.DictReader(lines):
            if row.get("status") not in STATUSES:
                raise ValueError(f"{path}: case {row.get('number')}: unknown status {row.get('status')!r}")
            s.add(SampleCaseRow(**{k: (row.get(k) or "").strip() for k in COLUMNS}))
            count += 1
        return count


class DemoSource:
    def __init__(self, db: Database) -> None:
        self.db = db

    def lookup(self, number: str, check: str) -> Case | None:
        with self.db.session() as s:
            row = s.get(SampleCaseRow, number)
            if row is None or not hmac.compare_digest(row.check.upper(), check.upper()):
                return None
            return Case(row.number, row.service_id, row.status, row.updated, row.window, row.tracking)
