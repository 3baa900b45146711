-- +goose Up
-- Workflow rules (制度, plan item 七): a unit submits a rule to its office
-- (the 政务公开办 of the district above it, or of the city for districts
-- and city departments), which returns it with a reason or accepts it;
-- an accepted rule is published as an information record of the unit's
-- 制度 column (record_id), and an office may recommend it to all (优秀制度).
-- Each submission is a version, kept with its files and the decision on it.
CREATE TABLE rules (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    office_id      INTEGER NOT NULL REFERENCES units(id),
    version        INTEGER NOT NULL,
    state          TEXT NOT NULL,
    title          TEXT NOT NULL,
    category       TEXT NOT NULL,
    adopted        TEXT NOT NULL,
    body           TEXT NOT NULL,
    return_reason  TEXT NOT NULL DEFAULT '',
    record_id      INTEGER REFERENCES info_records(id),
    recommended    BOOLEAN NOT NULL DEFAULT 0,
    recommended_by TEXT NOT NULL DEFAULT '',
    recommended_at TIMESTAMP,
    withdrawn_reason TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX rules_unit ON rules(unit_id, state);
CREATE INDEX rules_state ON rules(state, updated_at);
CREATE INDEX rules_recommended ON rules(recommended);

CREATE TABLE rule_versions (
    rule_id      INTEGER NOT NULL REFERENCES rules(id),
    version      INTEGER NOT NULL,
    title        TEXT NOT NULL,
    category     TEXT NOT NULL,
    adopted      TEXT NOT NULL,
    body         TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    decision     TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    decided_by   TEXT NOT NULL DEFAULT '',
    decided_at   TIMESTAMP,
    PRIMARY KEY (rule_id, version)
);

-- Files of each version, stored by content like record attachments.
CREATE TABLE rule_files (
    rule_id INTEGER NOT NULL REFERENCES rules(id),
    version INTEGER NOT NULL,
    seq     INTEGER NOT NULL,
    name    TEXT NOT NULL,
    sha256  TEXT NOT NULL,
    size    INTEGER NOT NULL,
    mime    TEXT NOT NULL,
    text    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (rule_id, version, seq)
);

-- Training (plan items 十三, 二十一): sessions a unit organises, with
-- their materials and the people each unit sent. day is the day in China
-- (YYYY-MM-DD); audience_kinds lists unit kinds, comma-separated.
CREATE TABLE training_sessions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    organiser_id   INTEGER NOT NULL REFERENCES units(id),
    day            TEXT NOT NULL,
    topic          TEXT NOT NULL,
    kind           TEXT NOT NULL,
    audience       TEXT NOT NULL DEFAULT '',
    audience_kinds TEXT NOT NULL DEFAULT '',
    place          TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX training_sessions_day ON training_sessions(day);
CREATE INDEX training_sessions_organiser ON training_sessions(organiser_id, day);

CREATE TABLE training_files (
    session_id INTEGER NOT NULL REFERENCES training_sessions(id),
    seq        INTEGER NOT NULL,
    name       TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    size       INTEGER NOT NULL,
    mime       TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
);

CREATE TABLE training_attendance (
    session_id  INTEGER NOT NULL REFERENCES training_sessions(id),
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    people      INTEGER NOT NULL,
    names       TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, unit_id)
);
CREATE INDEX training_attendance_unit ON training_attendance(unit_id);

-- +goose Down
DROP TABLE training_attendance;
DROP TABLE training_files;
DROP TABLE training_sessions;
DROP TABLE rule_files;
DROP TABLE rule_versions;
DROP TABLE rules;
