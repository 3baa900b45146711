-- +goose Up
-- Disclosure attributes (公开属性, plan item 八).
--
-- Spot checks (抽查, from October): an office samples, for one year, the
-- documents each unit under it issued, sample_size a unit, drawn with
-- seed so that the draw can be made again; for each document drawn the
-- checker answers whether the attribute was proposed at drafting, marked
-- at issuing and correct ('yes' or 'no', '' until checked), with a note.
CREATE TABLE attr_spot_checks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    office_id   INTEGER NOT NULL REFERENCES units(id),
    year        INTEGER NOT NULL,
    sample_size INTEGER NOT NULL,
    seed        INTEGER NOT NULL,
    status      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    closed_by   TEXT NOT NULL DEFAULT '',
    closed_at   TIMESTAMP,
    UNIQUE (office_id, year)
);

CREATE TABLE attr_spot_items (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    check_id   INTEGER NOT NULL REFERENCES attr_spot_checks(id),
    record_id  INTEGER NOT NULL REFERENCES info_records(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    proposed   TEXT NOT NULL DEFAULT '',
    marked     TEXT NOT NULL DEFAULT '',
    correct    TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    checked_by TEXT NOT NULL DEFAULT '',
    checked_at TIMESTAMP,
    UNIQUE (check_id, record_id)
);
CREATE INDEX attr_spot_items_unit ON attr_spot_items(unit_id);

-- The July review (每年7月评估调整): an office reviews, in year, the
-- documents written two years before by the units under it that were
-- 依申请公开 or 不予公开 (kind 'restricted') or published and now invalid
-- (kind 'invalid'), one row per document, with the attribute and validity
-- it had when the review took it in. A document is in one review a year.
-- The drafting unit proposes keep, active (with the leader who approved
-- it and the day) or invalid (with the day); the office confirms, which
-- changes the record, or returns the proposal with a note.
CREATE TABLE attr_reviews (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    office_id    INTEGER NOT NULL REFERENCES units(id),
    year         INTEGER NOT NULL,
    status       TEXT NOT NULL,
    opened_by    TEXT NOT NULL,
    opened_at    TIMESTAMP NOT NULL,
    published_by TEXT NOT NULL DEFAULT '',
    published_at TIMESTAMP,
    UNIQUE (office_id, year)
);

CREATE TABLE attr_review_items (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id    INTEGER NOT NULL REFERENCES attr_reviews(id),
    year         INTEGER NOT NULL,
    record_id    INTEGER NOT NULL REFERENCES info_records(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    kind         TEXT NOT NULL,
    attribute    TEXT NOT NULL,
    validity     TEXT NOT NULL,
    state        TEXT NOT NULL,
    proposal     TEXT NOT NULL DEFAULT '',
    approver     TEXT NOT NULL DEFAULT '',
    approved_on  TEXT NOT NULL DEFAULT '',
    invalid_date TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    proposed_by  TEXT NOT NULL DEFAULT '',
    proposed_at  TIMESTAMP,
    decided_by   TEXT NOT NULL DEFAULT '',
    decided_at   TIMESTAMP,
    return_note  TEXT NOT NULL DEFAULT '',
    UNIQUE (year, record_id)
);
CREATE INDEX attr_review_items_review ON attr_review_items(review_id, unit_id);
CREATE INDEX attr_review_items_unit ON attr_review_items(unit_id, year);

-- +goose Down
DROP TABLE attr_review_items;
DROP TABLE attr_reviews;
DROP TABLE attr_spot_items;
DROP TABLE attr_spot_checks;
