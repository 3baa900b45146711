-- +goose Up
-- Published heads of the audit chain (公布的审计链头): the newest event's id
-- and hash at the moment of publication. Once a head is also kept outside the
-- database (the log, the portal, an operator's archive), truncating the log
-- below it or rewriting and re-chaining the events before it is detected.
-- One row per head: publishing the same head again adds nothing.
CREATE TABLE audit_heads (
    id           INTEGER PRIMARY KEY,
    event_id     INTEGER NOT NULL UNIQUE,
    hash         TEXT NOT NULL,
    event_at     TIMESTAMP NOT NULL,
    published_at TIMESTAMP NOT NULL
);
-- Published heads are kept as published: the database refuses edits.
CREATE TRIGGER audit_heads_no_update BEFORE UPDATE ON audit_heads
BEGIN SELECT RAISE(ABORT, 'audit_heads is append-only'); END;
CREATE TRIGGER audit_heads_no_delete BEFORE DELETE ON audit_heads
BEGIN SELECT RAISE(ABORT, 'audit_heads is append-only'); END;

-- +goose Down
DROP TABLE audit_heads;
