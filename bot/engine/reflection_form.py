"""Whether a message words a reflection, so the summary counts every reflection.

The skill reading gives one behaviour per message, and a long message that
reflects, explains and asks is counted as its question or its information
only. The thirty-first play-test's heavy reflectors were told "more
questions than reflections" in 6 of 10 runs. A sentence that opens the way
reflections open ("it sounds like you…", "you're worried…", "from what
you're saying…", "that must be…") counts as one too. On the 1,200 written
coded lines (bench/data/skills_written) such an opening marks 31 of 300
reflections and, among the 900 other lines, 3, each of which holds a
reflection beside its question or advice: rare, but almost never wrong.
"""

from __future__ import annotations

import re

_OPENING = re.compile(
    r"(?:^|[.!?…]\s+|[,;:]\s*(?:and|so|but)?\s*)"
    r"(?:(?:so|and|ok|okay|right|yeah|mm+|hmm+|ah|oh)[,\s]+)*"
    r"(?:(?:it\s+)?sounds?\s+(?:like|as\s+if|as\s+though)\s+"
    r"(?:you|u|ur|your|things|it'?s\s+been|that'?s\s+been|this\s+has|part\s+of\s+you)\b"
    r"|(?:it\s+)?seems?\s+(?:like|as\s+if)\s+(?:you|u|ur|your|things|part\s+of\s+you)\b"
    r"|(?:you(?:'re|\s+are)?|youre|ur|u\s+r)\s+(?:feeling|worried|scared|afraid|frustrated|"
    r"fed\s+up|not\s+sure|unsure|wondering|torn|caught)\b"
    r"|(?:you|u)\s+(?:feel|felt|want|wanted|wish|don'?t\s+want|dont\s+want|worry|seem|sound)\b"
    r"|from\s+what\s+(?:you'?re|you\s+are|ur|u\s+r)\s+saying"
    r"|what\s+i'?m\s+hearing|i'?m\s+hearing"
    r"|(?:that|it)\s+must\s+(?:be|have\s+been|feel)\b"
    r"|part\s+of\s+you\b|on\s+(?:the\s+)?one\s+hand\b)",
    re.IGNORECASE)


def words_a_reflection(text: str) -> bool:
    """Whether a sentence of ``text`` opens the way a reflection does."""
    return bool(_OPENING.search(text.replace("\u2019", "'")))
