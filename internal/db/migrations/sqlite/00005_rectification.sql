-- +goose Up
-- Rectification notices (整改通知) for the findings of an inspection, the
-- units' answers and the re-checks that close or reopen them; publication
-- of a run's results (评议结果).
CREATE TABLE inspect_notices (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id         INTEGER NOT NULL REFERENCES inspect_runs(id),
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    issued_by      TEXT NOT NULL,
    issued_at      TIMESTAMP NOT NULL,
    days           INTEGER NOT NULL,
    due_date       TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    recheck_run_id INTEGER REFERENCES inspect_runs(id),
    closed_at      TIMESTAMP,
    UNIQUE (run_id, unit_id)
);
CREATE INDEX inspect_notices_unit ON inspect_notices(unit_id, closed_at);

ALTER TABLE inspect_findings ADD COLUMN notice_id INTEGER REFERENCES inspect_notices(id);
ALTER TABLE inspect_findings ADD COLUMN state TEXT NOT NULL DEFAULT 'open';
ALTER TABLE inspect_findings ADD COLUMN answer TEXT NOT NULL DEFAULT '';
ALTER TABLE inspect_findings ADD COLUMN answer_note TEXT NOT NULL DEFAULT '';
ALTER TABLE inspect_findings ADD COLUMN answered_by TEXT NOT NULL DEFAULT '';
CREATE INDEX inspect_findings_notice ON inspect_findings(notice_id);

ALTER TABLE inspect_runs ADD COLUMN published_at TIMESTAMP;
ALTER TABLE inspect_runs ADD COLUMN published_by TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE inspect_runs DROP COLUMN published_by;
ALTER TABLE inspect_runs DROP COLUMN published_at;
DROP INDEX inspect_findings_notice;
ALTER TABLE inspect_findings DROP COLUMN answered_by;
ALTER TABLE inspect_findings DROP COLUMN answer_note;
ALTER TABLE inspect_findings DROP COLUMN answer;
ALTER TABLE inspect_findings DROP COLUMN state;
ALTER TABLE inspect_findings DROP COLUMN notice_id;
DROP TABLE inspect_notices;
