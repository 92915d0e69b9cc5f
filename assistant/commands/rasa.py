"""`assistant rasa export | setup | train | run`: the Rasa project in training/."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, NoReturn

from assistant.config import PROJECT_ROOT, Settings, get_settings

RASA_PORT = 5005
ACTIONS_PORT = 5055
READY_TIMEOUT = 600.0  # the Rasa server needs about a minute to load a model on two shared cores


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def rasa_venv() -> Path:
    venv = Path(os.environ.get("RASA_VENV", ".rasa-venv"))
    return venv if venv.is_absolute() else PROJECT_ROOT / venv


def rasa_bin() -> Path:
    return rasa_venv() / "bin" / "rasa"


def rasa_env(**extra: str) -> dict[str, str]:
    quiet = {"SQLALCHEMY_SILENCE_UBER_WARNING": "1", "RASA_TELEMETRY_ENABLED": "false", "PYTHONUNBUFFERED": "1"}
    return {**os.environ, **quiet, **extra}


def _need_rasa() -> Path | None:
    if rasa_bin().exists():
        return rasa_bin()
    _log(f"Rasa is not installed in {rasa_venv()}: run `assistant rasa setup` (or training/setup-rasa)")
    return None


def train_command(settings: Settings, out: Path, *, fixed_name: str | None = None) -> list[str]:
    training = settings.training_dir
    cmd = [
        str(rasa_bin()), "train", "--data", str(training / "data"), "--config", str(training / "config.yml"),
        "--domain", str(training / "domain.yml"), "--out", str(out),
    ]  # fmt: skip
    return cmd + (["--fixed-model-name", fixed_name] if fixed_name else [])


@dataclass
class RasaProcesses:
    """The Rasa server and the action server as child processes of this one."""

    rasa: subprocess.Popen[bytes]
    actions: subprocess.Popen[bytes]
    rasa_url: str
    actions_url: str
    logs: list[Path] = field(default_factory=list)
    files: list[IO[bytes]] = field(default_factory=list)

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        import httpx  # here: `assistant serve` and every other command parse this module's arguments

        deadline = time.monotonic() + timeout
        pending = {"Rasa server": f"{self.rasa_url}/status", "action server": f"{self.actions_url}/health"}
        while pending:
            for proc, name in ((self.rasa, "Rasa server"), (self.actions, "action server")):
                if proc.poll() is not None:
                    raise RuntimeError(f"the {name} exited with code {proc.returncode}" + self._log_hint())
            for name, url in list(pending.items()):
                try:
                    if httpx.get(url, timeout=2).status_code == 200:
                        del pending[name]
                except httpx.HTTPError:
                    pass
            if pending and time.monotonic() > deadline:
                raise TimeoutError(f"not ready after {timeout:.0f}s: {', '.join(pending)}" + self._log_hint())
            if pending:
                time.sleep(1)

    def _log_hint(self) -> str:
        return f" (logs: {', '.join(map(str, self.logs))})" if self.logs else ""

    def stop(self) -> None:
        for proc in (self.rasa, self.actions):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in (self.rasa, self.actions):
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        for f in self.files:
            f.close()


def start_rasa(
    settings: Settings, *, model: Path, assistant_url: str, rasa_port: int = RASA_PORT,
    actions_port: int = ACTIONS_PORT, log_dir: Path | None = None,
) -> RasaProcesses:  # fmt: skip
    """Start `rasa run --enable-api` and `rasa run actions` (cwd training/); the actions ask `assistant_url`."""
    training = settings.training_dir
    endpoints = training / "endpoints.yml"
    if actions_port != ACTIONS_PORT:
        if log_dir is None:
            raise ValueError("a non-default actions port needs log_dir for its endpoints file")
        endpoints = log_dir / "endpoints.yml"
        endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n', encoding="utf-8")

    logs = [log_dir / "rasa.log", log_dir / "actions.log"] if log_dir else []
    files = [open(path, "wb") for path in logs]  # noqa: SIM115 (closed by RasaProcesses.stop)
    rasa_out, actions_out = files or (None, None)
    actions = subprocess.Popen(
        [str(rasa_bin()), "run", "actions", "--port", str(actions_port), "--actions", "actions"],
        cwd=training, env=rasa_env(ASSISTANT_URL=assistant_url), stdout=actions_out, stderr=subprocess.STDOUT,
    )  # fmt: skip
    rasa = subprocess.Popen(
        [
            str(rasa_bin()), "run", "--enable-api", "--port", str(rasa_port), "--cors", "*", "--model", str(model),
            "--endpoints", str(endpoints), "--credentials", str(training / "credentials.yml"),
        ],
        cwd=training, env=rasa_env(), stdout=rasa_out, stderr=subprocess.STDOUT,
    )  # fmt: skip
    urls = f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{actions_port}"
    return RasaProcesses(rasa, actions, *urls, logs=logs, files=files)


# --- commands -------------------------------------------------------------------------------------


def cmd_rasa_export(args: argparse.Namespace) -> int:
    import yaml

    from assistant.kb.source import load_knowledge
    from assistant.understanding.nlu_data import INTENTS, generate_nlu, set_domain_intents, write_nlu

    settings = get_settings()
    kb, problems = load_knowledge(Path(args.knowledge or settings.knowledge_dir))
    if problems:
        for p in problems:
            _log(str(p))
        return 1
    templates = yaml.safe_load((settings.training_dir / "templates.yml").read_text(encoding="utf-8"))
    data = generate_nlu(templates, kb)
    out = settings.training_dir / "data" / "nlu.yml"
    write_nlu(data, out)
    count = sum(len(b["examples"].splitlines()) for b in data["nlu"] if "intent" in b)
    _log(f"wrote {out}: {count} examples, {sum(1 for b in data['nlu'] if 'synonym' in b)} synonym groups")
    domain = settings.training_dir / "domain.yml"
    if domain.exists() and set_domain_intents(domain, INTENTS):
        _log(f"updated the intents in {domain}")
    return 0


def cmd_rasa_setup(args: argparse.Namespace) -> int:
    return subprocess.call([str(PROJECT_ROOT / "training" / "setup-rasa")], cwd=PROJECT_ROOT)


def cmd_rasa_train(args: argparse.Namespace) -> int:
    if _need_rasa() is None:
        return 1
    settings = get_settings()
    out = Path(args.out) if args.out else settings.data_dir / "rasa-models"
    start = time.perf_counter()
    code = subprocess.call(train_command(settings, out), cwd=PROJECT_ROOT, env=rasa_env())
    _log(f"rasa train finished with code {code} in {time.perf_counter() - start:.0f}s; models in {out}")
    return code


def cmd_rasa_run(args: argparse.Namespace) -> int:
    if _need_rasa() is None:
        return 1
    settings = get_settings()
    model = Path(args.model) if args.model else settings.data_dir / "rasa-models"
    if not model.exists() or (model.is_dir() and not any(model.glob("*.tar.gz"))):
        _log(f"no trained Rasa model in {model}: run `assistant rasa train`")
        return 1
    assistant_url = args.assistant_url or f"http://{settings.host}:{settings.port}"

    def terminate(signum: int, frame: object) -> NoReturn:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)  # stop the children on `kill` as on Ctrl-C
    procs = start_rasa(settings, model=model, assistant_url=assistant_url, rasa_port=args.port)
    try:
        _log("starting the Rasa server and the action server (loading the model takes about a minute)")
        procs.wait_ready()
        _log(f"ready: Rasa {procs.rasa_url} (REST {procs.rasa_url}/webhooks/rest/webhook), actions {procs.actions_url}, "
             f"answers from {assistant_url}. Ctrl-C stops both.")  # fmt: skip
        while procs.rasa.poll() is None and procs.actions.poll() is None:
            time.sleep(1)
        _log("a Rasa process exited; stopping the other")
        return 1
    except (RuntimeError, TimeoutError) as exc:
        _log(str(exc))
        return 1
    finally:
        procs.stop()


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    rasa = sub.add_parser("rasa", help="Rasa project in training/: export, setup, train, run").add_subparsers(dest="rasa_command", required=True)
    p = rasa.add_parser("export", help="generate training/data/nlu.yml (and the domain's intents) from templates and the knowledge base")
    p.add_argument("--knowledge", help="knowledge directory (default ASSISTANT_KNOWLEDGE_DIR)")
    p.set_defaults(func=cmd_rasa_export)

    p = rasa.add_parser("setup", help="create Rasa's own virtualenv (Python 3.10, rasa 3.6.21) in $RASA_VENV or .rasa-venv")
    p.set_defaults(func=cmd_rasa_setup)

    p = rasa.add_parser("train", help="rasa train on training/ into data/rasa-models")
    p.add_argument("--out", help="model directory (default <data dir>/rasa-models)")
    p.set_defaults(func=cmd_rasa_train)

    p = rasa.add_parser("run", help="run the Rasa server (port 5005, --enable-api) and the action server (5055)")
    p.add_argument("--model", help="model file or directory (default: newest in <data dir>/rasa-models)")
    p.add_argument("--port", type=int, default=RASA_PORT)
    p.add_argument("--assistant-url", help="where the actions ask (default http://ASSISTANT_HOST:ASSISTANT_PORT)")
    p.set_defaults(func=cmd_rasa_run)
