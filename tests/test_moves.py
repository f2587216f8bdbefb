"""The move recogniser on the flagship: several moves, look-alikes, unclear input, fallback."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from bot.recognition.clauses import clauses, split_clauses
from bot.recognition.denials import is_denial, is_retraction
from bot.recognition.keywords import keyword_found, keyword_glossed, keyword_retracted
from bot.recognition.moves import MoveModel
from bot.recognition.reassurances import reassured
from bot.scenario.loader import parse_scenario
from tests.scenarios import FLAGSHIP, MINI, ROOT, flagship_practice


def read(text: str) -> list[str]:
    recognizer = flagship_practice().recognizer
    return [m.id for m in recognizer.recognize(text).moves]


def test_clauses_split_on_but_and_sentences() -> None:
    assert clauses("I hear you, but honestly you need to come") == [
        "I hear you, but honestly you need to come", "I hear you", "honestly you need to come",
    ]
    assert clauses("short one") == ["short one"]


def test_clauses_split_where_a_phone_leaves_out_the_full_stop() -> None:
    assert clauses("Alex is trying The question is whether you are") == [
        "Alex is trying The question is whether you are", "Alex is trying",
        "The question is whether you are",
    ]
    assert clauses("that sounds fair to me Don\u2019t feel you have to decide now")[1:] == [
        "that sounds fair to me", "Don\u2019t feel you have to decide now",
    ]
    assert clauses("I hear how tired you are\nyou need to come though")[1:] == [
        "I hear how tired you are", "you need to come though",
    ]
    assert clauses("you talk past each other In a joint session you'd both get time")[1:] == [
        "you talk past each other", "In a joint session you'd both get time",
    ]
    # Capitals inside a sentence are names and "I", not a new sentence.
    assert clauses("would you and Alex come on Tuesday if I booked it") == [
        "would you and Alex come on Tuesday if I booked it"]
    assert clauses("Theresa and Youssef run the evening sessions") == [
        "Theresa and Youssef run the evening sessions"]


def test_a_run_on_message_is_cut_into_sentences_before_its_buts_and_justs() -> None:
    """Cut at "just" alone, the run-on message became two half-messages and the
    breach at its end was never read as a sentence (held-out set 41)."""
    text = ("hey sam thanks for getting back to me in a joint session i just help u both "
            "say whats on ur mind and nobody gets put on the spot also alex told me on monday "
            "theyre thinking of moving out so we should talk about that")
    parts, guessed = split_clauses(text)
    assert guessed and len(parts) > 3, parts


def test_clauses_split_before_a_condition() -> None:
    assert clauses("it's your choice, as long as you choose to come")[1:] == [
        "it's your choice", "as long as you choose to come",
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Have you thought about a support group?", True),
        ("Why not try a support group first?", True),  # a suggestion, not a denial
        ("No pressure, but a support group would sort you out.", True),  # another clause
        ("Rather than a support group, would you come once with Alex?", False),
        ("It wouldn't be a support group, just the two of you.", False),
        ("I'm not sending you to a support group.", False),
        ("Not a support group. But honestly a support group is what you need.", True),
        ("Why don't you join a support group for partners?", True),  # negative questions
        ("Wouldn't a support group help?", True),
        ("Have you not thought of a support group?", True),
        ("Can't you just join a support group?", True),  # "can't" is "cannot"
        ("so why can't you try a support group", True),
        ("You cannot call this a support group.", False),
        ("It's not a support group thing with strangers.", False),
        ("Not a support group, just one session with you, Alex and me.", False),
        ("Let's talk about the weather.", False),
    ],
)
def test_a_keyword_counts_unless_its_clause_denies_it(text: str, found: bool) -> None:
    assert keyword_found(text, "support group") is found


@pytest.mark.parametrize(
    ("text", "retracted"),
    [
        ("Sorry, I brought up the support group when that isn't what I meant.", True),
        ("sorry for mentioning a support group earlier, that was the wrong call", True),
        ("I apologise, I shouldn't have pushed the support group on you.", True),
        ("I'm sorry, but a support group would really help you.", False),  # "but"
        ("I'm sorry, I think a support group is the best option.", False),  # no saying verb
        ("Sorry I suggested a support group. But honestly a support group is what you need.",
         False),  # said again in the next sentence
        ("Have you thought about a support group?", False),
        # An apology for a word used (held-out set 35: "I apologize for calling it
        # 'dyadic work' before" read as jargon beside the apology).
        ("sorry for calling it a support group, I meant a session for you two", True),
        ("Sorry for using the words support group, wrong idea.", True),
        ("Sorry, but I used to run a support group and it helped.", False),  # "but"
        ("Sorry you've been so stressed, maybe try calling a support group", False),
        # An apology about the thing itself (held-out set 45: read as the referral, 0.9).
        ("i owe u an apology for the support group thing. wrong call on my part", True),
        ("Sorry about the support group idea, that was off.", True),
        ("Sorry about the wait, a support group might help you.", False),
        # Not an apology about it; and nothing between apology and keyword (review:
        # the second crashed the turn).
        ("sorry, the support group is where you belong", False),
        ("Sorry, support group was a bad idea.", False),
        # Regret without "sorry" before the keyword (held-out set 46: the referral, 0.9).
        ("shouldnt have brought up the support group thing. wrong suggestion, sorry", True),
        ("I shouldn't have suggested a support group.", True),
        ("I regret mentioning the support group.", True),
        ("you shouldn't have to face a support group alone", False),
        ("i shouldn't say this but a support group would help", False),
        ("you'll regret not going to a support group", False),
        # Owning it as a mistake (held-out set 47: the referral, 0.9).
        ("I made a mistake before when I said you should try a support group.", True),
        ("It would be a mistake to skip the support group.", False),
        # Someone else's "shouldn't" (review).
        ("honestly you shouldnt talk down the support group, it helped loads of people", False),
    ],
)
def test_a_keyword_in_an_apology_for_saying_it_is_retracted(text: str, retracted: bool) -> None:
    assert keyword_retracted(text, "support group") is retracted


@pytest.mark.parametrize(
    ("text", "glossed"),
    [
        ("you're worried about triangulation - basically, two against one", True),
        ("the focus is the dyad, meaning the relationship between you", True),
        ("it's the dyad (in plain words, the two of you) we'd look at", True),
        ("We need to look at the triangulation in your relationship.", False),
        ("the dyad, meaning the two of you, and the dyad is what we treat", False),  # once bare
        ("Your dyad is basically stuck, so you both need to come in.", False),
        ("Let's talk about the dyad. I mean it.", False),
        ("Alex is working on the dyad, which means you have to adapt.", False),
        ("there's some triangulation, which just means you end up caught in the middle", True),
        ("that's the dyad, that simply means the two of you", True),
    ],
)
def test_a_keyword_explained_in_plain_words_at_once_is_glossed(text: str, glossed: bool) -> None:
    """A trainee who glossed a term straight away was marked down for jargon, and
    Sam said "you've lost me" (eleventh play-test)."""
    keyword = "triangulation" if "triangulation" in text else "dyad"
    assert keyword_glossed(text, keyword) is glossed


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Confidential. Next question.", True),
        ("confidential. cant say. next question", True),
        ("Rules are rules. Next question!", True),
        ("What's the next question on your mind?", False),
        ("Good question. Next question, what would you want to know?", False),
        ("What's your next question?", False),  # a question ends there, but asks (review)
        ("whats your next question", False),  # typed without its "?" (second review)
        ("Confidential. Next question?", True),  # nothing but the keyword: it closes
        ("What Alex tells me is confidential. Next question.", True),  # no question (review)
    ],
)
def test_a_keyword_written_with_a_full_stop_counts_only_where_it_ends_a_sentence(
        text: str, found: bool) -> None:
    assert keyword_found(text, "next question", at_end=True) is found
    assert keyword_found(text, "next question")  # without the full stop, anywhere


def test_a_privacy_rule_that_closes_the_topic_is_read_as_a_brush_off() -> None:
    """Held-out sets 46 and 47: the rule said coldly ("…Next question.") read as
    explaining privacy only, three times."""
    cold = read("I can't discuss Alex's sessions. That's the rule. Next question.")
    assert {"clarify_confidentiality", "dismiss_concern"} <= set(cold)
    assert "dismiss_concern" not in read("What's the next question on your mind?")
    assert "dismiss_concern" not in read("What's your next question?")
    assert "dismiss_concern" in read("What Alex tells me is confidential, so let's move on.")
    # A closing keyword said mid-sentence is no denial: the model still decides.
    assert "dismiss_concern" in read(
        "Let's not get hung up on the 'am I the problem' thing, let's move on to dates.")


def test_a_glossed_term_is_left_to_the_model() -> None:
    glossed = ("So you're worried about a kind of triangulation - basically, two against one, "
               "with Alex and me on one side and you outnumbered.")
    assert read(glossed) == ["reflect_concern"]
    bare = "So you're worried about triangulation, with Alex and me on one side."
    assert "use_jargon" in read(bare)


def test_correcting_the_partners_reading_of_you_is_arguing_back() -> None:
    """Thirty-third play-test: "I didn't say that. You're hearing things I didn't
    say." was read as owning a misstep (openness up, Sam: "At least you didn't
    pretend it didn't happen"), arguing back only "not sure"."""
    assert read("I didn't say that. You're hearing things I didn't say.")[0] == "argue_back"
    assert "argue_back" in read("i didnt say u were the problem. but ok, what worries u about it?")
    assert read("With respect, that's not what I said.") == ["argue_back"]
    # A bare "I didn't say that" can admit something left unsaid (review).
    assert "argue_back" not in read("That's true, I didn't say that. I'm sorry, I should have.")


def test_reassurance_is_not_arguing_back_or_dismissing_by_a_keyword() -> None:
    """"I'm not cornering you" and "you shouldn't worry" were keywords for a while:
    they turned apologies, choices and practicalities into sure unhelpful moves
    (review: "I'm sorry if it felt like that. I'm not cornering you, and you can
    say no." argued back, openness 5 -> 4)."""
    for text in ("I'm sorry if it felt like that. I'm not cornering you, and you can say no.",
                 "I'm not cornering you into anything, it's completely your choice.",
                 "You shouldn't worry about your shifts, we can do evenings or online."):
        sure = [m.id for m in flagship_practice().recognizer.recognize(text).moves
                if m.confidence >= 0.8]
        assert not {"argue_back", "dismiss_concern"} & set(sure), (text, sure)
    # An answer to "do I have to come?" is not arguing back by a keyword.
    assert read("No, and I never said you had to. It's your call.")[0] == "emphasize_autonomy"


def test_a_confronting_keyword_survives_a_denial_after_it() -> None:
    """"that's not what I meant" after a correction of Sam confirms it; the
    denial rule had set the piece before it aside, as it does a suggestion."""
    assert read("You're twisting my words, that's not what I meant at all.") == ["argue_back"]
    # A denial pointing back still rules out a suggestion in the piece before.
    assert "refer_support_group" not in read(
        "A support group can help some couples, but that's not what I'm suggesting.")
    # "Sorry you feel that way, but…" is left to the model: forced, it made an
    # apology arguing back and ended a call (reviews).
    assert "argue_back" not in read(
        "I'm sorry if you took it that way, but you're right, I was pushing. That's on me.")
    assert "argue_back" not in read(
        "I'm sorry you feel that way. It sounds like you've been left out of a lot.")


def test_i_got_that_wrong_apologises_for_the_keyword() -> None:
    """Held-out set 49: "i got that wrong sam, i said support group…" read as the referral."""
    assert keyword_retracted("i got that wrong sam, i said support group when i meant a "
                             "session w just u two and me", "support group")
    assert not keyword_retracted("you're wrong, a support group would help", "support group")


def test_my_bad_apologises_for_the_keyword() -> None:
    """Held-out set 48: "my bad for bringing up a support group" read as the referral."""
    assert keyword_retracted("my bad for bringing up a support group before", "support group")
    assert not keyword_retracted("my bad, a support group is what you need", "support group")


def test_an_apology_for_mentioning_a_group_is_not_read_as_a_referral() -> None:
    """Two held-out sets in a row had this flag: the keyword forced the referral."""
    text = "Sorry, I brought up the support group when that isn't really what I wanted to say."
    assert read(text) == ["own_misstep"]
    assert "refer_support_group" in read("Sorry if I'm blunt, but you should join a support group.")


def test_a_denied_keyword_does_not_flag_a_good_message() -> None:
    text = "Instead of a support group, how about one joint session with Alex and me?"
    assert "refer_support_group" not in read(text)
    assert "refer_support_group" in read("Why don't you join a support group for partners?")
    assert "refer_support_group" in read("Can't you just join a support group?")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It's your call, but would you try one session and then decide?",
         {"emphasize_autonomy", "invite_trial_session"}),
        ("I hear how worried you are, but honestly you need to come next week.", {"pressure"}),
        ("You've clearly thought hard about this. Would you come along once to see?",
         {"invite_trial_session"}),
        # typed without full stops: each sentence is still read on its own
        ("It sounds like you feel outnumbered You need to come on Thursday anyway",
         {"pressure", "reflect_concern"}),
        ("Lots of partners feel unsure at first Would you try one session and see?",
         {"normalize", "invite_trial_session"}),
        ("Sorry I pushed earlier The choice really is yours",
         {"own_misstep", "emphasize_autonomy"}),
        # a breach beside jargon: the whole reads as jargon only (17th play-test)
        ("So, um, Alex has mentioned in our sessions that there's a lot of conflict at "
         "home, and I think there might be some enmeshment and triangulation going on "
         "in the family system.", {"breach_confidentiality", "use_jargon"}),
    ],
)
def test_several_moves_in_one_message(text: str, expected: set[str]) -> None:
    assert expected <= set(read(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Twenty-first play-test: each unhelpful sentence was caught when sent
        # alone and missed inside the long message, whose good parts were
        # credited and Sam's openness raised.
        ("I'm not here to sort anyone out. A joint session would be about how the two of you "
         "are with each other, not about one person being the problem. From what Alex has "
         "mentioned to me, the arguments about money have been weighing on both of you "
         "lately. How does the idea of talking about that together sit with you?",
         {"breach_confidentiality", "frame_relationship", "explore_concerns"}),
        ("A strange few months, with a lot shifting under your feet. Lots of partners feel "
         "thrown when the other person starts changing, so that makes sense to me. Honestly "
         "though, Alex really needs you to come, and I'd hate for all the progress to stall "
         "because you held back. Could we try one session and see how it goes?",
         {"pressure", "normalize", "invite_trial_session"}),
    ],
)
def test_one_unhelpful_sentence_in_a_long_message_is_caught(
    text: str, expected: set[str]
) -> None:
    assert expected <= set(read(text))


@pytest.mark.parametrize(
    ("good", "poor"),
    [
        # confidentiality: explaining the rules vs breaking them
        ("Whatever Alex tells me stays private, and the same goes for what you tell me.",
         "Alex told me in our last session that you two barely speak."),
        # normalising vs dismissing
        ("Lots of partners feel uneasy about this at first, it's a really common reaction.",
         "Oh don't worry about that, it's nothing, honestly."),
        # autonomy vs pressure in choice words
        ("It's entirely up to you, there's no obligation at all.",
         "It's up to you of course, but the only sensible choice is to come."),
        # ... and a choice taken back by a condition
        ("We can do evenings, as long as that works for you.",
         "It's your choice, as long as you choose to come."),
        ("Come once if you like, only if it feels right to you.",
         "Entirely up to you, provided you turn up on Tuesday."),
        # reflection vs blame phrased as a reflection
        ("It sounds like you're worried you'd end up being blamed.",
         "It sounds like you've been making things really hard for Alex."),
        # an affirmation whose last clause, read alone, sounds like brushing off
        ("You have done a lot for your family this year. That's not nothing, Sam.",
         "You've done a lot, sure. But honestly, this worry of yours is nothing."),
        # owning a misstep vs arguing back (eighteenth play-test)
        ("You're right, that came out wrong. Sorry.",
         "I didn't say anything about you. Please don't put words in my mouth."),
        ("You're fed up with being talked about.",
         "Look, there's no need to be rude. I've made time for this call too."),
        # an affirmation vs siding with Sam against Alex
        ("You've been carrying a lot while Alex has been changing.",
         "Alex can be a lot, I get it."),
    ],
)
def test_look_alike_pairs_are_told_apart(good: str, poor: str) -> None:
    scenario = flagship_practice().scenario
    poor_ids = {m for m, move in scenario.moves.items() if move.kind == "poor"}
    assert not poor_ids & set(read(good)), read(good)
    assert poor_ids & set(read(poor)), read(poor)


@pytest.mark.parametrize(
    ("text", "move", "not_move"),
    [
        # Read as owning a misstep, and Sam thanked the trainee for it.
        ("I didn't say anything about you. Please don't put words in my mouth.",
         "argue_back", "own_misstep"),
        # Told as "You lined up with Alex against Sam".
        ("Honestly, from what I've seen, you've been more patient than most people "
         "would be. Alex isn't always easy to live with.", "side_with_sam", "take_sides"),
        # Told as taking Alex's side, and Sam answered "Two against one, then" (19th).
        ("I'm more on your side than you'd think. Alex doesn't always see how hard this "
         "has been for you.", "side_with_sam", "take_sides"),
    ],
)
def test_arguing_back_and_siding_with_sam_have_their_own_moves(
    text: str, move: str, not_move: str
) -> None:
    found = read(text)
    assert found[:1] == [move] and not_move not in found, found


@pytest.mark.parametrize(
    "text", ["is the shop open on Sunday?", "qwerty", "2-1 to United last night", "lol", ""]
)
def test_off_topic_text_is_not_read_as_a_move(text: str) -> None:
    assert read(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "I'm not suggesting a support group, just one session with you, Alex and me.",
        "Not a support group, just one session with you, Alex and me.",
    ],
)
def test_a_poor_move_whose_keyword_is_only_denied_is_not_read(text: str) -> None:
    assert read(text) == ["invite_trial_session"]


# A play-test: each of these denials was read as the very move it rules out, and
# Sam argued with an idea the trainee had just said they were not suggesting.
@pytest.mark.parametrize(
    ("text", "ruled_out"),
    [
        ("I'm not asking you to join a support group.", "refer_support_group"),
        ("I'm not suggesting you need your own therapy.", "refer_individual_therapy"),
        ("I'm not saying Alex should just carry on alone.", "individual_only"),
        ("im not sayin alex shud carry on alone", "individual_only"),
        # The denial points back at the piece before (twentieth play-test: read as
        # the referral it ruled out, and Sam said "We don't air our business in public").
        ("Some couples later find a group useful too, but that's not what I'm suggesting "
         "now; first I'd rather the two of you had a private space with me, just you and "
         "Alex.", "refer_support_group"),
    ],
)
def test_a_denied_poor_move_is_not_read(text: str, ruled_out: str) -> None:
    assert ruled_out not in read(text)


def test_a_reassurance_after_i_didnt_say_it_earlier_blames_no_one() -> None:
    """Review 43: a rule that kept confronting moves after any "I didn't say…"
    read this as sure blame, and Sam walked out at the third message."""
    assert not {"blame_partner", "argue_back"} & set(read(
        "I didn't say it earlier, but I'm not saying you're the reason things are hard "
        "at home."))


def test_ruling_out_pushing_leaves_what_the_rest_says() -> None:
    """Read as dismissing before the rule, then (review) as nothing at all."""
    moves = read("There's no hurry, honestly. It sounds like a lot to take in.")
    assert moves and not set(moves) & set(flagship_practice().scenario.poor_moves)


@pytest.mark.parametrize(
    ("text", "poor"),
    [
        ("I'm not asking, I'm telling you: come next week.", "pressure"),
        ("I'm not saying it's your fault, but you do shut down a lot.", "blame_partner"),
        ("Right, forget the joint thing, I'll just keep seeing Alex.", "individual_only"),
        ("No pressure, but you really need to come for Alex's sake.", "pressure"),
        # The siding is one sentence of several; the rest is read clause by clause.
        ("Thanks so much for telling me what's been going on! Honestly, Alex does "
         "overreact sometimes, and you're definitely not imagining it. A session with "
         "both of you would be about how you two work as a team, not about who's the "
         "problem. No pressure at all, it's totally your call.", "side_with_sam"),
    ],
)
def test_a_poor_move_beside_a_denial_is_still_read(text: str, poor: str) -> None:
    recognition = flagship_practice().recognizer.recognize(text)
    assert poor in [m.id for m in recognition.moves]
    assert poor not in recognition.retracted  # said, not taken back


@pytest.mark.parametrize(
    ("piece", "denial", "retraction"),
    [
        ("I'm not asking you to join a support group", True, False),
        ("No, I'm not here to take sides", True, False),
        ("nobody is saying it's your fault", True, False),
        ("to be clear, nobody is going to force you", True, False),
        ("no rush on the diary", True, False),  # 29th play-test: read as pressure
        ("honestly, no pressure at all", True, False),
        ("you don't have a choice", False, False),  # itself pressure
        ("there's nothing to worry about", False, False),  # itself dismissal
        ("I won't take no for an answer", False, False),
        ("I'm not gonna let you off the hook", False, False),
        ("why not try a support group", False, False),
        ("ok scrap that", False, True),
        ("let's set the group idea aside", False, True),
        ("forget the group idea", False, True),
    ],
)
def test_denials_are_the_workers_own_speech_acts_only(
    piece: str, denial: bool, retraction: bool
) -> None:
    assert (is_denial(piece), is_retraction(piece)) == (denial, retraction)


# Play-tests 27 and 29: validation by negation was read, sure, as dismissing
# Sam's worry; openness fell and Sam said "It's not nothing to me".
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("That's not daft at all.", "normalize"),
        ("nothing daft about that, its a lot to take in", "normalize"),
        ("You're not overreacting. Anyone would feel wary walking into that.", "normalize"),
        ("That's not daft at all. When one person in a couple changes, it often shakes "
         "things up for both of them. It takes honesty to say it out loud.", "normalize"),
    ],
)
def test_a_reassurance_is_not_read_as_dismissing(text: str, expected: str) -> None:
    moves = read(text)
    assert expected in moves
    assert "dismiss_concern" not in moves


@pytest.mark.parametrize(
    ("text", "poor"),
    [
        ("Don't be silly, there's nothing to worry about.", "dismiss_concern"),
        ("It's not a big deal, honestly.", "dismiss_concern"),
        ("ur not being silly but honestly u need to come, alex needs this", "pressure"),
        # The siding is in the second sentence, which the reassurance does not explain.
        ("You're not being unreasonable at all. If anything, Alex is the one who needs "
         "to change their tune.", "side_with_sam"),
        ("you're not crazy to think Alex is selfish", "side_with_sam"),
        # Degree words shrink the worry: brush-offs (review).
        ("Come on, it's not that dramatic.", "dismiss_concern"),
        ("Nothing dramatic. We sit and talk, there's nothing to worry about.",
         "dismiss_concern"),
    ],
)
def test_a_poor_move_beside_a_reassurance_is_still_read(text: str, poor: str) -> None:
    assert poor in read(text)


@pytest.mark.parametrize("text", [
    "That's not daft at all. I'm not asking you to join a support group.",
    "That's not daft at all, and nobody is saying you need your own therapist.",
    # With another slip beside it, the denied referral still stays out (second review).
    "You're not being daft at all. Nobody is saying you need your own therapist. Alex is "
    "the one who needs to change.",
])
def test_a_reassurance_beside_a_denial_refers_no_one(text: str) -> None:
    """Review: the reassurance path skipped the denial rule and brought the
    referral back (0.9), and Sam answered "I get sent off to be sorted out"."""
    assert not {"refer_support_group", "refer_individual_therapy"} & set(read(text))


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("no ur not overreacting at all, i shouldnt have",
         "no that's a normal way to feel, i shouldnt have"),
        ("There's nothing odd about being wary.", "that's a normal way to feel about being wary."),
        ("It isn't silly.", "that's a normal way to feel."),
        ("you're not crazy to think Alex is selfish",
         "that's a normal way to feel to think Alex is selfish"),
        ("Nothing dramatic happens. We sit and talk.", None),  # the session, not Sam
        ("It's not a big deal.", None),  # the worry's size: a brush-off
        ("Don't be silly.", None),
        ("I'm not overreacting.", None),  # the worker, not Sam
        ("Come on, it's not that dramatic.", None),  # the worry's size (review)
        ("It's really not so strange.", None),
        ("It's not a crazy idea to try one session", None),  # an offer
        ("Nothing dramatic. We sit and talk.", None),
    ],
)
def test_reassurances_judge_sam_or_sams_reaction_only(text: str, plain: str | None) -> None:
    assert reassured(text) == plain


def test_the_fitted_model_is_cached_by_what_the_fit_reads(tmp_path: Path) -> None:
    scenario = parse_scenario(FLAGSHIP)
    start = time.perf_counter()
    first = MoveModel(scenario, None, cache_dir=tmp_path)
    fit = time.perf_counter() - start
    [cached] = list(tmp_path.glob("moves-hesitant_partner-*.npz"))
    start = time.perf_counter()
    second = MoveModel(scenario, None, cache_dir=tmp_path)
    load = time.perf_counter() - start
    assert load < fit
    text = "It sounds like you're worried you'd be blamed."
    assert first.read(text) == second.read(text)
    original = FLAGSHIP.read_text(encoding="utf-8")
    edited = tmp_path / "edited.yaml"
    # Sam's lines and the feedback are not read by the fit: no refit for them.
    edited.write_text(original + "\n# edited\n", encoding="utf-8")
    MoveModel(parse_scenario(edited), None, cache_dir=tmp_path)
    assert list(tmp_path.glob("moves-hesitant_partner-*.npz")) == [cached]
    edited.write_text(original.replace("Thanks for agreeing to talk.",
                                       "Thanks for agreeing to talk today.", 1), encoding="utf-8")
    MoveModel(parse_scenario(edited), None, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("moves-hesitant_partner-*.npz"))) == 2
    assert cached.exists()


class _Rebuilt:
    """An embedder whose model file was rebuilt under the same ``model_id``."""

    model_id = "same-family"

    def __init__(self, build: int) -> None:
        self.cache_id = f"same-family-build{build}"
        self.build = build

    def embed(self, texts: list[str]) -> np.ndarray:
        rows = np.random.default_rng([self.build, *map(len, texts)]).normal(size=(len(texts), 8))
        return np.asarray(rows / np.linalg.norm(rows, axis=1, keepdims=True), np.float32)


def test_a_rebuilt_model_does_not_reuse_the_old_models_cached_vectors(tmp_path: Path) -> None:
    scenario = parse_scenario(MINI)
    old = MoveModel(scenario, _Rebuilt(1), cache_dir=tmp_path)
    new = MoveModel(scenario, _Rebuilt(2), cache_dir=tmp_path)
    fresh = MoveModel(scenario, _Rebuilt(2))  # no cache at all
    assert not np.array_equal(old.example_vectors, new.example_vectors)
    assert np.array_equal(new.example_vectors, fresh.example_vectors)
    assert np.array_equal(new.weights, fresh.weights)


def test_the_sentence_models_cache_id_names_its_exact_file() -> None:
    from bot.recognition.embedding import MODEL_SHA256, get_embedder

    embedder = get_embedder()
    if embedder is None:
        pytest.skip("sentence model not installed")
    assert embedder.cache_id == f"{embedder.model_id}-{MODEL_SHA256[:12]}"


def test_a_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    scenario = parse_scenario(FLAGSHIP)
    MoveModel(scenario, None, cache_dir=tmp_path)
    [cached] = list(tmp_path.glob("*.npz"))
    cached.write_bytes(b"not a zip file")
    model = MoveModel(scenario, None, cache_dir=tmp_path)
    assert model.read("you have to come, no excuses")


def test_without_the_sentence_model_it_falls_back_to_lexical_and_says_so_once() -> None:
    code = (
        "import sys, logging; sys.modules['onnxruntime'] = None\n"
        "logging.basicConfig(level=logging.WARNING)\n"
        "from pathlib import Path\n"
        "from bot.library import find_scenario, default_recognizer\n"
        "s = find_scenario(Path('dialogues'), 'hesitant_partner')\n"
        "r = default_recognizer(s); r2 = default_recognizer(s)\n"
        "print([m.id for m in r.recognize('you have to come, there is no other option').moves])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "pressure" in result.stdout
    assert result.stderr.count("lexical") == 1, result.stderr


def test_clause_vectors_come_from_one_model_run() -> None:
    import numpy as np

    from bot.recognition.embedding import get_embedder

    embedder = get_embedder()
    if embedder is None:
        pytest.skip("sentence model not installed")
    text = "I hear you, but honestly you need to come"
    parts = clauses(text)[1:]
    vectors = embedder.embed_parts(text, [*parts, "not in the text at all"])
    assert vectors.shape == (4, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    embedder.cache.clear()
    assert np.allclose(vectors[0], embedder.embed([text])[0], atol=1e-5)
    assert np.allclose(vectors[3], embedder.embed(["not in the text at all"])[0], atol=1e-5)
    # a clause's vector is close to, but not the same as, the clause embedded alone
    alone = embedder.embed([parts[1]])[0]
    assert 0.7 < float(vectors[2] @ alone) < 0.9999


def test_n_gram_rows_are_unit_tf_idf_of_the_known_grams() -> None:
    from bot.recognition.ngrams import NgramVectorizer

    vectorizer = NgramVectorizer.fit(["you need to come", "it is up to you", "come once"])
    rows = vectorizer.transform_sparse(["you need to come come", "nothing known here"]).toarray()
    assert np.isclose(np.linalg.norm(rows[0]), 1.0) and not rows[1].any()
    cols, vals = vectorizer.weights_of("you need to come come")
    assert np.allclose(rows[0][cols], vals)
    come = vectorizer.vocabulary["come"]
    assert rows[0][come] > rows[0][vectorizer.vocabulary["need"]]  # counted twice, sublinear


def test_example_vectors_are_stored_so_an_edit_embeds_only_what_changed(tmp_path: Path) -> None:
    from bot.recognition.vector_store import VectorStore

    calls: list[list[str]] = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return np.asarray([[len(t), 1.0] for t in texts], dtype=np.float32)

    path = tmp_path / "vectors.npz"
    first = VectorStore(path).vectors(["a", "bb", "a"], embed)
    assert calls == [["a", "bb"]]
    assert first.tolist() == [[1, 1], [2, 1], [1, 1]]
    again = VectorStore(path).vectors(["bb", "ccc"], embed)  # a new process, one new text
    assert calls[-1] == ["ccc"]
    assert again.tolist() == [[2, 1], [3, 1]]
    path.write_bytes(b"garbage")
    assert VectorStore(path).vectors(["a"], embed).tolist() == [[1, 1]]


def test_the_vector_store_trims_the_phrases_used_longest_ago(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.recognition import vector_store

    monkeypatch.setattr(vector_store, "MAX_VECTORS", 3)
    calls: list[list[str]] = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return np.ones((len(texts), 2), dtype=np.float32)

    path = tmp_path / "vectors.npz"
    vector_store.VectorStore(path).vectors(["a", "b"], embed)
    vector_store.VectorStore(path).vectors(["c", "a"], embed)  # a used again: b is oldest
    vector_store.VectorStore(path).vectors(["d"], embed)
    calls.clear()
    vector_store.VectorStore(path).vectors(["a", "c", "d"], embed)
    assert calls == []


def test_bulk_embedding_gives_exactly_the_vectors_of_one_at_a_time() -> None:
    """Activations are quantised per run: batching would make a vector depend on its batch."""
    from bot.recognition.embedding import get_embedder

    embedder = get_embedder()
    if embedder is None:
        pytest.skip("sentence model not installed")
    texts = [f"message number {i} about coming to a session" for i in range(70)]
    embedder.cache.clear()
    together = embedder.embed(texts)
    embedder.cache.clear()
    alone = np.stack([embedder.embed([t])[0] for t in texts[::7]])
    assert np.array_equal(together[::7], alone)


def test_the_k_nn_product_split_over_two_threads_matches_the_whole_product() -> None:
    from bot.recognition import moves

    model = flagship_practice().recognizer.moves
    if model.embedder is None:
        pytest.skip("sentence model not installed")
    assert model._vectors_t.shape[1] >= moves.SPLIT_KNN_FROM  # the split path runs
    vectors = model._embed(["Would you come once, just to see?", "You need to come.",
                            "Is the shop open on Sunday?"])
    split = model._similarities(vectors)
    assert split.shape == (3, model._vectors_t.shape[1])
    np.testing.assert_allclose(split, vectors @ model._vectors_t, rtol=0, atol=1e-6)


@pytest.mark.parametrize(
    ("text", "taken_back"),
    [
        # "that" points at the piece before it, which named the group
        ("Fair enough, a group would be a lot to face. Forget that, I'd rather it was just "
         "the three of us.", True),
        ("A support group might suit you better. Never mind, let's keep it to you, Alex and me.",
         True),
        # the group comes after the retraction: nothing before it is taken back
        ("Forget that, honestly you should just join a support group.", False),
    ],
)
def test_forget_that_takes_back_the_piece_before_it(text: str, taken_back: bool) -> None:
    recognition = flagship_practice().recognizer.recognize(text)
    assert "refer_support_group" in [m.id for m in recognition.moves]
    assert ("refer_support_group" in recognition.retracted) is taken_back


def test_lining_up_with_alex_in_a_kind_message_is_caught() -> None:
    """Thirty-first play-test: "Alex and I thought…" read as seeking
    collaboration and raised openness by 2; it presents two against one."""
    text = ("You're tired, and this is one more thing landing on you. Alex and I thought it "
            "might help if the three of us met, but I really want to hear what you think first.")
    assert "take_sides" in read(text)
    assert "take_sides" not in read(
        "What Alex and I talk about stays between us, the same as what you tell me.")


@pytest.mark.parametrize("text", ["Thanks," + " " * 4000 + "ok", "a," + " \n " * 1300 + "b"])
def test_a_run_of_white_space_is_read_at_once(text: str) -> None:
    """A comma and 1,500 spaces held the interpreter for 10.7 s in the clause
    pattern, and 4,000 for minutes: every trainee on the bot waited (review)."""
    import threading

    practice = flagship_practice()
    session = practice.start(seed=1)
    done: list[bool] = []
    worker = threading.Thread(
        target=lambda: done.append(bool(practice.turn(session, text).reply)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert done == [True]
    assert "  " not in session.turns[-1].text  # stored as said, spaces once


@pytest.mark.parametrize(("text", "move"), [
    # Thirty-fifth play-test: read as normalising only, and not read.
    ("the sessions r about the relationship n attachment stuff", "use_jargon"),
    ("Would you try one session, at a time that works round your shifts?",
     "address_practicalities"),
    ("one session, an evening that fits your rota, and then you decide", "address_practicalities"),
])
def test_play_tested_keywords_are_read_surely(text: str, move: str) -> None:
    from bot.engine.feedback import POOR_SURE

    moves = flagship_practice().recognizer.recognize(text).moves
    assert any(m.id == move and m.confidence >= POOR_SURE for m in moves), moves


def test_a_but_after_a_helpful_keyword_leaves_it_to_the_model() -> None:
    """"Everything's confidential, but I can tell you Alex cried…" (set 23) had the
    privacy keyword force explaining privacy beside the breach; a helpful move's
    keyword a "but" takes back is left to the model. "still" goes on, it does
    not take back ("if you still want to"; reviews)."""
    from bot.recognition.keywords import contrasted
    from bot.recognition.text_norm import normalise

    keyword = normalise("round your shifts")
    assert contrasted("We can do it round your shifts, but you need to come.", keyword)
    assert not contrasted("We can do it round your shifts. But what suits you?", keyword)
    assert not contrasted("We'd fit it round your shifts, anyway, it's up to you.", keyword)
    assert not contrasted("We could do a time round your shifts, if you still want to?", keyword)
    read_as = {m.id: m.confidence for m in flagship_practice().recognizer.recognize(
        "Everything's confidential, but I can tell you Alex cried when talking about you.").moves}
    assert read_as.get("breach_confidentiality", 0) >= 0.8
    assert read_as.get("clarify_confidentiality", 0) < 0.8


def test_no_defence_keyword_turns_an_apology_or_a_choice_into_arguing_back() -> None:
    """Defences were keywords for a while ("no need to twist", "that's not fair
    to me", "only trying to help"): sure and undeniable, they made "Sorry, that
    was pushy of me. There's no need to twist your arm…" arguing back (reviews)."""
    for text in ("Sorry, that was pushy of me. There's no need to twist your arm, it's "
                 "completely your call.",
                 "I'm sorry. I was only trying to help, but I pushed too hard and that's on me.",
                 "It's not fair to me to decide this for you, it's your call."):
        sure = [m.id for m in flagship_practice().recognizer.recognize(text).moves
                if m.confidence >= 0.8]
        assert "argue_back" not in sure, (text, sure)


def test_sympathy_or_a_refusal_before_a_correction_is_still_arguing_back() -> None:
    """A rule that let a confronting keyword pass after an apology was tried and
    taken out: each version let a defence through as a repair ("You should be
    sorry, I never said you were the problem."; reviews). These stay sure."""
    recognizer = flagship_practice().recognizer
    assert read("Sorry, but I never said you were the problem. You're twisting my words.")[0] == (
        "argue_back")
    assert "refer_support_group" in read("Sorry to hear that. A support group might help you.")
    for text in ("Sorry you feel that way. You're twisting my words.",
                 "I'm sorry if you took it that way. You're twisting my words.",
                 "I'm sorry that you feel that way, you're twisting my words.",
                 "You should be sorry, I never said you were the problem.",
                 "Sorry, I'm not sorry, I never said you were the problem.",
                 "I refuse to apologise, I never said you were the problem."):
        assert any(m.id == "argue_back" and m.confidence >= 0.8
                   for m in recognizer.recognize(text).moves), text



def test_a_greeting_in_front_does_not_hide_the_sentence_after_it() -> None:
    """Play-test 39: "Hello Sam." was too short to be a clause, so the sentence
    after it was never read alone, and the greeting outweighed its jargon."""
    from tests.scenarios import flagship_practice

    text = ("Hello Sam. I'm calling because Alex's treatment plan now includes a "
            "systemic component and we need you on board.")
    assert "use_jargon" in {m.id for m in flagship_practice().recognizer.recognize(text).moves}
    for greeting in ("hey sam!", "Hi, Sam.", "Hallo Robin.", "heyy!!", "Morning all!"):
        assert split_clauses(f"{greeting} you have to come")[0] == [
            f"{greeting} you have to come", "you have to come"], greeting
    # Any other short piece still stays with its sentence: "Well done." cut off
    # "Even being willing is a big deal" read it as dismissing (sets 15-51).
    assert split_clauses("Even being willing is a big deal. Well done.")[0] == [
        "Even being willing is a big deal. Well done."]
    # "Evening" greets only before a name or a word of address (review 46).
    assert split_clauses("Evening shifts? We could do weekends instead.")[0] == [
        "Evening shifts? We could do weekends instead."]


def test_a_greeting_in_front_does_not_take_the_support_a_clause_needs() -> None:
    """A clause's unhelpful move needs the whole message's support, and a greeting
    took most of the whole's reading: "Hello Sam. What worries you most? You have
    to come though." lost its pressure, read 0.97 alone (review of play-test 39's
    mends). Support is now judged among the moves besides the greeting's."""
    from bot.recognition.clauses import leading_greeting
    from tests.scenarios import flagship_practice

    recognizer = flagship_practice().recognizer
    for text in ("Hello Sam. What worries you most? You have to come though.",
                 "Hi Sam! What worries you most? You have to come."):
        assert "pressure" in {m.id for m in recognizer.recognize(text).moves}, text
    assert leading_greeting("Hi Sam! What worries you most?") == "Hi Sam!"
    assert leading_greeting("hey sam. sounds rough") == "hey sam."
    assert leading_greeting("Hi Sam!") is None  # nothing after it
    assert leading_greeting("Hi Sam, thanks for your time. What worries you?") is None
