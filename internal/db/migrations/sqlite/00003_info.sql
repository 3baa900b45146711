-- +goose Up
-- Government information records (政府信息) and their attachments.
CREATE TABLE info_records (
    id               INTEGER PRIMARY KEY,
    unit_id          INTEGER NOT NULL REFERENCES units(id),
    index_no         TEXT NOT NULL UNIQUE,
    title            TEXT NOT NULL,
    doc_number       TEXT NOT NULL DEFAULT '',
    issuer           TEXT NOT NULL DEFAULT '',
    written_date     TEXT NOT NULL DEFAULT '',
    formed_date      TEXT NOT NULL DEFAULT '',
    published_at     TIMESTAMP,
    publish_at       TIMESTAMP,
    topic            TEXT NOT NULL DEFAULT '',
    genre            TEXT NOT NULL DEFAULT '',
    keywords         TEXT NOT NULL DEFAULT '',
    attribute        TEXT NOT NULL DEFAULT 'active',
    attribute_reason TEXT NOT NULL DEFAULT '',
    validity         TEXT NOT NULL DEFAULT 'valid',
    validity_date    TEXT NOT NULL DEFAULT '',
    replaced_by      TEXT NOT NULL DEFAULT '',
    body             TEXT NOT NULL DEFAULT '',
    body_text        TEXT NOT NULL DEFAULT '',
    link_url         TEXT NOT NULL DEFAULT '',
    link_title       TEXT NOT NULL DEFAULT '',
    column_code      TEXT NOT NULL DEFAULT 'fdzdgknr',
    status           TEXT NOT NULL,
    status_note      TEXT NOT NULL DEFAULT '',
    screen_override  TEXT NOT NULL DEFAULT '',
    created_by       TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX info_records_unit ON info_records(unit_id, status, published_at);
CREATE INDEX info_records_published ON info_records(status, published_at);
CREATE INDEX info_records_doc ON info_records(doc_number);
CREATE INDEX info_records_column ON info_records(unit_id, column_code, status, published_at);
CREATE INDEX info_records_column_all ON info_records(column_code, status, published_at);

-- The catalog items a record is loaded against, by item key.
CREATE TABLE info_items (
    record_id  INTEGER NOT NULL REFERENCES info_records(id) ON DELETE CASCADE,
    catalog_id INTEGER NOT NULL REFERENCES catalogs(id),
    item_key   TEXT NOT NULL,
    PRIMARY KEY (record_id, catalog_id, item_key)
);
CREATE INDEX info_items_item ON info_items(catalog_id, item_key);

CREATE TABLE info_attachments (
    id         INTEGER PRIMARY KEY,
    record_id  INTEGER NOT NULL REFERENCES info_records(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    name       TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    size       BIGINT NOT NULL,
    mime       TEXT NOT NULL,
    text       TEXT NOT NULL DEFAULT '',
    UNIQUE (record_id, seq)
);

-- Next 索引号 sequence number per unit and year.
CREATE TABLE info_index_seq (
    unit_id INTEGER NOT NULL REFERENCES units(id),
    year    INTEGER NOT NULL,
    next    INTEGER NOT NULL,
    PRIMARY KEY (unit_id, year)
);

-- Full-text search over app-made tokens (CJK bigrams and words), kept in the
-- same transaction as the record.
CREATE VIRTUAL TABLE info_fts USING fts5(tokens, content='', contentless_delete=1, detail=column, tokenize='unicode61 remove_diacritics 0');
-- Merge index segments in larger steps: cheaper inserts, same answers.
INSERT INTO info_fts(info_fts, rank) VALUES ('automerge', 8);

-- +goose Down
DROP TABLE info_fts;
DROP TABLE info_index_seq;
DROP TABLE info_attachments;
DROP TABLE info_items;
DROP TABLE info_records;
