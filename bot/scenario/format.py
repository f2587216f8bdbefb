"""The scenario file format that educators write, as pydantic models.

These models are the single source of truth for the YAML format: the loader
validates against them and ``python -m bot schema`` exports them as JSON Schema
so an editor can autocomplete scenario files.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError


def _shape(value: Any) -> str | None:
    """Pick a union member by the YAML shape, so errors speak of one member only."""
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    return None


#: A text shown to people: either one string in the scenario's base language,
#: or a mapping from language code to string (``{en: "...", de: "..."}``).
Text = Annotated[
    Annotated[str, Tag("text")] | Annotated[dict[str, str], Tag("mapping")],
    Discriminator(_shape, custom_error_type="text", custom_error_message="expected a text"),
    Field(description="A text, or a mapping from language code to text."),
]

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
Identifier = Annotated[str, Field(pattern=ID_PATTERN)]

#: Longest scenario id. Telegram buttons carry at most 64 bytes of data and the
#: longest one naming a scenario is ``again:<id>``; 48 leaves room to spare.
MAX_SCENARIO_ID = 48


class _Strict(BaseModel):
    """Unknown keys are errors, so a typo never silently does nothing."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Persona(_Strict):
    """Who the trainee is talking to."""

    name: Text
    relation: Text = Field(description="How this person relates to the client.")
    background: Text


class Brief(_Strict):
    """What the trainee reads before starting."""

    situation: Text
    goal: Text


class Meter(_Strict):
    """The number that tracks how the partner feels (openness by default)."""

    name: Identifier = "openness"
    label: Text = "Openness"
    min: int = 0
    max: int = 10
    start: int = 3
    #: The most one message can raise the meter: a long message holding four
    #: good moves took a wary partner from 5 to 9 at once (seventeenth
    #: play-test). No cap when left out; a loss is never capped.
    max_gain: int | None = Field(default=None, ge=1)
    #: Trust comes back slowly: for this many messages after an unhelpful move
    #: (read sure), one message raises the meter by at most ``wary_gain``. A
    #: breach took Sam from 6 to 3 and two kind messages back to 7, above
    #: where it was (twenty-first play-test). 0 turns it off.
    wary_for: int = Field(default=0, ge=0, description="For this many messages after an "
                          "unhelpful move, one message raises the meter by at most wary_gain.")
    wary_gain: int = Field(default=1, ge=0, description="The most one message raises the meter "
                           "while the partner is still wary (see wary_for).")
    #: A partner who has not felt heard does not open up fully: above
    #: ``heard_at`` the meter rises only once the trainee has reflected
    #: ``heard_after`` times (counted as the summary counts reflections).
    #: Sam reached 10 of 10 by the seventh message with no reflection at all,
    #: through offered framing and autonomy replies (twenty-fifth play-test).
    heard_at: int | None = Field(default=None, description="Above this the meter rises only "
                                 "after heard_after reflections. Left out: no such limit.")
    heard_after: int = Field(default=2, ge=1, description="How many reflections lift the "
                             "heard_at limit.")
    #: The last steps come slowly: from ``steep_at`` up, one message raises the
    #: meter by at most ``steep_gain``. A skilled trainee's Sam reached 10 of 10
    #: by the fifth message, and the meter then stood still and taught nothing
    #: (twenty-seventh and twenty-eighth play-tests).
    steep_at: int | None = Field(default=None, description="From this value up, one message "
                                 "raises the meter by at most steep_gain. Left out: no such limit.")
    steep_gain: int = Field(default=1, ge=1, description="The most one message raises the "
                            "meter from steep_at up.")


#: Skills a move can declare: three MI-adherent ones (the summary's "MI-adherent"
#: line), and confronting and advice without permission (MI's "persuade"), which are not.
MiSkill = Literal["affirm", "seek_collaboration", "emphasize_autonomy", "confront", "advice"]
MiBehaviour = Literal["question", "reflection", "input", "other"]
#: Every micro-skill "How you said it" can name (the skill layer's codes).
SkillId = Literal[
    "open_question", "closed_question", "simple_reflection", "complex_reflection", "affirm",
    "seek_collaboration", "emphasize_autonomy", "giving_information", "advice",
    "advice_with_permission", "confront",
]


class Move(_Strict):
    """Something the trainee can do in a message."""

    label: Text
    kind: Literal["good", "neutral", "poor"]
    effect: int = Field(0, description="Change of the meter when this move is recognised.")
    examples: list[str] = Field(
        min_length=1, description="Phrases the recogniser learns this move from."
    )
    keywords: list[str] = Field(
        default_factory=list, description="Words or phrases that strongly signal this move."
    )
    feedback: Text = Field(description="Why this move helped or hurt.")
    better: Text | None = Field(None, description="For poor moves: what to do instead.")
    skills: list[MiSkill] = Field(
        default_factory=list,
        description="MI skills this move always is (affirm, seek_collaboration, "
        "emphasize_autonomy, or confront or advice for an unhelpful move); 'How you said it' "
        "and the "
        "summary count them even when the skill reading misses them.",
    )
    behaviour: MiBehaviour | None = Field(
        None,
        description="The MI behaviour this move always is (question, reflection, input or "
        "other, e.g. a greeting). "
        "'How you said it' and the summary's reflections per question then agree with the "
        "move's feedback even when the skill reading heard something else.",
    )
    skill_notes: dict[SkillId, Text] = Field(
        default_factory=dict,
        description="A tip shown beside this move when 'How you said it' names one of these "
        "skills without hedging, e.g. closed_question: 'Ask it openly…' on a move meant as an "
        "open question.",
    )


class AnsweredLine(_Strict):
    """A partner's line that asks a yes/no question, and what a bare answer to it means.

    On a phone a trainee often answers such a question with one word. "yes" on
    its own carries no move, so without this it would be read as unclear.
    """

    say: Text = Field(description="What the partner says; it should ask a yes/no question.")
    # Not plain "yes:"/"no:": YAML 1.1 tools read those keys as true and false.
    yes_means: Identifier | None = Field(
        None, description="The move a bare 'yes' ('sure', 'of course', 'yeah') to this line is."
    )
    no_means: Identifier | None = Field(
        None, description="The move a bare 'no' ('nope', 'not at all') to this line is."
    )

    @model_validator(mode="after")
    def _says_what_an_answer_means(self) -> AnsweredLine:
        if self.yes_means is None and self.no_means is None:
            raise PydanticCustomError(
                "answer_missing",
                "a line written with 'say' needs 'yes_means', 'no_means' or both: the move "
                "a bare yes or no to it is (otherwise write the line as plain text)",
            )
        return self


#: The keys of an answered line: a mapping with any of them is one, so a typo
#: ("says:") or translations put beside "yes:" is reported, not read as languages.
_ANSWER_KEYS = frozenset({"say", "yes_means", "no_means"})


def _line_shape(value: Any) -> str | None:
    """Like ``_shape``, telling an answered line from a mapping of translations."""
    if isinstance(value, dict) and _ANSWER_KEYS & set(value):
        return "answered"
    return _shape(value)


#: Translations of a line. In the JSON Schema their keys exclude "say",
#: "yes_means" and "no_means", so an editor tells them from an answered line.
_LineTranslations = Annotated[
    dict[str, str],
    WithJsonSchema({
        "type": "object",
        "additionalProperties": {"type": "string"},
        "propertyNames": {"not": {"enum": sorted(_ANSWER_KEYS)}},
    }),
]

#: One thing the partner says: a text, or a question with ``say`` and what a bare
#: yes or no to it means.
Line = Annotated[
    Annotated[str, Tag("text")]
    | Annotated[_LineTranslations, Tag("mapping")]
    | Annotated[AnsweredLine, Tag("answered")],
    Discriminator(_line_shape, custom_error_type="line",
                  custom_error_message="expected a text, or 'say' with 'yes_means' or "
                  "'no_means'"),
    Field(description="A text, a mapping from language code to text, or a question with what "
                      "a bare yes or no to it means (say, yes_means, no_means)."),
]


class Transition(_Strict):
    """Where a move leads, optionally only when a condition on the meter holds."""

    to: Identifier | None = Field(
        None, description="The state or ending to go to; leave it out to stay where the partner is."
    )
    if_: str | None = Field(
        None,
        alias="if",
        description="A condition such as 'openness >= 7', 'turn > 3' or 'frame_relationship >= 1'.",
    )
    effect: int | None = Field(None, description="Overrides the move's meter effect here.")
    lines: list[Line] = Field(
        default_factory=list, description="What the partner says when this happens."
    )
    feedback: Text | None = Field(
        None,
        description="Shown with the move's own feedback when this transition is taken: why the "
        "move landed differently here (say, a good move made too early).",
    )


#: A state's reaction to a move: a target state name, one transition, or a
#: list of transitions tried in order (the first whose condition holds wins).
Reaction = Annotated[
    Annotated[Identifier, Tag("text")]
    | Annotated[Transition, Tag("mapping")]
    | Annotated[list[Transition], Tag("list")],
    Discriminator(
        _shape,
        custom_error_type="reaction",
        custom_error_message="expected a state name, a transition, or a list of transitions",
    ),
]


class Option(_Strict):
    """A ready-made reply a trainee can pick in guided mode."""

    text: Text
    move: Identifier
    after: list[Identifier] = Field(
        default_factory=list,
        description="Offer this reply only right after a message read as one of these moves: "
        "an apology that names the slip just made ('I pushed too hard'), instead of one "
        "generic apology for every slip.",
    )


class State(_Strict):
    """A mood or stage of the partner."""

    lines: list[Line] = Field(min_length=1)
    hint: Text | None = None
    on: dict[Identifier, Reaction] = Field(default_factory=dict)
    options: list[Option] = Field(default_factory=list)


class DebriefNote(_Strict):
    """A paragraph of the debrief that only fits some conversations."""

    if_: str = Field(
        alias="if",
        description="When it shows, judged on the whole conversation at its end: "
        "'frame_relationship == 0' (never framed), 'breach_confidentiality >= 1', "
        "'openness >= 9'.",
    )
    text: Text


class Ending(_Strict):
    """A state that ends the conversation."""

    outcome: Literal["success", "failure", "neutral"]
    title: Text
    line: Text | None = Field(None, description="The partner's closing line.")
    lines: list[Text] = Field(
        default_factory=list,
        description="Other ways the partner may close; one of 'line' and these is picked, so "
        "a trainee who plays again doesn't hear the same last words every time.",
    )
    debrief: Text = Field(description="What the trainee reads after the ending.")
    debrief_notes: list[DebriefNote] = Field(
        default_factory=list,
        description="Paragraphs added after the debrief when their condition holds, so the "
        "debrief praises only what this trainee did and names what went wrong on the way.",
    )

    @model_validator(mode="after")
    def _has_a_closing_line(self) -> Ending:
        if self.line is None and not self.lines:
            raise PydanticCustomError(
                "closing_line_missing", "an ending needs the partner's closing 'line' (or 'lines')"
            )
        return self

    def closing_lines(self) -> list[Text]:
        """Every closing line the partner may say."""
        return [self.line, *self.lines] if self.line is not None else list(self.lines)


class StoppedEarly(_Strict):
    """What the trainee reads after stopping a conversation (``/end``) before an ending.

    A trainee who stops midway still wants to know where they stood and what
    the next step would have been, not only the figures (twenty-fifth play-test).
    """

    debrief: Text = Field(description="What the trainee reads after stopping early.")
    debrief_notes: list[DebriefNote] = Field(
        default_factory=list,
        description="Paragraphs added after the debrief when their condition holds, judged "
        "on the conversation so far: 'openness >= 7 and invite_trial_session == 0' (ready "
        "for an offer that was never made).",
    )


class Rule(_Strict):
    """Checked after every turn, in order: the first whose condition holds moves the partner."""

    if_: str = Field(alias="if")
    to: Identifier
    lines: list[Text] = Field(default_factory=list)


class TurnLimit(_Strict):
    """Conversations do not go on forever: after ``turns`` messages, end in ``to``."""

    turns: int = Field(ge=1)
    to: Identifier
    lines: list[Text] = Field(default_factory=list)


class Unclear(_Strict):
    """How the partner reacts when the message was not understood."""

    lines: list[Text] = Field(min_length=1)
    feedback: Text
    short_lines: list[Text] = Field(
        default_factory=list,
        description="What the partner says instead when the whole message is a word or two "
        "that gives them nothing to go on ('ok', 'right', 'neither'). Leave it out to use "
        "'lines'.",
    )
    short_feedback: Text | None = Field(
        None,
        description="What the trainee reads after such a reply. Leave it out for the bot's "
        "own text, which asks them to say it in a sentence.",
    )
    doubt_lines: list[Text] = Field(
        default_factory=list,
        description="What the partner says when a message may have been an unhelpful move but "
        "the bot is not sure (every such move read under 0.8): a wary question such as "
        "'Hang on, what's that supposed to mean?'. Leave it out to use 'lines'.",
    )
    doubt_again_lines: list[Text] = Field(
        default_factory=list,
        description="What the partner says instead when they asked what the last message "
        "meant too: a wary remark that lets it pass, such as 'Okay. I'll let that one go.', "
        "so the partner does not ask the same question twice running. Leave it out to ask "
        "again.",
    )


#: Where a scale answer's number goes.
SCALE_NUMBER = "{n}"


class PermissionAnswer(_Strict):
    """What the partner says when asked leave to tell or ask something, while the
    meter is at most ``up_to``."""

    up_to: int = Field(description="Used while the meter is at most this value (lowest band "
                                   "first); the last band also covers anything above it.")
    lines: list[Text] = Field(
        min_length=1,
        description="The partner's whole reply to 'Would it help if I explained…?' or 'Can I "
        "ask you something?': a yes, grudging or warm as the meter says.",
    )


class ScaleAnswer(_Strict):
    """What the partner says to a scaling question while the meter is at most ``up_to``."""

    up_to: int = Field(description="Used while the meter is at most this value (lowest band "
                                   "first); the last band also covers anything above it.")
    lines: list[Text] = Field(
        min_length=1,
        description="What the partner says first; write {n} where the number goes. When the "
        "scaling question is the message's main question this is the whole reply; otherwise "
        "the usual reply follows it.",
    )
    reasons: list[Text] = Field(
        default_factory=list,
        description="What the partner says when asked next why the number is not lower ('why "
        "a 4 and not a 2?'): what already draws them, in their own words. Leave it out for "
        "the usual reply.",
    )
    needs: list[Text] = Field(
        default_factory=list,
        description="What the partner says when asked next what would raise the number ('what "
        "would make it a 5?'). Leave it out for the usual reply.",
    )

    @field_validator("lines")
    @classmethod
    def _has_number(cls, lines: list[Text]) -> list[Text]:
        for line in lines:
            texts = [line] if isinstance(line, str) else list(line.values())
            for text in texts:
                if SCALE_NUMBER not in text:
                    raise PydanticCustomError(
                        "scale_number_missing",
                        "write {marker} where the number goes in every scale answer; this "
                        "line has none: {line}", {"marker": SCALE_NUMBER, "line": text},
                    )
        return lines


class ScenarioFile(_Strict):
    """One practice scenario, as written in ``dialogues/<id>.yaml``."""

    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=MAX_SCENARIO_ID)]
    title: Text
    language: str = Field("en", description="The base language of the texts.")
    persona: Persona
    brief: Brief
    meter: Meter = Field(default_factory=Meter)
    start: Identifier
    moves: dict[Identifier, Move] = Field(min_length=1)
    defaults: dict[Identifier, Reaction] = Field(
        default_factory=dict, description="Reactions that apply in every state."
    )
    states: dict[Identifier, State] = Field(min_length=1)
    endings: dict[Identifier, Ending] = Field(min_length=1)
    stopped_early: StoppedEarly | None = Field(
        None, description="The debrief for a trainee who stops before an ending. Leave it out "
        "and stopping early shows the figures only.",
    )
    rules: list[Rule] = Field(default_factory=list)
    unclear: Unclear
    turn_limit: TurnLimit | None = Field(
        None, description="End the conversation after this many trainee messages."
    )
    scaling: list[ScaleAnswer] = Field(
        default_factory=list,
        description="How the partner answers a scaling question ('on a scale of 1 to 10, how "
        "ready are you…'): bands of the meter, lowest first. The number is the meter after "
        "the message, put on the scale the trainee named. Leave it out and such a question "
        "gets the usual reply.",
    )
    permission: list[PermissionAnswer] = Field(
        default_factory=list,
        description="How the partner answers when asked leave to tell or ask something "
        "('Would it help if I explained how a session works?', 'Can I ask you something?'): "
        "bands of the meter, lowest first. Leave it out and such a question gets the usual "
        "reply to its move.",
    )

    @field_validator("id", mode="before")
    @classmethod
    def _short_id(cls, value: Any) -> Any:
        """Say why, in the educator's terms, before the generic length check would."""
        if isinstance(value, str) and len(value) > MAX_SCENARIO_ID:
            raise PydanticCustomError(
                "scenario_id_too_long",
                "scenario ids can be at most {limit} characters (this one has {length}), "
                "so the bot's buttons fit Telegram's limit",
                {"limit": MAX_SCENARIO_ID, "length": len(value)},
            )
        return value

    @field_validator("scaling", "permission")
    @classmethod
    def _bands_in_order(cls, bands: list[ScaleAnswer] | list[PermissionAnswer]
                        ) -> list[ScaleAnswer] | list[PermissionAnswer]:
        tops = [band.up_to for band in bands]
        if tops != sorted(set(tops)):
            raise ValueError("list the answers lowest 'up_to' first, each 'up_to' once")
        return bands

    @field_validator("language")
    @classmethod
    def _short_language(cls, value: str) -> str:
        if not value.isalpha() or not 2 <= len(value) <= 3:
            raise ValueError("use a two- or three-letter language code such as 'en'")
        return value.lower()
