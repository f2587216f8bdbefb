"""Cutting a trainee's message into the clauses the move layer reads on their own.

A poor move hidden in a kind message ("I hear you, but honestly you need to
come") is only seen if its clause is read alone. Messages are cut at sentence
punctuation, "but"-like words, dashes, line breaks, conditions that take a
choice back, capitalised sentence starters after a missing full stop, and, in
a lower-case run of words with no punctuation, where ``sentence_breaks``
expects a sentence to end.
"""

from __future__ import annotations

import re

from bot.recognition.sentence_breaks import runon_sentences

#: Clauses shorter than this many words are not read on their own.
MIN_CLAUSE_WORDS = 3
#: Words that start a new sentence when they come capitalised after a
#: lower-case word, as in "Alex is trying The question is whether you are":
#: typed on a phone, the full stop is often left out but the capital kept. A
#: closed list rather than any capital, because mid-sentence capitals are
#: nearly always names ("you and Alex", "on Tuesday") and "I". Without the full
#: stops of sets 15-27, poor-move recall fell from 0.981 to 0.973; with this
#: split 0.977, and not one reading of the sets as written changed. (The
#: prepositions and short replies at the end came from a play-test: "it's
#: wearing you down In a joint session you'd..."; sets 15-29 as written again
#: unchanged, and without full stops five more second moves found.)
_STARTER_WORDS = (
    "You You're You've You'd You'll Your Youre We We're We'd We'll Let's Lets It It's Its "
    "That That's Thats This There There's Theres They They're Their He She His Her My Our "
    "What What's Whats How How's Why When Where Who Would Could Can Do Does Did Is Are Was "
    "Were Will Shall Should Maybe Perhaps So And But Or If Let Please Thanks Thank Sorry "
    "Honestly Also Then Now Just Not No Yes Yeah Ok Okay OK Sounds Seems Take Whatever Only "
    "Even Still Everyone Nobody Anyway Any Some Most Many Lots Both Each Every All The A "
    "Sessions Couples Whenever Wherever However Whichever Either Neither Nothing Something "
    "Anything Everything One Mate Look Listen Come Think Tell Might Must Have Has Had Don't "
    "Dont Doesn't Didn't Isn't Aren't Wasn't Won't Can't Cant Wouldn't Couldn't Shouldn't "
    "In At On For With After Before From Since Because Once Until Good Great Exactly Right "
    "Sure Totally Absolutely Well Oh Ah Alright Fine Cool"
)
SENTENCE_STARTERS = tuple(_STARTER_WORDS.split())
#: Runs of spaces, said once before splitting: on "Thanks," and 1,500 spaces the
#: pattern below took 10.7 s, holding the interpreter for every trainee (review).
_SPACE_RUN = re.compile(r"[^\S\n]{2,}")
_CLAUSE_SPLIT = re.compile(
    r"(?<=[.!?;])\s+|\s*[,;:–—-]?\s+(?:but|though|although|however|just)\s+|\s+[-–—]\s+"
    r"|\s*\n\s*"  # a line break ends a sentence too
    # A condition that takes back the choice just offered ("it's your choice,
    # as long as you choose to come"): read alone, it is pressure. Not one
    # reading of held-out sets 15-27 or of the retired writers changed.
    r"|\s*,?\s+(?=(?:as long as|so long as|provided|providing|on condition that|only if"
    r"|only once|only after)\b)"
    r"|(?<=[a-z0-9,)])\s+(?=(?:"  # phones type the apostrophe curly as often as straight
    + "|".join(re.escape(w).replace("'", "['\u2019]") for w in SENTENCE_STARTERS) + r")\b)"
)


#: A greeting too short to be a clause: "Hello Sam." before "I'm calling because
#: Alex's treatment plan now includes a systemic component" left one clause,
#: so the message was read only whole, and the greeting outweighed the jargon
#: (play-test 39). Any short piece was tried: of sets 15-51's 12,520 messages
#: 12 readings changed, five for the better and seven not ("Well done." cut
#: off "Even being willing to think about it is a big deal" read it as
#: dismissing); a greeting alone changed one, adding sympathy to "hiya again.
#: hope the drive home wasnt too grim".
_GREETING = re.compile(
    r"^(?:(?:hi+|hello|hey+|hiya|heya|hallo|moin)(?:\W+\w+)?"
    # "Evening shifts?" is no greeting: after these, a name or a word of address.
    r"|(?:good |guten )?(?:morning|afternoon|evening|morgen|tag|abend)"
    r"(?:\W+(?:(?-i:[A-Z])\w*|all|there|again|everyone))?)\W*$", re.IGNORECASE)


def _pieces(sentences: list[str]) -> list[str]:
    """Every piece the sentences are cut into, short ones too."""
    return [p.strip() for sentence in sentences
            for p in _CLAUSE_SPLIT.split(sentence) if p and p.strip()]


def _long_parts(pieces: list[str]) -> list[str]:
    """The clauses long enough to read alone: two or more, or one that only
    greetings were cut off, before or after it ("Hello Sam. I'm calling because…";
    the greeting's one other word may be any partner's name)."""
    parts = _pieces(pieces)
    long = [p for p in parts if len(p.split()) >= MIN_CLAUSE_WORDS]
    short = [p for p in parts if len(p.split()) < MIN_CLAUSE_WORDS]
    if len(long) == 1 and short and all(_GREETING.match(p) for p in short):
        return long
    return long if len(long) > 1 else []


def split_clauses(text: str) -> tuple[list[str], bool]:
    """The message, then its clauses long enough to carry a move on their own.

    Also whether the cuts were guessed: a message typed without full stops is
    cut where ``sentence_breaks`` expects a sentence to end.
    """
    # A message typed without full stops is cut into its sentences first, then
    # at "but" inside them: cut at "just" alone, "hi sam thx for replying in a
    # session i just help u both talk and ... also alex told me last week
    # theyve been thinking about moving out" kept the breach inside a
    # half-message, never read as a sentence (held-out set 41).
    text = _SPACE_RUN.sub(" ", text)  # see _SPACE_RUN
    sentences = runon_sentences(text)
    long_parts = _long_parts(sentences) if len(sentences) > 1 else []
    if long_parts:
        return [text, *long_parts], True
    long_parts = _long_parts([text])
    if long_parts:
        return [text, *long_parts], False
    return [text], False


def leading_greeting(text: str) -> str | None:
    """The greeting a message opens with, too short to be a clause ("Hi Sam!"),
    if it opens with one and goes on.

    The move layer judges a clause's unhelpful move by the whole message's
    support for it, and a greeting takes much of the whole's reading: "Hello
    Sam. What worries you most? You have to come though." lost its pressure
    (0.97 read alone) to a whole read 0.61 greeting, 0.02 pressure.
    """
    pieces = _pieces(runon_sentences(_SPACE_RUN.sub(" ", text)))
    first = pieces[0] if len(pieces) > 1 else ""
    return first if len(first.split()) < MIN_CLAUSE_WORDS and _GREETING.match(first) else None


#: What ends a sentence for ``whole_sentences``.
_SENTENCE_END = ".!?;\n"


def whole_sentences(text: str, parts: list[str], guessed: bool) -> list[int]:
    """Which of the clauses (``split_clauses(text)[0][1:]``, counted from 1) are
    whole sentences, not pieces cut at "but" or "just" inside one.

    A piece needs its sentence to be understood ("Alex has talked about lots of
    things with me" | "but I can't share any of it"); a whole sentence does not.
    """
    if guessed:
        sentences = {s.strip() for s in runon_sentences(text)}
        return [i for i, part in enumerate(parts, 1) if part.strip() in sentences]
    out = []
    cursor = 0
    for i, part in enumerate(parts, 1):
        at = text.find(part, cursor)
        if at < 0:
            continue
        cursor = at + len(part)
        before = text[:at].rstrip()
        after = text[cursor:].lstrip()
        starts = not before or before[-1] in _SENTENCE_END
        ends = part.rstrip()[-1:] in _SENTENCE_END or not after or after[0] in _SENTENCE_END
        if starts and ends:
            out.append(i)
    return out


def clauses(text: str) -> list[str]:
    """The message, then its clauses that are long enough to carry a move on their own."""
    return split_clauses(text)[0]
