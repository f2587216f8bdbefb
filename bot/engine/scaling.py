"""Scaling questions: "on a scale of 1 to 10, how ready are you?" asks for a number.

Sam answered such a question with the reply to whatever move it was read as,
never with a number (twentieth play-test). A scenario can give the partner an
answer per band of its meter (``scaling``). The number is the meter after the
message, put on the scale the trainee named (1 to 10 when none is named), so
the answer agrees with the openness the trainee sees.

Asked next "why a 4 and not a 2?" or "what would make it a 5?", the partner
answers from the band's ``reasons`` or ``needs``, where the scenario gives
them, instead of the usual reply: in MI the follow-up is the point of the
ruler (twenty-second play-test: "why a 5 and not lower?" went unanswered).

Only scales the meter can stand for are answered: "how worried are you, 1 to
10" runs the other way, and "how important is it" measures something else, so
those get the usual reply. What is rated is read from the words after "how",
so a worry reflected earlier in the message does not count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.scenario.format import SCALE_NUMBER, PermissionAnswer, ScaleAnswer

_WORDS = {"zero": 0, "null": 0, "one": 1, "eins": 1, "five": 5, "fünf": 5, "ten": 10,
          "zehn": 10, "hundred": 100, "hundert": 100}
_NUMBER = r"(\d{1,3}|zero|null|one|eins|five|fünf|ten|zehn|hundred|hundert)"
#: Where scales usually start and end; "6-7" or "2 to 4" is a time, not a scale.
_STARTS = frozenset({0, 1})
_ENDS = frozenset({5, 7, 10, 100})
#: A range, unless it is a time ("1 to 5 pm", "from 1-5:30").
_RANGE = re.compile(
    rf"(?<![\d:.,])\b{_NUMBER}\s*(?:to|-|–|—|and|bis)\s*{_NUMBER}\b(?!\s*(?:am|pm|uhr|o'?clock)\b|[:.]\d)",
    re.IGNORECASE)
#: Ends named one by one: "if 0 is no way and 10 is yes", "1 being nope, 10 being sure".
_ANCHORED = re.compile(
    rf"(?<![\d:.,])\b{_NUMBER}\s+(?:is|means|being|=|for)\b.{{1,60}}?\b{_NUMBER}\s+"
    r"(?:is|means|being|=|for)\b", re.IGNORECASE)
#: "out of 10", but not "9 out of 10 couples".
_OUT_OF = re.compile(rf"(?<!\d)(?<!\d\s)\b(?:out of|von)\s+{_NUMBER}\b", re.IGNORECASE)
_SCALE = re.compile(
    r"\b(?:on|using|with|in|auf)\s+(?:a|the|that|this|your|einer|der)\s+(?:(?!sliding)\w+\s+)?"
    r"(?:scale|skala)\b|\b(?:scale|skala)\s+(?:of|from|between|von|\d)",
    re.IGNORECASE)
#: Without the word "scale", a range or "out of" asks for a rating only beside these.
_RATING = re.compile(
    r"\b(?:how|rate|rating|score|number|where|wie|wo|bewerten|zahl)\b", re.IGNORECASE)
#: An effect on the partner ("how affected…", "how much has it affected you").
_IMPACT_WORDS = r"affect\w*|impact\w*"
#: Scales the meter cannot stand for: worry and pain run the other way, and
#: importance or happiness measure something else.
_OTHER_SCALE = re.compile(
    r"\b(?:worr\w*|anxious|nervous|scared|afraid|stress\w*|angry|upset|annoyed|frustrat\w*|"
    r"hurt\w*|sad|unhappy|lonely|bad|hard|difficult|important|importance|matter\w*|happy|"
    rf"{_IMPACT_WORDS}|"
    r"satisf\w*|tired|exhausted|sorge\w*|angst|ängstlich|wütend|traurig|wichtig\w*|"
    r"glücklich|zufrieden|schwer|schlimm)\b",
    re.IGNORECASE)


#: What is being rated: the words after "how" or "rate your" ("how worried are
#: you"), not a worry named earlier in the message, nor a hard thing the ruler
#: goes on to mention ("how ready are you, even though it feels hard").
_RATED = re.compile(
    r"\b(?:how|wie|rate|score|bewerten)\s+((?:[\w'’]+\s+){0,2}[\w'’]+)", re.IGNORECASE)
#: "How much have the changes in Alex affected you?": an impact, whose verb
#: comes late; the meter cannot stand for it (twenty-fifth play-test).
_IMPACT = re.compile(
    rf"\bhow\s+much\s+(?:has|have|did|does|do|is|are)\b[^,.;:!?]{{0,60}}?\b(?:{_IMPACT_WORDS})",
    re.IGNORECASE)


def _value(word: str) -> int:
    return int(word) if word.isdigit() else _WORDS[word.lower()]


def scale_asked(text: str) -> tuple[int, int] | None:
    """The scale a message asks the partner to rate themselves on, or None.

    >>> scale_asked("on a scale of 1 to 10 how ready are you to try one session")
    (1, 10)
    >>> scale_asked("9 out of 10 couples say the first session was easier than they feared")
    """
    rated = " ".join(m.group(1) for m in _RATED.finditer(text))
    if _OTHER_SCALE.search(rated) or _IMPACT.search(text):
        return None
    for match in _RANGE.finditer(text):
        low, high = _value(match.group(1)), _value(match.group(2))
        if low in _STARTS and high in _ENDS:
            return (low, high) if _SCALE.search(text) or _RATING.search(text) else None
    anchored = _ANCHORED.search(text)
    if anchored:
        ends = sorted((_value(anchored.group(1)), _value(anchored.group(2))))
        if ends[0] in _STARTS and ends[1] in _ENDS and (_RATING.search(text) or "?" in text):
            return ends[0], ends[1]
    out_of = _OUT_OF.search(text)
    if out_of and _value(out_of.group(1)) in _ENDS and _RATING.search(text):
        return (1, _value(out_of.group(1)))
    return (1, 10) if _SCALE.search(text) else None


#: "Why a 4 and not a 2?", "what makes it a 5?", "why not lower?": what already
#: draws the partner, the question that follows a ruler in MI.
_WHY_NOT_LOWER = re.compile(
    r"\bwhy\b[^?.!]*\b(?:and|but|rather than|instead of)\s+not\b|\bwhy\s+not\s+(?:a\s+)?"
    r"(?:lower|less|zero|\d)|\bwhy\s+(?:a|an|so)\s+(?:\d+|high|higher)\b|\bnot\s+(?:any\s+)?lower\b|"
    r"\bwhat\s+(?:makes|made)\s+(?:it|you\s+(?:say|pick|choose|give\s+it))\s+(?:a\s+|an\s+)?\d+|"
    r"\bwhat'?s\s+(?:in|behind)\s+(?:the|that|your|a)\s+(?:number|\d+)|"
    r"\brather\s+than,?\s+(?:say,?\s+)?(?:a\s+|an\s+)?(?:\d+|zero|one|lower)\b|"
    r"\bwhat\s+(?:puts|put|places)\s+(?:it|you|u)\s+at\s+(?:a\s+|an\s+)?\d+",
    re.IGNORECASE)
#: "What would make it a 5?", "what would move it up one?": what the partner would need.
_WHAT_WOULD_RAISE = re.compile(
    r"\bwhat\s+(?:would|could|might)\b[^?.!]*\b(?:higher|up|\d+|point|notch|step)\b|"
    r"\bfrom\s+(?:a\s+)?\d+\s+to\s+(?:a\s+)?\d+", re.IGNORECASE)


def follow_up(text: str) -> str | None:
    """"reasons" for "why a 4 and not a 2?", "needs" for "what would make it a 5?"."""
    if _WHY_NOT_LOWER.search(text):
        return "reasons"
    if _WHAT_WOULD_RAISE.search(text):
        return "needs"
    return None


def scale_number(meter: int, low_meter: int, high_meter: int, scale: tuple[int, int]) -> int:
    """The meter on the trainee's scale: as it is when the tops agree (0-10 asked 1-10)."""
    low, high = scale
    if high == high_meter:
        return max(low, min(high, meter))
    span = max(high_meter - low_meter, 1)
    return round(low + (meter - low_meter) * (high - low) / span)


def band(answers: Sequence[ScaleAnswer | PermissionAnswer], meter: int) -> int:
    """The index of the band that holds ``meter``; the last band holds anything above."""
    return next((i for i, a in enumerate(answers) if meter <= a.up_to), len(answers) - 1)


def with_number(line: str, number: int) -> str:
    """The line with its ``{n}`` filled in (not ``str.format``: a line may hold braces)."""
    return line.replace(SCALE_NUMBER, str(number))
