"""Emptying a PostgreSQL database kept for tests or benchmarks: its public schema dropped and made again."""

from __future__ import annotations

from sqlalchemy import create_engine, text


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
