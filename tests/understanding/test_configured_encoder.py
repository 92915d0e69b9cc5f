"""Any sentence-transformers model directory can replace the bundled e5 (ASSISTANT_ENCODER_PATH)."""

from pathlib import Path

import pytest
from sentence_transformers import SentenceTransformer
from tokenizers import Tokenizer, models, pre_tokenizers

from assistant.kb.source import load_knowledge
from assistant.understanding.pipeline import Understanding, train
from tests.conftest import KNOWLEDGE, ROOT


def tiny_model(path: Path) -> Path:
    """A 32-dimensional static-embedding model over single characters, built offline. Its weights
    are random, so they are seeded: the test checks the wiring, not a random model's luck."""
    import torch
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding

    chars = sorted({ch for line in (ROOT / "training" / "data" / "nlu.yml").read_text(encoding="utf-8") for ch in line})
    tokenizer = Tokenizer(models.WordLevel({"[UNK]": 0, **{c: i + 1 for i, c in enumerate(chars)}}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Split("", behavior="isolated")
    with torch.random.fork_rng():
        torch.manual_seed(0)
        SentenceTransformer(modules=[StaticEmbedding(tokenizer, embedding_dim=32)], device="cpu").save(str(path))
    return path


@pytest.mark.slow
def test_a_configured_model_directory_is_used_for_training_and_answers(tmp_path):
    kb, _ = load_knowledge(KNOWLEDGE)
    base = tiny_model(tmp_path / "base")
    report = train(kb, ROOT / "training" / "data" / "nlu.yml", tmp_path / "models", base_encoder=base, log=lambda _m: None)
    assert report.adapter_loss == []  # only the bundled e5 gets the adapter
    understanding = Understanding.load(kb, tmp_path / "models")
    assert understanding.retriever.index.d == 32
    u = understanding.understand("护照办理需要什么材料")
    assert u.service == "passport" and u.intent.intent in {"ask_materials", "ask_process"}


def test_a_directory_that_is_not_a_model_is_refused(tmp_path):
    kb, _ = load_knowledge(KNOWLEDGE)
    with pytest.raises(FileNotFoundError, match="modules.json"):
        train(kb, ROOT / "training" / "data" / "nlu.yml", tmp_path / "models", base_encoder=tmp_path, log=lambda _m: None)
