"""Pieces in which the worker rejects the partner's judgement of themself:
"that's not daft at all", "ur not overreacting", "nothing silly about that".

Play-tests 27 and 29 found such validation read, sure, as dismissing Sam's
worry (openness fell, and Sam answered "It's not nothing to me"), because
"not" beside an evaluative word looks like "it's not a big deal". The
examples teach "you're not weird for feeling that" as normalising, but the
model does not carry that to "daft", "silly" or "overreacting". So the piece
is read as what it means, a plain statement that the reaction is ordinary,
and the whole message is read again with it.

Only a judgement of the *person or their reaction* counts ("daft", "paranoid",
"overreacting"), never of the worry's size: "it's not a big deal" and "don't be
silly, it's fine" stay the brush-offs they are. Nothing after the judgement is
swallowed ("you're not crazy to think Alex is selfish" keeps its second half).
"""

from __future__ import annotations

import re

#: How the reassurance is read instead: the ordinary-reaction statement.
PLAIN = "that's a normal way to feel"

_APOS = r"['’]?"
#: Who is judged: the reaction ("that", "it") or Sam ("you", "ur").
_SUBJECT = (
    rf"(?:that|it|this|there)(?:{_APOS}s|\s+is|\s+was)"
    rf"|(?:you|u)(?:{_APOS}re|\s+are|\s+r|\s+were)|youre|ur|thats|its"
)
_NOT = (
    rf"(?:{_SUBJECT})\s+(?:def(?:initely)?\s+|really\s+|honestly\s+)?not"
    rf"|(?:that|it|this)\s+(?:isn{_APOS}t|wasn{_APOS}t)"
    rf"|(?:you|u)\s+(?:aren{_APOS}t|weren{_APOS}t)"
)
#: Words that may come between "not" and the judgement. Not degree words
#: ("not that dramatic", "not so strange"): those shrink the worry (review).
_SOFTENERS = r"(?:being|at all|even|remotely|one bit)"
#: Judgements of Sam or Sam's reaction, never of the worry's size.
_JUDGEMENTS = (
    r"daft|silly|stupid|dumb|crazy|mad|nuts|paranoid|ridiculous|irrational|unreasonable|"
    r"dramatic|petty|selfish|childish|foolish|weird|odd|strange|soft|over[- ]?reacting|"
    r"over[- ]?thinking|making a fuss|being a pain"
)
#: What the judgement was of ("a crazy reaction", "about that worry"); after
#: "a" one of them must follow: "not a crazy idea to try" is an offer.
_NOUNS = (r"(?:reaction|response|question|worry|fear|feeling|way to feel|thought"
          r"|thing to (?:feel|ask|want|think))")
_NOUN = rf"(?:\s+{_NOUNS})?"
_TAIL = (
    rf"(?:\s+(?:at all|of you|about (?:that|it|this){_NOUN}|for (?:that|it|this)"
    r"|(?:for|about) (?:feeling|thinking) (?:that|it|this)(?: way)?))?"
)
_JUDGED = (
    rf"(?:(?:{_SOFTENERS})\s+)*(?:(?:{_JUDGEMENTS})(?![\w'’]){_NOUN}"
    rf"|an?\s+(?:{_JUDGEMENTS})\s+{_NOUNS}\b){_TAIL}"
)
#: "Nothing daft about that" judges Sam's reaction only where it goes on to
#: one: "nothing dramatic happens" and "Nothing dramatic. We sit and talk"
#: describe a session (review).
_ABOUT_SAM = (
    r"(?=\s+(?:about|in) (?:that|it|this|feeling|being|wanting|asking|"
    r"worrying|needing|thinking|having)\b)"
)
_REASSURANCE = re.compile(
    rf"(?<![\w'’])(?:(?:{_NOT})\s+{_JUDGED}"
    rf"|(?:there{_APOS}s\s+|there\s+is\s+)?nothing\s+(?:{_JUDGEMENTS})"
    rf"(?![\w'’]){_ABOUT_SAM}{_TAIL})",
    re.IGNORECASE,
)


def reassurances(text: str) -> list[str]:
    """The reassurances in ``text``, as written."""
    return [m.group(0) for m in _REASSURANCE.finditer(text)]


def without_reassurances(text: str) -> str:
    """``text`` with its reassurances left out, for what the rest says."""
    return " ".join(_REASSURANCE.sub("", text).split())


def reassured(text: str) -> str | None:
    """``text`` with each reassurance put plainly, or None if it has none."""
    plain, count = _REASSURANCE.subn(PLAIN, text)
    return plain if count else None
