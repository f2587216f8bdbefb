"""Telling a bare "yes" or "no" apart from a message that says something.

Typed on a phone, a trainee often answers the partner's direct question with
one word: Sam asks "Could I stop after one if it's not for me?", the trainee
types "yes". The word alone carries no move; what it means depends on the
question, which the scenario's author declares (``say`` with ``yes_means``
and ``no_means`` on a line). Turning the question into the statement the answer stands for and
reading that was tried instead: of the first 17 answers the flagship declared,
it read 6 as declared and none of the 4 "no"s, since the sentence model
barely tells "you could stop after one" from "you couldn't".

Anything unsure is left to the model: a question back ("are you sure?"), and a
yes and a no in one message ("no, of course you can!" reassures).
"""

from __future__ import annotations

import re

#: Words that say yes (English and German, the bundled languages).
_YES = frozenset(str.split(
    "yes yeah yeh yep yup yea ya yah ye yh yess yesss sure surely course ofc absolutely "
    "definitely certainly totally indeed correct exactly right defo deffo def bet kinda "
    "sorta mostly probably deal "
    "ja jawohl jap jep jo klar natürlich naturlich sicher genau richtig absolut "
    "selbstverständlich freilich doch gerne gern logisch stimmt"
))
#: Words that say no. Contractions are listed rather than matched by their
#: ending, so no positive word ending in "nt" can ever turn a yes into a no.
_NO = frozenset(str.split(
    "no nope nah naw not never cannot can't cant couldn't couldnt won't wont wouldn't "
    "wouldnt don't dont doesn't doesnt didn't didnt isn't isnt aren't arent wasn't wasnt "
    "shouldn't shouldnt haven't havent "
    "nein nö nee ne nicht keineswegs niemals keinen"
))
#: Words that may stand beside them: fillers ("of", "thing", "please"), hedges,
#: and echoes of the question ("yes you can", "no it isn't").
_BESIDE = frozenset(str.split(
    "of that's thats for thing you please oh ok okay k kk alright at all way really "
    "necessarily a bit little "
    "i it we that this can could would will do does did is are am was were should have "
    "you'd i'd it's youd id its you'll i'll "
    "u ur us both gar wirklich unbedingt bitte du ich es das kannst kann darfst darf ist "
    "bist wäre würde wird tust"
))
#: Hedged answers spelled out first: "i think so" is a yes, "kind of" a kinda.
_PHRASES = (
    (re.compile(r"\b(?:i )?(?:think|guess|suppose|reckon) so\b"), "yes"),
    (re.compile(r"\b(?:kind|sort) of\b"), "kinda"),
    (re.compile(r"\bauf jeden fall\b"), "ja"),
    (re.compile(r"\bauf keinen fall\b"), "nein"),
)
#: A short echo of the question with none of the words above ("it is", "you can",
#: "i would") is a yes, but only where the line declares what a yes means.
_ECHO_VERBS = frozenset(str.split("is are am was were can could would will do does did should"))
MAX_ECHO_WORDS = 3
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
MAX_ANSWER_WORDS = 6


def bare_answer(text: str, *, echoes: bool = False) -> str | None:
    """'yes' or 'no' when the message is nothing but an answer, else None.

    With ``echoes``, a bare echo such as "it is" counts as a yes too.
    """
    if "?" in text:  # "are you sure?", "is that right?": a question back
        return None
    text = text.lower().replace("\u2019", "'")
    for pattern, plain in _PHRASES:
        text = pattern.sub(plain, text)
    words = _TOKEN.findall(text)
    allowed = _YES | _NO | _BESIDE
    if not words or len(words) > MAX_ANSWER_WORDS or any(w not in allowed for w in words):
        return None
    yes = [i for i, w in enumerate(words) if w in _YES]
    no = [i for i, w in enumerate(words) if w in _NO]
    if not no and not yes:
        echo = echoes and len(words) <= MAX_ECHO_WORDS and bool(_ECHO_VERBS & set(words))
        return "yes" if echo else None
    if not no:
        return "yes"
    if not yes:
        return "no"
    # Both: a no right after a yes word denies it ("of course not", "probably
    # not", "yeah no"); anything else ("no, of course you can", "not sure") is
    # for the model to read.
    return "no" if any(i + 1 in no for i in yes) else None
