"""A bare "yes" or "no" to the partner's question counts as the move its author declared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.engine.practice import Practice
from bot.engine.session import Session
from bot.errors import ScenarioError
from bot.recognition.answers import bare_answer
from bot.recognition.recognizer import ScenarioRecognizer
from bot.scenario.loader import parse_scenario
from bot.scenario.validate import validate_paths
from tests.scenarios import FLAGSHIP, MINI, REFLECT, flagship_practice
from tests.test_cli import bot

QUESTION = "Could I stop after one if I hated it?"
GUARDED_LINES = ('    lines: ["Why am I here?", "Alex is the one in therapy.", '
                 '"I\'ve not got long."]\n')


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", "yes"), ("Yes!", "yes"), ("yeah of course", "yes"), ("ofc", "yes"),
        ("Sure thing :)", "yes"), ("YES", "yes"), ("yes you can", "yes"),
        ("of course you can!", "yes"), ("that\u2019s right", "yes"), ("Ja klar", "yes"),
        ("yeah kinda", "yes"), ("probably not", "no"),
        ("i think so", "yes"), ("kind of", "yes"), ("auf jeden Fall", "yes"),
        ("no", "no"), ("nope", "no"), ("of course not", "no"), ("no not really", "no"),
        ("yeah no", "no"), ("auf keinen Fall", "no"),
        ("no you can't", "no"), ("no it isnt", "no"), ("Nein, gar nicht", "no"),
        # Not bare answers: the move layer reads these as it reads anything else.
        ("ok", None), ("oh", None), ("yes but", None), ("really?", None), ("\U0001f44d", None),
        ("Yes, you can stop whenever you like", None), ("you can", None), ("", None),
        ("Yes, us.", "yes"),
        # A question back, or a yes and a no together, is the model's to read (review):
        # "are you sure?" was a yes, and "no, of course you can!" a no.
        ("Are you sure?", None), ("Is that right?", None), ("Stimmt das?", None),
        ("No, of course you can!", None), ("not sure", None), ("na ja", None),
    ],
)
def test_a_bare_answer_is_told_from_a_message_that_says_something(
    text: str, expected: str | None
) -> None:
    assert bare_answer(text) == expected


def _answering_mini(tmp_path: Path, line: str) -> Practice:
    """The mini fixture whose opening line is only ``line``."""
    text = MINI.read_text(encoding="utf-8")
    assert GUARDED_LINES in text
    path = tmp_path / "mini.yaml"
    path.write_text(text.replace(GUARDED_LINES, f"    lines:\n      - {line}\n"), encoding="utf-8")
    scenario = parse_scenario(path)
    return Practice(scenario, ScenarioRecognizer(scenario, with_skills=False))


DECLARED = f'say: "{QUESTION}"\n        yes_means: reflect\n        no_means: pressure'


def test_a_bare_yes_or_no_to_a_declared_question_is_its_move(tmp_path: Path) -> None:
    practice = _answering_mini(tmp_path, DECLARED)
    session = practice.start()
    assert session.opening == QUESTION
    yes = practice.turn(session, "yeah of course")
    assert yes.main_move == "reflect" and yes.state_after == "warming"
    assert [(m.id, m.confidence) for m in yes.moves] == [("reflect", 1.0)]
    no = practice.turn(practice.start(), "Nope.")
    assert no.main_move == "pressure" and no.meter_after < no.meter_before


def test_an_answer_the_line_does_not_declare_stays_unclear(tmp_path: Path) -> None:
    practice = _answering_mini(tmp_path, f'say: "{QUESTION}"\n        yes_means: reflect')
    assert not practice.turn(practice.start(), "no").feedback.understood
    # After a line that declares nothing, "yes" is unclear as before.
    session = practice.start()
    practice.turn(session, REFLECT)  # Sam is now warming: "Maybe.", "Go on." ...
    assert not practice.turn(session, "yes").feedback.understood


def test_a_message_that_says_more_is_read_by_the_model_not_the_declaration(
    tmp_path: Path,
) -> None:
    practice = _answering_mini(tmp_path, DECLARED)
    result = practice.turn(practice.start(), "yes, but you have to come, there's no choice")
    assert result.main_move == "pressure"


def test_a_restored_session_still_knows_the_question(tmp_path: Path) -> None:
    practice = _answering_mini(tmp_path, DECLARED)
    saved = json.loads(json.dumps(practice.start().to_dict()))
    assert practice.turn(Session.from_dict(saved), "yes").main_move == "reflect"


def test_a_declared_answer_must_name_a_move(tmp_path: Path) -> None:
    practice = _answering_mini(tmp_path, DECLARED)
    path = practice.scenario.path
    assert path is not None
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("yes_means: reflect", "yes_means: reflekt"),
                    encoding="utf-8")
    [problem] = [p for p in validate_paths([path]) if p.severity == "error"]
    line = path.read_text(encoding="utf-8").splitlines().index("        yes_means: reflekt") + 1
    assert str(problem).endswith(
        f"{line}:9: error: unknown move 'reflekt' (did you mean 'reflect'?)")


def test_a_declared_answer_on_a_line_that_asks_nothing_is_a_warning(tmp_path: Path) -> None:
    practice = _answering_mini(tmp_path, 'say: "I\'ve not got long."\n        yes_means: reflect')
    path = practice.scenario.path
    assert path is not None
    messages = [p.message for p in validate_paths([path]) if p.severity == "warning"]
    assert any("asks no question" in m for m in messages)


def test_the_flagship_reads_yes_to_stopping_after_one_as_respecting_the_choice() -> None:
    """Before, "yes" here was 'not understood' and "of course" read without the question."""
    practice = flagship_practice()
    question = "If I came, could I stop after one if it felt wrong?"
    recognizer = practice.recognizer
    assert [m.id for m in recognizer.recognize("yes", question).moves] == ["emphasize_autonomy"]
    assert [m.id for m in recognizer.recognize("no", question).moves] == ["pressure"]
    assert recognizer.recognize("yes", "Okay. I'm thinking about it. I really am.").moves == []
    bad_guy = "What does Alex even say about me in there? Do I come across as the bad guy?"
    for text in ("of course", "yeah kinda"):  # a hedged yes is a yes
        assert [m.id for m in recognizer.recognize(text, bad_guy).moves] == [
            "breach_confidentiality"]


def test_classify_reads_a_bare_answer_with_its_previous_line() -> None:
    line = json.dumps({"text": "yep", "previous": "If I came, could I stop after one if it "
                       "felt wrong?"})
    result = bot("classify", "--scenario", "hesitant_partner", "--dialogues",
                 str(FLAGSHIP.parent), stdin=line)
    assert json.loads(result.stdout)["moves"][0]["id"] == "emphasize_autonomy"


def test_a_word_or_two_is_asked_for_in_a_sentence(tmp_path: Path) -> None:
    """Sam said "I didn't follow" to "ok" and "neither", and the trainee read that the
    message wasn't understood (sixth play-test)."""
    practice = _answering_mini(tmp_path, f'say: "{QUESTION}"\n        yes_means: reflect')
    for text in ("no", "ok", "nope never", "both of urs"):
        result = practice.turn(practice.start(), text)
        assert not result.feedback.understood
        assert result.feedback.unclear_text == (
            "A word or two leaves Sam guessing what you mean. Say it in a sentence, as you "
            "would out loud: put into words what Sam just told you, or say what your answer "
            "means.")
        assert result.reply in {"Sorry, what do you mean?", "I don't follow.", "Come again?"}
    other = practice.turn(practice.start(), "what time is the shop open on sunday")
    assert other.feedback.unclear_text == "The message was not understood; try rephrasing."


def test_the_partner_answers_a_word_or_two_with_its_own_lines(tmp_path: Path) -> None:
    practice = _answering_mini(tmp_path, f'say: "{QUESTION}"\n        yes_means: reflect')
    path = practice.scenario.path
    assert path is not None
    text = path.read_text(encoding="utf-8")
    marker = "  feedback: The message was not understood; try rephrasing."
    assert marker in text
    path.write_text(text.replace(marker, f'{marker}\n  short_lines: ["Right. And?"]'),
                    encoding="utf-8")
    scenario = parse_scenario(path)
    edited = Practice(scenario, ScenarioRecognizer(scenario, with_skills=False))
    assert edited.turn(edited.start(), "ok").reply == "Right. And?"
    assert edited.turn(edited.start(), "what time is the shop open on sunday").reply in {
        "Sorry, what do you mean?", "I don't follow.", "Come again?"}


def test_a_yes_or_no_of_a_word_or_two_to_an_undeclared_line_is_no_move() -> None:
    """'not at all' to "Two against one, then." read as respecting Sam's choice, +1
    (sixth and seventh play-tests); the model cannot know what it answers."""
    recognizer = flagship_practice().recognizer
    two_against_one = ("Two against one, then. I had a feeling it'd go this way, and we "
                       "haven't even started.")
    for text in ("not at all", "nope", "yep"):
        assert recognizer.recognize(text, two_against_one).moves == []
    # Longer, it says enough for the model: "yes of course you can" respects a choice.
    assert [m.id for m in recognizer.recognize("yes of course you can", two_against_one).moves
            ] == ["emphasize_autonomy"]


def test_a_question_back_or_a_reassuring_no_is_not_the_declared_answer() -> None:
    practice = flagship_practice()
    bad_guy = "What does Alex even say about me in there? Do I come across as the bad guy?"
    assert "breach_confidentiality" not in {
        m.id for m in practice.recognizer.recognize("Are you sure?", bad_guy).moves}
    stop = "If I came, could I stop after one if it felt wrong?"
    assert [m.id for m in practice.recognizer.recognize("No, of course you can!", stop).moves
            ] == ["emphasize_autonomy"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('says: "Could I stop?"\n        yes_means: reflect', "unknown key 'says'"),
        ('en: "Could I stop?"\n        yes_means: reflect', "unknown key 'en'"),
        ('say: "Could I stop?"', "needs 'yes_means', 'no_means' or both"),
    ],
)
def test_a_mistyped_answered_line_is_reported_not_read_as_translations(
    tmp_path: Path, line: str, message: str
) -> None:
    """A mapping with 'yes_means' used to load as a language mapping, losing the answer."""
    with pytest.raises(ScenarioError) as caught:
        _answering_mini(tmp_path, line)
    assert any(message in p.message for p in caught.value.problems), caught.value.problems


def test_one_question_with_two_meanings_is_an_error(tmp_path: Path) -> None:
    practice = _answering_mini(tmp_path, DECLARED)
    path = practice.scenario.path
    assert path is not None
    text = path.read_text(encoding="utf-8")
    warming = '    lines: ["Maybe.", "Go on.", "I\'m listening."]\n'
    assert warming in text
    text = text.replace(warming, f'    lines:\n      - say: "{QUESTION}"\n'
                        "        yes_means: pressure\n")
    path.write_text(text, encoding="utf-8")
    errors = [p for p in validate_paths([path]) if p.severity == "error"]
    first = text.splitlines().index(f'      - say: "{QUESTION}"') + 1
    assert [p.message for p in errors] == [
        f"this question is also written at line {first} with other answers; a bare yes or "
        "no can mean only one thing"]


def test_a_translation_without_a_question_mark_is_warned_about(tmp_path: Path) -> None:
    practice = _answering_mini(
        tmp_path, 'say: {en: "Could I stop?", de: "Ich könnte aufhören."}\n'
        "        yes_means: reflect")
    path = practice.scenario.path
    assert path is not None
    assert any("asks no question" in p.message for p in validate_paths([path]))


def test_a_word_or_two_is_not_headed_not_understood(tmp_path: Path) -> None:
    practice = _answering_mini(tmp_path, DECLARED)
    session = practice.start()
    practice.turn(session, "neither")
    assert session.turns[-1].feedback.startswith("Say a bit more: A word or two")
    path = practice.scenario.path
    assert path is not None
    marker = "  feedback: The message was not understood; try rephrasing."
    path.write_text(path.read_text(encoding="utf-8").replace(
        marker, f"{marker}\n  short_feedback: Tell Sam what you mean."), encoding="utf-8")
    scenario = parse_scenario(path)
    edited = Practice(scenario, ScenarioRecognizer(scenario, with_skills=False))
    assert edited.turn(edited.start(), "neither").feedback.unclear_text == (
        "Tell Sam what you mean.")


def test_an_echo_is_a_yes_only_where_the_line_declares_one() -> None:
    """"It is." to "Is that a reason to come?" read as dismissing Sam (eighth play-test)."""
    assert bare_answer("It is.") is None and bare_answer("It is.", echoes=True) == "yes"
    recognizer = flagship_practice().recognizer
    reason = "Honestly, I miss how easy it used to be. Is that a reason to come?"
    assert [m.id for m in recognizer.recognize("It is.", reason).moves] == [
        "frame_relationship"]
    hot_seat = "So it wouldn't be me in the hot seat. It'd be… us? Both of us?"
    for text in ("Exactly.", "Yes, us."):  # were "say a bit more"
        assert [m.id for m in recognizer.recognize(text, hot_seat).moves] == [
            "frame_relationship"]


@pytest.mark.parametrize(("text", "encourages"), [
    ("I hear you.", True),
    ("Mm, go on.", True),
    ("mhm", True),
    ("ok i see", True),
    ("I hear you, that sounds hard.", False),
    ("go on then, come to one session", False),
    ("Go on?", False),
    ("I hear you 🙂", False),  # four words to the engine: not a short reply (review)
])
def test_a_minimal_encourager_is_told_apart(text: str, encourages: bool) -> None:
    from bot.engine.encouragers import minimal_encourager

    assert minimal_encourager(text) is encourages
