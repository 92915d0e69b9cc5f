"""Display text for guides and materials (presentation only: which field, which language, which label)."""

from __future__ import annotations

from typing import Any



def name_of(item: dict[str, Any] | None, lang: str, field: str = "name") -> str:
    if not item:
        return ""
    return str((item.get(f"{field}_en") if lang == "en" else None) or item.get(field) or "")


def _form_label(form: str, lang: str) -> str:
    """A guide page's material form (the reply's materials carry their label already). Imported here,
    not at start: the schema costs pydantic, and only the detail screen needs it."""
    from assistant.kb.schema import FORM_LABELS, MaterialForm

    try:
        return FORM_LABELS[MaterialForm(form)][lang == "en"]
    except ValueError:
        return ""


def material_rows(materials: list[dict[str, Any]], lang: str, s: dict[str, str]) -> list[dict[str, Any]]:
    """Checklist rows: required first, then those needed only in some cases (with the case)."""
    rows = []
    for m in sorted(materials, key=lambda m: not m.get("required", True)):
        form = m.get("form_label") or _form_label(m.get("form", ""), lang)
        copies = m.get("copies", 1)
        bits = [b for b in (form, s["copy_one" if copies == 1 else "copies"].format(n=copies)) if b]
        required = bool(m.get("required", True))
        detail = ("，" if lang == "zh" else ", ").join(bits)
        condition = name_of(m, lang, "condition")
        if not required and condition:
            detail = f"{s['conditional']}：{condition}（{detail}）" if lang == "zh" else f"{s['conditional']}: {condition} ({detail})"
        elif m.get("reason"):  # moved into the list by the visitor's situation (the personal checklist)
            detail = f"{m['reason']}（{detail}）" if lang == "zh" else f"{m['reason']} ({detail})"
        rows.append({"title": name_of(m, lang), "detail": detail, "required": required})
    return rows


def guide_sections(guide: dict[str, Any], lang: str, s: dict[str, str]) -> list[tuple[str, str]]:
    """(title, body) blocks of the detail screen, in the order people ask about them."""
    en = lang == "en"
    out: list[tuple[str, str]] = []
    steps = [f"{i}. {name_of(step, lang, 'title')}" + (f"：{step['detail']}" if step.get("detail") and not en else "") for i, step in enumerate(guide.get("steps", []), 1)]
    out.append((s["steps"], "\n".join(steps)))
    tl = guide.get("time_limit", {})
    note = name_of(tl, lang, "note")
    days = tl.get("promised_days")
    # 0 days is 当场办结, never "0个工作日"; calendar-day limits say 日
    limit = s["wait"].format(n=tl["waiting_days"]) if tl.get("waiting_days") else s["spot"] if days == 0 else f"{days if days is not None else '?'}{s['days_calendar' if tl.get('promised_unit') == 'calendar' else 'days']}"
    out.append((s["time"], limit + (f"（{note}）" if note and not en else f" ({note})" if note else "")))
    fee = guide.get("fee", {})
    out.append((s["fee"], s["free"] if fee.get("free") else name_of(fee, lang, "amount")))
    loc = guide.get("location", {})
    windows = "、".join(loc.get("windows", []))
    out.append((s["window"], f"{name_of(loc, lang, 'hall')}（{loc.get('address', '')}）{windows}" if not en else f"{name_of(loc, lang, 'hall')}, windows {windows}"))
    out.append((s["hours"], name_of(guide, lang, "hours")))
    visits = guide.get("visits")
    if visits is not None:
        out.append((s["visits"], s["visits_0"] if visits == 0 else s["visits_n"].format(n=visits)))
    if guide.get("phone"):
        out.append((s["phone"], guide["phone"]))
    return out
