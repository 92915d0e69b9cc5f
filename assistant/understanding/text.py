"""Text normalisation shared by every understanding component."""

from __future__ import annotations

import re
import unicodedata

import opencc

MAX_CHARS = 500
_CONVERTER = opencc.OpenCC("tw2sp")  # traditional (Taiwan/HK phrasing too) -> simplified mainland
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\ufeff]")
_SPACE = re.compile(r"\s+")
_KEEP = re.compile(r"[\u3400-\u9fffA-Za-z0-9]+")
# curators write keywords the way people ask (失业金怎么领); such a keyword finds the guide, but it is
# not a name: the question in it must stay visible to the intent model
_QUESTION = re.compile(r"怎么|怎样|如何|什么|啥|哪|吗|多久|多少|几天|能不能|可不可以")


def normalize(text: str) -> str:
    """NFKC, simplified Chinese, lower case, one space; bounded length."""
    text = unicodedata.normalize("NFKC", text)[:MAX_CHARS]
    text = _CONTROL.sub(" ", text)
    text = _CONVERTER.convert(text)
    return _SPACE.sub(" ", text).strip().lower()


# What a person did not write as words: markup, links, addresses, ID/phone/card numbers (masked or not),
# code-like tokens. Their Latin letters say nothing about the person's language.
_NOT_WORDS = re.compile(
    r"<[^>]{0,200}>|&[a-z]{2,8};|\]\([^)]*\)|(?:https?|ftp)://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+"
    r"|\b[0-9][0-9a-z*]{5,}\b|\b[a-z]*\d[\w*]*\b|[*_`#=~|{}\[\]\\/]+",
    re.IGNORECASE,
)


def words_only(text: str) -> str:
    """``text`` without markup, links and numbers: what decides the language."""
    return _NOT_WORDS.sub(" ", text)


def detect_lang(text: str) -> str:
    """'zh' if the words have Chinese characters and not mostly Latin letters, else 'en'."""
    text = words_only(text)
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    return "zh" if cjk and cjk * 3 >= latin else ("en" if latin else "zh")


def has_content(text: str) -> bool:
    return bool(_KEEP.search(text))


def char_ngrams(text: str, sizes: tuple[int, ...] = (1, 2, 3)) -> list[str]:
    """Character n-grams of the Chinese runs and whole Latin/digit words: robust to typos and terse queries."""
    grams: list[str] = []
    for run in _KEEP.findall(text):
        if _CJK.match(run):
            for n in sizes:
                grams += [run[i : i + n] for i in range(len(run) - n + 1)]
        else:
            grams.append(run)
    return grams


def is_cjk(word: str) -> bool:
    """Every character a common Chinese one (no letters, digits, punctuation or brackets)."""
    return all("\u4e00" <= ch <= "\u9fff" for ch in word)


def is_plain_name(surface: str) -> bool:
    """False for a keyword that carries a question (失业金怎么领, 开餐馆要什么证)."""
    return not _QUESTION.search(surface)
