"""The engine's rules, on the small fixture scenario where every number is known."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from bot.engine.feedback import render_plain
from bot.engine.practice import Practice, SessionEndedError, SessionMismatchError
from bot.engine.recognition import Recognition, Recognizer
from bot.engine.session import MoveGuess, Session
from bot.recognition.recognizer import ScenarioRecognizer
from bot.scenario.loader import parse_scenario
from bot.scenario.model import Scenario
from bot.scenario.validate import validate_paths
from tests.scenarios import INVITE, MINI, REFLECT, FixedReading, mini_practice
from tests.test_cli import bot

PRESSURE = "you have to come, there's no choice"


def test_reflection_moves_sam_and_raises_openness() -> None:
    practice = mini_practice()
    session = practice.start(seed=1)
    result = practice.turn(session, REFLECT)
    assert result.main_move == "reflect"
    assert (result.state_before, result.state_after) == ("guarded", "warming")
    assert (result.meter_before, result.meter_after) == (3, 5)
    assert result.reply in {"Maybe.", "Go on.", "I'm listening."}


def test_early_invitation_is_refused_with_a_reaction_line() -> None:
    practice = mini_practice()
    session = practice.start()
    result = practice.turn(session, INVITE)
    assert result.state_after == "guarded"
    assert result.reply == "Slow down, I barely know you."
    assert not result.ended


def test_invitation_succeeds_once_openness_is_high_enough() -> None:
    practice = mini_practice()
    session = practice.start()
    practice.turn(session, REFLECT)
    result = practice.turn(session, INVITE)
    assert result.ending == "agreed" and session.ended
    assert result.reply == "OK, one session."
    with pytest.raises(SessionEndedError):
        practice.turn(session, REFLECT)


def test_pressure_uses_the_default_and_offers_a_better_alternative() -> None:
    practice = mini_practice()
    session = practice.start()
    practice.turn(session, REFLECT)
    result = practice.turn(session, PRESSURE)
    assert (result.state_after, result.meter_after) == ("defensive", 2)
    assert result.reply in {"Don't push me.", "I don't like being told what to do."}
    [item] = result.feedback.moves
    assert item.kind == "poor" and item.better


def test_rule_ends_when_openness_hits_zero() -> None:
    practice = mini_practice()
    session = practice.start()
    result = practice.turn(session, PRESSURE)  # 3 - 3 = 0
    assert result.ending == "walked_away"
    assert result.reply == "I'm done here."


def test_poor_move_hidden_in_a_kind_message_drives_the_transition() -> None:
    practice = mini_practice()
    session = practice.start()
    result = practice.turn(session, f"{REFLECT}, but {PRESSURE}")
    ids = {m.id for m in result.moves}
    assert {"reflect", "pressure"} <= ids
    assert result.main_move == "pressure"
    # The reflection's +2 doesn't soften the push: a play-test saw a stray
    # "sorry" read as owning a misstep cancel the penalty for a referral.
    assert result.meter_after == 3 - 3
    assert [m.kind for m in result.feedback.moves if m.move == "reflect"] == ["good"]


def test_repeating_a_good_move_adds_nothing_the_second_time() -> None:
    practice = mini_practice()
    session = practice.start()
    practice.turn(session, REFLECT)
    result = practice.turn(session, "you seem unsure whether this is worth your time")
    assert result.main_move == "reflect"
    assert result.meter_after == result.meter_before


def test_a_reflection_after_a_reflection_still_counts(tmp_path: Path) -> None:
    """A second reflection in a row earned nothing, though the bot asks for more
    reflections than questions (twenty-seventh play-test)."""
    practice = _edited_mini(tmp_path, "    label: Reflection\n",
                            "    label: Reflection\n    behaviour: reflection\n")
    session = practice.start()
    practice.turn(session, REFLECT)
    result = practice.turn(session, "you seem unsure whether this is worth your time")
    assert result.main_move == "reflect"
    assert result.meter_after == result.meter_before + 2
    # The same words again are not a new reflection: eight copies took Sam from
    # 3 to 10 (review).
    again = practice.turn(session, "You seem unsure whether this is worth your time!")
    assert again.meter_after == again.meter_before


def test_off_topic_text_is_not_guessed_at() -> None:
    practice = mini_practice()
    session = practice.start()
    result = practice.turn(session, "what time does the shop open on sunday")
    assert result.moves == [] and not result.feedback.understood
    assert result.reply in {"Sorry, what do you mean?", "I don't follow.", "Come again?"}
    assert result.meter_after == result.meter_before == 3


def test_turn_limit_ends_the_conversation() -> None:
    practice = mini_practice()
    session = practice.start()
    results = [practice.turn(session, "qwerty") for _ in range(8)]
    assert [r.ending for r in results][-1] == "walked_away"
    assert all(r.ending is None for r in results[:-1])


def test_the_last_few_messages_before_the_turn_limit_are_counted_down() -> None:
    """A trainee at openness 10 ran out of time with no warning (sixth play-test)."""
    practice = mini_practice()
    session = practice.start()
    results = [practice.turn(session, "qwerty") for _ in range(8)]
    assert [r.feedback.turns_left for r in results] == [None, None, None, None, 3, 2, 1, None]
    assert session.turns[5].feedback.endswith("2 more messages before Sam has to go.")
    assert session.turns[6].feedback.endswith("One more message before Sam has to go.")


def test_a_rule_that_keeps_sam_talking_does_not_skip_the_turn_limit(tmp_path: Path) -> None:
    """A rule to a state that goes on fired instead of the limit, so the talk ran past
    the countdown's "One more message" (found in review)."""
    practice = _edited_mini(tmp_path, "  - if: openness <= 0\n    to: walked_away\n",
                            "  - if: openness <= 0\n    to: walked_away\n"
                            "  - if: turn >= 6\n    to: defensive\n")
    session = practice.start()
    results = [practice.turn(session, "qwerty") for _ in range(8)]
    assert [r.state_after for r in results][5:] == ["defensive", "defensive", "walked_away"]
    assert results[-1].ending == "walked_away" and results[6].feedback.turns_left == 1


def test_the_countdown_shows_with_feedback_switched_off() -> None:
    script = "\n".join(["qwerty"] * 8)
    result = bot("play", "mini", "--no-feedback", "--dialogues", str(MINI.parent), stdin=script)
    assert result.returncode == 0, result.stderr
    assert "One more message before Sam has to go." in result.stdout
    assert "Not understood" not in result.stdout


def test_an_ending_can_close_in_several_ways(tmp_path: Path) -> None:
    """Every agreement and every walk-away ended in the same words (two play-tests)."""
    closings = '    line: OK, one session.\n    lines: ["Fine, once.", "Go on then."]\n'
    practice = _edited_mini(tmp_path, "    line: OK, one session.\n", closings)
    replies = set()
    for seed in range(12):
        session = practice.start(seed=seed)
        practice.turn(session, REFLECT)
        replies.add(practice.turn(session, INVITE).reply)
    assert replies == {"OK, one session.", "Fine, once.", "Go on then."}
    path = practice.scenario.path
    assert path is not None
    path.write_text(path.read_text(encoding="utf-8").replace(closings, ""), encoding="utf-8")
    [problem] = [p for p in validate_paths([path]) if p.severity == "error"]
    assert "an ending needs the partner's closing 'line' (or 'lines')" in problem.message


def test_lines_never_repeat_back_to_back() -> None:
    practice = mini_practice()
    session = practice.start(seed=7)
    replies = [practice.turn(session, "asdf").reply for _ in range(7)]
    assert all(a != b for a, b in itertools.pairwise(replies))


def test_guided_option_counts_as_its_move() -> None:
    practice = mini_practice()
    session = practice.start()
    options = practice.options(session)
    assert [o.move for o in options] == ["reflect", "pressure"]
    result = practice.turn(session, "", option=0)
    assert result.text == options[0].text and result.main_move == "reflect"
    assert session.turns[-1].guided


_TAGGED = """    on:
      reflect: guarded
    options:
      - text: I pushed too hard, sorry.
        move: reflect
        after: [pressure]
      - text: Sorry, I lost my temper.
        move: reflect
        after: [reflect]
      - text: It sounds like that felt like a push.
        move: reflect
"""


def test_a_reply_meant_for_one_slip_is_offered_only_right_after_it(tmp_path: Path) -> None:
    """One apology served every slip: after siding with Sam, the offered repair
    was about pushing (twenty-fifth play-test). ``after`` ties a reply to a slip."""
    practice = _edited_mini(tmp_path, "    on:\n      reflect: guarded\n", _TAGGED)
    session = practice.start()
    practice.turn(session, REFLECT)
    practice.turn(session, PRESSURE)
    assert session.state == "defensive"
    assert [o.text for o in practice.options(session)] == [
        "I pushed too hard, sorry.", "It sounds like that felt like a push."]
    practice.turn(session, "asdf")  # not understood: the slip is no longer the last message
    assert session.state == "defensive"
    assert [o.text for o in practice.options(session)] == ["It sounds like that felt like a push."]


def test_a_reply_tied_to_an_unknown_move_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "mini.yaml"
    path.write_text(MINI.read_text(encoding="utf-8").replace(
        "    on:\n      reflect: guarded\n", _TAGGED.replace("[pressure]", "[presure]"), 1),
        encoding="utf-8")
    [problem] = validate_paths([path])
    assert "unknown move 'presure' (did you mean 'pressure'?)" in problem.message, problem
    assert (problem.line, problem.column) == (85, 17), problem


def test_same_seed_same_conversation() -> None:
    practice = mini_practice()
    texts = ["hello?", REFLECT, "asdf", INVITE]

    def run(seed: int) -> list[str]:
        session = practice.start(seed=seed)
        return [session.opening] + [practice.turn(session, t).reply for t in texts]

    assert run(3) == run(3)


def test_saved_session_continues_exactly() -> None:
    practice = mini_practice()
    session = practice.start(seed=5)
    practice.turn(session, "asdf")
    saved = json.dumps(session.to_dict())
    restored = Session.from_dict(json.loads(saved))
    assert restored == session
    for text in ["qwerty", REFLECT, "zzz"]:
        a, b = practice.turn(session, text), practice.turn(restored, text)
        assert (a.reply, a.state_after, a.meter_after) == (b.reply, b.state_after, b.meter_after)
    assert restored.to_dict() == session.to_dict()


def test_feedback_text_is_kept_in_the_turn_record() -> None:
    practice = mini_practice()
    session = practice.start()
    practice.turn(session, PRESSURE)
    record = session.turns[-1]
    assert "Pressure" in record.feedback and "Try instead" in record.feedback


def test_a_session_from_an_edited_scenario_is_refused_clearly() -> None:
    practice = mini_practice()
    data = practice.start().to_dict()
    data["state"] = "renamed_state"
    with pytest.raises(SessionMismatchError):
        practice.turn(Session.from_dict(data), "hello")


def test_meter_is_clamped_when_limits_were_edited() -> None:
    practice = mini_practice()
    session = practice.start()
    session.meter = 99
    result = practice.turn(session, "qwerty")
    assert result.meter_after == 10


def test_out_of_range_option_is_refused() -> None:
    practice = mini_practice()
    session = practice.start()
    with pytest.raises(IndexError):
        practice.turn(session, "", option=-1)


def test_undecodable_text_is_made_storable() -> None:
    practice = mini_practice()
    session = practice.start()
    result = practice.turn(session, "hello \udcff there\x00")
    assert result.text == "hello ? there"
    result.text.encode("utf-8")


def test_texts_in_the_trainees_language_fall_back_to_the_base(tmp_path: Path) -> None:
    from bot.recognition.recognizer import ScenarioRecognizer
    from bot.scenario.loader import parse_scenario
    from tests.scenarios import MINI

    text = MINI.read_text(encoding="utf-8").replace(
        'lines: ["Why am I here?", "Alex is the one in therapy.", "I\'ve not got long."]',
        "lines:\n      - {en: 'Why am I here?', de: 'Warum bin ich hier?'}",
    ).replace("    feedback: Putting Sam's worry into words lowers the guard.",
              "    feedback: {en: Putting it into words helps., de: In Worte fassen hilft.}")
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    scenario = parse_scenario(path)
    practice = Practice(scenario, ScenarioRecognizer(scenario, with_skills=False))
    german = practice.start(language="de")
    assert german.opening == "Warum bin ich hier?"
    result = practice.turn(german, REFLECT)
    assert result.feedback.moves[0].text == "In Worte fassen hilft."
    assert practice.hint(german) == "Sam is listening. A small invitation may work now."
    assert practice.start(language="fr").opening == "Why am I here?"


def test_a_move_the_state_does_not_list_leaves_sam_put_without_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    practice = mini_practice()
    session = practice.start()
    practice.turn(session, REFLECT)
    practice.turn(session, PRESSURE)
    assert session.state == "defensive"  # which lists no reaction to an invitation
    with caplog.at_level("DEBUG"):
        result = practice.turn(session, INVITE)
    assert result.state_after == "defensive" and result.main_move == "invite"
    # It once printed "Can't trigger event invite from state defensive!" into `play`.
    assert not [r for r in caplog.records if r.levelno >= 30], caplog.text


def test_an_unhelpful_turn_never_counts_as_a_good_mi_skill() -> None:
    from bot.engine.session import MoveGuess
    from bot.engine.summary import summarize

    practice = mini_practice()
    session = practice.start()
    practice.turn(session, REFLECT)
    result = practice.turn(session, PRESSURE)
    assert result.feedback.moves[0].kind == "poor"
    assert result.feedback.skills is None  # no "reads like a reflection" beside "Pressure"
    # Even if the skill layer heard blame or pressure as a reflection:
    session.turns[-1].behaviour = "reflection"
    session.turns[-1].skills = [MoveGuess("complex_reflection", 0.9), MoveGuess("affirm", 0.8)]
    summary = summarize(practice.scenario, session)
    first = session.turns[0]
    assert summary.reflections == int(first.behaviour == "reflection")
    assert summary.complex_reflections == sum(s.id == "complex_reflection" for s in first.skills)
    assert summary.adherent == sum(s.id == "affirm" for s in first.skills)
    assert summary.non_adherent >= 1


def test_the_non_adherent_line_says_it_counts_turns() -> None:
    """The count is of turns (one may hold several unhelpful moves); the line said "moves"."""
    from bot.engine.summary import render_summary, summarize

    practice = mini_practice()
    session = practice.start()
    practice.turn(session, PRESSURE)
    text = render_summary(summarize(practice.scenario, session), practice.scenario, "en")
    assert "turns with an unhelpful move not marked \"not sure\"): 1" in text


def test_the_reflection_lines_show_even_without_questions_or_reflections() -> None:
    """With no question read the ratio line vanished, yet the debrief pointed
    the trainee to "the reflection figures in your summary" (a play-test)."""
    from bot.engine.summary import render_summary, summarize

    practice = mini_practice()
    session = practice.start()
    practice.turn(session, PRESSURE)
    summary = summarize(practice.scenario, session)
    summary.questions = summary.reflections = summary.complex_reflections = 0
    text = render_summary(summary, practice.scenario, "en")
    assert "Reflections per question: 0 reflections and no questions" in text
    assert "Complex reflections: no reflections to count" in text
    summary.reflections = 2
    text = render_summary(summary, practice.scenario, "en")
    assert "Reflections per question: 2 reflections and no questions" in text
    # Reflections counted beside a question have no kind read: not "no reflections".
    assert "Complex reflections: the bot could not tell whether your reflections were" in text
    summary.simple_reflections, summary.complex_reflections = 1, 1
    assert "Complex reflections: 1 of the 2 whose kind the bot could tell (50%)" in render_summary(
        summary, practice.scenario, "en")
    # Rounded half up like the ratio, not to even: 1 of 8 showed as 12% (review 45).
    summary.simple_reflections, summary.complex_reflections = 7, 1
    assert "Complex reflections: 1 of the 8 whose kind the bot could tell (13%)" in render_summary(
        summary, practice.scenario, "en")
    summary.simple_reflections, summary.complex_reflections = 17, 23  # 23/40*100 is 57.49…
    assert "(58%)" in render_summary(summary, practice.scenario, "en")
    summary.simple_reflections = summary.complex_reflections = 0
    summary.reflections = 1  # "1 reflections" in the seventh play-test's summary
    assert "Reflections per question: 1 reflection and no questions" in render_summary(
        summary, practice.scenario, "en")
    # The counts beside the ratio, so the trainee can check them (thirty-seventh
    # play-test: "a trainee cannot check it").
    summary.reflections, summary.questions = 3, 2
    assert ("Reflections per question: 1.5 (reflections 3, questions 2; fair 1.0, good 2.0)"
            in render_summary(summary, practice.scenario, "en"))
    assert "Reflexionen 3, Fragen 2" in render_summary(summary, practice.scenario, "de")
    # Review 44: 5 reflections to 4 questions showed as 1.2 (float rounding to
    # even), and the German line wrote "1.5" beside its own "1,0".
    summary.reflections, summary.questions = 5, 4
    assert "Reflections per question: 1.3 (reflections 5" in render_summary(
        summary, practice.scenario, "en")
    assert "Reflexionen pro Frage: 1,3 (Reflexionen 5" in render_summary(
        summary, practice.scenario, "de")


def test_a_helpful_turn_never_counts_as_mi_non_adherent() -> None:
    """Offering to fit a meeting around someone's shifts once read as "advice
    without permission" and counted against a trainee whose every move was good:
    the scenario's move read, not the weak advice guess, decides good practice."""
    from bot.engine.session import MoveGuess
    from bot.engine.summary import summarize

    practice = mini_practice()
    session = practice.start()
    result = practice.turn(session, REFLECT)
    assert result.feedback.moves[0].kind == "good"
    session.turns[-1].skills = [MoveGuess("advice", 0.4), MoveGuess("affirm", 0.7)]
    summary = summarize(practice.scenario, session)
    assert summary.non_adherent == 0
    assert summary.adherent == 1
    # A turn read as no move keeps its skill reading, non-adherent or not.
    session.turns[-1].moves = []
    assert summarize(practice.scenario, session).non_adherent == 1


def test_beside_a_helpful_move_the_skill_line_leaves_out_advice() -> None:
    """The move's feedback says "good"; "reads like advice without permission"
    beside it contradicted that on the skill layer's weakest guess."""
    from bot.engine.recognition import Recognition, SkillNote
    from bot.engine.session import MoveGuess

    note = SkillNote("input", 0.6, [MoveGuess("advice", 0.4),
                                    MoveGuess("giving_information", 0.3)])
    scenario = parse_scenario(MINI)
    lexical = ScenarioRecognizer(scenario, with_skills=False)

    class Advising:
        def recognize(self, text: str, previous: str | None = None,
                      earlier: tuple[str, ...] = ()) -> Recognition:
            return Recognition(lexical.recognize(text, previous).moves, note)

        def read_skills(self, text: str, previous: str | None = None) -> SkillNote:
            return note

    practice = Practice(scenario, Advising())
    session = practice.start()
    result = practice.turn(session, REFLECT)
    assert result.feedback.moves[0].kind == "good"
    assert result.feedback.skills is not None
    assert [s.id for s in result.feedback.skills.skills] == ["giving_information"]
    assert [s.id for s in session.turns[-1].skills] == ["advice", "giving_information"]


def test_hedged_skills_read_as_one_plain_sentence() -> None:
    from bot.engine.feedback import skill_phrase
    from bot.engine.recognition import SkillNote
    from bot.engine.session import MoveGuess

    note = SkillNote(
        behaviour="reflection",
        behaviour_confidence=0.7,
        skills=[MoveGuess("open_question", 0.9), MoveGuess("complex_reflection", 0.55),
                MoveGuess("emphasize_autonomy", 0.7)],
        tentative=frozenset({"complex_reflection", "emphasize_autonomy"}),
    )
    assert skill_phrase(note, "en") == (
        "an open question, this reads like a complex reflection and emphasising autonomy"
    )


def test_a_reaction_without_to_keeps_the_partner_where_they_are(tmp_path: Path) -> None:
    """A default that only answers (no ``to:``) stays in whichever state it fires in."""
    practice = _edited_mini(tmp_path, "  pressure:\n    to: defensive\n",
                            "  pressure:\n    effect: -1\n")
    path = practice.scenario.path
    session = practice.start(seed=1)
    first = practice.turn(session, PRESSURE)
    assert first.state_after == "guarded" and first.main_move == "pressure"
    assert first.reply in ("Don't push me.", "I don't like being told what to do.")
    practice.turn(session, REFLECT)
    assert session.state == "warming"
    again = practice.turn(session, PRESSURE)
    assert again.state_after == "warming" and again.feedback.delta == -1
    # Nothing else leads to 'defensive' now: the stay is a loop, not an edge.
    assert any("'defensive' can't be reached" in p.message for p in validate_paths([path]))


def _edited_mini(tmp_path: Path, old: str, new: str) -> Practice:
    """The mini fixture with one passage replaced (it must be there)."""
    text = MINI.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "mini.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    scenario = parse_scenario(path)
    return Practice(scenario, ScenarioRecognizer(scenario, with_skills=False))


_WARM_INVITE = """        - to: agreed
          if: openness >= 5
        - to: warming
          lines: ["Not yet. I'm not sure."]"""


def test_a_condition_can_ask_how_often_a_move_was_made(tmp_path: Path) -> None:
    """Sam only says yes once the trainee has reflected twice, whatever the meter says."""
    practice = _edited_mini(tmp_path, _WARM_INVITE, _WARM_INVITE.replace(
        "if: openness >= 5", "if: openness >= 5 and reflect >= 2"))
    session = practice.start()
    practice.turn(session, REFLECT)
    early = practice.turn(session, INVITE)
    assert early.state_after == "warming" and early.meter_after == 6
    practice.turn(session, REFLECT)
    assert practice.turn(session, INVITE).ending == "agreed"


def test_a_transition_can_explain_why_a_good_move_landed_badly(tmp_path: Path) -> None:
    note = "Sam has not heard what the session is for yet."
    practice = _edited_mini(tmp_path, _WARM_INVITE, _WARM_INVITE.replace(
        "if: openness >= 5", "if: openness >= 9") + f"\n          feedback: {note}")
    session = practice.start()
    practice.turn(session, REFLECT)
    result = practice.turn(session, INVITE)
    [item] = result.feedback.moves
    assert item.kind == "good" and item.note == note
    assert f"In this moment: {note}" in session.turns[-1].feedback
    # The note belongs to that transition only: the reflection's feedback has none.
    assert practice.turn(session, REFLECT).feedback.moves[0].note is None


@pytest.mark.parametrize("name", ["turn", "openness", "unhelpful"])
def test_a_move_named_like_a_condition_name_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / "clash.yaml"
    path.write_text(MINI.read_text(encoding="utf-8").replace("reflect", name), encoding="utf-8")
    [problem] = validate_paths([path])
    assert f"move '{name}' has" in problem.message and (problem.line, problem.column) == (15, 3)


def test_a_move_that_is_an_mi_skill_counts_as_one_in_the_summary(tmp_path: Path) -> None:
    """Respecting Sam's choice was credited turn by turn, yet the summary said
    "MI-adherent: 0" whenever the skill reading had heard something else."""
    from bot.engine.summary import summarize

    practice = _edited_mini(tmp_path, "    feedback: A concrete, small step.\n",
                            "    feedback: A concrete, small step.\n"
                            "    skills: [seek_collaboration]\n")
    session = practice.start()
    practice.turn(session, REFLECT)
    practice.turn(session, INVITE)
    session.turns[-1].skills = []  # whatever the skill reading heard
    assert summarize(practice.scenario, session).adherent == 1
    session.turns[-1].skills = [MoveGuess("seek_collaboration", 0.9)]
    assert summarize(practice.scenario, session).adherent == 1  # once per turn


def test_a_move_can_only_declare_an_mi_adherent_skill(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(MINI.read_text(encoding="utf-8").replace(
        "    feedback: A concrete, small step.\n",
        "    feedback: A concrete, small step.\n    skills: [advise]\n"), encoding="utf-8")
    [problem] = validate_paths([path])
    assert (problem.line, problem.column) == (35, 14) and "affirm" in problem.message, problem


def test_taking_back_a_poor_move_is_a_repair_only_after_making_it() -> None:
    """'Forget the group idea' read as a group referral, and Sam argued against the
    idea the trainee had just dropped (a play-test). A take-back now cancels the
    move when the trainee made it lately; otherwise the message is read as it is."""
    from tests.scenarios import flagship_practice

    practice = flagship_practice()
    take_back = "Forget the group idea, I'd rather offer something just for the two of you."
    assert "refer_support_group" in practice.recognizer.recognize(take_back).retracted
    session = practice.start()
    referral = practice.turn(session, "There's a couples support group on Thursdays.")
    assert referral.main_move == "refer_support_group"
    repair = practice.turn(session, take_back)
    assert "refer_support_group" not in [m.id for m in repair.moves]
    fresh = practice.start()
    first = practice.turn(fresh, take_back)
    assert "refer_support_group" in [m.id for m in first.moves]


def test_a_move_declared_a_reflection_is_shown_and_counted_as_one(tmp_path: Path) -> None:
    """A play-tester was told "Reflecting Sam's concern" and "How you said it:
    small talk or other" in one turn, and the summary then counted 0.0
    reflections per question: the skill layer had read the message as "other"."""
    from bot.engine.feedback import render_plain
    from bot.engine.recognition import Recognition, SkillNote
    from bot.engine.session import MoveGuess
    from bot.engine.summary import summarize

    practice = _edited_mini(tmp_path, "    label: Reflection\n",
                            "    label: Reflection\n    behaviour: reflection\n")
    note = SkillNote("other", 0.5, [MoveGuess("closed_question", 0.7), MoveGuess("affirm", 0.6)])
    lexical = ScenarioRecognizer(practice.scenario, with_skills=False)

    class Misheard:
        def recognize(self, text: str, previous: str | None = None,
                      earlier: tuple[str, ...] = ()) -> Recognition:
            return Recognition(lexical.recognize(text, previous).moves, note)

        def read_skills(self, text: str, previous: str | None = None) -> SkillNote:
            return note

    practice = Practice(practice.scenario, Misheard())
    session = practice.start()
    result = practice.turn(session, REFLECT)
    assert [m.move for m in result.feedback.moves] == ["reflect"]
    shown = result.feedback.skills
    assert shown is not None and shown.behaviour == "reflection"
    assert [s.id for s in shown.skills] == ["affirm"]  # the question guess contradicted it
    assert "How you said it: a reflection, an affirmation" in render_plain(result.feedback, "en")
    summary = summarize(practice.scenario, session)
    assert summary.reflections == 1 and summary.questions == 0
    # A move without a declared behaviour keeps the skill layer's reading.
    plain = Practice(parse_scenario(MINI), Misheard())
    other = plain.start()
    assert plain.turn(other, REFLECT).feedback.skills.behaviour == "other"  # type: ignore[union-attr]


def test_how_you_said_it_names_what_the_credited_moves_are_declared_to_be(
        tmp_path: Path) -> None:
    """The summary counts a credited move's declared skills and behaviours, but
    "How you said it" showed only the skill reading: "giving information" beside
    a credited reflection and collaboration (thirty-fourth play-test: 8 of 77
    lines left out what the move list had just credited)."""
    from bot.engine.recognition import SkillNote
    from bot.engine.summary import summarize

    text = MINI.read_text(encoding="utf-8")
    text = text.replace("    label: Reflection\n",
                        "    label: Reflection\n    behaviour: reflection\n", 1)
    text = text.replace("    label: Invitation\n", "    label: Invitation\n    behaviour: input\n"
                        "    skills: [seek_collaboration]\n", 1)
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    scenario = parse_scenario(path)
    note = SkillNote("input", 0.8, [MoveGuess("giving_information", 0.8)])
    practice = Practice(scenario, FixedReading(
        [MoveGuess("invite", 0.9), MoveGuess("reflect", 0.9)], note))
    session = practice.start()
    result = practice.turn(session, REFLECT)
    assert ("How you said it: seeking collaboration, a reflection, giving information"
            in render_plain(result.feedback, "en"))
    summary = summarize(scenario, session)
    assert summary.reflections == 1 and summary.adherent == 1  # what the line now names
    # A behaviour the reading has a skill of is not named twice, nor the note's own.
    read = SkillNote("reflection", 0.8, [MoveGuess("complex_reflection", 0.8)])
    again = Practice(scenario, FixedReading([MoveGuess("reflect", 0.9)], read))
    line = render_plain(again.turn(again.start(), REFLECT).feedback, "en")
    assert "How you said it: a complex reflection\n" in line
    # Beside a sure unhelpful move nothing is credited: only a non-adherent skill shows.
    pushed = Practice(scenario, FixedReading(
        [MoveGuess("pressure", 0.95), MoveGuess("invite", 0.9)], note))
    assert pushed.turn(pushed.start(), REFLECT).feedback.skills is None


def test_a_greeting_never_counts_as_a_reflection_but_a_reflection_beside_one_does() -> None:
    """A greeting read as a "simple reflection" made the summary say "1 reflections and
    no questions" (seventh play-test)."""
    from tests.scenarios import flagship_practice

    practice = flagship_practice()
    greeting = practice.turn(practice.start(seed=1),
                             "hi sam its alex's social worker, thanks for picking up")
    assert greeting.main_move == "greet"
    assert greeting.feedback.skills is not None and greeting.feedback.skills.behaviour == "other"
    both = practice.turn(practice.start(seed=1),
                         "Hi Sam, thanks for picking up. It sounds like you're not sure why "
                         "you've been asked to talk to me.")
    assert {m.id for m in both.moves} >= {"greet", "reflect_concern"}
    assert both.feedback.skills is not None and both.feedback.skills.behaviour == "reflection"


@pytest.mark.parametrize(("text", "move", "behaviour"), [
    ("It wouldn't be about you being the problem. It would be about how the two of you "
     "are together.", "frame_relationship", "input"),
    ("A lot of partners feel exactly that. When one of you changes, it shifts things for "
     "both of you.", "normalize", "input"),
    ("It's your decision, and if one session doesn't feel useful, you can stop there.",
     "emphasize_autonomy", "other"),
    ("You've been holding things steady while Alex changes, that takes a lot.",
     "affirm_partner", "other"),
])
def test_framing_normalising_autonomy_and_affirming_are_not_counted_as_reflections(
    text: str, move: str, behaviour: str
) -> None:
    """A trainee who tapped the framing and autonomy replies read "5.0 reflections per
    question" against the tester's 2.7: the skill layer hears a reflection in 345 of
    488 held-out framing lines and 282 of 484 normalising ones (23rd play-test)."""
    from bot.engine.summary import summarize
    from tests.scenarios import flagship_practice

    practice = flagship_practice()
    session = practice.start(seed=3)
    result = practice.turn(session, text)
    assert move in [m.id for m in result.moves]
    assert result.feedback.skills is not None
    assert result.feedback.skills.behaviour == behaviour
    assert summarize(practice.scenario, session).reflections == 0


def test_beside_a_poor_move_only_a_non_adherent_skill_is_shown() -> None:
    """No skill line was shown on any turn with a poor move, so a confrontation was
    never named, though the summary counts it (eighth play-test)."""
    from bot.engine.feedback import render_plain
    from tests.scenarios import flagship_practice

    practice = flagship_practice()
    result = practice.turn(practice.start(seed=2),
                           "You're just being stubborn, that's the real problem here.")
    assert result.main_move == "blame_partner"
    [line] = [x for x in render_plain(result.feedback, "en").splitlines()
              if x.startswith("How you said it")]
    assert line == "How you said it: a confrontation"


def test_pushing_or_referring_elsewhere_is_named_advice_without_permission() -> None:
    """A pushy turn and a referral showed no "How you said it" line at all, where MI
    coding calls both persuading without permission (twenty-fourth play-test)."""
    from bot.engine.feedback import render_plain
    from bot.engine.recognition import SkillNote
    from tests.scenarios import flagship_practice

    flagship = flagship_practice().scenario
    for move in ("pressure", "refer_individual_therapy", "refer_support_group"):
        practice = Practice(flagship, FixedReading([MoveGuess(move, 0.95)],
                                                   SkillNote("question", 0.9, [])))
        result = practice.turn(practice.start(seed=2), "You really need to come, you know.")
        lines = [x for x in render_plain(result.feedback, "en").splitlines()
                 if x.startswith("How you said it")]
        # MI's "persuade", named so: "advice without permission" beside pressure
        # that gave no advice read as wrong (play-test 39).
        assert lines == ["How you said it: persuading without permission"], (move, lines)


def test_a_turn_with_an_unhelpful_move_and_no_skill_to_name_says_why_it_is_not_rated() -> None:
    """Thirty-sixth play-test: "How you said it" vanished on five turns with a breach,
    jargon or siding, unexplained, while other unhelpful turns showed one."""
    from bot.engine.feedback import render_plain
    from bot.engine.recognition import SkillNote
    from tests.scenarios import flagship_practice

    flagship = flagship_practice().scenario
    practice = Practice(flagship, FixedReading([MoveGuess("breach_confidentiality", 0.95)],
                                               SkillNote("reflection", 0.9, [])))
    result = practice.turn(practice.start(seed=2), "Alex told me you never listen.")
    assert result.feedback.skills is None
    lines = [x for x in render_plain(result.feedback, "en").splitlines()
             if x.startswith("How you said it")]
    # Not "no skill to name": beside a question or a reflection the moves had
    # just credited, that read as a contradiction (play-test 39, three turns).
    assert lines == ["How you said it: not rated beside an unhelpful move; your summary "
                     "counts the turn as MI-non-adherent"]
    # With a question beside the slip the line says the summary leaves it out,
    # as the summary says (review 45), with or without a skill to name.
    for moves, said in (
            ([MoveGuess("breach_confidentiality", 0.95)],
             "not rated beside an unhelpful move; your summary counts the turn as "
             "MI-non-adherent and leaves out its question"),
            ([MoveGuess("explore_concerns", 0.9), MoveGuess("pressure", 0.95)],
             "persuading without permission; your summary leaves out this turn's question, as on "
             "every turn with an unhelpful move not marked \"not sure\"")):
        practice = Practice(flagship, FixedReading(moves, SkillNote("question", 0.9, [])))
        result = practice.turn(practice.start(seed=2), "What worries you? Alex told me a bit.")
        assert f"How you said it: {said}" in render_plain(result.feedback, "en")
    # Told "not sure", the slip is a guess and the line shows the skill reading,
    # saying that the summary leaves the turn out (review 44: the line showed a
    # reflection the summary's counts then lacked, with no word why).
    practice = Practice(flagship, FixedReading([MoveGuess("breach_confidentiality", 0.6)],
                                               SkillNote("reflection", 0.9, [])))
    result = practice.turn(practice.start(seed=2), "Alex told me you never listen.")
    assert not result.feedback.skills_set_aside
    assert [x for x in render_plain(result.feedback, "en").splitlines()
            if x.startswith("How you said it")] == [
        "How you said it: a reflection; left out of your summary's counts, as the bot is "
        "not sure what you meant"]
    assert "nicht mitgezählt" in render_plain(result.feedback, "de")
    # ...but not where the reading names nothing the summary counts (fortieth
    # play-test: "giving information; left out of your summary's counts").
    practice = Practice(flagship, FixedReading([MoveGuess("breach_confidentiality", 0.6)],
                                               SkillNote("input", 0.9, [])))
    result = practice.turn(practice.start(seed=2), "Alex told me you never listen.")
    lines = [x for x in render_plain(result.feedback, "en").splitlines()
             if x.startswith("How you said it")]
    assert len(lines) == 1 and "left out" not in lines[0], lines
    # A doubted slip whose reading names persuading is left out too (review 46).
    practice = Practice(flagship, FixedReading([MoveGuess("breach_confidentiality", 0.6)],
                                               SkillNote("input", 0.9, [MoveGuess("advice", 0.7)])))
    result = practice.turn(practice.start(seed=2), "Alex told me you never listen.")
    assert "left out of your summary's counts" in render_plain(result.feedback, "en")
    # Beside a helpful move, the slip's own reading is not what is left out:
    # blame worded as a reflection was "a reflection the summary left out".
    practice = Practice(flagship, FixedReading(
        [MoveGuess("address_practicalities", 0.9), MoveGuess("blame_partner", 0.95)],
        SkillNote("reflection", 0.9, [])))
    result = practice.turn(practice.start(seed=2), "We could do evenings. You make it hard.")
    assert "leaves out" not in render_plain(result.feedback, "en")
    # Beside a helpful move the doubted slip changes nothing: the turn counts.
    practice = Practice(flagship, FixedReading(
        [MoveGuess("reflect_concern", 0.9), MoveGuess("breach_confidentiality", 0.6)],
        SkillNote("reflection", 0.9, [])))
    result = practice.turn(practice.start(seed=2), "Alex told me you never listen.")
    assert "left out of your summary" not in render_plain(result.feedback, "en")
    # Not understood: no line at all, whatever the skill reading heard.
    practice = Practice(flagship, FixedReading([], SkillNote("reflection", 0.9, [])))
    result = practice.turn(practice.start(seed=2), "qwerty asdf")
    assert not result.feedback.understood
    assert "How you said it" not in render_plain(result.feedback, "en")


def test_the_summary_counts_a_word_or_two_apart_from_messages_not_understood() -> None:
    """"Exactly." was listed as a message not understood (eighth play-test)."""
    from bot.engine.summary import render_summary, summarize

    practice = mini_practice()
    session = practice.start()
    for text in ("ok", "what time does the shop open on sundays", "right"):
        practice.turn(session, text)
    summary = summarize(practice.scenario, session)
    assert (summary.unclear, summary.short) == (1, 2)
    text = render_summary(summary, practice.scenario, "en")
    assert "Messages not understood: 1" in text and "Your messages of a word or two: 2" in text


@pytest.mark.parametrize(("confidence", "hedged"), [(0.62, True), (0.95, False)])
def test_a_poor_move_read_with_little_confidence_is_told_as_a_possibility(
    confidence: float, hedged: bool
) -> None:
    """Below 0.8, a third of poor-move reads on held-out sets were warm messages
    ("Where do you think the trouble between you two comes from?" as blame), and
    the feedback told the trainee flatly that they had blamed Sam."""
    from bot.engine.feedback import render_plain
    from bot.telegram.conversation import Conversation

    practice = mini_practice()
    unsure = Practice(practice.scenario, FixedReading([MoveGuess("pressure", confidence)]))
    result = unsure.turn(unsure.start(), PRESSURE)
    [item] = result.feedback.moves
    assert item.kind == "poor" and item.better  # the better way is offered either way
    plain = render_plain(result.feedback, "en")
    html = Conversation.__new__(Conversation)._feedback_html(result.feedback, "en")
    german = render_plain(result.feedback, "de")
    assert ("not sure: your words could be read this way" in plain) is hedged
    assert ("<i>not sure: your words could be read this way</i>" in html) is hedged
    assert ("nicht sicher" in german) is hedged
    # ...and so is the move's own text ("ETHICS WARNING: you revealed…"): fourteenth play-test.
    assert item.text.startswith("If it was meant that way: ") is hedged
    assert ("If it was meant that way: " in html) is hedged


def test_the_hedge_before_a_moves_text_is_in_the_language_of_that_text() -> None:
    """A German trainee on an English-only scenario read "Falls es so gemeint war:"
    before English feedback (noted at the sixteenth play-test)."""
    practice = mini_practice()
    unsure = Practice(practice.scenario, FixedReading([MoveGuess("pressure", 0.6)]))
    [item] = unsure.turn(unsure.start(language="de"), PRESSURE).feedback.moves
    assert item.text.startswith("If it was meant that way: ")


_CLOSED_TIP = """    feedback: Putting Sam's worry into words lowers the guard.
    skill_notes:
      closed_question: Ask it openly, with what or how.
"""


_CLOSED = "have you ever been to counselling?"


@pytest.mark.parametrize(
    ("skills", "text", "tipped"),
    [
        ([MoveGuess("closed_question", 0.87)], _CLOSED, True),
        ([MoveGuess("closed_question", 0.55)], _CLOSED, False),  # "this reads like…": no tip
        ([MoveGuess("open_question", 0.9)], "what has counselling been like?", False),
        # The wording decides the kind: "have you ever…" is closed however it was read.
        ([MoveGuess("open_question", 0.9)], _CLOSED, True),
    ],
)
def test_a_move_gives_its_tip_when_the_skill_line_names_that_skill(
    tmp_path: Path, skills: list[MoveGuess], text: str, tipped: bool
) -> None:
    """"Have you ever been to counselling?" was praised as "Open question about
    Sam's view" right above "How you said it: a closed question" (ninth play-test)."""
    from bot.engine.feedback import render_plain
    from bot.engine.recognition import SkillNote
    from bot.telegram.conversation import Conversation

    tipped_mini = _edited_mini(tmp_path, "    feedback: Putting Sam's worry into words lowers "
                               "the guard.\n", _CLOSED_TIP)
    note = SkillNote("question", 0.9, skills)
    practice = Practice(tipped_mini.scenario, FixedReading([MoveGuess("reflect", 0.9)], note))
    result = practice.turn(practice.start(), text)
    [item] = result.feedback.moves
    assert (item.tip == "Ask it openly, with what or how.") is tipped
    plain = render_plain(result.feedback, "en")
    html = Conversation.__new__(Conversation)._feedback_html(result.feedback, "en")
    assert ("  Tip: Ask it openly, with what or how." in plain) is tipped
    assert ("<i>Tip</i>: Ask it openly, with what or how." in html) is tipped
    # The scenario's own guided options get no tips on their wording.
    [chosen] = practice.turn(practice.start(), "", option=0).feedback.moves
    assert chosen.move == "reflect" and chosen.tip is None


def test_the_summary_names_the_unhelpful_moves() -> None:
    """An ethics warning given mid-call vanished from a summary that ended in
    agreement: the summary only said "Unhelpful moves: 1" (ninth play-test)."""
    from bot.engine.summary import render_summary, summarize

    practice = mini_practice()
    session = practice.start()
    for text in (REFLECT, PRESSURE):
        practice.turn(session, text)
    text = render_summary(summarize(practice.scenario, session), practice.scenario, "en")
    assert "Unhelpful moves: 1 (Pressure ×1)" in text.splitlines()
    clean = practice.start()
    practice.turn(clean, REFLECT)
    text = render_summary(summarize(practice.scenario, clean), practice.scenario, "en")
    assert "Unhelpful moves: 0" in text.splitlines()


def test_a_question_beside_a_reflection_gets_the_answer(tmp_path: Path) -> None:
    """"that sounds lonely. what's changed for u" got Sam's answer to the
    reflection, and the question went unanswered (ninth play-test)."""

    mini = _edited_mini(tmp_path, "    feedback: A concrete, small step.\n",
                        "    feedback: A concrete, small step.\n    behaviour: question\n")

    both = FixedReading([MoveGuess("reflect", 0.95), MoveGuess("invite", 0.7)])
    practice = Practice(mini.scenario, both)
    session = practice.start()
    session.state, session.meter = "warming", 1  # neither move takes Sam anywhere new
    result = practice.turn(session, "that sounds hard. would you come once?")
    assert result.main_move == "invite" and result.reply == "Not yet. I'm not sure."
    assert result.meter_after == 4  # both moves still count
    # A move that takes Sam somewhere new still decides, question or not.
    moving = practice.start()
    assert practice.turn(moving, "that sounds hard. would you come once?").main_move == "reflect"
    # A question this state has no reaction to does not silence the reflection's reply.
    text = mini.scenario.path.read_text(encoding="utf-8")
    staying = "    on:\n      reflect: guarded\n"
    assert staying in text
    mini.scenario.path.write_text(text.replace(
        staying, '    on:\n      reflect:\n        lines: ["Fine. Go on."]\n'), encoding="utf-8")
    edited = Practice(parse_scenario(mini.scenario.path), both)
    cornered = edited.start()
    cornered.state = "defensive"
    result = edited.turn(cornered, "that sounds hard. would you come once?")
    assert result.main_move == "reflect" and result.reply == "Fine. Go on."


def test_the_summary_marks_the_unhelpful_moves_told_as_not_sure() -> None:
    """The turn said "not sure: your words could be read this way"; the summary
    then listed the move as flatly as a certain one (review)."""
    from bot.engine.recognition import Recognition, SkillNote
    from bot.engine.summary import render_summary, summarize

    mini = mini_practice()
    reads = iter([0.62, 0.95])

    class Doubtful:
        def recognize(self, text: str, previous: str | None = None,
                      earlier: tuple[str, ...] = ()) -> Recognition:
            return Recognition([MoveGuess("pressure", next(reads))])

        def read_skills(self, text: str, previous: str | None = None) -> SkillNote | None:
            return None

    practice = Practice(mini.scenario, Doubtful())
    session = practice.start()
    session.meter = 10  # two pushes from the start would end the call
    for text in ("one", "two"):
        practice.turn(session, text)
    text = render_summary(summarize(practice.scenario, session), practice.scenario, "en")
    assert "Unhelpful moves: 2 (Pressure ×2 (1 not sure))" in text.splitlines()


@pytest.mark.parametrize(("sure", "line"), [
    (0.9, "How you said it: a closed question"),
    # Unsure, the skill layer's question gives way to the declared reflection, but
    # the wording still shows it is a question (fourteenth play-test), hedged.
    (0.7, "How you said it: this reads like a closed question"),
])
def test_a_guess_asked_as_a_question_counts_as_a_question(
    tmp_path: Path, sure: float, line: str
) -> None:
    """"do u feel a bit put on the spot?" was shown as "a reflection", and a trainee
    with about 0.4 reflections per question read 2.3 in the summary (tenth play-test)."""
    from bot.engine.feedback import render_plain
    from bot.engine.recognition import SkillNote
    from bot.engine.summary import summarize

    mini = _edited_mini(tmp_path, "    label: Reflection\n",
                        "    label: Reflection\n    behaviour: reflection\n")
    note = SkillNote("question", sure, [MoveGuess("closed_question", 0.8)])
    practice = Practice(mini.scenario, FixedReading([MoveGuess("reflect", 0.9)], note))
    session = practice.start()
    result = practice.turn(session, "do you feel a bit put on the spot?")
    assert result.feedback.skills is not None and result.feedback.skills.behaviour == "question"
    assert line in render_plain(result.feedback, "en").splitlines()
    summary = summarize(practice.scenario, session)
    assert (summary.questions, summary.reflections) == (1, 0)


_NOTES = """    debrief: You listened first, then invited.
    debrief_notes:
      - if: reflect >= 2
        text: You reflected more than once.
      - if: pressure >= 1
        text: You pushed on the way.
      - if: unhelpful == 0
        text: Nothing unhelpful on the way.
"""


def test_the_debrief_adds_only_the_notes_that_fit_the_conversation(tmp_path: Path) -> None:
    """Every play-tested win got the same debrief, praising framing that one trainee
    never did and leaving out a confidentiality warning (ninth and tenth play-tests)."""
    from bot.engine.summary import render_summary, summarize

    practice = _edited_mini(tmp_path, "    debrief: You listened first, then invited.\n", _NOTES)

    def debrief(texts: list[str]) -> str:
        session = practice.start()
        for text in texts:
            practice.turn(session, text)
        assert session.state == "agreed"
        return summarize(practice.scenario, session).debrief

    clean = "\n\nNothing unhelpful on the way."
    once = debrief([REFLECT, INVITE])
    assert once == "You listened first, then invited." + clean
    twice = debrief([REFLECT, REFLECT, INVITE])
    assert twice == "You listened first, then invited.\n\nYou reflected more than once." + clean
    pushed = debrief([REFLECT, REFLECT, PRESSURE, REFLECT, REFLECT, INVITE])
    assert pushed.endswith("You pushed on the way.") and "Nothing unhelpful" not in pushed
    session = practice.start()
    for text in (REFLECT, REFLECT, INVITE):
        practice.turn(session, text)
    rendered = render_summary(summarize(practice.scenario, session), practice.scenario, "en")
    assert rendered.endswith("You reflected more than once." + clean)


_STOPPED = """stopped_early:
  debrief: You stopped before Sam decided.
  debrief_notes:
    - if: turn <= 1
      text: That was very early.
    - if: reflect >= 1 and openness >= 5
      text: Sam had begun to listen.
rules:
"""


def test_stopping_early_gives_the_stopped_early_debrief_with_the_notes_that_fit(
    tmp_path: Path,
) -> None:
    """/end before an ending showed figures and no debrief: a trainee who stopped
    midway read nothing about where they stood or what came next (twenty-fifth
    play-test). A scenario without ``stopped_early`` still shows the figures only."""
    from bot.engine.summary import render_summary, summarize

    practice = _edited_mini(tmp_path, "rules:\n", _STOPPED)
    session = practice.start()
    assert summarize(practice.scenario, session).debrief == (
        "You stopped before Sam decided.\n\nThat was very early.")
    practice.turn(session, REFLECT)
    practice.turn(session, "hello there")
    summary = summarize(practice.scenario, session)
    assert not session.ended and summary.outcome == "neutral"
    assert summary.debrief == "You stopped before Sam decided.\n\nSam had begun to listen."
    assert render_summary(summary, practice.scenario, "en").endswith("Sam had begun to listen.")
    plain = mini_practice()
    assert summarize(plain.scenario, plain.start()).debrief == ""


class _Scripted:
    """The real recogniser, but for the messages given a fixed reading."""

    def __init__(self, real: Recognizer, readings: dict[str, list[MoveGuess]]) -> None:
        self.real, self.readings = real, readings

    def recognize(self, text: str, previous: str | None = None,
                  earlier: tuple[str, ...] = ()) -> Recognition:
        if text in self.readings:
            return Recognition(self.readings[text])
        return self.real.recognize(text, previous)

    def read_skills(self, text: str, previous: str | None = None) -> None:
        return None


def test_a_poor_move_read_unsure_is_left_out_of_the_debrief(tmp_path: Path) -> None:
    """A neutral question about Alex's request, read as a breach at low confidence,
    made the win's debrief say "Sharing that is an ethics breach whatever the
    outcome" (fourteenth play-test). The turn said "not sure"; the debrief now says
    nothing of it, and the summary still lists it as not sure."""
    from bot.engine.summary import render_summary, summarize

    practice = _edited_mini(tmp_path, "    debrief: You listened first, then invited.\n", _NOTES)
    doubted = {"Alex asked if you'd come along?": [MoveGuess("pressure", 0.62)]}
    unsure = Practice(practice.scenario, _Scripted(practice.recognizer, doubted))
    session = unsure.start()
    for text in (REFLECT, REFLECT, "Alex asked if you'd come along?", REFLECT, REFLECT, INVITE):
        unsure.turn(session, text)
    assert session.state == "agreed"
    summary = summarize(unsure.scenario, session)
    assert "You pushed on the way." not in summary.debrief
    assert "Nothing unhelpful on the way." in summary.debrief
    assert "Pressure ×1 (1 not sure)" in render_summary(summary, unsure.scenario, "en")
    # ...but named, as a doubt, at the end: a trainee whose slips were all
    # doubted heard nothing of them in the debrief (thirty-third play-test).
    label = unsure.scenario.moves["pressure"].label
    assert summary.debrief.endswith(f"The bot was not sure about some messages, which may have "
                                    f"come across as “{label}”. It may be how they sounded, or a "
                                    "misreading; the transcript shows those turns with what to "
                                    "try instead.")


def test_a_move_read_sure_once_is_not_named_again_as_a_doubt(tmp_path: Path) -> None:
    from bot.engine.summary import summarize

    practice = _edited_mini(tmp_path, "    debrief: You listened first, then invited.\n", _NOTES)
    readings = {"Alex asked if you'd come along?": [MoveGuess("pressure", 0.62)],
                "come, now": [MoveGuess("pressure", 0.95)]}
    twice = Practice(practice.scenario, _Scripted(practice.recognizer, readings))
    session = twice.start()
    for text in ("Alex asked if you'd come along?", "come, now"):
        twice.turn(session, text)
    debrief = summarize(twice.scenario, session).debrief
    assert debrief and "not sure" not in debrief


def test_a_doubtful_poor_move_makes_sam_ask_and_costs_half(tmp_path: Path) -> None:
    """"Is it the worry about what Alex might have told me?" was read as a breach
    (0.69) and Sam turned hostile for several turns: the play-testers' most unfair
    moment (ninth and eleventh play-tests)."""
    mini = mini_practice()
    unsure = Practice(mini.scenario, FixedReading([MoveGuess("pressure", 0.62)]))
    session = unsure.start()
    session.meter = 5
    result = unsure.turn(session, "shall we just get on with it")
    assert result.state_after == "guarded"  # no move to "defensive"
    assert result.meter_after == 4  # -3 halved, rounded down
    assert result.reply in {"Sorry, what do you mean?", "I don't follow.", "Come again?"}
    [item] = result.feedback.moves
    assert item.note is not None and "wasn't sure how you meant it" in item.note
    assert item.better  # the better way is still shown
    # A sure read of the same move gets the scenario's own reaction.
    sure = Practice(mini.scenario, FixedReading([MoveGuess("pressure", 0.95)]))
    session = sure.start()
    session.meter = 5
    result = sure.turn(session, "you have to come")
    assert (result.state_after, result.meter_after) == ("defensive", 2)
    # The scenario's own wary lines are used when it has them.
    doubting, session = _playing(_asking_mini(tmp_path))
    assert doubting.turn(session, "shall we just get on with it").reply == "Hang on. Meaning what?"


def _asking_mini(tmp_path: Path, again: str = "") -> Scenario:
    """The mini fixture whose partner asks "Hang on. Meaning what?" when unsure
    and, given ``again``, lets the next doubtful message pass with it."""
    passing = f'  doubt_again_lines: ["{again}"]\n' if again else ""
    return _edited_mini(tmp_path, '  lines: ["Sorry, what do you mean?", "I don\'t follow.", '
                        '"Come again?"]\n', '  lines: ["Sorry, what do you mean?"]\n'
                        '  doubt_lines: ["Hang on. Meaning what?"]\n' + passing).scenario


def _playing(scenario: Scenario, reading: Recognizer | None = None) -> tuple[Practice, Session]:
    """A practice that reads every message as pressure, unsure, and a session at 8."""
    practice = Practice(scenario, reading or FixedReading([MoveGuess("pressure", 0.62)]))
    session = practice.start()
    session.meter = 8
    return practice, session


def test_the_partner_does_not_ask_what_was_meant_twice_running(tmp_path: Path) -> None:
    """Three puzzled "What do you mean?" in a row replaced any reaction to being
    argued with, and read as obtuse (thirty-fourth play-test): asked last time,
    the partner lets the next doubtful message pass, and the trainee is told so."""
    asking = _asking_mini(tmp_path, "Okay. I'll let that go.")
    doubting, session = _playing(asking)
    replies = [doubting.turn(session, "shall we just get on with it") for _ in range(3)]
    assert [r.reply for r in replies] == ["Hang on. Meaning what?", "Okay. I'll let that go.",
                                          "Hang on. Meaning what?"]
    assert "let it pass" in (replies[1].feedback.moves[0].note or "")
    assert "asked instead of reacting" in (replies[0].feedback.moves[0].note or "")
    # The next message answers the question let pass: the recogniser reads it
    # after that question, so "Not at all, I meant…" is a clarification (review:
    # read after "Okay. I'll let that go.", it was brushing Sam off).
    seen: list[str | None] = []

    class Spy(FixedReading):
        def recognize(self, text: str, previous: str | None = None,
                      earlier: tuple[str, ...] = ()) -> Recognition:
            seen.append(previous)
            return super().recognize(text, previous, earlier)

    spied, session = _playing(asking, Spy([MoveGuess("pressure", 0.62)]))
    for _ in range(3):
        spied.turn(session, "shall we just get on with it")
    assert seen[1:] == ["Hang on. Meaning what?", "Hang on. Meaning what?"]
    # After a reply to a message not understood, the doubt is still asked: the
    # next message must answer a question about what was meant (review: after
    # "Right. And?" to an "ok", a let-pass had the clarification read as
    # brushing Sam off).
    confused, session = _playing(asking, FixedReading([]))
    assert confused.turn(session, "qwerty").reply == "Sorry, what do you mean?"
    assert doubting.turn(session, "get on with it").reply == "Hang on. Meaning what?"
    # Without such lines the partner asks again, as before.
    again, session = _playing(_asking_mini(tmp_path))
    assert {again.turn(session, "get on with it").reply for _ in range(2)} == {
        "Hang on. Meaning what?"}


@pytest.mark.parametrize("effect", [0, -1])
def test_a_move_beside_the_main_one_is_worth_what_this_state_says(
    tmp_path: Path, effect: int
) -> None:
    """In ``testing`` practicalities are worth 0, yet beside an early invitation
    they raised Sam's openness while Sam said "Slow down" (thirtieth play-test).
    A helpful move beside the main one never costs points (review)."""
    mini = _edited_mini(tmp_path, """          lines: ["Slow down, I barely know you."]
""", f"""          lines: ["Slow down, I barely know you."]
          effect: {effect}
""")
    both = FixedReading([MoveGuess("reflect", 0.9), MoveGuess("invite", 0.8)])
    for scenario, after in ((mini.scenario, 3), (mini_practice().scenario, 4)):
        practice = Practice(scenario, both)
        session = practice.start()
        session.meter = 1
        # reflect +2; the early invitation 0 where its transition says so, else +1
        assert practice.turn(session, "sounds hard. would you come once?").meter_after == after


@pytest.mark.parametrize(("max_gain", "after"), [(None, 6), (2, 5)])
def test_a_scenario_can_cap_what_one_message_gains(
    tmp_path: Path, max_gain: int | None, after: int
) -> None:
    """A long message holding four good moves took Sam from 5 to 9 at once
    (seventeenth play-test); a scenario can say how far one message goes."""
    meter = "meter: {start: 3, min: 0, max: 10}"
    mini = mini_practice() if max_gain is None else _edited_mini(
        tmp_path, meter, meter.replace("}", f", max_gain: {max_gain}}}"))
    both = FixedReading([MoveGuess("reflect", 0.9), MoveGuess("invite", 0.9)])
    practice = Practice(mini.scenario, both)
    result = practice.turn(practice.start(), "sounds hard. would you come once?")
    assert result.meter_after == after  # reflect +2, invite +1
    assert result.feedback.capped == max_gain
    assert ("One message moves Sam only so far: 2 at most." in render_plain(result.feedback, "en")
            ) is (max_gain is not None)
    # A long message that hits the cap is told what else a long message costs
    # (thirtieth play-test: nine sentences, seven good moves, no word on length).
    long = practice.turn(practice.start(), "It sounds hard, and I hear it. " * 12)
    long_note = "A long message is also a lot to take in on a short call"
    assert (long_note in render_plain(long.feedback, "en")) is (max_gain is not None)
    assert long_note not in render_plain(result.feedback, "en")
    # A loss is never capped.
    practice = Practice(mini.scenario, FixedReading([MoveGuess("pressure", 0.95)]))
    session = practice.start()
    session.meter = 8
    assert practice.turn(session, PRESSURE).meter_after == 5


def test_beside_a_sure_good_move_a_doubtful_poor_one_is_not_what_sam_answers() -> None:
    """An early invitation also read, unsure, as pressure got "What are you actually
    saying about me?" and no "not yet"; a reflection of Sam's own words also read,
    unsure, as a breach got "What do you mean?" (seventeenth play-test)."""
    mini = mini_practice()
    reading = FixedReading([MoveGuess("invite", 0.9), MoveGuess("pressure", 0.62)])
    practice = Practice(mini.scenario, reading)
    session = practice.start()
    session.meter = 4
    result = practice.turn(session, "would you come to a session with Alex next week?")
    assert result.main_move == "invite"
    assert result.reply == "Slow down, I barely know you."  # the invitation's own answer
    assert result.meter_after == 4  # the invitation's +1, the pressure's -3 halved: -1
    invite, pressure = result.feedback.moves
    assert invite.note is not None and "barely knows you" in invite.note
    assert pressure.unsure and pressure.note is not None and "cost less" in pressure.note
    assert "asked" not in pressure.note


def test_a_doubtful_poor_move_that_empties_the_meter_still_ends_the_call() -> None:
    """The rules still apply: Sam does not ask, and the note does not say so."""
    mini = mini_practice()
    unsure = Practice(mini.scenario, FixedReading([MoveGuess("pressure", 0.62)]))
    session = unsure.start()
    session.meter = 1
    result = unsure.turn(session, "shall we just get on with it")
    assert result.ending == "walked_away"
    note = result.feedback.moves[0].note
    assert note is not None and "asked" not in note and "cost less" in note


@pytest.mark.parametrize(("effect", "sure_cost", "doubtful_cost"),
                         [("-1", 1, 0), ("-2", 2, 1), ("-5", 5, 2)])
def test_a_doubtful_read_costs_half_what_the_sure_reaction_would(
    tmp_path: Path, effect: str, sure_cost: int, doubtful_cost: int
) -> None:
    """Halving the move's own effect ignored a transition's override, so a doubtful
    read could cost more than a sure one; and -1 "halved" stayed -1 (review)."""
    overridden = f"    to: defensive\n    effect: {effect}\n"
    mini = _edited_mini(tmp_path, "    to: defensive\n", overridden)

    def cost(confidence: float) -> int:
        practice = Practice(mini.scenario, FixedReading([MoveGuess("pressure", confidence)]))
        session = practice.start()
        session.meter = 8
        return 8 - practice.turn(session, "come on").meter_after

    assert (cost(0.95), cost(0.62)) == (sure_cost, doubtful_cost)


def test_a_reflection_then_an_open_question_counts_as_both(tmp_path: Path) -> None:
    """"sounds exhausting. whats the hardest bit" read as a sure open question, so a
    phone typist who reflected in every message read 0.2 reflections per question
    (twelfth play-test); then as a reflection alone, so the thirteenth play-test's
    summaries read 2.0 and 4.0 where a coder counted 0.7 and 1.3."""
    from bot.engine.recognition import SkillNote
    from bot.engine.summary import summarize

    mini = _edited_mini(tmp_path, "    label: Reflection\n",
                        "    label: Reflection\n    behaviour: reflection\n")
    note = SkillNote("question", 0.9, [MoveGuess("open_question", 0.8)])
    alone = Practice(mini.scenario, FixedReading([MoveGuess("reflect", 0.9)], note))
    session = alone.start()
    result = alone.turn(session, "sounds exhausting. whats the hardest bit")
    assert result.feedback.skills is not None and result.feedback.skills.behaviour == "reflection"
    assert (summarize(mini.scenario, session).reflections,
            summarize(mini.scenario, session).questions) == (1, 1)
    # A reflection alone is one reflection, whatever the skill layer guessed.
    plain = alone.start()
    alone.turn(plain, "that sounds exhausting.")
    assert (summarize(mini.scenario, plain).reflections,
            summarize(mini.scenario, plain).questions) == (1, 0)
    # With a question move read beside it, the turn counts one of each.
    path = mini.scenario.path
    assert path is not None
    text = path.read_text(encoding="utf-8").replace(
        "    feedback: A concrete, small step.\n",
        "    feedback: A concrete, small step.\n    behaviour: question\n")
    path.write_text(text, encoding="utf-8")
    asking = Practice(parse_scenario(path), mini.recognizer)
    both = Practice(asking.scenario,
                    FixedReading([MoveGuess("reflect", 0.9), MoveGuess("invite", 0.8)], note))
    session = both.start()
    both.turn(session, "sounds exhausting. would you come once?")
    summary = summarize(asking.scenario, session)
    assert (summary.reflections, summary.questions) == (1, 1)


def test_a_transition_can_ask_whether_anything_unhelpful_was_said(tmp_path: Path) -> None:
    """``unhelpful`` counts the messages with a poor move, this one included."""
    practice = _edited_mini(tmp_path, "          if: openness >= 5\n",
                            "          if: openness >= 5 and unhelpful == 0\n")
    clean = practice.start()
    for text in (REFLECT, INVITE):
        result = practice.turn(clean, text)
    assert result.ending == "agreed"
    pushed = practice.start()
    pushed.meter = 8
    for text in (PRESSURE, REFLECT, REFLECT, INVITE):
        result = practice.turn(pushed, text)
    assert result.ending is None and result.reply == "Not yet. I'm not sure."


def test_conditions_count_reflections_and_questions_as_the_summary_does(tmp_path: Path) -> None:
    """A trainee with 1 reflection and 13 questions was praised for "putting Sam's
    worries into words": checking questions read as the reflection move, and the
    debrief counted the move (fourteenth play-test)."""
    from bot.engine.practice import condition_values
    from bot.engine.summary import summarize

    mini = _edited_mini(tmp_path, "    label: Reflection\n",
                        "    label: Reflection\n    behaviour: reflection\n")
    practice = Practice(mini.scenario, FixedReading([MoveGuess("reflect", 0.9)]))
    session = practice.start()
    for text in ("do you feel left out", "are you worried it's about you?",
                 "that sounds lonely. what has changed for you?", "That sounds hard."):
        practice.turn(session, text)
    values = condition_values(practice.scenario, session, meter=session.meter, turn=session.turn)
    summary = summarize(practice.scenario, session)
    assert (values["reflections"], values["questions"]) == (2, 3)
    assert (summary.reflections, summary.questions) == (2, 3)
    assert values["reflect"] == 4  # the move itself was read every time


def test_a_question_worded_after_a_reflection_is_named_in_the_skill_line(
    tmp_path: Path,
) -> None:
    """"How you said it" named the reflection alone when a question followed it
    ("so alex changing has been a lot. whats that been like"), the line two
    play-testers found most often wrong (thirteenth and fourteenth)."""
    from bot.engine.feedback import render_plain
    from bot.engine.recognition import SkillNote

    mini = _edited_mini(tmp_path, "    label: Reflection\n",
                        "    label: Reflection\n    behaviour: reflection\n")
    note = SkillNote("reflection", 0.8, [MoveGuess("complex_reflection", 0.7)])
    practice = Practice(mini.scenario, FixedReading([MoveGuess("reflect", 0.9)], note))

    def line(text: str) -> str:
        result = practice.turn(practice.start(), text)
        [said] = [x for x in render_plain(result.feedback, "en").splitlines()
                  if x.startswith("How you said it")]
        return said

    assert line("sounds exhausting. whats the hardest bit") == (
        "How you said it: a complex reflection, this reads like an open question")
    assert line("sounds exhausting. do you get any time off at all") == (
        "How you said it: a complex reflection, this reads like a closed question")
    assert line("That sounds exhausting.") == "How you said it: a complex reflection"


def test_the_reflection_figures_count_only_what_a_coder_would(tmp_path: Path) -> None:
    """Review: a message not understood ("whats the weather like") counted as a
    question; a reflection beside an unsure unhelpful reading counted nowhere; and
    a complex reflection was counted for a message counted as a question."""
    from bot.engine.recognition import Recognition, SkillNote
    from bot.engine.summary import summarize

    mini = _edited_mini(tmp_path, "    label: Reflection\n",
                        "    label: Reflection\n    behaviour: reflection\n")
    note = SkillNote("reflection", 0.9, [MoveGuess("complex_reflection", 0.9)])

    class Reading:
        def recognize(self, text: str, previous: str | None = None,
                      earlier: tuple[str, ...] = ()) -> Recognition:
            if text.startswith("whats"):
                return Recognition([], None)
            moves = [MoveGuess("reflect", 0.9)]
            if text.startswith("you just"):
                moves.append(MoveGuess("pressure", 0.6))
            return Recognition(moves, note)

        def read_skills(self, text: str, previous: str | None = None) -> SkillNote:
            return note

    practice = Practice(mini.scenario, Reading())
    session = practice.start()
    for text in ("whats the weather like", "you just want to stop being the problem",
                 "do you feel left out"):
        practice.turn(session, text)
    summary = summarize(mini.scenario, session)
    assert (summary.reflections, summary.questions) == (1, 1)
    assert (summary.complex_reflections, summary.non_adherent) == (1, 0)


@pytest.mark.parametrize(("confidence", "line"), [
    (0.95, "How you said it: a confrontation"),
    # Told "not sure", the slip is a guess: the line is the skill reading's own.
    (0.7, "How you said it: small talk or other"),
])
def test_an_unhelpful_move_declared_confronting_says_so_in_how_you_said_it(
    confidence: float, line: str
) -> None:
    """Nineteenth play-test: no "How you said it" at all beside arguing back,
    the turns where a trainee most needs to hear "that was a confrontation"."""
    from bot.engine.recognition import SkillNote
    from tests.scenarios import FLAGSHIP

    scenario = parse_scenario(FLAGSHIP)
    reading = FixedReading([MoveGuess("argue_back", confidence)], SkillNote("other", 0.9))
    practice = Practice(scenario, reading)
    session = practice.start(seed=1)
    result = practice.turn(session, "I never said that, don't put words in my mouth.")
    assert line in render_plain(result.feedback)


def test_beside_a_slip_told_not_sure_how_you_said_it_shows_the_skill_reading() -> None:
    """Thirtieth play-test: a reflection misread, unsure, as dismissing showed
    no "How you said it", the one sign the message was still a reflection."""
    from bot.engine.recognition import SkillNote
    from tests.scenarios import FLAGSHIP

    scenario = parse_scenario(FLAGSHIP)
    note = SkillNote("reflection", 0.9, [MoveGuess("simple_reflection", 0.9)])
    for confidence, shown in ((0.6, True), (0.95, False)):
        reading = FixedReading([MoveGuess("dismiss_concern", confidence)], note)
        practice = Practice(scenario, reading)
        session = practice.start(seed=1)
        result = practice.turn(session, "You feel daft. Nothing silly about that worry.")
        assert ("How you said it: a simple reflection" in render_plain(result.feedback)) is shown


class _Readings:
    """One fixed reading per message, in order: a conversation's turns."""

    def __init__(self, *readings: list[MoveGuess]) -> None:
        self.readings = list(readings)

    def recognize(self, text: str, previous: str | None = None,
                  earlier: tuple[str, ...] = ()) -> Recognition:
        return Recognition(self.readings.pop(0), None)

    def read_skills(self, text: str, previous: str | None = None) -> None:
        return None


@pytest.mark.parametrize(("wary_for", "meters"), [(0, [4, 5, 7]), (2, [3, 4, 6])])
def test_trust_comes_back_slowly_after_an_unhelpful_move(
    tmp_path: Path, wary_for: int, meters: list[int]
) -> None:
    """A breach took Sam from 6 to 3 and two kind messages back to 7, above
    where Sam had been (twenty-first play-test)."""
    meter = "meter: {start: 3, min: 0, max: 10}"
    mini = _edited_mini(tmp_path, meter, meter.replace(
        "}", f", max_gain: 2, wary_for: {wary_for}, wary_gain: 1}}"))
    reflect, invite = [MoveGuess("reflect", 0.9)], [MoveGuess("invite", 0.9)]
    practice = Practice(mini.scenario, _Readings(  # type: ignore[arg-type]
        [MoveGuess("pressure", 0.95)], reflect, invite, reflect))
    session = practice.start()
    session.meter = 5
    assert practice.turn(session, PRESSURE).meter_after == 2
    results = [practice.turn(session, "it sounds like you're worried") for _ in meters]
    assert [r.meter_after for r in results] == meters
    wary = render_plain(results[0].feedback, "en")
    assert ("Sam is still wary after the last misstep" in wary) is bool(wary_for)
    assert results[0].feedback.capped == (1 if wary_for else None)
    assert not results[2].feedback.wary


def test_above_heard_at_the_meter_rises_only_after_enough_reflections(tmp_path: Path) -> None:
    """Sam reached 10 of 10 by the seventh message with no reflection at all,
    through offered framing and autonomy replies (twenty-fifth play-test)."""
    text = MINI.read_text(encoding="utf-8").replace(
        "meter: {start: 3, min: 0, max: 10}",
        "meter: {start: 3, min: 0, max: 10, heard_at: 4, heard_after: 2}").replace(
        "    label: Reflection\n", "    label: Reflection\n    behaviour: reflection\n")
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    scenario = parse_scenario(path)
    invite, reflect = [MoveGuess("invite", 0.9)], [MoveGuess("reflect", 0.9)]
    practice = Practice(scenario, _Readings(  # type: ignore[arg-type]
        invite, reflect, invite, reflect))
    session = practice.start()
    results = [practice.turn(session, "a message") for _ in range(4)]
    # invite +1 to the limit; one reflection (+2) is not enough; nor is the
    # next invitation; the second reflection lifts it.
    assert [r.meter_after for r in results] == [4, 4, 4, 6]
    assert [r.feedback.unheard for r in results] == [False, True, True, False]
    assert "Sam won't open up further until Sam feels heard" in render_plain(
        results[2].feedback, "en")
    # Not "put what Sam has told you into words" to a trainee who just did
    # (twenty-eighth play-test).
    after_reflecting = render_plain(results[1].feedback, "en")
    assert "That reflection counts. Sam needs to feel heard a little more" in after_reflecting
    assert "won't open up further" not in after_reflecting


def test_after_a_breach_the_privacy_rules_do_not_win_sam_over_at_once() -> None:
    """Sam said "I'm glad you didn't" tell what Alex said, after the worker had
    (twenty-second play-test)."""
    from tests.scenarios import flagship_practice

    scenario = flagship_practice().scenario
    breach, rules = [MoveGuess("breach_confidentiality", 0.95)], [
        MoveGuess("clarify_confidentiality", 0.95)]
    practice = Practice(scenario, _Readings(rules, breach, rules))  # type: ignore[arg-type]
    session = practice.start(seed=4)
    session.meter, session.state = 8, "testing"
    assert practice.turn(session, "What you tell me stays with me.").state_after == "warming"
    session.meter, session.state = 9, "testing"
    practice.turn(session, "Alex told me you never listen.")
    session.meter, session.state = 8, "testing"
    after = practice.turn(session, "Whatever Alex says in session stays private.")
    assert after.state_after == "testing" and "glad you didn't" not in after.reply


def test_an_offered_reply_already_sent_or_regretted_is_not_offered_again() -> None:
    """The breach was offered again right after the trainee apologised for it, and
    picked replies came straight back (twenty-first and twenty-third play-tests)."""
    from bot.engine.session import TurnRecord
    from tests.scenarios import flagship_practice

    practice = flagship_practice()
    session = practice.start(seed=2)
    offered = practice.options(session)
    poor = next(o for o in offered if o.move in practice.scenario.poor_moves)
    session.turns.append(TurnRecord("You have to come.", [MoveGuess(poor.move, 0.95)],
                                    poor.move, "guarded", "guarded", 3, 3, "", ""))
    after_poor = practice.options(session)
    assert poor.text not in [o.text for o in after_poor]
    assert [o.index for o in after_poor] == list(range(len(after_poor)))  # numbered as shown
    session.turns.append(TurnRecord(offered[0].text, [MoveGuess(offered[0].move, 1.0)],
                                    offered[0].move, "guarded", "guarded", 3, 3, "", "",
                                    guided=True))
    again = practice.options(session)
    assert offered[0].text not in [o.text for o in again]
    assert poor.text not in [o.text for o in again]  # nor later (twenty-third play-test)
    # The number shown is the one played.
    result = practice.turn(session, "", option=0)
    assert result.text == again[0].text


def test_no_replies_are_offered_when_only_unhelpful_ones_are_left() -> None:
    """After several taps the list had shrunk to one option, "Perhaps it's simplest
    if Alex just keeps going on their own for now" (twenty-fifth play-test)."""
    from bot.engine.session import TurnRecord
    from tests.scenarios import flagship_practice

    practice = flagship_practice()
    session = practice.start(seed=2)
    session.state = "considering"
    for option in practice.options(session):
        if option.move not in practice.scenario.poor_moves:
            assert practice.options(session)
            session.turns.append(TurnRecord(option.text, [MoveGuess(option.move, 1.0)],
                                            option.move, "considering", "considering", 7, 7,
                                            "", "", guided=True))
    assert practice.options(session) == []


def test_a_helpful_moves_feedback_is_shortened_after_the_first_time() -> None:
    """The same feedback paragraph came back word for word four or five times in
    one conversation, which a learner would call generic (twenty-fifth play-test).
    An unhelpful move keeps its whole text and "Try instead" every time."""
    from tests.scenarios import flagship_practice

    scenario = flagship_practice().scenario
    reflect, pressure = [MoveGuess("reflect_concern", 0.95)], [MoveGuess("pressure", 0.95)]
    practice = Practice(scenario, _Readings(  # type: ignore[arg-type]
        reflect, pressure, reflect, pressure))
    session = practice.start(seed=1)
    first, push, again, push_again = [practice.turn(session, "a message") for _ in range(4)]
    full = scenario.text(scenario.moves["reflect_concern"].feedback)
    assert first.feedback.moves[0].text == full
    assert again.feedback.moves[0].text == full.split(". ")[0] + "."
    assert push_again.feedback.moves[0].text == push.feedback.moves[0].text
    assert push_again.feedback.moves[0].better


def test_a_reflection_beside_an_explanation_is_named_beside_it() -> None:
    """"How you said it" named only "giving information or advice" for a
    reflection followed by an explanation, though the summary counted the
    reflection (twenty-third to twenty-sixth play-tests); and "or advice" read
    as a slight where nothing was advised."""
    from bot.engine.recognition import SkillNote
    from tests.scenarios import flagship_practice

    scenario = flagship_practice().scenario
    note = SkillNote("reflection", 0.5, [MoveGuess("complex_reflection", 0.55)])
    practice = Practice(scenario, FixedReading(
        [MoveGuess("explain_joint_session", 0.97), MoveGuess("reflect_concern", 0.87)], note))
    result = practice.turn(practice.start(seed=1), "that sounds lonely. in a session you'd "
                                                   "both get equal time and I'd keep it fair.")
    [line] = [x for x in render_plain(result.feedback, "en").splitlines()
              if x.startswith("How you said it")]
    assert line == "How you said it: giving information, this reads like a complex reflection"


@pytest.mark.parametrize(("state", "meter"), [("warming", 5), ("guarded", 4), ("testing", 4)])
@pytest.mark.parametrize(("text", "main"), [
    ("We could try one session, then you decide. How would that be?", "invite_trial_session"),
    ("We could try one session, then you decide. What's been hardest for you?",
     "explore_concerns"),
])
def test_a_check_in_after_an_offer_leaves_the_offer_the_main_move(
    text: str, main: str, state: str, meter: int
) -> None:
    """"How would that be?" after an offer made the check-in the main move, and Sam
    answered it with how things are at home (twenty-eighth play-test)."""
    from bot.scenario.loader import parse_scenario
    from tests.scenarios import FLAGSHIP

    reading = FixedReading([MoveGuess("invite_trial_session", 0.9),
                            MoveGuess("explore_concerns", 0.8)])
    practice = Practice(parse_scenario(FLAGSHIP), reading)
    session = practice.start(seed=2)
    # In guarded and testing the question takes Sam somewhere new, which won
    # before the check-in was looked at (review).
    session.state, session.meter = state, meter
    assert practice.turn(session, text).main_move == main


def test_from_steep_at_one_message_raises_the_meter_by_steep_gain(tmp_path: Path) -> None:
    """A skilled trainee's Sam was at 10 by the fifth message, and the meter then
    stood still (twenty-seventh and twenty-eighth play-tests)."""
    text = MINI.read_text(encoding="utf-8").replace(
        "meter: {start: 3, min: 0, max: 10}", "meter: {start: 3, min: 0, max: 10, steep_at: 5}"
    ).replace("    label: Reflection\n", "    label: Reflection\n    behaviour: reflection\n")
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    scenario = parse_scenario(path)
    practice = Practice(scenario, FixedReading([MoveGuess("reflect", 0.9)]))
    session = practice.start()
    results = [practice.turn(session, f"it sounds like you're worried ({i})") for i in range(3)]
    assert [r.meter_after for r in results] == [5, 6, 7]  # +2 below 5, then +1
    assert [r.feedback.steep for r in results] == [False, True, True]
    assert "Sam is close to deciding, and the last steps come slowly: from here one " \
        "message moves Sam 1 at most." in render_plain(results[1].feedback, "en")


@pytest.mark.parametrize("text", ["I hear you.", "Mm, go on."])
def test_a_minimal_encourager_is_no_unhelpful_move(text: str) -> None:
    """Read by the model, "I hear you." was arguing back and "Mm, go on."
    dismissing, each listed in the summary as unhelpful (twenty-eighth play-test)."""
    from tests.scenarios import flagship_practice

    practice = flagship_practice()
    session = practice.start(seed=3)
    result = practice.turn(session, text)
    assert result.feedback.moves == [] and session.meter == 3
    # Not "say a bit more" alone: what an encourager does, and what does more
    # (twenty-ninth play-test).
    assert "tells Sam you are listening" in render_plain(result.feedback, "en")
    assert result.reply in {"…That's it? You'll have to give me a bit more than that.",
                            "Right. And?", "Meaning what, exactly?",
                            "Okay… So what are you actually saying?", "Is that all? Go on."}


@pytest.mark.parametrize(("text", "for_the_bot"), [
    ("what am i supposed to do here?", True),
    ("um, what should i say to sam?", True),
    ("I'm stuck", True),
    ("idk what to do now, help?", True),  # thirty-second play-test: read as pressure
    ("is this working?", True),
    ("what do you need from me?", False),  # a question to Sam
    ("What should I do about Alex?", False),
    # Lines Sam may be asked, or a natural answer to a disclosure (review).
    ("What can I do?", False),
    ("what now?", False),
    ("I don't know what to say.", False),
    ("What's the point?", False),
])
def test_a_question_for_the_bot_is_answered_with_the_hint(text: str, for_the_bot: bool) -> None:
    """"what am i supposed to do here?" got Sam's in-character "I didn't follow"
    and the usual card, while /hint, which answers it, went unmentioned
    (thirtieth play-test)."""
    from bot.engine.help_requests import asks_for_help
    from tests.scenarios import flagship_practice

    assert asks_for_help(text) is for_the_bot
    if not for_the_bot:
        return
    practice = flagship_practice()
    session = practice.start(seed=3)
    shown = render_plain(practice.turn(session, text).feedback, "en")
    assert "That looked like a question for the bot, not for Sam." in shown
    assert "/hint" in shown and f"For this moment: {practice.hint(session)}" in shown
    # No turn: it must not bring the call's end nearer or count in the summary
    # (thirty-first play-test).
    assert session.turn == 0 and session.turns == []
    assert practice.turn(session, text).reply == ""  # Sam says nothing: it was not to Sam


def test_asked_leave_to_explain_the_partner_says_yes(tmp_path: Path) -> None:
    """"Would it help to hear what a session would look like?" got "Honestly, the
    everyday stuff…", the answer to another question (twenty-eighth play-test)."""
    practice = _edited_mini(tmp_path, "rules:\n", """permission:
  - up_to: 5
    lines: ["Go on, then."]
  - up_to: 10
    lines: ["Yes, please."]
rules:
""")
    reading = Practice(practice.scenario, FixedReading([MoveGuess("reflect", 0.9)]))
    session = reading.start()
    first = reading.turn(session, "Would it help if I explained how it works?")
    assert (first.reply, session.meter) == ("Go on, then.", 5)  # the move still counts
    assert session.last_line == "Go on, then."
    session.meter = 8  # the band is the meter's after the message
    assert reading.turn(session, "Can I ask you something?").reply == "Yes, please."
    assert reading.turn(session, "So you feel put on the spot.").reply != "Yes, please."


def test_asking_leave_typed_without_a_question_mark_is_seeking_collaboration() -> None:
    """"can i ask u something" read as nothing and was "not understood" (review)."""
    from tests.scenarios import flagship_practice

    practice = flagship_practice()
    session = practice.start(seed=3)
    result = practice.turn(session, "can i ask u something")
    assert [m.move for m in result.feedback.moves] == ["seek_collaboration"]
    assert result.reply in {"Go on, then. Quickly, mind.", "If you must. I'm listening.",
                            "Fine. Say what you've got to say.", "Yeah, alright. Go on.",
                            "Okay. Go ahead, I'm listening.",
                            "Go on, then. I'd rather know than guess."}


def test_the_trainee_is_warned_when_the_next_message_could_end_the_call() -> None:
    """Thirty-fourth play-test: "turn >= 10 and openness <= 2" hung up on a trainee
    at turn 10, in the same turn as a credited apology, with no warning before."""
    from tests.scenarios import flagship_practice

    flagship = flagship_practice()
    practice = Practice(flagship.scenario, FixedReading([MoveGuess("sympathise", 0.95)]))
    session = practice.start(seed=1)
    session.meter = 1
    results = [practice.turn(session, f"I'm sorry it's been hard ({i}).") for i in range(9)]
    assert session.meter == 1 and not session.ended
    assert [r.feedback.last_chance for r in results] == [None] * 8 + [3]
    assert ("Sam is close to ending the call: with your next message, Openness needs to reach "
            "3, or Sam will leave.") in render_plain(results[-1].feedback, "en")
    # Higher up, the same turn warns of nothing.
    calm = practice.start(seed=1)
    calm.meter = 5
    assert [practice.turn(calm, "Sorry.").feedback.last_chance for _ in range(9)][-1] is None


def test_a_doubted_slip_counts_neither_for_nor_against_in_the_figures(tmp_path: Path) -> None:
    """A call Sam walked out of read "3.0 reflections per question, 100 %
    complex": a confrontation and a threat, each an unhelpful move told "not
    sure", were counted by their skill reading, "a complex reflection"
    (thirty-sixth play-test)."""
    from bot.engine.recognition import SkillNote
    from bot.engine.summary import summarize

    note = SkillNote("reflection", 0.9, [MoveGuess("complex_reflection", 0.9)])
    doubted, session = _playing(_asking_mini(tmp_path), FixedReading(
        [MoveGuess("pressure", 0.62)], note))
    doubted.turn(session, "the gap will only get bigger whether you like it or not")
    summary = summarize(doubted.scenario, session)
    assert (summary.reflections, summary.complex_reflections, summary.non_adherent) == (0, 0, 0)
    # Conditions and debrief notes see the same counts.
    from bot.engine.practice import condition_values
    seen = condition_values(doubted.scenario, session, meter=session.meter, turn=session.turn)
    assert seen["reflections"] == 0
    # Beside a helpful move, the reading still counts.
    both, session = _playing(_asking_mini(tmp_path), FixedReading(
        [MoveGuess("reflect", 0.9), MoveGuess("pressure", 0.62)], note))
    both.turn(session, REFLECT)
    assert summarize(both.scenario, session).complex_reflections == 1


def test_most_used_moves_names_only_helpful_ones() -> None:
    """"Most used moves: Breaking Alex's confidentiality ×2, Greeting ×1" read as
    the trainee's main skills (thirty-sixth play-test)."""
    from bot.engine.summary import render_summary, summarize

    practice = mini_practice()
    session = practice.start()
    session.meter = 9
    for text in (PRESSURE, PRESSURE, REFLECT):
        practice.turn(session, text)
    text = render_summary(summarize(practice.scenario, session), practice.scenario, "en")
    line = next(x for x in text.splitlines() if x.startswith("Most used"))
    assert line == "Most used helpful moves: Reflection ×1"


@pytest.mark.parametrize("offer", ["wud u come to one session? how does that sound?",
                                   "Would you come to one session? How does that sound?"])
def test_a_check_in_after_a_yes_no_offer_leaves_the_offer_the_main_move(offer: str) -> None:
    """Review 44: the check-in became "Asking about Sam's view", Sam answered it
    with life at home, and the "too early" note on the offer was lost."""
    from tests.scenarios import flagship_practice

    practice = flagship_practice()
    session = practice.start(seed=1)
    for text in ("Hi Sam, I'm Jo, I work with Alex.",
                 "It sounds like you're not sure why you've been asked to talk to me.",
                 "That makes sense, a lot of partners feel that way at first."):
        practice.turn(session, text)
    assert practice.turn(session, offer).main_move == "invite_trial_session"


def test_the_summary_says_how_many_turns_its_reflection_figures_leave_out() -> None:
    """Play-test 39: a summary showed 1 question where the transcript had 4, the
    other three beside an unhelpful move, and nothing said they were left out."""
    from bot.engine.recognition import SkillNote
    from bot.engine.summary import render_summary, summarize
    from tests.scenarios import flagship_practice

    flagship = flagship_practice().scenario
    session = flagship_practice().start(seed=2)
    turns = (([MoveGuess("explore_concerns", 0.9)], "What worries you most?"),
             ([MoveGuess("explore_concerns", 0.9), MoveGuess("pressure", 0.95)],
              "What worries you? You have to come."),
             ([MoveGuess("breach_confidentiality", 0.6)], "Alex told me a bit."))
    for moves, text in turns:
        Practice(flagship, FixedReading(moves, SkillNote("question", 0.9, []))).turn(session, text)
    text = render_summary(summarize(flagship, session), flagship, "en")
    assert "Reflections per question: 0.0 (reflections 0, questions 1;" in text
    # The question beside pressure, and the one the reading showed beside a doubt.
    assert ("Left out of the figures above, from turns with an unhelpful move not marked "
            "\"not sure\", or with only \"not sure\" ones: 2 questions\n" in text)
    assert "markierten Zügen): 2 Fragen" in render_summary(
        summarize(flagship, session), flagship, "de")
    session.turns.pop()
    text = render_summary(summarize(flagship, session), flagship, "en")
    assert "\"not sure\" ones: 1 question\n" in text
    session.turns.pop()
    # A slip with no question or reflection leaves nothing out (review 45).
    Practice(flagship, FixedReading([MoveGuess("pressure", 0.95)], SkillNote("other", 0.9, [])
                                    )).turn(session, "Honestly you just need to come.")
    assert "Left out of" not in render_summary(summarize(flagship, session), flagship, "en")


def test_an_early_invitation_after_framing_is_not_told_to_frame_first() -> None:
    """Fortieth play-test: in ``testing`` an invitation after the trainee had
    framed the sessions as about the couple was told Sam "hasn't heard what the
    sessions would be about. Make clear they're about the two of them"."""
    from bot.engine.feedback import render_plain
    from tests.scenarios import flagship_practice

    flagship = flagship_practice()
    reflect, frame, invite = "It sounds like you're wary.", "It's about you both.", "One session?"
    readings = {reflect: [MoveGuess("reflect_concern", 0.95)],
                frame: [MoveGuess("frame_relationship", 0.95)],
                invite: [MoveGuess("invite_trial_session", 0.95)]}
    practice = Practice(flagship.scenario, _Scripted(flagship.recognizer, readings))
    session = practice.start(seed=2)
    for text in (reflect, frame):
        practice.turn(session, text)
    assert session.state == "testing" and session.meter < 8
    text = render_plain(practice.turn(session, invite).feedback, "en")
    assert session.state == "testing"
    assert "hasn't heard what" not in text
    assert "Sam has heard that the sessions are about the two of them" in text
