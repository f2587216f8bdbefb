"""Storage behaviour, run identically against SQLite and a real PostgreSQL server.

Tests taking ``store`` or ``database_url`` run once per backend (see tests/conftest.py).
"""

from __future__ import annotations

import asyncio
import json
import random
import shutil
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.engine.session import MoveGuess, Session, TurnRecord
from bot.storage import (
    DatabaseUrlError,
    Migration,
    MigrationError,
    RecordResult,
    SessionStatus,
    Store,
    TurnRow,
    UnknownSessionError,
    UnknownTraineeError,
    load_migrations,
    open_backend,
    open_store,
    redact,
)
from bot.storage.backend import Row, Tx
from bot.storage.migrate import default_migrations_dir
from bot.storage.url import PostgresTarget, SqliteTarget, parse_database_url

ROOT = Path(__file__).resolve().parent.parent


# -- helpers ------------------------------------------------------------------


def make_row(i: int, text: str | None = None) -> TurnRow:
    """A deterministic turn, so a reader can check every field of turn ``i``."""
    return TurnRow(
        text=text if text is not None else f"trainee message {i} " + "ж" * (i % 7),
        moves=[{"id": "empathy", "confidence": 0.5 + (i % 5) / 10}],
        state_before=f"s{i}",
        state_after=f"s{i + 1}",
        meter_before=i,
        meter_after=i + 1,
        feedback=f"feedback {i}",
        reply=f"partner reply {i}",
        main_move="empathy" if i % 2 else None,
        guided=bool(i % 3 == 0),
        extra={"behaviour": "open" if i % 2 else None, "skills": []},
    )


def snapshot_for(n_turns: int, scenario: str = "demo") -> dict[str, Any]:
    return {"scenario_id": scenario, "state": f"s{n_turns}", "meter": n_turns, "turns": n_turns}


async def raw(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
    """Run SQL on a separate connection, to look at the database behind the store's back."""
    backend = await open_backend(url)
    try:

        async def body(tx: Tx) -> list[Row]:
            return await tx.fetch(sql, params)

        return await backend.transact(body, write=True)
    finally:
        await backend.close()


async def table_counts(url: str) -> dict[str, int]:
    """Row count of every table (found in the catalogue, so new tables are covered too)."""
    if parse_database_url(url).__class__ is SqliteTarget:
        listing = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    else:
        listing = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    names = [str(r[0]) for r in await raw(url, listing)]
    return {n: int((await raw(url, f"SELECT COUNT(*) FROM {n}"))[0][0]) for n in sorted(names)}


async def new_session(store: Store, user_id: int = 1, scenario: str = "demo") -> int:
    await store.get_or_create_trainee(user_id, "en")
    return await store.start_session(user_id, scenario, snapshot_for(0, scenario))


def copy_migrations(dialect: str, dest: Path) -> Path:
    """The shipped migrations in a folder a test can add files to."""
    dest.mkdir(parents=True, exist_ok=True)
    for entry in default_migrations_dir(dialect).iterdir():
        if entry.name.endswith(".sql"):
            (dest / entry.name).write_text(entry.read_text(encoding="utf-8"), encoding="utf-8")
    return dest


def dialect_of(url: str) -> str:
    return "postgres" if isinstance(parse_database_url(url), PostgresTarget) else "sqlite"


# -- URLs ---------------------------------------------------------------------


def test_url_parsing(tmp_path: Path) -> None:
    assert parse_database_url("sqlite:///data/bot.db") == SqliteTarget(Path("data/bot.db"))
    assert parse_database_url("sqlite:////abs/bot.db") == SqliteTarget(Path("/abs/bot.db"))
    assert parse_database_url("sqlite:///:memory:") == SqliteTarget(None)
    assert parse_database_url("postgres://u:p@h:5/db") == PostgresTarget("postgresql://u:p@h:5/db")
    assert parse_database_url("postgresql+psycopg://h/db") == PostgresTarget("postgresql://h/db")
    for bad in ("mysql://x/y", "sqlite://relative.db", "nonsense", "sqlite:///"):
        with pytest.raises(DatabaseUrlError):
            parse_database_url(bad)
    with pytest.raises(DatabaseUrlError) as info:
        parse_database_url("mysql://user:hunter2@host/db")
    assert "hunter2" not in str(info.value)
    assert redact("postgresql://u:hunter2@h:5432/db") == "postgresql://u:***@h:5432/db"


async def test_relative_sqlite_path_creates_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with await open_store("sqlite:///nested/dir/bot.db") as store:
        await store.get_or_create_trainee(1, "en")
    assert (tmp_path / "nested" / "dir" / "bot.db").is_file()
    async with await open_store("sqlite:///:memory:") as memory:
        assert (await memory.get_or_create_trainee(2, "de")).language == "de"


async def test_sqlite_durability_settings(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'd.db'}"
    async with await open_store(url) as store:
        backend = store._backend

        async def pragmas(tx: Tx) -> list[Row]:
            return [
                (await tx.fetch("PRAGMA journal_mode"))[0],
                (await tx.fetch("PRAGMA synchronous"))[0],
                (await tx.fetch("PRAGMA foreign_keys"))[0],
            ]

        assert await backend.transact(pragmas, write=False) == [("wal",), (2,), (1,)]


# -- migrations ---------------------------------------------------------------


async def test_fresh_database_is_at_latest_version(database_url: str) -> None:
    latest = len(load_migrations(dialect_of(database_url)))
    for _ in range(3):  # reopening applies nothing twice
        async with await open_store(database_url) as store:
            assert await store.schema_version() == latest
    rows = await raw(database_url, "SELECT version FROM schema_version ORDER BY version")
    assert [r[0] for r in rows] == list(range(1, latest + 1))


async def test_older_database_upgrades(database_url: str, tmp_path: Path) -> None:
    """A database written by release 1 opens under code with a newer migration."""
    dialect = dialect_of(database_url)
    release1 = load_migrations(dialect)
    async with await open_store(database_url, migrations=release1) as old:
        sid = await new_session(old, 7)
        assert (
            await old.record_turn(sid, 0, make_row(0), snapshot_for(1), 500)
            is RecordResult.RECORDED
        )
        await old.update_trainee_settings(7, {"feedback": False})

    folder = copy_migrations(dialect, tmp_path / "newer")
    (folder / f"{len(release1) + 1:04d}_trainee_timezone.sql").write_text(
        "ALTER TABLE trainees ADD COLUMN timezone TEXT NOT NULL DEFAULT 'UTC';\n"
        "UPDATE trainees SET timezone = 'Europe/Berlin' WHERE language = 'en';\n"
    )
    newer = load_migrations(dialect, folder)
    for _ in range(2):
        async with await open_store(database_url, migrations=newer) as store:
            assert await store.schema_version() == len(release1) + 1
            trainee = await store.get_trainee(7)
            assert trainee is not None and trainee.settings == {"feedback": False}
            assert [t.turn for t in await store.session_turns(sid)] == [make_row(0)]
            assert await store.active_session(7) == (sid, snapshot_for(1))
            assert await store.was_processed(7, 500)
    assert await raw(database_url, "SELECT timezone FROM trainees") == [("Europe/Berlin",)]

    # Old code refuses a database that is newer than it knows.
    with pytest.raises(MigrationError, match="newer"):
        await open_store(database_url, migrations=release1)


async def test_failed_migration_rolls_back(database_url: str, tmp_path: Path) -> None:
    dialect = dialect_of(database_url)
    folder = copy_migrations(dialect, tmp_path / "broken")
    version = len(load_migrations(dialect)) + 1
    (folder / f"{version:04d}_broken.sql").write_text(
        "CREATE TABLE half_done (x INTEGER);\n"
        "INSERT INTO half_done (x) VALUES (1);\n"
        "ALTER TABLE no_such_table ADD COLUMN y INTEGER;\n"
    )
    with pytest.raises(MigrationError, match="broken"):
        await open_store(database_url, migrations=load_migrations(dialect, folder))
    async with await open_store(database_url) as store:
        assert await store.schema_version() == version - 1
    assert "half_done" not in await table_counts(database_url)


async def test_edited_migration_is_refused(database_url: str, tmp_path: Path) -> None:
    dialect = dialect_of(database_url)
    await (await open_store(database_url)).close()
    edited = [
        Migration(m.version, m.name, m.sql + "\n-- edited\n") for m in load_migrations(dialect)
    ]
    with pytest.raises(MigrationError, match="edited"):
        await open_store(database_url, migrations=edited)
    # A CRLF checkout of the same file is not an edit.
    crlf = [
        Migration(m.version, m.name, m.sql.replace("\n", "\r\n")) for m in load_migrations(dialect)
    ]
    await (await open_store(database_url, migrations=crlf)).close()


async def test_concurrent_opens_migrate_once(database_url: str) -> None:
    stores = await asyncio.gather(*(open_store(database_url) for _ in range(4)))
    try:
        versions = {await s.schema_version() for s in stores}
        assert versions == {len(load_migrations(dialect_of(database_url)))}
    finally:
        for s in stores:
            await s.close()


async def test_stores_opening_one_new_file_together_all_open(tmp_path: Path) -> None:
    """SQLite refused a WAL switch racing another one at once ("database is locked"),
    without waiting: four stores on one new file failed in about one trial in eight."""
    for trial in range(25):
        url = f"sqlite:///{tmp_path / f'new{trial}.db'}"
        stores = await asyncio.gather(*(open_store(url) for _ in range(4)))
        for s in stores:
            await s.close()


def test_migration_files_are_well_formed() -> None:
    """Both dialects ship the same versions, so neither backend lags behind."""
    sqlite = load_migrations("sqlite")
    postgres = load_migrations("postgres")
    assert [(m.version, m.name) for m in sqlite] == [(m.version, m.name) for m in postgres]


# -- trainees -----------------------------------------------------------------


async def test_trainee_get_or_create(store: Store) -> None:
    first = await store.get_or_create_trainee(42, "ru")
    assert (first.user_id, first.language, first.settings) == (42, "ru", {})
    assert first.created_at.tzinfo is not None
    again = await store.get_or_create_trainee(42, "en")
    assert again == first  # existing trainees keep their stored language
    await store.set_trainee_language(42, "en")
    trainee = await store.get_trainee(42)
    assert trainee is not None and trainee.language == "en"
    assert await store.get_trainee(43) is None
    big = 2**53 + 1  # Telegram ids may need up to 52 bits; make sure 64-bit ids fit
    assert (await store.get_or_create_trainee(big, "en")).user_id == big


async def test_settings_merge(store: Store) -> None:
    await store.get_or_create_trainee(1, "en")
    assert await store.update_trainee_settings(1, {"feedback": False}) == {"feedback": False}
    merged = await store.update_trainee_settings(1, {"hints": {"level": 2}, "note": "ü<b>"})
    assert merged == {"feedback": False, "hints": {"level": 2}, "note": "ü<b>"}
    trainee = await store.get_trainee(1)
    assert trainee is not None and trainee.settings == merged
    with pytest.raises(UnknownTraineeError):
        await store.update_trainee_settings(2, {"feedback": True})
    with pytest.raises(TypeError):
        await store.update_trainee_settings(1, ["not", "a", "mapping"])  # type: ignore[arg-type]


# -- sessions -----------------------------------------------------------------


def engine_session() -> Session:
    """A realistic engine snapshot with awkward values (unicode, floats, nesting)."""
    turn = TurnRecord(
        text='Я думаю, нам стоит поговорить 🙂 <b>vraiment</b> & "quoted" \\ \x00 end',
        moves=[MoveGuess("empathy", 0.1 + 0.2), MoveGuess("ask", 1e-7)],
        main_move="empathy",
        state_before="guarded",
        state_after="curious",
        meter_before=-3,
        meter_after=2,
        reply="مرحبا — שלום — 你好",
        feedback="e\u0301 (combining) · ZWJ 👩\u200d👩\u200d👧",
        guided=True,
        behaviour="open",
        skills=[MoveGuess("reflect", 0.75)],
    )
    return Session(
        scenario_id="partner-invite",
        state="curious",
        meter=2,
        seed=2**63 - 1,
        language="ru",
        opening="Hi…",
        turns=[turn, turn],
        used_lines={"z": [3, 1], "a": [], "m": [0]},
        last_line="",
        ended=False,
    )


async def test_snapshot_round_trip_is_exact(store: Store) -> None:
    session = engine_session()
    snapshot = session.to_dict()
    snapshot["weird"] = {"neg_zero": -0.0, "big": 10**30, "nested": [[{}], [], None, True]}
    await store.get_or_create_trainee(5, "ru")
    sid = await store.start_session(5, session.scenario_id, snapshot)
    active = await store.active_session(5)
    assert active is not None
    session_id, loaded = active
    assert session_id == sid
    assert loaded == snapshot
    # Same keys in the same order, same numbers: the JSON text is identical.
    assert json.dumps(loaded) == json.dumps(snapshot)
    del loaded["weird"]
    assert Session.from_dict(loaded) == session


async def test_one_active_session_per_trainee(store: Store) -> None:
    first = await new_session(store, 1)
    other = await new_session(store, 2)
    second = await store.start_session(1, "other", snapshot_for(0, "other"))
    assert second != first
    assert await store.active_session(1) == (second, snapshot_for(0, "other"))
    info = await store.get_session(first)
    assert info is not None and info.status is SessionStatus.ABANDONED and info.outcome is None
    assert [s.session_id for s in await store.trainee_sessions(1)] == [first, second]
    assert (await store.active_session(2)) == (other, snapshot_for(0))  # untouched
    with pytest.raises(UnknownTraineeError):
        await store.start_session(99, "demo", {})


async def test_concurrent_starts_leave_one_active(store: Store) -> None:
    await store.get_or_create_trainee(1, "en")
    ids = await asyncio.gather(*(store.start_session(1, f"s{i}", {"i": i}) for i in range(12)))
    assert len(set(ids)) == 12
    statuses = [s.status for s in await store.trainee_sessions(1)]
    assert statuses.count(SessionStatus.ACTIVE) == 1
    active = await store.active_session(1)
    assert active is not None and active.session_id in ids


async def test_end_session(store: Store) -> None:
    sid = await new_session(store)
    assert await store.end_session(sid, "agreed", snapshot_for(3)) is True
    assert await store.end_session(sid, "other", snapshot_for(9)) is False  # replay: no change
    info = await store.get_session(sid)
    assert info is not None
    assert (info.status, info.outcome, info.snapshot) == (
        SessionStatus.ENDED,
        "agreed",
        snapshot_for(3),
    )
    assert await store.active_session(1) is None
    with pytest.raises(UnknownSessionError):
        await store.end_session(sid + 1000, "x", {})
    assert await store.get_session(sid + 1000) is None


# -- turns --------------------------------------------------------------------


async def test_record_turn_is_idempotent(store: Store) -> None:
    sid = await new_session(store)
    assert (
        await store.record_turn(sid, 0, make_row(0), snapshot_for(1), 100) is RecordResult.RECORDED
    )
    # The same update again (crash between save and reply, Telegram redelivers).
    replay = await store.record_turn(sid, 0, make_row(0), snapshot_for(1), 100)
    assert replay is RecordResult.DUPLICATE_UPDATE and not replay.recorded
    # A different update claiming an index already used: nothing is written, not even the id.
    clash = await store.record_turn(sid, 0, make_row(5), snapshot_for(5), 101)
    assert clash is RecordResult.DUPLICATE_TURN
    assert not await store.was_processed(1, 101)
    assert await store.active_session(1) == (sid, snapshot_for(1))
    assert (
        await store.record_turn(sid, 1, make_row(1), snapshot_for(2), 101) is RecordResult.RECORDED
    )
    assert (
        await store.record_turn(sid, 2, make_row(2), snapshot_for(3), None) is RecordResult.RECORDED
    )
    turns = await store.session_turns(sid)
    assert [(t.turn_index, t.update_id, t.turn) for t in turns] == [
        (0, 100, make_row(0)),
        (1, 101, make_row(1)),
        (2, None, make_row(2)),
    ]
    assert await store.active_session(1) == (sid, snapshot_for(3))
    with pytest.raises(UnknownSessionError):
        await store.record_turn(sid + 1000, 0, make_row(0), {}, 102)
    with pytest.raises(ValueError):
        await store.record_turn(sid, -1, make_row(0), {}, 103)


async def test_concurrent_replays_record_once(store: Store) -> None:
    sid = await new_session(store)
    results = await asyncio.gather(
        *(store.record_turn(sid, 0, make_row(0), snapshot_for(1), 7) for _ in range(10))
    )
    assert results.count(RecordResult.RECORDED) == 1
    assert set(results) == {RecordResult.RECORDED, RecordResult.DUPLICATE_UPDATE}
    assert len(await store.session_turns(sid)) == 1


async def test_closed_session_takes_no_turns(store: Store) -> None:
    sid = await new_session(store)
    assert await store.record_turn(sid, 0, make_row(0), snapshot_for(1), 1) is RecordResult.RECORDED
    await store.end_session(sid, "agreed", snapshot_for(1))
    # Replay of the final message after the end: recognised as already handled.
    assert await store.record_turn(sid, 0, make_row(0), snapshot_for(1), 1) is (
        RecordResult.DUPLICATE_UPDATE
    )
    late = await store.record_turn(sid, 1, make_row(1), snapshot_for(2), 2)
    assert late is RecordResult.SESSION_CLOSED
    assert not await store.was_processed(1, 2)
    assert len(await store.session_turns(sid)) == 1


TRICKY_TEXTS = [
    "Привет! Как дела? 👋🏽 — «кавычки» и ёЁ",
    "👩\u200d👩\u200d👧\u200d👦 family, e\u0301 combining, \u202eRTL override\u202c, مرحبا",
    "<b>bold</b> <i>x</i> &amp; &lt;script&gt;alert(1)</script> <a href='x'>l</a> < > &",
    "'); DROP TABLE turns; -- ? %s %(name)s $1 :name",
    "  leading and trailing spaces, tabs\t, CRLF\r\nand LF\nand lone CR\r  ",
    "я" * 4096,
    "😀" * 4096,
    "x" * 4096,
    "",
]


async def test_text_is_stored_verbatim(store: Store) -> None:
    sid = await new_session(store)
    for i, text in enumerate(TRICKY_TEXTS):
        row = TurnRow(
            text=text,
            moves=[{"id": text[:20], "confidence": 0.5}],
            state_before="a",
            state_after="b",
            meter_before=0,
            meter_after=1,
            feedback=text,
            reply=text[::-1],
            extra={"note": text},
        )
        assert await store.record_turn(sid, i, row, {"last": text}, 1000 + i) is (
            RecordResult.RECORDED
        )
    turns = await store.session_turns(sid)
    assert [t.turn.text for t in turns] == TRICKY_TEXTS
    assert [t.turn.reply for t in turns] == [t[::-1] for t in TRICKY_TEXTS]
    assert [t.turn.feedback for t in turns] == TRICKY_TEXTS
    assert [t.turn.extra["note"] for t in turns] == TRICKY_TEXTS
    assert await store.active_session(1) == (sid, {"last": TRICKY_TEXTS[-1]})


async def test_nul_and_nan_are_refused_on_every_backend(store: Store) -> None:
    sid = await new_session(store)
    with pytest.raises(ValueError, match="NUL"):
        await store.record_turn(sid, 0, make_row(0, text="a\x00b"), {}, 1)
    with pytest.raises(ValueError):
        await store.record_turn(sid, 0, make_row(0), {"x": float("nan")}, 1)
    assert not await store.was_processed(1, 1)
    # Inside JSON a NUL is just an escape sequence and is kept.
    assert await store.record_turn(sid, 0, make_row(0), {"x": "a\x00b"}, 1) is (
        RecordResult.RECORDED
    )
    assert await store.active_session(1) == (sid, {"x": "a\x00b"})


async def test_engine_turn_round_trip(store: Store) -> None:
    record = engine_session().turns[0]
    record.text = record.text.replace("\x00", "")
    sid = await new_session(store)
    await store.record_turn(sid, 0, TurnRow.from_record(record), {}, 1)
    (stored,) = await store.session_turns(sid)
    assert stored.turn.to_record() == record


async def test_concurrent_writes_lose_nothing(store: Store) -> None:
    trainees, turns_each = 30, 12

    async def play(user_id: int) -> int:
        sid = await new_session(store, user_id)
        for i in range(turns_each):
            await asyncio.sleep(random.random() / 1000)
            result = await store.record_turn(
                sid, i, make_row(i), snapshot_for(i + 1), user_id * 1000 + i
            )
            assert result is RecordResult.RECORDED
            if i % 4 == 0:
                await store.mark_processed(user_id, user_id * 1000 + 500 + i)
        return sid

    sids = await asyncio.gather(*(play(u) for u in range(1, trainees + 1)))
    for user_id, sid in enumerate(sids, start=1):
        turns = await store.session_turns(sid)
        assert [t.turn for t in turns] == [make_row(i) for i in range(turns_each)]
        assert await store.active_session(user_id) == (sid, snapshot_for(turns_each))


async def test_cancelled_call_leaves_store_usable(store: Store) -> None:
    sid = await new_session(store)
    cancelled = 0
    for i in range(20):
        task = asyncio.create_task(
            store.record_turn(sid, i, make_row(i), snapshot_for(i + 1), 10 + i)
        )
        # Even turns: cancel at the first await; odd turns: somewhere in flight.
        await asyncio.sleep(0 if i % 2 == 0 else random.random() / 500)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            cancelled += 1
    assert cancelled >= 10
    # Each cancelled call is all or nothing: turn row, update id and snapshot together.
    turns = await store.session_turns(sid)
    recorded = [t.turn_index for t in turns]
    assert [t.turn for t in turns] == [make_row(i) for i in recorded]
    for i in range(20):
        assert (i in recorded) == await store.was_processed(1, 10 + i)
    expected = snapshot_for(max(recorded) + 1) if recorded else snapshot_for(0)
    assert await store.active_session(1) == (sid, expected)
    # The store is still usable: no transaction was left open.
    for i in range(20):
        result = await store.record_turn(sid, i, make_row(i), snapshot_for(i + 1), 10 + i)
        assert result is (RecordResult.DUPLICATE_UPDATE if i in recorded else RecordResult.RECORDED)
    assert [t.turn for t in await store.session_turns(sid)] == [make_row(i) for i in range(20)]


# -- processed updates --------------------------------------------------------


async def test_processed_updates_per_trainee_and_pruned(database_url: str) -> None:
    now = [datetime(2030, 1, 1, tzinfo=UTC)]
    async with await open_store(
        database_url, clock=lambda: now[0], processed_retention=timedelta(days=2)
    ) as store:
        assert not await store.was_processed(1, 10)
        assert await store.mark_processed(1, 10) is True
        assert await store.mark_processed(1, 10) is False
        assert await store.was_processed(1, 10)
        assert not await store.was_processed(2, 10)  # kept per trainee
        await store.mark_processed(2, 10)
        now[0] += timedelta(days=3)
        await store.mark_processed(1, 11)  # prunes trainee 1's expired ids on the way
        assert not await store.was_processed(1, 10)
        assert await store.was_processed(2, 10)  # other trainees untouched...
        assert await store.prune_processed() == 1  # ...until the global prune
        assert not await store.was_processed(2, 10)
        assert await store.was_processed(1, 11)


# -- deletion -----------------------------------------------------------------


async def _fill(store: Store, user_id: int, marker: str) -> int:
    await store.get_or_create_trainee(user_id, "en")
    await store.update_trainee_settings(user_id, {"feedback": False, "marker": marker})
    old = await store.start_session(user_id, "demo", {"m": marker})
    await store.record_turn(old, 0, make_row(0, text=marker), {"m": marker}, user_id * 10)
    await store.end_session(old, "agreed", {"m": marker})
    sid = await store.start_session(user_id, "demo", {"m": marker})
    await store.record_turn(sid, 0, make_row(0, text=marker), {"m": marker}, user_id * 10 + 1)
    await store.mark_processed(user_id, user_id * 10 + 2)
    return sid


async def test_delete_trainee_data_leaves_nothing(store: Store, database_url: str) -> None:
    await _fill(store, 2, "keep-me")
    before = await table_counts(database_url)
    sid = await _fill(store, 1, "erase-me")
    assert await table_counts(database_url) != before
    assert await store.delete_trainee_data(1) is True
    assert await table_counts(database_url) == before
    assert await store.get_trainee(1) is None
    assert await store.active_session(1) is None
    assert await store.session_turns(sid) == []
    assert await store.trainee_sessions(1) == []
    assert not await store.was_processed(1, 12)
    assert await store.delete_trainee_data(1) is False  # idempotent
    kept = await store.get_trainee(2)
    assert kept is not None and kept.settings["marker"] == "keep-me"
    # The user can start over afterwards.
    await store.get_or_create_trainee(1, "en")
    assert await store.active_session(1) is None


async def test_sqlite_erasure_leaves_no_bytes_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "erase.db"
    async with await open_store(f"sqlite:///{path}") as store:
        await _fill(store, 2, "KeepMarker-2f1c")
        await _fill(store, 1, "EraseMarker-9b7e")
        await store.delete_trainee_data(1)
        files = [p for p in tmp_path.iterdir() if p.name.startswith("erase.db")]
        blob = b"".join(p.read_bytes() for p in files)
        assert b"KeepMarker-2f1c" in blob
        assert b"EraseMarker-9b7e" not in blob


# -- crash safety -------------------------------------------------------------

_CHILD = """
import asyncio, sys
from bot.storage import open_store
from tests.test_storage import crash_snapshot, make_row

async def main(url):
    store = await open_store(url)
    await store.get_or_create_trainee(1, "en")
    active = await store.active_session(1)
    if active is None:
        sid = await store.start_session(1, "demo", crash_snapshot(0))
    else:
        sid = active.session_id
    i = len(await store.session_turns(sid))
    while True:
        await store.record_turn(sid, i, make_row(i), crash_snapshot(i + 1), 10_000 + i)
        print(i, flush=True)
        i += 1

asyncio.run(main(sys.argv[1]))
"""


def crash_snapshot(n_turns: int) -> dict[str, Any]:
    """Big enough (about 100 kB) that a commit spans many pages and takes a while."""
    return {"turns": n_turns, "padding": [f"{n_turns}-{k}-" + "p" * 90 for k in range(1000)]}


async def test_sigkill_mid_write_loses_no_committed_turn(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    rng = random.Random(1234)
    last_reported = -1
    for _round in range(3):
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, url],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        target = last_reported + rng.randint(15, 40)
        while last_reported < target:
            line = child.stdout.readline()
            if not line:
                raise AssertionError(
                    f"child died early: {child.stderr.read() if child.stderr else ''}"
                )
            last_reported = int(line)
        await asyncio.sleep(rng.random() / 50)  # land the kill at an arbitrary point
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL
        for rest in child.stdout:  # lines printed between our read and the kill
            last_reported = int(rest)

        async with await open_store(url) as store:
            active = await store.active_session(1)
            assert active is not None
            turns = await store.session_turns(active.session_id)
            n = len(turns)
            assert n >= last_reported + 1, "a turn reported as committed was lost"
            assert n <= last_reported + 2  # at most the one being written when killed
            assert [(t.turn_index, t.update_id, t.turn) for t in turns] == [
                (i, 10_000 + i, make_row(i)) for i in range(n)
            ]
            assert active.snapshot == crash_snapshot(n)  # snapshot moved with the turn
            assert await store.was_processed(1, 10_000 + n - 1)
            assert not await store.was_processed(1, 10_000 + n)
            last_reported = n - 1
        assert await raw(url, "PRAGMA integrity_check") == [("ok",)]


# -- the Postgres harness itself ----------------------------------------------


def test_postgres_is_required_on_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.postgres import ci_requires_postgres

    monkeypatch.setenv("CI", "true")
    assert ci_requires_postgres()
    monkeypatch.setenv("CI", "")
    assert not ci_requires_postgres()


def test_postgres_binaries_found_when_installed() -> None:
    from tests.postgres import find_pg_bin

    if shutil.which("initdb") is None and not list(Path("/usr/lib/postgresql").glob("*/bin")):
        pytest.skip("PostgreSQL is not installed here")
    found = find_pg_bin()
    assert found is not None and (found / "pg_ctl").exists()
