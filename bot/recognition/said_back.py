"""Whether a reflection repeats the partner's words (simple) or adds to them (complex).

MI coding calls a reflection simple when it repeats or rephrases what was
said, and complex when it adds meaning or feeling. The skill model reads the
message with the partner's line beside it, but AnnoMI, which it learned from,
hardly rewards repetition (the share of a reflection's words found in the
client's line separates AnnoMI's simple from complex reflections at AUC 0.51),
and in play it called 97 % of held-out reflections complex: every play-test
summary read "Complex reflections: 100 %", and "sounds like ur not sure why im
calling u at all" to "I'm not sure what you want from me" was shown as complex.
On 300 coded reflections written to the domain's definitions
(bench/data/skills_written), that share separates them at AUC 0.87, and
weighed against the model's odds it lifts simple/complex macro-F1 from 0.785
to 0.840 (each writer's lines, with the weight chosen on the other three's:
+0.03 to +0.08). So the bot, which always has the partner's line, weighs both.
``classify`` keeps the model's own reading, which is what AnnoMI measures.
"""

from __future__ import annotations

import re

#: Words that say nothing about what was reflected: pronouns, "sounds like", fillers.
_FILLER_WORDS = """
i you u ya the a an and or but to of in on it is was be been being that this with for
at as so just like sounds seems seem feel feeling feels felt really im youre ur its dont
not no yes yeah ok okay about what how me my your we they he she them do does did have has
had are am were would could can will if then there here all some any more very much too
also get got bit lot kind sort thing things think know mean guess right well
from when why where who which want wants wanted still even only maybe
"""
_FILLER = frozenset(_FILLER_WORDS.split())
_WORD = re.compile(r"[a-z]+")
#: Words compared by their first letters once a common ending is cut, so
#: "calling" meets "call", but "probably" does not meet "problem" (review).
_STEM = 5
_ENDING = re.compile(r"(?:ing|ed|es|s|ly)$")
#: How much the words said back count against the model's odds (chosen on the
#: written reflections above: 0.5 gives 0.837, 1.0 0.840, 1.5 0.837).
WEIGHT = 1.0


def _content(text: str) -> list[str]:
    """Content words, apostrophes dropped first: "you're" is the filler "youre"
    (review: typed with an apostrophe it counted as a word said back)."""
    words = _WORD.findall(text.lower().replace("’", "'").replace("'", ""))
    return [_ENDING.sub("", w)[:_STEM] for w in words if w not in _FILLER and len(w) > 2]


def said_back_share(text: str, previous: str) -> float:
    """The share of the message's content words that the partner's line also has."""
    words = _content(text)
    if not words:
        return 0.0
    theirs = set(_content(previous))
    return sum(w in theirs for w in words) / len(words)


_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
#: A sentence that only acknowledges what was said.
_COURTESY = re.compile(
    r"^\s*(?:(?:ok|okay|yeah|ya|yes|right|sure|oh|ah|mm|hmm|so|and|well)\b[\s,]*)*"
    r"(?:(?:that|it|thats|that's|it's|its)\s+)?(?:(?:all|totally|completely|really|kind\s+of)\s+)?"
    r"(?:makes?\s+(?:a\s+(?:whole\s+)?lot\s+of\s+|so\s+much\s+|(?!(?:no|zero|little|less)\b)\w+\s+)?sense"
    r"(?:\s+to\s+me)?|i\s+appreciate\s+(?:that|it)|thanks?(?:\s+you)?\s+for\s+being\s+honest"
    r"(?:\s+with\s+me)?|"
    r"(?:that'?s|thats|that\s+is|it'?s|its)?\s*(?:very\s+|totally\s+|completely\s+)?understandable|"
    r"i\s+hear\s+what\s+(?:you'?re|youre|ur|you\s+are)\s+saying|thanks?\s+for\s+saying\s+so|"
    r"fair(?:\s+enough)?|(?:is\s+)?fair\s+enough|"
    r"i\s+(?:hear|see|get|understand)(?:\s+(?:you|u|that|it))?|thanks?(?:\s+you)?(?:\s+for\s+"
    r"(?:saying|telling\s+me|sharing)\s+(?:that|this|it))?|of\s+course|absolutely|totally|true|"
    r"got\s+it|understood|i\s+know)\b[\s,]*(?:(?:sam|tbh|honestly|really|too)\b[\s,]*)*[.!]*\s*$",
    re.IGNORECASE)


def least_said_back(text: str, previous: str) -> float:
    """The smallest share of any statement sentence of the message, so a reflection
    that quotes Sam and then adds a feeling ("You said you don't always know how
    to answer. Sounds like you're a bit thrown by the new Alex.") is complex, as
    MI coding has it: the quote had made the whole message read simple
    (thirty-fourth play-test). On the 300 written reflections, simple/complex
    macro-F1 0.840 -> 0.843 (38 have two sentences or more)."""
    # A question is no reflection, whatever it says back, and a courtesy ("That
    # makes sense.", "Fair enough.") adds no meaning (review: in front of a
    # word-for-word reflection it made it complex).
    shares = [said_back_share(m.group(), previous) for m in _SENTENCE.finditer(text)
              if _content(m.group()) and not _COURTESY.match(m.group())
              and not m.group().rstrip().endswith("?")]
    return min(shares) if shares else said_back_share(text, previous)


def reflection_kind(complex_odds: float, text: str, previous: str) -> str:
    """"simple_reflection" or "complex_reflection", the model's odds and the words
    said back weighed together."""
    margin = 1.0 - 2.0 * complex_odds + WEIGHT * least_said_back(text, previous)
    return "simple_reflection" if margin > 0 else "complex_reflection"
