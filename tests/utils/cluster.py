"""Real deployments for tests: `assistant serve` worker processes on one database (and Redis), and
Debian's nginx running the project's deploy/nginx.conf in front of them."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.utils.live import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
NGINX_SITE = ROOT / "deploy" / "nginx.conf"


class Worker:
    """One `python -m assistant serve` process (a real process, so it can be killed with SIGKILL)."""

    def __init__(self, env: dict[str, str], log_dir: Path, name: str, port: int | None = None, *, log_level: str = "warning") -> None:
        self.env, self.name, self.port, self.log_level = env, name, port or free_port(), log_level
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, *, wait: float = 240) -> "Worker":
        out = self.log.open("ab")
        cmd = [sys.executable, "-m", "assistant", "serve", "--port", str(self.port), "--log-level", self.log_level]
        self.proc = subprocess.Popen(cmd, env=self.env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        out.close()
        deadline = time.time() + wait
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not start: {self.log.read_text(errors='replace')[-2000:]}")

    def kill(self) -> None:
        """kill -9: no shutdown, no flush, no goodbye."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def worker_env(data_dir: Path, database_url: str, redis_url: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update({
        "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1",
        "ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_DATABASE_URL": database_url,
        "ASSISTANT_KNOWLEDGE_DIR": str(ROOT / "knowledge"), "ASSISTANT_TRAINING_DIR": str(ROOT / "training"),
        "ASSISTANT_TRUSTED_PROXIES": "127.0.0.1",  # nginx on loopback
        "ASSISTANT_RATE_LIMIT_PER_MINUTE": "1000000", "ASSISTANT_HANDOFF_LIMIT_PER_HOUR": "1000000",
    })  # fmt: skip
    if redis_url:
        env["ASSISTANT_REDIS_URL"] = redis_url
    return env


def copy_data_dir(trained_dir: Path, dest: Path) -> Path:
    """The trained models (and index caches) without the source's SQLite database."""
    shutil.copytree(trained_dir, dest, ignore=shutil.ignore_patterns("*.db", "*.db-wal", "*.db-shm"))
    return dest


class Nginx:
    """nginx with deploy/nginx.conf as its only site: the same file, with the ports of this test."""

    def __init__(self, workers: list[Worker], work: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.work = work
        site = NGINX_SITE.read_text(encoding="utf-8")
        shipped = ("127.0.0.1:8001", "127.0.0.1:8002")
        for address, worker in zip(shipped, workers):
            site = site.replace(address, f"127.0.0.1:{worker.port}")
        for address in shipped[len(workers):]:  # fewer workers than the file lists: no upstream that is never there
            site = re.sub(rf"^\s*server {re.escape(address)}[^\n]*\n", "", site, flags=re.M)
        site = re.sub(r"listen 80;", f"listen 127.0.0.1:{self.port};", site)
        work.mkdir(parents=True, exist_ok=True)
        (work / "site.conf").write_text(site, encoding="utf-8")
        temp = "".join(f"    {k}_temp_path {work}/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (work / "nginx.conf").write_text(
            f"daemon off;\nworker_processes 1;\npid {work}/nginx.pid;\nerror_log {work}/error.log warn;\n"
            f"events {{ worker_connections 1024; }}\nhttp {{\n    access_log off;\n{temp}    include {work}/site.conf;\n}}\n",
            encoding="utf-8",
        )
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> "Nginx":
        check = subprocess.run(["nginx", "-t", "-c", str(self.work / "nginx.conf")], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t failed: {check.stderr}")
        self.proc = subprocess.Popen(["nginx", "-c", str(self.work / "nginx.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                httpx.get(f"{self.url}/healthz", timeout=2)
                return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("nginx did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
