"""A plain answer to "what are you saying about me?" is not a brush-off."""

from __future__ import annotations

import pytest

from bot.recognition.clarifications import asks_meaning, without_answer, without_concession
from tests.scenarios import flagship_practice

ASKED = "Wait. What are you actually saying about me?"
POOR = {"dismiss_concern", "argue_back", "blame_partner"}


@pytest.mark.parametrize("line", [
    ASKED,
    "Hang on. What's that supposed to mean?",
    "Sorry, what are you getting at there?",
    "Hm. I'm not sure how to take that. What do you mean?",
    "So are you saying I'm the problem?",
    "Hold on. How do you mean that, exactly?",
])
def test_the_partner_asking_what_the_worker_meant_is_recognised(line: str) -> None:
    assert asks_meaning(line)


@pytest.mark.parametrize("line", [
    None, "What do you want from me?", "So what happens in a session?",
    "Should I be worried about any of this?",
])
def test_other_questions_are_not_asking_what_the_worker_meant(line: str | None) -> None:
    assert not asks_meaning(line)


@pytest.mark.parametrize(("text", "kept"), [
    ("Nothing bad about you at all, I promise. I meant it's a lot.", "I meant it's a lot."),
    ("No, nothing like that. I just meant it's a lot to take in.",
     "I just meant it's a lot to take in."),
    ("nothing bad i promise!! i just meant its normal", "i just meant its normal"),
    ("Only good things, honestly. You've coped with a lot.", "You've coped with a lot."),
])
def test_the_short_answer_that_opens_a_message_is_set_aside(text: str, kept: str) -> None:
    assert without_answer(text) == (kept, True)


@pytest.mark.parametrize("text", [
    "No you need to come.", "Nothing to worry about, honestly.", "I meant what I said.",
])
def test_a_message_without_such_an_answer_is_kept_whole(text: str) -> None:
    assert not without_answer(text)[1]


@pytest.mark.parametrize("text", [
    "Nothing bad about you at all, I promise. I meant that I came on too strong at the "
    "start, and I'm genuinely curious how things have been for you.",
    "Nothing bad at all. I only meant it makes sense to be unsure about a call like this. "
    "How are you seeing things at the moment?",
    "nothing bad i promise!! i just meant its normal to feel unsure about all this",
])
def test_a_clarification_after_sam_asks_is_not_read_as_a_brush_off(text: str) -> None:
    """Play-tests 23 and 24: the feedback said "say plainly what you did mean"; the
    trainee did, "Nothing bad at all" read as dismissing Sam, and Sam hung up."""
    recognizer = flagship_practice().recognizer
    assert POOR & {m.id for m in recognizer.recognize(text).moves}  # alone: reads as poor
    after = recognizer.recognize(text, ASKED)
    assert after.moves and not POOR & {m.id for m in after.moves}


@pytest.mark.parametrize("text", [
    "Nothing, honestly, you're overreacting.",
    "Nothing. Relax, it's not a big deal, you're making a fuss over a few words.",
    "No, nothing bad. You need to come to the session though, Alex deserves it.",
])
def test_a_brush_off_after_the_answer_is_still_read(text: str) -> None:
    recognizer = flagship_practice().recognizer
    found = {m.id for m in recognizer.recognize(text, ASKED).moves}
    assert found & (POOR | {"pressure"}), found


@pytest.mark.parametrize(("text", "kept"), [
    ("True, and I've done more talking than listening so far. What would help?",
     "I've done more talking than listening so far. What would help?"),
    ("You're right, that wasn't fair to Alex, sorry.", "that wasn't fair to Alex, sorry."),
    ("ok thats fair, i pushed too hard there", "i pushed too hard there"),
])
def test_a_concession_that_opens_a_message_is_set_aside(text: str, kept: str) -> None:
    assert without_concession(text) == (kept, True)


@pytest.mark.parametrize("text", [
    "Fair enough.", "True love is rare.", "right you need to come",
    # Openings that only start like a concession (review: the blame was lost).
    "Right now you're the one resisting every change, and that needs to stop.",
    "It's fair to say you've been avoiding this, and you need to stop.",
    "Fairly obviously you are wrong, and you know it.",
])
def test_no_concession_without_more_to_read(text: str) -> None:
    assert without_concession(text) == (text, False)


def test_a_humble_concession_is_not_read_as_arguing_back() -> None:
    """Twenty-fifth play-test: "True," lent arguing back the support it needed,
    and Sam hung up on a humble message; without "True," it read as shaping the
    session together."""
    recognizer = flagship_practice().recognizer
    text = ("True, and I've done more talking than listening so far. What would help you "
            "feel I'm being fair to you?")
    found = {m.id for m in recognizer.recognize(text).moves}
    assert "seek_collaboration" in found and not found & POOR, found


@pytest.mark.parametrize(("text", "poor"), [
    ("True, but honestly you need to come to this, Alex deserves it.", "pressure"),
    ("You're right, but that's just how you are, always defensive.", "blame_partner"),
    ("Fair enough, you're overreacting though.", "dismiss_concern"),
])
def test_what_follows_a_concession_is_still_read(text: str, poor: str) -> None:
    recognizer = flagship_practice().recognizer
    assert poor in {m.id for m in recognizer.recognize(text).moves}


def test_an_apology_with_the_keyword_straight_after_it_is_read_without_crashing() -> None:
    """"Sorry, support group was a bad idea." raised ValueError inside the keyword
    rule, and the trainee's turn failed (review)."""
    recognizer = flagship_practice().recognizer
    assert recognizer.recognize("Sorry, support group was a bad idea.").moves
