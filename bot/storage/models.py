"""Plain records the store hands out, identical whichever database is behind it."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any, NamedTuple

from bot.engine.session import TurnRecord


class SessionStatus(enum.StrEnum):
    """Lifecycle of a session; at most one ``ACTIVE`` per trainee."""

    ACTIVE = "active"
    ENDED = "ended"
    ABANDONED = "abandoned"


class RecordResult(enum.StrEnum):
    """What ``record_turn`` did, so a replayed update is answered without being redone."""

    RECORDED = "recorded"
    #: This update id was already processed for the trainee; nothing changed.
    DUPLICATE_UPDATE = "duplicate_update"
    #: The session already has a turn with this index; nothing changed.
    DUPLICATE_TURN = "duplicate_turn"
    #: The session is ended or abandoned; nothing changed.
    SESSION_CLOSED = "session_closed"

    @property
    def recorded(self) -> bool:
        """True only when the turn was written by this call."""
        return self is RecordResult.RECORDED


@dataclass(frozen=True)
class Trainee:
    """One Telegram user who practises; ``settings`` is free-form JSON (e.g. feedback on/off)."""

    user_id: int
    language: str
    settings: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class ActiveSession(NamedTuple):
    """The trainee's running session: unpack as ``session_id, snapshot = ...``."""

    session_id: int
    snapshot: dict[str, Any]


@dataclass(frozen=True)
class SessionInfo:
    """Everything stored about one session except its turns."""

    session_id: int
    user_id: int
    scenario_id: str
    status: SessionStatus
    outcome: str | None
    snapshot: dict[str, Any]
    created_at: datetime
    updated_at: datetime


#: TurnRecord fields kept in their own columns; anything else goes to ``TurnRow.extra``.
_CORE_FIELDS = (
    "text",
    "moves",
    "main_move",
    "state_before",
    "state_after",
    "meter_before",
    "meter_after",
    "reply",
    "feedback",
    "guided",
)


@dataclass(frozen=True)
class TurnRow:
    """One answered trainee message, as kept in the transcript table.

    ``text`` is the trainee's message verbatim; ``moves`` is JSON (the recogniser's
    guesses). ``extra`` holds any other engine fields (e.g. ``behaviour``, ``skills``)
    as JSON, so new engine fields are stored without a schema migration.
    """

    text: str
    moves: list[dict[str, Any]]
    state_before: str
    state_after: str
    meter_before: int
    meter_after: int
    feedback: str
    reply: str
    main_move: str | None = None
    guided: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_record(cls, record: TurnRecord) -> TurnRow:
        """Build the row from the engine's turn, so callers need not copy fields by hand."""
        data = asdict(record)
        return cls(
            text=record.text,
            moves=data["moves"],
            state_before=record.state_before,
            state_after=record.state_after,
            meter_before=record.meter_before,
            meter_after=record.meter_after,
            feedback=record.feedback,
            reply=record.reply,
            main_move=record.main_move,
            guided=record.guided,
            extra={k: v for k, v in data.items() if k not in _CORE_FIELDS},
        )

    def to_record(self) -> TurnRecord:
        """The engine's view of this row; extra keys this engine version lacks are dropped."""
        known = {f.name for f in fields(TurnRecord)}
        data: dict[str, Any] = {k: v for k, v in self.extra.items() if k in known}
        data.update(
            text=self.text,
            moves=self.moves,
            main_move=self.main_move,
            state_before=self.state_before,
            state_after=self.state_after,
            meter_before=self.meter_before,
            meter_after=self.meter_after,
            reply=self.reply,
            feedback=self.feedback,
            guided=self.guided,
        )
        return TurnRecord.from_dict(data)


@dataclass(frozen=True)
class StoredTurn:
    """A turn as read back: the row plus where and when it was recorded."""

    session_id: int
    turn_index: int
    turn: TurnRow
    update_id: int | None
    created_at: datetime = field(compare=False)
