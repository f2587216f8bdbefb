"""Which counselling micro-skills a trainee's message shows, at run time.

``classify_skills(text, previous)`` gives one main behaviour (question,
reflection, input, other) and every micro-skill that applies, best first. It
uses the shared sentence embedder when installed and the lexical model
otherwise. Each guess carries the skill's cross-validated reliability so the
feedback layer can hedge ("this reads like a reflection") where the model is
weak. Pure numpy at inference: parameters are loaded once from the checksummed
``data/skills_model.npz``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from bot.recognition.embedding import get_embedder
from bot.recognition.skill_model import (
    BEHAVIOURS,
    HEADS,
    OWN_SKILLS,
    SkillParams,
    WordFeatures,
    load_params,
)

Behaviour = Literal["question", "reflection", "input", "other"]

#: A skill is reported at or above this confidence.
THRESHOLD = 0.5
#: Below this cross-validated F1 a skill is "weak": phrase feedback tentatively.
RELIABLE_F1 = 0.75
#: Below this confidence a guess is hedged even for a strong skill.
SURE = 0.65

_COL = {h: i for i, h in enumerate(HEADS)}


@dataclass(frozen=True)
class SkillGuess:
    """One micro-skill, its confidence and how far its kind of guess can be trusted."""

    id: str
    confidence: float
    #: Cross-validated F1 for this skill (1.0 if unknown); see skills_model.json.
    reliability: float = 1.0

    @property
    def hedge(self) -> bool:
        """True when feedback should say "this reads like ..." rather than "this is ..."."""
        return self.reliability < RELIABLE_F1 or self.confidence < SURE


@dataclass(frozen=True)
class SkillReading:
    """The classifier's view of one message."""

    behaviour: Behaviour
    behaviour_confidence: float
    skills: list[SkillGuess] = field(default_factory=list)
    #: "sentence" with the embedding model, "lexical" in the fallback.
    model: Literal["sentence", "lexical"] = "sentence"
    #: The model's odds that a reflection here is complex rather than simple, so
    #: the bot can weigh them against the partner's words said back (said_back.py).
    complex_odds: float | None = None

    @property
    def hedge(self) -> bool:
        """True when the main behaviour itself is uncertain."""
        return self.behaviour_confidence < SURE

    @property
    def tentative(self) -> frozenset[str]:
        """Ids of the guesses the feedback layer should hedge on."""
        return frozenset(g.id for g in self.skills if g.hedge)

    def has(self, skill: str) -> bool:
        """True when the skill is among the guesses."""
        return any(g.id == skill for g in self.skills)


_lock = threading.Lock()
_params: list[SkillParams] = []


def get_params() -> SkillParams:
    """The shipped parameters, read and checksum-verified once per process."""
    with _lock:
        if not _params:
            _params.append(load_params())
        return _params[0]


def read_probabilities(
    probs: np.ndarray, params: SkillParams, variant: Literal["sentence", "lexical"]
) -> SkillReading:
    """Turn head probabilities into a reading; shared with training so probes match."""
    p = [float(x) for x in probs]
    beh = p[:4]
    b = int(np.argmax(beh))
    behaviour: Behaviour = BEHAVIOURS[b]  # type: ignore[assignment]
    # A question can sit inside a reflection: the "has:" heads keep it visible.
    q = max(beh[0], p[_COL["has:question"]])
    r = max(beh[1], p[_COL["has:reflection"]])
    i = max(beh[2], p[_COL["has:input"]])
    scores = {
        "open_question": q * p[_COL["open|q"]],
        "closed_question": q * (1.0 - p[_COL["open|q"]]),
        "simple_reflection": r * (1.0 - p[_COL["complex|r"]]),
        "complex_reflection": r * p[_COL["complex|r"]],
        "giving_information": i * (1.0 - p[_COL["advice|i"]]),
        "advice": i * p[_COL["advice|i"]],
    }
    scores.update({s: p[_COL[s]] for s in OWN_SKILLS})
    chosen = {s for s, c in scores.items() if c >= THRESHOLD}
    # The main behaviour always names its best subtype, even when split evenly.
    family = {
        "question": ("open_question", "closed_question"),
        "reflection": ("simple_reflection", "complex_reflection"),
        "input": ("giving_information", "advice"),
    }.get(behaviour)
    if family:
        chosen.add(max(family, key=scores.__getitem__))
    # Advice given with permission is not also plain advice.
    if "advice_with_permission" in chosen and scores["advice_with_permission"] >= scores.get(
        "advice", 0.0
    ):
        chosen.discard("advice")
    reliability = params.meta.get("reliability", {}).get(variant, {})
    guesses = [
        SkillGuess(s, round(scores[s], 4), float(reliability.get(s, 1.0)))
        for s in sorted(chosen, key=lambda s: (-scores[s], s))
    ]
    return SkillReading(behaviour, round(beh[b], 4), guesses, variant,
                        complex_odds=p[_COL["complex|r"]])


def word_features(text: str, previous: str | None) -> WordFeatures:
    """The part of a reading that needs no sentence model (see ScenarioRecognizer)."""
    return get_params().word_features(text, previous)


def classify_skills(
    text: str, previous: str | None, words: WordFeatures | None = None
) -> SkillReading:
    """Main behaviour and all micro-skills in a trainee message (previous: the partner's line)."""
    params = get_params()
    embedder = get_embedder()
    if embedder is None:
        probs = params.probabilities(text, previous, words=words)
        return read_probabilities(probs, params, "lexical")
    # A cache hit when move recognition already ran the model on this text.
    probs = params.probabilities(text, previous, embedder.layer_features(text), words)
    return read_probabilities(probs, params, "sentence")
