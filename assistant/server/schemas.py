"""Request bodies of the public API, with their bounds."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from assistant.hygiene import clean_text

from assistant.service import BotReply, Button, GuideRef

SessionId = Field(default=None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-.:]+$")
_TOKEN = r"^[A-Za-z0-9_\-.:]+$"  # ids a client sends back: no control characters, no markup


class Clean(BaseModel):
    """Every free-text field loses control characters (other than newline and tab) before its length
    is checked, so a NUL or an escape sequence never reaches a store, a log or an export."""

    @field_validator("*", mode="before")
    @classmethod
    def _clean(cls, value: object, info: ValidationInfo) -> object:
        # a password is compared, never stored or shown: it is taken exactly as typed
        return clean_text(value) if isinstance(value, str) and info.field_name != "password" else value


class ChatIn(Clean):
    model_config = ConfigDict(extra="forbid")
    session_id: str | None = SessionId
    text: str = Field(min_length=1, max_length=500)
    lang: Literal["zh", "en"] | None = None
    channel: Literal["web", "kiosk", "api"] = "web"


class HandoffIn(Clean):
    model_config = ConfigDict(extra="forbid")
    session_id: str | None = SessionId
    lang: Literal["zh", "en"] | None = None
    channel: Literal["web", "kiosk", "api"] = "web"


class RatingIn(Clean):
    model_config = ConfigDict(extra="forbid")
    session_id: str = Field(min_length=1, max_length=64, pattern=_TOKEN)
    message_id: str | None = Field(default=None, max_length=40, pattern=_TOKEN)
    ticket_number: str | None = Field(default=None, max_length=16, pattern=_TOKEN)
    score: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=1000)
    channel: Literal["web", "kiosk", "api"] = "web"


class RasaIn(Clean):
    sender: str = Field(min_length=1, max_length=64)
    message: str = Field(min_length=1, max_length=500)
    metadata: dict | None = None


class LoginIn(Clean):
    name: str = Field(min_length=1, max_length=120)
    password: str = Field(min_length=1, max_length=200)


class StaffReplyIn(Clean):
    text: str = Field(min_length=1, max_length=2000)


class CallIn(Clean):
    window: str = Field(min_length=1, max_length=20)


class CloseIn(Clean):
    outcome: str = Field(min_length=1, max_length=1000)


# --- responses ------------------------------------------------------------------------------------


class GuideLink(GuideRef):
    url: str  # the full guide page on this server


class ChatOut(BotReply):
    """A reply as the HTTP channels send it: the service's reply plus this server's URLs."""

    guide: GuideLink | None = None  # type: ignore[assignment]
    qr_url: str | None = None  # QR code of the online entry, when there is one
    appointment_urls: dict[str, str] | None = None  # a confirmed booking's QR code and calendar file


class RatingOut(BaseModel):
    id: int | None
    score: int
    service: str | None
    needs_review: bool


class RasaMessage(BaseModel):
    recipient_id: str
    text: str
    buttons: list[Button] | None = None


def chat_out(reply: BotReply) -> ChatOut:
    """Map a reply to the HTTP wire shape: the adapters, not the engine, know this server's paths."""
    data = reply.model_dump(exclude={"buttons", "guide"})
    guide = GuideLink(**reply.guide.model_dump(), url=f"/guides/{reply.guide.id}") if reply.guide else None
    qr = f"/api/v1/guides/{reply.service}/qr.png" if reply.service and reply.online.get("available") else None
    booked = reply.appointment
    urls = {"qr": f"/api/v1/appointments/{booked.code}/qr.png", "ics": f"/api/v1/appointments/{booked.code}.ics"} if booked else None
    return ChatOut(**data, guide=guide, qr_url=qr, appointment_urls=urls)


class GuideSummary(BaseModel):
    """A guide in a list: enough to show and link it (the whole guide is ``PublicGuide``)."""

    model_config = ConfigDict(extra="allow")  # further summary fields pass through as the guide schema grows
    id: str
    name: str
    name_en: str | None = None
    category: str | None = None
    life_events: list[str] = Field(default_factory=list)
    visits: int | None = None
    updated_at: str
    url: str


class SearchHit(GuideSummary):
    score: float


class CategoryOut(BaseModel):
    id: str
    name: str
    name_en: str
    count: int  # how many guides it holds


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    ready: bool
    models: bool
    database: bool
    database_detail: str | None = None  # what still works while the database is unreachable
    redis: str  # ok | unreachable: ... | not configured: one process


class WordsOut(BaseModel):
    """Labels a channel's own screen shows, from the catalogue: key -> text with {slots} to fill."""

    lang: Literal["zh", "en"]
    words: dict[str, str]


class KeepaliveOut(BaseModel):
    session_id: str
    expires_in: int  # seconds until the conversation expires if idle again
