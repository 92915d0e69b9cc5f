"""A trained model folder with a part missing is a clear error, never an untrained model serving."""

import shutil

import pytest

from assistant.engine import Paths
from assistant.understanding.pipeline import Understanding


@pytest.fixture
def models_copy(trained_settings, tmp_path):
    copy = tmp_path / "models"
    shutil.copytree(Paths.of(trained_settings).models, copy)
    return copy


def test_a_missing_encoder_is_named(engine, models_copy):
    shutil.rmtree(models_copy / "encoder")
    with pytest.raises(FileNotFoundError, match=r"the trained encoder is missing from .*encoder: run `assistant train`"):
        Understanding.load(engine.kb, models_copy)


def test_a_missing_intent_model_is_named(engine, models_copy):
    shutil.rmtree(models_copy / "intent")
    with pytest.raises(FileNotFoundError, match=r"no trained models in .*: run `assistant train`"):
        Understanding.load(engine.kb, models_copy)


def test_the_complete_folder_loads_and_answers(engine, models_copy, trained_settings):
    understood = Understanding.load(engine.kb, models_copy, cache_dir=Paths.of(trained_settings).cache).understand("护照怎么办")
    assert understood.hits[0].guide_id == "passport"


def _shortcut_fails(*args, **kwargs):
    raise RuntimeError("interrupted")  # late in training: the encoder and intent models are written by then


def test_a_failed_training_leaves_the_old_models_whole(engine, models_copy, trained_settings, monkeypatch):
    from assistant.engine import nlu_file
    from assistant.understanding import pipeline

    cache = Paths.of(trained_settings).cache
    before = sorted(p.relative_to(models_copy) for p in models_copy.rglob("*"))
    monkeypatch.setattr(pipeline, "_shortcut_limits", _shortcut_fails)
    with pytest.raises(RuntimeError, match="interrupted"):
        pipeline.train_whole(engine.kb, nlu_file(trained_settings), models_copy, cache_dir=cache, log=lambda _m: None)
    assert sorted(p.relative_to(models_copy) for p in models_copy.rglob("*")) == before
    assert Understanding.load(engine.kb, models_copy, cache_dir=cache).understand("护照怎么办").hits[0].guide_id == "passport"


def test_a_failed_first_training_leaves_no_models_folder_and_the_next_one_trains(engine, trained_settings, tmp_path, monkeypatch):
    from assistant.engine import nlu_file
    from assistant.understanding import pipeline

    cache, models = Paths.of(trained_settings).cache, tmp_path / "models"
    monkeypatch.setattr(pipeline, "_shortcut_limits", _shortcut_fails)
    with pytest.raises(RuntimeError):
        pipeline.train_whole(engine.kb, nlu_file(trained_settings), models, cache_dir=cache, log=lambda _m: None)
    assert not models.exists()  # a start sees no models and trains, instead of loading half of them
    monkeypatch.undo()
    pipeline.train_whole(engine.kb, nlu_file(trained_settings), models, cache_dir=cache, log=lambda _m: None)
    assert (models / "shortcut.json").exists() and not models.with_name("models.partial").exists()
    assert Understanding.load(engine.kb, models, cache_dir=cache).understand("护照怎么办").hits[0].guide_id == "passport"
