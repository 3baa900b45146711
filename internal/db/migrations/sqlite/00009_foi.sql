-- +goose Up
-- Applications for disclosure (依申请公开): the application with its
-- applicant, receipt and clock, the pauses of the clock (consultations, fee
-- notices), its timeline, appeals against the reply, reminders sent to the
-- handlers, and the annual reports built from them.
CREATE TABLE foi_applications (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    tracking_no         TEXT NOT NULL UNIQUE,
    query_hash          TEXT NOT NULL DEFAULT '',
    unit_id             INTEGER NOT NULL REFERENCES units(id),
    applicant_type      TEXT NOT NULL,
    applicant_name      TEXT NOT NULL,
    id_type             TEXT NOT NULL DEFAULT '',
    id_number           TEXT NOT NULL DEFAULT '',
    legal_rep           TEXT NOT NULL DEFAULT '',
    contact_name        TEXT NOT NULL DEFAULT '',
    phone               TEXT NOT NULL DEFAULT '',
    email               TEXT NOT NULL DEFAULT '',
    address             TEXT NOT NULL DEFAULT '',
    postcode            TEXT NOT NULL DEFAULT '',
    description         TEXT NOT NULL,
    purpose             TEXT NOT NULL DEFAULT '',
    medium              TEXT NOT NULL DEFAULT '',
    delivery            TEXT NOT NULL DEFAULT '',
    channel             TEXT NOT NULL,
    submitted_at        TIMESTAMP NOT NULL,
    received_date       TEXT NOT NULL DEFAULT '',
    receipt_note        TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL,
    clock_start         TEXT NOT NULL DEFAULT '',
    correction_date     TEXT NOT NULL DEFAULT '',
    correction_days     INTEGER NOT NULL DEFAULT 0,
    correction_due      TEXT NOT NULL DEFAULT '',
    correction_note     TEXT NOT NULL DEFAULT '',
    corrected_date      TEXT NOT NULL DEFAULT '',
    extension_days      INTEGER NOT NULL DEFAULT 0,
    extension_date      TEXT NOT NULL DEFAULT '',
    extension_approver  TEXT NOT NULL DEFAULT '',
    extension_reason    TEXT NOT NULL DEFAULT '',
    fee_mode            TEXT NOT NULL DEFAULT '',
    fee_count           INTEGER NOT NULL DEFAULT 0,
    fee_amount          INTEGER NOT NULL DEFAULT 0,
    handler             TEXT NOT NULL DEFAULT '',
    result              TEXT NOT NULL DEFAULT '',
    result_date         TEXT NOT NULL DEFAULT '',
    reply               TEXT NOT NULL DEFAULT '',
    other_agency        TEXT NOT NULL DEFAULT '',
    replied_by          TEXT NOT NULL DEFAULT '',
    delivered_date      TEXT NOT NULL DEFAULT '',
    delivered_by        TEXT NOT NULL DEFAULT '',
    delivery_note       TEXT NOT NULL DEFAULT '',
    proactive           TEXT NOT NULL DEFAULT '',
    proactive_note      TEXT NOT NULL DEFAULT '',
    imported            BOOLEAN NOT NULL DEFAULT 0,
    created_by          TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX foi_applications_unit ON foi_applications(unit_id, status);
CREATE INDEX foi_applications_received ON foi_applications(unit_id, received_date);
CREATE INDEX foi_applications_result ON foi_applications(unit_id, result_date);
CREATE INDEX foi_applications_applicant ON foi_applications(id_number, submitted_at);

CREATE TABLE foi_pauses (
    application_id INTEGER NOT NULL REFERENCES foi_applications(id),
    seq            INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    party          TEXT NOT NULL DEFAULT '',
    from_date      TEXT NOT NULL,
    due_date       TEXT NOT NULL,
    to_date        TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    outcome        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (application_id, seq)
);

CREATE TABLE foi_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES foi_applications(id),
    at             TIMESTAMP NOT NULL,
    actor          TEXT NOT NULL,
    kind           TEXT NOT NULL,
    day            TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX foi_events_application ON foi_events(application_id, id);

CREATE TABLE foi_appeals (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES foi_applications(id),
    kind           TEXT NOT NULL,
    filed_date     TEXT NOT NULL,
    outcome        TEXT NOT NULL DEFAULT 'pending',
    decided_date   TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    recorded_by    TEXT NOT NULL,
    recorded_at    TIMESTAMP NOT NULL
);
CREATE INDEX foi_appeals_application ON foi_appeals(application_id);

CREATE TABLE foi_reminders (
    application_id INTEGER NOT NULL REFERENCES foi_applications(id),
    kind           TEXT NOT NULL,
    day            TEXT NOT NULL,
    recipient      TEXT NOT NULL,
    sent_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (application_id, kind, day, recipient)
);

CREATE TABLE annual_reports (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    year           INTEGER NOT NULL,
    texts          TEXT NOT NULL DEFAULT '{}',
    figures        TEXT NOT NULL DEFAULT '{}',
    snapshot       TEXT NOT NULL DEFAULT '',
    record_id      INTEGER REFERENCES info_records(id),
    published_at   TIMESTAMP,
    published_by   TEXT NOT NULL DEFAULT '',
    updated_by     TEXT NOT NULL DEFAULT '',
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (unit_id, year)
);

-- +goose Down
DROP TABLE annual_reports;
DROP TABLE foi_reminders;
DROP TABLE foi_appeals;
DROP TABLE foi_events;
DROP TABLE foi_pauses;
DROP TABLE foi_applications;
