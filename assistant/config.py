"""One settings object, read from the environment (prefix ASSISTANT_) and an optional .env file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-secret-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_file=".env", extra="ignore")

    environment: str = "development"
    data_dir: Path = PROJECT_ROOT / "data"
    database_url: str = ""
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    training_dir: Path = PROJECT_ROOT / "training"
    secret_key: str = DEV_SECRET
    host: str = "127.0.0.1"
    port: int = 8000
    encoder_path: Path | None = None  # any sentence-transformers model directory instead of the bundled e5
    nlu_backend: str = "embedded"  # embedded | rasa
    rasa_url: str = "http://127.0.0.1:5005"
    max_message_chars: int = 500
    rate_limit_per_minute: int = 60  # messages per client address
    session_ttl_seconds: int = 1800

    @model_validator(mode="after")
    def _defaults(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'assistant.db'}"
        if self.environment != "development" and self.secret_key == DEV_SECRET:
            raise ValueError("ASSISTANT_SECRET_KEY must be set outside development")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
