-- +goose Up
-- Messages from the public to units (网民留言 / 咨询建言): the message with
-- its writer, its reply clock and answer, its timeline (transfers,
-- extension, drafts and reviews, rating), and the reply periods units set
-- per category.
CREATE TABLE messages (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    tracking_no        TEXT NOT NULL UNIQUE,
    query_hash         TEXT NOT NULL,
    unit_id            INTEGER NOT NULL REFERENCES units(id),
    first_unit_id      INTEGER NOT NULL REFERENCES units(id),
    category           TEXT NOT NULL,
    title              TEXT NOT NULL,
    content            TEXT NOT NULL,
    name               TEXT NOT NULL DEFAULT '',
    phone              TEXT NOT NULL DEFAULT '',
    email              TEXT NOT NULL DEFAULT '',
    public             BOOLEAN NOT NULL DEFAULT 0,
    status             TEXT NOT NULL,
    submitted_at       TIMESTAMP NOT NULL,
    start_date         TEXT NOT NULL,
    days               INTEGER NOT NULL,
    extension_days     INTEGER NOT NULL DEFAULT 0,
    extension_date     TEXT NOT NULL DEFAULT '',
    extension_by       TEXT NOT NULL DEFAULT '',
    extension_reason   TEXT NOT NULL DEFAULT '',
    draft              TEXT NOT NULL DEFAULT '',
    draft_by           TEXT NOT NULL DEFAULT '',
    answer             TEXT NOT NULL DEFAULT '',
    answered_date      TEXT NOT NULL DEFAULT '',
    answered_by        TEXT NOT NULL DEFAULT '',
    dismiss_reason     TEXT NOT NULL DEFAULT '',
    rating             TEXT NOT NULL DEFAULT '',
    rating_note        TEXT NOT NULL DEFAULT '',
    rated_at           TIMESTAMP,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX messages_unit ON messages(unit_id, status);
CREATE INDEX messages_public ON messages(status, public, answered_date);

CREATE TABLE message_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id  INTEGER NOT NULL REFERENCES messages(id),
    at          TIMESTAMP NOT NULL,
    day         TEXT NOT NULL,
    actor       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    unit_id     INTEGER REFERENCES units(id),
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX message_events_message ON message_events(message_id, id);

CREATE TABLE message_limits (
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    category    TEXT NOT NULL,
    days        INTEGER NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (unit_id, category)
);

-- +goose Down
DROP TABLE message_limits;
DROP TABLE message_events;
DROP TABLE messages;
