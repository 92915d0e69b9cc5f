"""One settings object, read from the environment (prefix ASSISTANT_) and an optional .env file."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-secret-change-me"  # public: used only when ASSISTANT_DEV_FIXED_SECRET=1 in development
MIN_SECRET_CHARS = 32
SECRET_FILE = "secret_key"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_file=".env", extra="ignore")

    environment: str = "development"
    data_dir: Path = PROJECT_ROOT / "data"
    database_url: str = ""
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    training_dir: Path = PROJECT_ROOT / "training"
    secret_key: str = ""  # empty: a random one is generated on first start and kept in the data dir
    dev_fixed_secret: bool = False  # development only: sign with the public DEV_SECRET (stable across data dirs)
    host: str = "127.0.0.1"
    port: int = 8000
    encoder_path: Path | None = None  # any sentence-transformers model directory instead of the bundled e5
    nlu_backend: str = "embedded"  # embedded | rasa
    rasa_url: str = "http://127.0.0.1:5005"
    rate_limit_per_minute: int = 60  # messages per client address
    session_ttl_seconds: int = 1800
    redis_url: str = ""  # redis://host:6379/0: live messages, socket.io and rate limits shared by every worker
    session_store: str = "database"  # database (a restart or another worker continues) | memory (one process)
    staff_session_hours: float = 8
    trusted_proxies: str = ""  # comma-separated addresses/networks whose X-Forwarded-For is believed
    handoff_limit_per_hour: int = 10  # tickets one address may open an hour, on every channel (counted by the service)
    login_free_attempts: int = 5  # wrong passwords per account before backoff starts (20x that per address)
    login_concurrent_checks: int = 2  # argon2 verifications at once; the rest wait without a thread
    max_body_bytes: int = 64 * 1024  # request bodies; uploads under /api/v1/admin/ get max_upload_bytes
    max_upload_bytes: int = 6_000_000
    api_docs: bool | None = None  # /docs and /openapi.json: default on in development only
    cors_origins: str = ""  # comma-separated origins allowed to call the public API from a browser
    retention_days: int = 180  # chat logs, transcripts, ticket outcomes and rating comments
    # appointments (README "Appointments and case progress")
    hall_timezone: str = "Asia/Shanghai"  # slots are the hall's local time
    appointment_slot_minutes: int = 30
    appointment_capacity: int = 2  # places per slot in a window area without its own figure
    appointment_area_capacity: str = ""  # per window area, e.g. "A=4,B=3"
    appointment_closed_days: str = ""  # holidays, comma-separated ISO days; staff can close more
    appointment_days_ahead: int = 14
    # case progress: "demo" (sample table from knowledge/sample_cases.csv) or "http" (a back office)
    case_source: str = "demo"
    case_http_url: str = ""  # {number} and {check} are filled in, e.g. https://backoffice/cases/{number}?check={check}
    case_http_timeout: float = 5.0
    case_http_fields: str = ""  # JSON: our field -> the back office's, e.g. {"status": "state", "date": "updated"}
    case_attempts_per_hour: int = 10  # look-ups per client; a wrong number counts like a wrong check

    @model_validator(mode="after")
    def _defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'assistant.db'}"
        if self.secret_key:
            weak = len(self.secret_key) < MIN_SECRET_CHARS or len(set(self.secret_key)) < 10 or self.secret_key == DEV_SECRET
            if weak:
                raise ValueError(
                    f"ASSISTANT_SECRET_KEY must be a long random string (at least {MIN_SECRET_CHARS} characters, e.g. "
                    "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`), or unset it to have one generated"
                )
        if self.dev_fixed_secret and self.environment != "development":
            raise ValueError("ASSISTANT_DEV_FIXED_SECRET is only allowed with ASSISTANT_ENVIRONMENT=development")
        if self.appointment_slot_minutes < 5 or self.appointment_capacity < 1:
            raise ValueError("ASSISTANT_APPOINTMENT_SLOT_MINUTES must be at least 5 and ASSISTANT_APPOINTMENT_CAPACITY at least 1")
        if self.case_source not in ("demo", "http") or (self.case_source == "http" and not self.case_http_url):
            raise ValueError("ASSISTANT_CASE_SOURCE must be 'demo' or 'http' (with ASSISTANT_CASE_HTTP_URL)")
        if self.retention_days < 1:
            raise ValueError("ASSISTANT_RETENTION_DAYS must be at least 1")
        return self

    @property
    def docs_enabled(self) -> bool:
        return self.api_docs if self.api_docs is not None else self.environment == "development"

    def list_of(self, value: str) -> list[str]:
        return [part.strip() for part in value.split(",") if part.strip()]


def session_secret(settings: Settings) -> str:
    """The key that signs staff cookies: configured, or generated once and kept (mode 0600) in the data
    dir, so `./run` needs no configuration and no secret from the repository ever signs anything."""
    if settings.secret_key:
        return settings.secret_key
    if settings.dev_fixed_secret:
        return DEV_SECRET
    path = settings.data_dir / SECRET_FILE
    for _ in range(2):
        try:
            stored = path.read_text(encoding="ascii").strip()
            if len(stored) >= MIN_SECRET_CHARS:
                return stored
            path.unlink()  # too short to trust (edited by hand): replace it
        except FileNotFoundError:
            pass
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_urlsafe(48)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first: use theirs
            continue
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secret + "\n")
        return secret
    return path.read_text(encoding="ascii").strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
