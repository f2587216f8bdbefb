"""Saying the partner's words back is a simple reflection, whatever the words read as alone."""

from __future__ import annotations

import pytest

from bot.engine.practice import Practice
from bot.engine.recognition import Recognition, SkillNote
from bot.engine.session import MoveGuess
from bot.recognition.echoes import endorses, is_echo, is_quote, says_back
from tests.scenarios import flagship_practice

SAM = "I don't see the point of me coming. It's Alex's therapy, and I'm tired of it."


@pytest.mark.parametrize(
    "text",
    [
        "You don't see the point of you coming.",
        "so u dont see the point",
        "It sounds like you're tired of it.",
        "ur tired of it",
        "You don't see the point. You're tired of it.",
    ],
)
def test_sams_words_said_back_are_an_echo(text: str) -> None:
    assert says_back(text, SAM)


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        # the "not" left out turns it round
        ("You're the one with the problem.", "I'm not the one with the problem."),
        # not from the start of Sam's clause: who said so is dropped
        ("You're controlling.", "Alex says I'm controlling."),
        # Sam's question echoes the worker; saying it back is the suggestion again
        ("your own therapist", "My own therapist? So I need fixing, do I?"),
        # a stock phrase Sam used, not something about Sam
        ("Don't worry about it.", "Don't worry about it. I'm still on the fence."),
        ("to be honest", "I don't get told that much, to be honest."),
        # about the worker, not Sam
        ("I'm on Alex's team.", "So you're on Alex's team. Thought as much."),
        # too short to say anything
        ("You do.", "I do."),
        # more of Sam's words left out than a reflection drops
        ("You don't see why you're involved.",
         "I don't really see at all why I'm suddenly being involved."),
    ],
)
def test_what_only_looks_like_an_echo_is_not_one(text: str, previous: str) -> None:
    assert not says_back(text, previous)


def test_a_reflection_may_leave_out_a_word_or_two_of_sams() -> None:
    assert is_echo("You don't see why you're involved.",
                   "Yeah. I don't see why I'm suddenly involved.")


def test_an_echo_is_read_as_the_reflection_move_and_a_simple_reflection() -> None:
    """Eighteenth play-test: "If you know you can stop, it's easier to start." was
    read as blaming Sam, straight after Sam had said just that."""
    recognizer = flagship_practice().recognizer
    previous = "That matters. If I know I can stop, it's easier to start."
    text = "If you know you can stop, it's easier to start."
    assert [m.id for m in recognizer.recognize(text).moves] != ["reflect_concern"]
    reading = recognizer.recognize(text, previous)
    assert [m.id for m in reading.moves] == ["reflect_concern"]
    assert reading.skills is not None
    assert reading.skills.behaviour == "reflection"
    assert [s.id for s in reading.skills.skills] == ["simple_reflection"]


def test_a_poor_move_beside_an_echo_is_still_read() -> None:
    recognizer = flagship_practice().recognizer
    previous = "Honestly? I'm worried. I don't know what's been said about me."
    text = "You're worried, and to be fair, Alex has told me a few things about you."
    assert "breach_confidentiality" in [m.id for m in recognizer.recognize(text, previous).moves]


def test_a_poor_reading_of_an_echoed_piece_is_dropped() -> None:
    recognizer = flagship_practice().recognizer
    previous = "I don't like being pushed. I came to talk, not to be told what to do."
    text = "You don't like being pushed, and that's fair enough."
    alone = {m.id for m in recognizer.recognize("You don't like being pushed.").moves}
    said_back = {m.id for m in recognizer.recognize(text, previous).moves}
    poor = flagship_practice().scenario.poor_moves
    assert alone & poor, alone  # what the test guards against
    assert not said_back & poor, said_back


def test_in_play_an_echo_gets_the_simple_reflection_tip() -> None:
    practice = flagship_practice()
    session = practice.start(seed=3)
    session.last_line = "Look, I'm only on this call because Alex asked me to."
    result = practice.turn(session, "You're only on this call because Alex asked you to.")
    feedback = result.feedback
    assert [m.move for m in feedback.moves] == ["reflect_concern"]
    assert feedback.moves[0].tip is not None and "simple reflection" in feedback.moves[0].tip
    assert session.turns[-1].behaviour == "reflection"


def _agreed_with(moves: list[tuple[str, str]]) -> str:
    """The flagship's debrief for a call that reached a yes after these (text, move) turns."""
    from bot.engine.session import TurnRecord
    from bot.engine.summary import summarize

    practice = flagship_practice()
    session = practice.start(seed=1)
    for text, move in moves:
        session.turns.append(TurnRecord(text, [MoveGuess(move, 0.95)], move, "warming",
                                        "warming", 5, 5, "", "", behaviour="reflection"))
    session.state = "agreed"
    return summarize(practice.scenario, session).debrief


def test_a_failed_calls_debrief_names_the_unhelpful_moves_and_the_repairs() -> None:
    """Twenty-fourth play-test: after a support group, jargon and three owned
    repairs, the failed call's debrief said only that Sam had left."""
    from bot.engine.session import TurnRecord
    from bot.engine.summary import summarize

    practice = flagship_practice()
    session = practice.start(seed=1)
    for text, move in [("There's a partners' group on Thursdays.", "refer_support_group"),
                       ("Sorry, that was a bad suggestion.", "own_misstep"),
                       ("We'd look at the dyadic attachment system.", "use_jargon"),
                       ("Honestly Alex sounds exhausting.", "side_with_sam")]:
        session.turns.append(TurnRecord(text, [MoveGuess(move, 0.95)], move, "guarded",
                                        "guarded", 2, 2, "", "", behaviour="other"))
    session.state = "walked_away"
    debrief = summarize(practice.scenario, session).debrief
    assert "Pointing Sam to a group" in debrief
    assert "Clinical words" in debrief
    assert "ran Alex down" in debrief
    # One apology for three slips: not "You owned your missteps plainly"
    # (thirty-second play-test).
    assert "You owned some of your missteps, which was right, but not all" in debrief
    assert "owned your missteps plainly" not in debrief


@pytest.mark.parametrize("state", ["walked_away", "not_yet", None, "agreed"])
def test_every_calls_debrief_names_a_brush_off(state: str | None) -> None:
    """Thirty-first and thirty-second play-tests: three brush-offs, and the
    debrief named none."""
    from bot.engine.session import TurnRecord
    from bot.engine.summary import summarize

    practice = flagship_practice()
    session = practice.start(seed=1)
    session.turns.append(TurnRecord("Don't be silly, it'll be fine.",
                                    [MoveGuess("dismiss_concern", 0.95)], "dismiss_concern",
                                    "guarded", "guarded", 3, 2, "", "", behaviour="other"))
    if state is not None:
        session.state = state
    assert "you waved a worry away" in summarize(practice.scenario, session).debrief


def test_the_debrief_of_a_trainee_who_argued_back_does_not_say_they_never_argued() -> None:
    """Eighteenth play-test: "You put Sam's worries into words instead of arguing
    with them" after three defensive rebukes in a row."""
    reflections = [("You're worried.", "reflect_concern")] * 3
    calm = _agreed_with(reflections)
    argued = _agreed_with([*reflections, ("Don't put words in my mouth.", "argue_back")])
    assert "You put many of Sam's worries into words" in calm
    assert "instead of arguing" not in calm + argued  # a contradiction beside "not sure"
    assert "argued back when Sam got sharp" not in calm
    assert "argued back when Sam got sharp" in argued
    sided = _agreed_with([*reflections, ("Alex can be a lot.", "side_with_sam")])
    assert "sided with Sam against Alex" in sided


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        # Twentieth play-test: read as a breach, openness 3 -> 0, and Sam hung up.
        ("Alex has mentioned me, and you want to know what this is about.",
         "Yeah, hi. Alex has mentioned you. So what's this about?"),
        # Sam's own picture said back was read as blaming Sam.
        ("Alex learned a new dance and you're still doing the old steps.",
         "It's like Alex has learned a new dance and I'm still doing the old steps."),
    ],
)
def test_what_sam_said_about_alex_or_the_worker_said_back_is_a_reflection(
    text: str, previous: str
) -> None:
    recognizer = flagship_practice().recognizer
    assert [m.id for m in recognizer.recognize(text, previous).moves] == ["reflect_concern"]


def test_sams_opener_may_be_left_out_but_not_whose_view_it_is() -> None:
    assert says_back("You're the odd one out.", "I think I'm the odd one out here.")
    assert not says_back("You're the problem.", "Alex acts like I'm the problem.")


@pytest.mark.parametrize(("meter", "fragile"), [(7, True), (10, False)])
def test_only_a_wary_yes_is_called_fragile(meter: int, fragile: bool) -> None:
    """"Sam's yes is still fragile" closed every win, also where Sam had been at
    10 for several messages (twenty-second play-test)."""
    from bot.engine.summary import summarize

    practice = flagship_practice()
    session = practice.start(seed=1)
    session.state, session.meter = "agreed", meter
    debrief = summarize(practice.scenario, session).debrief
    assert ("still fragile" in debrief) is fragile


def test_what_the_partner_said_quoted_back_is_no_breach() -> None:
    """Held-out set 47: "u said alex basically lives at the gym now" passes on
    Sam's own words, not Alex's, yet read as a breach even right after Sam said it."""
    recognizer = flagship_practice().recognizer
    said = "Alex basically lives at the gym now."
    quoted = recognizer.recognize("u said alex basically lives at the gym now. whats that been "
                                  "like for u", said)
    assert "breach_confidentiality" not in [m.id for m in quoted.moves]
    # Only what Sam said: "Alex told you in therapy…" is still a breach.
    passed_on = recognizer.recognize("You said Alex told you in therapy that you're controlling",
                                     "Alex says I'm controlling.")
    assert "breach_confidentiality" in [m.id for m in passed_on.moves]


SAM_LINES = ("Alex isn't home much anymore. Alex is never home.",
             "Since Alex started seeing you, Alex says no to things.",
             "Alex has got all this new confidence.",
             "Alex says I'm controlling. I have been trying my best with Alex.",
             "I don't want to come. My own therapist?",
             "I'm wiped out after a shift, and I don't want to talk. Alex wants to talk.")


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("earlier u said alex is never home anymore", True),
        ("At the start you told me Alex has all this new confidence and says no to things", True),
        ("You said Alex told you in therapy that you're controlling", False),
        ("You mentioned Alex talks about you a lot in our sessions", False),
        ("you said it", False),
        ("Alex said you never listen", False),
        # The attribution alone proves nothing (review): Sam never said these.
        ("Earlier you told me Alex is worried you'll leave", False),
        ("You said Alex shared with me that you don't listen", False),
        ("you said alex is never home so you have to come", False),
        # Reported speech and mockery never quote, even in Sam's words (reviews).
        ("you said alex says you're controlling", False),
        ("You said Alex talks about you a lot in those sessions", False),
        ("you said you have been trying your best with alex yeah right", False),
        ("you said you have been trying your best with alex", True),
        # Sam's "not" kept; Sam's questions are not Sam's words.
        ("you said you want to come", False),
        ("you said you don't want to come", True),
        ("you said your own therapist would help", False),
        # Sam's "not" counts where Sam said it; quoted in another order (third review).
        ("earlier you said you're wiped out after a shift and alex wants to talk", True),
        # A joined part of only filler is no quote ("…so you will have to be there").
        ("you said alex has got all this new confidence so you will have to be there", False),
        ("You said Alex says no to things, and that is that", False),
    ],
)
def test_a_piece_that_names_the_partner_as_its_source_is_a_quote(text: str, quote: bool) -> None:
    assert is_quote(text, SAM_LINES) is quote
    assert not is_quote(text, ())  # with no line to check against, never


def test_the_partners_earlier_words_quoted_back_are_no_breach() -> None:
    """Thirty-third play-test: Sam's words from four turns back, said back with
    "earlier you told me", read as a breach (openness 6 -> 3, Sam accused the
    worker)."""
    recognizer = flagship_practice().recognizer
    quoted = recognizer.recognize(
        "earlier u said alex is never home anymore. sounds pretty lonely tbh",
        "I don't know. It's a lot.", SAM_LINES)
    assert [m.id for m in quoted.moves] == ["reflect_concern"]
    passed_on = recognizer.recognize("Earlier you told me Alex is worried you'll leave.",
                                     "I don't know. It's a lot.", SAM_LINES)
    assert "breach_confidentiality" in [m.id for m in passed_on.moves]


def test_the_engine_gives_the_recogniser_the_partners_earlier_lines() -> None:
    practice = flagship_practice()
    session = practice.start(seed=3)
    seen: list[tuple[str, ...]] = []
    real = practice.recognizer

    class Spy:
        def recognize(self, text: str, previous: str | None = None,
                      earlier: tuple[str, ...] = ()) -> Recognition:
            seen.append(earlier)
            return real.recognize(text, previous, earlier)

        def read_skills(self, text: str, previous: str | None = None) -> SkillNote | None:
            return real.read_skills(text, previous)

    spied = Practice(practice.scenario, Spy())
    first = spied.turn(session, "Hi Sam, thanks for talking to me.")
    spied.turn(session, "What's been on your mind about all this?")
    assert seen[0] == ()  # the opening is the previous line
    assert seen[1] == (session.opening,) and first.reply not in seen[1]


def test_agreeing_with_a_quote_of_the_last_line_keeps_the_siding() -> None:
    """Second review: the plain echo check ran first, so agreement with a quote
    of Sam's last line was never seen, and siding with Sam read as a reflection."""
    recognizer = flagship_practice().recognizer
    agreed = recognizer.recognize("You said Alex always has the words ready, and honestly I agree",
                                  "Alex always has the words ready.")
    assert "reflect_concern" not in [m.id for m in agreed.moves]


def test_a_quote_the_worker_mocks_or_agrees_with_is_no_echo_whichever_rule_took_it() -> None:
    """Third review: "…, yeah right" after a quote, and agreement after a quote
    only the echo rule accepted, read as reflections."""
    recognizer = flagship_practice().recognizer
    for previous, text in (("I'm fine mostly.", "you said you're fine mostly, yeah right"),
                           ("Alex says what Alex thinks now.",
                            "You said Alex says what Alex thinks now, and honestly I agree")):
        read = [m.id for m in recognizer.recognize(text, previous).moves]
        assert "reflect_concern" not in read


def test_a_quote_the_worker_agrees_with_is_their_own_view() -> None:
    assert endorses("you said alex is lazy, and honestly i agree with you")
    assert endorses("ur so right")
    assert not endorses("what has that been like for you?")
    # Empathy, not agreement (review: these undid plain reflections).
    assert not endorses("I agree that must hurt.")
    assert not endorses("Same here some days, honestly.")
    assert endorses("you said you're fine, yeah right")


def test_a_quote_of_the_partners_words_is_a_reflection_beside_the_rest() -> None:
    """Thirty-fourth play-test: "You said home's been tense. What's a normal evening
    like…?" was credited only with the question, and the echoer's summary counted
    more questions than reflections at six to six."""
    recognizer = flagship_practice().recognizer
    sam = ("Home's been tense. Alex says what Alex thinks now, which is good, but I don't "
           "always know how to answer.",)
    both = recognizer.recognize(
        "You said home's been tense. What's a normal evening like for the two of you?",
        "Honestly, I don't know where I fit any more.", sam)
    assert {"explore_concerns", "reflect_concern"} <= {m.id for m in both.moves}
    # Without Sam's line the quote proves nothing, so no reflection is credited.
    alone = recognizer.recognize(
        "You said home's been tense. What's a normal evening like for the two of you?")
    assert "reflect_concern" not in [m.id for m in alone.moves]
    # Mocked, or a push beside it, the quote is no cover.
    mocked = recognizer.recognize("you said home's been tense, yeah right",
                                  "I don't know.", sam)
    assert "reflect_concern" not in [m.id for m in mocked.moves]
    pushed = [m.id for m in recognizer.recognize(
        "You said home's been tense, so you really need to come on Tuesday.",
        "I don't know.", sam).moves]
    assert pushed[0] == "pressure" and "reflect_concern" not in pushed
    # Nor beside a doubted slip: credited, the quote had Sam answer the
    # reflection, and the push cost nothing (review).
    for text in ("You said home's been tense, so I'll pencil you in for Tuesday and that's that.",
                 "You said home's been tense. Well, that's what happens when you shut Alex out."):
        read = recognizer.recognize(text, "I don't know.", sam).moves
        assert "reflect_concern" not in [m.id for m in read] or not any(
            m.id in {"pressure", "blame_partner"} for m in read), (text, read)


@pytest.mark.parametrize(
    ("earlier", "text"),
    [
        ("Home's been tense. Alex says what Alex thinks now, which is good, but I don't "
         "always know how to answer.",
         "You told me home's been tense, that Alex says you don't know how to answer."),
        ("Home's been tense. Alex says what Alex thinks now, which is good, but I don't "
         "always know how to answer.",
         "You said Alex says what Alex thinks now, and Alex says you don't always listen."),
        ("What gets to me is the evenings. Alex wants to talk things through now, and after "
         "a shift I'm wiped out and just want the telly.",
         "You said Alex wants to talk things through now, that Alex wants to talk about a "
         "divorce."),
    ],
)
def test_what_alex_said_wrapped_in_sams_words_is_still_a_breach(earlier: str, text: str) -> None:
    """Review 43: a quote rule that let Sam's commas and "that" join parts, and
    accepted "Alex says" because Sam once said it, credited these as reflections."""
    recognizer = flagship_practice().recognizer
    read = recognizer.recognize(text, "Okay. Go ahead, I'm listening.", (earlier,))
    assert "breach_confidentiality" in [m.id for m in read.moves]
    assert "reflect_concern" not in [m.id for m in read.moves]
