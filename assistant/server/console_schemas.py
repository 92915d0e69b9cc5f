"""Request and response models of the staff and curator consoles, so the OpenAPI documents every
response they get (the public API's are in ``schemas``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.server.schemas import Clean

Intent = Literal["ask_materials", "ask_online", "ask_process", "ask_duration", "ask_fee", "ask_location"]

# --- accounts ---------------------------------------------------------------------------------------


class LoginOut(BaseModel):
    user: str
    display_name: str | None
    role: str
    window: str | None
    csrf: str


class Me(BaseModel):
    user: str
    role: str
    display: str | None
    window: str | None
    csrf: str


class Done(BaseModel):
    ok: bool = True


class UserIn(Clean):
    name: str = Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9_.\-]+$")
    password: str = Field(min_length=8, max_length=200)
    role: Literal["admin", "publisher", "curator", "staff"]
    display_name: str | None = Field(default=None, max_length=120)
    window: str | None = Field(default=None, max_length=20)


class UserOut(BaseModel):
    name: str
    display_name: str | None
    role: str
    window: str | None
    active: bool


class UserCreated(BaseModel):
    name: str
    role: str


class ActiveIn(BaseModel):
    active: bool


class ActiveOut(BaseModel):
    name: str
    active: bool


# --- tickets ----------------------------------------------------------------------------------------


class TicketMessage(BaseModel):
    role: str
    text: str
    author: str | None
    at: str


class TicketView(BaseModel):
    number: str
    status: str
    service: str | None
    channel: str | None
    lang: str
    window: str | None
    staff: str | None
    reason: str | None
    created_at: str
    outcome: str | None
    wait_minutes: int | None
    carried_over: bool
    messages: list[TicketMessage] | None = None


class ReplyOut(TicketView):
    delivered: int  # how many of the visitor's open connections received the reply live


# --- guides in curation -----------------------------------------------------------------------------


class GuideItem(BaseModel):
    id: str
    name: str
    category: str | None
    version: int
    has_draft: bool
    updated_at: str


class Editable(BaseModel):
    guide: dict[str, Any]  # the draft, or the published guide when there is no draft (schema: /api/v1/admin/schema)
    has_draft: bool
    version: int
    published: dict[str, Any] | None


class DraftSaved(BaseModel):
    saved: bool
    guide: dict[str, Any]


class Discarded(BaseModel):
    discarded: bool


class PreviewIn(BaseModel):
    intent: Intent = "ask_materials"
    lang: Literal["zh", "en"] = "zh"


class Preview(BaseModel):
    answer: str
    materials: list[str]
    materials_detail: list[dict[str, Any]]


class VersionIn(BaseModel):
    version: int = Field(ge=1)


class VersionOut(BaseModel):
    version: int
    author: str | None
    note: str | None
    created_at: str


class Diff(BaseModel):
    diff: str


class RebuildStatus(BaseModel):
    model_config = {"extra": "allow"}  # started/finished/guides/step appear while it runs and after
    state: str
    generation: int
    error: str | None = None
    reason: str | None = None


class Published(BaseModel):
    version: int
    rebuild: RebuildStatus


class AuditEntry(BaseModel):
    at: str
    user: str | None
    action: str
    target: str | None
    detail: dict[str, Any] | None


# --- review, logs, batch test, analytics, knowledge transfer -----------------------------------------


class MessagesIn(BaseModel):
    message_ids: list[str] = Field(min_length=1, max_length=500)


class AttachIn(MessagesIn):
    guide_id: str = Field(min_length=1, max_length=80)
    phrase: str = Field(min_length=1, max_length=300)


class FaqIn(MessagesIn):
    guide_id: str = Field(min_length=1, max_length=80)
    q: str = Field(min_length=1, max_length=300)
    a: str = Field(min_length=1, max_length=4000)


class ReviewGroup(BaseModel):
    text: str
    count: int
    message_ids: list[str]
    examples: list[str]
    kind: str | None
    suggested: list[str]


class Updated(BaseModel):
    updated: int


class Trace(BaseModel):
    message_id: str
    text: str
    intent: str | None
    service: str | None
    confidence: float | None
    kind: str | None
    handoff: bool
    channel: str | None
    at: str
    trace: dict[str, Any] | None


class Miss(BaseModel):
    question: str
    expected: str
    got: str | None
    kind: str
    confidence: float
    top: list[str]


class BatchResult(BaseModel):
    questions: int
    labelled: int
    accuracy: float | None
    misses: list[Miss]


class Analytics(BaseModel):
    questions: int
    per_day: dict[str, int]
    per_channel: dict[str, int]
    top_services: dict[str, int]
    unanswered_rate: float
    handoffs: int
    handoffs_open: int
    average_rating: dict[str, float]
    busiest_hours: dict[int, int]  # hour of the day in the hall's time zone


class ImportResult(BaseModel):
    dry_run: bool
    summary: str
    added: list[str]
    updated: list[str]
    documents: list[str]
    rebuild: RebuildStatus | None = None
