"""A sqlite file of values by key, for the caches kept by content (vectors.sqlite, lexical.sqlite):
WAL, so threads and processes share it; reads in chunks under sqlite's limit on bound parameters."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Iterable

CHUNK = 900  # sqlite's limit on bound parameters is 999 in older builds


class KeyValueFile:
    """``table`` (key TEXT PRIMARY KEY, ``column`` of ``kind``) in the file at ``path``."""

    def __init__(self, path: Path, table: str, column: str, kind: str) -> None:
        self.path, self.table, self.column = path, table, column
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con, con:
            con.execute(f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, {column} {kind} NOT NULL)")

    def _connect(self) -> "closing[sqlite3.Connection]":
        con = sqlite3.connect(self.path, timeout=30)
        con.execute("PRAGMA journal_mode=WAL")
        return closing(con)

    def get(self, keys: list[str]) -> dict[str, bytes | str]:
        found: dict[str, bytes | str] = {}
        with self._connect() as con:
            for start in range(0, len(keys), CHUNK):
                chunk = keys[start : start + CHUNK]
                rows = con.execute(f"SELECT key, {self.column} FROM {self.table} WHERE key IN ({','.join('?' * len(chunk))})", chunk)
                found.update(rows.fetchall())
        return found

    def put(self, items: Iterable[tuple[str, bytes | str]]) -> None:
        with self._connect() as con, con:  # one transaction: a batch is kept whole or not at all
            con.executemany(f"INSERT OR REPLACE INTO {self.table} VALUES (?, ?)", list(items))

    def __len__(self) -> int:
        with self._connect() as con:
            return int(con.execute(f"SELECT count(*) FROM {self.table}").fetchone()[0])
