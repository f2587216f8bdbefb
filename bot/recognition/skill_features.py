"""Lexical features for the micro-skill classifier, shared by training and run time.

One implementation serves both sides so the shipped parameters see exactly the
features they were fitted on. Nothing here needs the sentence model: with these
alone the classifier still works (the lexical fallback), only less accurately.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

_BRACKETS = re.compile(r"\[[^\]]*\]")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
_SPACES = re.compile(r"\s+")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[?!]")
_SENT = re.compile(r"(?<=[.?!])\s+")
_TAG_Q = re.compile(r"\b(right|yeah|okay|ok|correct|isn't it|is it|no)\s*\?\s*$")


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


WH = _words("what how why when where who whom whose which")
AUX = _words(
    "is are am was were do does did can could would will have has had should shall may "
    "might must isn't aren't wasn't weren't don't doesn't didn't can't couldn't wouldn't "
    "won't haven't hasn't shouldn't"
)
FILLERS = _words(
    "okay ok alright all right um uh uhm hmm mm mhm mm-hmm uh-huh yeah yes yep so well "
    "and oh ah right sure great good now"
)
SECOND = _words("you you're your yours yourself you've you'd you'll ya")
FIRST = _words("i i'm me my mine myself i've i'd i'll")
WE = _words("we we're our us ours let's we've we'll we'd")
STOP = _words(
    "a an the and or but so to of in on at for with about as is are was were be been "
    "it it's that this these those there here then than if i you he she they we me my "
    "your his her their our them him us do does did have has had not no yes yeah okay ok "
    "um uh like just really very what how why when where who which can could would will "
    "i'm you're it's that's don't know think get got go going mm hmm right well"
)

#: (name, phrases) cue groups; each becomes a count feature (phrase hits in the text).
CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("refl_lead", ("sounds like", "it sounds", "seems like", "it seems", "you seem", "it feels",
                   "what i'm hearing", "i'm hearing", "i hear", "you're saying", "you said",
                   "you mentioned", "you told me", "so you", "so it's", "so for you")),
    ("refl_feel", ("you feel", "you're feeling", "you felt", "you're worried", "you're scared",
                   "you're afraid", "you're not sure", "you want", "you don't want", "you'd like",
                   "you wish", "you think", "you're thinking", "part of you", "on the one hand",
                   "on the other hand", "you really", "you've been", "you're")),
    ("advice", ("you should", "you need to", "you have to", "you must", "you ought", "i suggest",
                "i'd suggest", "i recommend", "i'd recommend", "i would recommend", "try to",
                "make sure", "it's important that", "i want you to", "why don't you",
                "you could try", "you might try", "my advice")),
    ("info", ("research", "studies", "study", "evidence", "guidelines", "percent", "doctors",
              "risk", "the way it works", "what happens is", "typically", "usually people",
              "a lot of people", "many people", "most people", "some people")),
    ("permission", ("is it okay if", "is it ok if", "would it be okay", "would it be ok",
                    "would it be alright", "may i", "can i share", "could i share",
                    "do you mind if", "would you like me to", "would you like to hear",
                    "if you'd like", "if you want", "with your permission", "mind if i",
                    "would that be okay")),
    ("autonomy", ("up to you", "your choice", "your decision", "you decide", "your call",
                  "you're the one who", "you're the expert", "you know yourself", "no one can make",
                  "nobody can make", "it's yours", "your life", "in charge", "whatever you decide",
                  "you get to", "your own")),
    ("collab", ("we could", "we can", "let's", "together", "what do you think",
                "how does that sound", "what would you like", "where would you like",
                "would you like to",
                "what's your sense", "your ideas", "work out", "figure out")),
    ("affirm", ("great job", "good job", "well done", "appreciate", "thank you for", "thanks for",
                "proud", "impressive", "courage", "brave", "strength", "strong", "commitment",
                "committed", "good for you", "that took", "it takes", "really care", "you care",
                "you've done", "you managed", "you did")),
    ("confront", ("denial", "excuse", "excuses", "you always", "you never", "your fault",
                  "you're just", "come on", "be honest", "the truth is", "admit", "face it",
                  "wake up", "obviously", "clearly you", "you're not listening",
                  "i just told you")),
    ("open_lead", ("tell me", "describe", "walk me through", "help me understand", "what else",
                   "anything else", "say more", "how come", "in what way", "what about")),
    ("greeting", ("hi", "hello", "thank you", "thanks", "bye", "see you", "nice to meet",
                  "welcome", "good morning", "take care")),
)

#: Names of the dense cue features, in order (the model file records them too).
CUE_NAMES: tuple[str, ...] = (
    "has_q", "ends_q", "n_q", "last_q", "last_wh", "last_aux", "first_wh", "first_aux",
    "any_wh_q", "len_log", "n_sents", "only_fillers", "short", "second", "first", "we",
    "digits", "prev_empty", "prev_q", "prev_len_log", "prev_wh", "overlap_jacc",
    "overlap_frac", "overlap_bigram", "starts_filler", "ends_dash", "starts_dash",
    "q_wh", "q_aux", "q_or", "q_tag",
    *(f"cue_{name}" for name, _ in CUES),
)


#: Phone shorthand, spelled out so a texter's words meet AnnoMI's: "wat wd u need"
#: read as "other" until it became "what would you need". Only words that are
#: shorthand wherever they stand alone (not "y", "2" or "id").
TEXTSPEAK: dict[str, str] = {
    "u": "you", "ya": "you", "ur": "your", "r": "are", "wat": "what", "wot": "what",
    "wht": "what", "wd": "would", "wud": "would", "cd": "could", "cud": "could",
    "shd": "should", "abt": "about", "bc": "because", "cuz": "because", "coz": "because",
    "rly": "really", "tbh": "to be honest", "ngl": "not gonna lie", "idk": "i don't know",
    "im": "i'm", "ive": "i've", "youre": "you're", "dont": "don't", "doesnt": "doesn't",
    "didnt": "didn't", "cant": "can't", "wont": "won't", "isnt": "isn't", "thats": "that's",
    "whats": "what's", "hows": "how's", "theres": "there's", "pls": "please",
    "plz": "please", "thx": "thanks", "thnx": "thanks", "ty": "thank you", "k": "okay",
    "n": "and", "w": "with", "b4": "before", "smth": "something", "sth": "something",
    "ppl": "people", "convo": "conversation", "sesh": "session",
}
_SHORTHAND = re.compile(
    r"(?<![\w'&.-])(" + "|".join(map(re.escape, TEXTSPEAK)) + r")(?![\w'&-]|\.\w)")


def clean(text: str | None) -> str:
    """Lower-case, unify quotes, drop transcript tags like [chuckles], spell out
    phone shorthand; the one normaliser."""
    if not text:
        return ""
    text = _BRACKETS.sub(" ", text.translate(_QUOTES))
    text = _SPACES.sub(" ", text).strip().lower()
    return _SHORTHAND.sub(lambda m: TEXTSPEAK[m.group(1)], text)


def tokens(cleaned: str) -> list[str]:
    """Word tokens plus ? and ! (which carry the speech act)."""
    return _TOKEN.findall(cleaned)


def sentences(cleaned: str) -> list[str]:
    """Sentence split on terminal punctuation; enough for short chat turns."""
    parts = [s.strip(" -") for s in _SENT.split(cleaned)]
    return [p for p in parts if p] or [cleaned]


def _core(toks: list[str]) -> list[str]:
    """Tokens with leading fillers removed ("okay, um, so what..." -> "what...")."""
    i = 0
    while i < len(toks) - 1 and toks[i] in FILLERS:
        i += 1
    return toks[i:]


def _ngrams(toks: list[str], prefix: str, n_max: int) -> Iterable[str]:
    padded = ["<s>", *toks, "</s>"]
    for n in range(1, n_max + 1):
        for i in range(len(padded) - n + 1):
            gram = padded[i : i + n]
            if n == 1 and gram[0] in ("<s>", "</s>"):
                continue
            yield prefix + " ".join(gram)


def _char_grams(cleaned: str, lo: int = 2, hi: int = 5) -> Iterable[str]:
    """Character n-grams within padded words (like scikit-learn's char_wb)."""
    for word in cleaned.split():
        w = f" {word} "
        for n in range(lo, hi + 1):
            if n > len(w):
                break
            for i in range(len(w) - n + 1):
                yield "c:" + w[i : i + n]


def term_counts(text: str, previous: str | None) -> dict[str, Counter[str]]:
    """Sparse term counts per block ('w' words, 'c' chars, 'p' context)."""
    cleaned = clean(text)
    toks = tokens(cleaned)
    sents = sentences(cleaned)
    last = tokens(sents[-1])
    core = _core(toks)
    words: Counter[str] = Counter(_ngrams(toks, "", 3))
    words.update(_ngrams(last, "L:", 2))
    words.update("F:" + " ".join(core[:k]) for k in (1, 2, 3) if len(core) >= k)
    chars: Counter[str] = Counter(_char_grams(cleaned))
    ptoks = tokens(clean(previous))
    ctx: Counter[str] = Counter()
    if not ptoks:
        ctx["P:<empty>"] += 1
    else:
        ctx["P:F:" + ptoks[0]] += 1
        ctx["P:L:" + ptoks[-1]] += 1
        # dict, not set: a fixed order keeps sums (and so training) byte-reproducible
        ctx.update("P:" + t for t in dict.fromkeys(ptoks) if t not in STOP)
    return {"w": words, "c": chars, "p": ctx}


def _content(toks: list[str]) -> list[str]:
    return [t for t in toks if t not in STOP and t not in ("?", "!") and len(t) > 2]


def _phrase_hits(padded: str, phrases: tuple[str, ...]) -> int:
    return sum(padded.count(f" {p} ") for p in phrases)


def cue_features(text: str, previous: str | None) -> list[float]:
    """Hand-made cues, aligned with CUE_NAMES; cheap and readable when debugging."""
    cleaned = clean(text)
    toks = tokens(cleaned)
    words = [t for t in toks if t not in ("?", "!")]
    sents = sentences(cleaned)
    last = _core(tokens(sents[-1]))
    core = _core(toks)
    prev_clean = clean(previous)
    ptoks = tokens(prev_clean)
    n = max(len(words), 1)
    sentence_starts = [_core(tokens(s))[:1] for s in sents]
    any_wh_q = any(
        s.endswith("?") and st and st[0] in WH | AUX
        for s, st in zip(sents, sentence_starts, strict=True)
    )
    q_starts = [st[0] for s, st in zip(sents, sentence_starts, strict=True) if "?" in s and st]
    q_sents = [s for s in sents if "?" in s]
    content = set(_content(toks))
    pcontent = set(_content(ptoks))
    shared = content & pcontent
    bigrams = {tuple(words[i : i + 2]) for i in range(len(words) - 1)}
    pwords = [t for t in ptoks if t not in ("?", "!")]
    pbigrams = {tuple(pwords[i : i + 2]) for i in range(len(pwords) - 1)}
    padded = " " + " ".join(t for t in toks if t not in ("?", "!")) + " "
    feats = [
        float("?" in cleaned),
        float(cleaned.rstrip(" -.").endswith("?")),
        min(cleaned.count("?"), 3) / 3.0,
        float(sents[-1].rstrip(" -").endswith("?")),
        float(bool(last) and last[0] in WH),
        float(bool(last) and last[0] in AUX),
        float(bool(core) and core[0] in WH),
        float(bool(core) and core[0] in AUX),
        float(any_wh_q),
        math.log1p(len(words)) / 4.0,
        min(len(sents), 6) / 6.0,
        float(bool(words) and all(w in FILLERS or w in ("hmm", "mm") for w in words)),
        float(len(words) <= 3),
        sum(w in SECOND for w in words) / n * 4,
        sum(w in FIRST for w in words) / n * 4,
        sum(w in WE for w in words) / n * 4,
        float(any(ch.isdigit() for ch in cleaned)),
        float(not ptoks),
        float("?" in prev_clean),
        math.log1p(len(pwords)) / 4.0,
        float(bool(ptoks) and ptoks[0] in WH | AUX and "?" in prev_clean),
        len(shared) / max(len(content | pcontent), 1),
        len(shared) / max(len(content), 1),
        min(len(bigrams & pbigrams), 5) / 5.0,
        float(bool(words) and words[0] in FILLERS),
        float(text.rstrip().endswith(("-", "—", "–"))),
        float(text.lstrip().startswith(("-", "—", "–"))),
        float(any(w in WH for w in q_starts)),
        float(any(w in AUX for w in q_starts)),
        float(any(" or " in s for s in q_sents)),
        float(bool(_TAG_Q.search(cleaned))),
    ]
    feats.extend(min(_phrase_hits(padded, phrases), 3) / 3.0 for _, phrases in CUES)
    return feats
