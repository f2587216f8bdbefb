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
from scipy.sparse import csr_matrix


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

    def weights_of(self, text: str) -> tuple[list[int], np.ndarray]:
        """Column indices and L2-normalised tf-idf values of one text's known n-grams."""
        counts = Counter(g for g in grams(text) if g in self.vocabulary)
        cols = [self.vocabulary[g] for g in counts]
        vals = np.array([1 + math.log(n) for n in counts.values()], np.float32) * self.idf[cols]
        norm = float(np.linalg.norm(vals))
        return cols, vals / norm if norm else vals

    def transform_sparse(self, texts: list[str]) -> csr_matrix:
        """CSR rows: the training set is wide and almost empty (fitting is 2-3x faster)."""
        indptr = [0]
        indices: list[int] = []
        data: list[np.ndarray] = []
        for text in texts:
            cols, vals = self.weights_of(text)
            indices += cols
            data.append(vals)
            indptr.append(len(indices))
        values = np.concatenate(data) if data else np.zeros(0, np.float32)
        return csr_matrix((values, indices, indptr), shape=(len(texts), len(self.vocabulary)))
