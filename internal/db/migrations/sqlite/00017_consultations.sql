-- +goose Up
-- Consultations on drafts (意见征集, 国办发〔2019〕54号 第八条): the draft
-- with its explanation, period and files, the comments the public sends
-- while it is open (contacts kept for staff, never shown), how staff
-- handled each comment, the feedback report (征集意见处理情况反馈), and each
-- unit's shortest period. start_date and end_date are days in China time,
-- both included. policy_id is the information record of the final policy.
CREATE TABLE consultations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    title          TEXT NOT NULL,
    body           TEXT NOT NULL DEFAULT '',
    body_text      TEXT NOT NULL DEFAULT '',
    explanation    TEXT NOT NULL DEFAULT '',
    how_to         TEXT NOT NULL DEFAULT '',
    parties        TEXT NOT NULL DEFAULT '',
    start_date     TEXT NOT NULL,
    end_date       TEXT NOT NULL,
    short_reason   TEXT NOT NULL DEFAULT '',
    screen_release TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL,
    policy_id      INTEGER REFERENCES info_records(id),
    feedback       TEXT NOT NULL DEFAULT '',
    feedback_at    TIMESTAMP,
    feedback_by    TEXT NOT NULL DEFAULT '',
    published_at   TIMESTAMP,
    published_by   TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX consultations_unit ON consultations(unit_id, status);
CREATE INDEX consultations_public ON consultations(status, end_date);
CREATE INDEX consultations_policy ON consultations(policy_id);

CREATE TABLE consultation_files (
    consultation_id INTEGER NOT NULL REFERENCES consultations(id),
    seq             INTEGER NOT NULL,
    name            TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    size            INTEGER NOT NULL,
    mime            TEXT NOT NULL,
    text            TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (consultation_id, seq)
);

CREATE TABLE consultation_comments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id INTEGER NOT NULL REFERENCES consultations(id),
    content         TEXT NOT NULL,
    masked          TEXT NOT NULL,
    personal        INTEGER NOT NULL DEFAULT 0,
    name            TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    hidden          BOOLEAN NOT NULL DEFAULT 0,
    hidden_reason   TEXT NOT NULL DEFAULT '',
    hidden_by       TEXT NOT NULL DEFAULT '',
    decision        TEXT NOT NULL DEFAULT '',
    decision_reason TEXT NOT NULL DEFAULT '',
    decided_by      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX consultation_comments_of ON consultation_comments(consultation_id, id);

CREATE TABLE consultation_settings (
    unit_id    INTEGER PRIMARY KEY REFERENCES units(id),
    min_days   INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE consultation_settings;
DROP TABLE consultation_comments;
DROP TABLE consultation_files;
DROP TABLE consultations;
