"""Normalising free text typed on a phone before it is compared with examples."""

from __future__ import annotations

import re
import unicodedata

_CONTRACTIONS = {
    "won't": "will not",
    "can't": "cannot",
    "n't": " not",
    "'re": " are",
    "'m": " am",
    "'ll": " will",
    "'ve": " have",
    "'d": " would",
}
_SPACES = re.compile(r"\s+")
_KEEP = re.compile(r"[^a-z0-9?' ]+")


def normalise(text: str) -> str:
    """Lower-case, straight quotes, contractions expanded, punctuation but '?' dropped."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    for short, full in _CONTRACTIONS.items():
        text = text.replace(short, full)
    text = _KEEP.sub(" ", text)
    return _SPACES.sub(" ", text).strip()
