"""Pieces in which the worker rules a move out: "I'm not asking you to join a group".

A play-test found that the learned model reads such a clause as the very move it
denies ("I'm not suggesting you need your own therapy" as a referral), so Sam
argued with an idea the trainee had just dropped. The model can't tell, from a
few thousand examples, that a speech act is being denied; these plain rules can.
They only recognise the worker denying or retracting their *own* speech act
("I'm not saying", "nobody is asking", "forget the group idea"), never
negation in general: "you don't have a choice" and "there's nothing to worry
about" are themselves poor moves.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.recognition.keywords import PIECES
from bot.recognition.text_norm import normalise

#: Words that may open a piece before the denial itself ("no, look, to be clear, i'm not...").
_OPENERS = frozenset({
    "no", "so", "and", "look", "oh", "ok", "okay", "well", "honestly", "sorry", "listen",
    "just", "to", "be", "clear", "again", "also", "now", "right", "see",
})
_I = r"(?:i am|i|im|iam|we are|we|i have|we have)"
_NOT = r"(?:not|never|dont|didnt|wont|wasnt|havent|aint|do not|did not|will not|would not|was not)"
#: The worker's own speech acts, optionally as a purpose ("not here to judge").
_ACT = (
    r"(?:(?:here to|calling to|trying to|going to|gonna|out to|about to|in the business of) )?"
    r"(?:ask|suggest|say|sayin|tell|recommend|propos|send|refer|push|pressur|impl|blam|mean|"
    r"judge|force|make you|take sides|take alex s side|side with|share|pass|repeat|fix|"
    r"sort you out|calling because)"
)
#: "that's not what I'm suggesting": the denial points back at the piece before.
_THAT_NOT = (r"(?:that's|thats|that is|it's|its|it is|this is|this's) (?:not|never) what "
             rf"(?:{_I}) (?:really |just |actually )?{_ACT}")
_DENIAL = re.compile(
    rf"^(?:{_THAT_NOT}"
    rf"|{_I} (?:really |just |at all |actually )?{_NOT} (?:really |just |actually )?{_ACT}"
    rf"|(?:nobody|no one|noone|none of us) (?:is |are |was |will |would |has )?"
    rf"(?:really |actually )?{_ACT}"
    rf"|not (?:really |actually )?{_ACT})"
)
_DENIAL_POINTS_BACK = re.compile(_THAT_NOT)
#: "No rush on the diary", "no pressure at all": the worker ruling out pushing
#: (twenty-ninth play-test: read as pressure). The piece must be only that, so
#: "no pressure, but you should come" keeps its second half.
_NO_PUSH = re.compile(
    r"^(?:(?:and|so|yeah|yes|ok|okay|oh|honestly|look|listen|well|just|of course|course|"
    r"but|again)\s+)*"
    r"(?:there is |there's |theres )?(?:absolutely |really |honestly |totally )?"
    r"no (?:rush|hurry|pressure|obligation)(?: at all| whatsoever)?"
    r"(?: (?:from me|(?:on|with|about|for) [a-z' ]{1,30}))?(?: at all)?$"
)
_RETRACTION = re.compile(
    r"^(?:let us|lets) not\b"
    r"|^(?:let us |lets |can we |we can |you can |please )?(?:just )?"
    r"(?:forget|scrap|drop|ignore|disregard|never mind|nevermind|strike)\b"
    r"|\b(?:set|put|leave|park)\b.*\baside\b"
    r"|\b(?:take|taking) (?:that|it|this) back\b|^(?:i take back|my bad)\b"
)


def _core(piece: str) -> str:
    """The normalised piece without its opening fillers ("no, look, i'm not...")."""
    words = normalise(piece).split()
    start = 0
    while start < len(words) - 1 and words[start] in _OPENERS:
        start += 1
    return " ".join(words[start:])


def is_denial(piece: str) -> bool:
    """True when ``piece`` denies the worker's own speech act ("I'm not asking you to...")."""
    core = _core(piece)
    return bool(core) and (bool(_DENIAL.match(core)) or bool(_NO_PUSH.match(normalise(piece))))


def without_denied(text: str) -> tuple[str, bool]:
    """``text`` without its denials, and whether it had any. "A group can help
    some couples, but that's not what I'm suggesting": the group is in the
    piece before "that's not what…", so that piece goes too (twentieth
    play-test: read as the referral it ruled out)."""
    return _without_pointing_back(text, is_denial, _DENIAL_POINTS_BACK)


def is_retraction(piece: str) -> bool:
    """True when ``piece`` takes something back ("forget the group idea", "scrap that").

    Unlike a denial this depends on what was said before: dropping a referral
    is a repair, dropping the joint sessions is itself a poor move. So the
    recogniser only reports it, and the engine, which knows the conversation,
    decides (see ``Recognition.retracted``).
    """
    core = _core(piece)
    return bool(core) and bool(_RETRACTION.search(core))


#: A retraction that names nothing ("forget that", "scrap it", "never mind"):
#: what it takes back is the piece just before it.
_POINTS_BACK = re.compile(
    r"^(?:just )?(?:forget|scrap|drop|ignore|disregard|strike|never mind|nevermind)"
    r"(?: (?:all )?(?:that|it|this))?(?: idea| bit| part| one)?$"
)


def without_retracted(text: str) -> tuple[str, bool]:
    """``text`` without what it takes back, and whether it took anything back.

    "A group would be a lot to face. Forget that, I'd rather it was just the
    three of us": the group is in the piece before "forget that", so that
    piece goes too. A play-tester's repair was read as the group referral it
    withdrew, and Sam walked out.
    """
    return _without_pointing_back(text, is_retraction, _POINTS_BACK)


def _without_pointing_back(
    text: str, drop: Callable[[str], bool], points_back: re.Pattern[str]
) -> tuple[str, bool]:
    """``text`` without the pieces ``drop`` picks and, for those whose core
    ``points_back`` ("forget that", "that's not what I'm suggesting"), the piece before."""
    pieces = _pieces(text)
    dropped: set[int] = set()
    for i, piece in enumerate(pieces):
        if drop(piece):
            dropped.add(i)
            if i and points_back.match(_core(piece)):
                dropped.add(i - 1)
    return _kept(text, dropped)


def without(text: str, drop: Callable[[str], bool]) -> tuple[str, bool]:
    """``text`` without the pieces ``drop`` picks, and whether it picked any."""
    pieces = _pieces(text)
    return _kept(text, {i for i, p in enumerate(pieces) if drop(p)})


def _pieces(text: str) -> list[str]:
    return [p for p, _ in _split(text)]


#: Where a message is cut into pieces, keeping what it was cut at.
_CUTS = re.compile(f"((?:{PIECES.pattern})+)", re.I)
_SENTENCE_END = re.compile(r"[.!?]")


def _split(text: str) -> list[tuple[str, str]]:
    """The message's pieces, each with the cut that follows it ("", ", ", ". ")."""
    parts = _CUTS.split(text)
    pairs: list[tuple[str, str]] = []
    for i in range(0, len(parts), 2):
        piece, cut = parts[i], parts[i + 1] if i + 1 < len(parts) else ""
        if piece.strip():
            pairs.append((piece, cut))
        elif pairs:  # a cut with no piece before it joins the last cut
            pairs[-1] = (pairs[-1][0], pairs[-1][1] + piece + cut)
    return pairs


def _kept(text: str, drop: set[int]) -> tuple[str, bool]:
    """The pieces not in ``drop`` with the cuts between them as written, and
    whether any were dropped. Where pieces go, the strongest cut around them
    stays, so the sentences left are still sentences: "…who's the problem. No
    pressure at all, it's your call." keeps its full stop (held-out set 43:
    joined by commas, the rest read as one run and lost its siding)."""
    pairs = _split(text)
    out: list[str] = []
    cut = ""
    for i, (piece, after) in enumerate(pairs):
        if i in drop:
            if out and _SENTENCE_END.search(after) and not _SENTENCE_END.search(cut):
                cut = after
            continue
        # A cut at a word ("but", "though") needs its spaces back (review:
        # "Alex is tryingbut you…" hid a keyword).
        cut = f" {cut.strip()} " if cut.strip()[:1].isalpha() else cut
        out += [cut, " ", piece.strip()] if out else [piece.strip()]
        cut = after
    return " ".join("".join([*out, cut]).split()), bool(drop)
