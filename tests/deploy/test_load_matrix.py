"""benchmarks/load_matrix.py in quick mode, so the load benchmark cannot rot: a few visitors for a few
seconds through nginx with the shipped config, in front of two workers on PostgreSQL and Redis and one
on SQLite; no error, and the result file holds every figure the README table is made of."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import required
from tests.deploy.conftest import services

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]
ROOT = Path(__file__).resolve().parent.parent.parent
FIELDS = {"deployment", "database", "workers", "guides", "mode", "visitors", "requests", "answered", "errors",
          "requests_per_s", "p50_ms", "p95_ms", "p99_ms", "load_before", "load_after"}  # fmt: skip


def test_the_load_matrix_runs_through_nginx(trained_settings, tmp_path) -> None:
    if not shutil.which("nginx"):
        required("nginx (apt-get install nginx; scripts/setup --dev does)", "ASSISTANT_REQUIRE_REDIS")
    pg, redis_url = services()
    out = tmp_path / "results-load.json"
    cmd = [sys.executable, "-m", "benchmarks.load_matrix", "--data", str(trained_settings.data_dir), "--postgres", pg, "--redis", redis_url,
           "--deployments", "postgres-2", "sqlite-1", "--visitors", "4", "--duration", "3", "--think", "0.2", "0.4",
           "--closed-visitors", "2", "--rounds", "1", "--warmup", "0", "--log-level", "warning", "--out", str(out)]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=480)
    assert done.returncode == 0, done.stderr[-3000:]
    runs = json.loads(out.read_text(encoding="utf-8"))["runs"]
    assert [(r["deployment"], r["mode"]) for r in runs] == [
        ("postgres-2", "open"), ("postgres-2", "closed"), ("sqlite-1", "open"), ("sqlite-1", "closed")]  # fmt: skip
    for r in runs:
        assert FIELDS <= set(r), FIELDS - set(r)
        assert r["errors"] == 0, r
        assert r["answered"] == r["requests"] > 0 and r["p50_ms"] <= r["p95_ms"] <= r["p99_ms"]
    assert runs[0]["workers"] == 2 and runs[0]["think_s"] == [0.2, 0.4]
    assert "| postgres-2 | 40 | open" in done.stdout  # the README table is printed
