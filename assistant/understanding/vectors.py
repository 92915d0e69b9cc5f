"""Embeddings kept by content. On disk: the base model's output for each (model id, kind, text), so
training and index builds re-encode only texts never seen before, and an interrupted build resumes
where it stopped (every batch is committed as it is encoded). In memory: a bounded LRU of query
vectors, so a question asked again costs no model call."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from assistant.understanding.store import KeyValueFile

Progress = Callable[[int, int], None]  # (texts done, texts in all)


def text_key(model_id: str, kind: str, text: str) -> str:
    return hashlib.sha256(f"{model_id}\x00{kind}\x00{text}".encode()).hexdigest()


class VectorStore:
    """sqlite file of raw vectors keyed by text_key; safe to share between threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = KeyValueFile(path, "vectors", "vec", "BLOB")

    def get(self, keys: list[str]) -> dict[str, bytes]:
        return self._file.get(keys)  # type: ignore[return-value]

    def put(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        self._file.put((k, np.asarray(v, dtype="<f4").tobytes()) for k, v in items)

    def __len__(self) -> int:
        return len(self._file)


def raw_vectors(encoder, texts: list[str], kind: str, store: VectorStore | None, *, progress: Progress | None = None, batch: int = 64) -> np.ndarray:  # type: ignore[no-untyped-def]
    """encoder.raw over texts, taking what the store already has and adding what it had not."""
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    if store is None:
        missing = list(range(len(texts)))
        keys: list[str] = []
    else:
        keys = [text_key(encoder.model_id, kind, t) for t in texts]
        found = store.get(list(dict.fromkeys(keys)))
        missing = []
        for i, key in enumerate(keys):
            blob = found.get(key)
            if blob is None or len(blob) != 4 * encoder.dim:
                missing.append(i)
            else:
                out[i] = np.frombuffer(blob, dtype="<f4")
    unique = list(dict.fromkeys(texts[i] for i in missing))  # the same text is encoded once
    done, total = len(texts) - len(missing), len(texts)
    if progress is not None:
        progress(done, total)
    encoded: dict[str, np.ndarray] = {}
    for start in range(0, len(unique), batch):
        chunk = unique[start : start + batch]
        vecs = encoder.raw(chunk, kind)
        encoded.update(zip(chunk, vecs))
        if store is not None:
            store.put((text_key(encoder.model_id, kind, t), v) for t, v in zip(chunk, vecs))
        if progress is not None:
            progress(min(total, done + start + len(chunk)), total)
    for i in missing:
        out[i] = encoded[texts[i]]
    if progress is not None and missing:
        progress(total, total)
    return out


class QueryCache:
    """Bounded LRU of finished query vectors, keyed by the (normalised) text."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, text: str, compute: Callable[[str], np.ndarray]) -> np.ndarray:
        with self._lock:
            vec = self._items.get(text)
            if vec is not None:
                self._items.move_to_end(text)
                self.hits += 1
                return vec
            self.misses += 1
        vec = compute(text)
        vec.setflags(write=False)  # shared between callers
        with self._lock:
            self._items[text] = vec
            if len(self._items) > self.size:
                self._items.popitem(last=False)
        return vec

    def __len__(self) -> int:
        return len(self._items)


def terminal_bar(label: str, stream=None) -> Progress:  # type: ignore[no-untyped-def]
    """A one-line progress bar on a terminal (stderr); prints nothing when it is not a terminal."""
    import sys

    out = stream or sys.stderr
    shown = {"pct": -1}

    def show(done: int, total: int) -> None:
        pct = 100 if total == 0 else int(100 * done / total)
        if pct == shown["pct"] or not (stream or out.isatty()):
            return
        shown["pct"] = pct
        filled = pct * 30 // 100
        out.write(f"\r{label} [{'#' * filled}{'.' * (30 - filled)}] {pct:3d}% {done}/{total}")
        if done >= total:
            out.write("\n")
        out.flush()

    return show
