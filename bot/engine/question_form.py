"""Whether a message asks something by its form, so the summary counts every question.

The skill reading gives one behaviour per message, and a move declared a
reflection keeps a message a reflection. A trainee who reflects and then asks
("so alex changing has been a lot. whats that been like") asked a question
too, and MI coding counts it: without this, the thirteenth play-test's
summaries read 2.0 and 4.0 reflections per question where the coder counted
0.7 and 1.3.
"""

from __future__ import annotations

import re

_WH = r"what|whats|what's|wat|how|hows|how's|why|when|where|who|which"
_AUX = (r"do|does|did|are|r|is|was|were|would|wd|could|can|will|have|has|should|shall"
        r"|may|might")
_SUBJECT = r"you|u|ya|we|i|it|that|this|there|things|alex|they|he|she|anything|something"
#: Openers that may come before the question word: "so what…", "ok, how…".
_LEAD = r"(?:(?:so|and|or|but|ok|okay|well|then|also|hey|hi|sam|and\s+so)[\s,]+)*"
#: "what you said makes sense" opens like a question but reports one.
_REPORTED = r"(?!\s+(?:you|u)\s+(?:said|say|says|mean|meant|described|just))"
_ASKS = re.compile(rf"^{_LEAD}(?:(?P<wh>{_WH})\b{_REPORTED}|(?:{_AUX})\s+(?:{_SUBJECT})\b)",
                   re.IGNORECASE)
#: Question words that open a question rather than ask for one fact; MI coding
#: counts "when would suit you" as closed.
_OPEN = frozenset({"what", "whats", "what's", "wat", "how", "hows", "how's", "why"})
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


def _asking(text: str) -> tuple[list[str], list[re.Match[str]]]:
    """The message's sentences, and the matches of those worded as a question."""
    sentences = [m.group().strip() for m in _SENTENCE.finditer(text)]
    sentences = [s for s in sentences if s.strip(".!?, ")]
    asking = [m for s in sentences if not s.endswith((".", "!")) and (m := _ASKS.match(s))]
    return sentences, asking


def question_form(text: str) -> str | None:
    """"whole" when every sentence is worded as a question, "part" when some are.

    Worded means opening like a question ("whats…", "do u…"), with or without a
    question mark. A statement with a question mark ("So you feel left out?")
    is a reflection said with a rising voice, and MI coding keeps it one.
    """
    sentences, asking = _asking(text)
    if not asking:
        return None
    return "whole" if len(asking) == len(sentences) else "part"


def question_kind(text: str) -> str | None:
    """"open_question" or "closed_question" for the first sentence worded as a question."""
    _, asking = _asking(text)
    if not asking:
        return None
    wh = asking[0].group("wh")
    return "open_question" if wh and wh.lower() in _OPEN else "closed_question"
