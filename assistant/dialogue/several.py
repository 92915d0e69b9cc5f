"""One answer to several aspects of one service (materials and process, fee and time ...): each part
composed as it would be alone, lines that two parts share (online, visits, source) said once."""

from __future__ import annotations

from assistant.dialogue.compose import Composed, compose_guide
from assistant.kb.schema import Guide


def compose_aspects(guide: Guide, intents: list[str], lang: str) -> Composed:
    # materials first: 一次性告知 is the answer people most need, and its list is the longest
    ordered = sorted(intents, key=lambda i: i != "ask_materials")
    parts = [compose_guide(guide, intent, lang) for intent in ordered]
    seen: set[str] = set()
    lines: list[str] = []
    for n, part in enumerate(parts):
        body = part.text.split("\n")
        if n and body and body[0].rstrip(":") in (f"【{guide.name}】", f"{guide.name_en} ({guide.name})"):
            body = body[1:]  # the service's title is said once, by the first part
        for line in body:
            if line in seen:
                continue
            seen.add(line)
            lines.append(line)
    # the source line goes last, once
    source = parts[0].text.split("\n")[-1]
    lines = [line for line in lines if line != source] + [source]
    first = next((p for p in parts if p.materials), parts[0])
    return Composed("\n".join(lines), first.materials, first.materials_detail)
