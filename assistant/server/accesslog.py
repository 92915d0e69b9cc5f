"""The access log keeps method, path and status, never a query string: `GET /api/v1/search?q=...`
carries what the visitor typed (ID and phone numbers included)."""

from __future__ import annotations

import logging

ACCESS_LOGGER = "uvicorn.access"


class DropQueryString(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # uvicorn logs '%s - "%s %s HTTP/%s" %d' with (client, method, path with query, version, status)
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0] + "?…", *args[3:])
        elif isinstance(record.msg, str) and "?" in record.msg and not args:
            record.msg = record.msg.split("?", 1)[0] + "?…"
        return True


def install() -> None:
    """Idempotent: one filter on uvicorn's access logger (kept when uvicorn applies its log config)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, DropQueryString) for f in logger.filters):
        logger.addFilter(DropQueryString())
