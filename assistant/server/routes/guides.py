"""Guides API: list, detail, categories, life events, search, and the QR code of the online entry."""

from __future__ import annotations

import io
from typing import Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response

from assistant.kb.schema import Guide, LifeEvent
from assistant.kb.public import PublicGuide, guide_summary, public_guide
from assistant.server.deps import StateDep
from assistant.server.schemas import CategoryOut, GuideSummary, SearchHit

router = APIRouter(prefix="/api/v1", tags=["guides"])


def summary(guide: Guide) -> GuideSummary:
    return GuideSummary(**guide_summary(guide), url=f"/guides/{guide.id}")


def _guide(state: StateDep, guide_id: str) -> Guide:
    guide = state.engine.kb.guides.get(guide_id)
    if guide is None:
        raise HTTPException(404, f"no guide with id '{guide_id[:80]}'")
    return guide


@router.get("/guides")
def list_guides(state: StateDep, category: str | None = Query(None, max_length=80), life_event: str | None = Query(None, max_length=80)) -> list[GuideSummary]:
    """All guides, optionally of one category or life event."""
    guides = state.engine.kb.guides.values()
    return [summary(g) for g in guides if (category is None or g.category == category) and (life_event is None or life_event in g.life_events)]


@router.get("/guides/{guide_id}", response_model=PublicGuide, response_model_exclude_none=True)
def get_guide(guide_id: str, state: StateDep) -> dict[str, Any]:
    """One whole guide, without the staff fields."""
    return public_guide(_guide(state, guide_id))


@router.get("/guides/{guide_id}/qr.png", response_class=Response, responses={200: {"content": {"image/png": {}}}})
def qr(guide_id: str, state: StateDep, scale: int = Query(6, ge=1, le=20)) -> Response:
    """QR code of the guide's online entry, to scan with a phone."""
    guide = _guide(state, guide_id)
    if guide.online_url is None:
        raise HTTPException(404, f"'{guide_id}' has no online entry")
    buf = io.BytesIO()
    import segno  # here: the QR image is drawn for a guide's page, never before the first question

    segno.make(str(guide.online_url), error="m").save(buf, kind="png", scale=scale, border=2)
    return Response(buf.getvalue(), media_type="image/png", headers={"Cache-Control": "public, max-age=3600"})


@router.get("/categories")
def categories(state: StateDep) -> list[CategoryOut]:
    kb = state.engine.kb
    return [CategoryOut(**c.model_dump(), count=sum(1 for g in kb.guides.values() if g.category == c.id)) for c in kb.categories.values()]


@router.get("/life-events", response_model_exclude_none=True)
def life_events(state: StateDep) -> list[LifeEvent]:
    return list(state.engine.kb.life_events.values())


@router.get("/search")
def search(state: StateDep, q: str = Query(min_length=1, max_length=200), k: int = Query(5, ge=1, le=20)) -> list[SearchHit]:
    """Guides ranked for a query by the hybrid retriever."""
    hits = state.engine.understanding.retriever.search(q, k=k)
    return [SearchHit(**summary(state.engine.kb.guides[h.guide_id]).model_dump(), score=round(h.score, 4)) for h in hits]
