"""The skill classifier's parameters and its numpy forward pass.

Training (``train_skills``) and run time (``skills``) both go through
:func:`sparse_vector` and :meth:`SkillParams.probabilities`, so the recorded
probe outputs are what the shipped file really produces. Parameters live in an
``.npz`` read with ``allow_pickle=False``; its sha256 is recorded in the JSON
sidecar at training time and checked before the arrays are parsed.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from bot.errors import ModelIntegrityError
from bot.recognition.embedding import LAYER_DIM, sha256_bytes
from bot.recognition.skill_features import CUE_NAMES, cue_features, term_counts

DATA_DIR = Path(__file__).parent / "data"
MODEL_PATH = DATA_DIR / "skills_model.npz"
META_PATH = DATA_DIR / "skills_model.json"

BEHAVIOURS: tuple[str, ...] = ("question", "reflection", "input", "other")
OWN_SKILLS: tuple[str, ...] = (
    "affirm",
    "seek_collaboration",
    "emphasize_autonomy",
    "advice_with_permission",
    "confront",
)
SKILLS: tuple[str, ...] = (
    "open_question",
    "closed_question",
    "simple_reflection",
    "complex_reflection",
    "affirm",
    "seek_collaboration",
    "emphasize_autonomy",
    "giving_information",
    "advice",
    "advice_with_permission",
    "confront",
)
#: Output columns. The first four are one softmax; every other one is a sigmoid.
#: ``open|q`` etc. are conditional: P(open | it is a question).
HEADS: tuple[str, ...] = (
    *(f"beh:{b}" for b in BEHAVIOURS),
    "has:question",
    "has:reflection",
    "has:input",
    "open|q",
    "complex|r",
    "advice|i",
    *OWN_SKILLS,
)
BLOCKS: tuple[str, ...] = ("w", "c", "p")
Variant = Literal["sentence", "lexical"]

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Vocab:
    """Per-block term index and idf, flattened into one feature space."""

    index: dict[str, int]
    idf: F32
    block_weights: dict[str, float]

    @property
    def size(self) -> int:
        return len(self.index)


def sparse_vector(text: str, previous: str | None, vocab: Vocab) -> tuple[I64, F32]:
    """Sublinear tf-idf, L2-normalised per block, scaled by the block weight."""
    idx: list[int] = []
    vals: list[float] = []
    for block, counts in term_counts(text, previous).items():
        items = [
            (j, (1.0 + math.log(n)) * float(vocab.idf[j]))
            for t, n in counts.items()
            if (j := vocab.index.get(f"{block}|{t}")) is not None
        ]
        if not items:
            continue
        norm = math.sqrt(sum(v * v for _, v in items))
        scale = vocab.block_weights[block] / norm
        for j, v in items:
            idx.append(j)
            vals.append(v * scale)
    return np.asarray(idx, dtype=np.int64), np.asarray(vals, dtype=np.float32)


@dataclass(frozen=True)
class WordFeatures:
    """What the model reads from the words alone, without the sentence model.

    Kept apart so the recogniser can compute it while the sentence model runs.
    """

    idx: I64
    vals: F32
    cues: F32


def word_features(text: str, previous: str | None, vocab: Vocab) -> WordFeatures:
    """Sparse tf-idf terms and the hand-made cues of one message."""
    idx, vals = sparse_vector(text, previous, vocab)
    return WordFeatures(idx, vals, np.asarray(cue_features(text, previous), dtype=np.float32))


def dense_vector(cues: F32, layers: F32 | None) -> F32:
    """Cue features, then (sentence variant only) the text's middle-layer vectors.

    The previous line's embedding (and its cosine with the text) added 0.001
    macro-F1 in grouped CV, not worth a second model run per message; the
    lexical overlap cues carry the context instead.
    """
    if layers is None:
        return cues
    return np.concatenate([cues, layers.astype(np.float32)])


def _sigmoid(x: F32) -> F32:
    out: F32 = (1.0 / (1.0 + np.exp(-np.clip(x, -30.0, 30.0)))).astype(np.float32)
    return out


def head_probabilities(logits: F32) -> F32:
    """Softmax over the behaviour columns, sigmoid over the rest (works on 1-d or 2-d)."""
    z = np.atleast_2d(logits).astype(np.float32)
    beh = z[:, :4] - z[:, :4].max(axis=1, keepdims=True)
    e = np.exp(beh)
    out = np.concatenate([e / e.sum(axis=1, keepdims=True), _sigmoid(z[:, 4:])], axis=1)
    result: F32 = out.reshape(np.shape(logits)).astype(np.float32)
    return result


@dataclass(frozen=True)
class Linear:
    """One model variant: logits = sparse·W[:n_sparse] + dense·W[n_sparse:] + b."""

    weights: F32
    bias: F32

    def logits(self, n_sparse: int, idx: I64, vals: F32, dense: F32) -> F32:
        sparse_part = vals @ self.weights[idx] if len(idx) else 0.0
        dense_part = dense @ self.weights[n_sparse : n_sparse + len(dense)]
        out: F32 = (sparse_part + dense_part + self.bias).astype(np.float32)
        return out


@dataclass(frozen=True)
class SkillParams:
    """Everything the classifier needs at run time, loaded once per process."""

    vocab: Vocab
    variants: dict[str, Linear]
    meta: dict[str, Any]

    def word_features(self, text: str, previous: str | None) -> WordFeatures:
        return word_features(text, previous, self.vocab)

    def probabilities(
        self,
        text: str,
        previous: str | None,
        layers: F32 | None = None,
        words: WordFeatures | None = None,
    ) -> F32:
        """Per-head probabilities in HEADS order; ``Embedder.layer_features`` selects
        the sentence variant, None the lexical one. ``words``, if given, must be
        this text's :meth:`word_features`."""
        variant = "sentence" if layers is not None else "lexical"
        if words is None:
            words = self.word_features(text, previous)
        dense = dense_vector(words.cues, layers)
        logits = self.variants[variant].logits(self.vocab.size, words.idx, words.vals, dense)
        return head_probabilities(logits)


def pack(vocab: Vocab, variants: dict[str, Linear]) -> dict[str, npt.NDArray[Any]]:
    """Arrays for np.savez: plain numeric and unicode arrays only (no pickle needed)."""
    terms = sorted(vocab.index, key=vocab.index.__getitem__)
    arrays: dict[str, npt.NDArray[Any]] = {
        "terms": np.asarray(terms, dtype=np.str_),
        "idf": vocab.idf.astype(np.float32),
        "block_weights": np.asarray([vocab.block_weights[b] for b in BLOCKS], np.float32),
        "heads": np.asarray(HEADS, dtype=np.str_),
        "cue_names": np.asarray(CUE_NAMES, dtype=np.str_),
    }
    for name, lin in variants.items():
        arrays[f"{name}_W"] = lin.weights.astype(np.float32)
        arrays[f"{name}_b"] = lin.bias.astype(np.float32)
    return arrays


def unpack(arrays: dict[str, npt.NDArray[Any]], meta: dict[str, Any]) -> SkillParams:
    """Rebuild SkillParams, refusing files made for other heads or cue features."""
    if tuple(str(h) for h in arrays["heads"]) != HEADS:
        raise ModelIntegrityError("skills model heads differ from this code; retrain it")
    if tuple(str(c) for c in arrays["cue_names"]) != CUE_NAMES:
        raise ModelIntegrityError("skills model cue features differ from this code; retrain it")
    terms = [str(t) for t in arrays["terms"]]
    if arrays["sentence_W"].shape[0] != len(terms) + len(CUE_NAMES) + LAYER_DIM:
        raise ModelIntegrityError("skills model was fitted on other sentence features; retrain it")
    bw = arrays["block_weights"]
    vocab = Vocab(
        index={t: i for i, t in enumerate(terms)},
        idf=arrays["idf"].astype(np.float32),
        block_weights={b: float(bw[i]) for i, b in enumerate(BLOCKS)},
    )
    variants = {
        name: Linear(
            np.ascontiguousarray(arrays[f"{name}_W"], dtype=np.float32),
            arrays[f"{name}_b"].astype(np.float32),
        )
        for name in ("sentence", "lexical")
    }
    return SkillParams(vocab=vocab, variants=variants, meta=meta)


def load_params(model_path: Path = MODEL_PATH, meta_path: Path = META_PATH) -> SkillParams:
    """Read the sidecar, verify the npz against the sha256 it records, then parse."""
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    data = model_path.read_bytes()
    expected = meta.get("model_sha256")
    actual = sha256_bytes(data)
    if actual != expected:
        raise ModelIntegrityError(
            f"{model_path}: sha256 {actual} does not match {expected} recorded at training"
        )
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    return unpack(arrays, meta)
