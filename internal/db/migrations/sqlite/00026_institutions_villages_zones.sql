-- +goose Up
-- Public institutions (公共企事业单位, plan item 十八): the department that
-- supervises each (主管部门) when it is not the unit's parent, and the
-- department's yearly supervision report (指导监督工作机制、公共服务信息公开
-- 情况、存在问题、下一步提升计划).
CREATE TABLE institution_supervisors (
    unit_id       INTEGER PRIMARY KEY REFERENCES units(id),
    supervisor_id INTEGER NOT NULL REFERENCES units(id),
    set_by        TEXT NOT NULL,
    set_at        TIMESTAMP NOT NULL
);
CREATE INDEX institution_supervisors_by ON institution_supervisors(supervisor_id);

CREATE TABLE supervision_reports (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    year         INTEGER NOT NULL,
    mechanism    TEXT NOT NULL DEFAULT '',
    disclosed    TEXT NOT NULL DEFAULT '',
    problems     TEXT NOT NULL DEFAULT '',
    next_steps   TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    published_by TEXT NOT NULL DEFAULT '',
    UNIQUE (unit_id, year)
);

-- Village and community affairs (村（居）务公开, plan item 十九): what a
-- village or community shows for each item of its list (item_key names a
-- standard item "std:CODE" or a 村级 item of its town's catalog
-- "town:DOMAIN/KEY"), and the town's on-site guidance visits.
CREATE TABLE village_entries (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    item_key   TEXT NOT NULL,
    content    TEXT NOT NULL DEFAULT '',
    link_url   TEXT NOT NULL DEFAULT '',
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (unit_id, item_key)
);

CREATE TABLE guidance_visits (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    town_id    INTEGER NOT NULL REFERENCES units(id),
    village_id INTEGER NOT NULL REFERENCES units(id),
    visit_date TEXT NOT NULL,
    people     TEXT NOT NULL,
    findings   TEXT NOT NULL DEFAULT '',
    advice     TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX guidance_visits_town ON guidance_visits(town_id, visit_date);
CREATE INDEX guidance_visits_village ON guidance_visits(village_id);

-- Disclosure zones (政务公开专区, plan item 十四) in service halls,
-- real-estate registration centres, libraries and archives, with photos.
CREATE TABLE zones (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    address    TEXT NOT NULL,
    hours      TEXT NOT NULL DEFAULT '',
    services   TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX zones_unit ON zones(unit_id);

CREATE TABLE zone_photos (
    zone_id INTEGER NOT NULL REFERENCES zones(id),
    seq     INTEGER NOT NULL,
    name    TEXT NOT NULL,
    sha256  TEXT NOT NULL,
    mime    TEXT NOT NULL,
    size    INTEGER NOT NULL,
    alt     TEXT NOT NULL,
    PRIMARY KEY (zone_id, seq)
);

-- +goose Down
DROP TABLE zone_photos;
DROP TABLE zones;
DROP TABLE guidance_visits;
DROP TABLE village_entries;
DROP TABLE supervision_reports;
DROP TABLE institution_supervisors;
