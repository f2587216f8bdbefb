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
_ASKS = re.compile(rf"^{_LEAD}(?:(?:{_WH})\b{_REPORTED}|(?:{_AUX})\s+(?:{_SUBJECT})\b)",
                   re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


def question_form(text: str) -> str | None:
    """"whole" when every sentence is worded as a question, "part" when some are.

    Worded means opening like a question ("whats…", "do u…"), with or without a
    question mark. A statement with a question mark ("So you feel left out?")
    is a reflection said with a rising voice, and MI coding keeps it one.
    """
    sentences = [m.group().strip() for m in _SENTENCE.finditer(text)]
    sentences = [s for s in sentences if s.strip(".!?, ")]
    asking = [s for s in sentences if _ASKS.match(s) and not s.endswith((".", "!"))]
    if not asking:
        return None
    return "whole" if len(asking) == len(sentences) else "part"
