"""How does the shipped skill model read coded counsellor lines it never trained on?

Run: ``.venv/bin/python bench/skills_written.py``.

AnnoMI's grouped cross-validation is the issue's measure, but it measures
transcribed speech from therapy videos, coded by AnnoMI's annotators. Trainees
type. ``data/skills_written/`` holds 1,200 counsellor lines, each answering a
client line, written and coded by four writers who never saw AnnoMI's lines
or ours (brief in ``data/skills_written/BRIEF.md``). The skill model is read
on them as shipped: behaviour macro-F1, open vs closed and simple vs complex,
per writer and pooled, and again without the short lines that are also,
word for word, training lines ("Okay.", "Mm-hmm.").

The last two columns are the sub-codes as the bot shows them in play, where
the wording of a question decides open or closed (engine/question_form.py)
and a reflection's kind also weighs the client's words said back
(recognition/said_back.py); ``classify`` shows the first three.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.engine.question_form import asks_openly, read_question  # noqa: E402
from bot.recognition.embedding import get_embedder  # noqa: E402
from bot.recognition.said_back import reflection_kind  # noqa: E402
from bot.recognition.skill_eval import per_class  # noqa: E402
from bot.recognition.skill_model import BEHAVIOURS, HEADS  # noqa: E402
from bot.recognition.skills import get_params  # noqa: E402

DATA = ROOT / "bench" / "data" / "skills_written"
_COL = {h: i for i, h in enumerate(HEADS)}


def load_rows() -> list[dict[str, Any]]:
    """Every written line, tagged with its writer's file name."""
    rows = []
    for path in sorted(DATA.glob("writer*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append({**json.loads(line), "writer": path.stem})
    return rows


def read(rows: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """The model's behaviour and sub-code guesses, as the bot computes its probabilities."""
    params, embedder = get_params(), get_embedder()
    if embedder is None:
        raise SystemExit("the sentence model is not installed; this measures the shipped model")
    out = []
    for row in rows:
        p = params.probabilities(row["text"], row["previous"],
                                 embedder.layer_features(row["text"]))
        question = "open" if p[_COL["open|q"]] >= 0.5 else "closed"
        worded = read_question(row["text"])
        if worded is not None:
            question = "open" if asks_openly(row["text"]) else worded[1].split("_")[0]
        kind = reflection_kind(float(p[_COL["complex|r"]]), row["text"], row["previous"])
        out.append({
            "behaviour": BEHAVIOURS[int(np.argmax(p[:4]))],
            "question": "open" if p[_COL["open|q"]] >= 0.5 else "closed",
            "reflection": "complex" if p[_COL["complex|r"]] >= 0.5 else "simple",
            "question_in_play": question,
            "reflection_in_play": kind.split("_")[0],
        })
    return out


def _macro(truth: Sequence[str], guess: Sequence[str], labels: Sequence[str]) -> float:
    """The skill model's own per-class F1, so both benches score alike."""
    return float(per_class(truth, guess, labels)["macro_f1"])


def scores(rows: Sequence[dict[str, Any]], guesses: Sequence[dict[str, str]]
           ) -> dict[str, float]:
    """Behaviour macro-F1 over all lines; the sub-codes over lines of that behaviour."""
    out = {"n": float(len(rows)),
           "behaviour": _macro([r["behaviour"] for r in rows],
                               [g["behaviour"] for g in guesses], BEHAVIOURS)}
    for family, labels in (("question", ("open", "closed")),
                           ("reflection", ("simple", "complex"))):
        for read_as in (family, f"{family}_in_play"):
            pairs = [(r["sub"], g[read_as]) for r, g in zip(rows, guesses, strict=True)
                     if r["behaviour"] == family]
            out[read_as] = _macro([t for t, _ in pairs], [g for _, g in pairs], labels)
    return out


def training_texts() -> set[str]:
    """Lower-cased texts the skill model trained on (needs AnnoMI's train.csv)."""
    from bot.recognition.train_skills import training_examples

    return {ex.text.strip().lower() for ex in training_examples()}


def main() -> None:
    """Print the scores pooled, per writer, and without lines the model trained on."""
    rows = load_rows()
    guesses = read(rows)
    groups: dict[str, list[int]] = {"all writers": list(range(len(rows)))}
    for i, row in enumerate(rows):
        groups.setdefault(row["writer"], []).append(i)
    try:
        seen = training_texts()
        groups["all, not verbatim in training"] = [
            i for i, r in enumerate(rows) if r["text"].strip().lower() not in seen]
    except FileNotFoundError:
        print("(AnnoMI's train.csv not found: the verbatim check is skipped)")
    groups["all, one function per line"] = [i for i, r in enumerate(rows) if not r.get("mixed")]
    print(f"{'lines':<32} {'n':>5} {'behaviour':>10} {'open/closed':>12} {'simple/complex':>15}"
          f" {'o/c in play':>12} {'s/c in play':>12}")
    for name, idx in groups.items():
        s = scores([rows[i] for i in idx], [guesses[i] for i in idx])
        print(f"{name:<32} {int(s['n']):>5} {s['behaviour']:>10.3f} {s['question']:>12.3f} "
              f"{s['reflection']:>15.3f} {s['question_in_play']:>12.3f} "
              f"{s['reflection_in_play']:>12.3f}")


if __name__ == "__main__":
    main()
