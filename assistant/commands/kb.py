"""`assistant kb import | check | export | show`: the knowledge base from files into the database and back."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.config import get_settings


def _database(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from assistant.db import Database

    return Database(args.database_url or get_settings().database_url)


def cmd_kb_import(args: argparse.Namespace) -> int:
    from assistant.kb.service import read_source
    from assistant.kb.store import import_knowledge

    kb, problems = read_source(Path(args.path))
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        print(f"import refused: {len(problems)} problem(s); nothing was changed", file=sys.stderr)
        return 1
    db = _database(args)
    try:
        with db.session() as session:
            report = import_knowledge(session, kb=kb, author=args.author, prune=args.prune)
            if args.dry_run:
                session.rollback()
    finally:
        db.dispose()
    prefix = "dry run, would be: " if args.dry_run else ""
    print(f"{prefix}{len(kb.guides)} guides: {report.summary()}")
    for label in ("added", "updated", "removed"):
        for gid in getattr(report, label):
            print(f"  {label}: {gid}")
    return 0


def cmd_kb_check(args: argparse.Namespace) -> int:
    from assistant.kb.service import check_against_catalogue, read_source

    kb, problems = read_source(Path(args.path))
    notes: list[str] = []
    if args.catalogue:
        extra, notes = check_against_catalogue(kb, Path(args.catalogue))
        problems += extra
    for p in problems:
        print(p)
    bad = {Path(p.file).stem for p in problems if Path(p.file).parent.name == "guides"}
    valid = sum(1 for g in kb.guides if g not in bad)
    for note in notes:
        print(note)
    print(f"{valid} valid guides, {len(problems)} problem(s)")
    return 1 if problems else 0


def cmd_kb_export(args: argparse.Namespace) -> int:
    from assistant.kb.formats import dump_yaml, knowledge_json, write_xlsx, write_yaml_dir
    from assistant.kb.store import load_knowledge_from_db

    db = _database(args)
    try:
        with db.session() as session:
            kb = load_knowledge_from_db(session)
    finally:
        db.dispose()
    out = Path(args.output) if args.output else None
    if args.format == "xlsx":
        if out is None:
            print("xlsx export needs -o FILE.xlsx", file=sys.stderr)
            return 2
        write_xlsx(kb, out)
    elif args.format == "yaml" and out is not None and out.suffix not in (".yaml", ".yml"):
        write_yaml_dir(kb, out)
    else:
        data = knowledge_json(kb)
        text = json.dumps(data, ensure_ascii=False, indent=2) if args.format == "json" else dump_yaml(data)
        if out is None:
            sys.stdout.write(text + "\n")
        else:
            out.write_text(text + "\n", encoding="utf-8")
    if out is not None:
        print(f"exported {len(kb.guides)} guides to {out}", file=sys.stderr)
    return 0


def cmd_kb_show(args: argparse.Namespace) -> int:
    from assistant.kb.formats import dump_yaml
    from assistant.kb.store import get_guide, guide_json

    db = _database(args)
    try:
        with db.session() as session:
            guide = get_guide(session, guide_id=args.id)
    finally:
        db.dispose()
    if guide is None:
        print(f"no guide with id '{args.id}' (try `assistant kb export --format json`)", file=sys.stderr)
        return 1
    data = guide_json(guide)
    print(json.dumps(data, ensure_ascii=False, indent=2) if args.json else dump_yaml(data))
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    settings = get_settings()
    kb = sub.add_parser("kb", help="knowledge base: import, check, export, show").add_subparsers(dest="kb_command", required=True)
    p = kb.add_parser("import", help="import a knowledge directory, xlsx or JSON (all or nothing)")
    p.add_argument("path", nargs="?", default=str(settings.knowledge_dir))
    p.add_argument("--prune", action="store_true", help="delete guides that are not in the source")
    p.add_argument("--dry-run", action="store_true", help="report what would change, change nothing")
    p.add_argument("--author", default="import")
    p.set_defaults(func=cmd_kb_import)
    p = kb.add_parser("check", help="validate every guide and cross-reference")
    p.add_argument("path", nargs="?", default=str(settings.knowledge_dir))
    p.add_argument("--catalogue", help="also compare with a service catalogue YAML")
    p.set_defaults(func=cmd_kb_check)
    p = kb.add_parser("export", help="export the stored knowledge base")
    p.add_argument("--format", choices=["json", "yaml", "xlsx"], default="json")
    p.add_argument("-o", "--output", help="file (or directory for yaml); default stdout")
    p.set_defaults(func=cmd_kb_export)
    p = kb.add_parser("show", help="show one stored guide")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_kb_show)
