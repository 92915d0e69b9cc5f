"""Consistency rules a guide must pass beyond its schema: each finds a field that would make the
assistant say something untrue (online level against visits and steps, one-of groups, day units).
Every rule returns (field, message) so ``kb check`` can print file:field."""

from __future__ import annotations

import re

from assistant.kb.schema import CaseType, DayUnit, Guide, Material, OnlineLevel

# A conditional material whose condition says "one of these" belongs in a one_of group: written as
# separate optional items, the answer lists a mandatory proof under 视情况.
_ONE_OF_WORDS = re.compile(r"提交其一|任选其一|选其一|之一|四选一|三选一|二选一|one of")
# "60日" / "15日内" but not "15个工作日": a calendar-day figure in the note.
_CALENDAR = re.compile(r"(\d+)\s*(?:个)?(?<!工作)日")


def level_problems(g: Guide) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    level = g.online_level
    online_steps = [s for s in g.steps if s.online]
    if level is OnlineLevel.full and g.visits > 0:
        out.append(("online_level", f"level full (全程网办) but visits is {g.visits}: say partial or booking, or visits 0"))
    if g.visits == 0 and level is not OnlineLevel.full:
        out.append(("visits", f"visits is 0 but online_level is {level.value}: only a fully online service needs no visit"))
    if level is OnlineLevel.none and online_steps:
        out.append(("online_level", f"level none but step '{online_steps[0].title}' is online"))
    if level is OnlineLevel.none and g.channels.online_steps:
        out.append(("channels.online_steps", "level none but online steps are listed"))
    if level in (OnlineLevel.full, OnlineLevel.partial) and not online_steps:
        out.append(("online_level", f"level {level.value} but no step is marked online"))
    if level in (OnlineLevel.booking, OnlineLevel.none) and online_steps and len(online_steps) == len(g.steps):
        out.append(("online_level", f"level {level.value} but every step is online: say full or partial"))
    return out


def visit_problems(g: Guide) -> list[tuple[str, str]]:
    """Visits against the guide's own steps, where the steps say which are trips to the hall."""
    out: list[tuple[str, str]] = []
    trips = [i + 1 for i, s in enumerate(g.steps) if s.visit]
    if g.visits and not trips:  # unmarked, the count cannot be checked and the answer cannot say which steps are trips
        out.append(("steps", f"visits is {g.visits} but no step says visit: true: mark the steps that are trips"))
    if trips and len(trips) != g.visits:
        out.append(("visits", f"visits is {g.visits} but steps {', '.join(map(str, trips))} are visits ({len(trips)})"))
    for i, s in enumerate(g.steps):
        if s.visit and s.online:
            out.append((f"steps.{i}.online", f"step '{s.title}' is both online and a visit"))
    for i, path in enumerate(g.visits_paths):
        if path.visits >= g.visits:
            out.append((f"visits_paths.{i}.visits", f"'{path.when}' gives {path.visits} visits, not fewer than visits ({g.visits})"))
    return out


def material_problems(g: Guide) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    names = {m.name for m in g.materials}
    for i, m in enumerate(g.materials):
        if m.one_of and len(m.one_of) < 2:
            out.append((f"materials.{i}.one_of", "a one-of group needs at least two alternatives"))
        seen: set[str] = set()
        for j, alt in enumerate(m.one_of):
            if alt.name in seen:
                out.append((f"materials.{i}.one_of.{j}.name", f"duplicate alternative: {alt.name}"))
            if alt.name in names:
                out.append((f"materials.{i}.one_of.{j}.name", f"'{alt.name}' is also listed as a material of its own"))
            seen.add(alt.name)
        if not m.required and not m.one_of and m.condition and _ONE_OF_WORDS.search(m.condition + (m.condition_en or "")):
            out.append((f"materials.{i}.condition", f"'{m.name}' is one of several alternatives: write them as one required material with one_of"))
    return out


_CHANGES_WHAT_TO_BRING = re.compile(r"无需|不需|不用|免交|可免|代替|改交|其一|之一|可用|须在有效期内|每个婴儿")


def changes_what_to_bring(m: Material) -> bool:
    """A note the answer must tell (无需/代替/其一...), not one left to the guide page."""
    return bool(m.notes) and (m.show_notes or bool(_CHANGES_WHAT_TO_BRING.search(m.notes or "")))


def note_problems(g: Guide) -> list[tuple[str, str]]:
    """A note the answer tells must be told in English too, or English visitors miss what it changes."""
    return [(f"materials.{i}.notes_en", f"the note on '{m.name}' changes what to bring and is told in answers: give notes_en")
            for i, m in enumerate(g.materials) if changes_what_to_bring(m) and not m.notes_en]


def time_problems(g: Guide) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    t = g.time_limit
    if g.case_type is CaseType.on_the_spot and t.waiting_days:
        out.append(("case_type", f"on_the_spot (当场办结) but there is a {t.waiting_days}-day waiting period"))
    if g.case_type is CaseType.promised and t.promised_days == 0 and not t.waiting_days:
        out.append(("time_limit.promised_days", "a 承诺件 (case_type promised) with 0 days: give the days, or case_type on_the_spot"))
    if g.case_type is CaseType.on_the_spot and t.promised_days > 0:
        out.append(("case_type", f"on_the_spot (即办件, 当场办结) but promised_days is {t.promised_days}"))
    figures = {int(n) for n in _CALENDAR.findall(t.note or "")}
    for name, days, unit in (("legal", t.legal_days, t.legal_unit), ("promised", t.promised_days, t.promised_unit)):
        if days and unit is DayUnit.working and days in figures:
            out.append((f"time_limit.{name}_unit", f"the note says {days}日 (calendar days) but {name}_unit is working"))
    return out


def guide_problems(g: Guide) -> list[tuple[str, str]]:
    return level_problems(g) + visit_problems(g) + material_problems(g) + note_problems(g) + time_problems(g)
