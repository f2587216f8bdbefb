"""Turn feedback as data, so each adapter can render it for its own screen."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.catalogue import t
from bot.engine.recognition import BEHAVIOUR_SKILLS, SkillNote
from bot.engine.session import MoveGuess


@dataclass
class MoveFeedback:
    """What one recognised move did."""

    move: str
    label: str
    kind: str
    confidence: float
    text: str
    better: str | None = None
    #: Why the move landed differently in this moment (the transition's ``feedback``).
    note: str | None = None
    #: The move's tip on how it was said (its ``skill_notes``), when "How you
    #: said it" names that skill without hedging.
    tip: str | None = None

    @property
    def unsure(self) -> bool:
        """A poor move read with too little confidence to say it flatly."""
        return self.kind == "poor" and self.confidence < POOR_SURE


@dataclass
class TurnFeedback:
    """Everything the trainee is told about one turn."""

    understood: bool
    meter_label: str
    meter_before: int
    meter_after: int
    meter_min: int
    meter_max: int
    moves: list[MoveFeedback] = field(default_factory=list)
    unclear_text: str | None = None
    #: The message was understood but too short to act on ("ok", "neither"),
    #: so it is not headed "Not understood".
    short: bool = False
    skills: SkillNote | None = None
    #: No "How you said it" because a sure unhelpful move was read and no
    #: non-adherent skill: the line says so, not nothing (thirty-sixth
    #: play-test: the line vanished on five such turns, unexplained).
    skills_set_aside: bool = False
    #: Every move read is an unhelpful one told "not sure": the line shows the
    #: reading, and says the summary leaves the turn out (review 44: the line
    #: named a reflection the summary's counts then lacked).
    skills_uncounted: bool = False
    #: The question and reflection the summary leaves out beside a sure
    #: unhelpful move ("question", "reflection"), named on the line too.
    left_out: tuple[str, ...] = ()
    #: Messages left before the turn limit ends the conversation, once only a
    #: few are (a trainee at openness 10 ran out of time without warning).
    turns_left: int | None = None
    #: The meter the next message must reach, where a rule would otherwise end
    #: the conversation as a failure after it (thirty-fourth play-test: Sam hung
    #: up, with no warning, in the same turn as a credited apology).
    last_chance: int | None = None
    #: The partner's name, for "2 more messages before Sam has to go".
    partner: str = ""
    #: The scenario's ``meter.max_gain`` when this message's gain was cut to it,
    #: so four helpful moves that raised the meter by two are explained.
    capped: int | None = None
    #: The cap was the scenario's ``meter.wary_gain``: an unhelpful move came lately.
    wary: bool = False
    #: The cap was the scenario's ``meter.steep_gain``: the partner is near deciding.
    steep: bool = False
    #: The meter stopped at ``meter.heard_at``: the partner has not felt heard yet.
    unheard: bool = False
    #: This message counted as a reflection, so the "not heard" note must not ask
    #: for one as if none had been made (twenty-eighth play-test).
    reflected: bool = False
    #: The message was long (LONG_MESSAGE_WORDS or more), so a cut gain says why
    #: a long message is not the way to more.
    long: bool = False
    #: The message was a question for the bot, answered in ``unclear_text``; the
    #: partner says nothing and no turn was played.
    help: bool = False

    @property
    def delta(self) -> int:
        return self.meter_after - self.meter_before


#: Below this confidence a poor move is told as a possibility ("it could be
#: read this way"), not a verdict. On the 7,120 held-out messages of sets
#: 15-32, 2,009 of 2,105 poor-move reads came at 0.8 or more, and 0.99 of them
#: were right; below 0.8, 96 reads and 0.66 right, and there lay 33 of the 51
#: warm messages wrongly flagged ("Where do you think the trouble between you
#: two comes from?" as blame, 0.68).
POOR_SURE = 0.8


#: A message of at most this many words that carries no move ("ok", "right",
#: "nope never") was understood; it just says too little to act on. It gets its
#: own feedback and replies, and the summary counts it apart.
SHORT_REPLY_WORDS = 3


def is_short_reply(text: str) -> bool:
    """A reply of a word or two (not an empty one)."""
    return 0 < len(text.split()) <= SHORT_REPLY_WORDS


def meter_bar(value: int, low: int, high: int, width: int = 10) -> str:
    """A small visual meter such as ▰▰▰▱▱, readable on a phone."""
    span = max(high - low, 1)
    filled = round((value - low) / span * width)
    return "▰" * filled + "▱" * (width - filled)


#: Below this confidence a skill guess is told as "this reads like…".
SKILL_SURE = 0.6


def _hedged(guess: MoveGuess, note: SkillNote) -> bool:
    return guess.id in note.tentative or guess.confidence < SKILL_SURE


def asserted_skills(note: SkillNote | None) -> list[str]:
    """The skills "How you said it" names without hedging: only these earn a move's tip."""
    return [g.id for g in _named(note) if not _hedged(g, note)] if note else []


#: How many of the reading's own skill guesses "How you said it" names.
SKILLS_NAMED = 3


def _named(note: SkillNote) -> list[MoveGuess]:
    """The skills the line names: the credited moves' own, then the reading's first three."""
    return note.skills[:note.credited + SKILLS_NAMED]


def skill_phrase(note: SkillNote, language: str | None) -> str:
    """'an open question, an affirmation', with the weak guesses hedged together
    ("this reads like a complex reflection and emphasising autonomy")."""
    sure: list[str] = []
    unsure: list[str] = []
    family = BEHAVIOUR_SKILLS.get(note.behaviour, frozenset())
    named = _named(note)
    if family and not any(guess.id in family for guess in named):
        # "a reflection, an affirmation": the skills alone would hide the behaviour.
        sure.append(t(f"skill.{note.behaviour}", language))
    for guess in named:
        name = t(f"skill.{guess.id}", language)
        (unsure if _hedged(guess, note) else sure).append(name)
    if unsure:
        joined = t("feedback.skills_and", language).join(unsure)
        sure.append(t("feedback.skills_tentative", language, skill=joined))
    if not sure:
        sure.append(t(f"skill.{note.behaviour}", language))
    return ", ".join(sure)


def skills_text(feedback: TurnFeedback, language: str | None) -> str | None:
    """What "How you said it" says of this turn, if anything."""
    if not feedback.understood:
        return None
    acts = t(f"feedback.left_out.{'_'.join(feedback.left_out)}", language) if (
        feedback.left_out) else ""
    if feedback.skills is not None:
        phrase = skill_phrase(feedback.skills, language)
        if feedback.skills_uncounted:
            return t("feedback.skills_uncounted", language, skills=phrase)
        return t("feedback.left_out", language, skills=phrase, acts=acts) if acts else phrase
    if not feedback.skills_set_aside:
        return None  # no reading to show (its left-out note would claim a sure slip)
    if acts:
        return t("feedback.skills_set_aside_left_out", language, acts=acts)
    return t("feedback.skills_set_aside", language)


#: A message this long is a lot to take in on a phone call: a nine-sentence
#: message credited with seven helpful moves got no word on its length
#: (thirtieth play-test).
LONG_MESSAGE_WORDS = 80


def turns_left_text(feedback: TurnFeedback, language: str | None) -> str | None:
    """"2 more messages before Sam has to go", "Sam is close to ending the call…",
    or None while neither end is near."""
    lines = []
    if feedback.last_chance is not None:
        lines.append(t("feedback.last_chance", language, name=feedback.partner,
                       label=feedback.meter_label, need=feedback.last_chance))
    if feedback.turns_left is not None:
        key = "feedback.turns_left_one" if feedback.turns_left == 1 else "feedback.turns_left"
        lines.append(t(key, language, count=feedback.turns_left, name=feedback.partner))
    return " ".join(lines) or None


def capped_text(feedback: TurnFeedback, language: str | None) -> str | None:
    """Why helpful moves raised the meter by less than their sum: one message's
    limit, the partner still wary after an unhelpful move, or not yet heard."""
    if feedback.unheard:
        key = "feedback.unheard_more" if feedback.reflected else "feedback.unheard"
        return t(key, language, name=feedback.partner)
    if feedback.capped is None:
        return None
    key = ("feedback.wary" if feedback.wary else "feedback.steep" if feedback.steep
           else "feedback.capped_long" if feedback.long else "feedback.capped")
    return t(key, language, name=feedback.partner, gain=feedback.capped)


def render_plain(feedback: TurnFeedback, language: str | None = None) -> str:
    """Plain-text feedback for the terminal and the transcript."""
    if feedback.help:
        return f"{t('feedback.help', language)}: {feedback.unclear_text or ''}".strip()
    lines: list[str] = []
    if not feedback.understood:
        heading = t("feedback.short" if feedback.short else "feedback.unclear", language)
        lines.append(f"{heading}: {feedback.unclear_text or ''}".strip())
    for move in feedback.moves:
        kind = t(f"feedback.kind.{move.kind}", language)
        if move.unsure:
            kind = f"{kind}; {t('feedback.unsure', language)}"
        lines.append(f"• {move.label} ({kind}): {move.text}")
        if move.note:
            lines.append(f"  {t('feedback.note', language)}: {move.note}")
        if move.tip:
            lines.append(f"  {t('feedback.tip', language)}: {move.tip}")
        if move.better:
            lines.append(f"  {t('feedback.better', language)}: {move.better}")
    if (skills := skills_text(feedback, language)) is not None:
        lines.append(t("feedback.skills", language, skills=skills))
    bar = meter_bar(feedback.meter_after, feedback.meter_min, feedback.meter_max)
    meter = t(
        "feedback.meter",
        language,
        label=feedback.meter_label,
        before=feedback.meter_before,
        after=feedback.meter_after,
    )
    lines.append(f"{meter} {bar}")
    if (capped := capped_text(feedback, language)) is not None:
        lines.append(capped)
    if (left := turns_left_text(feedback, language)) is not None:
        lines.append(left)
    return "\n".join(lines)
