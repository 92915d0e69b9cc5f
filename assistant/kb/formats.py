"""Export and import of the whole knowledge base as JSON, YAML (a knowledge directory) and xlsx.

xlsx follows how offices keep such tables: one sheet per table. Nested objects become dotted
columns (``fee.amount``); lists of plain values are JSON in a column whose header ends in ``[]``;
lists of objects (materials, steps, faq, legal_basis) get their own sheet keyed by guide id and order.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from assistant.hygiene import clean_text
from assistant.kb.rules import guide_problems
from assistant.kb.schema import Category, Guide, HallFAQ, LifeEvent, Synonyms
from assistant.kb.source import (
    MAX_FILE_BYTES,
    Knowledge,
    Problem,
    SourceError,
    read_data,
    validation_problems,
)
from assistant.kb.store import guide_json

CHILD_TABLES = ("legal_basis", "materials", "steps", "faq")
SAMPLE_NOTE = "# 示例数据：虚构城市“示例市”的办事指南，仅供演示。Sample data for the fictional city 示例市.\n"


def knowledge_json(kb: Knowledge) -> list[dict[str, Any]]:
    return [guide_json(g) for g in kb.guides.values()]


def dump_yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200)


def write_yaml_dir(kb: Knowledge, out: Path) -> None:
    (out / "guides").mkdir(parents=True, exist_ok=True)
    for guide in kb.guides.values():
        (out / "guides" / f"{guide.id}.yaml").write_text(SAMPLE_NOTE + dump_yaml(guide_json(guide)), encoding="utf-8")
    docs = {
        "categories": {"sample": all(c.sample for c in kb.categories.values()), "categories": [c.model_dump(mode="json") for c in kb.categories.values()]},
        "life_events": {"sample": all(e.sample for e in kb.life_events.values()), "life_events": [e.model_dump(mode="json", exclude_none=True) for e in kb.life_events.values()]},
        "synonyms": kb.synonyms.model_dump(mode="json"),
        "faq": {"sample": all(f.sample for f in kb.faq), "faq": [f.model_dump(mode="json", exclude_none=True) for f in kb.faq]},
    }
    for name, data in docs.items():
        (out / f"{name}.yaml").write_text(SAMPLE_NOTE + dump_yaml(data), encoding="utf-8")


# --- xlsx -----------------------------------------------------------------------------------------


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[f"{name}[]"] = json.dumps(value, ensure_ascii=False)
        else:
            flat[name] = value
    return flat


def _unflatten(flat: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for column, value in flat.items():
        if value is None or value == "":
            continue
        if column.endswith("[]"):
            column, value = column[:-2], json.loads(value) if isinstance(value, str) else value
        node = data
        *parents, leaf = column.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return data


def _write_sheet(wb: Any, title: str, rows: list[dict[str, Any]], first: list[str]) -> None:
    ws = wb.create_sheet(title)
    columns = list(first)
    for row in rows:
        columns += [c for c in row if c not in columns]
    ws.append(columns)
    for row in rows:
        ws.append([clean_text(row.get(c)) for c in columns])  # a stray control character must not break the export


def write_xlsx(kb: Knowledge, out: Path) -> None:
    from openpyxl import Workbook  # imported when used: 0.4 s at every server start otherwise

    wb = Workbook()
    wb.remove(wb.active)
    guide_rows: list[dict[str, Any]] = []
    children: dict[str, list[dict[str, Any]]] = {t: [] for t in CHILD_TABLES}
    for guide in kb.guides.values():
        data = guide_json(guide)
        for table in CHILD_TABLES:
            for seq, item in enumerate(data.pop(table, []), start=1):
                children[table].append({"guide_id": guide.id, "seq": seq, **_flatten(item)})
        guide_rows.append(_flatten(data))
    _write_sheet(wb, "guides", guide_rows, ["id", "name", "name_en"])
    for table in CHILD_TABLES:
        _write_sheet(wb, table, children[table], ["guide_id", "seq"])
    _write_sheet(wb, "categories", [_flatten(c.model_dump(mode="json")) for c in kb.categories.values()], ["id"])
    _write_sheet(wb, "life_events", [_flatten(e.model_dump(mode="json", exclude_none=True)) for e in kb.life_events.values()], ["id"])
    _write_sheet(wb, "synonym_terms", [{"term": t, "variants[]": json.dumps(v, ensure_ascii=False)} for t, v in kb.synonyms.terms.items()], ["term"])
    _write_sheet(wb, "synonym_services", [{"guide_id": g, "names[]": json.dumps(v, ensure_ascii=False)} for g, v in kb.synonyms.services.items()], ["guide_id"])
    _write_sheet(wb, "hall_faq", [_flatten(f.model_dump(mode="json", exclude_none=True)) for f in kb.faq], ["id"])
    wb.save(out)


def _sheet_rows(wb: Any, title: str) -> list[dict[str, Any]]:
    if title not in wb.sheetnames:
        return []
    rows = wb[title].iter_rows(values_only=True)
    header = next(rows, None) or ()
    return [dict(zip(header, r)) for r in rows if any(v not in (None, "") for v in r)]


def read_xlsx(path: Path) -> Knowledge:
    name = str(path)
    if path.stat().st_size > 20 * MAX_FILE_BYTES:
        raise SourceError([Problem(name, "", "workbook is too large")])
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise SourceError([Problem(name, "", f"not a readable xlsx workbook ({type(exc).__name__})")]) from None
    problems: list[Problem] = []
    try:
        guides: dict[str, dict[str, Any]] = {}
        for i, row in enumerate(_sheet_rows(wb, "guides"), start=2):
            data = _unflatten(row)
            if not isinstance(data.get("id"), str):
                problems.append(Problem(name, f"guides!row {i}.id", "missing guide id"))
                continue
            guides[data["id"]] = data
        for table in CHILD_TABLES:
            for i, row in enumerate(_sheet_rows(wb, table), start=2):
                gid = row.pop("guide_id", None)
                row.pop("seq", None)
                if gid not in guides:
                    problems.append(Problem(name, f"{table}!row {i}.guide_id", f"unknown guide '{gid}'"))
                    continue
                guides[gid].setdefault(table, []).append(_unflatten(row))
        kb = Knowledge()
        for gid, data in guides.items():
            try:
                kb.guides[gid] = Guide.model_validate(data)
                problems += [Problem(name, f"guides!{gid}.{where}", msg) for where, msg in guide_problems(kb.guides[gid])]
            except ValidationError as exc:
                problems += [Problem(p.file, f"guides!{gid}.{p.field}", p.message) for p in validation_problems(name, exc)]
        try:
            kb.categories = {c.id: c for c in (Category.model_validate(_unflatten(r)) for r in _sheet_rows(wb, "categories"))}
            kb.life_events = {e.id: e for e in (LifeEvent.model_validate(_unflatten(r)) for r in _sheet_rows(wb, "life_events"))}
            kb.faq = [HallFAQ.model_validate(_unflatten(r)) for r in _sheet_rows(wb, "hall_faq")]
            kb.synonyms = Synonyms(
                terms={r["term"]: json.loads(r["variants[]"]) for r in _sheet_rows(wb, "synonym_terms")},
                services={r["guide_id"]: json.loads(r["names[]"]) for r in _sheet_rows(wb, "synonym_services")},
            )
        except ValidationError as exc:
            problems += validation_problems(name, exc)
    except (json.JSONDecodeError, TypeError, KeyError) as exc:
        problems.append(Problem(name, "", f"malformed cell: {exc}"))
    finally:
        wb.close()
    if problems:
        raise SourceError(problems)
    return kb


def read_json(path: Path) -> Knowledge:
    data = read_data(path)
    if isinstance(data, dict):
        data = data.get("guides")
    if not isinstance(data, list):
        raise SourceError([Problem(str(path), "", "expected a list of guides")])
    kb, problems = Knowledge(), []
    for i, item in enumerate(data):
        try:
            guide = Guide.model_validate(item)
            kb.guides[guide.id] = guide
            problems += [Problem(str(path), f"{i}.{where}", msg) for where, msg in guide_problems(guide)]
        except ValidationError as exc:
            problems += [Problem(p.file, f"{i}.{p.field}", p.message) for p in validation_problems(str(path), exc)]
    if problems:
        raise SourceError(problems)
    return kb
