"""Reading a knowledge source of any supported kind, and checking it."""

from __future__ import annotations

from pathlib import Path

import yaml

from assistant.kb.formats import read_json, read_xlsx
from assistant.kb.source import Knowledge, Problem, SourceError, load_knowledge, read_data


def read_source(path: Path) -> tuple[Knowledge, list[Problem]]:
    """A knowledge directory, an xlsx workbook or a JSON list of guides."""
    if path.is_dir():
        return load_knowledge(path)
    if not path.exists():
        return Knowledge(), [Problem(str(path), "", "no such file or directory")]
    try:
        if path.suffix.lower() == ".xlsx":
            return read_xlsx(path), []
        if path.suffix.lower() == ".json":
            return read_json(path), []
    except SourceError as exc:
        return Knowledge(), exc.problems
    return Knowledge(), [Problem(str(path), "", "expected a knowledge directory, an .xlsx or a .json file")]


def check_against_catalogue(kb: Knowledge, catalogue: Path) -> tuple[list[Problem], list[str]]:
    """Every catalogue service has a guide with the same names and category, and no guide is extra.

    Life-event bundles are the hall's to curate (a bundle may add the follow-up services its summary
    promises, or leave out a reissue new parents do not need), so a difference there is reported as a
    note for the curator, not as a problem."""
    try:
        data = read_data(catalogue)
        services = {s["id"]: s for s in data["services"]}
    except (SourceError, KeyError, TypeError, yaml.YAMLError) as exc:
        return [Problem(str(catalogue), "", f"unreadable catalogue: {exc}")], []
    problems, notes = [], []
    for sid, entry in services.items():
        guide = kb.guides.get(sid)
        if guide is None:
            problems.append(Problem(str(catalogue), sid, "no guide for this catalogue service"))
            continue
        for key in ("name", "name_en", "category"):
            if getattr(guide, key) != entry.get(key):
                problems.append(Problem(f"guides/{sid}.yaml", key, f"differs from catalogue: {entry.get(key)!r}"))
        listed, ours = set(entry.get("life_events") or []), set(guide.life_events)
        if listed != ours:
            change = [f"adds {', '.join(sorted(ours - listed))}"] if ours - listed else []
            change += [f"leaves out {', '.join(sorted(listed - ours))}"] if listed - ours else []
            notes.append(f"note: guides/{sid}.yaml:life_events: curated, {'; '.join(change)} (catalogue: {sorted(listed)})")
    for gid in kb.guides:
        if gid not in services:
            problems.append(Problem(f"guides/{gid}.yaml", "id", "unknown id: not in the catalogue"))
    return problems, notes
