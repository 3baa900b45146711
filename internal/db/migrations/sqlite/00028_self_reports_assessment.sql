-- +goose Up
-- Self-inspection reports (自查报告, plan items 六, 八, 十一, 十六, 二十一):
-- one per unit and year. The figures are computed from the data each time
-- the report is read; the row keeps the texts staff edited, by section
-- (a JSON object; a section absent keeps the text written from the
-- figures), where the report stands with the office above, and, once
-- submitted, the report as it was sent (snapshot, JSON).
CREATE TABLE self_reports (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    year          INTEGER NOT NULL,
    state         TEXT NOT NULL,
    texts         TEXT NOT NULL DEFAULT '{}',
    snapshot      TEXT NOT NULL DEFAULT '',
    return_reason TEXT NOT NULL DEFAULT '',
    submitted_by  TEXT NOT NULL DEFAULT '',
    submitted_at  TIMESTAMP,
    decided_by    TEXT NOT NULL DEFAULT '',
    decided_at    TIMESTAMP,
    updated_by    TEXT NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (unit_id, year)
);
CREATE INDEX self_reports_year ON self_reports(year, state);

-- The yearly assessment scheme (考核方案, plan item 二十二) in versions, as
-- the inspection rules are kept: each save is a new version of the year's
-- components and weights (a JSON list); results are computed from the
-- newest.
CREATE TABLE assess_schemes (
    year       INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    components TEXT NOT NULL,
    comment    TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (year, version)
);

-- The department that leads a domain in the city (牵头部门, plan item 三);
-- NULL: the one the program's data names (internal/domainreport/data).
-- Without REFERENCES here: SQLite cannot drop a column that has one.
ALTER TABLE domains ADD COLUMN lead_unit_id INTEGER;

-- A lead department's yearly supervision report on its domain (本领域工作
-- 情况报告, due 15 January): edited texts by section, and the report as
-- published on the portal.
CREATE TABLE domain_reports (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    domain_id    INTEGER NOT NULL REFERENCES domains(id),
    year         INTEGER NOT NULL,
    texts        TEXT NOT NULL DEFAULT '{}',
    snapshot     TEXT NOT NULL DEFAULT '',
    updated_by   TEXT NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    published_by TEXT NOT NULL DEFAULT '',
    published_at TIMESTAMP,
    UNIQUE (domain_id, year)
);

-- +goose Down
DROP TABLE domain_reports;
ALTER TABLE domains DROP COLUMN lead_unit_id;
DROP TABLE assess_schemes;
DROP TABLE self_reports;
