"""Analytics over the masked question log, tickets and ratings."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.handoff.models import TicketRow
from assistant.records.models import ChatLogRow, RatingRow

UNANSWERED = ("no_match", "out_of_scope", "clarify")
HALL_TZ = ZoneInfo("Asia/Shanghai")  # days and busiest hours as the hall lives them, not UTC


def summary(db: Session) -> dict[str, Any]:
    logs = list(db.execute(select(ChatLogRow.at, ChatLogRow.channel, ChatLogRow.service_id, ChatLogRow.kind, ChatLogRow.intent)))
    per_day: Counter[str] = Counter()
    per_channel: Counter[str] = Counter()
    services: Counter[str] = Counter()
    hours: Counter[int] = Counter()
    unanswered = 0
    for at, channel, service, kind, intent in logs:
        at = (at if at.tzinfo else at.replace(tzinfo=ZoneInfo("UTC"))).astimezone(HALL_TZ)
        per_day[at.date().isoformat()] += 1
        per_channel[channel] += 1
        hours[at.hour] += 1
        if service:
            services[service] += 1
        if kind in UNANSWERED:
            unanswered += 1
    ratings: dict[str, list[int]] = defaultdict(list)
    for service, score in db.execute(select(RatingRow.service_id, RatingRow.score)):
        ratings[service or "(none)"].append(score)
    tickets = list(db.execute(select(TicketRow.status, TicketRow.reason)))
    return {
        "questions": len(logs),
        "per_day": dict(sorted(per_day.items())),
        "per_channel": dict(per_channel.most_common()),
        "top_services": dict(services.most_common(10)),
        "unanswered_rate": round(unanswered / len(logs), 4) if logs else 0.0,
        "handoffs": len(tickets),
        "handoffs_open": sum(1 for s, _ in tickets if s != "closed"),
        "average_rating": {k: round(sum(v) / len(v), 2) for k, v in sorted(ratings.items())},
        "busiest_hours": {h: hours[h] for h in sorted(hours)},
    }


def rows_for_csv(data: dict[str, Any]) -> list[list[Any]]:
    out: list[list[Any]] = [["metric", "key", "value"]]
    for metric in ("questions", "unanswered_rate", "handoffs", "handoffs_open"):
        out.append([metric, "", data[metric]])
    for metric in ("per_day", "per_channel", "top_services", "average_rating", "busiest_hours"):
        out += [[metric, k, v] for k, v in data[metric].items()]
    return out
