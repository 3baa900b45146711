-- +goose Up
-- The breakdown of Attachment 1's tasks (任务清单, plan item 二十): an
-- office gives task task_no to a unit under it, optionally to one person
-- (assignee, an account login), with a due date (a day, YYYY-MM-DD); the
-- unit reports it done with a note, links and files; the office accepts
-- or returns the report. One row per task and unit. The tasks themselves
-- are data shipped with the program (internal/task/data/tasks.tsv).
CREATE TABLE task_assignments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    task_no       INTEGER NOT NULL,
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    assignee      TEXT NOT NULL DEFAULT '',
    due_date      TEXT NOT NULL,
    state         TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    links         TEXT NOT NULL DEFAULT '',
    return_reason TEXT NOT NULL DEFAULT '',
    assigned_by   TEXT NOT NULL,
    reported_by   TEXT NOT NULL DEFAULT '',
    reported_at   TIMESTAMP,
    decided_by    TEXT NOT NULL DEFAULT '',
    decided_at    TIMESTAMP,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (task_no, unit_id)
);
CREATE INDEX task_assignments_unit ON task_assignments(unit_id, state);
CREATE INDEX task_assignments_due ON task_assignments(state, due_date);

-- Files sent as evidence, stored by content like record attachments.
CREATE TABLE task_files (
    assignment_id INTEGER NOT NULL REFERENCES task_assignments(id),
    seq           INTEGER NOT NULL,
    name          TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    size          INTEGER NOT NULL,
    mime          TEXT NOT NULL,
    PRIMARY KEY (assignment_id, seq)
);

-- Reminders the daily job found due: one per assignment and kind (soon:
-- due within three days; overdue), with the address it went to and when,
-- or an empty recipient and no sent_at while mail is off.
CREATE TABLE task_reminders (
    assignment_id INTEGER NOT NULL REFERENCES task_assignments(id),
    kind          TEXT NOT NULL,
    due_date      TEXT NOT NULL,
    day           TEXT NOT NULL,
    recipient     TEXT NOT NULL DEFAULT '',
    recorded_at   TIMESTAMP NOT NULL,
    sent_at       TIMESTAMP,
    PRIMARY KEY (assignment_id, kind, due_date, recipient)
);

-- +goose Down
DROP TABLE task_reminders;
DROP TABLE task_files;
DROP TABLE task_assignments;
