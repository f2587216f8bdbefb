"""Metrics and the fixed probe set for the skill classifier (training and bench share them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.recognition.skill_model import BEHAVIOURS, HEADS, OWN_SKILLS, SkillParams

if TYPE_CHECKING:
    from bot.recognition.train_skills import Example

_COL = {h: i for i, h in enumerate(HEADS)}

#: (text, previous, expected behaviour, a skill it must show or "").
PROBES: tuple[tuple[str, str | None, str, str], ...] = (
    ("What worries you most about coming?", None, "question", "open_question"),
    ("Is Tuesday ok?", None, "question", "closed_question"),
    ("It sounds like you're worried you'd be blamed.", "I just don't want to be the bad guy",
     "reflection", ""),
    ("You did a great job coming here today", None, "", "affirm"),
    ("It's completely your decision", None, "", "emphasize_autonomy"),
    ("You need to stop drinking", None, "input", ""),
    ("How do you think the sessions could help the two of you?", "I don't see the point.",
     "question", "open_question"),
    ("Have you ever been to counselling before?", None, "question", "closed_question"),
    ("So you feel like nobody is on your side.", "Everyone always takes her side.",
     "reflection", ""),
    ("You're tired of the arguments.", "I'm sick of all the fighting.", "reflection", ""),
    ("Part of you wants to come, and part of you is scared of what you'll hear.",
     "I keep meaning to book it and then I don't.", "reflection", "complex_reflection"),
    ("Thank you for being so honest with me.", None, "", "affirm"),
    ("Whether you come or not is up to you.", None, "", "emphasize_autonomy"),
    ("What would you like us to focus on today?", None, "question", "seek_collaboration"),
    ("Would it be okay if I shared what other couples have found helpful?", None, "",
     "advice_with_permission"),
    ("You're just making excuses.", "I'm too busy to come.", "", "confront"),
    ("The sessions last an hour and they're completely confidential.",
     "What happens there?", "input", "giving_information"),
    ("You should talk to her when you're both calm.", "I don't know how to bring it up.",
     "input", "advice"),
    ("Mm-hmm.", "And then he just left.", "other", ""),
    ("Hi, I'm Alex, the family support worker.", None, "other", ""),
    ("Okay.", "I'll think about it.", "other", ""),
    ("Did you drink last night?", None, "question", "closed_question"),
    ("Tell me more about what happened.", "It all went wrong at the party.", "", ""),
    ("You're wondering if anything could really change.", "We've been like this for years.",
     "reflection", ""),
    ("Nobody can make you go, it's your choice.", "Nobody can make me go.", "",
     "emphasize_autonomy"),
    ("Let's figure out together what would make this easier.", None, "",
     "seek_collaboration"),
    ("Why can't you just admit you have a problem?", None, "", "confront"),
    ("If you're open to it, I could suggest a few ways to bring it up with him.",
     "I don't know how to tell him.", "", "advice_with_permission"),
    ("Drinking more than fourteen units a week raises your risk of liver disease.", None,
     "input", "giving_information"),
    ("You've kept every appointment, that shows real commitment.", None, "", "affirm"),
)


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return round(p, 4), round(r, 4), round(f, 4)


def per_class(y: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """Precision/recall/F1 per label, macro-F1 and the confusion matrix (rows: truth)."""
    out: dict[str, Any] = {}
    for lab in labels:
        tp = sum(a == lab and b == lab for a, b in zip(y, pred, strict=True))
        fp = sum(a != lab and b == lab for a, b in zip(y, pred, strict=True))
        fn = sum(a == lab and b != lab for a, b in zip(y, pred, strict=True))
        p, r, f = _f1(tp, fp, fn)
        out[lab] = {"precision": p, "recall": r, "f1": f, "support": tp + fn}
    out["macro_f1"] = round(float(np.mean([out[lab]["f1"] for lab in labels])), 4)
    out["confusion"] = [[sum(a == t and b == q for a, b in zip(y, pred, strict=True))
                         for q in labels] for t in labels]
    out["n"] = len(y)
    return out


def evaluate(examples: Sequence[Example], probs: np.ndarray) -> dict[str, Any]:
    """All reported metrics from out-of-fold head probabilities."""
    ann = [i for i, ex in enumerate(examples) if ex.source == "annomi"]
    own = [i for i, ex in enumerate(examples) if ex.source == "own"]
    beh_pred = [BEHAVIOURS[int(np.argmax(probs[i, :4]))] for i in ann]
    m: dict[str, Any] = {
        "behaviour": per_class([examples[i].behaviour for i in ann], beh_pred, BEHAVIOURS)
    }

    def binary(behaviour: str, head: str, pos: str, neg: str, subs: dict[str, str]) -> None:
        idx = [i for i in ann if examples[i].behaviour == behaviour and examples[i].sub in subs]
        y = [subs[examples[i].sub] for i in idx]
        pred = [pos if probs[i, _COL[head]] >= 0.5 else neg for i in idx]
        m[f"{pos}_vs_{neg}"] = per_class(y, pred, [pos, neg])

    binary("question", "open|q", "open", "closed", {"open": "open", "closed": "closed"})
    binary("reflection", "complex|r", "complex", "simple",
           {"simple": "simple", "complex": "complex"})
    binary("input", "advice|i", "advice", "information",
           {"information": "information", "advice": "advice", "options": "advice"})
    own_m: dict[str, Any] = {}
    for skill in OWN_SKILLS:
        col = _COL[skill]
        y = [skill in examples[i].skills for i in own]
        pred = [bool(probs[i, col] >= 0.5) for i in own]
        tp = sum(a and b for a, b in zip(y, pred, strict=True))
        fp = sum(b and not a for a, b in zip(y, pred, strict=True))
        fn = sum(a and not b for a, b in zip(y, pred, strict=True))
        p, r, f = _f1(tp, fp, fn)
        fire = float(np.mean(probs[ann, col] >= 0.5))
        own_m[skill] = {"precision": p, "recall": r, "f1": f, "support": sum(y),
                        "annomi_fire_rate": round(fire, 4)}
    m["own_skills"] = own_m
    m["own_behaviour"] = per_class(
        [examples[i].behaviour for i in own],
        [BEHAVIOURS[int(np.argmax(probs[i, :4]))] for i in own], BEHAVIOURS)
    m["reliability"] = {
        "open_question": m["open_vs_closed"]["open"]["f1"],
        "closed_question": m["open_vs_closed"]["closed"]["f1"],
        "simple_reflection": m["complex_vs_simple"]["simple"]["f1"],
        "complex_reflection": m["complex_vs_simple"]["complex"]["f1"],
        "giving_information": m["advice_vs_information"]["information"]["f1"],
        "advice": m["advice_vs_information"]["advice"]["f1"],
        **{s: own_m[s]["f1"] for s in OWN_SKILLS},
    }
    return m


def format_metrics(metrics: dict[str, Any]) -> str:
    """A plain-text table of the CV metrics for both variants."""
    lines: list[str] = []
    for variant, m in metrics.items():
        cv = m.get("cv_metrics", m)
        lines.append(f"== {variant} model (grouped 5-fold CV on AnnoMI folds) ==")
        beh = cv["behaviour"]
        lines.append(f"behaviour macro-F1 {beh['macro_f1']:.3f}  (n={beh['n']})")
        for lab in BEHAVIOURS:
            c = beh[lab]
            lines.append(f"  {lab:<11} P {c['precision']:.3f}  R {c['recall']:.3f}  "
                         f"F1 {c['f1']:.3f}  n={c['support']}")
        lines.append(f"  confusion (rows truth, cols pred {list(BEHAVIOURS)}): {beh['confusion']}")
        for key in ("open_vs_closed", "complex_vs_simple", "advice_vs_information"):
            c = cv[key]
            labs = [k for k in c if isinstance(c[k], dict)]
            parts = "  ".join(f"{lab} F1 {c[lab]['f1']:.3f}" for lab in labs)
            lines.append(f"{key:<22} macro-F1 {c['macro_f1']:.3f}  {parts}  (n={c['n']})")
        lines.append("own examples (seeded 5-fold CV), threshold 0.5:")
        for skill, c in cv["own_skills"].items():
            lines.append(f"  {skill:<23} P {c['precision']:.3f}  R {c['recall']:.3f}  "
                         f"F1 {c['f1']:.3f}  n={c['support']}  "
                         f"fires on {100 * c['annomi_fire_rate']:.1f}% of AnnoMI")
        ob = cv["own_behaviour"]
        lines.append(f"own examples behaviour macro-F1 {ob['macro_f1']:.3f}")
    return "\n".join(lines)


def probe_records(params: SkillParams) -> list[dict[str, Any]]:
    """Probe outputs for both variants, recorded at training time and re-checked by tests."""
    from bot.recognition.embedding import get_embedder
    from bot.recognition.skills import read_probabilities

    emb = get_embedder()
    records = []
    for text, previous, want_beh, want_skill in PROBES:
        rec: dict[str, Any] = {"text": text, "previous": previous,
                               "expected_behaviour": want_beh, "expected_skill": want_skill}
        variants: list[tuple[str, Any, Any]] = [("lexical", None, None)]
        if emb is not None:
            variants.insert(0, ("sentence", emb.layer_features(text), None))
        for name, et, _ in variants:
            probs = params.probabilities(text, previous, et)
            reading = read_probabilities(probs, params, name)  # type: ignore[arg-type]
            rec[name] = {
                "probabilities": [round(float(x), 6) for x in probs],
                "behaviour": reading.behaviour,
                "skills": [g.id for g in reading.skills],
            }
        records.append(rec)
    return records
