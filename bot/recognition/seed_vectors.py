"""Write the shipped phrase vectors, the bundled fitted move models and the sentence-break model.

A fresh install would otherwise embed every example phrase before the first
trainee can start (about 15 s for the flagship on two cores), and then fit
the move model (5-7 s more). Vectors are looked up by a hash of the phrase,
so an edited scenario still reuses every unchanged phrase and embeds only the
new ones; a fit is looked up by the hash of what it reads, so an edited
scenario is fitted anew. Run after changing the bundled examples (a test says
so when they are not all covered):

    python -m bot.recognition.seed_vectors [dialogues]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.recognition.embedding import get_embedder
from bot.recognition.moves import SHIPPED_FITS, MoveModel, background_phrases, seed_path
from bot.recognition.sentence_breaks import MODEL_PATH as BREAKS_PATH
from bot.recognition.sentence_breaks import fit as fit_breaks
from bot.recognition.vector_store import text_key, write_vectors
from bot.scenario.loader import parse_scenario
from bot.scenario.validate import scenario_files


def bundled_phrases(folders: list[Path]) -> list[str]:
    """Every phrase a bundled scenario's fit embeds, sorted and without repeats."""
    phrases = set(background_phrases())
    for path in scenario_files(folders):
        for move in parse_scenario(path).moves.values():
            phrases.update(move.examples)
    return sorted(phrases)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, default=[Path("dialogues")])
    args = parser.parse_args(argv)
    embedder = get_embedder()
    if embedder is None:
        print("the sentence model is not installed; nothing to write", file=sys.stderr)
        return 1
    phrases = bundled_phrases(args.folders)
    vectors = embedder.embed(phrases)
    path = seed_path(embedder.model_id)
    write_vectors(path, sorted(zip((text_key(p) for p in phrases), vectors, strict=True)))
    print(f"wrote {len(phrases)} phrase vectors to {path}")
    breaks = fit_breaks(phrases)
    breaks.save(BREAKS_PATH)
    print(f"wrote {len(breaks.weights)} sentence-break weights to {BREAKS_PATH}")
    for old in SHIPPED_FITS.glob("moves-*.npz"):
        old.unlink()
    for scenario_path in scenario_files(args.folders):
        fitted = MoveModel(parse_scenario(scenario_path), embedder).save_shipped()
        print(f"wrote the fitted move model {fitted}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
