-- +goose Up
-- Policy interpretations (政策解读, 广州市基层政务公开标准化规范化工作方案
-- 第十项). An interpretation is an information record of its own kind,
-- linked to the policy record it explains, with its form (文字, 图解…);
-- its files are the record's attachments.
CREATE TABLE interpretations (
    record_id  INTEGER PRIMARY KEY REFERENCES info_records(id),
    policy_id  INTEGER NOT NULL REFERENCES info_records(id),
    form       TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX interpretations_policy ON interpretations(policy_id);

-- Policies their editors marked as needing interpretation (需解读), with
-- the reviewer's written reason when the policy went out alone.
CREATE TABLE interpret_needs (
    policy_id    INTEGER PRIMARY KEY REFERENCES info_records(id),
    marked_by    TEXT NOT NULL,
    marked_at    TIMESTAMP NOT NULL,
    alone_reason TEXT NOT NULL DEFAULT '',
    alone_by     TEXT NOT NULL DEFAULT '',
    alone_at     TIMESTAMP
);

-- Half-yearly excellence evaluation (优秀政策解读评选): a round per period
-- (2026H1) with its criteria sheet as JSON, the interpretations units
-- nominate with the office's scores, and the policies returned to their
-- units for re-interpretation with a due date.
CREATE TABLE interpret_rounds (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    period       TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    criteria     TEXT NOT NULL,
    status       TEXT NOT NULL,
    opened_by    TEXT NOT NULL,
    opened_at    TIMESTAMP NOT NULL,
    published_by TEXT NOT NULL DEFAULT '',
    published_at TIMESTAMP
);

CREATE TABLE interpret_nominations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    round_id     INTEGER NOT NULL REFERENCES interpret_rounds(id),
    record_id    INTEGER NOT NULL REFERENCES info_records(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    note         TEXT NOT NULL DEFAULT '',
    nominated_by TEXT NOT NULL,
    nominated_at TIMESTAMP NOT NULL,
    scores       TEXT NOT NULL DEFAULT '',
    total        REAL,
    comment      TEXT NOT NULL DEFAULT '',
    scored_by    TEXT NOT NULL DEFAULT '',
    scored_at    TIMESTAMP,
    UNIQUE (round_id, record_id)
);
CREATE INDEX interpret_nominations_unit ON interpret_nominations(unit_id);

CREATE TABLE interpret_returns (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    round_id   INTEGER NOT NULL REFERENCES interpret_rounds(id),
    policy_id  INTEGER NOT NULL REFERENCES info_records(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    reason     TEXT NOT NULL,
    due_date   TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX interpret_returns_unit ON interpret_returns(unit_id, due_date);
CREATE INDEX interpret_returns_policy ON interpret_returns(policy_id);

-- +goose Down
DROP TABLE interpret_returns;
DROP TABLE interpret_nominations;
DROP TABLE interpret_rounds;
DROP TABLE interpret_needs;
DROP TABLE interpretations;
