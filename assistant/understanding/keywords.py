"""Keyword retrieval: jieba words + BM25, and character n-grams + BM25 (typos, terse queries)."""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import jieba
import numpy as np

from assistant.understanding.bm25 import BM25, Counts, count_terms
from assistant.understanding.memo import Memo
from assistant.understanding.store import KeyValueFile
from assistant.understanding.text import char_ngrams

jieba.setLogLevel(logging.WARNING)

# Question words carry intent, not topic; left in, they make every guide look alike.
STOPWORDS = set(
    "的 了 吗 呢 啊 呀 吧 么 我 你 您 他 她 我们 要 想 请问 怎么 怎样 如何 什么 哪些 哪里 哪儿 在哪 需要 是 可以 能 能不能 "
    "可不可以 办 办理 一下 一个 去 和 与 及 或 还 有 没有 多少 几 个 是否 应该 该 给 帮 这 那 , . ? ! ， 。 ？ ！ 、 "
    "a an the i my me to do does can could how what where when which is are for of in on at it be with please "
    "need get have you your want would should will".split()
)


FILLER = "\ue000"  # a private-use character no text contains: it carries the dictionary's left-out frequency


class TextStore:
    """sqlite of JSON values by key: per document, the dictionary words it contains and its tokens, so a
    rebuild after one guide changed segments only that guide."""

    def __init__(self, cache_dir: Path) -> None:
        self.path = cache_dir / "lexical.sqlite"
        self._file = KeyValueFile(self.path, "kv", "value", "TEXT")

    def get(self, keys: list[str]) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self._file.get(keys).items()}

    def put(self, items: dict[str, Any]) -> None:
        self._file.put((k, json.dumps(v, ensure_ascii=False)) for k, v in items.items())


def _key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def make_tokenizer(words: set[str], texts: list[str] | None = None, cache_dir: Path | None = None, *, memo: Memo | None = None,
                   previous: jieba.Tokenizer | None = None) -> jieba.Tokenizer:  # fmt: skip
    """jieba with our words added. Given the documents and a cache dir, jieba's 350,000-word dictionary
    (1 s and 70 MB to load) is cut to the words that occur in the documents, with the same total
    frequency: the documents segment exactly as before, and a query word that no document contains
    could never score anyway. The cut dictionary is kept by content. ``previous`` (the last build's
    tokenizer) is returned as it is when its dictionary and words are the same."""
    ordered = sorted(words)
    cut = _cut_dictionary(texts, cache_dir, memo) if texts and cache_dir is not None else None
    if cut is not None:
        path, digest = cut
        key = _key(digest, *ordered)
        if previous is not None and getattr(previous, "content_key", "") == key:
            return previous
        tok = jieba.Tokenizer(dictionary=str(path))
        tok.tmp_dir = str(cache_dir)  # its own prefix-dictionary cache goes beside the word list
        tok.initialize()
    else:
        tok, key = jieba.Tokenizer(), ""
        tok.initialize()
    for word in ordered:
        tok.add_word(word, freq=200000)
    tok.content_key = key  # type: ignore[attr-defined]
    return tok


class Dictionary:
    """jieba's full dictionary as an sqlite table in the cache dir (built once per jieba version): the
    dictionary words a new document holds are looked up by its substrings, instead of loading the whole
    dictionary (1 s of CPU and 70 MB) to publish one guide."""

    def __init__(self, cache_dir: Path) -> None:
        self.path = cache_dir / f"jieba-dict-{jieba.__version__}.sqlite"
        if not self.path.exists():
            self._build()
        with closing(sqlite3.connect(self.path)) as con:
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        self.total, self.longest = int(meta["total"]), int(meta["longest"])

    def _build(self) -> None:
        freq, total = jieba.Tokenizer.gen_pfdict(jieba.Tokenizer().get_dict_file())
        words = [(w, f) for w, f in freq.items() if f > 0]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        with closing(sqlite3.connect(partial)) as con, con:
            con.execute("CREATE TABLE words (word TEXT PRIMARY KEY, freq INTEGER NOT NULL) WITHOUT ROWID")
            con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            con.executemany("INSERT INTO words VALUES (?, ?)", words)
            con.executemany("INSERT INTO meta VALUES (?, ?)", [("total", str(total)), ("longest", str(max(len(w) for w, _ in words)))])
        partial.replace(self.path)

    def tokenizer_for(self, text: str) -> jieba.Tokenizer:
        """A tokenizer that cuts ``text`` exactly as jieba's whole dictionary does, from the table: the
        dictionary words inside ``text`` with their frequencies (and their prefixes, as jieba keeps
        them), under the same total. jieba's DAG of ``text`` only ever reaches those words."""
        freq: dict[str, int] = {}
        for word, count in self.words_in(text).items():
            freq[word] = count
            for end in range(1, len(word)):
                freq.setdefault(word[:end], 0)
        tok = jieba.Tokenizer()
        tok.FREQ, tok.total, tok.initialized = freq, self.total, True
        return tok

    def words_in(self, text: str) -> dict[str, int]:
        """The dictionary words occurring in ``text`` with their frequencies: what jieba's DAG of the text
        reaches (every prefix of a word is in its prefix dictionary, so every word inside is reached)."""
        spans = list(dict.fromkeys(text[i:j] for i in range(len(text)) for j in range(i + 1, min(len(text), i + self.longest) + 1)))
        found: dict[str, int] = {}
        with closing(sqlite3.connect(self.path)) as con:
            for start in range(0, len(spans), 900):
                chunk = spans[start : start + 900]
                found.update(con.execute(f"SELECT word, freq FROM words WHERE word IN ({','.join('?' * len(chunk))})", chunk).fetchall())
        return {w: f for w, f in found.items() if w.strip() and " " not in w}


class WordCounts:
    """The dictionary words of a set of documents, with how many of the documents hold each: a changed
    document takes its words out and puts its new ones in, instead of joining every document's again."""

    def __init__(self) -> None:
        self.keys: frozenset[str] = frozenset()
        self.held: dict[str, list[int]] = {}  # word -> [documents holding it, its frequency]
        self.total = 0

    def changed(self, keys: frozenset[str], words_of: dict[str, dict[str, int]]) -> "WordCounts":
        """These counts for the documents ``keys``; ``words_of`` holds the words of every key added or removed."""
        out = WordCounts()
        out.keys, out.total = keys, self.total
        out.held = {w: list(v) for w, v in self.held.items()}
        for sign, changed in ((-1, self.keys - keys), (1, keys - self.keys)):
            for key in changed:
                for word, freq in words_of[key].items():
                    entry = out.held.setdefault(word, [0, freq])
                    entry[0] += sign
                    if not entry[0]:
                        del out.held[word]
        return out


def _cut_dictionary(texts: list[str], cache_dir: Path, memo: Memo | None) -> tuple[Path, str]:
    """The word list of the dictionary words in ``texts`` (and the left-out frequency), and its digest.
    With the memo, only the words of the documents added or removed since the last build are read (from
    the cache dir, or looked up in the dictionary table for a document never seen)."""
    keys = frozenset(_key("dag", jieba.__version__, t) for t in texts)
    last: WordCounts = memo.get("dictionary", "words", cache_dir, WordCounts) if memo is not None else WordCounts()
    if not last.total:
        last = WordCounts()  # nothing kept: every document is read
    wanted = list(keys ^ last.keys)
    total_key = _key("total", jieba.__version__)
    store = TextStore(cache_dir)
    found = store.get([*wanted, total_key]) if wanted or not last.total else {}
    if any(k not in found for k in last.keys - keys):  # a removed document's words are lost: count them all again
        last, wanted = WordCounts(), list(keys)
        found = store.get([*wanted, total_key])
    by_key = {_key("dag", jieba.__version__, t): t for t in texts} if any(k not in found for k in wanted) else {}
    missing = {k: by_key[k] for k in wanted if k not in found}
    if missing or (total_key not in found and not last.total):  # only documents never seen before are looked up
        full = Dictionary(cache_dir)
        new: dict[str, Any] = {total_key: full.total}
        for key, t in missing.items():
            new[key] = full.words_in(t)
        store.put(new)
        found.update(new)
    counts = last.changed(keys, found)
    counts.total = int(found.get(total_key, last.total))
    if memo is not None:
        memo.put("dictionary", "words", cache_dir, counts)
    lines = [f"{w} {f}" for w, (_, f) in sorted(counts.held.items())]
    lines.append(f"{FILLER} {max(1, counts.total - sum(f for _, f in counts.held.values()))}")
    content = "\n".join(lines) + "\n"
    digest = _key(content)
    path = cache_dir / f"jieba-{digest[:16]}.txt"
    if not path.exists():
        partial = path.with_suffix(".partial")
        partial.write_text(content, encoding="utf-8")
        partial.replace(path)
    return path, digest


def word_tokens(tokenizer: jieba.Tokenizer, text: str) -> list[str]:
    out = []
    for token in tokenizer.cut_for_search(text):
        token = token.strip().lower()
        if not token or token in STOPWORDS:
            continue
        if token.isascii() and token.isalpha() and len(token) > 3 and token.endswith("s"):
            token = token[:-1]  # crude English plural folding: permits -> permit
        out.append(token)
    return out


class BM25Index:
    """A BM25 index over documents given by their term counts; scores every document for a query."""

    def __init__(self, vocab: dict[str, int], docs: list[Counts]) -> None:
        self.model = BM25.from_counts(vocab, docs, k1=1.2, b=0.6)
        self.vocab: dict[str, int] = self.model.vocab
        self.size = len(docs)

    def scores(self, tokens: list[str]) -> np.ndarray:
        return self.model.scores(tokens)


class LexicalRetriever:
    """Two BM25 indexes over the same documents: segmented words and character n-grams. With a memo
    (the last build's), only documents it has not seen are segmented and counted again."""

    def __init__(self, docs: list[str], tokenizer: jieba.Tokenizer, cache_dir: Path | None = None, memo: Memo | None = None) -> None:
        self.tokenizer = tokenizer
        memo = memo if memo is not None else Memo()
        # the term ids of the counts the memo keeps: the next build adds its new terms to the same table
        # (an index ignores ids added after it was built)
        words, chars = memo.get("vocab", "words", None, dict), memo.get("vocab", "chars", None, dict)
        content = getattr(tokenizer, "content_key", "") or object()  # no key (no cache dir): nothing reused
        tokens = self._doc_tokens([d for d in dict.fromkeys(docs) if not memo.known("word-counts", (content, d), None)], cache_dir)
        self.words = BM25Index(words, [memo.get("word-counts", (content, d), None, lambda: count_terms(tokens[d] or ["_"], words)) for d in docs])
        self.chars = BM25Index(chars, [memo.get("char-counts", d, None, lambda: count_terms(char_ngrams(d, (2, 3)) or ["_"], chars)) for d in docs])

    def _doc_tokens(self, docs: list[str], cache_dir: Path | None) -> dict[str, list[str]]:
        """Tokens per document, kept by (dictionary, document) content when there is a cache dir."""
        content = getattr(self.tokenizer, "content_key", "")
        if cache_dir is None or not content or not docs:
            return {d: word_tokens(self.tokenizer, d) for d in docs}
        store = TextStore(cache_dir)
        keys = [_key("tokens", content, d) for d in docs]
        found = store.get(keys)
        new = {k: word_tokens(self.tokenizer, d) for k, d in zip(keys, docs) if k not in found}
        if new:
            store.put(new)
            found.update(new)
        return {d: found[k] for k, d in zip(keys, docs)}

    def word_scores(self, text: str) -> np.ndarray:
        return self.words.scores(word_tokens(self.tokenizer, text))

    def char_scores(self, text: str) -> np.ndarray:
        return self.chars.scores([g for g in char_ngrams(text, (2, 3)) if g not in STOPWORDS])
