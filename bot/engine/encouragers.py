"""Minimal encouragers: "I hear you.", "Mm, go on.", "I see."

They say "I'm listening" and nothing else. MI codes them as neither question
nor reflection, and no move fits them: read by the move model, "I hear you."
was arguing back and "Mm, go on." dismissing, each listed in the summary as
unhelpful (twenty-eighth play-test). The recogniser reads them as no move, and
the engine says what they do and what would do more.
"""

from __future__ import annotations

import re

from bot.engine.feedback import SHORT_REPLY_WORDS

_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
#: What they say, once the fillers below are set aside.
_ENCOURAGERS = frozenset({
    "i hear you", "i hear u", "hear you", "i see", "go on", "carry on", "keep going",
    "i'm listening", "im listening", "listening", "uh huh", "mm hmm", "mhm", "mmhm",
    "i understand", "got it", "i get it", "understood", "please go on", "do go on",
})
#: Sounds that are an encourager on their own ("Mm.", "Hmm.").
_HUMS = frozenset({"mm", "mmm", "hmm", "hm"})
#: Fillers that may stand beside one ("mm, go on", "ok i see").
_FILLERS = _HUMS | {"ok", "okay", "right", "yeah", "yes", "sure", "sam", "and", "so", "ah", "oh",
                    "please"}


def minimal_encourager(text: str) -> bool:
    """Whether the message is only a minimal encourager ("I hear you.", "Mm, go on"),
    no longer than a short reply, so the partner answers it as one."""
    if "?" in text:
        return False
    words = _TOKEN.findall(text.lower().replace("\u2019", "'"))
    # Counted both ways, as the engine counts a short reply (split on spaces):
    # "I hear you 🙂" is four there, and was handled as not understood (review).
    if not words or max(len(words), len(text.split())) > SHORT_REPLY_WORDS:
        return False
    core = " ".join(w for w in words if w not in _FILLERS)
    return core in _ENCOURAGERS or (not core and bool(_HUMS & set(words)))
