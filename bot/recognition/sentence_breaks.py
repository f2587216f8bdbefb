"""Where a message typed without full stops most likely ends a sentence.

On a phone two thoughts often come as one run of lower-case words: "sorry
that came out wrong ur not the one who needs fixing what i meant was a
session with both of u". The move layer reads each sentence of a message on
its own, so without the cut the second move is lost, and a poor move hidden
there is missed. This is a small logistic regression over the words either
side of each gap, learned from the bundled examples with their punctuation
taken away (and from pairs of one-sentence examples joined together), so it
learns where writers put full stops. ``python -m bot.recognition.seed_vectors``
rebuilds it with the phrase vectors; a test says when the shipped file no
longer matches the bundled examples.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data"
MODEL_PATH = DATA / "sentence_breaks.npz"
#: A gap whose probability reaches this is a sentence end. On held-out sets
#: 15-28 typed as a texter would (lower case, no full stops), 0.5 found 0.940
#: of the labelled moves and 0.7 found 0.938, for one poor move more.
THRESHOLD = 0.5
#: Only messages at least this long and with no sentence punctuation inside are cut.
MIN_WORDS = 8
#: Weights smaller than this are not shipped (the same cuts on 2,998 of 3,000 texts).
PRUNE = 0.05
SEED = 20261126
#: Pairs of one-sentence texts each such text starts (see ``training_documents``).
PAIRS = 3
C = 3.0

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
_PUNCTUATED = re.compile(r"[.!?;]\s+\S|\n")
_TOKEN = re.compile(r"[a-z0-9']+|,")


def words(text: str) -> tuple[list[str], list[bool]]:
    """Lower-case words without apostrophes, and whether a comma follows each."""
    out: list[str] = []
    commas: list[bool] = []
    for token in _TOKEN.findall(text.lower().replace("\u2019", "'")):
        if token == ",":
            if commas:
                commas[-1] = True
            continue
        out.append(token.replace("'", ""))
        commas.append(False)
    return out, commas


def gap_features(w: Sequence[str], commas: Sequence[bool], i: int, since: int) -> list[str]:
    """The features of the gap before word ``i`` (``since``: words since the last cut)."""
    p1, n1 = w[i - 1], w[i]
    p2 = w[i - 2] if i >= 2 else "<s>"
    n2 = w[i + 1] if i + 1 < len(w) else "</s>"
    n2c = i + 1 < len(w) and commas[i + 1]
    features = [
        f"p1={p1}", f"p2={p2}", f"n1={n1}", f"n2={n2}", f"p1n1={p1}|{n1}",
        # "come on," opens a sentence; "come on Tuesday" goes on with one.
        f"p2p1={p2}|{p1}", f"n1n2={n1}|{n2}{',' if n2c else ''}", f"since={min(since, 6)}",
        f"left={min(len(w) - i, 6)}",
    ]
    if commas[i - 1]:
        features.append("comma")
    return features


class BreakModel:
    """Feature weights and a bias; a gap's probability is the logistic of their sum."""

    def __init__(self, weights: dict[str, float], bias: float) -> None:
        self.weights = weights
        self.bias = bias

    def cuts(self, w: Sequence[str], commas: Sequence[bool]) -> list[int]:
        """Indices of the words that start a new sentence."""
        out: list[int] = []
        since = 1
        for i in range(1, len(w)):
            features = gap_features(w, commas, i, since)
            score = self.bias + sum(self.weights.get(f, 0.0) for f in features)
            if 1.0 / (1.0 + math.exp(-score)) >= THRESHOLD:
                out.append(i)
                since = 1
            else:
                since += 1
        return out

    def sentences(self, text: str) -> list[str]:
        """``text`` cut into its likely sentences (itself when it has punctuation or is short)."""
        pieces = text.split()
        if len(pieces) < MIN_WORDS or _PUNCTUATED.search(text):
            return [text]
        read = [(p, "".join(words(p)[0])) for p in pieces]
        kept = [p for p, word in read if word]
        w = [word for _, word in read if word]
        commas = [p.endswith(",") for p in kept]
        cuts = self.cuts(w, commas)
        if not cuts:
            return [text]
        bounds = [0, *cuts, len(kept)]
        return [" ".join(kept[a:b]) for a, b in pairwise(bounds)]

    def save(self, path: Path = MODEL_PATH) -> None:
        names = sorted(self.weights)
        np.savez_compressed(
            path,
            names=np.frombuffer(json.dumps(names).encode(), np.uint8),
            weights=np.asarray([self.weights[n] for n in names], dtype=np.float32),
            bias=np.asarray([self.bias], dtype=np.float32),
        )

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> BreakModel:
        with np.load(path, allow_pickle=False) as data:
            names = json.loads(data["names"].tobytes().decode())
            weights = dict(zip(names, (float(x) for x in data["weights"]), strict=True))
            return cls(weights, float(data["bias"][0]))


@cache
def break_model() -> BreakModel | None:
    """The shipped model, or None if it is missing (messages are then not cut)."""
    return BreakModel.load() if MODEL_PATH.is_file() else None


def runon_sentences(text: str) -> list[str]:
    """The likely sentences of a message typed without full stops."""
    return list(_runon(text))


@lru_cache(maxsize=256)
def _runon(text: str) -> tuple[str, ...]:
    """Cached: the move layer asks twice for a long message (its clauses, then
    which of them are whole sentences)."""
    model = break_model()
    return tuple(model.sentences(text)) if model is not None else (text,)


# -- training ---------------------------------------------------------------
def _rows(sentences: Sequence[str]) -> tuple[list[list[str]], list[int]]:
    w: list[str] = []
    commas: list[bool] = []
    starts: set[int] = set()
    for sentence in sentences:
        ws, cs = words(sentence)
        if ws and w:
            starts.add(len(w))
        w += ws
        commas += cs
    features, labels = [], []
    since = 1
    for i in range(1, len(w)):
        features.append(gap_features(w, commas, i, since))
        labels.append(int(i in starts))
        since = 1 if i in starts else since + 1
    return features, labels


def training_documents(texts: Iterable[str], seed: int = SEED) -> list[list[str]]:
    """Each text as its sentences, plus each one-sentence text joined to the next
    ``PAIRS`` in an order set by a seeded hash of the text. An edit re-pairs only
    the texts next to the ones it touched: with seeded random pairs, which pairs
    were drawn moved rare weights enough that 419 new examples cut "would you and
    Alex come on Tuesday" after "Alex" (eighteenth play-test)."""
    texts = list(texts)
    singles = sorted({t for t in texts if not _SENTENCE_END.search(t)},
                     key=lambda t: hashlib.sha256(f"{seed}:{t}".encode()).digest())
    documents = [_SENTENCE_END.split(t) for t in texts]
    n = len(singles)
    if n > PAIRS:
        documents += [[singles[i], singles[(i + k) % n]] for i in range(n)
                      for k in range(1, PAIRS + 1)]
    return documents


def fit(texts: Iterable[str]) -> BreakModel:
    """Learn the model from punctuated texts (deterministic: lbfgs, sorted features)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    features: list[list[str]] = []
    labels: list[int] = []
    for document in training_documents(texts):
        f, y = _rows(document)
        features += f
        labels += y
    vectorizer = DictVectorizer(sort=True)
    x = vectorizer.fit_transform([dict.fromkeys(f, 1) for f in features])
    clf = LogisticRegression(C=C, max_iter=3000).fit(x, labels)
    weights = {
        name: round(float(v), 4)
        for name, v in zip(vectorizer.feature_names_, clf.coef_[0], strict=True)
        if abs(v) >= PRUNE
    }
    return BreakModel(weights, round(float(clf.intercept_[0]), 4))
