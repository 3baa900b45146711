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

-- +goose Down
DROP TABLE guideline_items;
DROP TABLE guidelines;
DROP TABLE domains;
