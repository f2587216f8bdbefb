"""How records map to table rows: column lists, decoding, and validation before writing.

Kept apart from the store's transaction logic so each stays short and readable.
"""

from __future__ import annotations

from typing import Any

from bot.storage import codec
from bot.storage.backend import Row
from bot.storage.models import SessionInfo, SessionStatus, StoredTurn, Trainee, TurnRow

TRAINEE_COLUMNS = "user_id, language, settings, created_at, updated_at"
SESSION_COLUMNS = "id, user_id, scenario_id, status, outcome, snapshot, created_at, updated_at"
TURN_COLUMNS = (
    "session_id, turn_index, text, moves, main_move, state_before, state_after, "
    "meter_before, meter_after, feedback, reply, guided, extra, update_id, created_at"
)


def trainee_from_row(row: Row) -> Trainee:
    return Trainee(
        user_id=int(row[0]),
        language=str(row[1]),
        settings=codec.load_object(row[2]),
        created_at=codec.as_datetime(row[3]),
        updated_at=codec.as_datetime(row[4]),
    )


def session_from_row(row: Row) -> SessionInfo:
    return SessionInfo(
        session_id=int(row[0]),
        user_id=int(row[1]),
        scenario_id=str(row[2]),
        status=SessionStatus(row[3]),
        outcome=row[4],
        snapshot=codec.load_object(row[5]),
        created_at=codec.as_datetime(row[6]),
        updated_at=codec.as_datetime(row[7]),
    )


def turn_from_row(row: Row) -> StoredTurn:
    turn = TurnRow(
        text=row[2],
        moves=codec.load_json(row[3]),
        main_move=row[4],
        state_before=row[5],
        state_after=row[6],
        meter_before=int(row[7]),
        meter_after=int(row[8]),
        feedback=row[9],
        reply=row[10],
        guided=bool(row[11]),
        extra=codec.load_object(row[12]),
    )
    return StoredTurn(
        session_id=int(row[0]),
        turn_index=int(row[1]),
        turn=turn,
        update_id=None if row[13] is None else int(row[13]),
        created_at=codec.as_datetime(row[14]),
    )


def turn_params(turn: TurnRow) -> tuple[Any, ...]:
    """Validate a turn before it reaches SQL, so both backends refuse the same input."""
    if not isinstance(turn, TurnRow):
        raise TypeError(f"turn must be a TurnRow, got {type(turn).__name__}")
    return (
        codec.check_text(turn.text, "turn text"),
        codec.dump_json(list(turn.moves)),
        None if turn.main_move is None else codec.check_text(turn.main_move, "main_move"),
        codec.check_text(turn.state_before, "state_before"),
        codec.check_text(turn.state_after, "state_after"),
        codec.check_int(turn.meter_before, "meter_before"),
        codec.check_int(turn.meter_after, "meter_after"),
        codec.check_text(turn.feedback, "feedback"),
        codec.check_text(turn.reply, "reply"),
        bool(turn.guided),
        codec.dump_object(turn.extra, "extra"),
    )
