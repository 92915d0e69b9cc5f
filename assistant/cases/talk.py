"""A case look-up in the conversation: the 受理号 and the last four digits (in one message or two),
then status, date and next step. State in the session's ``task``; sentences from the catalogue."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.cases.answer import CaseAnswer, answer
from assistant.cases.desk import CaseDesk, clean_number

_NUMBER = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{0,4}[0-9]{6,20})(?![0-9])")
_CHECK = re.compile(r"(?<![A-Za-z0-9])([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")
EXIT = ("取消", "退出", "算了", "不查了", "cancel", "stop", "quit", "exit")


@dataclass
class Step:
    answer: str
    task: dict[str, Any] | None = None
    case: CaseAnswer | None = None
    choices: list[dict[str, str]] = field(default_factory=list)


def read(text: str) -> tuple[str | None, str | None]:
    """The case number and the check value a message holds (either may be missing)."""
    number = next((clean_number(m) for m in _NUMBER.findall(text) if clean_number(m)), None)
    rest = text.replace(number, " ") if number else text
    if number:
        rest = re.sub(re.escape(number), " ", rest, flags=re.IGNORECASE)
    check = next(iter(_CHECK.findall(rest)), None)
    return number, check.upper() if check else None


def step(desk: CaseDesk | None, task: dict[str, Any], text: str, lang: str, *, client: str, names: Any = None) -> Step:
    from assistant.dialogue.words import say

    if desk is None:
        return Step(say("case_unavailable", lang))
    if task.get("step") != "start" and any(text.strip().lower().startswith(w) for w in EXIT):
        return Step(say("appt_left", lang))
    number, check = read(text)
    number = number or task.get("number")
    tries = int(task.get("tries", 0))
    if number and check:
        a = answer(desk.lookup(client, number, check), lang, names)
        return Step(a.text, case=a if a.outcome == "found" else None)
    if tries >= 3:  # three messages without a number: stop asking, a window can help
        return Step(say("case_bad_input", lang))
    if number:
        return Step(say("case_ask_check", lang), {"kind": "progress", "step": "check", "number": number, "tries": tries + 1})
    lead = say("case_bad_input", lang) + "\n" if task.get("step") != "start" else ""
    return Step(lead + say("case_ask", lang), {"kind": "progress", "step": "number", "tries": tries + 1})
