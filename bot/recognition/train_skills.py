"""Train the micro-skill classifier: ``python -m bot.recognition.train_skills [--csv PATH]``.

Data: the AnnoMI training portion (``shared/annomi/train.csv`` only; credit
AnnoMI, Wu et al. 2022/2023) for behaviour and open/closed, simple/complex and
information/advice; plus the hand-written ``data/skill_examples.yaml`` for the
skills AnnoMI does not label. Everything is deterministic (sorted vocabulary,
lbfgs, seeded fold assignment), so the same data give the same file.

The script cross-validates first (grouped 5-fold on AnnoMI's ``fold``; our own
examples get seeded folds of their own), then fits on everything, writes
``skills_model.npz`` plus ``skills_model.json`` (sha256 of the npz, metrics,
reliability per skill and a probe set with the outputs the file must reproduce).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from bot.recognition.embedding import SKILL_LAYERS
from bot.recognition.skill_eval import evaluate, probe_records
from bot.recognition.skill_features import CUE_NAMES, term_counts
from bot.recognition.skill_model import (
    BEHAVIOURS,
    BLOCKS,
    DATA_DIR,
    F32,
    HEADS,
    META_PATH,
    MODEL_PATH,
    OWN_SKILLS,
    Linear,
    Vocab,
    pack,
    sparse_vector,
    unpack,
)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_CSV = REPO.parent / "shared" / "annomi" / "train.csv"
EXAMPLES_PATH = DATA_DIR / "skill_examples.yaml"

SEED = 20240611
MIN_DF = 2
BLOCK_WEIGHTS = {"w": 1.0, "c": 1.0, "p": 1.0}
#: Standardised dense features are shrunk so the L2 penalty treats them like tf-idf.
CUE_WEIGHT = {"sentence": 0.05, "lexical": 0.1}
#: Per middle-layer column; 0.02, 0.025 and 0.03 gave 0.779-0.782 in grouped CV.
LAYER_WEIGHT = 0.025
#: Inverse regularisation per head group (chosen by grouped CV, see the report).
C_BEHAVIOUR = 0.5
C_BINARY = 0.5
C_OWN = 1.0
#: Behaviour classes weighted by (n / (4 * n_class)) ** this: 0 none, 1 balanced.
BEH_CLASS_WEIGHT_POWER = 0.5
#: Heads whose positive class is reweighted to balance the negatives.
BALANCED_HEADS = frozenset({"open|q", "complex|r", "advice|i", *OWN_SKILLS})
#: AnnoMI lines are negatives for our own skills, but unlabelled ones may contain
#: affirmations etc., so they count little.
ANNOMI_OWN_NEG_WEIGHT = 0.1
N_FOLDS = 5
#: Our own examples are written without a previous line, and every AnnoMI line
#: has one, so "is there a previous line" told the model which data set a line
#: came from. In play, where Sam's line is always there, most statements
#: (affirmations, information, even a breach of confidentiality) then read as
#: reflections. Each own example therefore trains once more after a seeded
#: AnnoMI client line, at this weight (bench/skills_in_play.py measures it).
OWN_CONTEXT_WEIGHT = 0.5
#: Source of those copies; the metrics score only the original lines.
COPY = "own:context"

_MAIN = {"question": "question", "reflection": "reflection",
         "therapist_input": "input", "other": "other"}


@dataclass
class Example:
    """One training line with its per-head targets (None: no label for that head)."""

    text: str
    previous: str
    source: str  # "annomi" or "own"
    fold: int
    behaviour: str
    skills: tuple[str, ...] = ()
    sub: str = ""  # AnnoMI sub_behaviour, for the report
    targets: dict[str, float | None] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_annomi(path: Path) -> list[Example]:
    """AnnoMI rows with targets for behaviour, the 'exists' flags and subtypes."""
    out: list[Example] = []
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            tq, tr, ti = row["question_subtype"], row["reflection_subtype"], row[
                "therapist_input_subtype"]
            targets: dict[str, float | None] = {
                "beh": float(BEHAVIOURS.index(_MAIN[row["main_behaviour"]])),
                "has:question": float(row["question_exists"] == "True"),
                "has:reflection": float(row["reflection_exists"] == "True"),
                "has:input": float(row["therapist_input_exists"] == "True"),
                "open|q": {"open": 1.0, "closed": 0.0}.get(tq),
                "complex|r": {"complex": 1.0, "simple": 0.0}.get(tr),
                "advice|i": {"advice": 1.0, "options": 1.0, "information": 0.0}.get(ti),
            }
            weights = {h: 1.0 for h in targets}
            for skill in OWN_SKILLS:
                targets[skill] = 0.0
                weights[skill] = ANNOMI_OWN_NEG_WEIGHT
            out.append(Example(
                text=row["text"], previous=row["prev_text"], source="annomi",
                fold=int(row["fold"]), behaviour=_MAIN[row["main_behaviour"]],
                sub=row["sub_behaviour"], targets=targets, weights=weights,
            ))
    return out


def _own_targets(behaviour: str, skills: Sequence[str]) -> dict[str, float | None]:
    s = set(skills)
    open_q = 1.0 if "open_question" in s else 0.0 if "closed_question" in s else None
    cplx = 1.0 if "complex_reflection" in s else 0.0 if "simple_reflection" in s else None
    adv: float | None = None
    if s & {"advice", "advice_with_permission"} and behaviour == "input":
        adv = 1.0
    elif "giving_information" in s:
        adv = 0.0
    targets: dict[str, float | None] = {
        "beh": float(BEHAVIOURS.index(behaviour)),
        "has:question": float(behaviour == "question" or open_q is not None),
        "has:reflection": float(behaviour == "reflection" or cplx is not None),
        "has:input": float(behaviour == "input" or bool(s & {"giving_information", "advice"})),
        "open|q": open_q,
        "complex|r": cplx,
        "advice|i": adv,
    }
    for skill in OWN_SKILLS:
        targets[skill] = float(skill in s)
    return targets


def load_own(path: Path) -> list[Example]:
    """Our examples, with seeded folds stratified by group so every fold sees each skill."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    rng = random.Random(SEED)
    out: list[Example] = []
    for group in doc["groups"]:
        items = list(group["examples"])
        order = list(range(len(items)))
        rng.shuffle(order)
        for rank, i in enumerate(order):
            item = items[i]
            if isinstance(item, str):
                item = {"text": item}
            behaviour = item.get("behaviour", group["behaviour"])
            skills = tuple(item.get("skills", group["skills"]))
            unknown = set(skills) - set(_all_skills())
            if behaviour not in BEHAVIOURS or unknown:
                raise ValueError(f"{path}: bad labels on {item['text']!r}: {behaviour} {unknown}")
            targets = _own_targets(behaviour, skills)
            out.append(Example(
                text=item["text"], previous=item.get("previous", ""), source="own",
                fold=rank % N_FOLDS, behaviour=behaviour, skills=skills,
                targets=targets, weights={h: 1.0 for h in targets},
            ))
    return out


def context_copies(annomi: Sequence[Example], own: Sequence[Example]) -> list[Example]:
    """The copies described at OWN_CONTEXT_WEIGHT, each in its original's fold."""
    rng = random.Random(SEED)
    clients = sorted({ex.previous for ex in annomi if ex.previous.strip()})
    return [replace(ex, previous=rng.choice(clients), source=COPY,
                    weights={h: w * OWN_CONTEXT_WEIGHT for h, w in ex.weights.items()})
            for ex in own if not ex.previous]


def training_examples(csv_path: Path = DEFAULT_CSV, examples_path: Path = EXAMPLES_PATH
                      ) -> list[Example]:
    """Everything the model trains on: AnnoMI, our examples and their context copies."""
    annomi = load_annomi(csv_path)
    own = load_own(examples_path)
    return annomi + own + context_copies(annomi, own)


def _all_skills() -> tuple[str, ...]:
    from bot.recognition.skill_model import SKILLS

    return SKILLS


def fit_vocab(examples: Sequence[Example]) -> Vocab:
    """Terms seen in at least MIN_DF training lines, with smoothed idf, sorted for determinism."""
    df: Counter[str] = Counter()
    for ex in examples:
        for block, counts in term_counts(ex.text, ex.previous).items():
            df.update(f"{block}|{t}" for t in counts)
    n = len(examples)
    terms = sorted(t for t, c in df.items() if c >= MIN_DF)
    idf = np.asarray([math.log((1 + n) / (1 + df[t])) + 1.0 for t in terms], dtype=np.float32)
    return Vocab(index={t: i for i, t in enumerate(terms)}, idf=idf,
                 block_weights=dict(BLOCK_WEIGHTS))


def sparse_matrix(examples: Sequence[Example], vocab: Vocab) -> Any:
    """CSR matrix built with the run-time vectoriser (so training sees what inference sees)."""
    from scipy import sparse

    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for r, ex in enumerate(examples):
        idx, v = sparse_vector(ex.text, ex.previous, vocab)
        rows.extend([r] * len(idx))
        cols.extend(idx.tolist())
        vals.extend(v.tolist())
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(examples), vocab.size),
                             dtype=np.float64)


@dataclass
class Features:
    """Precomputed per-example inputs that do not depend on the fold."""

    cues: F32
    emb: F32

    def dense(self, variant: str, idx: Sequence[int] | np.ndarray) -> F32:
        if variant == "lexical":
            return self.cues[idx]
        return np.hstack([self.cues[idx], self.emb[idx]])


def compute_features(examples: Sequence[Example]) -> Features:
    """Cue features and middle-layer vectors for every example (embedder required)."""
    from bot.recognition.embedding import DIM, Embedder
    from bot.recognition.skill_features import cue_features

    emb = Embedder()
    texts = emb.encode([ex.text for ex in examples])[:, DIM:]
    cues = np.asarray([cue_features(ex.text, ex.previous) for ex in examples], dtype=np.float32)
    return Features(cues=cues, emb=texts)


def _fit_lr(X: Any, y: np.ndarray, w: np.ndarray, C: float) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, max_iter=10000, tol=1e-6)
    model.fit(X, y, sample_weight=w)
    return model.coef_, model.intercept_


def behaviour_class_weights(y: np.ndarray) -> np.ndarray:
    """Per-example weights (n / (K * n_class)) ** BEH_CLASS_WEIGHT_POWER.

    Macro-F1 counts the rare "input" class as much as the others; half-way
    balancing (the square root) lifted it most in grouped CV (0, 0.5, 1 tried).
    """
    counts = np.bincount(y, minlength=len(BEHAVIOURS)).astype(np.float64)
    per_class = (counts.sum() / (len(BEHAVIOURS) * np.maximum(counts, 1.0)))
    out: np.ndarray = per_class[y] ** BEH_CLASS_WEIGHT_POWER
    return out


def fit_variant(
    examples: Sequence[Example], Xs: Any, dense: F32, variant: str
) -> Linear:
    """Fit every head on one feature set and fold the scaler into the weights."""
    from scipy import sparse

    mean = dense.mean(axis=0)
    std = dense.std(axis=0)
    std[std < 1e-6] = 1.0
    dw = np.full(dense.shape[1], LAYER_WEIGHT)
    dw[: len(CUE_NAMES)] = CUE_WEIGHT[variant]
    X = sparse.hstack([Xs, sparse.csr_matrix((dense - mean) / std * dw)]).tocsr()
    n_feat = X.shape[1]
    W = np.zeros((n_feat, len(HEADS)), dtype=np.float64)
    b = np.zeros(len(HEADS), dtype=np.float64)

    def select(head: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        keep = [i for i, ex in enumerate(examples) if ex.targets.get(head) is not None]
        y = np.asarray([examples[i].targets[head] for i in keep])
        w = np.asarray([examples[i].weights[head] for i in keep])
        return np.asarray(keep), y, w

    keep, y, w = select("beh")
    w = w * behaviour_class_weights(y.astype(int))
    coef, icpt = _fit_lr(X[keep], y.astype(int), w, C_BEHAVIOUR)
    W[:, :4] = coef.T
    b[:4] = icpt
    for col, head in enumerate(HEADS):
        if head.startswith("beh:"):
            continue
        keep, y, w = select(head)
        if head in BALANCED_HEADS:
            # Rare positives get the same total weight as the negatives (macro-F1).
            pos = y == 1
            w = w.copy()
            w[pos] *= w[~pos].sum() / w[pos].sum()
        C = C_OWN if head in OWN_SKILLS else C_BINARY
        coef, icpt = _fit_lr(X[keep], y.astype(int), w, C)
        W[:, col] = coef[0]
        b[col] = icpt[0]
    # Fold standardisation into the dense rows: x' = (x - mean) / std * dw.
    n_sparse = Xs.shape[1]
    scale = (dw / std)[:, None]
    b = b - ((mean[:, None] * scale) * W[n_sparse:]).sum(axis=0)
    W[n_sparse:] = W[n_sparse:] * scale
    return Linear(W.astype(np.float32), b.astype(np.float32))


def fit_all(examples: Sequence[Example], feats: Features, idx: np.ndarray
            ) -> tuple[Vocab, dict[str, Linear]]:
    """Both variants on the examples at idx."""
    train = [examples[i] for i in idx]
    # Copies repeat their originals' words; counting them would admit one-off terms.
    vocab = fit_vocab([ex for ex in train if ex.source != COPY])
    Xs = sparse_matrix(train, vocab)
    variants = {v: fit_variant(train, Xs, feats.dense(v, idx), v)
                for v in ("sentence", "lexical")}
    return vocab, variants


def predict(examples: Sequence[Example], feats: Features, idx: np.ndarray, vocab: Vocab,
            variants: dict[str, Linear]) -> dict[str, F32]:
    """Head probabilities for the examples at idx, per variant (matrix form of run time)."""
    from bot.recognition.skill_model import head_probabilities

    Xs = sparse_matrix([examples[i] for i in idx], vocab)
    out = {}
    for name, lin in variants.items():
        dense = feats.dense(name, idx)
        logits = Xs @ lin.weights[: vocab.size] + dense @ lin.weights[vocab.size:] + lin.bias
        out[name] = head_probabilities(np.asarray(logits, dtype=np.float32))
    return out


def cross_validate(examples: Sequence[Example], feats: Features) -> dict[str, Any]:
    """Out-of-fold probabilities for every example, then the metrics over them."""
    n = len(examples)
    oof = {v: np.zeros((n, len(HEADS)), dtype=np.float32) for v in ("sentence", "lexical")}
    folds = np.asarray([ex.fold for ex in examples])
    for k in range(N_FOLDS):
        t0 = time.perf_counter()
        tr = np.flatnonzero(folds != k)
        te = np.flatnonzero(folds == k)
        vocab, variants = fit_all(examples, feats, tr)
        for v, probs in predict(examples, feats, te, vocab, variants).items():
            oof[v][te] = probs
        print(f"  fold {k}: {time.perf_counter() - t0:.0f}s", file=sys.stderr, flush=True)
    return {v: evaluate(examples, oof[v]) for v in oof}


def main(argv: Sequence[str] | None = None) -> int:
    """Cross-validate, fit on everything, write the model and its sidecar."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--examples", type=Path, default=EXAMPLES_PATH)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--meta", type=Path, default=META_PATH)
    parser.add_argument("--skip-cv", action="store_true", help="fit only (for quick checks)")
    args = parser.parse_args(argv)

    examples = training_examples(args.csv, args.examples)
    annomi = [ex for ex in examples if ex.source == "annomi"]
    own = [ex for ex in examples if ex.source == "own"]
    print(f"{len(annomi)} AnnoMI lines, {len(own)} own examples, "
          f"{len(examples) - len(annomi) - len(own)} context copies", file=sys.stderr)
    feats = compute_features(examples)

    metrics: dict[str, Any] = {}
    if not args.skip_cv:
        metrics = cross_validate(examples, feats)
    vocab, variants = fit_all(examples, feats, np.arange(len(examples)))

    import io

    buf = io.BytesIO()
    arrays: dict[str, Any] = pack(vocab, variants)
    np.savez_compressed(buf, **arrays)
    blob = buf.getvalue()
    reliability = {v: m.get("reliability", {}) for v, m in metrics.items()}
    meta: dict[str, Any] = {
        "format": 1,
        "model_sha256": hashlib.sha256(blob).hexdigest(),
        "heads": list(HEADS),
        "cue_names": list(CUE_NAMES),
        "blocks": list(BLOCKS),
        "training_data": {
            "annomi_csv_sha256": _sha256_file(args.csv),
            "annomi_rows": len(annomi),
            "examples_yaml_sha256": _sha256_file(args.examples),
            "own_examples": len(own),
            "credit": "AnnoMI (Wu et al., ICASSP 2022; Future Internet 15(3):110, 2023)",
        },
        "hyperparameters": {
            "seed": SEED, "min_df": MIN_DF, "block_weights": BLOCK_WEIGHTS,
            "cue_weight": CUE_WEIGHT, "layer_weight": LAYER_WEIGHT,
            "embedding_layers": list(SKILL_LAYERS),
            "C_behaviour": C_BEHAVIOUR, "C_binary": C_BINARY,
            "C_own": C_OWN, "annomi_own_neg_weight": ANNOMI_OWN_NEG_WEIGHT,
            "behaviour_class_weight_power": BEH_CLASS_WEIGHT_POWER,
            "own_context_weight": OWN_CONTEXT_WEIGHT,
            "balanced_heads": sorted(BALANCED_HEADS),
            "vocab_size": vocab.size,
        },
        "reliability": reliability,
        "cv": metrics,
    }
    with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
        params = unpack({k: npz[k] for k in npz.files}, meta)
    meta["probes"] = probe_records(params)
    args.out.write_bytes(blob)
    args.meta.write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(blob)} bytes) and {args.meta}", file=sys.stderr)
    if metrics:
        from bot.recognition.skill_eval import format_metrics

        print(format_metrics(metrics))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
