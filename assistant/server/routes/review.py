"""The review queue: questions the assistant could not answer well, grouped, and what curators do
with them (attach a phrase to a guide, add a FAQ, dismiss)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Response

from assistant.curation import review
from assistant.server.auth import EDITOR_ROLES, Editor
from assistant.server.console_schemas import AttachIn, FaqIn, MessagesIn, ReviewGroup, Updated
from assistant.server.deps import DbDep, StateDep
from assistant.server.routes.curation import checked

router = APIRouter(prefix="/api/v1/admin/review", tags=["review"], dependencies=[Depends(EDITOR_ROLES)])


@router.get("")
def review_queue(
    state: StateDep, s: DbDep, response: Response, offset: int = Query(0, ge=0, le=1_000_000), limit: int = Query(review.PAGE, ge=1, le=200)
) -> list[ReviewGroup]:
    """Questions to look at, grouped by similarity, most frequent first; one page (offset, limit),
    the number of groups in all in the X-Total-Count header."""
    retriever = state.engine.understanding.retriever
    encoder = retriever.encoder
    embed_many = (lambda texts: encoder.encode(texts, "query")) if encoder is not None else None
    groups, total = review.page(s, embed_many=embed_many, offset=offset, limit=limit)
    response.headers["X-Total-Count"] = str(total)
    return [ReviewGroup(**g) for g in groups]


@router.post("/attach")
def review_attach(body: AttachIn, user: Editor, s: DbDep) -> Updated:
    return Updated(updated=checked(lambda: review.attach(s, message_ids=body.message_ids, guide_id=body.guide_id, phrase=body.phrase, user=user["user"])))


@router.post("/faq")
def review_faq(body: FaqIn, user: Editor, s: DbDep) -> Updated:
    return Updated(updated=checked(lambda: review.add_faq(s, message_ids=body.message_ids, guide_id=body.guide_id, q=body.q, a=body.a, user=user["user"])))


@router.post("/dismiss")
def review_dismiss(body: MessagesIn, user: Editor, s: DbDep) -> Updated:
    return Updated(updated=review.dismiss(s, message_ids=body.message_ids, user=user["user"]))
