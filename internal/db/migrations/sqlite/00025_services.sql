-- +goose Up
-- Service items and their guides (政务服务事项, 办事指南; plan item 十五). The
-- working copy of a guide is JSON in services.guide; each submitted and
-- published version is kept whole in service_versions, and the portal reads
-- the version published_version names. A unit names each of its items once.
CREATE TABLE services (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id           INTEGER NOT NULL REFERENCES units(id),
    name              TEXT NOT NULL,
    type              TEXT NOT NULL,
    status            TEXT NOT NULL,
    version           INTEGER NOT NULL,
    published_version INTEGER NOT NULL DEFAULT 0,
    guide             TEXT NOT NULL,
    comment           TEXT NOT NULL DEFAULT '',
    created_by        TEXT NOT NULL,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    published_at      TIMESTAMP,
    UNIQUE (unit_id, name)
);
CREATE INDEX services_published ON services(published_version, unit_id);

CREATE TABLE service_versions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    service_id INTEGER NOT NULL REFERENCES services(id),
    version    INTEGER NOT NULL,
    status     TEXT NOT NULL,
    guide      TEXT NOT NULL,
    comment    TEXT NOT NULL DEFAULT '',
    actor      TEXT NOT NULL,
    at         TIMESTAMP NOT NULL
);
CREATE INDEX service_versions_of ON service_versions(service_id, version);

-- Full-text search over the published guides, with the tokens of
-- info.Tokens (as info_fts).
CREATE VIRTUAL TABLE service_fts USING fts5(tokens, content='', contentless_delete=1, detail=column, tokenize='unicode61 remove_diacritics 0');

-- Life and business events (主题, 办事一本通; plan item 十七) the city office
-- keeps; guide_order lists the ids of the guides in the order the event's
-- page shows them ("办好一件事").
CREATE TABLE service_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL UNIQUE,
    name_en     TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL,
    intro       TEXT NOT NULL DEFAULT '',
    sort        INTEGER NOT NULL DEFAULT 0,
    guide_order TEXT NOT NULL DEFAULT '[]',
    updated_by  TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- Quarterly spot checks (抽查) of published guides by the office
-- responsible: the sample drawn per unit with its seed, and each sampled
-- guide checked against the sheet.
CREATE TABLE service_checks (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    quarter       TEXT NOT NULL,
    scope_unit_id INTEGER NOT NULL REFERENCES units(id),
    per_unit      INTEGER NOT NULL,
    seed          BIGINT NOT NULL,
    status        TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    circulated_by TEXT NOT NULL DEFAULT '',
    circulated_at TIMESTAMP,
    UNIQUE (quarter, scope_unit_id)
);

CREATE TABLE service_check_items (
    check_id   INTEGER NOT NULL REFERENCES service_checks(id),
    seq        INTEGER NOT NULL,
    service_id INTEGER NOT NULL REFERENCES services(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    name       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    checked    BOOLEAN NOT NULL DEFAULT FALSE,
    accurate   BOOLEAN NOT NULL DEFAULT FALSE,
    complete   BOOLEAN NOT NULL DEFAULT FALSE,
    current    BOOLEAN NOT NULL DEFAULT FALSE,
    note       TEXT NOT NULL DEFAULT '',
    checked_by TEXT NOT NULL DEFAULT '',
    checked_at TIMESTAMP,
    PRIMARY KEY (check_id, seq)
);

-- Complaints about guides (不准确、不完整、不及时更新): registered, transferred
-- to the unit, verified and rectified, each step on its day (China time,
-- YYYY-MM-DD) with the due days counted on the working-day calendar.
CREATE TABLE service_complaints (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    service_id   INTEGER NOT NULL REFERENCES services(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    kind         TEXT NOT NULL,
    content      TEXT NOT NULL,
    contact      TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL,
    status       TEXT NOT NULL,
    received     TEXT NOT NULL,
    transferred  TEXT NOT NULL DEFAULT '',
    verify_due   TEXT NOT NULL DEFAULT '',
    verified     TEXT NOT NULL DEFAULT '',
    valid        BOOLEAN NOT NULL DEFAULT FALSE,
    verify_note  TEXT NOT NULL DEFAULT '',
    rectify_due  TEXT NOT NULL DEFAULT '',
    rectified    TEXT NOT NULL DEFAULT '',
    rectify_note TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX service_complaints_unit ON service_complaints(unit_id, received);

-- +goose Down
DROP TABLE service_complaints;
DROP TABLE service_check_items;
DROP TABLE service_checks;
DROP TABLE service_events;
DROP TABLE service_fts;
DROP TABLE service_versions;
DROP TABLE services;
