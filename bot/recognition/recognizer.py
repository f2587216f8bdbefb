"""The recogniser the engine uses: scenario moves plus scenario-free micro-skills."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.engine.encouragers import minimal_encourager
from bot.engine.question_form import asks_permission, only_a_check_in
from bot.engine.recognition import BEHAVIOUR_SKILLS, Recognition, SkillNote, renamed
from bot.engine.session import MoveGuess
from bot.recognition.answers import bare_answer
from bot.recognition.echoes import says_back
from bot.recognition.moves import ECHO_CONFIDENCE, Embedder, MoveModel
from bot.recognition.said_back import reflection_kind
from bot.recognition.skill_model import WordFeatures
from bot.recognition.skills import classify_skills, word_features
from bot.scenario.model import Scenario

log = logging.getLogger(__name__)

#: Reads the skill layer's word features while the sentence model runs on this
#: thread (onnxruntime releases the GIL): p95 of both layers 7.6 -> 6.8 ms.
_words_helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="skill-words")


def read_skills(text: str, previous: str | None, words: WordFeatures | None = None) -> SkillNote:
    """The scenario-free micro-skill reading, in the engine's terms. A reflection's
    kind also weighs how much of the partner's line it says back (said_back.py)."""
    reading = classify_skills(text, previous, words)
    skills = [MoveGuess(s.id, round(float(s.confidence), 3)) for s in reading.skills]
    tentative = reading.tentative
    if previous and reading.complex_odds is not None:
        kind = reflection_kind(reading.complex_odds, text, previous)
        kinds = BEHAVIOUR_SKILLS["reflection"]
        if tentative & kinds:
            tentative = (tentative - kinds) | {kind}
        skills = renamed(skills, kinds, kind)
    return SkillNote(
        behaviour=reading.behaviour,
        behaviour_confidence=float(reading.behaviour_confidence),
        skills=skills,
        tentative=tentative,
    )


def echo_skills() -> SkillNote:
    """How a message that only says the partner's words back was said, surely."""
    return SkillNote("reflection", 1.0, [MoveGuess("simple_reflection", 1.0)])


#: A bare yes or no this short, to a line that declares nothing, reads as no move.
BARE_ANSWER_UNREAD_WORDS = 3
#: How sure a request for leave the model read as nothing is of its move: the
#: wording is plain, but the model did not see it.
PERMISSION_CONFIDENCE = 0.8


class ScenarioRecognizer:
    """Reads trainee messages for one scenario."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        embedder: Embedder | None = None,
        with_skills: bool = True,
        cache_dir: Path | None = None,
    ) -> None:
        self.scenario = scenario
        self.moves = MoveModel(scenario, embedder, cache_dir=cache_dir)
        self.with_skills = with_skills
        #: The helpful move that is seeking collaboration, which asking leave is.
        self.asking_move = next((name for name, move in scenario.moves.items()
                                 if move.kind == "good" and "seek_collaboration" in move.skills),
                                None)

    def recognize(self, text: str, previous: str | None = None,
                  earlier: tuple[str, ...] = ()) -> Recognition:
        words = _words_helper.submit(word_features, text, previous) if self.with_skills else None
        # A bare "yes" or "no" is the move the partner's question declares for
        # it, even where the model would read it: "of course" reads as
        # respecting Sam's choice, but as the answer to "Do I come across as
        # the bad guy?" it shares what Alex said.
        # Without a declaration, a yes or no of a word or two means nothing the
        # model could know: it read "not at all" to "Two against one, then." as
        # respecting Sam's choice. The engine asks for a sentence instead.
        answer = bare_answer(text)
        given = answer or bare_answer(text, echoes=True)  # "It is." to "Is that a reason?"
        answered = self.scenario.answer_to(previous, given) if given and previous else None
        if answered is not None:
            moves, retracted = [MoveGuess(answered, 1.0)], frozenset[str]()
        elif ((answer is not None and len(text.split()) <= BARE_ANSWER_UNREAD_WORDS)
              or minimal_encourager(text)):
            # "I hear you." says only that the worker is listening: no move (the
            # engine's short-reply path answers it).
            moves, retracted = [], frozenset()
        elif previous and (reflection := self.moves.reflection_move) and says_back(text, previous):
            # Sam's own words said back: a simple reflection, whatever the words
            # would read as alone (eighteenth play-test: "If you know you can
            # stop, it's easier to start." read as blaming Sam).
            if words:
                words.cancel()
            return Recognition([MoveGuess(reflection, ECHO_CONFIDENCE)],
                               echo_skills() if self.with_skills else None)
        else:  # moves first: the skill layer reuses the vector their model run leaves cached
            moves, retracted = (self.moves.read_all(text, previous, earlier) if text.strip()
                                else ([], frozenset()))
            if not moves and self.asking_move and (
                    asks_permission(text) or only_a_check_in(text)):
                # "can i ask u something", typed without a "?", read as nothing and
                # was "not understood" (review), and so was "Can I check how that
                # lands with you?" (thirty-first play-test): asking leave, or asking
                # how the last thing landed, is seeking collaboration.
                moves = [MoveGuess(self.asking_move, PERMISSION_CONFIDENCE)]
        skills = read_skills(text, previous, words.result()) if words else None
        return Recognition(moves, skills, retracted)

    def read_skills(self, text: str, previous: str | None = None) -> SkillNote | None:
        return read_skills(text, previous) if self.with_skills else None
