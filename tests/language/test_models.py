"""The embedding models load from their packages, checked, and behave like the published ones."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from bot.language import Language
from bot.language.minilm import PUBLISHED_SHA256, MiniLM, ModelFilesError, read_verified
from bot.language.wordllama import WordLlama


@pytest.fixture(scope="module")
def minilm() -> MiniLM:
    return MiniLM.load()


def test_minilm_vectors_are_unit_length(minilm: MiniLM) -> None:
    vectors = minilm.embed(["the website was fine", "someone is in my garden"])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_minilm_puts_sentences_of_the_same_meaning_together(minilm: MiniLM) -> None:
    food, bread, weather = minilm.embed(
        ["A man is eating food.", "A man is eating a piece of bread.", "It is cold outside today."]
    )
    assert food @ bread > 0.7
    assert food @ bread > food @ weather + 0.5


def test_minilm_reads_a_long_message_from_its_start(minilm: MiniLM) -> None:
    vector = minilm.embed(["word " * 2000])
    assert np.isfinite(vector).all()


def test_a_model_file_that_is_not_the_published_one_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "model.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name in PUBLISHED_SHA256:
            zipped.writestr(name, b"not the published file")
    with pytest.raises(ModelFilesError, match="not the published"):
        read_verified(archive)


def test_wordllama_gives_unit_vectors_and_zero_for_nothing() -> None:
    model = WordLlama.load()
    vectors = model.embed(["the 101 queue was long", ""])
    assert vectors.shape == (2, 256)
    assert np.isclose(np.linalg.norm(vectors[0]), 1.0, atol=1e-5)
    assert not vectors[1].any()


def test_the_classifier_scores_add_up_and_use_the_shipped_thresholds(language: Language) -> None:
    scores = language.safety.predict("there is a man in my garden looking through the window")
    assert sum(scores.probabilities.values()) == pytest.approx(1.0, abs=1e-4)
    assert 0 < scores.maybe_at <= scores.sure_at <= 1
