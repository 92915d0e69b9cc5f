"""Answer composition (zh/en) from a guide's fields. 一次性告知: a materials answer lists every
required material and every conditional one with its condition, plus online entry, visits and window."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.dialogue.words import say
from assistant.kb.rules import changes_what_to_bring
from assistant.kb.schema import FORM_LABELS, SCOPE_LABELS, DayUnit, Guide, LifeEvent, Material, OnlineLevel


# A note that changes what must be brought (联网核验的无需提交, 可用户口簿代替, 改交…) belongs in the answer.
@dataclass
class Composed:
    text: str
    materials: list[str] = field(default_factory=list)
    materials_detail: list[dict[str, Any]] = field(default_factory=list)


def _zh(lang: str) -> bool:
    return lang != "en"


def _title(guide: Guide, lang: str) -> str:
    return f"【{guide.name}】" if _zh(lang) else f"{guide.name_en} ({guide.name})"


def _alt_line(alt: Any, lang: str) -> str:
    if _zh(lang):
        return f"{alt.name}（{alt.condition}）" if alt.condition else alt.name
    name, cond = alt.name_en or alt.name, alt.condition_en or alt.condition
    return f"{name} ({cond})" if cond else name


def material_line(m: Material, lang: str) -> str:
    zh_form, en_form = FORM_LABELS[m.form]
    if _zh(lang):
        line = f"{m.name}（{zh_form}，{m.copies}份）" if m.copies else f"{m.name}（{zh_form}）"
        line = f"{line}：{m.condition}" if m.condition and not m.required else line
    else:
        name = m.name_en or m.name
        line = f"{name} ({en_form}, {m.copies} {'copy' if m.copies == 1 else 'copies'})" if m.copies else f"{name} ({en_form})"
        line = f"{line}: {m.condition_en or m.condition}" if m.condition and not m.required else line
    if m.one_of:  # 任选其一: the group is one line, its alternatives under it
        sep = "；" if _zh(lang) else "; "
        line += ("，" if _zh(lang) else ", ") + say("one_of", lang) + ("：" if _zh(lang) else ": ")
        line += sep.join(f"{chr(0x2460 + i)} {_alt_line(a, lang)}" for i, a in enumerate(m.one_of))
    if changes_what_to_bring(m):  # not only on the guide page
        if _zh(lang):
            line += f"（{say('notes_head', lang)}{m.notes}）"
        elif m.notes_en:
            line += f" ({say('notes_head', lang)}{m.notes_en})"
    return line



def materials_detail(guide: Guide, lang: str) -> list[dict[str, Any]]:
    return [
        {
            "name": m.name if _zh(lang) else (m.name_en or m.name),
            "required": m.required,
            "condition": (m.condition if _zh(lang) else (m.condition_en or m.condition)) if not m.required else None,
            "form_label": FORM_LABELS[m.form][0 if _zh(lang) else 1],
            "copies": m.copies,
            "one_of": [a.name if _zh(lang) else (a.name_en or a.name) for a in m.one_of],
        }
        for m in guide.materials
    ]


def online_info(guide: Guide, lang: str) -> dict[str, Any]:
    """What a channel shows of the online entry: the level, the link's text and the QR caption, so no
    channel calls a booking page "网上办理"."""
    level = guide.online_level
    url = str(guide.online_url) if guide.online_url and level is not OnlineLevel.none else None
    return {
        "available": url is not None, "url": url, "level": level.value,
        "label": say(f"level_{level.value}", lang),
        "link": say(f"link_{level.value}", lang) if url else None,
        "caption": say(f"qr_{level.value}", lang) if url else None,
    }  # fmt: skip


def online_line(guide: Guide, lang: str) -> str:
    level, url = guide.online_level, guide.online_url
    if level is OnlineLevel.none or url is None:
        return say("online_none", lang)
    steps = ("、" if _zh(lang) else ", ").join(guide.channels.online_steps)
    if level is OnlineLevel.full:
        text = say("online_full", lang, url=url)
    else:
        key = f"online_{level.value}" if steps and _zh(lang) else f"online_{level.value}_plain"  # the steps are written in Chinese only
        if level is OnlineLevel.partial and guide.visits_paths:  # the visit count depends on a choice
            key = "online_partial_paths"
        text = say(key, lang, url=url, steps=steps, visits=guide.visits)
    if guide.channels.mini_program and _zh(lang):
        text += say("online_app", lang, app=guide.channels.mini_program)
    return text


def days_text(days: int, unit: DayUnit, lang: str) -> str:
    return say(f"days_{unit.value}", lang, n=days)


def duration_line(guide: Guide, lang: str) -> str:
    """Legal and promised limits with their own units; 0 days reads 当场办结, never "0个工作日"."""
    t = guide.time_limit
    legal = ""
    if t.legal_days == 0:
        legal = say("time_legal_spot", lang)
    elif t.legal_days is not None:
        legal = say("time_legal", lang, days=days_text(t.legal_days, t.legal_unit, lang))
    if t.waiting_days:  # a legal waiting period (离婚冷静期) is not 当场办结
        promised = say("time_wait", lang, days=days_text(t.waiting_days, DayUnit.calendar, lang))
    elif t.promised_days == 0:
        promised = say("time_spot", lang)
    else:
        promised = say("time_promised", lang, days=days_text(t.promised_days, t.promised_unit, lang))
    if _zh(lang):
        return f"办理时限：{legal}{promised}。" + (t.note or "")
    return f"Time: {legal}{promised[0].upper()}{promised[1:]}." + (f" {t.note_en}" if t.note_en else "")


def visits_line(guide: Guide, lang: str) -> str:
    if guide.visits_paths:  # the count depends on a choice: say it as such
        paths = [say("visits_path", lang, when=p.when if _zh(lang) else (p.when_en or p.when), n=p.visits) for p in guide.visits_paths]
        return say("visits_else", lang, paths=("；" if _zh(lang) else "; ").join(paths), n=guide.visits)
    if _zh(lang):
        return "跑动次数：0次（不用到现场）" if guide.visits == 0 else f"跑动次数：最多跑{guide.visits}次"
    return "Visits: none (no need to come in)" if guide.visits == 0 else f"Visits: at most {guide.visits}"


def location_line(guide: Guide, lang: str) -> str:
    windows = "、".join(guide.location.windows)
    if _zh(lang):
        return f"办理地点：{guide.location.hall}（{guide.location.address}）{windows} 窗口；{guide.hours}"
    hall = guide.location.hall_en or guide.location.hall
    return f"Where: {hall}, windows {', '.join(guide.location.windows)}; {guide.hours_en or guide.hours}"


def source_line(guide: Guide, lang: str) -> str:
    if _zh(lang):
        return f"来源：《{guide.name}》办事指南，更新于 {guide.updated_at.isoformat()}（示例市示例数据）"
    return f"Source: guide \"{guide.name_en}\", updated {guide.updated_at.isoformat()} (sample data of 示例市)"


def compose_materials(guide: Guide, lang: str) -> Composed:
    zh = _zh(lang)
    lines = [f"{_title(guide, lang)}需要准备以下材料（一次性告知）：" if zh else f"{_title(guide, lang)}: here is everything to bring."]
    lines.append("必备材料：" if zh else "Required:")
    lines += [f"{i}. {material_line(m, lang)}" for i, m in enumerate(guide.required_materials, 1)]
    if guide.conditional_materials:
        lines.append("视情况提供：" if zh else "Only if it applies to you:")
        lines += [f"- {material_line(m, lang)}" for m in guide.conditional_materials]
    lines += [online_line(guide, lang), visits_line(guide, lang), location_line(guide, lang)]
    names = [m.name if zh else (m.name_en or m.name) for m in guide.materials]
    return Composed("\n".join(lines), names, materials_detail(guide, lang))


def compose_field(guide: Guide, intent: str, lang: str) -> Composed:
    zh = _zh(lang)
    title = _title(guide, lang)
    if intent == "ask_online":
        body = [online_line(guide, lang)]
        if guide.appointment.how:
            body.append(f"预约：{guide.appointment.how}" if zh else f"Booking: {guide.appointment.how_en or guide.appointment.how}")
        scope = SCOPE_LABELS[guide.scope][0 if zh else 1]
        body.append(f"通办范围：{scope}" if zh else f"Where it can be done: {scope}")
    elif intent == "ask_process":
        body = ["办理流程：" if zh else "Steps:"]
        for i, s in enumerate(guide.steps, 1):
            name = s.title if zh else (s.title_en or s.title)
            tag = ("（可网上办）" if zh else " (online)") if s.online else ""
            detail = f"：{s.detail}" if zh and s.detail else ""
            body.append(f"{i}. {name}{tag}{detail}")
        n = len(guide.required_materials)
        body.append(f"需带必备材料{n}项，问“要带什么”可看完整清单。" if zh else f"{n} required documents; ask \"what do I need\" for the full list.")
    elif intent == "ask_duration":
        body = [duration_line(guide, lang)]
    elif intent == "ask_fee":
        f = guide.fee
        if zh:
            body = ["收费：不收费。" if f.free else f"收费：{f.amount}。"]
            if f.basis:
                body.append(f"收费依据：{f.basis}")
        else:
            body = ["Fee: free." if f.free else f"Fee: {f.amount_en or f.amount}."]
    else:  # ask_location
        body = [location_line(guide, lang), f"咨询电话：{guide.phone}" if zh else f"Phone: {guide.phone}"]
        if guide.appointment.required:
            body.append(f"需要预约：{guide.appointment.how or ''}" if zh else "An appointment is required.")
    if intent != "ask_online":
        body.append(online_line(guide, lang))
    if intent != "ask_location":
        body.append(visits_line(guide, lang))
    return Composed("\n".join([f"{title}" + ("" if zh else ":"), *body]))


def compose_guide(guide: Guide, intent: str, lang: str) -> Composed:
    composed = compose_materials(guide, lang) if intent == "ask_materials" else compose_field(guide, intent, lang)
    composed.text += "\n" + source_line(guide, lang)
    return composed


def compose_event(event: LifeEvent, guides: list[Guide], lang: str) -> str:
    zh = _zh(lang)
    head = f"“{event.name}”可以办理以下事项：" if zh else f"{event.name_en}: these services usually go together."
    lines = [head]
    if zh and event.summary:
        lines.append(event.summary)
    for i, g in enumerate(guides, 1):
        online = say(f"level_{g.online_level.value}", lang)
        lines.append(f"{i}. {g.name if zh else g.name_en}（{online}）" if zh else f"{i}. {g.name_en} ({online})")
    lines.append("点选一项查看需要的材料。" if zh else "Pick one to see what to bring.")
    return "\n".join(lines)


def message(key: str, lang: str) -> str:
    """A fixed sentence of the conversation, from the one catalogue of words."""
    return say(key, lang)
