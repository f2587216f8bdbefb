"""Sentence vectors of example phrases kept on disk, so an edited scenario refits fast.

Embedding is most of the cost of fitting a move model (a few milliseconds a
phrase). An educator who edits one example and reloads should wait for that
one phrase, not for all of them again, so vectors are kept per text, keyed by
a hash of the text, in one ``.npz`` per embedder (plain arrays, no pickle).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

#: The store is trimmed to this many vectors (about 60 MB), those used last kept.
MAX_VECTORS = 40_000


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class VectorStore:
    """Text -> vector, read once from ``path`` and written back when it grew."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._vectors: dict[str, np.ndarray] = {}
        if path.is_file():
            try:
                with np.load(path, allow_pickle=False) as data:
                    keys = [str(k) for k in data["keys"]]
                    self._vectors = dict(zip(keys, data["vectors"], strict=True))
            except (OSError, ValueError, KeyError) as exc:
                log.warning("ignoring unreadable vector store %s: %s", path, exc)

    def vectors(
        self, texts: list[str], embed: Callable[[list[str]], np.ndarray]
    ) -> np.ndarray:
        """Vectors for ``texts``: stored ones reused, the rest embedded and stored."""
        keys = [text_key(t) for t in texts]
        missing = sorted({t for t, k in zip(texts, keys, strict=True) if k not in self._vectors})
        if missing:
            for text, vec in zip(missing, embed(missing), strict=True):
                self._vectors[text_key(text)] = np.asarray(vec, dtype=np.float32)
            for key in keys:  # this scenario's phrases are the last to be trimmed
                self._vectors[key] = self._vectors.pop(key)
            self._save()
        return np.stack([self._vectors[k] for k in keys]) if keys else np.zeros((0, 0), "f4")

    def _save(self) -> None:
        items = list(self._vectors.items())[-MAX_VECTORS:]
        self._vectors = dict(items)
        tmp = self.path.with_name(f"{self.path.stem}.{os.getpid()}.tmp.npz")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(tmp, keys=np.asarray([k for k, _ in items], dtype=np.str_),
                     vectors=np.stack([v for _, v in items]).astype(np.float32))
            tmp.replace(self.path)
        except OSError as exc:
            log.warning("could not write vector store %s: %s", self.path, exc)
