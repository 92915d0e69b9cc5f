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
