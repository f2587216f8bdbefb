"""Telling a bare "yes" or "no" apart from a message that says something.

Typed on a phone, a trainee often answers the partner's direct question with
one word: Sam asks "Could I stop after one if it's not for me?", the trainee
types "yes". The word alone carries no move; what it means depends on the
question, which the scenario's author declares (``say``/``yes``/``no`` on a
line). Turning the question into the statement the answer stands for and
reading that was tried instead: of the first 17 answers the flagship declared,
it read 6 as declared and none of the 4 "no"s, since the sentence model
barely tells "you could stop after one" from "you couldn't".
"""

from __future__ import annotations

import re

#: Words that make up a bare answer, per language the bundled scenarios use.
#: A message qualifies when every word is one of these or echoes the question
#: ("yes you can"), in at most six words.
_YES = {
    "en": "yes yeah yeh yep yup yea ya yah ye yh yess yesss sure surely of course ofc "
          "absolutely definitely certainly totally indeed correct exactly right that's "
          "thats for sure thing you bet defo deffo def ok okay k kk alright please oh "
          "kinda sorta kind sort a bit little guess suppose probably mostly think so",
    "de": "ja jawohl jap jep jo klar natürlich naturlich sicher genau richtig absolut "
          "selbstverständlich freilich doch gerne gern na logisch auf jeden fall stimmt",
}
_NO = {
    "en": "no nope nah naw not at all never no way really necessarily of course",
    "de": "nein nö nee ne nicht keineswegs niemals gar auf keinen fall wirklich unbedingt "
          "natürlich naturlich",
}
#: Words that echo the question ("yes you can", "no it isn't"), allowed beside an answer.
_ECHO = (
    "you i it we that this can could would will do does did is are am was were should have "
    "you'd i'd it's that's youd id its you'll i'll cannot can't cant couldn't couldnt won't "
    "wont wouldn't wouldnt don't dont doesn't doesnt didn't didnt isn't isnt aren't arent "
    "wasn't wasnt shouldn't shouldnt haven't havent "
    "du ich es das kannst kann darfst darf ist bist wäre würde wird tust"
)
#: Any of these makes the answer a no ("of course not", "not really", "nope").
_NEGATIONS = frozenset(
    str.split("no nope nah naw not never cannot nein nö nee ne nicht keineswegs niemals keinen")
)
_WORDS = frozenset(" ".join([*_YES.values(), *_NO.values(), _ECHO]).split())
#: Words that carry a yes: "ok", "oh" or "please" alone answer nothing.
_CARRIERS = frozenset(str.split(
    "yes yeah yeh yep yup yea ya yah ye yh yess yesss sure surely course ofc absolutely "
    "definitely certainly totally indeed correct exactly right defo deffo def bet "
    "kinda sorta mostly probably "
    "ja jawohl jap jep jo klar natürlich naturlich sicher genau richtig absolut "
    "selbstverständlich freilich doch gerne gern logisch stimmt fall"
))
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
MAX_ANSWER_WORDS = 6


def bare_answer(text: str) -> str | None:
    """'yes' or 'no' when the message is nothing but an answer, else None."""
    words = _TOKEN.findall(text.lower().replace("\u2019", "'"))
    if not words or len(words) > MAX_ANSWER_WORDS or any(w not in _WORDS for w in words):
        return None
    if any(w in _NEGATIONS or w.endswith(("n't", "nt")) for w in words):  # "no you can't"
        return "no"
    return "yes" if any(w in _CARRIERS for w in words) else None
