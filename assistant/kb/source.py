"""Reading the knowledge base from files (YAML or JSON), with errors that name file and field."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from assistant.kb.rules import guide_problems
from assistant.kb.schema import Category, Guide, HallFAQ, LifeEvent, Synonyms

MAX_FILE_BYTES = 1_000_000  # a guide is a few KB; anything this big is a mistake or an attack
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.field}: {self.message}" if self.field else f"{self.file}: {self.message}"


class SourceError(Exception):
    """One or more problems in the source files; nothing was changed."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Knowledge:
    guides: dict[str, Guide] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    life_events: dict[str, LifeEvent] = field(default_factory=dict)
    synonyms: Synonyms = field(default_factory=Synonyms)
    faq: list[HallFAQ] = field(default_factory=list)


def read_data(path: Path) -> Any:
    """Parse one YAML/JSON file, refusing huge files and bytes that are not UTF-8."""
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError([Problem(name, "", f"cannot read: {exc.strerror}")]) from None
    if size > MAX_FILE_BYTES:
        raise SourceError([Problem(name, "", f"file is {size} bytes; the limit is {MAX_FILE_BYTES}")])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError([Problem(name, "", f"not UTF-8 text (bad byte at offset {exc.start})")]) from None
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise SourceError([Problem(name, f"line {exc.lineno}", f"malformed JSON: {exc.msg}")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        raise SourceError([Problem(name, where, f"malformed YAML: {reason}")]) from None


def validation_problems(file: str, exc: ValidationError) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(part) for part in err["loc"])
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        out.append(Problem(file, loc, msg))
    return out


def parse_model(model: type[M], data: Any, file: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise SourceError(validation_problems(file, exc)) from None


def load_guide(path: Path) -> Guide:
    guide = parse_model(Guide, read_data(path), str(path))
    if guide.id != path.stem:
        raise SourceError([Problem(str(path), "id", f"id '{guide.id}' does not match the file name '{path.stem}'")])
    rule_problems = [Problem(str(path), where, msg) for where, msg in guide_problems(guide)]
    if rule_problems:
        raise SourceError(rule_problems)
    return guide


def _load_list(path: Path, key: str, model: type[M]) -> tuple[list[M], list[Problem]]:
    if not path.exists():
        return [], []
    try:
        data = read_data(path)
    except SourceError as exc:
        return [], exc.problems
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        return [], [Problem(str(path), key, f"expected a top-level '{key}:' list")]
    items, problems = [], []
    marker = data.get("sample")  # the file's sample marker is each item's, so export keeps it
    for i, item in enumerate(data[key]):
        if marker is not None and isinstance(item, dict):
            item = {"sample": marker, **item}
        try:
            items.append(model.model_validate(item))
        except ValidationError as exc:
            problems += [Problem(p.file, f"{key}.{i}.{p.field}", p.message) for p in validation_problems(str(path), exc)]
    return items, problems


def guide_files(root: Path) -> list[Path]:
    folder = root / "guides" if (root / "guides").is_dir() else root
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in {".yaml", ".yml", ".json"} and p.is_file())


def load_knowledge(root: Path) -> tuple[Knowledge, list[Problem]]:
    """Read every file under ``root`` and cross-check references. Returns what parsed and all problems."""
    kb, problems = Knowledge(), []
    if not root.is_dir():
        return kb, [Problem(str(root), "", "not a directory")]
    for path in guide_files(root):
        try:
            guide = load_guide(path)
        except SourceError as exc:
            problems += exc.problems
            continue
        if guide.id in kb.guides:
            problems.append(Problem(str(path), "id", f"duplicate guide id '{guide.id}'"))
            continue
        kb.guides[guide.id] = guide
    categories, p = _load_list(root / "categories.yaml", "categories", Category)
    kb.categories, problems = {c.id: c for c in categories}, problems + p
    events, p = _load_list(root / "life_events.yaml", "life_events", LifeEvent)
    kb.life_events, problems = {e.id: e for e in events}, problems + p
    kb.faq, p = _load_list(root / "faq.yaml", "faq", HallFAQ)
    problems += p
    syn_path = root / "synonyms.yaml"
    if syn_path.exists():
        try:
            kb.synonyms = parse_model(Synonyms, read_data(syn_path), str(syn_path))
        except SourceError as exc:
            problems += exc.problems
    problems += cross_check(kb, root)
    return kb, problems


def cross_check(kb: Knowledge, root: Path) -> list[Problem]:
    """References between files: categories, life events (both directions), synonym targets."""
    problems = []
    folder = root / "guides"
    for gid, guide in kb.guides.items():
        file = str(folder / f"{gid}.yaml")
        if kb.categories and guide.category not in kb.categories:
            problems.append(Problem(file, "category", f"unknown category '{guide.category}'"))
        for i, event in enumerate(guide.life_events):
            if event not in kb.life_events:
                problems.append(Problem(file, f"life_events.{i}", f"unknown life event '{event}'"))
            elif gid not in kb.life_events[event].services:
                problems.append(Problem(file, f"life_events.{i}", f"life event '{event}' does not list this guide"))
    for event in kb.life_events.values():
        for i, sid in enumerate(event.services):
            if sid not in kb.guides:
                problems.append(Problem(str(root / "life_events.yaml"), f"{event.id}.services.{i}", f"unknown guide '{sid}'"))
            elif event.id not in kb.guides[sid].life_events:
                problems.append(
                    Problem(str(root / "life_events.yaml"), f"{event.id}.services.{i}", f"guide '{sid}' does not list this event")
                )
    for sid in kb.synonyms.services:
        if sid not in kb.guides:
            problems.append(Problem(str(root / "synonyms.yaml"), f"services.{sid}", f"unknown guide '{sid}'"))
    return problems
