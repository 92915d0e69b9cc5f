"""Custom actions for the Rasa bot: answers come from the service hall assistant's own engine, through
its HTTP API, so a Rasa deployment answers from the same guides as every other channel.

Runs inside Rasa's virtualenv (`rasa run actions --actions actions`, cwd training/): only rasa-sdk and
the standard library. The assistant's address is ASSISTANT_URL (default http://127.0.0.1:8000).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
import urllib.error
import urllib.request
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

logger = logging.getLogger(__name__)

DEFAULT_URL = "http://127.0.0.1:8000"
TIMEOUT = float(os.environ.get("ASSISTANT_TIMEOUT", "20"))
_SESSION_OK = re.compile(r"^[A-Za-z0-9_\-.:]{1,64}$")
# The one sentence written here: without the assistant there is nothing to ask for words or language.
UNREACHABLE = "抱歉，导办系统暂时无法连接，请稍后再试，或到服务大厅咨询台咨询。/ Sorry, the assistant cannot be reached right now; please try again later or ask at the information desk."


class EngineUnavailable(Exception):
    pass


def assistant_url() -> str:
    return os.environ.get("ASSISTANT_URL", DEFAULT_URL).rstrip("/")


class Conversations:
    """The assistant names each conversation itself (a token only its client is given) and accepts no id
    a client makes up, so the action server keeps the token of each Rasa sender and sends it back. The
    senders are kept hashed, and only the most recent MAX of them (the assistant forgets idle ones too)."""

    MAX = 10_000

    def __init__(self) -> None:
        self._tokens: "OrderedDict[str, str]" = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _key(sender_id: Optional[str]) -> str:
        return hashlib.sha256((sender_id or "rasa").encode("utf-8")).hexdigest()

    def token(self, sender_id: Optional[str]) -> Optional[str]:
        with self._lock:
            return self._tokens.get(self._key(sender_id))

    def keep(self, sender_id: Optional[str], token: Optional[str]) -> None:
        if not token or not _SESSION_OK.match(token):
            return
        with self._lock:
            key = self._key(sender_id)
            self._tokens[key] = token
            self._tokens.move_to_end(key)
            while len(self._tokens) > self.MAX:
                self._tokens.popitem(last=False)


CONVERSATIONS = Conversations()


def post(path: str, body: Dict[str, Any]) -> Dict[str, Any]:
    request = urllib.request.Request(
        assistant_url() + path,
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")[:200]
        raise EngineUnavailable(f"{assistant_url()}{path} answered HTTP {exc.code}: {detail}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise EngineUnavailable(f"cannot reach the assistant at {assistant_url()}{path}: {exc}") from None


def dispatch_reply(dispatcher: CollectingDispatcher, reply: Dict[str, Any]) -> None:
    if reply.get("silent"):  # a ticket is open: the message went to staff, who answer in person
        return
    buttons = [{"title": b["title"], "payload": b["payload"]} for b in reply.get("buttons") or []]
    dispatcher.utter_message(text=reply.get("answer") or "", buttons=buttons or None)


def forward(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The person's words go to the assistant's one entry unchanged; it decides and words the reply."""
    text = (tracker.latest_message.get("text") or "").strip()[:500]
    if not text:
        dispatcher.utter_message(response="utter_default")
        return
    try:
        body: Dict[str, Any] = {"text": text, "channel": "api"}
        token = CONVERSATIONS.token(tracker.sender_id)
        if token:
            body["session_id"] = token
        reply = post("/api/v1/chat", body)
    except EngineUnavailable as exc:
        logger.warning("%s", exc)
        dispatcher.utter_message(text=UNREACHABLE)
        return
    CONVERSATIONS.keep(tracker.sender_id, reply.get("session_id"))
    dispatch_reply(dispatcher, reply)


class ActionAnswer(Action):
    """Every message (a question, a greeting, a tapped button): the assistant decides."""

    def name(self) -> Text:
        return "action_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        forward(dispatcher, tracker)
        return []


class ActionHandoff(Action):
    """转人工: the same entry; the assistant opens the ticket and tells it once, in the person's language."""

    def name(self) -> Text:
        return "action_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        forward(dispatcher, tracker)
        return []
