"""Word n-gram TF-IDF in plain numpy, so a fitted model is just a vocabulary and weights.

Keeping it this small means the move model can be cached as arrays (no
pickle) and read back without scikit-learn.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from itertools import pairwise

import numpy as np


def grams(text: str) -> list[str]:
    """Unigrams and bigrams of an already normalised text."""
    words = text.split()
    return words + [f"{a} {b}" for a, b in pairwise(words)]


class NgramVectorizer:
    """Sublinear TF-IDF over word 1–2-grams with L2 normalisation."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray) -> None:
        self.vocabulary = vocabulary
        self.idf = np.asarray(idf, dtype=np.float32)

    @classmethod
    def fit(cls, texts: Iterable[str]) -> NgramVectorizer:
        docs = [set(grams(t)) for t in texts]
        df: Counter[str] = Counter(g for doc in docs for g in doc)
        vocabulary = {g: i for i, g in enumerate(sorted(df))}
        n = len(docs)
        idf = np.array([math.log((1 + n) / (1 + df[g])) + 1 for g in sorted(df)], np.float32)
        return cls(vocabulary, idf)

    def transform(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), len(self.vocabulary)), dtype=np.float32)
        for row, text in enumerate(texts):
            counts = Counter(g for g in grams(text) if g in self.vocabulary)
            for gram, count in counts.items():
                col = self.vocabulary[gram]
                out[row, col] = (1 + math.log(count)) * self.idf[col]
            norm = float(np.linalg.norm(out[row]))
            if norm:
                out[row] /= norm
        return out
