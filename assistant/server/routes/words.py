"""The words a channel's own screen shows around the replies (the web widget's buttons, placeholders,
accessible names, status lines), served from the one catalogue so no channel keeps sentences of its own."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from fastapi import APIRouter, Response

from assistant.server.schemas import WordsOut
from assistant.service import WIDGET_WORDS, templates

router = APIRouter(prefix="/api/v1", tags=["words"])
MAX_AGE = 600  # the catalogue changes only with a release; browsers may keep the words ten minutes


@router.get("/words")
def words(response: Response, lang: Literal["zh", "en"] = "zh") -> WordsOut:
    """The widget's labels in ``lang`` (zh or en; anything else is a 422), {slots} left for it to fill."""
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return _words(lang)


@lru_cache(maxsize=2)
def _words(lang: str) -> WordsOut:
    return WordsOut(lang=lang, words=templates(WIDGET_WORDS, lang))  # type: ignore[arg-type]
