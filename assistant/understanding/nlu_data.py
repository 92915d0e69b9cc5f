"""Intent training data in Rasa NLU YAML: reading it, and generating it from templates x knowledge base."""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.kb.source import Knowledge
from assistant.understanding.text import is_cjk, is_plain_name

INTENTS = (
    "ask_materials", "ask_online", "ask_process", "ask_duration", "ask_fee", "ask_location",
    "request_human", "greet", "goodbye", "out_of_scope", "out_of_hall", "ask_hall", "book_appointment", "check_progress",
)  # fmt: skip
# out_of_scope: no government matter at all; out_of_hall: a government matter no guide here covers
OUT_OF_SCOPE = ("out_of_scope", "out_of_hall")
SERVICE_INTENTS = INTENTS[:6]
SERVICE_MARK = "□"
_ENTITY = re.compile(r"\[([^\]]+)\](\{[^}]*\}|\([^)]*\))")


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    service: str | None = None
    span: str | None = None  # the words naming the service

    @property
    def residual(self) -> str:
        """The text with the service name replaced by a placeholder: what is left says the intent."""
        return self.text.replace(self.span, SERVICE_MARK) if self.span else self.text


def named_in_part(examples: list[Example], kb: Knowledge, cut, *, limit: int) -> list[Example]:  # type: ignore[no-untyped-def]
    """Copies of Chinese examples with the service named in part, as people name it: the span replaced
    by a run of whole words of the guide's official name (内地居民离婚登记 -> 离婚登记), three characters
    or more and not the whole name. The generated examples name services exactly; questions that name
    one in part are what the lexical channels' confidence must be validated on too. ``cut`` splits a
    name into words; at most ``limit`` copies, one per example, each run drawn by the example's text."""
    runs: dict[str, list[str]] = {}
    out = []
    for e in examples:
        guide = kb.guides.get(e.service or "")
        if guide is None or not e.span or e.span.isascii():
            continue
        if guide.id not in runs:
            words = cut(guide.name)
            found = ("".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1))
            runs[guide.id] = [r for r in dict.fromkeys(found) if 3 <= len(r) < len(guide.name) and is_cjk(r)]
        if runs[guide.id]:
            part = draws("part", e.text).choice(runs[guide.id])
            out.append(Example(e.text.replace(e.span, part, 1), e.intent, e.service, part))
        if len(out) >= limit:
            break
    return out


def strip_entities(text: str) -> tuple[str, str | None, str | None]:
    """'[身份证丢了]{"entity": "service", "value": "id-card-replacement"}要带什么' -> text, service id, span."""
    service = span = None
    for match in _ENTITY.finditer(text):
        spec = match.group(2)
        if spec.startswith("{"):
            data = json.loads(spec)
            if data.get("entity") == "service":
                service, span = data.get("value", match.group(1)), match.group(1)
        elif spec == "(service)":
            service = span = match.group(1)
    return _ENTITY.sub(lambda m: m.group(1), text), service, span


def load_yaml(text: str) -> Any:
    """yaml.safe_load with libyaml's parser when PyYAML has it (ten times faster on the 2,000-line nlu.yml)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 (a safe loader)


def read_nlu(path: Path) -> list[Example]:
    data = load_yaml(path.read_text(encoding="utf-8")) or {}
    out = []
    for block in data.get("nlu", []):
        if "intent" not in block:
            continue
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                text, service, span = strip_entities(line[2:].strip())
                out.append(Example(text, block["intent"], service, span))
    return out


def _surfaces(kb: Knowledge) -> dict[str, tuple[list[str], list[str]]]:
    """guide id -> (Chinese names, English names) people use for it."""
    out = {}
    for gid, guide in kb.guides.items():
        zh = [guide.name, *guide.keywords, *kb.synonyms.services.get(gid, [])]
        zh = [s for s in dict.fromkeys(zh) if not s.isascii() and is_plain_name(s)]
        en = [guide.name_en.split(" (")[0].lower(), guide.name_en.lower()]
        out[gid] = (zh, list(dict.fromkeys(en)))
    return out


def draws(*parts: object) -> random.Random:
    """A random stream of its own for one generated example, seeded by what the example is made from
    (random.Random hashes a str seed with SHA-512, so it is the same in every process). A change to one
    guide (a new keyword) then changes only that guide's examples, and a retrain re-encodes only those;
    one shared stream would have shifted every later draw and made every example new."""
    return random.Random("\x00".join(map(str, parts)))


def generate_nlu(templates: dict[str, Any], kb: Knowledge, *, per_template: int = 3, seed: int = 7) -> dict[str, Any]:
    """Every service appears under every service intent; each template is filled a few times."""
    surfaces = _surfaces(kb)
    ids = sorted(surfaces)
    blocks = []
    for intent, spec in templates["intents"].items():
        examples: list[str] = []
        for lang in ("zh", "en"):
            rotation = ids[:]
            draws(seed, intent, lang).shuffle(rotation)  # which guide fills which template: the ids only
            cursor = 0
            for t, template in enumerate(spec.get(f"with_service_{lang}", [])):
                for k in range(per_template):
                    gid = rotation[cursor % len(rotation)]
                    cursor += 1
                    name = draws(seed, intent, lang, t, k, gid).choice(surfaces[gid][0 if lang == "zh" else 1])
                    entity = json.dumps({"entity": "service", "value": gid}, ensure_ascii=False)
                    examples.append(template.replace("{service}", f"[{name}]{entity}"))
            examples += spec.get(f"without_service_{lang}", []) + spec.get(f"examples_{lang}", [])
        if intent == "ask_materials":  # a bare service name asks what is needed
            for gid in ids:
                entity = json.dumps({"entity": "service", "value": gid}, ensure_ascii=False)
                zh = surfaces[gid][0]
                names = [*zh[:2], *surfaces[gid][1][:1], *draws(seed, intent, gid).sample(zh, min(2, len(zh)))]
                examples += [f"[{name}]{entity}" for name in dict.fromkeys(names)]
        if intent == "out_of_scope":
            examples += city_chat_examples(templates, seed)
        if intent == "out_of_hall":
            examples += gap_examples(templates, seed) + elsewhere_examples(templates, kb, surfaces, seed)
        if intent == "ask_hall":  # questions about the hall itself, from the hall FAQ (and its other phrasings)
            examples += [q for f in kb.faq for q in (f.q, f.q_en, *f.also) if q]
        blocks.append({"intent": intent, "examples": "".join(f"- {e}\n" for e in dict.fromkeys(examples))})
    synonyms = []
    for gid in ids:
        names = [n for n in (*surfaces[gid][0], *surfaces[gid][1]) if n != gid]
        synonyms.append({"synonym": gid, "examples": "".join(f"- {n}\n" for n in names)})
    return {"version": "3.1", "nlu": blocks + synonyms}


def gap_examples(templates: dict[str, Any], seed: int = 7) -> list[str]:
    """Negatives from the catalogue's gaps: a matter no guide covers, asked the way services are asked
    (the service intents' templates filled with the gap's name, no service entity)."""
    gaps = templates.get("gaps") or {}
    out = []
    for lang in ("zh", "en"):
        for name in gaps.get(lang, []):
            for intent in templates.get("gap_intents", []):
                pool = templates["intents"][intent].get(f"with_service_{lang}", [])
                for template in draws(seed, "gap", lang, name, intent).sample(pool, min(int(templates.get("gap_per_intent", 1)), len(pool))):
                    out.append(template.replace("{service}", name))
    return out


def elsewhere_examples(templates: dict[str, Any], kb: Knowledge, surfaces: dict[str, tuple[list[str], list[str]]], seed: int = 7) -> list[str]:
    """Negatives for another city's matter: a service this hall handles only for its own city (通办范围
    local) named as another city's ("深圳的<service>"), asked with the service intents' templates. A
    cross-region service (身份证 跨省通办) is left out: another city's card can be handled here.
    Each city takes the names of lowest hash for it, so a new name changes at most one of its examples."""
    spec = templates.get("elsewhere") or {}
    local = sorted(gid for gid, g in kb.guides.items() if getattr(g.scope, "value", g.scope) == "local")
    names = [(gid, n) for gid in local for n in surfaces.get(gid, ([], []))[0] if len(n) <= 6]
    pool = [t for intent in templates.get("gap_intents", []) for t in templates["intents"][intent].get("with_service_zh", [])]
    if not names or not pool:
        return []
    out = []
    for city in spec.get("cities", []):
        rank = lambda item: draws(seed, "elsewhere", city, *item).random()  # noqa: E731
        for gid, name in sorted(names, key=rank)[: int(spec.get("per_city", 3))]:
            out.append(draws(seed, "elsewhere", city, gid, name, "template").choice(pool).replace("{service}", f"{city}的{name}"))
    return out


def city_chat_examples(templates: dict[str, Any], seed: int = 7) -> list[str]:
    """General text naming the same cities (weather, travel, distances): a place alone makes no
    government matter, so the other-city negatives are learned by their service, not their city."""
    spec = templates.get("elsewhere") or {}
    cities, pool = list(spec.get("cities", [])), list(spec.get("general", []))
    out = []
    for city in cities if pool else []:
        rng = draws(seed, "city", city)
        for template in rng.sample(pool, min(int(spec.get("general_per_city", 1)), len(pool))):
            other = rng.choice([c for c in cities if c != city] or [city])
            out.append(template.replace("{city}", city).replace("{other}", other))
    return out


class _LiteralDumper(yaml.SafeDumper):
    pass


_LiteralDumper.add_representer(
    str, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", s, style="|" if "\n" in s else None)
)


def write_nlu(data: dict[str, Any], path: Path) -> None:
    header = "# Generated by `assistant rasa export` from training/templates.yml and knowledge/. Do not edit by hand.\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + yaml.dump(data, Dumper=_LiteralDumper, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")


_DOMAIN_INTENTS = re.compile(r"^intents:[ \t]*\n(?:(?:[ \t]*-[^\n]*|[ \t]*#[^\n]*|[ \t]*)\n)*", re.MULTILINE)


def set_domain_intents(path: Path, intents: tuple[str, ...] | list[str]) -> bool:
    """Rewrite the top-level `intents:` list of a Rasa domain.yml in place (comments elsewhere kept).
    Returns whether the file changed."""
    text = path.read_text(encoding="utf-8")
    block = "intents:\n" + "".join(f"- {name}\n" for name in intents) + "\n"
    new, count = _DOMAIN_INTENTS.subn(block, text, count=1)
    if count == 0:
        new = text.rstrip("\n") + "\n\n" + block
    if new == text:
        return False
    path.write_text(new, encoding="utf-8")
    return True
