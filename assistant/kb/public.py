"""What the public may see of a guide: everything but the staff fields (who edited it), as the guide API
and the embedded kiosk return it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

from assistant.kb.schema import Guide

STAFF_FIELDS = frozenset({"updated_by"})


def public_guide(guide: Guide) -> dict[str, Any]:
    return guide.model_dump(mode="json", exclude_none=True, exclude=set(STAFF_FIELDS))


def guide_summary(guide: Guide) -> dict[str, Any]:
    return {
        "id": guide.id, "name": guide.name, "name_en": guide.name_en, "category": guide.category,
        "life_events": guide.life_events, "online": guide.channels.online,
        "online_level": guide.online_level.value, "visits": guide.visits,
        "updated_at": guide.updated_at.isoformat(),
    }  # fmt: skip


# The guide schema without its staff fields, so the OpenAPI documents exactly what is returned.
PublicGuide: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "PublicGuide",
    __config__=ConfigDict(extra="ignore"),
    **{name: (f.annotation, f) for name, f in Guide.model_fields.items() if name not in STAFF_FIELDS},
)
