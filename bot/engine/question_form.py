"""Whether a message asks something by its form, so the summary counts every question.

The skill reading gives one behaviour per message, and a move declared a
reflection keeps a message a reflection. A trainee who reflects and then asks
("so alex changing has been a lot. whats that been like") asked a question
too, and MI coding counts it: without this, the thirteenth play-test's
summaries read 2.0 and 4.0 reflections per question where the coder counted
0.7 and 1.3.

Phone typists leave out question marks, so a sentence without one counts only
when it is worded unmistakably as a question: a question word with a verb
("whats…", "how are…", "what do…") or a verb before its subject ("do u…",
"is it…"). "how hard that must be", "what a week" and "when alex started, it
changed" are reflections and clauses, not questions.
"""

from __future__ import annotations

import re

#: Openers that may come before the question ("so what…", "ok, how…", "yeah whats…").
#: Possessive (``*+``): the words cannot be shared out again when a match fails,
#: which made a long "and so and so…" take seconds (review).
_LEAD = (r"(?:(?:so|and|or|but|ok|okay|well|then|also|hey|hi|sam|yeah|yea|yes|oh|ah|right|"
         r"sure|mm|hmm|sorry|please)\b[\s,]*)*+")
_PRONOUN = r"you|u|ya|we|i|they|he|she|alex"
_SUBJECT = rf"{_PRONOUN}|it|that|this|there|anything|something"
#: With the phone spellings of "would", "could" and "should": "wud u be up for
#: one session?" counted no question (thirty-sixth play-test). Not "cd", also a
#: noun ("i left the cd u lent alex in the car"; review 43).
_WOULD = r"would|wud|wld"
_COULD = r"could|cud|cld"
_SHOULD = r"should|shud|shd|shld"
_AUX = rf"do|does|did|are|r|is|was|were|{_WOULD}|wd|{_COULD}|can|will|{_SHOULD}|shall|may|might"
#: "have it your way" is not a question; "have you…" is.
_INVERTED = rf"(?:{_AUX})\s+(?:{_SUBJECT})\b|(?:have|has)\s+(?:{_PRONOUN})\b"
#: "what" as phones type it too ("wat", "wot", "wht").
_WHAT = r"what|wat|wot|wht"
_WH = rf"{_WHAT}|how|why|when|where|who|which"
#: Question words with their verb fused on, asking whatever follows.
_WH_VERB = r"whats|what's|wats|hows|how's|whys|why's|wheres|where's|whens|when's|whos|who's"
#: "what you said makes sense" opens like a question but reports one.
_REPORTED = r"(?!\s+(?:you|u)\s+(?:said|say|says|mean|meant|described|just))"
#: After a verb that opens a "?"-sentence, a word that is no subject: "Would
#: feel like being ganged up on?", "Could be you're scared?" and "Was a lot to
#: take in?" are reflections said with a rising voice (review). Anything else
#: is read as the subject: "Would one session be worth a try?", "Are things
#: any better?", "Is now an ok time?" (a second review: a list of subjects
#: lost 23 held-out questions).
_NOT_A_SUBJECT = (r"feel|feeling|felt|be|been|being|seem|seems|seemed|sound|sounds|sounded|"
                  r"need|needs|want|wants|like|just|really|a\s+lot|kind\s+of|sort\s+of")
#: With a question mark, any question word or inversion opens a question
#: ("what a day?" aside: an exclamation), and so does a verb before any
#: subject: "Would one session be worth a try?" (thirtieth play-test: counted
#: as no question at all).
_ASKED = re.compile(
    rf"^{_LEAD}(?:(?P<wh>{_WH_VERB}|{_WH})\b{_REPORTED}(?!\s+an?\b)|{_INVERTED}"
    rf"|(?:{_AUX}|have|has|had)\s+(?!(?:{_NOT_A_SUBJECT})\b)[a-z])",
    re.IGNORECASE)
#: Without one, the question word needs its verb, and "which"/"who" (mostly
#: "which is understandable") count only with a question mark.
_WORDED = re.compile(
    rf"^{_LEAD}(?:(?P<wh>{_WH_VERB})\b|(?P<wh2>{_WHAT}|how|why|when|where)\s+"
    rf"(?:{_AUX}|have|has|about|come|else)\b|{_INVERTED})",
    re.IGNORECASE)
#: The same, inside a sentence typed without stops ("sounds like ur not sure why
#: im calling whats been on ur mind"), unless the word before makes it a clause
#: ("i know what would help", "i wonder how that felt").
_WITHIN = re.compile(
    rf"(?<![\w'])(?P<before>[\w']+)\s+(?:(?P<wh>{_WH_VERB})\b|(?P<wh2>{_WHAT}|how|why|when|"
    rf"where)\s+(?:{_AUX}|have|has)\b\s+(?:{_SUBJECT}|been)\b|(?:{_AUX})\s+(?:{_PRONOUN})\b|"
    # "does that make sense", "would it help"; not "the worry is that…" nor "do it online".
    rf"(?:does|did|{_WOULD}|wd|{_COULD}|can|will|{_SHOULD}|might)\s+"
    rf"(?:it|that|this|there)\b|"
    # "what makes it feel that way", "what would help": "what" asking as the subject
    # (nineteenth play-test: three such questions uncounted in one summary).
    rf"(?P<wh3>{_WHAT})\s+(?:would|could|might|will|can|makes|made|helps|helped|worries|"
    rf"bothers|gets)\b)",
    re.IGNORECASE)
_CLAUSE_BEFORE = frozenset({
    "know", "knew", "wonder", "wondering", "wondered", "see", "saw", "tell", "told", "ask",
    "asked", "understand", "about", "of", "for", "on", "at", "is", "was", "thats", "that's",
    "sure", "idea", "matter", "exactly", "hear", "heard", "explain", "show", "decide",
    "realise", "realize", "remember", "forget", "learn", "figure", "care", "be", "get", "got",
    "mean", "think", "guess", "imagine", "feel", "felt", "like", "than", "if", "whether",
    "to", "and", "or", "because", "cos", "coz", "bc", "where", "when", "what", "how", "why",
    "i", "you", "u", "we", "they", "it", "he", "she", "alex", "sam", "that", "this",
    "maybe", "perhaps", "probably", "just", "really", "not", "only", "even", "all",
    "out", "together", "knowing",
})
#: Question words that open a question rather than ask for one fact; MI coding
#: counts "when would suit you" as closed.
_OPEN = frozenset({"what", "whats", "what's", "wat", "wats", "wot", "wht", "how", "hows",
                   "how's", "why", "whys", "why's"})
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
#: Question words that also open a clause ("when Alex mentioned it, …").
_CLAUSAL = frozenset({"when", "where", "which", "who"})
#: What after "how" or "what" asks for one fact or a yes ("how many", "what
#: time", "how about one session?": an offer to accept), which MI coding counts as
#: closed (twenty-seventh play-test: "How about one session…?" was shown as open).
_FACT = {
    # "how about you tell me…" asks Sam to talk, openly (review).
    "how": re.compile(r"^\s*(?:many|much|long|often|old|far|soon|"
                      r"about(?!\s+(?:you|u)\s+(?:tell|say|share|walk|talk|describe)))\b",
                      re.IGNORECASE),
    "what": re.compile(r"^\s*(?:time|day|date|age|year)\b(?!-)", re.IGNORECASE),
}
#: "can I ask what it's been like", "could you tell me more about…": an open
#: question behind a polite yes/no frame, which MI coding counts as open (the
#: skill layer read "can i ask what it's been like at home" as closed in the
#: twenty-fourth play-test). Not "can you tell me if…", which asks for a yes.
_POLITE_OPEN = re.compile(
    rf"^{_LEAD}(?:(?:(?:can|{_COULD}|may|might)\s+(?:i|we)|"
    # "Is it alright if I ask what worries you most?" (thirty-second play-test).
    r"(?:is\s+it|would\s+it\s+be)\s+(?:ok(?:ay)?|alright|all\s+right)\s+if\s+(?:i|we))"
    r"\s+ask(?:ed)?(?:\s+(?:you|u))?"
    rf"(?:\s+(?:something|a question))?[\s,:]+(?:{_WHAT}|how|why)\b|"
    # "Is it possible that you tell me what…", "would you mind telling me how…":
    # a second-language trainee's frames (thirty-fourth play-test: one shown as
    # closed, the same question behind "can you tell me" as open).
    rf"(?:(?:can|{_COULD}|{_WOULD}|will)\s+(?:you|u)\s+(?:tell|say|share|describe|talk|walk|explain)|"
    # "talk" only before "about what/how/why": "Is it possible for you to talk
    # about it with Alex first?" asks for a yes (reviews).
    r"(?:is|would|wud)\s+it\s+(?:be\s+)?possible\s+(?:for\s+(?:you|u)\s+to|"
    r"(?:that\s+)?(?:you|u)(?:\s+(?:can|could|would))?)\s+(?:tell|say|share|describe|explain|"
    rf"talk(?=\s+about\s+(?:{_WHAT}|how|why)\b(?!\s+(?:long|many|much|often|old|far|soon|"
    r"time|day|date|age|year)\b(?!-)))))\b"
    r"(?:\s+(?:me|us))?(?:\s+(?:a\s+(?:bit|little)\s+)?more)?(?:\s+(?:me|us))?"
    rf"\s+(?:about|{_WHAT}|how|why|through)\b|"
    rf"(?:{_WOULD}|do)\s+(?:you|u)\s+mind\s+(?:telling|sharing|saying|describing|explaining)"
    r"(?:\s+(?:me|us))?(?:\s+(?:a\s+(?:bit|little)\s+)?more)?(?:\s+(?:me|us))?"
    rf"\s+(?:about|{_WHAT}|how|why)\b|"
    # "Could you tell me more?" (review: shown as closed once the wording decided).
    rf"(?:can|{_COULD}|{_WOULD}|will)\s+(?:you|u)\s+(?:tell|say|share)\s+(?:me\s+|us\s+)?"
    r"(?:a\s+(?:bit|little)\s+)?more(?:\s+(?:me|us))?[\s?!.]*$)"
    # "could you tell me how long…", "…what time your shift ends" ask for a
    # fact: closed (reviews).
    r"(?!\s+(?:long|many|much|often|old|far|soon|time|day|date|age|year)\b(?!-))",
    re.IGNORECASE)


#: "Should you decide to come, we can do evenings": a condition, not a question,
#: when it has no "?" (review 44: three such lines cut one ratio from 1.0 to 0.7).
_CONDITION = re.compile(
    rf"^{_LEAD}(?:{_SHOULD})\s+(?:you|u)\s+(?:ever\s+)?(?:decide|change|have|need|"
    r"want|wish|prefer|find|feel|get|fancy)\b", re.IGNORECASE)


def _asks(sentence: str) -> re.Match[str] | None:
    """How ``sentence`` (or, after a comma, its last clause) opens as a question."""
    if sentence.endswith((".", "!")):
        return None
    if not sentence.endswith("?") and _CONDITION.match(sentence):
        return None
    pattern = _ASKED if sentence.endswith("?") else _WORDED
    return pattern.match(sentence) or None


def _sentences(text: str) -> list[str]:
    """The sentences of ``text`` that hold more than stops and commas."""
    sentences = [m.group().strip() for m in _SENTENCE.finditer(text)]
    return [s for s in sentences if s.strip(".!?, ")]


def _asking(text: str) -> tuple[int, list[re.Match[str]], bool]:
    """How many sentences, the matches of those worded as a question, and whether a
    question also sits after a comma ("…a lot, whats that like")."""
    sentences = _sentences(text)
    asking: list[re.Match[str]] = []
    tail = False
    for sentence in sentences:
        if (match := _asks(sentence)) is not None:
            # "When Alex first mentioned it, what went through your mind?" opens
            # with a clause, not a question word: the question is after the comma
            # (twenty-ninth play-test: shown as a closed question).
            clause = sentence.rsplit(",", 1)[1].strip() if "," in sentence else ""
            if (match.groupdict().get("wh") or "").lower() in _CLAUSAL and clause:
                match = _asks(clause) or match
            asking.append(match)
            continue
        # After a comma ("…a lot, whats that like") or inside a run-on sentence.
        clause = sentence.rsplit(",", 1)[1].strip() if "," in sentence else ""
        inner = _asks(clause) if clause else None
        if inner is None and not sentence.endswith((".", "!")):
            inner = _within(sentence)
        if inner is not None:
            asking.append(inner)
            tail = True
    return len(sentences), asking, tail


def _within(sentence: str) -> re.Match[str] | None:
    """A question that starts inside a run-on sentence, after a word that ends a thought."""
    for match in _WITHIN.finditer(sentence):
        if match.group("before").lower() not in _CLAUSE_BEFORE:
            return match
    return None


def read_question(text: str) -> tuple[str, str] | None:
    """("whole" or "part", "open_question" or "closed_question"), or None.

    "whole" when every sentence is worded as a question, "part" when some are;
    the kind is that of the first one. A statement with a question mark ("So
    you feel left out?") is a reflection said with a rising voice, and MI
    coding keeps it one.
    """
    count, asking, tail = _asking(text)
    if not asking:
        return None
    form = "whole" if len(asking) == count and not tail else "part"
    first = asking[0]
    named = next((g for g in ("wh", "wh2", "wh3") if first.groupdict().get(g)), None)
    wh = first.group(named) if named else ""
    fact = _FACT.get("what" if re.fullmatch(_WHAT, wh, re.IGNORECASE) else wh.lower())
    # What follows the question word itself ("how| about one session"), not the
    # match: the pattern without a "?" takes "about" in (review).
    asks_fact = fact is not None and named is not None and fact.match(
        first.string[first.end(named):])
    kind = "open_question" if wh.lower() in _OPEN and not asks_fact else "closed_question"
    return form, kind


def asks_openly(text: str) -> bool:
    """Whether the first question of ``text`` is an open one in a polite frame
    ("can I ask what it's been like?", "could you tell me more about that"):
    the kind ``read_question`` gives is the first question's, so a later "Would
    you come on Tuesday?" stays closed (review)."""
    for sentence in _sentences(text):
        if _POLITE_OPEN.match(sentence):
            return True
        if _asks(sentence) is not None:
            return False
    return False


def question_form(text: str) -> str | None:
    """"whole", "part" or None: how much of ``text`` is worded as questions."""
    read = read_question(text)
    return read[0] if read else None


#: A question that only checks how the rest landed ("How does that sound?",
#: "what do you think?"): it asks about the offer or explanation beside it.
_CHECK_IN = re.compile(
    # "Can I check how that lands with you?" (thirty-first play-test: not understood).
    rf"^{_LEAD}(?:(?:can|{_COULD}|may)\s+i\s+(?:just\s+)?(?:check|ask)\s+)?"
    r"(?:how\s+(?:does|would|do|did)\s+(?:that|this|it)\s+(?:sound|be|seem|feel|land)|"
    r"how\s+(?:that|this|it)\s+(?:sounds|lands|feels|sits|seems)|"
    rf"hows\s+that|how's\s+that|how\s+is\s+that|(?:{_WHAT})\s+do\s+(?:you|u)\s+(?:think|reckon)|"
    rf"(?:{_WHAT})\s+do\s+(?:you|u)\s+make\s+of\s+(?:that|this|it)|"
    rf"(?:does|{_WOULD}|wd|{_COULD})\s+(?:that|this|it)\s+(?:work|suit|make\s+sense|"
    r"be\s+(?:ok(?:ay)?|alright|all\s+right))|"
    # "Is that ok?", "is that alright with you?" (review).
    rf"(?:is|{_WOULD})\s+(?:that|this|it)\s+(?:be\s+)?(?:ok(?:ay)?|alright|all\s+right)|"
    r"(?:any\s+)?thoughts)"
    r"(?:\s+(?:for|to|with)\s+(?:you|u|you\s+both|both\s+of\s+you|the\s+two\s+of\s+you))?"
    r"(?:\s+(?:at\s+all|then|sam))?[\s?!.]*$",
    re.IGNORECASE)


def only_checks_in(text: str) -> bool:
    """Whether every question in ``text`` just checks how the rest landed, or
    closes a yes/no offer with a check-in, and something else was said: "One
    session, then you decide. How would that be?" asks about the offer, so the
    partner should answer the offer (twenty-eighth play-test: Sam answered "How
    would that be?" with how things are at home)."""
    parts = []
    for sentence in _sentences(text):
        # "one session, how does that sound?": the check-in after a comma (review).
        head, _, tail = sentence.rpartition(",")
        if head.strip() and _CHECK_IN.match(tail.strip()):
            parts += [head, tail.strip()]
        else:
            parts.append(sentence)
    asking = [x for x in parts if _asks(x) is not None or _CHECK_IN.match(x)]
    checks = [x for x in asking if _CHECK_IN.match(x)]
    others = [x for x in asking if not _CHECK_IN.match(x)]
    # "wud u come to one session? how does that sound?": a yes/no offer before a
    # closing check-in is what the check-in asks about (review 44: Sam answered
    # the check-in as a question about home).
    offers = bool(others) and bool(_CHECK_IN.match(parts[-1])) and all(
        (read := read_question(x)) is not None and read[1] == "closed_question"
        for x in others)
    return bool(checks) and len(checks) < len(parts) and (not others or offers)


def only_a_check_in(text: str) -> bool:
    """Whether the message is nothing but a check-in ("Can I check how that lands
    with you?"): it asks the partner's view of what was just said."""
    sentences = _sentences(text)
    return bool(sentences) and all(_CHECK_IN.match(s) for s in sentences)


# -- asking permission -------------------------------------------------------
# MI counts asking permission ("Would it help if I explained how a session
# works?", "Can I ask you something?") as seeking collaboration, and a partner
# answers it with a yes or a no, not with what would make a session fair. The
# flagship's partner answered "Would it help to hear what a session would
# actually look like?" with "Honestly, the everyday stuff. How we end up
# bickering…" (twenty-eighth play-test); a scenario's ``permission`` lines
# answer it instead.


#: "would it help if I explained", "can I tell you", "do you want me to run
#: through", "would you like to hear": a request to say or ask something next.
_ASKING_LEAVE = re.compile(
    rf"^{_LEAD}(?:"
    # "Can I ask you something?" asks leave only when nothing follows the ask;
    # "can i just ask, how are things at home?" is the question itself (review).
    rf"(?:can|{_COULD}|may|might)\s+(?:i|we)\s+(?:just\s+)?ask(?:\s+(?:you|u))?"
    r"(?:\s+(?:something|sth|a\s+(?:quick\s+)?question|one\s+thing))?[\s?!.]*$|"
    r"(?:"
    rf"(?:{_WOULD}|wd|will|{_COULD}|might)\s+it\s+help\s+(?:if\s+(?:i|we)|to)|"
    # Not "could I have said something that upset you?" (review).
    rf"(?:can|{_COULD}|may|might)\s+(?:i|we)(?!\s+have\b)|"
    rf"(?:is\s+it|(?:{_WOULD})\s+it\s+be)\s+(?:ok|okay|alright|all\s+right)\s+(?:if\s+(?:i|we)|to)|"
    rf"(?:do|{_WOULD})\s+(?:you|u)\s+mind\s+if\s+(?:i|we)|"
    # "would you like me to explain…", "would you like to hear…"; not "would you
    # like to tell me more?", which asks Sam to talk (review).
    rf"(?:{_WOULD}|do|wd)\s+(?:you|u)\s+(?:like|want)\s+(?:me\s+to|to\s+(?:hear|know))|"
    r"(?:want|shall)\s+(?:me\s+to|i)"
    r")\s+(?:\w+\s+){0,2}?"
    # Not "suggest" or "check": "Can I suggest we try one session?" is an offer,
    # "Can I check, are you free?" a question (review).
    # Past forms after "would it help if I…": "if I told you how it goes"
    # (thirtieth play-test: answered as if Sam had been asked a question).
    r"(?:tell|told|explain|say|said|share|run\s+(?:you\s+)?through|ran\s+(?:you\s+)?through|"
    r"walk(?:ed)?\s+(?:you\s+)?through|talk(?:ed)?\s+(?:you\s+)?through|describe|give|gave|"
    r"go\s+over|went\s+over|outline|hear|know|show|mention|put)\w*\b)",
    re.IGNORECASE)


def asks_permission(text: str) -> bool:
    """Whether every question in ``text`` asks leave to tell or ask something, and
    there is one ("Would it help if I explained how it works?"; "Sorry to jump
    in. Can I ask you something?")."""
    sentences = _sentences(text)
    if not sentences:
        return False
    *before, last = sentences
    # "Can I ask what it's been like?" is the question itself, not leave to ask it.
    return (bool(_ASKING_LEAVE.match(last)) and not asks_openly(last)
            and not any(s.endswith("?") for s in before))
