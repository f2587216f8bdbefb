"""Keywords: words an educator says almost always mean a move, and when they don't.

A keyword forces its move, unless the clause denies it ("rather than a
support group") or the sentence apologises for having said it ("sorry I
brought up the support group"). Kept apart from the move model because these
are plain word rules an educator can predict, not learned weights.
"""

from __future__ import annotations

import re
from itertools import pairwise

from bot.recognition.text_norm import normalise

#: Words that, shortly before a keyword in the same clause, deny it: "rather
#: than a support group", "it wouldn't be your own therapist". "Why not ..." is
#: a suggestion, not a denial. A denied keyword does not force its move, and an
#: unhelpful move whose keywords a message only denies is not read from it.
_NEGATORS = frozenset({"not", "no", "never", "without", "rather", "instead", "nor", "cannot"})
_NEGATION_WINDOW = 5
#: Where a message is cut into clauses that can deny on their own (shared with denials).
PIECES = re.compile(r"[.,;:!?()]+|\s[-–—]+\s|\b(?:but|though|although|however)\b", re.I)


#: A clause that opens with one of these, then "not" and a pronoun or an
#: article, asks a negative question ("why don't you join...", "wouldn't a
#: group help?", "have you not thought of...", "can't you just..."): a
#: suggestion, not a denial.
_AUXILIARIES = frozenset({"do", "does", "did", "would", "could", "should", "will", "can",
                          "is", "are", "was", "were", "have", "has", "had"})
_ASKED = frozenset({"you", "it", "a", "an", "the", "that", "this", "we", "they"})
_LEADS = frozenset({"so", "and", "but", "well", "then", "why"})


def _asks(before: list[str], position: int) -> bool:
    """True when the "not" or "cannot" at ``position`` belongs to a negative question."""
    start = 0
    while start < position and before[start] in _LEADS:
        start += 1
    if start and before[start - 1] == "why":
        return True  # "why not ...", "why do not you ...", "why cannot you ..."
    if before[position] == "cannot":  # "can't you ..." is normalised to "cannot you ..."
        following = before[position + 1:position + 2]
        return position == start and bool(following) and following[0] in _ASKED
    opening = before[start:position + 2]
    if len(opening) < 3 or opening[0] not in _AUXILIARIES:
        return False
    # "do not you ...", "would not a ...", "have you not ..."
    return (opening[1] == "not" and opening[2] in _ASKED) or (
        opening[1] in _ASKED and opening[2] == "not")


def _denied(before: list[str]) -> bool:
    """True when the words just before a keyword negate it."""
    window = before[-_NEGATION_WINDOW:]
    for i, word in enumerate(window):
        position = len(before) - len(window) + i
        if word in _NEGATORS and not (word in ("not", "cannot") and _asks(before, position)):
            return True
    return False


def padded(text: str) -> str:
    """Normalised text with a space at both ends and around "?", for word matches."""
    return f" {normalise(text).replace('?', ' ? ')} "


def _words_before(text: str, keyword: str, splitter: re.Pattern[str]) -> list[list[str]]:
    """For each time ``keyword`` occurs in a piece of ``text``, the piece's words before it."""
    found: list[list[str]] = []
    for piece in splitter.split(text):
        words = padded(piece)
        start = words.find(f" {keyword} ")
        while start >= 0:
            found.append(words[:start].split())
            start = words.find(f" {keyword} ", start + 1)
    return found


def closing(keyword: str) -> bool:
    """True for a keyword an educator wrote with a full stop: it counts only
    where it ends a sentence. "Next question." closes a topic; "what's the
    next question on your mind?" does not."""
    return keyword.rstrip().endswith(".")


def ends_a_sentence(text: str, keyword: str) -> bool:
    """``keyword`` (normalised) is the last thing some sentence of ``text`` says,
    and that sentence is no question: "What's your next question?" asks, and so
    does "whats your next question" typed without its "?" (a question word
    and a verb, or a verb, opening it; "What Alex tells me is confidential, so
    let's move on." is no question; reviews). A sentence that is nothing but
    the keyword closes, "?" or not ("Next question?")."""
    for sentence in _SENTENCE_WITH_END.findall(text):
        said = " ".join(w for w in padded(sentence).split() if w != "?")
        if said == keyword:
            return True
        if not said.endswith(f" {keyword}"):
            continue
        if sentence.rstrip().rstrip(".!;…\"')").endswith("?") or _ASKS.match(said):
            continue
        return True
    return False


#: A sentence with the stops that end it.
_SENTENCE_WITH_END = re.compile(r"[^.!?;\n]+[.!?;…\s]*")
#: How a question opens when it is typed without its "?".
_ASKS = re.compile(r"^(?:(?:so|and|ok|okay|well) )*(?:(?:what|how|why|when|where|which|who) "
                   r"(?:is|are|was|were|do|does|did|would|will|can|could)|what'?s|how'?s|why'?s|"
                   r"where'?s|who'?s|do|does|did|is|are|can|could|would|will|any|have|has)\b")


#: Words that take back what came before them; not "still" ("if you still
#: want to") or "anyway", which also just go on (reviews).
_BUT = frozenset({"but", "though", "although", "however"})


def contrasted(text: str, keyword: str) -> bool:
    """A contrast follows ``keyword`` in its sentence: in "Everything's
    confidential, but I can tell you Alex cried…" the "but" takes the privacy
    rule back (held-out set 23)."""
    for sentence in _SENTENCE_WITH_END.findall(text):
        words = padded(sentence)
        at = words.find(f" {keyword} ")
        if at >= 0 and _BUT & set(words[at + len(keyword) + 1:].split()):
            return True
    return False


def keyword_found(text: str, keyword: str, at_end: bool = False) -> bool:
    """``keyword`` (normalised) occurs in ``text`` and is not denied in its clause;
    with ``at_end``, only where it ends a sentence (see ``closing``)."""
    if not keyword or f" {keyword} " not in padded(text):
        return False
    if at_end and not ends_a_sentence(text, keyword):
        return False
    befores = _words_before(text, keyword, PIECES)
    # Not inside any one clause: it spans a split point, so count it as written.
    return not befores or any(not _denied(before) for before in befores)


#: An apology for having said the keyword ("sorry I brought up the support
#: group", "apologies for mentioning your own therapist"): the speech verb
#: must come between the apology and the keyword, with no "but" in between,
#: so "I'm sorry, but a support group would help" still counts.
_APOLOGIES = frozenset({"sorry", "apologise", "apologize", "apologies", "apology",
                        "regret", "mistake"})
_SAYING = re.compile(r"^(?:mention|brought|bring|rais|suggest|spoke|speak|sa(?:id|y)|talk|push|"
                     r"recommend|threw|went|throw)")
#: Naming a word counts as saying it only when the word follows ("sorry for
#: calling it a support group", "for using the words…"), not "try calling a
#: support group" after sympathy (review).
_NAMING = re.compile(r"^(?:call(?:ed|ing)?|us(?:e|ed|ing))$")
_NAMED = frozenset({"it", "that", "this", "the", "those", "these", "word", "words", "term",
                    "terms", "phrase"})
_CONTRAST = frozenset({"but", "though", "although", "however", "still", "anyway"})
#: Only these between an apology and the keyword, the first of them from _FOR:
#: the apology is about it ("sorry about the support group idea"), not "sorry,
#: the support group is where you belong" (review).
_FOR = frozenset({"for", "about", "over", "re"})
_ABOUT = _FOR | {"the", "that", "this", "my", "whole"}
_SENTENCES = re.compile(r"[.!?;]+|\n")


def _regrets(words: list[str], i: int) -> bool:
    """The worker's own "shouldn't", "my bad" or "I got that wrong" ending at
    ``words[i]``: "shouldnt have brought up the support group thing" (set 46), "I
    shouldn't have…" (spelled out "should not"). Not "you shouldnt talk down the
    support group" (review)."""
    if words[i] == "bad":  # "my bad for bringing up a support group" (set 48)
        return i > 0 and words[i - 1] == "my"
    if words[i] == "wrong":  # "i got that wrong sam, i said support group" (set 49)
        return "i" in words[max(0, i - 3):i]
    if words[i] == "shouldnt":
        subject = words[i - 1] if i > 0 else ""
    elif words[i] == "not" and i > 0 and words[i - 1] == "should":
        subject = words[i - 2] if i > 1 else ""
    else:
        return False
    return subject in {"", "i", "we"}


def _apology_for_saying(before: list[str]) -> bool:
    """True when the words before a keyword apologise for having said it."""
    for i in range(len(before) - 1, -1, -1):
        if before[i] in _CONTRAST:
            return False
        if before[i] in _APOLOGIES or _regrets(before, i):
            after = before[i + 1:]
            if after and after[0] in _FOR and set(after) <= _ABOUT:
                return True  # "an apology for the support group thing" (held-out set 45)
            # Each word with the one after it; "Sorry, support group was a bad
            # idea" leaves no word between apology and keyword (review: a strict
            # zip of [] and [""] crashed the turn).
            return any(_SAYING.match(word) or (_NAMING.match(word) and nxt in _NAMED)
                       for word, nxt in pairwise([*after, ""]))
    return False


def keyword_retracted(text: str, keyword: str) -> bool:
    """Every time ``text`` says ``keyword``, its sentence apologises for having said it."""
    befores = _words_before(text, keyword, _SENTENCES)
    return bool(befores) and all(_apology_for_saying(before) for before in befores)


#: Plain words that, right after a keyword, explain it: "triangulation -
#: basically, two against one", "the dyad, meaning the two of you". The term
#: was glossed for the partner, not used on them, so it no longer forces the
#: move; the model still reads the message (eleventh play-test: glossed terms
#: were marked down as jargon, and Sam answered "you've lost me"). Only a comma,
#: colon, bracket or dash may come between, so "your subsystem is basically
#: stuck" and "differentiation, which means you have to adapt" stay jargon.
#: "which just means" (or "simply", "basically", "really") explains: every
#: held-out line with it glossed a term, and set 47 had one read as jargon.
_GLOSS = (r"\s*(?:[,:(]|\s[-–—]+)?\s*(?:basically|meaning|in other words|i mean|"
          r"in plain (?:words|english)|put simply|simply put|aka|i\.?e\.?|"
          r"(?:which|that|this|it)\s+(?:just|simply|basically|really)\s+means)\b")


def keyword_glossed(text: str, keyword: str) -> bool:
    """Every time ``text`` says ``keyword``, plain words explaining it follow at once."""
    lowered = text.lower().replace("\u2019", "'")
    said = list(re.finditer(rf"\b{re.escape(keyword)}\b", lowered))
    gloss = re.compile(_GLOSS)
    return bool(said) and all(gloss.match(lowered, m.end()) for m in said)
