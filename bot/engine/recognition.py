"""What the engine needs from a recogniser, so the engine never depends on how it works."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol, get_args

from bot.engine.question_form import asks_openly, read_question
from bot.engine.session import MoveGuess
from bot.scenario.format import MiSkill

#: MI-non-adherent skills. Beside a move the scenario calls good, the
#: skill layer's guess of one of these is not shown or counted: the move read
#: is measured and scenario-specific, and advice is the weakest skill guess.
NON_ADHERENT = frozenset({"confront", "advice"})
#: The MI-adherent codes the summary counts; a move can declare them too (``Move.skills``).
ADHERENT = frozenset(get_args(MiSkill)) - NON_ADHERENT


@dataclass
class SkillNote:
    """How a message was said (MI behaviour codes), independent of the scenario."""

    behaviour: str
    behaviour_confidence: float
    skills: list[MoveGuess] = field(default_factory=list)
    #: Skill ids whose classifier is weak, so feedback hedges instead of asserting.
    tentative: frozenset[str] = frozenset()
    #: How many of the first ``skills`` a credited move is declared to be: they
    #: are named surely, before the reading's own three (``with_credited``).
    credited: int = 0


@dataclass
class Recognition:
    """The moves found in one message (confident ones only, best first) and its skills."""

    moves: list[MoveGuess]
    skills: SkillNote | None = None
    #: Poor moves among ``moves`` that the message only takes back ("forget the
    #: group idea"): a repair if the trainee had made that move, else the move.
    retracted: frozenset[str] = frozenset()


class Recognizer(Protocol):
    """Reads a trainee message in the context of the partner's previous line, and
    of the partner's earlier lines (``earlier``: what the trainee may quote)."""

    def recognize(self, text: str, previous: str | None = None,
                  earlier: tuple[str, ...] = ()) -> Recognition: ...

    def read_skills(self, text: str, previous: str | None = None) -> SkillNote | None:
        """How a fixed text was said (guided options already know their move)."""
        ...


#: The skill codes that belong to one behaviour; the others (affirm, seeking
#: collaboration, emphasising autonomy, confront) go with any behaviour.
BEHAVIOUR_SKILLS: dict[str, frozenset[str]] = {
    "question": frozenset({"open_question", "closed_question"}),
    "reflection": frozenset({"simple_reflection", "complex_reflection"}),
    "input": frozenset({"giving_information", "advice", "advice_with_permission"}),
}


#: A closed question read at least this surely stays a question whatever the
#: move is declared to be: MI coding counts a guess asked yes/no ("do you feel
#: left out?") as a closed question, not a reflection. On 414 held-out
#: reflections, only 4 read so, each of them asked as a question. An open
#: question after a reflection ("sounds exhausting. whats the hardest bit")
#: keeps the declared reflection: the question is a second act, not the form
#: of the guess (twelfth play-test: a phone typist who reflected in every
#: message read 0.2 reflections per question).
ASKED_SURE = 0.8


def _guess_asked(note: SkillNote) -> bool:
    """A sure question whose best question subtype is closed."""
    if note.behaviour != "question" or note.behaviour_confidence < ASKED_SURE:
        return False
    kinds = {s.id: s.confidence for s in note.skills}
    return kinds.get("closed_question", 0.0) > kinds.get("open_question", 0.0)


def as_behaviour(note: SkillNote, behaviour: str, also: Sequence[str] = ()) -> SkillNote:
    """The reading with the behaviour a recognised move is declared to be.

    The move read is learned from the scenario's own examples and measured on
    it; the behaviour reading is general and, in play, weaker. Where they
    disagreed, the trainee was told "Reflecting Sam's concern" and "How you
    said it: small talk or other" in one turn, and the summary counted no
    reflection. Skills of a behaviour no move in the message declares are
    dropped; the rest stay, so a reflection beside an explanation ("that sounds
    lonely. In a session you'd both get equal time") is named beside "giving
    information", as the summary counts both (``also``: the other declared
    behaviours; twenty-third to twenty-sixth play-tests). A sure question is
    the exception (ASKED_SURE): counted as reflections, checking questions gave
    a trainee with about 0.4 reflections per question "2.3" in the summary
    (tenth play-test).
    """
    if note.behaviour == behaviour:
        return note
    if _guess_asked(note):
        return note
    kept = {behaviour, *also}
    other = frozenset().union(*(s for b, s in BEHAVIOUR_SKILLS.items() if b not in kept))
    return replace(note, behaviour=behaviour,
                   skills=[s for s in note.skills if s.id not in other])


#: The confidence given to a question found by its wording alone, under
#: SKILL_SURE, so "How you said it" hedges it ("this reads like an open question").
WORDED = 0.5


def with_worded_question(note: SkillNote, text: str) -> SkillNote:
    """The reading with a question the message words but the skill layer missed.

    One behaviour per message hid the question after a reflection or
    information ("sounds exhausting. whats the hardest bit"), the line two
    play-testers found most often wrong (thirteenth and fourteenth); the
    summary counts that question, so the line names it too.

    Where the wording shows a question, it also decides open or closed: on the
    301 written coded questions (bench/data/skills_written) the wording's kind,
    where it finds one, and the skill layer's elsewhere, miss 8 against the
    skill layer's 15. An offer ending "How would that be?" read closed, and
    "How about one session?" open (twenty-seventh play-test).
    """
    read = read_question(text)
    if read is None:
        return note
    form, kind = read
    if asks_openly(text):  # "can I ask what it's been like?" is open in MI coding
        kind = "open_question"
    skills = renamed(note.skills, BEHAVIOUR_SKILLS["question"], kind)
    if not any(s.id in BEHAVIOUR_SKILLS["question"] for s in skills):
        skills.append(MoveGuess(kind, WORDED))
        skills.sort(key=lambda s: -s.confidence)  # a sure skill keeps its place in the line
    if form == "whole":
        # All of it is worded as questions: MI coding counts a question, as the
        # summary does (engine/acts.py), not a reflection.
        return replace(note, behaviour="question",
                       skills=[s for s in skills if s.id not in BEHAVIOUR_SKILLS["reflection"]])
    return replace(note, skills=skills)


def renamed(skills: Sequence[MoveGuess], ids: frozenset[str], to: str) -> list[MoveGuess]:
    """``skills`` with each of ``ids`` read as ``to`` instead, each skill named once
    (the first, surest, keeps its place)."""
    out = [replace(s, id=to) if s.id in ids else s for s in skills]
    return [s for i, s in enumerate(out) if s.id not in {x.id for x in out[:i]}]


def as_scaling_question(note: SkillNote) -> SkillNote:
    """The reading of a ruler ("on a scale of 0 to 10, how ready are you?"), which asks
    for a number: MI coding counts it a closed question. The skill layer read the
    first ruler as closed and the re-scale ("where would you put yourself now, on
    that same scale?") as open, and a play-tester found the two lines contradict
    each other (twenty-third play-test)."""
    if not any(s.id in BEHAVIOUR_SKILLS["question"] for s in note.skills):
        return replace(note, skills=[*note.skills, MoveGuess("closed_question", WORDED)])
    asked = max(s.confidence for s in note.skills if s.id in BEHAVIOUR_SKILLS["question"])
    skills = [s for s in note.skills if s.id not in BEHAVIOUR_SKILLS["question"]]
    return replace(note, skills=sorted([*skills, MoveGuess("closed_question", asked)],
                                       key=lambda s: -s.confidence))


def heard_skills(skills: Sequence[MoveGuess], kinds: Sequence[str]) -> list[MoveGuess]:
    """The skill guesses that count beside moves of these kinds (see NON_ADHERENT)."""
    if "good" in kinds:
        return [s for s in skills if s.id not in NON_ADHERENT]
    return list(skills)


def shown_skills(
    note: SkillNote | None, kinds: Sequence[str], declared: Sequence[str] = (),
    credited: Sequence[str] = (),
) -> SkillNote | None:
    """The skill reading as the trainee sees it beside moves of these kinds.

    ``declared``: non-adherent skills the unhelpful moves read are declared to be
    (arguing back is confronting); a play-tester found no "How you said it" on
    exactly the turns that most needed one (nineteenth play-test). ``credited``:
    the skills and behaviours the other moves read are declared to be.
    """
    if note is None:
        return None
    if "poor" in kinds:
        # Beside an unhelpful move, "reads like a reflection" would contradict
        # the move's feedback, so only a non-adherent skill is shown ("a
        # confrontation"), which the summary counts too; the behaviour is not.
        kept = [s for s in note.skills if s.id in NON_ADHERENT]
        said = {s.id for s in kept}
        added = [MoveGuess(s, 1.0) for s in dict.fromkeys(declared)
                 if s in NON_ADHERENT and s not in said]
        kept = [*added, *kept]
        return replace(note, behaviour="other", skills=kept) if kept else None
    return with_credited(replace(note, skills=heard_skills(note.skills, kinds)), credited)


def with_credited(note: SkillNote, credited: Sequence[str]) -> SkillNote:
    """The reading with the skills and behaviours the credited moves are declared
    to be, named first and without a hedge.

    The summary counts what a credited move is declared to be whatever the
    skill layer read, but "How you said it" showed only the reading: an
    affirmation credited as a move beside "giving information" alone, a
    reflection beside "an open question" (thirty-fourth play-test: 8 of 77
    lines left out a skill the move list had just credited). A behaviour is
    named only where no skill of it is ("a reflection", its kind unknown).
    """
    have = {s.id for s in note.skills}
    names: list[str] = []
    for name in dict.fromkeys(credited):
        family = BEHAVIOUR_SKILLS.get(name)
        if name == "other":
            continue  # "small talk or other" says nothing beside a credited move
        if family is None:
            names.append(name)
        elif name != note.behaviour and not family & have:
            names.append(name)  # the note's own behaviour is named by skill_phrase
    if not names:
        return note
    rest = [s for s in note.skills if s.id not in names]
    return replace(note, skills=[*(MoveGuess(n, 1.0) for n in names), *rest],
                   tentative=note.tentative - set(names), credited=len(names))
