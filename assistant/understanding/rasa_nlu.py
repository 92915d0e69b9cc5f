"""Intents from a running Rasa server (POST {rasa_url}/model/parse) instead of the embedded model.

When Rasa cannot be reached (connection error, timeout, HTTP error), `parse` returns None and the
caller uses the embedded intent model; a warning is logged once per outage."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.understanding.intent import IntentPrediction
from assistant.understanding.nlu_data import INTENTS

if TYPE_CHECKING:
    import httpx

logger = logging.getLogger(__name__)
FALLBACK_INTENT = "nlu_fallback"


@dataclass(frozen=True)
class RasaPrediction(IntentPrediction):
    """An intent from Rasa, with the `service` entity it found (a guide id after synonym mapping)."""

    service: str | None = None
    service_span: str | None = None


def prediction_from_parse(data: dict[str, Any]) -> RasaPrediction | None:
    """Rasa's parse result -> prediction over our intents. `nlu_fallback` (low confidence) gives way to
    the best real intent with its own low confidence: the dialogue decides what to do with it."""
    ranking = [r for r in data.get("intent_ranking") or [] if r.get("name") in INTENTS]
    top = data.get("intent") or {}
    if top.get("name") in INTENTS and not any(r["name"] == top["name"] for r in ranking):
        ranking.insert(0, top)
    if not ranking:
        return None
    best = max(ranking, key=lambda r: float(r.get("confidence") or 0.0))
    scores = {name: 0.0 for name in INTENTS}
    scores.update({r["name"]: float(r.get("confidence") or 0.0) for r in ranking})
    service = span = None
    for entity in data.get("entities") or []:
        if entity.get("entity") == "service" and entity.get("value"):
            service = str(entity["value"])
            start, end = entity.get("start"), entity.get("end")
            text = str(data.get("text") or "")
            span = text[start:end] if isinstance(start, int) and isinstance(end, int) and text else entity.get("text")
            break
    return RasaPrediction(best["name"], float(best.get("confidence") or 0.0), scores, service, span)


class RasaNLU:
    def __init__(self, url: str, *, timeout: float = 1.0, retry_after: float = 10.0, client: httpx.Client | None = None) -> None:
        import httpx  # here: only a Rasa backend needs it (its import with rich and click costs 0.3 s)

        self.url = url.rstrip("/")
        self.retry_after = retry_after
        self._client = client or httpx.Client(timeout=timeout)
        self._down_since: float | None = None  # monotonic time of the last failure, None while Rasa answers

    def parse(self, text: str) -> IntentPrediction | None:
        if self._down_since is not None and time.monotonic() - self._down_since < self.retry_after:
            return None
        import httpx

        try:
            response = self._client.post(f"{self.url}/model/parse", json={"text": text})
            response.raise_for_status()
            prediction = prediction_from_parse(response.json())
        except (httpx.HTTPError, ValueError) as exc:
            if self._down_since is None:
                logger.warning(
                    "Rasa NLU at %s is not answering (%s: %s); using the embedded intent model until it does. "
                    "Start it with `assistant rasa run`.", self.url, type(exc).__name__, exc,
                )  # fmt: skip
            self._down_since = time.monotonic()
            return None
        if self._down_since is not None:
            logger.warning("Rasa NLU at %s answers again; intents come from Rasa", self.url)
            self._down_since = None
        return prediction

    def available(self) -> bool:
        import httpx

        try:
            return self._client.get(f"{self.url}/status").status_code == 200
        except httpx.HTTPError:
            return False

    def close(self) -> None:
        self._client.close()


def service_hint(prediction: IntentPrediction, top_hit: str | None, mentioned: dict[str, int]) -> dict[str, int]:
    """Rasa's `service` entity counts as a mention when retrieval's top guide agrees and the lexicon saw none."""
    service = getattr(prediction, "service", None)
    if service is None or mentioned or service != top_hit:
        return mentioned
    return {service: len(getattr(prediction, "service_span", None) or service)}
