"""Appointments and case progress, measured: (1) whether the retrained intent model tells the two new
intents from the others on phrasings not in training/, and leaves the dev questions where they were;
(2) how many bookings per second one slot area takes with visitors racing in threads.

    python benchmarks/appointments.py --data DIR_WITH_TRAINED_MODELS [--dev ../shared/dev-questions.jsonl]
        [--postgres postgresql+psycopg2://...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import tempfile
import threading
import time
from pathlib import Path

# not in training/templates.yml: other words for the same wishes
HELD_OUT = {
    "book_appointment": ["我想约个号明天去办驾驶证换证", "帮我订一个后天下午办社保卡的时间", "身份证换领能不能先约时间",
                         "给我排个下周二的号办户口迁移", "I need an appointment to renew my driving licence",
                         "could you reserve me a slot to get a social security card", "book me in for a passport on Friday"],
    "check_progress": ["我前天递交的护照申请现在怎么样了", "社保卡补办的进度能查吗", "我办的营业执照到哪个环节了",
                       "结婚登记的申请审核通过了吗", "has my passport application been processed",
                       "what's happening with my business licence application", "any update on my residence permit"],
}  # fmt: skip


def intents(data: Path, dev: Path | None) -> dict:
    from assistant.config import Settings
    from assistant.engine import Engine

    root = Path(__file__).resolve().parent.parent
    settings = Settings(data_dir=data, knowledge_dir=root / "knowledge", training_dir=root / "training")
    engine = Engine.load(settings, log=lambda _m: None)
    out: dict = {"held_out": {}}
    for intent, texts in HELD_OUT.items():
        got = [engine.dialogue.understanding.understand(t).intent.intent for t in texts]
        out["held_out"][intent] = {"right": sum(g == intent for g in got), "of": len(texts), "wrong": [t for t, g in zip(texts, got) if g != intent]}
    if dev and dev.exists():
        rows = [json.loads(line) for line in dev.read_text(encoding="utf-8").splitlines() if line.strip()]
        taken = [r["text"] for r in rows if engine.dialogue.understanding.understand(r["text"]).intent.intent in HELD_OUT]
        out["dev_questions_taken_by_new_intents"] = {"count": len(taken), "of": len(rows), "texts": taken}
    return out


def race(url: str, visitors: int = 40) -> dict:
    from assistant.appointments.book import BookingError, Bookings
    from assistant.appointments.slots import SlotRules
    from assistant.db import Database
    from assistant.kb.source import load_knowledge

    root = Path(__file__).resolve().parent.parent
    kb, _ = load_knowledge(root / "knowledge")
    db = Database(url)
    now = dt.datetime(2026, 12, 2, 8, 0)
    bookings = Bookings(db, kb.guides.get, SlotRules(capacity=visitors // 4), now=lambda: now)
    slots = [f"2026-12-03T{h}" for h in ("09:00", "09:30", "10:00", "10:30")]
    start, results = threading.Barrier(visitors), []

    def visitor(i: int) -> None:
        start.wait()
        t = time.perf_counter()
        try:
            bookings.book(service_id="passport", slot=slots[i % 2], name="测试", mobile=f"1380000{i:04d}")
            results.append(("ok", time.perf_counter() - t))
        except BookingError as exc:
            results.append((exc.key, time.perf_counter() - t))

    threads = [threading.Thread(target=visitor, args=(i,)) for i in range(visitors)]
    t0 = time.perf_counter()
    [t.start() for t in threads]
    [t.join() for t in threads]
    wall = time.perf_counter() - t0
    db.dispose()
    ok = sum(1 for r in results if r[0] == "ok")
    lat = sorted(r[1] for r in results)
    return {"visitors": visitors, "places": 2 * (visitors // 4), "booked": ok, "refused_full": sum(1 for r in results if r[0] == "appt_full"),
            "requests_per_s": round(visitors / wall, 1), "p50_ms": round(lat[len(lat) // 2] * 1000, 1), "max_ms": round(lat[-1] * 1000, 1)}  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--data", type=Path)
    p.add_argument("--dev", type=Path)
    p.add_argument("--postgres")
    args = p.parse_args()
    report: dict = {}
    if args.data:
        work = Path(tempfile.mkdtemp())
        shutil.copytree(args.data, work, dirs_exist_ok=True)
        report["intents"] = intents(work, args.dev)
    with tempfile.TemporaryDirectory() as tmp:
        report["race_sqlite"] = race(f"sqlite:///{tmp}/race.db")
    if args.postgres:
        from sqlalchemy import create_engine, text

        eng = create_engine(args.postgres)
        with eng.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        eng.dispose()
        report["race_postgres"] = race(args.postgres)
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
