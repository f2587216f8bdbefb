"""Recognising the scenario's moves in free text, learned from the example phrases.

One binary classifier per move (one-vs-rest logistic regression) over word and
character n-grams, plus sentence embeddings when the model is installed. Being
multi-label, a message can hold several moves; scoring each clause as well as
the whole message catches a poor move hidden in a kind sentence. Background
sentences that are no move at all teach every classifier to say no, which is
what sends off-topic text down the "didn't quite follow" path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.engine.session import MoveGuess
from bot.recognition.text_norm import normalise
from bot.scenario.model import Scenario
from bot.scenario.yaml_source import safe_load

DATA = Path(__file__).with_name("data")

#: A move is recognised at or above this probability.
THRESHOLD = 0.5
#: Clauses shorter than this many words are not scored on their own.
MIN_CLAUSE_WORDS = 3
#: Weight of the embedding block relative to the n-gram blocks.
EMBEDDING_WEIGHT = 1.0

_CLAUSE_SPLIT = re.compile(r"(?<=[.!?;])\s+|\s+(?:but|though|although|however)\s+|,\s*but\s+")


@cache
def background_phrases() -> tuple[str, ...]:
    """Sentences that are no move in any scenario (small talk, noise, other topics)."""
    data = safe_load((DATA / "background.yaml").read_text(encoding="utf-8"))
    return tuple(str(x) for x in data["phrases"])


def clauses(text: str) -> list[str]:
    """The message and its clauses long enough to carry a move on their own."""
    parts = [p.strip() for p in _CLAUSE_SPLIT.split(text) if p and p.strip()]
    long_parts = [p for p in parts if len(p.split()) >= MIN_CLAUSE_WORDS]
    return [text, *long_parts] if len(long_parts) > 1 else [text]


@dataclass
class _Block:
    """Fitted n-gram vectorisers; kept together so training and scoring agree."""

    words: TfidfVectorizer
    chars: TfidfVectorizer


class MoveModel:
    """The fitted per-move classifiers of one scenario."""

    def __init__(self, scenario: Scenario, embedder: object | None = None) -> None:
        self.scenario = scenario
        self.embedder = embedder
        self.move_ids = list(scenario.moves)
        self.keywords = {
            move_id: [normalise(k) for k in move.keywords]
            for move_id, move in scenario.moves.items()
        }
        self._fit()

    def _training_set(self) -> tuple[list[str], np.ndarray]:
        texts: list[str] = []
        rows: list[int] = []
        for i, move in enumerate(self.scenario.moves.values()):
            for example in move.examples:
                texts.append(example)
                rows.append(i)
        labels = np.zeros((len(texts), len(self.move_ids)), dtype=np.int8)
        labels[np.arange(len(texts)), rows] = 1
        background = list(background_phrases())
        texts += background
        labels = np.vstack([labels, np.zeros((len(background), len(self.move_ids)), np.int8)])
        return texts, labels

    def _features(self, texts: list[str], *, fit: bool = False) -> sparse.csr_matrix:
        norm = [normalise(t) for t in texts]
        if fit:
            self._block = _Block(
                TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1),
                TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
            )
            words = self._block.words.fit_transform(norm)
            chars = self._block.chars.fit_transform(norm)
        else:
            words = self._block.words.transform(norm)
            chars = self._block.chars.transform(norm)
        blocks = [words, chars]
        if self.embedder is not None:
            vectors = self.embedder.embed(texts)  # type: ignore[attr-defined]
            blocks.append(sparse.csr_matrix(vectors * EMBEDDING_WEIGHT))
        return sparse.hstack(blocks, format="csr")

    def _fit(self) -> None:
        texts, labels = self._training_set()
        features = self._features(texts, fit=True)
        weights = []
        biases = []
        for j in range(len(self.move_ids)):
            clf = LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000)
            clf.fit(features, labels[:, j])
            weights.append(clf.coef_[0])
            biases.append(clf.intercept_[0])
        self.weights = np.asarray(weights, dtype=np.float64).T
        self.biases = np.asarray(biases, dtype=np.float64)

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """P(move | text) for each text and move, each move judged on its own."""
        features = self._features(texts)
        logits = features @ self.weights + self.biases
        return np.asarray(1.0 / (1.0 + np.exp(-logits)))

    def read(self, text: str) -> list[MoveGuess]:
        """All moves at or above the threshold in ``text``, best first."""
        parts = clauses(text)
        probs = self.probabilities(parts).max(axis=0)
        norm = f" {normalise(text)} "
        for j, move_id in enumerate(self.move_ids):
            if any(f" {k} " in norm for k in self.keywords[move_id] if k):
                probs[j] = max(probs[j], 0.9)
        order = np.argsort(-probs)
        return [
            MoveGuess(self.move_ids[j], round(float(probs[j]), 3))
            for j in order
            if probs[j] >= THRESHOLD
        ]
