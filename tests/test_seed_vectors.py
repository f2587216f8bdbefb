"""The shipped phrase vectors: complete for the bundled scenarios, and the model's own."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.recognition.embedding import Embedder, get_embedder
from bot.recognition.moves import MoveModel, seed_path
from bot.recognition.seed_vectors import bundled_phrases
from bot.recognition.vector_store import read_vectors, text_key
from bot.scenario.loader import parse_scenario
from tests.scenarios import FLAGSHIP, ROOT

STALE = "the shipped phrase vectors are stale: run  python -m bot.recognition.seed_vectors"


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    found = get_embedder()
    if found is None:
        pytest.skip("sentence model not installed")
    return found


def test_every_bundled_phrase_has_a_shipped_vector(embedder: Embedder) -> None:
    seed = read_vectors(seed_path(embedder.model_id))
    missing = [p for p in bundled_phrases([ROOT / "dialogues"]) if text_key(p) not in seed]
    assert not missing, f"{STALE} ({len(missing)} missing, e.g. {missing[:3]})"


def test_shipped_vectors_are_what_the_model_gives(embedder: Embedder) -> None:
    seed = read_vectors(seed_path(embedder.model_id))
    sample = bundled_phrases([ROOT / "dialogues"])[::400]
    embedder.cache.clear()
    fresh = embedder.embed(sample)
    shipped = np.stack([seed[text_key(p)] for p in sample])
    assert np.einsum("ij,ij->i", fresh, shipped).min() > 0.999, STALE


def test_a_fresh_install_fits_the_flagship_without_embedding_a_phrase(
    embedder: Embedder, tmp_path: Path
) -> None:
    calls: list[int] = []

    class Counting:
        model_id = embedder.model_id

        def embed(self, texts: list[str]) -> np.ndarray:
            calls.append(len(texts))
            return embedder.embed(texts)

    model = MoveModel(parse_scenario(FLAGSHIP), Counting(), cache_dir=tmp_path)
    assert calls == []
    assert model.read("Would you be willing to come to one joint session and see?")


def test_many_phrases_embed_on_both_cores_exactly_as_one_message_does(
    embedder: Embedder,
) -> None:
    """A fit's phrases go to two worker threads; each vector must still be the
    one a trainee's identical message gets, bit for bit."""
    from bot.recognition.embedding import PARALLEL_FROM

    sample = bundled_phrases([ROOT / "dialogues"])[3::97][: PARALLEL_FROM * 3]
    assert len(sample) >= PARALLEL_FROM
    embedder.cache.clear()
    together = embedder.encode(sample)
    embedder.cache.clear()
    alone = np.stack([embedder.encode([p])[0] for p in sample])
    assert np.array_equal(together, alone)
