"""The bot's persistent memory: trainees, sessions, turns and handled Telegram updates.

Every public method is one transaction, written once against the ``Tx`` surface,
so SQLite and PostgreSQL behave identically. Rows of a trainee are locked before
their sessions change (``FOR UPDATE`` on PostgreSQL; SQLite serialises writers),
which is what keeps "one active session" and "one turn per update" true under
concurrency.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from bot.storage import codec, updates
from bot.storage.backend import Backend, Row, Tx
from bot.storage.erase import erase_trainee
from bot.storage.errors import UnknownSessionError, UnknownTraineeError
from bot.storage.migrate import current_version
from bot.storage.models import (
    ActiveSession,
    RecordResult,
    SessionInfo,
    SessionStatus,
    StoredTurn,
    Trainee,
    TurnRow,
)
from bot.storage.rows import (
    SESSION_COLUMNS,
    TRAINEE_COLUMNS,
    TURN_COLUMNS,
    session_from_row,
    trainee_from_row,
    turn_from_row,
    turn_params,
)

T = TypeVar("T")
Clock = Callable[[], datetime]

#: Telegram redelivers an update for at most a day; a week leaves a wide margin.
DEFAULT_PROCESSED_RETENTION = timedelta(days=7)


class _Abort(Exception):
    """Raised inside a transaction to roll it back and report ``result`` instead."""

    def __init__(self, result: RecordResult) -> None:
        super().__init__(result.value)
        self.result = result


class Store:
    """Async storage API used by the bot; get one from ``open_store(url)``."""

    def __init__(
        self,
        backend: Backend,
        *,
        clock: Clock | None = None,
        processed_retention: timedelta = DEFAULT_PROCESSED_RETENTION,
    ) -> None:
        self._backend = backend
        self._clock: Clock = clock or (lambda: datetime.now(UTC))
        self._retention = processed_retention

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgres"``."""
        return self._backend.dialect

    def _now(self) -> datetime:
        return codec.utc(self._clock())

    async def _write(self, body: Callable[[Tx], Awaitable[T]]) -> T:
        return await self._backend.transact(body, write=True)

    async def _read(self, body: Callable[[Tx], Awaitable[T]]) -> T:
        return await self._backend.transact(body, write=False)

    async def schema_version(self) -> int:
        """The migration version of the open database."""
        return await current_version(self._backend)

    # -- trainees -----------------------------------------------------------

    async def get_or_create_trainee(self, user_id: int, language: str) -> Trainee:
        """The trainee row, created with ``language`` on first contact (an existing
        trainee keeps the language stored; change it with ``set_trainee_language``)."""
        codec.check_int(user_id, "user_id")
        codec.check_text(language, "language")
        # Called on almost every message: a plain read avoids taking the write lock.
        existing = await self.get_trainee(user_id)
        if existing is not None:
            return existing
        now = self._now()

        async def body(tx: Tx) -> Trainee:
            await tx.execute(
                "INSERT INTO trainees (user_id, language, settings, created_at, updated_at) "
                "VALUES (?, ?, '{}', ?, ?) ON CONFLICT (user_id) DO NOTHING",
                (user_id, language, now, now),
            )
            rows = await tx.fetch(
                f"SELECT {TRAINEE_COLUMNS} FROM trainees WHERE user_id = ?", (user_id,)
            )
            return trainee_from_row(rows[0])

        return await self._write(body)

    async def get_trainee(self, user_id: int) -> Trainee | None:
        """The trainee row, or None if this user never started (or erased their data)."""
        codec.check_int(user_id, "user_id")

        async def body(tx: Tx) -> Trainee | None:
            rows = await tx.fetch(
                f"SELECT {TRAINEE_COLUMNS} FROM trainees WHERE user_id = ?", (user_id,)
            )
            return trainee_from_row(rows[0]) if rows else None

        return await self._read(body)

    async def _lock_trainee(self, tx: Tx, user_id: int) -> Row:
        rows = await tx.fetch(
            f"SELECT {TRAINEE_COLUMNS} FROM trainees WHERE user_id = ?{tx.for_update()}",
            (user_id,),
        )
        if not rows:
            raise UnknownTraineeError(f"no trainee with user id {user_id}")
        return rows[0]

    async def update_trainee_settings(
        self, user_id: int, settings: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Merge ``settings`` into the stored ones (top-level keys replace) and return the
        result; merging under a row lock means two handlers changing different keys
        do not undo each other."""
        codec.check_int(user_id, "user_id")
        codec.dump_object(settings, "settings")  # validate before touching the database
        now = self._now()

        async def body(tx: Tx) -> dict[str, Any]:
            row = await self._lock_trainee(tx, user_id)
            merged = {**codec.load_object(row[2]), **settings}
            await tx.execute(
                "UPDATE trainees SET settings = ?, updated_at = ? WHERE user_id = ?",
                (codec.dump_object(merged, "settings"), now, user_id),
            )
            return merged

        return await self._write(body)

    async def set_trainee_language(self, user_id: int, language: str) -> None:
        """Change the language the trainee practises in."""
        codec.check_int(user_id, "user_id")
        codec.check_text(language, "language")
        now = self._now()

        async def body(tx: Tx) -> None:
            await self._lock_trainee(tx, user_id)
            await tx.execute(
                "UPDATE trainees SET language = ?, updated_at = ? WHERE user_id = ?",
                (language, now, user_id),
            )

        await self._write(body)

    # -- sessions -----------------------------------------------------------

    async def start_session(
        self, user_id: int, scenario_id: str, snapshot: Mapping[str, Any]
    ) -> int:
        """Open a new active session, marking any active one ``abandoned`` first."""
        codec.check_int(user_id, "user_id")
        codec.check_text(scenario_id, "scenario_id")
        data = codec.dump_object(snapshot, "snapshot")
        now = self._now()

        async def body(tx: Tx) -> int:
            await self._lock_trainee(tx, user_id)
            await tx.execute(
                "UPDATE sessions SET status = 'abandoned', updated_at = ? "
                "WHERE user_id = ? AND status = 'active'",
                (now, user_id),
            )
            rows = await tx.fetch(
                "INSERT INTO sessions "
                "(user_id, scenario_id, snapshot, status, created_at, updated_at) "
                "VALUES (?, ?, ?, 'active', ?, ?) RETURNING id",
                (user_id, scenario_id, data, now, now),
            )
            return int(rows[0][0])

        return await self._write(body)

    async def active_session(self, user_id: int) -> ActiveSession | None:
        """The trainee's running session and its latest snapshot, if any."""
        codec.check_int(user_id, "user_id")

        async def body(tx: Tx) -> ActiveSession | None:
            rows = await tx.fetch(
                "SELECT id, snapshot FROM sessions WHERE user_id = ? AND status = 'active'",
                (user_id,),
            )
            if not rows:
                return None
            return ActiveSession(int(rows[0][0]), codec.load_object(rows[0][1]))

        return await self._read(body)

    async def get_session(self, session_id: int) -> SessionInfo | None:
        """Any session by id, whatever its status (for summaries after the end)."""
        codec.check_int(session_id, "session_id")

        async def body(tx: Tx) -> SessionInfo | None:
            rows = await tx.fetch(
                f"SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?", (session_id,)
            )
            return session_from_row(rows[0]) if rows else None

        return await self._read(body)

    async def trainee_sessions(self, user_id: int) -> list[SessionInfo]:
        """All sessions of a trainee, oldest first (for history and data export)."""
        codec.check_int(user_id, "user_id")

        async def body(tx: Tx) -> list[SessionInfo]:
            rows = await tx.fetch(
                f"SELECT {SESSION_COLUMNS} FROM sessions WHERE user_id = ? ORDER BY id",
                (user_id,),
            )
            return [session_from_row(r) for r in rows]

        return await self._read(body)

    async def _lock_session(self, tx: Tx, session_id: int) -> tuple[int, SessionStatus]:
        rows = await tx.fetch(
            f"SELECT user_id, status FROM sessions WHERE id = ?{tx.for_update()}", (session_id,)
        )
        if not rows:
            raise UnknownSessionError(f"no session with id {session_id}")
        return int(rows[0][0]), SessionStatus(rows[0][1])

    async def end_session(self, session_id: int, outcome: str, snapshot: Mapping[str, Any]) -> bool:
        """Close an active session with its outcome and final snapshot.

        Returns False (and changes nothing) if it was already ended or abandoned,
        so a replayed final message is harmless.
        """
        codec.check_int(session_id, "session_id")
        codec.check_text(outcome, "outcome")
        data = codec.dump_object(snapshot, "snapshot")
        now = self._now()

        async def body(tx: Tx) -> bool:
            _user_id, status = await self._lock_session(tx, session_id)
            if status is not SessionStatus.ACTIVE:
                return False
            await tx.execute(
                "UPDATE sessions SET status = 'ended', outcome = ?, snapshot = ?, updated_at = ? "
                "WHERE id = ?",
                (outcome, data, now, session_id),
            )
            return True

        return await self._write(body)

    # -- turns --------------------------------------------------------------

    async def record_turn(
        self,
        session_id: int,
        turn_index: int,
        turn: TurnRow,
        snapshot: Mapping[str, Any],
        update_id: int | None,
    ) -> RecordResult:
        """Save one turn, the session's new snapshot and the update id, all or nothing.

        A replayed update (same ``update_id`` for this trainee) or a second turn with
        the same index changes nothing and is reported, so a crash between saving
        and replying never duplicates a turn. ``update_id=None`` skips the update
        check (turns not caused by a Telegram update).
        """
        codec.check_int(session_id, "session_id")
        codec.check_int(turn_index, "turn_index")
        if turn_index < 0:
            raise ValueError("turn_index must be >= 0")
        if update_id is not None:
            codec.check_int(update_id, "update_id")
        turn_values = turn_params(turn)
        data = codec.dump_object(snapshot, "snapshot")
        now = self._now()

        async def body(tx: Tx) -> RecordResult:
            user_id, status = await self._lock_session(tx, session_id)
            if update_id is not None and not await updates.claim_update(
                tx, user_id, update_id, now, now - self._retention
            ):
                raise _Abort(RecordResult.DUPLICATE_UPDATE)
            if status is not SessionStatus.ACTIVE:
                raise _Abort(RecordResult.SESSION_CLOSED)
            inserted = await tx.fetch(
                f"INSERT INTO turns ({TURN_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (session_id, turn_index) DO NOTHING RETURNING turn_index",
                (session_id, turn_index, *turn_values, update_id, now),
            )
            if not inserted:
                raise _Abort(RecordResult.DUPLICATE_TURN)
            await tx.execute(
                "UPDATE sessions SET snapshot = ?, updated_at = ? WHERE id = ?",
                (data, now, session_id),
            )
            return RecordResult.RECORDED

        try:
            return await self._write(body)
        except _Abort as abort:
            return abort.result

    async def session_turns(self, session_id: int) -> list[StoredTurn]:
        """The session's turns in order (empty for an unknown session)."""
        codec.check_int(session_id, "session_id")

        async def body(tx: Tx) -> list[StoredTurn]:
            rows = await tx.fetch(
                f"SELECT {TURN_COLUMNS} FROM turns WHERE session_id = ? ORDER BY turn_index",
                (session_id,),
            )
            return [turn_from_row(r) for r in rows]

        return await self._read(body)

    async def turn_for_update(self, user_id: int, update_id: int) -> StoredTurn | None:
        """The trainee's turn saved by this Telegram update, if any.

        Lets a redelivered update be answered from what was saved (the process may
        have died between saving the turn and sending the reply).
        """
        codec.check_int(user_id, "user_id")
        codec.check_int(update_id, "update_id")

        async def body(tx: Tx) -> StoredTurn | None:
            rows = await tx.fetch(
                f"SELECT {TURN_COLUMNS} FROM turns WHERE update_id = ? AND session_id IN "
                "(SELECT id FROM sessions WHERE user_id = ?) "
                "ORDER BY session_id DESC, turn_index DESC LIMIT 1",
                (update_id, user_id),
            )
            return turn_from_row(rows[0]) if rows else None

        return await self._read(body)

    # -- processed updates --------------------------------------------------

    async def was_processed(self, user_id: int, update_id: int) -> bool:
        """True if this update was already handled for this user (and not yet pruned)."""
        codec.check_int(user_id, "user_id")
        codec.check_int(update_id, "update_id")
        return await self._read(lambda tx: updates.is_processed(tx, user_id, update_id))

    async def mark_processed(self, user_id: int, update_id: int) -> bool:
        """Remember an update that created no turn; False if it was already marked."""
        codec.check_int(user_id, "user_id")
        codec.check_int(update_id, "update_id")
        now = self._now()
        return await self._write(
            lambda tx: updates.claim_update(tx, user_id, update_id, now, now - self._retention)
        )

    async def prune_processed(self, older_than: timedelta | None = None) -> int:
        """Forget update ids older than the retention, for all users; returns how many.

        Each trainee's own ids are already pruned whenever a new one is marked;
        call this now and then to cover users who went quiet.
        """
        cutoff = self._now() - (self._retention if older_than is None else older_than)
        return await self._write(lambda tx: updates.prune(tx, cutoff))

    # -- erasure ------------------------------------------------------------

    async def delete_trainee_data(self, user_id: int) -> bool:
        """Erase everything about a trainee: turns, sessions, settings, update ids.

        Returns True if anything existed. Idempotent, so a replayed "delete my data"
        update is harmless (do not mark that update processed afterwards: the mark
        itself would be a row about the user).
        """
        codec.check_int(user_id, "user_id")
        existed = await self._write(lambda tx: erase_trainee(tx, user_id))
        await self._backend.after_erase()
        return existed

    # -- lifecycle ----------------------------------------------------------

    async def close(self) -> None:
        """Release the database; safe to call twice."""
        await self._backend.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
