"""Long messages: is one unhelpful sentence among good ones still caught?

``.venv/bin/python bench/long_messages.py``

Trainees write three to five sentences in one message; the held-out sets hold
mostly one or two. This joins held-out lines (sets 15-39, each with one move
and its own full stop) into 300 messages of three or four sentences with one
unhelpful sentence (never the first) and 300 with good sentences only, and
reads them as written and as a texter types (lower case, no full stops, no
apostrophes), with each sentence of a long message read alone
(``Tuning.alone_from_clauses``) and as before. Then sets 41 and 43, 200 long
messages each, written for the purpose by writers who saw neither the
examples nor the model, as written. Prints caught, flagged and credited per row.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.recognition import DATA, FLAGSHIP, HELD_OUT, _rows  # noqa: E402
from bot.recognition import moves as mv  # noqa: E402
from bot.recognition.embedding import get_embedder  # noqa: E402
from bot.scenario.loader import parse_scenario  # noqa: E402

SEED = 7
#: Held-out sets of long messages written for this bench (data/README.md).
LONG_SETS = ("test41", "test43")
#: The sets the joined messages come from: fixed, so later held-out sets do
#: not change the figures recorded in bench/README.md.
JOINED_FROM = HELD_OUT[: HELD_OUT.index("test39") + 1]
#: Moves a whole sentence of a longer message rarely is on its own.
_OPENERS = {"greet", "sympathise", "own_misstep"}


def joined(poor_ids: set[str], n: int = 600) -> list[dict[str, Any]]:
    """n messages of 3-4 held-out sentences; every second one holds one unhelpful sentence."""
    good, poor = [], []
    for name in JOINED_FROM:
        for row in _rows(f"moves_{name}.jsonl"):
            text = row["text"].strip()
            words = len(text.split())
            if len(row["moves"]) != 1 or text[-1:] not in ".?!" or not 5 <= words <= 22:
                continue
            move = row["moves"][0]
            if move in poor_ids:
                poor.append(row)
            elif move not in _OPENERS:
                good.append(row)
    rng = random.Random(SEED)
    out = []
    for i in range(n):
        k = rng.choice([3, 4])
        parts = rng.sample(good, k)
        if i % 2:
            parts[rng.randrange(1, k)] = rng.choice(poor)
        moves = [r["moves"][0] for r in parts]
        out.append({"text": " ".join(r["text"].strip() for r in parts), "moves": moves,
                    "poor": bool(set(moves) & poor_ids)})
    return out


def texted(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same messages as a texter types them: lower case, no stops or apostrophes."""
    out = []
    for row in rows:
        text = re.sub(r"[.?!]+(\s|$)", " ", row["text"].lower())
        text = re.sub(r"\s+", " ", text.replace("'", "").replace("\u2019", "")).strip()
        out.append({**row, "text": text})
    return out


def scores(
    model: mv.MoveModel, rows: list[dict[str, Any]], poor_ids: set[str]
) -> tuple[str, str, str]:
    """Unhelpful sentences caught, good messages flagged, good moves credited."""
    caught = poor_total = flagged = good_total = credited = good_moves = 0
    for row in rows:
        found = {g.id for g in model.read(row["text"])}
        if row.get("poor", bool(set(row["moves"]) & poor_ids)):
            poor_total += 1
            caught += bool(found & poor_ids)
        else:
            good_total += 1
            flagged += bool(found & poor_ids)
        good = set(row["moves"]) - poor_ids
        good_moves += len(good)
        credited += len(good & found)
    return f"{caught}/{poor_total}", f"{flagged}/{good_total}", f"{credited}/{good_moves}"


def main() -> None:
    scenario = parse_scenario(FLAGSHIP)
    model = mv.MoveModel(scenario, get_embedder())
    poor_ids = set(scenario.poor_moves)
    sets = {"joined, as written": joined(poor_ids)}
    sets["joined, typed as a texter"] = texted(sets["joined, as written"])
    for name in LONG_SETS:
        if (DATA / f"moves_{name}.jsonl").exists():
            sets[f"set {name.removeprefix('test')}, as written"] = _rows(f"moves_{name}.jsonl")
    shipped = model.tuning
    variants = {
        "each sentence read alone (shipped)": shipped,
        "spans of one run (before)": dataclasses.replace(shipped, alone_from_clauses=10**6),
    }
    print("| messages | reading | unhelpful caught | good flagged | good moves credited |")
    print("|---|---|---:|---:|---:|")
    for name, rows in sets.items():
        for label, tuning in variants.items():
            model.tuning = tuning
            caught, flagged, credited = scores(model, rows, poor_ids)
            print(f"| {name} | {label} | {caught} | {flagged} | {credited} |", flush=True)
    model.tuning = shipped
    print(json.dumps({"seed": SEED, "sets": {k: len(v) for k, v in sets.items()}}))


if __name__ == "__main__":
    main()
