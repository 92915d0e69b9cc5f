"""FAQ answers: a hall question answered from knowledge/faq.yaml, a guide's FAQ answered citing the
guide. The decision thresholds live here beside the composition, so one module says when and what."""

from __future__ import annotations

from assistant.dialogue.compose import source_line
from assistant.dialogue.words import say
from assistant.kb.schema import Guide
from assistant.understanding.faq import FaqMatch

HALL_MIN = 0.68  # a hall question: similarity of the questions (embedding, lifted by shared characters)
HALL_MIN_ASKED = 0.45  # ... when the intent model says the question is about the hall (ask_hall)
HALL_MIN_IN_CONTEXT = 0.8  # after a service was discussed, "在哪办" more likely means that service
HALL_MIN_UNMATCHED = 0.45  # ... when no guide is relevant and the question is no out-of-scope one either
GUIDE_MIN = 0.5  # a guide FAQ: the service is already decided, the question must match ...
GUIDE_MIN_OVERLAP = 0.4  # ... in its own words too, and ask the same kind of thing (checked by the caller)
GUIDE_SURE, GUIDE_SURE_OVERLAP = 0.75, 0.6  # ... unless it is this near: then it is that question


GUIDE_SAME_WORDS, GUIDE_SAME_WORDS_MIN = 0.75, 0.6  # ... or nearly all its words are the question's


def sure(match: FaqMatch, *, same_words: bool = True) -> bool:
    """``same_words`` off for a bare follow-up (要多少钱): its few words lie inside many FAQs, so
    the overlap, taken over the shorter side, says nothing of which FAQ it is."""
    near = match.score >= GUIDE_SURE and match.overlap >= GUIDE_SURE_OVERLAP
    return near or (same_words and match.overlap >= GUIDE_SAME_WORDS and match.score >= GUIDE_SAME_WORDS_MIN)


def hall_match(matches: list[FaqMatch], *, in_context: bool, asked: bool, unmatched: bool = False) -> FaqMatch | None:
    """The hall FAQ answering the question: the intent model says it is about the hall and the entry is
    near enough, or the entry alone is very near (closer still after a service was discussed); with
    no guide relevant at all, a nearer entry than that is the best answer there is."""
    best = next((m for m in matches if m.entry.guide_id is None), None)
    if best is None:
        return None
    if asked or (unmatched and not in_context):
        return best if best.score >= (HALL_MIN_ASKED if asked else HALL_MIN_UNMATCHED) else None
    return best if best.score >= (HALL_MIN_IN_CONTEXT if in_context else HALL_MIN) else None


def guide_match(matches: list[FaqMatch]) -> FaqMatch | None:
    best = next((m for m in matches if m.entry.guide_id is not None), None)
    return best if best is not None and best.score >= GUIDE_MIN and best.overlap >= GUIDE_MIN_OVERLAP else None


def compose_faq(match: FaqMatch, guide: Guide | None, lang: str) -> str:
    entry = match.entry
    en = lang == "en"
    answer = (entry.a_en or entry.a) if en else entry.a
    question = (entry.q_en or entry.q) if en else entry.q
    lines = [say("faq_head", lang, question=question), answer]
    lines.append(source_line(guide, lang) if guide is not None else say("faq_source_hall", lang))
    return "\n".join(lines)
