"""The personal checklist: the situation a visitor states (acting for someone else, for a child,
non-local hukou, lost or damaged, first time or renewal) moves the conditional materials meant for it
into the list they must bring, with the reason. When a guide's list depends on 本人 or 代办 and the
visitor has not said which, one tap asks it. Everything else stays listed as conditional (一次性告知).

A situation is recognised twice, by separate patterns: in what the visitor wrote, and in a material's
condition as curators write it (委托他人代为办理时). Both are about the situation, not about a guide."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.dialogue.words import say
from assistant.kb.schema import Guide, Material

# choice ids of the one-tap question (payloads choose:as:self / choose:as:agent)
ASK_PREFIX = "as:"
SELF, AGENT = "self", "agent"

_KIN = r"(?:妈|爸|母亲|父亲|老人|老母亲|老父亲|爷爷|奶奶|外公|外婆|姥姥|姥爷|家人|家里人|亲戚|朋友|同事|老公|老婆|丈夫|妻子|爱人|邻居|他人|别人|他|她|公公|婆婆|岳父|岳母)"


@dataclass(frozen=True)
class Situation:
    id: str
    said: re.Pattern[str]  # in the visitor's words
    condition: re.Pattern[str]  # in a material's condition
    excludes: tuple[str, ...] = ()  # situations it rules out


SITUATIONS = (
    Situation(
        AGENT,
        re.compile(rf"代办|代为|代领|代他|代她|委托|(?:替|帮|给|代)(?:我|我的|我们)?(?:家)?{_KIN}|on (?:his|her|their|someone's|somebody's) behalf|for my (?:mother|father|mum|mom|dad|parents?|wife|husband|friend|grandmother|grandfather)|someone else", re.I),
        re.compile(r"委托|代为|代办|代领|代理人|代替|他人.{0,4}办|亲属.{0,4}(?:申请|递交|办)"),
        (SELF,),
    ),
    Situation(
        SELF,
        re.compile(r"本人办|本人去|本人来|本人办理|我自己|自己去|自己来|亲自|myself|in person|by myself", re.I),
        re.compile(r"本人到窗口|本人申报|本人办理"),
        (AGENT,),
    ),
    Situation(
        "minor",
        re.compile(r"孩子|小孩|儿子|女儿|宝宝|婴儿|新生儿|未成年|未满1[68]|闺女|娃|my (?:child|son|daughter|kid|baby)|for a child|minor", re.I),
        re.compile(r"未成年|未满1[68]|监护人|新生儿|婴儿"),
    ),
    Situation(
        "nonlocal",
        re.compile(r"外地户口|外省户口|户口不在(?:本市|示例市|这|这里|本地)|非本地|外地人|外省人|非示例市|随迁|不是本地户口|hukou (?:is )?(?:not|elsewhere)|not from (?:here|this city)", re.I),
        re.compile(r"非示例市|非本市|随迁|外地户籍|非本地"),
    ),
    Situation(
        "lost",
        re.compile(r"丢|遗失|掉了|弄没了|被偷|被盗|找不到|不见了|lost|stolen", re.I),
        re.compile(r"遗失|丢失|被盗|灭失|无法交回"),
        ("damaged",),
    ),
    Situation(
        "damaged",
        re.compile(r"坏了|损坏|破损|污损|磨损|烂了|断了|消磁|读不出|damaged|broken", re.I),
        re.compile(r"损坏|破损|污损|损毁"),
        ("lost",),
    ),
    Situation(
        "first",
        re.compile(r"第一次|首次|初次|新办|从没办过|first time|never had", re.I),
        re.compile(r"首次"),
        ("renewal",),
    ),
    Situation(
        "renewal",
        re.compile(r"换证|换发|换领|续签|续办|到期|过期|快过期|再次签注|renew|expired|expiring", re.I),
        re.compile(r"换发|换领|再次签注|到期|续"),
        ("first",),
    ),
)
BY_ID = {s.id: s for s in SITUATIONS}
# a material for a child's guardian is not one for an agent, though its condition says 代为申领; and
# 非示例市户籍随迁子女 is about the hukou, though it says 子女
_OWNER_FIRST = ("nonlocal", "minor")


def stated(text: str) -> list[str]:
    """The situations ``text`` states, in catalogue order; one of two opposites only (the first said)."""
    found: list[str] = []
    for s in SITUATIONS:
        if s.said.search(text) and not any(x in found for x in s.excludes):
            found.append(s.id)
    if "minor" in found and AGENT in found and not re.search(rf"(?:替|帮|给|代)(?:我|我的)?{_KIN}|委托|代办", text):
        found.remove(AGENT)  # 帮孩子办: the parent is the guardian, not an agent
    return found


def merge(before: list[str], now: list[str]) -> list[str]:
    """What the session knew, updated by what was just said (a new statement replaces its opposite)."""
    out = [s for s in before if not any(s in BY_ID[n].excludes or s == n for n in now)]
    return out + now


def situation_of(m: Material) -> str | None:
    """Which situation a conditional material is for (None: a condition the checklist does not judge)."""
    if m.required or not m.condition:
        return None
    for sid in _OWNER_FIRST:
        if BY_ID[sid].condition.search(m.condition):
            return sid
    return next((s.id for s in SITUATIONS if s.condition.search(m.condition)), None)


def personalise(guide: Guide, situations: list[str]) -> tuple[Guide, list[tuple[Material, str]]]:
    """The guide with the materials of the stated situations made required, and what moved (and why)."""
    moved: list[tuple[Material, str]] = []
    materials = []
    for m in guide.materials:
        sid = situation_of(m)
        if sid is not None and sid in situations:
            moved.append((m, sid))
            m = m.model_copy(update={"required": True})
        materials.append(m)
    if not moved:
        return guide, []
    return guide.model_copy(update={"materials": materials}), moved


def asks_agent(guide: Guide, situations: list[str]) -> bool:
    """Whether the list depends on 本人/代办 and the visitor has not said which."""
    if SELF in situations or AGENT in situations:
        return False
    return any(situation_of(m) == AGENT for m in guide.materials)


def choices(lang: str) -> list[dict[str, str]]:
    return [{"id": f"{ASK_PREFIX}{SELF}", "title": say("as_self", lang)}, {"id": f"{ASK_PREFIX}{AGENT}", "title": say("as_agent", lang)}]


def picked(text: str) -> str | None:
    """The situation of a tapped one-tap answer (choose:as:agent), else None."""
    stripped = text.strip().removeprefix("/choose ").removeprefix("choose:").strip()
    if stripped.startswith(ASK_PREFIX) and stripped[len(ASK_PREFIX) :] in (SELF, AGENT):
        return stripped[len(ASK_PREFIX) :]
    return None


def reason_lines(moved: list[tuple[Material, str]], lang: str) -> list[str]:
    """One line per moved material: it is now in the must-bring list, and why."""
    en = lang == "en"
    return [
        say("moved_material", lang, name=(m.name_en or m.name) if en else m.name, reason=say(f"because_{sid}", lang), condition=(m.condition_en or m.condition) if en else m.condition)
        for m, sid in moved
    ]


def annotate(detail: list[dict[str, object]], guide: Guide, moved: list[tuple[Material, str]], lang: str) -> list[dict[str, object]]:
    """materials_detail with the reason on each moved material (same order as the guide's materials)."""
    by_name = {m.name: sid for m, sid in moved}
    out = []
    for row, m in zip(detail, guide.materials):
        sid = by_name.get(m.name) if m.required else None
        out.append({**row, "reason": say(f"because_{sid}", lang) if sid else None})
    return out
