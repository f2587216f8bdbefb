"""A scaling question ("on a scale of 1 to 10, how ready are you?") gets a number."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.engine.practice import Practice
from bot.engine.scaling import follow_up, scale_asked, scale_number
from bot.engine.session import MoveGuess
from bot.recognition.recognizer import ScenarioRecognizer
from bot.scenario.loader import parse_scenario
from bot.scenario.validate import validate_paths
from tests.scenarios import MINI, FixedReading, flagship_practice

SCALING = """scaling:
  - up_to: 4
    lines: ["Honestly? {n}."]
  - up_to: 10
    lines: ["{n}, I'd say."]
    reasons: ["Because I miss how we were."]
    needs: ["Knowing I can stop after one."]
"""


@pytest.mark.parametrize(
    ("text", "scale"),
    [
        ("On a scale of 1 to 10, how ready do you feel to try one session?", (1, 10)),
        ("on a scale of 1-10 how up for it are u rn", (1, 10)),
        ("If 0 is no way and 10 is let's book it, where are you today?", (0, 10)),
        ("1 being nope and 10 being yes, what number are u", (1, 10)),
        ("how would you rate your interest in coming, out of 10?", (1, 10)),
        ("where would you put yourself, zero to ten, on giving it a go?", (0, 10)),
        ("From 1 to 5, how willing are you?", (1, 5)),
        ("On a scale, how open are you to it?", (1, 10)),
        ("Auf einer Skala von 1 bis 10, wie bereit bist du?", (1, 10)),
        # Not scaling questions: facts, times and fees.
        ("9 out of 10 couples say the first session was easier than they feared.", None),
        ("We could meet from 1 to 5 pm on Tuesday.", None),
        ("how about 6-7 on thursday", None),
        ("Joint sessions are on a sliding scale, so the fee depends on income.", None),
        ("What would it take to move from a 4 to a 5?", None),
        # Scales the meter cannot stand for: worry runs the other way.
        ("scale of 1-10 how worried are you about it", None),
        ("On a scale from 0 to 10, how important is it that things get better?", None),
        # Nor can it stand for an impact named late in the clause (25th play-test).
        ("On a scale of 0 to 10, how much have the changes in Alex affected you at home?",
         None),
        ("on a scale of 1-10 how ready r u to come, given everything thats changed", (1, 10)),
        # A hard thing the ruler goes on to mention is not what is rated (review).
        ("On a scale of 1 to 10 how ready are you to try one session even though it feels hard",
         (1, 10)),
        ("0 to 10, how open are you to working on the stuff that affects you both?", (0, 10)),
    ],
)
def test_scaling_questions_are_told_from_numbers_that_ask_nothing(
    text: str, scale: tuple[int, int] | None
) -> None:
    assert scale_asked(text) == scale


def test_the_number_is_the_meter_on_the_trainees_scale() -> None:
    assert [scale_number(m, 0, 10, (1, 10)) for m in (0, 1, 4, 10)] == [1, 1, 4, 10]
    assert [scale_number(m, 0, 10, (0, 10)) for m in (0, 4, 10)] == [0, 4, 10]
    assert [scale_number(m, 0, 10, (1, 5)) for m in (0, 5, 10)] == [1, 3, 5]
    assert scale_number(50, 0, 100, (0, 10)) == 5


def _mini_with(tmp_path: Path, added: str) -> Path:
    text = MINI.read_text(encoding="utf-8")
    path = tmp_path / "mini.yaml"
    path.write_text(text.replace("unclear:", added + "unclear:", 1), encoding="utf-8")
    return path


def _practice(path: Path, moves: list[MoveGuess]) -> Practice:
    return Practice(parse_scenario(path), FixedReading(moves))  # type: ignore[arg-type]


def test_the_partner_answers_with_the_openness_after_the_message(tmp_path: Path) -> None:
    practice = _practice(_mini_with(tmp_path, SCALING), [MoveGuess("reflect", 0.9)])
    session = practice.start()
    result = practice.turn(session, "On a scale of 1 to 10, how ready are you to come once?")
    assert result.meter_before == 3 and result.meter_after == 5
    assert result.reply.startswith("5, I'd say. ")
    # The rest is the usual reply, and the partner's whole reply is what the
    # next message answers.
    assert result.reply.removeprefix("5, I'd say. ") in ("Maybe.", "Go on.", "I'm listening.")
    assert session.last_line == result.reply


def test_the_band_follows_the_meter(tmp_path: Path) -> None:
    practice = _practice(_mini_with(tmp_path, SCALING), [MoveGuess("invite", 0.9)])
    result = practice.turn(practice.start(), "out of 10 how likely are you to come?")
    assert result.meter_after == 4 and result.reply.startswith("Honestly? 4. ")


def test_no_number_beside_an_unhelpful_move_or_without_answers(tmp_path: Path) -> None:
    text = "On a scale of 1 to 10, how ready are you? You have to come."
    pushed = _practice(_mini_with(tmp_path, SCALING), [MoveGuess("pressure", 0.95)])
    assert not re.match(r"\d", pushed.turn(pushed.start(), text).reply)
    plain = _practice(MINI, [MoveGuess("reflect", 0.9)])
    reply = plain.turn(plain.start(), "On a scale of 1 to 10, how ready are you?").reply
    assert reply in ("Maybe.", "Go on.", "I'm listening.")


def test_a_scale_answer_without_its_number_names_its_line(tmp_path: Path) -> None:
    path = _mini_with(tmp_path, 'scaling:\n  - up_to: 10\n    lines: ["About a five."]\n')
    [problem] = validate_paths([path])
    assert problem.severity == "error" and "{n}" in problem.message, problem
    line = path.read_text(encoding="utf-8").splitlines().index("scaling:") + 1
    assert problem.line in (line + 2, line + 3), problem


def test_scale_bands_out_of_order_are_an_error(tmp_path: Path) -> None:
    bands = 'scaling:\n  - up_to: 8\n    lines: ["{n}."]\n  - up_to: 3\n    lines: ["{n}."]\n'
    [problem] = validate_paths([_mini_with(tmp_path, bands)])
    assert problem.severity == "error" and "lowest" in problem.message, problem


def test_the_flagship_answers_a_readiness_ruler_as_a_question_about_sams_view() -> None:
    """Read as an invitation, the ruler got "No. I mean…" and a warning that it
    was too early to invite (twenty-first play-test)."""
    practice = flagship_practice()
    session = practice.start(seed=3)
    result = practice.turn(
        session, "That makes sense, you've never met me. On a scale of 1 to 10, how "
        "comfortable would you feel about coming in together with Alex?")
    assert result.main_move == "explore_concerns", result.moves
    assert re.search(rf"\b{result.meter_after}\b", result.reply), result.reply


def test_the_partner_answers_a_scale_in_a_real_recogniser_conversation(tmp_path: Path) -> None:
    path = _mini_with(tmp_path, SCALING)
    scenario = parse_scenario(path)
    practice = Practice(scenario, ScenarioRecognizer(scenario, with_skills=False))
    session = practice.start()
    result = practice.turn(session, "it sounds like you're worried about being blamed, "
                           "on a scale of 1 to 10 how ready are you")
    assert result.reply.startswith(f"{result.meter_after}, I'd say.") or \
        result.reply.startswith(f"Honestly? {result.meter_after}."), result.reply


def test_no_tip_says_sam_can_stop_at_yes_when_a_number_answers_it() -> None:
    """"On a scale of 1 to 10, how confident are you…" got "Sam can answer it
    with a yes or a no" (twenty-second play-test)."""
    from bot.engine.recognition import SkillNote

    flagship = flagship_practice().scenario
    note = SkillNote("question", 0.9, [MoveGuess("closed_question", 0.9)])
    practice = Practice(flagship, FixedReading([MoveGuess("explore_concerns", 0.9)], note))
    asked = practice.turn(practice.start(seed=1), "Do you ever feel a bit left out?")
    assert asked.feedback.moves[0].tip and "yes" in asked.feedback.moves[0].tip
    scaled = practice.turn(practice.start(seed=1),
                           "On a scale of 1 to 10, how confident are you about coming once?")
    assert scaled.feedback.moves[0].tip is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Why a 4 and not a 2?", "reasons"),
        ("so what makes it a 3 and not a zero", "reasons"),
        ("That's higher than I expected. What makes it a 7?", "reasons"),
        ("What's pulling you towards the middle rather than a one?", "reasons"),
        ("why not lower?", "reasons"),
        ("What would need to happen for that number to go up by one?", "needs"),
        ("what would move it from a 6 to a 7 for u", "needs"),
        ("What puts it at a 9 rather than, say, a 6?", "reasons"),
        ("what puts u at a 5", "reasons"),
        ("What keeps you on 2 jobs at once?", None),
        ("ok a 2. what would it take to get to a 3", "needs"),
        ("What would help?", None),
        ("what would make the session feel fair to you", None),
        ("how are things at home", None),
    ],
)
def test_the_follow_ups_of_a_ruler_are_told_apart(text: str, kind: str | None) -> None:
    assert follow_up(text) == kind


def test_the_follow_up_of_a_ruler_gets_reasons_or_needs(tmp_path: Path) -> None:
    """"Why a 5 and not lower?" got Sam's ordinary reply, with no reasons for the
    number, which are the point of the ruler (twenty-second play-test)."""
    reflect = [MoveGuess("reflect", 0.9)]
    practice = _practice(_mini_with(tmp_path, SCALING), reflect)
    session = practice.start()
    practice.turn(session, "On a scale of 1 to 10, how ready are you to come once?")
    assert practice.turn(session, "Why a 5 and not a 2?").reply == "Because I miss how we were."
    assert practice.turn(session, "what would make it higher?").reply == \
        "Knowing I can stop after one."
    # Long after the ruler, or with no ruler at all, the same words get the usual reply.
    later = practice.turn(session, "Why a 5 and not a 2?").reply
    assert later in ("Maybe.", "Go on.", "I'm listening.")
    fresh = practice.start()
    assert practice.turn(fresh, "Why a 5 and not a 2?").reply in ("Maybe.", "Go on.",
                                                                  "I'm listening.")


def test_a_ruler_is_a_closed_question_however_the_skill_layer_read_it() -> None:
    """The first ruler read as a closed question and the re-scale ("where would you
    put yourself now, on that same 0 to 10 scale?") as an open one, so two "How you
    said it" lines contradicted each other (twenty-third play-test). MI coding
    counts a question that asks for a number as closed."""
    from bot.engine.feedback import render_plain
    from bot.engine.recognition import SkillNote

    flagship = flagship_practice().scenario
    note = SkillNote("question", 0.9, [MoveGuess("open_question", 0.9)])
    practice = Practice(flagship, FixedReading([MoveGuess("explore_concerns", 0.9)], note))
    session = practice.start(seed=1)
    rescale = practice.turn(session,
                            "Where would you put yourself now, on that same 0 to 10 scale?")
    assert [s.id for s in rescale.feedback.skills.skills] == ["closed_question"]  # type: ignore[union-attr]
    assert "How you said it: a closed question" in render_plain(rescale.feedback, "en")
    assert [s.id for s in session.turns[-1].skills] == ["closed_question"]
    asked = practice.turn(practice.start(seed=1), "How do you see all this?")
    assert [s.id for s in asked.feedback.skills.skills] == ["open_question"]  # type: ignore[union-attr]


def test_a_ruler_also_read_as_an_invitation_is_answered_with_a_number_not_a_yes() -> None:
    """"On a scale of 0 to 10... how willing would you be to try one joint
    session right now?" was also read as an invitation: Sam said "Fine, I'll do
    it", gave no number, and the call ended (twenty-fourth play-test)."""
    flagship = flagship_practice().scenario
    reading = FixedReading([MoveGuess("invite_trial_session", 0.9),
                            MoveGuess("explore_concerns", 0.6)])
    from bot.engine.session import TurnRecord

    practice = Practice(flagship, reading)
    session = practice.start(seed=4)
    session.turns.append(TurnRecord("It's about the two of you.",
                                    [MoveGuess("frame_relationship", 0.95)],
                                    "frame_relationship", "warming", "warming", 9, 9, "", ""))
    session.state, session.meter = "warming", 9
    result = practice.turn(session, "On a scale of 0 to 10, how willing would you be to try "
                                    "one joint session right now?")
    assert result.main_move == "explore_concerns"
    assert result.ending is None and not session.ended
    assert re.search(rf"\b{result.meter_after}\b", result.reply), result.reply


def test_a_ruler_that_is_the_messages_question_is_answered_with_the_number_alone() -> None:
    """"Probably 9. I'm more up for it than I expected to be. Honestly, that I'll
    freeze up and Alex will do all the talking." answered a ruler with a worry
    nobody had asked about: the usual reply to a question about Sam's view
    (twenty-fifth play-test)."""
    flagship = flagship_practice().scenario
    practice = Practice(flagship, FixedReading([MoveGuess("explore_concerns", 0.9)]))
    session = practice.start(seed=5)
    session.meter = 6
    result = practice.turn(session, "On a scale of 0 to 10, how willing would you be to try "
                                    "one session?")
    band_lines = {line.replace("{n}", str(result.meter_after))
                  for band in flagship.spec.scaling for line in band.lines}
    assert result.reply in band_lines, result.reply
