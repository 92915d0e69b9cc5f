"""Every JSON operation documents its response: a named model (or a list of them), never a bare
object; files and pages say their media type."""

from __future__ import annotations

import pytest

from assistant.config import Settings
from assistant.server.app import create_app


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("openapi"), environment="development")
    return create_app(settings).other_asgi_app.openapi()


def _named(schema: dict) -> bool:
    if "$ref" in schema:
        return True
    if schema.get("type") == "array":
        return _named(schema.get("items", {}))
    return any(_named(s) for s in schema.get("anyOf", []) if s.get("type") != "null")


def test_every_json_response_has_a_named_schema(spec):
    bare = []
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            ok = next((op["responses"][c] for c in ("200", "201") if c in op["responses"]), None)
            assert ok is not None, f"{method.upper()} {path} documents no success response"
            content = ok.get("content", {})
            json_schema = content.get("application/json", {}).get("schema")
            if json_schema is None:
                assert content, f"{method.upper()} {path} documents no media type"
                continue
            if not _named(json_schema):
                bare.append(f"{method.upper()} {path}: {json_schema}")
    assert not bare, "responses without a model:\n" + "\n".join(bare)


def test_the_public_guide_has_no_staff_names(spec):
    ref = spec["paths"]["/api/v1/guides/{guide_id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    model = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert "updated_by" not in model["properties"]
