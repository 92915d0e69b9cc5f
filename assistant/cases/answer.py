"""A case's status told to a visitor: the same sentence for the API and the conversation."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from assistant.cases.desk import Lookup
from assistant.cases.source import Case
from assistant.dialogue.words import say

STATUS_CODES = {"found": 200, "not_found": 404, "unavailable": 503, "too_many": 429, "bad_input": 422}


@dataclass
class CaseAnswer:
    outcome: str
    text: str
    number: str | None = None
    service_id: str | None = None
    status: str | None = None
    status_label: str | None = None
    date: str | None = None
    next_step: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def answer(lookup: Lookup, lang: str, service_name: Any = None) -> CaseAnswer:
    """``service_name``: service id -> its name in ``lang`` (or None)."""
    case: Case | None = lookup.case
    if case is None:
        return CaseAnswer(lookup.outcome, say(f"case_{lookup.outcome}", lang))
    status = say(f"case_status_{case.status}", lang)
    nxt = say(f"case_next_{case.status}", lang, window=case.window or "—", tracking=case.tracking or "—")
    service = (service_name(case.service_id) if service_name else None) or case.service_id
    text = say("case_answer", lang, number=case.number, service=service, status=status, date=case.date, next=nxt)
    return CaseAnswer("found", text, case.number, case.service_id, case.status, status, case.date, nxt)
