"""Settings: defaults derived from the data dir, the environment prefix, and clear refusals."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from assistant.config import Settings


def test_the_database_defaults_to_sqlite_in_the_data_dir(tmp_path):
    assert Settings(data_dir=tmp_path).database_url == f"sqlite:///{tmp_path / 'assistant.db'}"


def test_environment_variables_with_the_prefix_are_read(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_RATE_LIMIT_PER_MINUTE", "7")
    monkeypatch.setenv("ASSISTANT_CORS_ORIGINS", " https://a.example , ,https://b.example")
    s = Settings(data_dir=tmp_path)
    assert s.rate_limit_per_minute == 7 and s.list_of(s.cors_origins) == ["https://a.example", "https://b.example"]


@pytest.mark.parametrize("bad, message", [
    ({"secret_key": "short"}, "long random string"),
    ({"dev_fixed_secret": True, "environment": "production"}, "only allowed"),
    ({"retention_days": 0}, "at least 1"),
    ({"rate_limit_per_minute": "many"}, "integer"),
])  # fmt: skip
def test_bad_settings_are_refused_with_a_reason(tmp_path, bad, message):
    with pytest.raises(ValidationError, match=message):
        Settings(data_dir=tmp_path, **bad)


def test_api_docs_follow_the_environment_unless_set(tmp_path):
    assert Settings(data_dir=tmp_path).docs_enabled
    assert not Settings(data_dir=tmp_path, environment="production").docs_enabled
    assert Settings(data_dir=tmp_path, environment="production", api_docs=True).docs_enabled
