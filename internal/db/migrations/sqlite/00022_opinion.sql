-- +goose Up
-- Public-opinion items (舆情事项, plan item 十一): an office (市/区政务公开办)
-- registers an item it found, assigns it to units under it with due dates,
-- records leaders' instructions (批示), urges units (督办), and closes it
-- with a conclusion; each assigned unit records its response. The office
-- may publish the handling on the portal. office_id is the office's unit:
-- the item is in the scope of every office whose subtree holds it.
CREATE TABLE opinion_items (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    office_id     INTEGER NOT NULL REFERENCES units(id),
    title         TEXT NOT NULL,
    source        TEXT NOT NULL,
    level         TEXT NOT NULL,
    summary       TEXT NOT NULL,
    policy_id     INTEGER REFERENCES info_records(id),
    project       TEXT NOT NULL DEFAULT '',
    found_at      TIMESTAMP NOT NULL,
    found_date    TEXT NOT NULL,
    state         TEXT NOT NULL,
    conclusion    TEXT NOT NULL DEFAULT '',
    closed_date   TEXT NOT NULL DEFAULT '',
    closed_by     TEXT NOT NULL DEFAULT '',
    published     BOOLEAN NOT NULL DEFAULT 0,
    published_at  TIMESTAMP,
    published_by  TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX opinion_items_office ON opinion_items(office_id, found_date);
CREATE INDEX opinion_items_published ON opinion_items(published, published_at);

-- A unit's part of an item (交办): due on a day, and its response once
-- recorded (what was done, the response, where it was published).
CREATE TABLE opinion_assignments (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id        INTEGER NOT NULL REFERENCES opinion_items(id),
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    assigned_date  TEXT NOT NULL,
    due_date       TEXT NOT NULL,
    days           INTEGER NOT NULL DEFAULT 0,
    assigned_by    TEXT NOT NULL,
    state          TEXT NOT NULL,
    handling       TEXT NOT NULL DEFAULT '',
    response       TEXT NOT NULL DEFAULT '',
    link           TEXT NOT NULL DEFAULT '',
    responded_date TEXT NOT NULL DEFAULT '',
    responded_by   TEXT NOT NULL DEFAULT '',
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (item_id, unit_id)
);
CREATE INDEX opinion_assignments_unit ON opinion_assignments(unit_id, state);
CREATE INDEX opinion_assignments_due ON opinion_assignments(state, due_date);

-- Leaders' instructions on an item (领导批示).
CREATE TABLE opinion_instructions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id     INTEGER NOT NULL REFERENCES opinion_items(id),
    leader      TEXT NOT NULL,
    day         TEXT NOT NULL,
    text        TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX opinion_instructions_item ON opinion_instructions(item_id, id);

-- Urge notices (督办) an office sent to a unit's staff about its part, with
-- the addresses queued on the push outbox (none while mail is off).
CREATE TABLE opinion_urges (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id       INTEGER NOT NULL REFERENCES opinion_items(id),
    assignment_id INTEGER NOT NULL REFERENCES opinion_assignments(id),
    note          TEXT NOT NULL DEFAULT '',
    recipients    TEXT NOT NULL DEFAULT '',
    sent_by       TEXT NOT NULL,
    sent_at       TIMESTAMP NOT NULL,
    day           TEXT NOT NULL
);
CREATE INDEX opinion_urges_item ON opinion_urges(item_id, id);

-- +goose Down
DROP TABLE opinion_urges;
DROP TABLE opinion_instructions;
DROP TABLE opinion_assignments;
DROP TABLE opinion_items;
