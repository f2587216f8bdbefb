"""Do the micro-skill readings agree with the move read, in play as well as alone?

Run: ``.venv/bin/python bench/skills_in_play.py [MODEL.npz MODEL.json]``.

AnnoMI's cross-validation measures the skill model on transcribed therapy
sessions. In the bot, the text is a trainee's message and the previous line is
always one of Sam's. This reads the held-out trainee messages of
``bench/data/moves_test{4,5,6}.jsonl`` that carry one move with a clear MI
meaning (a reflection should read as a reflection, an affirmation should show
``affirm``, a breach of confidentiality must not read as a reflection, ...)
twice: alone, and after a line Sam says in the flagship (seeded choice). The
two agreement rates should be close; a model that changes its mind because a
partner's line is present has learnt where its training lines came from.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.recognition.embedding import get_embedder  # noqa: E402
from bot.recognition.skill_model import SkillParams, load_params  # noqa: E402
from bot.recognition.skills import SkillReading, read_probabilities  # noqa: E402
from bot.scenario.loader import parse_scenario  # noqa: E402
from bot.scenario.model import says  # noqa: E402

DATA = ROOT / "bench" / "data"
SETS = ("moves_test4.jsonl", "moves_test5.jsonl", "moves_test6.jsonl")


def _advice(r: SkillReading) -> bool:
    return r.has("advice") or r.has("advice_with_permission")


def _not_reflection(r: SkillReading) -> bool:
    return r.behaviour != "reflection"


#: move -> (what the reading should show, the check)
EXPECT: dict[str, tuple[str, Callable[[SkillReading], bool]]] = {
    "reflect_concern": ("a reflection", lambda r: r.behaviour == "reflection"),
    "explore_concerns": ("a question", lambda r: r.behaviour == "question"),
    "affirm_partner": ("affirm", lambda r: r.has("affirm")),
    "emphasize_autonomy": ("autonomy", lambda r: r.has("emphasize_autonomy")),
    "explain_joint_session": ("input", lambda r: r.behaviour == "input"),
    "clarify_confidentiality": ("input", lambda r: r.behaviour == "input"),
    "refer_individual_therapy": ("advice", _advice),
    "refer_support_group": ("advice", _advice),
    "pressure": ("no reflection", _not_reflection),
    "take_sides": ("no reflection", _not_reflection),
    "breach_confidentiality": ("no reflection", _not_reflection),
    "use_jargon": ("no reflection", _not_reflection),
}


def messages() -> list[tuple[str, str]]:
    """(text, move) for every single-move held-out message with a clear MI reading."""
    out = []
    for name in SETS:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if len(row["moves"]) == 1 and row["moves"][0] in EXPECT:
                out.append((row["text"], row["moves"][0]))
    return out


def agreement(params: SkillParams, rows: list[tuple[str, str]], previous: list[str | None]
              ) -> dict[str, list[bool]]:
    """Per move, whether each reading showed what the move implies."""
    embedder = get_embedder()
    variant = "sentence" if embedder is not None else "lexical"
    hits: dict[str, list[bool]] = {}
    for (text, move), prev in zip(rows, previous, strict=True):
        layers = embedder.layer_features(text) if embedder is not None else None
        reading = read_probabilities(params.probabilities(text, prev, layers), params, variant)
        hits.setdefault(move, []).append(EXPECT[move][1](reading))
    return hits


def _params(argv: list[str]) -> SkillParams:
    """The shipped model, or another one written by train_skills (npz and its json)."""
    return load_params(Path(argv[0]), Path(argv[1])) if argv else load_params()


def main(argv: list[str]) -> int:
    params = _params(argv)
    rows = messages()
    flagship = parse_scenario(ROOT / "dialogues" / "hesitant_partner.yaml")
    sam = sorted({flagship.text(says(line)) for state in flagship.states.values()
                  for line in state.lines})
    rng = random.Random(7)
    alone = agreement(params, rows, [None] * len(rows))
    in_play = agreement(params, rows, [rng.choice(sam) for _ in rows])
    print(f"{len(rows)} held-out trainee messages; reading agrees with the move read")
    print(f"{'move':<26}{'should show':<15}{'alone':>9}{'after Sam':>12}")
    for move, (what, _) in EXPECT.items():
        a, b = alone.get(move, []), in_play.get(move, [])
        print(f"{move:<26}{what:<15}{sum(a):>5}/{len(a):<3}{sum(b):>8}/{len(b):<3}")
    for name, hits in (("alone", alone), ("after one of Sam's lines", in_play)):
        total = [h for v in hits.values() for h in v]
        print(f"overall, {name}: {sum(total)}/{len(total)} = {sum(total) / len(total):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
