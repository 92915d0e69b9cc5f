"""The house matches its drawing: text -> understanding -> dialogue -> reply (service) -> channel.
Imports only go one way, and the engine's answering is called from one module."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [p for d in ("assistant", "kiosk", "benchmarks") for p in (ROOT / d).rglob("*.py")]


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth (lazy imports inside functions count too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


GRAPH = {module_name(p): imports(p) for p in SOURCES}
# The one catalogue of words is data: the kiosk renders its own labels from it (the web channels get
# them from the server); it imports nothing of the engine (test_the_catalogue_imports_nothing).
CATALOGUE = ("assistant.dialogue.words",)


def offenders(source_prefix: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    out = {}
    for mod, deps in GRAPH.items():
        if mod == source_prefix or mod.startswith(source_prefix + "."):
            allowed = CATALOGUE if source_prefix == "kiosk" else ()
            bad = sorted(d for d in deps if any(d == f or d.startswith(f + ".") for f in forbidden)
                         and not any(d == a or d.startswith(a + ".") for a in allowed))
            if bad:
                out[mod] = bad
    return out


# (who, must not import) — each line is one arrow of the drawing that must not point backwards
RULES = [
    ("kiosk", ("assistant.server", "fastapi", "starlette")),
    ("assistant.handoff", ("assistant.dialogue", "assistant.understanding", "assistant.server", "assistant.service", "assistant.records")),
    ("assistant.records", ("assistant.dialogue", "assistant.understanding", "assistant.server", "assistant.service")),
    ("assistant.accounts", ("assistant.dialogue", "assistant.understanding", "assistant.server", "assistant.service", "assistant.handoff")),
    ("assistant.kb", ("assistant.understanding", "assistant.dialogue", "assistant.server", "assistant.service", "assistant.handoff")),
    ("assistant.understanding", ("assistant.dialogue", "assistant.server", "assistant.service", "assistant.handoff")),
    ("assistant.dialogue", ("assistant.server", "assistant.service", "assistant.storage", "assistant.handoff", "fastapi")),
    ("assistant.service", ("assistant.server", "fastapi", "starlette", "kivy", "kiosk")),
    ("assistant.storage", ("assistant.server", "assistant.dialogue", "fastapi")),
    ("assistant.engine", ("assistant.server", "assistant.service", "fastapi")),
    # channels reach the engine only through the service
    ("assistant.server.routes.chat", ("assistant.dialogue", "assistant.understanding", "assistant.engine")),
    ("assistant.server.routes.rasa", ("assistant.dialogue", "assistant.understanding", "assistant.engine")),
    ("assistant.server.socketio_channel", ("assistant.dialogue", "assistant.understanding", "assistant.engine")),
    ("kiosk", ("assistant.dialogue", "assistant.understanding", "assistant.engine")),
]


def test_imports_point_one_way() -> None:
    broken = {f"{who} must not import {', '.join(bad)}": mod for who, forbidden in RULES for mod, bad in offenders(who, forbidden).items()}
    assert not broken, broken


def test_the_rules_see_real_modules() -> None:
    """A guard for the guard: the graph holds the modules the rules talk about."""
    for name in ("assistant.service", "assistant.handoff.service", "assistant.server.routes.chat", "kiosk.backend", "assistant.dialogue.manager"):
        assert name in GRAPH, name
    assert "assistant.dialogue.manager" in GRAPH["assistant.service"]


def test_the_engine_answers_through_one_module() -> None:
    """Only assistant/service.py asks the engine (and the engine itself runs the dialogue)."""
    calls = re.compile(r"\bengine\.ask\(|\.dialogue\.handle\(|\bDialogue\(")
    allowed = {ROOT / "assistant" / "service.py", ROOT / "assistant" / "engine.py"}
    found = [str(p.relative_to(ROOT)) for p in [*SOURCES, *(ROOT / "training").rglob("*.py")] if p not in allowed and calls.search(p.read_text(encoding="utf-8"))]
    assert not found, found


def test_channels_reach_conversations_through_the_service() -> None:
    """Conversation state belongs to the engine and the service; a channel asks the service for a
    conversation's id or language instead of reading the session store."""
    reads = re.compile(r"\.sessions\.(get|peek|drop)\(")
    allowed = {ROOT / "assistant" / "service.py", ROOT / "assistant" / "engine.py"}
    found = [str(p.relative_to(ROOT)) for p in SOURCES if p not in allowed and "dialogue" not in p.parts and reads.search(p.read_text(encoding="utf-8"))]
    assert not found, found


def test_the_catalogue_imports_nothing() -> None:
    deps = {d for d in GRAPH["assistant.dialogue.words"] if d.startswith("assistant")}
    assert deps == set(), deps
