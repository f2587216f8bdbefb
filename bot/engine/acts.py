"""Which MI acts a message counts as (a reflection, a question, both or neither).

One rule for the summary's "reflections per question" and for conditions
(``reflections``, ``questions``), so a debrief never praises the reflecting of
a trainee whose summary shows 1 reflection and 13 questions (fourteenth
play-test: checking questions were read as the reflection move).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine.feedback import POOR_SURE
from bot.engine.question_form import question_form
from bot.engine.session import MoveGuess
from bot.scenario.model import Scenario


def unsure_poor(scenario: Scenario, guess: MoveGuess) -> bool:
    """An unhelpful move read under POOR_SURE: told "not sure", it makes a turn
    doubtful and is held against the trainee nowhere, not by conditions, the
    debrief or the summary's figures (fourteenth play-test)."""
    return guess.id in scenario.poor_moves and guess.confidence < POOR_SURE


def sure_poor(scenario: Scenario, moves: Sequence[MoveGuess]) -> bool:
    """An unhelpful move read at POOR_SURE or above: what conditions, the summary's
    non-adherent turns and its reflection figures hold against the trainee."""
    return any(m.id in scenario.poor_moves and not unsure_poor(scenario, m) for m in moves)


def only_doubted(scenario: Scenario, moves: Sequence[MoveGuess]) -> bool:
    """Every move read is an unhelpful one told "not sure": the turn counts
    neither for nor against the trainee."""
    return bool(moves) and all(unsure_poor(scenario, m) for m in moves)


def turn_acts(
    scenario: Scenario, moves: Sequence[MoveGuess], behaviour: str | None, text: str
) -> set[str]:
    """"question" and/or "reflection" for one message; none beside a sure unhelpful
    move, none for a message not understood ("whats the weather like"), and
    none where the only moves are doubted unhelpful ones.

    Blame phrased as a reflection is still blame: MI coding calls such a turn
    non-adherent, so it must not improve the reflection figures. Nor may a
    doubted slip: a call Sam walked out of read "3.0 reflections per question,
    100 % complex", from a confrontation and a threat the skill reading took
    for reflections (thirty-sixth play-test).
    """
    if not moves or sure_poor(scenario, moves) or only_doubted(scenario, moves):
        return set()
    # "that sounds lonely. what's changed?" is a reflection and a question:
    # each act a move declares counts, beside the reading's own behaviour.
    acts: set[str] = {b for m in moves if m.id in scenario.moves
                      and (b := scenario.moves[m.id].behaviour) in ("question", "reflection")}
    if behaviour == "question" and "question" not in acts:
        acts = {"question"}  # a guess asked yes/no is a closed question, not a reflection
    elif behaviour in ("question", "reflection"):
        acts.add(behaviour)
    return _as_worded(acts, text)


def _as_worded(acts: set[str], text: str) -> set[str]:
    """``acts`` as the wording of ``text`` asks: a question, or also one."""
    form = question_form(text)
    if form == "whole":
        return {"question"}  # "do u feel left out" is a closed question in MI coding
    if form == "part":
        return acts | {"question"}  # "sounds exhausting. whats the hardest bit" asked, too
    return acts


def left_out_acts(
    scenario: Scenario, moves: Sequence[MoveGuess], behaviour: str | None, text: str
) -> set[str]:
    """The questions and reflections a turn with an unhelpful move would count
    without it: what the summary leaves out, and says it does (play-test 39: 1
    question counted where the transcript showed 4, unexplained).

    Only what the trainee can see: the wording's question, the acts the other
    moves declare, and the skill reading beside a doubted slip. Beside a sure
    one the reading is not shown, and it reads the slip too: blame worded as a
    reflection was counted as a reflection left out (review 46).
    """
    doubted = only_doubted(scenario, moves)
    if not (doubted or sure_poor(scenario, moves)):
        return set()
    acts: set[str] = {
        b for m in moves if m.id in scenario.moves and m.id not in scenario.poor_moves
        and (b := scenario.moves[m.id].behaviour) in ("question", "reflection")}
    if doubted and behaviour in ("question", "reflection"):
        acts.add(str(behaviour))
    return _as_worded(acts, text)
