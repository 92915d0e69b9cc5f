"""Conversation ids bound to the client they were given to.

The server hands a client ``<id>.<proof>``, where the proof is an HMAC of the id under the server's
secret. Only a client that was given that token can name the conversation again: a bare id (seen by
staff, in a ticket, in a log) or an id a client made up proves nothing, so every channel treats it as
no id at all (a fresh conversation) or refuses it where a fresh one makes no sense (a rating, a
keep-alive). Inside the server the bare id is used: the session store, tickets and the live hub.

Rasa's channels let the client choose its own ``sender``; that id is turned into a session id with the
same secret, so it is never stored as written (a phone number used as a sender stays out of every
table) and cannot collide with an issued id."""

from __future__ import annotations

import base64
import hashlib
import hmac

MAX_TOKEN_CHARS = 64  # what the request schemas accept for a session id
RASA_PREFIX = "r-"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class Binding:
    def __init__(self, secret: str) -> None:
        # a key of its own, derived from the server secret: a conversation token never signs a staff cookie
        self._key = hmac.new(secret.encode("utf-8"), b"assistant conversation binding v1", hashlib.sha256).digest()

    def _mac(self, purpose: bytes, value: str) -> bytes:
        return hmac.new(self._key, purpose + value.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()

    def token(self, session_id: str) -> str:
        """What the client is given and must send back: the id and its proof (128 bits)."""
        return f"{session_id}.{_b64(self._mac(b'id:', session_id)[:16])}"

    def open(self, token: object) -> str | None:
        """The conversation a token names, or None for a missing, bare, altered or made-up one."""
        if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_CHARS or not token.isascii():
            return None
        session_id, dot, proof = token.rpartition(".")
        if not dot or not session_id:
            return None
        return session_id if hmac.compare_digest(token.encode("ascii"), self.token(session_id).encode("ascii")) else None

    def rasa_session(self, sender: str) -> str:
        """The session id of a Rasa sender: the same sender always reaches the same conversation, and
        the sender itself (whatever the client wrote there) is never stored."""
        return RASA_PREFIX + _b64(self._mac(b"rasa:", sender)[:18])
