"""The kiosk's interface labels, from the one catalogue of words (assistant/dialogue/words.py: the
``kiosk_*`` entries, and the online-level labels every channel shares). Answers come in the reply."""

from __future__ import annotations

from assistant.dialogue.words import LANGS, WORDS, say

PREFIX = "kiosk_"
EXAMPLES = "kiosk_example_"
_LEVELS = ("level_full", "level_partial", "level_booking", "level_none")


def strings(lang: str) -> dict[str, str]:
    lang = lang if lang in LANGS else "zh"
    labels = {k.removeprefix(PREFIX): say(k, lang) for k in WORDS if k.startswith(PREFIX) and not k.startswith(EXAMPLES)}
    return labels | {k: say(k, lang) for k in _LEVELS}


def suggested(lang: str) -> list[str]:
    """The common questions on the ask screen."""
    lang = lang if lang in LANGS else "zh"
    return [say(k, lang) for k in WORDS if k.startswith(EXAMPLES)]
