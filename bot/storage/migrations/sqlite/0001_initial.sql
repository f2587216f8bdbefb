-- First release schema (SQLite). Never edit after release: add 0002_*.sql instead.
-- STRICT tables reject wrongly typed values, as PostgreSQL does.
-- Timestamps are UTC ISO-8601 text with microseconds (fixed width, so they sort).
-- JSON columns hold compact JSON text written by bot/storage/codec.py.

CREATE TABLE trainees (
    user_id     INTEGER PRIMARY KEY,            -- Telegram user id
    language    TEXT    NOT NULL,
    settings    TEXT    NOT NULL DEFAULT '{}',  -- JSON object
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
) STRICT;

CREATE TABLE sessions (
    -- AUTOINCREMENT: ids of deleted sessions are never reused, so a stale id cannot
    -- reach someone else's session.
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES trainees (user_id) ON DELETE CASCADE,
    scenario_id  TEXT    NOT NULL,
    snapshot     TEXT    NOT NULL,              -- JSON of engine Session.to_dict()
    status       TEXT    NOT NULL CHECK (status IN ('active', 'ended', 'abandoned')),
    outcome      TEXT,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
) STRICT;

-- At most one active session per trainee, enforced by the database itself.
CREATE UNIQUE INDEX sessions_one_active ON sessions (user_id) WHERE status = 'active';
CREATE INDEX sessions_by_user ON sessions (user_id, id);

CREATE TABLE turns (
    session_id    INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    turn_index    INTEGER NOT NULL CHECK (turn_index >= 0),
    text          TEXT    NOT NULL,             -- the trainee's message, verbatim
    moves         TEXT    NOT NULL,             -- JSON list of recognised moves
    main_move     TEXT,
    state_before  TEXT    NOT NULL,
    state_after   TEXT    NOT NULL,
    meter_before  INTEGER NOT NULL,
    meter_after   INTEGER NOT NULL,
    feedback      TEXT    NOT NULL,
    reply         TEXT    NOT NULL,
    guided        INTEGER NOT NULL CHECK (guided IN (0, 1)),
    extra         TEXT    NOT NULL DEFAULT '{}',  -- other engine fields (JSON object)
    update_id     INTEGER,                      -- Telegram update that produced the turn
    created_at    TEXT    NOT NULL,
    PRIMARY KEY (session_id, turn_index)
) STRICT;

-- Telegram update ids already handled, so a redelivered update is ignored.
-- No foreign key: updates from people without a trainee row are recorded too.
CREATE TABLE processed_updates (
    user_id       INTEGER NOT NULL,
    update_id     INTEGER NOT NULL,
    processed_at  TEXT    NOT NULL,
    PRIMARY KEY (user_id, update_id)
) STRICT;

CREATE INDEX processed_updates_by_age ON processed_updates (processed_at);
