"""Pieces in which the worker says the partner's own words back: a simple reflection.

A trainee who parrots Sam ("You don't see the point." to "I don't see the
point of me coming") is doing what MI calls a simple reflection. Read alone,
without Sam's line, the learned model took such echoes for the poor moves
they sound like: 158 of 461 of Sam's lines said back were read first as a
poor move, "You don't like being pushed." as dismissing Sam and "Alex is doing
better, you can see it." as taking Alex's side. Whether a piece is an echo
depends on the partner's line, which the model never sees; this plain rule does.

It is strict on purpose. The piece must be about Sam, said as Sam said it in a
statement, word for word once "I" and "you" are swapped (up to two of Sam's
words may be left out, never a "not"), and from the start of one of Sam's
clauses:
"You're controlling." does not echo "Alex says I'm controlling" (it drops who
says so), and "You're the one with the problem." does not echo "I'm not the
one with the problem" (it drops the "not").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from bot.recognition.keywords import PIECES
from bot.recognition.text_norm import normalise

#: Sam's words as the worker says them back ("I am tired" -> "you are tired").
_PARTNER = {
    "i": "YOU", "me": "YOU", "my": "YOUR", "mine": "YOURS", "myself": "YOURSELF",
    "we": "YOU", "us": "YOU", "our": "YOUR", "ourselves": "YOURSELVES",
    "you": "ME", "your": "MY", "yours": "MINE", "yourself": "MYSELF",
}
#: The worker's words as they stand.
_WORKER = {
    "you": "YOU", "u": "YOU", "ya": "YOU", "your": "YOUR", "yours": "YOURS",
    "yourself": "YOURSELF", "yourselves": "YOURSELVES",
    "i": "ME", "me": "ME", "my": "MY", "mine": "MINE", "myself": "MYSELF",
}
#: Forms that differ only by person ("I am" / "you are", "I was" / "you were").
_VERBS = {"am": "be", "are": "be", "was": "was", "were": "was"}
#: Words a reflection may drop or add without changing what is said back.
_FILLERS = frozenset(["just", "really", "actually", "honestly", "even", "literally"])
#: Openings of a reflection, dropped before the comparison ("so it sounds like ...").
_LEAD_IN = re.compile(
    r"^(?:(?:so|ok|okay|right|mm+|hmm+|yeah|yes|ah|oh|and) )*"
    r"(?:(?:it )?(?:sounds|seems) like |what i am hearing is |you are saying |"
    r"you are telling me |you mean )?"
)
#: Where one of Sam's clauses may start inside a piece ("I'm tired and I don't...").
_JOINERS = frozenset(["and", "so", "because", "cos", "cause", "then", "or"])
#: Sam's openers a reflection leaves out ("It's like Alex has learned a new
#: dance", "I think I'm the odd one out"); not "Alex says" or "acts like", whose
#: clause is someone else's view.
_OPENERS = frozenset((
    ("is", "like"), ("feels", "like"), ("felt", "like"), ("feel", "like"),
    ("YOU", "mean"), ("YOU", "think"), ("YOU", "guess"), ("YOU", "suppose"), ("YOU", "reckon"),
))
#: An echo this short says nothing ("you do not", "fair enough").
MIN_ECHO_WORDS = 3
_FUNCTION = frozenset((
    "YOU", "YOUR", "YOURS", "YOURSELF", "ME", "MY", "MINE", "MYSELF", "be", "was", "do", "does",
    "did", "not", "have", "has", "had", "will", "would", "can", "could", "it", "is", "that", "this",
    "the", "a", "an", "to", "of", "and", "so", "been", "being", "get", "got", "go", "going",
    "there", "here", "what", "like", "sounds", "seems", "way", "thing", "things", "about",
))
#: Who a reflection is about: Sam, in the worker's words.
_PARTNER_WORDS = frozenset(("YOU", "YOUR", "YOURS", "YOURSELF", "YOURSELVES"))
#: Sentence ends; a question of Sam's is not something Sam says about themself.
_SENTENCES = re.compile(r"(?<=[.!?…])\s+")


#: Contractions typed without an apostrophe, which ``normalise`` leaves alone.
_TYPED = {
    "its": "it is", "im": "i am", "youre": "you are", "ive": "i have", "youve": "you have",
    "youll": "you will", "youd": "you would", "dont": "do not", "doesnt": "does not",
    "didnt": "did not", "cant": "cannot", "wont": "will not", "isnt": "is not",
    "wasnt": "was not", "arent": "are not", "havent": "have not", "thats": "that is",
    "theyre": "they are", "r": "are", "it's": "it is", "that's": "that is",
    "there's": "there is", "what's": "what is", "who's": "who is",
}


def _tokens(text: str, persons: dict[str, str]) -> list[str]:
    words = " ".join(_TYPED.get(w, w) for w in normalise(text).replace("?", " ").split()).split()
    out: list[str] = []
    for i, word in enumerate(words):
        if word in _FILLERS:
            continue
        if word in ("two", "both") and i and words[i - 1] == "you":
            continue  # "you two" / "you both" are the couple Sam calls "we"
        out.append(persons.get(word, _VERBS.get(word, word)))
    return out


@lru_cache(maxsize=512)
def _statements(line: str) -> tuple[tuple[list[str], list[int]], ...]:
    """Sam's statements as token lists, each with where a clause may start in it:
    at each piece (commas, "but") and after a joining word ("I'm tired and I...").

    Sam's questions are left out: "My own therapist?" echoes the worker's
    suggestion, and saying it back ("your own therapist") is the suggestion again.
    Cached: every piece of a message is compared with the same line of Sam's.
    """
    found = []
    for sentence in _SENTENCES.split(line.strip()):
        if sentence.rstrip(" .…!\"'").endswith("?"):
            continue
        tokens: list[str] = []
        starts: list[int] = []
        for piece in PIECES.split(sentence):
            if piece and piece.strip():
                starts.append(len(tokens))
                tokens += _tokens(piece, _PARTNER)
        starts += [i + 1 for i, t in enumerate(tokens[:-1])
                   if t in _JOINERS or tuple(tokens[max(i - 1, 0):i + 1]) in _OPENERS]
        found.append((tokens, starts))
    return tuple(found)


#: The worker, in the worker's words.
_WORKER_WORDS = frozenset(("ME", "MY", "MINE", "MYSELF"))
#: What someone else did to or about the worker, said back, needs this many words.
MIN_REPORT_WORDS = 4


def _about(said: list[str]) -> bool:
    """Whether words said back are about Sam ("you don't see the point"), or what
    someone else did about the worker ("Alex has mentioned me", twentieth
    play-test: read as a breach, and Sam hung up). Not a stock phrase Sam
    happened to use ("don't worry about it", "to be honest"), and not the worker
    saying it of themself ("I'm on Alex's team" to "So you're on Alex's team")."""
    if _PARTNER_WORDS & set(said):
        return True
    return (len(said) >= MIN_REPORT_WORDS and said[0] not in _WORKER_WORDS
            and bool(_WORKER_WORDS & set(said[1:])))


def says_back(text: str, previous: str) -> bool:
    """True when the whole message only says the partner's words back: as one
    run ("If you know you can stop, it's easier to start.") or piece by piece
    ("You're tired. You don't see the point.")."""
    pieces = [p for p in PIECES.split(text) if p and p.strip()]
    return is_echo(text, previous) or (
        bool(pieces) and all(is_echo(p, previous) for p in pieces))


def _readings(core: str) -> list[list[str]]:
    """The worker's words as tokens; "ur" is "your" or "you are", so both are tried."""
    readings: list[list[str]] = [[]]
    for word in core.split():
        options = ["YOUR", "YOU be"] if word == "ur" else [word]
        readings = [r + _tokens(o, _WORKER) for r in readings for o in options][:8]
    return readings


#: The worker naming the partner as the source: "you said alex basically lives
#: at the gym now" passes on Sam's words, not Alex's (held-out set 47: read as a
#: breach, even right after Sam said it).
_QUOTING = re.compile(
    r"^(?:(?:so|ok|okay|right|yeah|and|like|as|earlier|before) )*"
    r"(?:(?:at the start|a (?:minute|moment|second|bit) ago|just now) )?"
    r"(?:you|u) (?:said|mentioned|told me)(?: earlier| before)?(?: that)? ")
#: A quote that itself reports speech ("you said Alex told you in therapy…")
#: passes on what someone said elsewhere; the worker's attribution proves nothing.
#: Mockery: "you said you have been trying yeah right" quotes to mock (reviews).
_MOCKERY = r"(?:yeah|yea|ya) right|as if|sure (?:you|u) (?:are|do|did|have|were|will|can)"
_REPORTS = re.compile(
    r"\b(?!(?:and|or|but|just|also|always|never|still|now|then)\b)\w+ "
    r"(?:said|says|told|tells|mentioned|mentions)\b"
    r"|\bin (?:[\w']+ )?(?:therapy|sessions?|counselling|one to ones?|appointments?)\b"
    rf"|\b(?:{_MOCKERY})\b")


#: What the worker says of a quote: agreement ("and honestly i agree", "ur so
#: right") or mockery ("…, yeah right") makes it the worker's own view, however
#: it opens. Only a piece that is nothing else: "I agree that must hurt" is
#: empathy (reviews).
_AGREEMENT = re.compile(
    r"^(?:(?:and|but|so|honestly|tbh|yeah|yes|i mean) )*"
    r"(?:i (?:totally |completely |fully |kind of |kinda )?agree|agreed|"
    r"(?:you are|ur|youre|you re) (?:so |totally |completely |dead )?right|so true|fair point|"
    rf"spot on|i think so too|{_MOCKERY})"
    r"(?: with (?:you|u|that|it|them))?(?: (?:tbh|honestly|totally|100|there|on that|lol))*$")


def _core(text: str) -> str:
    """The normalised words of ``text``, question marks dropped."""
    return normalise(text).replace("?", " ").strip()


def endorses(text: str) -> bool:
    """True when a piece of ``text`` only agrees or mocks: a quote beside it is
    then the worker's own view, no echo."""
    return any(_AGREEMENT.match(_core(piece))
               for piece in PIECES.split(text) if piece and piece.strip())


#: Where a quote joins two things the partner said ("alex has all this new
#: confidence and says no to things"); each must be the partner's.
_QUOTE_JOINERS = re.compile(r"\b(?:and|so|which|because|cos|cause|but|though|yeah|then|or)\b")
#: Words a quote's check leaves aside: they say nothing of what was quoted.
_COMMON = _FUNCTION | frozenset((
    "i", "we", "they", "he", "she", "them", "him", "her", "their", "just", "now", "then",
    "really", "all", "anymore", "any", "more", "much", "very", "too", "with", "for", "in",
    "on", "at", "from", "as", "by", "up", "out", "if", "when", "are", "am", "were", "YOU",
    "earlier", "before", "bit", "lot", "kind", "sort", "kinda", "sorta", "still", "also",
))
#: Share of each part of a quote the partner said, in order, in one statement.
QUOTE_COVERED = 0.75
#: A quote must keep the partner's "not": "you said you want to come" does not
#: quote "the less I want to come", nor "I don't want to come".
_NEGATING = frozenset(("not", "never", "no", "cannot", "nothing", "less"))


def _content(text: str) -> list[str]:
    return [w for w in _tokens(text, _WORKER) if w not in _COMMON or w in _NEGATING]


def _in_order(part: list[str], said: list[str]) -> int:
    """How many of ``part``'s words ``said`` has in the same order."""
    row = [0] * (len(said) + 1)
    for word in part:
        prev = 0
        for k, other in enumerate(said, 1):
            prev, row[k] = row[k], (prev + 1 if word == other else max(row[k], row[k - 1]))
    return row[-1]


def _covered(part: list[str], said: list[str]) -> bool:
    return (_in_order(part, said) >= QUOTE_COVERED * len(part)
            and set(part) & _NEGATING == set(said) & _NEGATING)


@lru_cache(maxsize=512)
def _said_clauses(line: str) -> tuple[tuple[str, ...], ...]:
    """The partner's clauses as content words, each read on its own so a "not"
    counts only where it was said ("I'm wiped out, and I don't want to talk");
    questions say nothing of the partner's own."""
    return tuple(tuple(words) for sentence in _SENTENCES.split(line.strip())
                 if not sentence.rstrip(" .…!\"'").endswith("?")
                 for piece in PIECES.split(sentence) if piece
                 for clause in _QUOTE_JOINERS.split(normalise(piece))
                 if (words := _content(clause)))


def names_the_partner(text: str) -> bool:
    """True when ``text`` opens "you said…", "earlier you told me…": what follows
    is offered as the partner's words, whichever rule accepts them."""
    return bool(_QUOTING.match(_core(text)))


def is_quote(text: str, lines: Sequence[str]) -> bool:
    """True when ``text`` (a piece of a message) opens by naming the partner as
    its source, "earlier you told me alex is never home anymore", and the
    partner did say it, in one of ``lines`` (their lines in this call).

    Sam's words from four turns back, said back, read as a breach (thirty-third
    play-test: openness 6 -> 3, and Sam accused the worker). The attribution
    alone proves nothing ("earlier you told me Alex is worried you'll leave"
    passes on what Alex said; review), so each part a joining word adds
    ("alex has all this new confidence | and says no to things") must be a
    clause of the partner's, most of its words in order and with any "not"
    kept. A quote that reports speech elsewhere, or mocks, never counts.
    """
    core = _core(text)
    quoted = _QUOTING.match(core)
    if not quoted or not lines:
        return False
    rest = core[quoted.end():]
    if len(rest.split()) < MIN_ECHO_WORDS or _REPORTS.search(rest):
        return False
    clauses = [said for line in lines for said in _said_clauses(line)]
    parts = [(len(part.split()), _content(part)) for part in _QUOTE_JOINERS.split(rest)]
    if sum(len(content) for _, content in parts) < 2:
        return False
    # A part of two words or fewer may say nothing ("you were | so tired"); a
    # longer one must be something the partner said, never only filler ("…so |
    # you will have to be there", third review).
    if any(size > 2 and not content for size, content in parts):
        return False
    return all(any(_covered(content, list(said)) for said in clauses)
               for _, content in parts if content)


def is_echo(text: str, previous: str) -> bool:
    """True when ``text`` (a message or a piece of one) says back, word for word,
    what the partner said about themself in ``previous``, from a clause's start;
    or anything the partner said, where the worker says "you said" first."""
    core = _core(text)
    quoted = _QUOTING.match(core)
    core = core[quoted.end():] if quoted else _LEAD_IN.sub("", core)
    statements = _statements(previous)
    for said in _readings(core):
        if len(said) < MIN_ECHO_WORDS or all(t in _FUNCTION for t in said) or (
                not quoted and not _about(said)):
            continue
        if any(_follows(said, tokens[start:])
               for tokens, starts in statements for start in starts):
            return True
    return False


#: Words of Sam's a reflection may leave out ("I don't see why I'm *suddenly*
#: involved"), at most this many; never a negation, which turns it round.
MAX_LEFT_OUT = 2
_NEGATIONS = frozenset(("not", "never", "no", "cannot", "nothing", "nobody", "none"))


def _follows(said: list[str], clause: list[str]) -> bool:
    """``said`` is ``clause``'s start, but for a few words of Sam's left out."""
    if not clause or clause[0] != said[0]:
        return False
    left_out, j = 0, 0
    for word in said:
        while j < len(clause) and clause[j] != word:
            if clause[j] in _NEGATIONS or left_out == MAX_LEFT_OUT:
                return False
            left_out += 1
            j += 1
        if j == len(clause):
            return False
        j += 1
    return True
