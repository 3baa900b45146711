-- +goose Up
-- The pilot domains (26 from the State Council list, plus local ones a unit
-- adds), the guidelines (标准指引) per domain in versions, and their items.
CREATE TABLE domains (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    norm_name   TEXT NOT NULL,
    name_2017   TEXT NOT NULL DEFAULT '',
    lead        TEXT NOT NULL DEFAULT '',
    guideline   TEXT NOT NULL DEFAULT '',
    doc_number  TEXT NOT NULL DEFAULT '',
    aliases     TEXT NOT NULL DEFAULT '',
    unit_id     INTEGER REFERENCES units(id),
    sort        INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL
);
-- A local domain's name is unique within its owner; a standard one globally.
CREATE UNIQUE INDEX domains_name ON domains(norm_name, COALESCE(unit_id, 0));

CREATE TABLE guidelines (
    id          INTEGER PRIMARY KEY,
    domain_id   INTEGER NOT NULL REFERENCES domains(id),
    version     INTEGER NOT NULL,
    title       TEXT NOT NULL,
    doc_number  TEXT NOT NULL DEFAULT '',
    file_name   TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (domain_id, version)
);

CREATE TABLE guideline_items (
    id           INTEGER PRIMARY KEY,
    guideline_id INTEGER NOT NULL REFERENCES guidelines(id),
    seq          INTEGER NOT NULL,
    item_key     TEXT NOT NULL,
    level1       TEXT NOT NULL,
    level2       TEXT NOT NULL,
    content      TEXT NOT NULL,
    basis        TEXT NOT NULL,
    time_limit   TEXT NOT NULL,
    limit_rule   TEXT NOT NULL,
    subject      TEXT NOT NULL,
    channels     TEXT NOT NULL,
    audience     TEXT NOT NULL,
    method       TEXT NOT NULL,
    levels       TEXT NOT NULL,
    UNIQUE (guideline_id, seq)
);
CREATE INDEX guideline_items_key ON guideline_items(guideline_id, item_key);

-- A unit's catalog for one domain. The working copy is in catalog_items;
-- every submitted, approved and published version is kept as a snapshot.
CREATE TABLE catalogs (
    id                INTEGER PRIMARY KEY,
    unit_id           INTEGER NOT NULL REFERENCES units(id),
    domain_id         INTEGER NOT NULL REFERENCES domains(id),
    status            TEXT NOT NULL,
    version           INTEGER NOT NULL,
    published_version INTEGER NOT NULL DEFAULT 0,
    guideline_id      INTEGER REFERENCES guidelines(id),
    comment           TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    UNIQUE (unit_id, domain_id)
);
CREATE INDEX catalogs_domain ON catalogs(domain_id, status);

CREATE TABLE catalog_items (
    id           INTEGER PRIMARY KEY,
    catalog_id   INTEGER NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    item_key     TEXT NOT NULL,
    level1       TEXT NOT NULL,
    level2       TEXT NOT NULL,
    content      TEXT NOT NULL,
    basis        TEXT NOT NULL,
    time_limit   TEXT NOT NULL,
    limit_rule   TEXT NOT NULL,
    subject      TEXT NOT NULL,
    channels     TEXT NOT NULL,
    audience     TEXT NOT NULL,
    method       TEXT NOT NULL,
    levels       TEXT NOT NULL,
    mandatory    BOOLEAN NOT NULL DEFAULT FALSE,
    local        BOOLEAN NOT NULL DEFAULT FALSE,
    comment      TEXT NOT NULL DEFAULT '',
    UNIQUE (catalog_id, seq)
);

CREATE TABLE catalog_versions (
    id          INTEGER PRIMARY KEY,
    catalog_id  INTEGER NOT NULL REFERENCES catalogs(id),
    version     INTEGER NOT NULL,
    status      TEXT NOT NULL,
    items       TEXT NOT NULL,
    comment     TEXT NOT NULL DEFAULT '',
    actor       TEXT NOT NULL,
    at          TIMESTAMP NOT NULL,
    UNIQUE (catalog_id, version, status)
);

-- A guideline's new version, as it concerns one catalog.
CREATE TABLE change_notices (
    id           INTEGER PRIMARY KEY,
    catalog_id   INTEGER NOT NULL REFERENCES catalogs(id),
    guideline_id INTEGER NOT NULL REFERENCES guidelines(id),
    diff         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    done_by      TEXT NOT NULL DEFAULT '',
    done_at      TIMESTAMP
);
CREATE INDEX change_notices_catalog ON change_notices(catalog_id);

-- A domain supervisor's grade of a counterpart unit (plan item 三).
CREATE TABLE domain_grades (
    id         INTEGER PRIMARY KEY,
    domain_id  INTEGER NOT NULL REFERENCES domains(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    grade      TEXT NOT NULL,
    comment    TEXT NOT NULL DEFAULT '',
    graded_by  TEXT NOT NULL,
    at         TIMESTAMP NOT NULL
);
CREATE INDEX domain_grades_unit ON domain_grades(domain_id, unit_id);

-- +goose Down
DROP TABLE domain_grades;
DROP TABLE change_notices;
DROP TABLE catalog_versions;
DROP TABLE catalog_items;
DROP TABLE catalogs;
DROP TABLE guideline_items;
DROP TABLE guidelines;
DROP TABLE domains;
