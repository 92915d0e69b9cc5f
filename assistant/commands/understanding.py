"""`assistant train | ask | eval`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.config import get_settings


def _settings(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    settings = get_settings()
    if getattr(args, "database_url", ""):
        settings = settings.model_copy(update={"database_url": args.database_url})
    return settings


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def cmd_train(args: argparse.Namespace) -> int:
    from assistant.db import Database
    from assistant.engine import Paths, nlu_file
    from assistant.kb.store import load_knowledge_from_db
    from assistant.understanding.pipeline import train_whole

    settings = _settings(args)
    nlu = Path(args.nlu) if args.nlu else nlu_file(settings)
    if not nlu.exists():
        _log(f"{nlu} not found: run `assistant rasa export` first")
        return 1
    db = Database(settings.database_url)
    try:
        with db.session() as session:
            kb = load_knowledge_from_db(session)
    finally:
        db.dispose()
    if not kb.guides:
        _log("the database holds no guides: run `assistant kb import` first")
        return 1
    paths = Paths.of(settings)
    report = train_whole(kb, nlu, paths.models, base_encoder=settings.encoder_path, cache_dir=paths.cache, log=_log)
    _log(f"trained on {report.examples} examples in {report.seconds:.1f}s; adapter loss {[round(x, 3) for x in report.adapter_loss]}")
    return 0


def reply_json(reply: Any, text: str) -> dict[str, Any]:
    data = reply.model_dump(mode="json", exclude={"buttons", "materials_detail", "message_id", "silent", "text"})
    return {"text": text, "session": data.pop("session_id"), **data}


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.service import open_assistant

    if not args.jsonl and args.text is None:
        _log("give a question, or --jsonl to read JSON lines from stdin")
        return 2
    assistant = open_assistant(_settings(args), log=_log)
    if not args.jsonl:
        if not args.text.strip():
            _log("the question is empty")
            return 2
        reply = assistant.ask(args.text, session_id=args.session, lang=args.lang, channel="cli")
        print(json.dumps(reply_json(reply, args.text), ensure_ascii=False, indent=1) if args.json else reply.answer)
        return 0
    status = 0
    for n, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
                raise ValueError('expected {"text": "...", "session": optional}')
            session, lang = item.get("session"), item.get("lang")
            if lang not in (None, "zh", "en"):
                raise ValueError('"lang" must be "zh" or "en"')
            reply = assistant.ask(item["text"], session_id=str(session)[:64] if session is not None else None, lang=lang, channel="cli")
            print(json.dumps(reply_json(reply, item["text"]), ensure_ascii=False), flush=True)
        except ValueError as exc:  # JSONDecodeError is a ValueError
            print(json.dumps({"line": n, "error": str(exc)}, ensure_ascii=False), flush=True)
            status = 1
    return status


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.evaluation import evaluate, format_report, read_questions
    from assistant.service import open_assistant

    try:
        items = read_questions(Path(args.file))
    except (OSError, ValueError) as exc:
        _log(f"cannot read {args.file}: {exc}")
        return 2
    settings = _settings(args)
    if args.backend:
        settings = settings.model_copy(update={"nlu_backend": args.backend})
    assistant = open_assistant(settings, log=_log)
    remote = assistant.engine.understanding.remote
    if remote is not None and not remote.available():
        _log(f"Rasa is not answering at {remote.url}: start it with `assistant rasa run` (or use --backend embedded)")
        return 1
    report = evaluate(assistant, items)
    report["backend"] = settings.nlu_backend
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else format_report(report))
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("train", help="train the intent model, adapter and calibration from training/data/nlu.yml")
    p.add_argument("--nlu", help="Rasa NLU YAML file (default training/data/nlu.yml)")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("ask", help="ask a question from the command line")
    p.add_argument("text", nargs="?")
    p.add_argument("--session", help="session id: follow-ups reuse it")
    p.add_argument("--lang", choices=["zh", "en"])
    p.add_argument("--json", action="store_true", help="print the full reply as JSON")
    p.add_argument("--jsonl", action="store_true", help='read {"text", "session"} JSON lines from stdin, write one JSON line each')
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("eval", help="accuracy and latency on a labelled JSONL question file")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.add_argument("--backend", choices=["embedded", "rasa"], help="intent model (default ASSISTANT_NLU_BACKEND)")
    p.set_defaults(func=cmd_eval)

