-- +goose Up
-- Online inspection (网上巡查): versioned rule sets, runs, scores and
-- findings.
CREATE TABLE inspect_rulesets (
    version    INTEGER PRIMARY KEY,
    rules      TEXT NOT NULL,
    comment    TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE inspect_runs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    scope_unit_id   INTEGER NOT NULL REFERENCES units(id),
    as_of           TEXT NOT NULL,
    ruleset_version INTEGER NOT NULL REFERENCES inspect_rulesets(version),
    started_by      TEXT NOT NULL,
    started_at      TIMESTAMP NOT NULL,
    finished_at     TIMESTAMP NOT NULL,
    units           INTEGER NOT NULL,
    findings        INTEGER NOT NULL
);
CREATE INDEX inspect_runs_scope ON inspect_runs(scope_unit_id, id);

CREATE TABLE inspect_scores (
    run_id   INTEGER NOT NULL REFERENCES inspect_runs(id) ON DELETE CASCADE,
    unit_id  INTEGER NOT NULL REFERENCES units(id),
    score    REAL NOT NULL,
    findings INTEGER NOT NULL,
    PRIMARY KEY (run_id, unit_id)
);

CREATE TABLE inspect_findings (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id   INTEGER NOT NULL REFERENCES inspect_runs(id) ON DELETE CASCADE,
    unit_id  INTEGER NOT NULL REFERENCES units(id),
    rule     TEXT NOT NULL,
    target   TEXT NOT NULL,
    expected TEXT NOT NULL,
    actual   TEXT NOT NULL,
    points   REAL NOT NULL
);
CREATE INDEX inspect_findings_run ON inspect_findings(run_id, unit_id);

-- +goose Down
DROP TABLE inspect_findings;
DROP TABLE inspect_scores;
DROP TABLE inspect_runs;
DROP TABLE inspect_rulesets;
