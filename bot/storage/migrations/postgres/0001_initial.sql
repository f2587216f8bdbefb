-- First release schema (PostgreSQL). Never edit after release: add 0002_*.sql instead.
-- Must stay equivalent to migrations/sqlite/0001_initial.sql.
-- JSON columns use the json type (not jsonb): it keeps the text exactly as written,
-- so snapshots round-trip byte for byte, as on SQLite.

CREATE TABLE trainees (
    user_id     BIGINT      PRIMARY KEY,            -- Telegram user id
    language    TEXT        NOT NULL,
    settings    JSON        NOT NULL DEFAULT '{}',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    id           BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      BIGINT      NOT NULL REFERENCES trainees (user_id) ON DELETE CASCADE,
    scenario_id  TEXT        NOT NULL,
    snapshot     JSON        NOT NULL,              -- engine Session.to_dict()
    status       TEXT        NOT NULL CHECK (status IN ('active', 'ended', 'abandoned')),
    outcome      TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

-- At most one active session per trainee, enforced by the database itself.
CREATE UNIQUE INDEX sessions_one_active ON sessions (user_id) WHERE status = 'active';
CREATE INDEX sessions_by_user ON sessions (user_id, id);

CREATE TABLE turns (
    session_id    BIGINT      NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    turn_index    INTEGER     NOT NULL CHECK (turn_index >= 0),
    text          TEXT        NOT NULL,             -- the trainee's message, verbatim
    moves         JSON        NOT NULL,             -- list of recognised moves
    main_move     TEXT,
    state_before  TEXT        NOT NULL,
    state_after   TEXT        NOT NULL,
    meter_before  INTEGER     NOT NULL,
    meter_after   INTEGER     NOT NULL,
    feedback      TEXT        NOT NULL,
    reply         TEXT        NOT NULL,
    guided        BOOLEAN     NOT NULL,
    extra         JSON        NOT NULL DEFAULT '{}',  -- other engine fields (JSON object)
    update_id     BIGINT,                           -- Telegram update that produced the turn
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (session_id, turn_index)
);

-- Telegram update ids already handled, so a redelivered update is ignored.
-- No foreign key: updates from people without a trainee row are recorded too.
CREATE TABLE processed_updates (
    user_id       BIGINT      NOT NULL,
    update_id     BIGINT      NOT NULL,
    processed_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, update_id)
);

CREATE INDEX processed_updates_by_age ON processed_updates (processed_at);
