"""Does move recognition carry over to a scenario the sentence model was not tuned on?

The sentence model is fine-tuned on the flagship's examples (``tune_encoder``),
but educators write their own scenarios. This reads a second one, written the
way the guide asks an educator to (25 examples per move, ``bench/data/scenario2``),
on 320 messages that a third writer wrote from its move list alone, and fits it
again on the first 5, 10, 15 and 20 examples of each move: how many does an
educator need? ``--general`` adds the untuned all-MiniLM-L6-v2 that the bot
shipped before the eleventh freeze, taken from git history and checksum-pinned.

Run: ``.venv/bin/python bench/other_scenario.py [--general]`` (about a minute per model).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.recognition import first_per_move, move_scores  # noqa: E402
from bot.recognition import moves as mv  # noqa: E402
from bot.recognition.embedding import LAYER_DIM, Embedder, read_verified  # noqa: E402
from bot.scenario.loader import parse_scenario  # noqa: E402

DATA = ROOT / "bench" / "data" / "scenario2"
SIZES = (5, 10, 15, 20, None)
#: The general model as shipped until the eleventh freeze (commit a7e52f6).
GENERAL_AT = "a7e52f6:bot/recognition/data/minilm-l6-dynint8.onnx"
GENERAL_SHA256 = "9e80251537633bab7d98c9a4f07070371d83f1d28e6994a1f5d93c53de3c5454"


class GeneralEmbedder(Embedder):
    """The untuned model: its file has only the top layer, which is all moves read."""

    model_id = "all-MiniLM-L6-v2-onnx-dynint8"

    def _forward(self, enc: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ids = np.asarray([e.ids for e in enc], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in enc], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        return hidden, mask, np.zeros((len(enc), LAYER_DIM), dtype=np.float32)


def general_embedder() -> Embedder:
    """The pre-tuning model file from git history, checked against its pinned sha256."""
    blob = subprocess.run(["git", "-C", str(ROOT), "show", GENERAL_AT],
                          check=True, capture_output=True).stdout
    path = Path(tempfile.mkdtemp()) / "general.onnx"
    path.write_bytes(blob)
    read_verified(path, GENERAL_SHA256)
    return GeneralEmbedder(path, model_sha256=GENERAL_SHA256)


def fitted(scenario: Any, embedder: Embedder, n: int | None) -> mv.MoveModel:
    """The scenario's move model on its first ``n`` examples per move (all when None)."""
    seeded = type(embedder) is Embedder  # only the shipped model has shipped vectors

    class Subset(mv.MoveModel):
        def vector_seed(self) -> Path | None:
            return super().vector_seed() if seeded else None

        def _training_set(self) -> tuple[list[str], np.ndarray]:
            texts, labels = super()._training_set()
            if n is None:
                return texts, labels
            keep = first_per_move(n)(texts, labels)
            return [texts[i] for i in keep], labels[keep]

    return Subset(scenario, embedder, cache_dir=Path(tempfile.mkdtemp()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--general", action="store_true",
                        help="also measure the untuned model (needs the git history)")
    args = parser.parse_args()
    scenario = parse_scenario(DATA / "reluctant_parent.yaml")
    rows = [json.loads(line) for line in
            (DATA / "moves_test.jsonl").read_text(encoding="utf-8").splitlines() if line]
    off = [json.loads(line)["text"] for line in
           (DATA / "offtopic_test.jsonl").read_text(encoding="utf-8").splitlines() if line]
    most = max(len(m.examples) for m in scenario.moves.values())
    models = {"tuned (shipped)": Embedder()}
    if args.general:
        models["general (before tuning)"] = general_embedder()
    print(f"Second scenario ({len(scenario.moves)} moves, {len(rows)} held-out messages, "
          f"{len(off)} off-topic)")
    print(f"{'sentence model':26}{'examples/move':>14}{'top-1':>8}{'poor recall':>13}"
          f"{'good flagged':>14}{'unread':>8}{'off-topic read':>16}")
    for name, embedder in models.items():
        for n in SIZES:
            model = fitted(scenario, embedder, n)
            s = move_scores(model, rows)
            read_off = sum(bool(model.read(t)) for t in off) / len(off)
            print(f"{name:26}{n or most:>14}{s['top1']:>8.3f}{s['poor_recall']:>13.3f}"
                  f"{s['good_flagged']:>14.3f}{s['unclear']:>8.3f}{read_off:>16.3f}", flush=True)


if __name__ == "__main__":
    main()
