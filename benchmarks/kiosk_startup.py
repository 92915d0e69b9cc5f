"""Kiosk cold start: process start -> first frame of the home screen, -> backend ready (engine loaded or
server reached), and peak RSS, with the embedded engine and with --server. Prints JSON.

    python benchmarks/kiosk_startup.py [--server URL] [--runs 3]

Each run is a fresh process in an off-screen window (SDL_VIDEODRIVER=offscreen), running the real
KioskApp.run() main loop; the models must already be trained (./run or `assistant train`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = r"""
import os, resource, sys, time, json
from kiosk.config import KioskSettings
from kiosk.run import build_app, configure_window
settings = KioskSettings(server_url=sys.argv[1], fullscreen=False, width=1080, height=1920)
configure_window(settings, windowed=True)
app = build_app(settings)
from kivy.clock import Clock
from kivy.core.window import Window
marks = {}
def rss_mb():
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the forking parent, so a kiosk started
    # by a benchmark that had just held 10,000 guides reported that parent's 1 GB as its own peak
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
def flipped(*_a):
    if "first_frame" not in marks and app.root is not None and app.root.ids.sm.current == "home":
        marks["first_frame"] = time.time()
        marks["rss_first_frame_mb"] = rss_mb()
def check(_dt):
    if "first_frame" in marks and not app.busy:
        marks["ready"] = time.time()
        use = resource.getrusage(resource.RUSAGE_SELF)
        marks["ready_cpu"] = use.ru_utime + use.ru_stime
        app.stop()
Window.bind(on_flip=flipped)
Clock.schedule_interval(check, 0.02)
app.run()
marks["peak_rss_mb"] = rss_mb()
marks["offline"] = bool(getattr(app.backend, "offline", False))
print("BENCH " + json.dumps(marks))
"""


def one_run(server: str) -> dict:
    env = {**os.environ, "KIVY_NO_ARGS": "1", "KIVY_NO_CONSOLELOG": "1", "KIVY_NO_FILELOG": "1",
           "KIVY_HOME": tempfile.mkdtemp(prefix="kivy-home-"), "SDL_VIDEODRIVER": "offscreen", "HF_HUB_OFFLINE": "1"}  # fmt: skip
    start = time.time()
    out = subprocess.run([sys.executable, "-c", CHILD, server], env=env, capture_output=True, text=True, timeout=600)
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"kiosk did not start:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
    marks = json.loads(line[6:])
    return {
        "first_frame_s": round(marks["first_frame"] - start, 3),
        "ready_s": round(marks["ready"] - start, 3),
        "ready_cpu_s": round(marks["ready_cpu"], 3),
        "rss_at_first_frame_mb": round(marks["rss_first_frame_mb"], 1),
        "peak_rss_mb": round(marks["peak_rss_mb"], 1),
        "offline": marks["offline"],
    }


def summarize(runs: list[dict]) -> dict:
    keys = ("first_frame_s", "ready_s", "ready_cpu_s", "rss_at_first_frame_mb", "peak_rss_mb")
    return {"runs": len(runs), **{f"median_{k}": statistics.median(r[k] for r in runs) for k in keys}, "each": runs}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default="", help="also measure against this server (e.g. http://127.0.0.1:8000)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    result = {"python": sys.version.split()[0], "cpus": os.cpu_count(), "embedded": summarize([one_run("") for _ in range(args.runs)])}
    if args.server:
        result["server"] = {"url": args.server, **summarize([one_run(args.server) for _ in range(args.runs)])}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
