"""Sentence vectors of example phrases kept on disk, so an edited scenario refits fast.

Embedding is most of the cost of fitting a move model (a few milliseconds a
phrase). An educator who edits one example and reloads should wait for that
one phrase, not for all of them again, so vectors are kept per text, keyed by
a hash of the text, in one ``.npz`` per embedder (plain arrays, no pickle).

A read-only *seed* of the same format ships with the package
(:mod:`bot.recognition.seed_vectors`): the phrases of the bundled scenarios
and the background, so a fresh install does not spend its first start
embedding thousands of phrases.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

#: The store is trimmed to this many vectors (about 60 MB), those used last kept.
MAX_VECTORS = 40_000


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def read_vectors(path: Path | None) -> dict[str, np.ndarray]:
    """Key -> vector from a store file; empty (and warned) if it is missing or unreadable."""
    if path is None or not path.is_file():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            keys = [str(k) for k in data["keys"]]
            return dict(zip(keys, data["vectors"], strict=True))
    except (OSError, ValueError, KeyError) as exc:
        log.warning("ignoring unreadable vector store %s: %s", path, exc)
        return {}


def write_vectors(path: Path, items: Iterable[tuple[str, np.ndarray]]) -> None:
    """Write atomically (a temporary file, then a rename): readers never see half a file."""
    pairs = list(items)
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(tmp, keys=np.asarray([k for k, _ in pairs], dtype=np.str_),
             vectors=np.stack([v for _, v in pairs]).astype(np.float32))
    tmp.replace(path)


class VectorStore:
    """Text -> vector, read once from ``path`` (and ``seed``), written back when it grew."""

    def __init__(self, path: Path | None, seed: Path | None = None) -> None:
        self.path = path
        self._vectors = read_vectors(path)
        self._seed = read_vectors(seed)

    def vectors(
        self, texts: list[str], embed: Callable[[list[str]], np.ndarray]
    ) -> np.ndarray:
        """Vectors for ``texts``: stored or seeded ones reused, the rest embedded and stored."""
        keys = [text_key(t) for t in texts]
        known = self._vectors.keys() | self._seed.keys()
        missing = sorted({t for t, k in zip(texts, keys, strict=True) if k not in known})
        if missing:
            for text, vec in zip(missing, embed(missing), strict=True):
                self._vectors[text_key(text)] = np.asarray(vec, dtype=np.float32)
            for key in keys:  # this scenario's phrases are the last to be trimmed
                if key in self._vectors:
                    self._vectors[key] = self._vectors.pop(key)
            self._save()
        if not keys:
            return np.zeros((0, 0), "f4")
        return np.stack([self._vectors[k] if k in self._vectors else self._seed[k] for k in keys])

    def _save(self) -> None:
        if self.path is None:
            return
        items = list(self._vectors.items())[-MAX_VECTORS:]
        self._vectors = dict(items)
        try:
            write_vectors(self.path, items)
        except OSError as exc:
            log.warning("could not write vector store %s: %s", self.path, exc)
