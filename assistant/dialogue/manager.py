"""Dialogue decisions: follow-ups, clarification, life events, handoff. Knows nothing of channels."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.dialogue import checklist
from assistant.dialogue.compose import compose_event, compose_guide, message, online_info
from assistant.dialogue.several import compose_aspects
from assistant.dialogue.faq import GUIDE_MIN_OVERLAP, compose_faq, guide_match, hall_match
from assistant.dialogue.faq import sure as faq_sure
from assistant.dialogue.words import say
from assistant.dialogue.state import Session
from assistant.kb.source import Knowledge
from assistant.understanding.pipeline import ANSWERS, Understanding, Understood
from assistant.understanding.nlu_data import OUT_OF_SCOPE, SERVICE_INTENTS
from assistant.understanding.text import MAX_CHARS, detect_lang, has_content, normalize

HIGH = ANSWERS  # calibrated confidence to answer directly (the one the lexical shortcut is validated against)
LOW = 0.12  # below this nothing relevant was found
OOS_MIN = 0.5  # intent mass on out_of_scope + out_of_hall that makes a question out of scope
OOS_OVER_STRONG = 0.8  # ... even when a guide was named or matched confidently
OOS_OVER_UNNAMED = 0.7  # ... when it matched confidently but no name of it was said
OOS_MIN_UNMATCHED = 0.3  # ... when no guide is relevant and none is named
MAX_FAILURES = 2  # unanswered turns in a row before a human takes over
HUMAN_CHOICE = "__human__"
# A tapped choice. Not "/choose id": Rasa reads a leading "/word" as an intent, so it would never
# reach the assistant as text.
CHOOSE = "choose:"
NAMED_MIN = 3
# intents that start a short form the service carries out with its desks (appointments, case progress)
TASKS = {"book_appointment": "book", "check_progress": "progress"}
# Words that ask for "everything this life event involves" rather than one service.
BUNDLE_CUES = ("办什么", "办哪些", "哪些事", "什么事", "哪些手续", "什么手续", "要办的", "一件事", "what should i do", "what do i need to do", "which services", "what to do")
# ... of which these ask for several things even when one service is named by the event's word
PLURAL_CUES = ("办哪些", "哪些事", "什么事", "哪些手续", "要办的", "一件事", "都要", "which services")
NEIGHBOUR_SURE = 0.95  # above this the retrieval itself told the neighbours apart: no need to ask
SAME_KIND = 0.4  # intent mass on a guide FAQ's kinds that makes a question ask the same kind of thing
UNSURE = 0.5  # below this the intent model does not know what a question asks
HALL_ASKED = 0.2  # the intent model's mass on ask_hall, among its two best, that counts as a hall question
_CHOICE = re.compile(r"^\s*(?:第)?([1-9一二三四五])(?:个|项)?\s*$")
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}


# intents whose answer must always be the whole composed one, even when a guide FAQ also matches
WHOLE_ANSWER = ("ask_materials", "ask_online")


@dataclass
class Reply:
    session_id: str
    text: str
    intent: str
    service: str | None
    confidence: float
    answer: str
    lang: str
    kind: str  # answer | faq | clarify | life_event | no_match | handoff | greet | goodbye | out_of_scope | empty | silent | book | progress | task | restarted
    materials: list[str] = field(default_factory=list)
    materials_detail: list[dict[str, Any]] = field(default_factory=list)
    online: dict[str, Any] = field(default_factory=lambda: {"available": False, "url": None})
    handoff: bool = False
    choices: list[dict[str, str]] = field(default_factory=list)
    guide: dict[str, Any] | None = None
    restarted: bool = False  # this id's earlier conversation had expired: this reply begins a new one
    trace: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def best_service_intent(scores: dict[str, float]) -> str:
    """The service intent with the most mass; a hall question's (when and where) counts for location."""
    mass = {i: scores.get(i, 0.0) for i in SERVICE_INTENTS}
    mass["ask_location"] += scores.get("ask_hall", 0.0)
    return max(SERVICE_INTENTS, key=lambda i: mass[i])


def same_kind(intent: str, scores: dict[str, float], kinds: set[str]) -> bool:
    """A question asks what a FAQ asks: its intent is one of the FAQ's, or, when the model is unsure, its
    mass on the FAQ's kinds outweighs the rest (户口不在本市能补吗: location, online, materials alike)."""
    return intent in kinds or sum(scores.get(k, 0.0) for k in kinds) >= SAME_KIND


def _hall_asked(scores: dict[str, float]) -> bool:
    top_two = sorted(scores, key=lambda k: -scores[k])[:2]
    return "ask_hall" in top_two and scores["ask_hall"] >= HALL_ASKED


class Dialogue:
    def __init__(self, kb: Knowledge, understanding: Understanding) -> None:
        self.kb, self.understanding = kb, understanding

    def handle(self, session: Session, text: str, *, lang: str | None = None) -> Reply:
        text = safe = text[: MAX_CHARS * 4]  # already masked by the one entry (assistant.service)
        human = text.strip() in (HUMAN_CHOICE, "/human")
        command = human or text.strip().startswith(("/choose ", CHOOSE))
        if command:  # a tapped button: it says nothing about the person's language
            session.lang = lang if lang in ("zh", "en") else session.lang
        session.add("user", say("picked_human", session.lang) if human else safe)
        if human:
            session.task = None
            return self._finish(session, self._handoff(session, safe, 0.0, {}, service=session.last_service))
        if not has_content(text):
            reply = self._reply(session, safe, "out_of_scope", None, 0.0, message("empty", session.lang), "empty")
            return self._finish(session, reply)
        if session.task:  # the next answer of a form (a name, a number): the service's desk reads it
            task = session.task
            intent = next((i for i, k in TASKS.items() if k == task.get("kind")), "book_appointment")
            return self._finish(session, self._reply(session, safe, intent, task.get("service"), 1.0, "", "task"))
        if not command:
            detected = detect_lang(normalize(text))
            session.lang = lang if lang in ("zh", "en") and detected == lang else detected
        situation = checklist.picked(text) if session.last_service else None
        if situation is not None:  # the one-tap 本人/代办 answer: the refined list of the same service
            session.situations = checklist.merge(session.situations, [situation])
            return self._finish(session, self._answer(session, safe, "ask_materials", session.last_service, 1.0, {}))  # type: ignore[arg-type]
        picked = self._picked_choice(session, text)
        if picked is None and command and session.restarted:  # a button of the expired conversation, still on screen
            tapped = text.strip().removeprefix("/choose ").removeprefix(CHOOSE).strip()
            picked = tapped if tapped in self.kb.guides else None
        if picked is not None:
            return self._finish(session, self._answer(session, safe, session.pending_intent or "ask_materials", picked, 1.0, {}))
        u = self.understanding.understand(text)
        return self._finish(session, self._decide(session, safe, u))

    # --- decisions ---------------------------------------------------------------------------

    def _decide(self, session: Session, text: str, u: Understood) -> Reply:
        intent, lang = u.intent.intent, session.lang
        trace = {
            "intent_scores": {k: round(v, 4) for k, v in sorted(u.intent.scores.items(), key=lambda kv: -kv[1])[:4]},
            "hits": [{"guide_id": h.guide_id, "score": round(h.score, 4), **{k: round(v, 3) for k, v in h.parts.items()}} for h in u.hits],
            "mentioned": u.mentioned,
            "events": u.events,
        }
        top = u.service
        named = u.mentioned.get(top or "", 0) >= NAMED_MIN  # a two-character name is too ambiguous to decide alone
        # near neighbours (补办 / 换领 / 临时): told apart by the words said beside their shared stem (a
        # service named in pieces), else asked below
        near = self.understanding.retriever.lexicon.neighbour(u.text, [h.guide_id for h in u.hits]) if top and not u.mentioned else None
        if near is not None:
            trace["neighbours"] = {"how": near[0], "guides": near[1]}
            if near[0] == "told":
                top, named = near[1][0], True
        strong = u.confidence >= HIGH or named
        if intent == "request_human":
            return self._handoff(session, text, u.confidence, trace, service=top if strong else session.last_service)
        if intent in ("greet", "goodbye") and not strong:
            return self._reply(session, text, intent, None, u.confidence, message(intent, lang), intent, trace=trace)
        if intent in TASKS:
            service = top if strong else (session.last_service if not u.mentioned else top)
            return self._task(session, text, intent, service, u.confidence, trace)
        # a service named that this hall handles across regions (跨省通办) is no other region's matter:
        # only the no-government-matter mass can make it out of scope
        anywhere = named and top in self.kb.guides and getattr(self.kb.guides[top].scope, "value", "") == "cross_province"
        oos = sum(u.intent.scores.get(k, 0.0) for k in (("out_of_scope",) if anywhere else OUT_OF_SCOPE))
        # a hall question (hours, parking, priority) even when its words belong to a service or a life
        # event (星期六上班吗 meets 上班): no service named, and either nothing matched or the model says hall
        asked = _hall_asked(u.intent.scores)
        if not u.mentioned and (not strong or asked):
            matches = self.understanding.faq_matches(text, vector=u.vector)
            # nothing relevant found and the model unsure what is asked; a plain follow-up (要带什么) is
            # a service question whose service is missing, not a hall question
            unmatched = u.confidence < LOW and oos < OOS_MIN_UNMATCHED and u.intent.confidence < UNSURE and not session.restarted
            hall = hall_match(matches, in_context=session.last_service is not None, asked=asked and not strong, unmatched=unmatched)
            if hall is not None:
                trace["faq"] = {"id": hall.entry.id, "score": round(hall.score, 3)}
                session.failures = 0
                return self._reply(session, text, intent, None, u.confidence, compose_faq(hall, None, lang), "faq", trace=trace)
        event = self._event(u)
        if event:
            return self._life_event(session, text, intent, event, u.confidence, trace)
        # out of scope: the intent model's mass on its two negative classes (trained from general text
        # and the catalogue's gaps), overruled only by a confident guide match; with nothing relevant
        # found at all, a smaller lean suffices
        oos_kind = "out_of_scope" if anywhere else max(OUT_OF_SCOPE, key=lambda k: u.intent.scores.get(k, 0.0))
        trace["out_of_scope"] = round(oos, 4)
        over = OOS_OVER_STRONG if named else OOS_OVER_UNNAMED
        if (((intent in OUT_OF_SCOPE and not anywhere) or oos >= OOS_MIN) and not (strong and oos < over)) or (
            oos >= OOS_MIN_UNMATCHED and u.confidence < LOW and not u.mentioned
        ):
            return self._failed(session, self._reply(session, text, oos_kind, None, u.confidence, self._out_of_scope(oos_kind, lang), "out_of_scope", trace=trace))
        if intent not in SERVICE_INTENTS:  # about a service after all: what the model says most of it asks
            intent = best_service_intent(u.intent.scores)
        if near is not None and near[0] == "ask" and u.confidence < NEIGHBOUR_SURE:
            return self._clarify(session, text, intent, u, trace, ids=near[1])
        if strong and top:
            return self._guide_faq(session, text, intent, top, u.confidence, trace, scores=u.intent.scores) or self._answer(session, text, intent, top, u.confidence, trace, u.aspects)
        if session.last_service and not u.mentioned:
            trace["follow_up"] = session.last_service
            last = session.last_service
            # a follow-up ("要多少钱") is about the service as a whole: a FAQ answers it only when it is that FAQ
            faq = self._guide_faq(session, text, intent, last, u.confidence, trace, sure_only=True)
            return faq or self._answer(session, text, intent, last, u.confidence, trace, u.aspects)
        if session.restarted:  # a follow-up whose context expired: say so and ask afresh, not "not found"
            session.failures = 0
            return self._reply(session, text, intent, None, u.confidence, message("restarted", lang), "restarted", trace=trace)
        if u.confidence >= LOW and u.hits:
            return self._clarify(session, text, intent, u, trace)
        return self._failed(session, self._reply(session, text, intent, None, u.confidence, message("no_match", lang), "no_match", trace=trace))

    def _out_of_scope(self, intent: str, lang: str) -> str:
        """No government matter; or one this hall does not handle: say so, and where such matters go
        when the knowledge says it (the hall FAQ ``elsewhere``, e.g. the 12345 hotline)."""
        if intent != "out_of_hall":
            return message("out_of_scope", lang)
        where = next((f for f in self.kb.faq if f.id == "elsewhere"), None)
        told = ((where.a_en or where.a) if lang == "en" else where.a) if where is not None else ""
        return "\n".join(filter(None, [message("out_of_hall", lang), told, message("offer_person", lang)]))

    def _failed(self, session: Session, reply: Reply) -> Reply:
        """首问负责: never a dead end. Offer a person; after repeated failures, hand over."""
        session.failures += 1
        if session.failures >= MAX_FAILURES:
            reply.handoff, session.failures = True, 0
            reply.answer += "\n" + message("handoff", session.lang)
            reply.trace["handoff_reason"] = "repeated_failure"
        else:
            reply.choices = [{"id": HUMAN_CHOICE, "title": say("choice_human", session.lang)}]
        return reply

    def _event(self, u: Understood) -> str | None:
        """A life event, unless the question is plainly about one service it contains."""
        if not u.events:
            return None
        event, length = max(u.events.items(), key=lambda kv: kv[1])
        if length < max(u.mentioned.values(), default=0):
            return None
        if u.confidence >= HIGH and not any(cue in u.text for cue in BUNDLE_CUES):
            return None
        # the event's word names one of its services as such (退休 -> 退休手续, 办退休): asked about without
        # a cue for several things, it is that service, when the retrieval found it
        owner = self.understanding.retriever.lexicon.event_owner(u.text, event, self.kb.life_events[event].services)
        if owner is not None and owner == u.service and u.confidence >= HIGH and not any(cue in u.text for cue in PLURAL_CUES):
            return None
        return event

    def _picked_choice(self, session: Session, text: str) -> str | None:
        if not session.pending_choices:
            return None
        stripped = text.strip().removeprefix("/choose ").removeprefix(CHOOSE).strip()
        if stripped in session.pending_choices:
            return stripped
        m = _CHOICE.match(stripped)
        if m:
            n = int(m.group(1)) if m.group(1).isdigit() else _CN_DIGITS[m.group(1)]
            if 1 <= n <= len(session.pending_choices):
                return session.pending_choices[n - 1]
        for gid in session.pending_choices:
            guide = self.kb.guides[gid]
            if normalize(stripped) in (normalize(guide.name), normalize(guide.name_en)):
                return gid
        return None

    # --- replies -----------------------------------------------------------------------------

    def _reply(self, session: Session, text: str, intent: str, service: str | None, conf: float, answer: str, kind: str, *, trace: dict[str, Any] | None = None) -> Reply:
        return Reply(session.id, text, intent, service, round(conf, 4), answer, session.lang, kind, trace=trace or {})

    def _answer(self, session: Session, text: str, intent: str, gid: str, conf: float, trace: dict[str, Any], aspects: list[str] | None = None) -> Reply:
        guide = original = self.kb.guides[gid]
        session.situations = checklist.merge(session.situations, checklist.stated(normalize(text)))
        materials = intent == "ask_materials" or "ask_materials" in (aspects or [])
        guide, moved = checklist.personalise(guide, session.situations) if materials else (guide, [])
        if aspects and len(aspects) > 1:  # several questions about this service in one message
            trace["aspects"] = aspects
            composed = compose_aspects(guide, aspects, session.lang)
        else:
            composed = compose_guide(guide, intent, session.lang)
        if moved:
            lines = composed.text.split("\n")
            composed.text = "\n".join([lines[0], *checklist.reason_lines(moved, session.lang), *lines[1:]])
            composed.materials_detail = checklist.annotate(composed.materials_detail, guide, moved, session.lang)
            trace["situations"] = list(session.situations)
        reply = self._reply(session, text, intent, gid, conf, composed.text, "answer", trace=trace)
        reply.materials, reply.materials_detail = composed.materials, composed.materials_detail
        if materials and checklist.asks_agent(original, session.situations):
            reply.choices = checklist.choices(session.lang)
            reply.answer += "\n" + say("ask_agent", session.lang)
        reply.online = online_info(guide, session.lang)
        reply.guide = {"id": gid, "name": guide.name if session.lang == "zh" else guide.name_en, "updated_at": guide.updated_at.isoformat()}
        session.last_service, session.failures = gid, 0
        return reply

    def _guide_faq(self, session: Session, text: str, intent: str, gid: str, conf: float, trace: dict[str, Any], *, sure_only: bool = False, scores: dict[str, float] | None = None) -> Reply | None:
        """The guide's own FAQ when the question is one of them (and asks the same kind of thing)."""
        match = guide_match(self.understanding.faq_matches(text, guide_id=gid, hall=False, min_overlap=GUIDE_MIN_OVERLAP))
        if match is None or not (faq_sure(match, same_words=not sure_only) or (not sure_only and same_kind(intent, scores or {}, self.understanding.faq_intents(match)))):
            return None
        guide = self.kb.guides[gid]
        answer = compose_faq(match, guide, session.lang)
        composed = None
        if intent in WHOLE_ANSWER:  # 一次性告知: a FAQ never stands in for the list of materials or the online truth
            composed = compose_guide(guide, intent, session.lang)
            answer = "\n".join([*answer.split("\n")[:-1], composed.text])  # one source line, the composed answer's
        reply = self._reply(session, text, intent, gid, conf, answer, "faq", trace={**trace, "faq": {"id": match.entry.id, "score": round(match.score, 3)}})
        if composed is not None:
            reply.materials, reply.materials_detail = composed.materials, composed.materials_detail
        reply.online = online_info(guide, session.lang)
        reply.guide = {"id": gid, "name": guide.name if session.lang == "zh" else guide.name_en, "updated_at": guide.updated_at.isoformat()}
        session.last_service, session.failures = gid, 0
        return reply

    def _clarify(self, session: Session, text: str, intent: str, u: Understood, trace: dict[str, Any], *, ids: list[str] | None = None) -> Reply:
        ids = ids or [h.guide_id for h in u.hits[:3]]
        reply = self._reply(session, text, intent, None, u.confidence, "", "clarify", trace=trace)
        reply.choices = [{"id": gid, "title": self._name(gid, session.lang)} for gid in ids]
        reply.answer = "\n".join([message("clarify", session.lang), *(f"{i}. {c['title']}" for i, c in enumerate(reply.choices, 1))])
        session.pending_choices, session.pending_intent = ids, intent
        return reply

    def _life_event(self, session: Session, text: str, intent: str, event_id: str, conf: float, trace: dict[str, Any]) -> Reply:
        event = self.kb.life_events[event_id]
        guides = [self.kb.guides[g] for g in event.services if g in self.kb.guides]
        reply = self._reply(session, text, intent if intent in SERVICE_INTENTS else "ask_materials", None, conf, compose_event(event, guides, session.lang), "life_event", trace=trace)
        reply.choices = [{"id": g.id, "title": self._name(g.id, session.lang)} for g in guides]
        session.pending_choices, session.pending_intent = [g.id for g in guides], "ask_materials"
        return reply

    def _task(self, session: Session, text: str, intent: str, service: str | None, conf: float, trace: dict[str, Any]) -> Reply:
        """A booking or a case look-up begins; the service's desk asks the questions and words the answers."""
        session.task = {"kind": TASKS[intent], "step": "start", "service": service}
        if service:
            session.last_service = service
        session.failures = 0
        return self._reply(session, text, intent, service, conf, "", TASKS[intent], trace=trace)

    def _handoff(self, session: Session, text: str, conf: float, trace: dict[str, Any], *, service: str | None = None, reason: str = "requested") -> Reply:
        reply = self._reply(session, text, "request_human", service, conf, message("handoff", session.lang), "handoff", trace={**trace, "handoff_reason": reason})
        reply.handoff = True
        session.failures = 0
        return reply

    def _name(self, gid: str, lang: str) -> str:
        guide = self.kb.guides[gid]
        return guide.name if lang == "zh" else guide.name_en

    def _finish(self, session: Session, reply: Reply) -> Reply:
        reply.restarted, session.restarted = session.restarted, False  # told once
        if reply.kind not in ("clarify", "life_event"):
            session.pending_choices, session.pending_intent = [], None
        session.add("bot", reply.answer)
        return reply
