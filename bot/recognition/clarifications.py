"""Openings that answer or concede: "Nothing bad at all. I meant...", "True, and...".

When a message is read as an unhelpful move "not sure", the partner asks what
the trainee meant, and the feedback says "if you didn't mean it this way, say
plainly what you did mean". Two play-testers did exactly that ("Nothing bad
about you at all, I promise. I meant that I came on too strong...") and the
answer's opening, read without the question it answers, looked like waving a
worry away ("nothing to worry about"): Sam hung up after three good repairs
(twenty-third and twenty-fourth play-tests).

Whether "nothing bad" is an answer or a brush-off depends on the partner's
line, which the model never sees; this plain rule does. It is strict: the
partner's line must ask what the worker meant or is saying, and only the short
answer that opens the message is set aside ("no", "nothing bad at all", "not
at all, I promise"). The rest is read as usual, so "Nothing, you're
overreacting" is still a brush-off.

A concession that opens a message ("True, and I've done more talking than
listening so far", "You're right, that wasn't fair") agrees with the partner;
read with the rest, it lent "arguing back" the support it needed, and Sam hung
up on a humble message (twenty-fifth play-test). It is set aside the same way,
whatever the partner said, but only against confronting moves (arguing back,
blaming): "ur right, alex should have asked you first" sides with Sam, and
"You're right, but you need to come" is still pressure.
"""

from __future__ import annotations

import re

from bot.recognition.keywords import PIECES
from bot.recognition.text_norm import normalise

#: The partner asks what the worker meant ("What are you actually saying about me?").
_ASKS_MEANING = re.compile(
    r"\bwhat\b[^?.!]{0,30}\b(?:you|u)\b[^?.!]{0,20}\b(?:mean|meant|saying|sayin|getting at|"
    r"implying|trying to say)\b|\bwhat(?:'s| is| was) that (?:supposed|meant) to mean\b|"
    r"\b(?:are|r) (?:you|u) (?:actually |really )?(?:saying|calling|implying)\b|"
    r"\bhow (?:am i|i'm|im) (?:supposed )?to take that\b|\bmeaning what\b|"
    r"\bhow do (?:you|u) mean\b",
    re.IGNORECASE)
#: A short answer that rules the bad reading out, as a whole piece.
_ANSWER = re.compile(
    r"^(?:(?:oh|no|nope|gosh|god|goodness|sorry|honestly|really|absolutely|definitely|"
    r"not at all|ah|um|erm)\s*)*"
    r"(?:no|nope|nothing(?: bad| negative| like that| of the sort| of the kind)?"
    r"(?: about (?:you|u))?(?: at all)?|not at all|not like that|not in a bad way|"
    r"only good (?:things|stuff)|nothing but good (?:things|stuff)|all good things|"
    r"(?:that'?s|thats|that is|it'?s|its|it is) not what i meant)"
    r"(?: (?:i promise|promise|honestly|i swear|truly|really|at all|sorry))*$")
#: Asides that may follow the answer ("nothing bad, I promise"), as may another answer
#: ("no, nothing like that").
_ASIDE = re.compile(
    r"^(?:i promise|promise|honestly|truly|really|sorry|i'?m sorry|im sorry|"
    r"not at all|at all|i swear)$")


def asks_meaning(previous: str | None) -> bool:
    """Whether the partner's line asks what the worker meant by what they said."""
    return bool(previous) and bool(_ASKS_MEANING.search(previous or ""))


def without_answer(text: str) -> tuple[str, bool]:
    """``text`` without the short answer that opens it, and whether there was one.

    >>> without_answer("Nothing bad about you at all, I promise. I meant it's a lot.")
    ("I meant it's a lot.", True)
    """
    pieces = _spans(text)
    start = 0
    if pieces and _ANSWER.match(_plain(pieces[0][0])):
        start = 1
        while start < len(pieces) and (_ASIDE.match(_plain(pieces[start][0]))
                                       or _ANSWER.match(_plain(pieces[start][0]))):
            start += 1
    return _rest(text, pieces, start)


#: A concession, as a whole opening piece ("true", "you're right", "fair point").
_CONCESSION = re.compile(
    r"^(?:(?:ok|okay|yeah|yes|yep|oh|ah|honestly|and|well)\s*)*"
    r"(?:(?:that'?s|thats|that is|it'?s|its|it is|very|so|how) )?(?:true|fair|right)$|"
    r"^(?:(?:ok|okay|yeah|yes|yep|oh|ah|honestly|well)\s*)*"
    r"(?:(?:you'?re|youre|you are|ur|u r) (?:quite |so |absolutely |totally |completely )?right"
    r"|fair (?:point|enough|comment|call)|good point|point taken|guilty as charged)$")


def without_concession(text: str) -> tuple[str, bool]:
    """``text`` without the concession that opens it, and whether there was one.

    >>> without_concession("True, and I've done more talking than listening.")
    ("I've done more talking than listening.", True)
    """
    pieces = _spans(text)
    if len(pieces) < 2 or not _CONCESSION.match(_plain(pieces[0][0])):
        return text, False
    return _rest(text, pieces, 1)


def _spans(text: str) -> list[tuple[str, int]]:
    """The pieces of ``text`` (cut at commas, stops and "but"), each with where it starts."""
    out, at = [], 0
    for match in PIECES.finditer(text):
        out.append((text[at:match.start()], at))
        at = match.end()
    out.append((text[at:], at))
    return [(piece, start) for piece, start in out if piece.strip()]


#: A joining word left at the start of what follows an opening ("true, *and* I...").
_JOINER = re.compile(r"^(?:and|so|but)\b\s*", re.IGNORECASE)


def _rest(text: str, pieces: list[tuple[str, int]], start: int) -> tuple[str, bool]:
    """The original text from piece ``start`` on, punctuation kept: the model
    reads "and I've done more talking, What would help" quite unlike the same
    words with their full stop."""
    if start == 0:
        return text, False
    if start >= len(pieces):
        return "", True
    return _JOINER.sub("", text[pieces[start][1]:].strip()), True


def _plain(piece: str) -> str:
    return " ".join(normalise(piece).replace("?", " ").split())
