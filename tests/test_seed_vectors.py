"""The shipped phrase vectors and fits: complete for the bundled scenarios, and the model's own."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.recognition import moves
from bot.recognition.embedding import Embedder, get_embedder
from bot.recognition.moves import MoveModel, seed_path
from bot.recognition.seed_vectors import bundled_phrases
from bot.recognition.vector_store import read_vectors, text_key
from bot.scenario.loader import parse_scenario
from bot.scenario.validate import scenario_files
from tests.scenarios import FLAGSHIP, MINI, ROOT

STALE = "the shipped phrase vectors or fits are stale: run  python -m bot.recognition.seed_vectors"


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


def test_every_bundled_scenario_ships_its_current_fit(
    embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: MoveModel, cache_dir: Path | None = None) -> None:
        raise AssertionError(f"{STALE} (no current fit for {self.scenario.id})")

    monkeypatch.setattr(MoveModel, "_fit", refuse)
    for path in scenario_files([ROOT / "dialogues"]):
        assert MoveModel(parse_scenario(path), embedder).weights.size


class _Refitted(MoveModel):
    def shipped_fit(self) -> Path | None:
        return None


def test_a_fresh_install_reads_the_shipped_fit_which_a_fit_reproduces(
    embedder: Embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = parse_scenario(FLAGSHIP)
    fits: list[str] = []
    real_fit = MoveModel._fit

    def counted(self: MoveModel, cache_dir: Path | None = None) -> None:
        fits.append(self.scenario.id)
        real_fit(self, cache_dir)

    monkeypatch.setattr(MoveModel, "_fit", counted)
    shipped = MoveModel(scenario, embedder, cache_dir=tmp_path / "fresh")
    assert fits == []
    refitted = _Refitted(scenario, embedder, cache_dir=tmp_path / "refit")
    assert fits == [scenario.id]
    messages = ["Would you be willing to come to one joint session and see?",
                "Honestly, you need to come, Alex has done the work.",
                "is the shop open on sunday"]
    for text in messages:
        assert shipped.read(text) == refitted.read(text), STALE
    np.testing.assert_allclose(shipped.probabilities(messages),
                               refitted.probabilities(messages), atol=1e-3)


def test_an_unreadable_shipped_fit_is_fitted_anew(
    embedder: Embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    scenario = parse_scenario(MINI)
    broken = tmp_path / "shipped"
    monkeypatch.setattr(moves, "SHIPPED_FITS", broken)
    name = _Refitted(scenario, embedder).cache_name
    broken.mkdir()
    (broken / name).write_bytes(b"not a zip file")
    model = MoveModel(scenario, embedder, cache_dir=tmp_path / "cache")
    assert "ignoring unreadable fitted model" in caplog.text
    assert (tmp_path / "cache" / name).is_file()
    assert model.weights.shape[1] == len(scenario.moves) + 1
