-- +goose Up
-- One reminder ledger for every source of due items (applications for
-- disclosure, citizens' messages): an item is named by its source and ID
-- ("foi:12", "message:7"), so a person gets each item once a day.
CREATE TABLE reminders_sent (
    ref       TEXT NOT NULL,
    kind      TEXT NOT NULL,
    day       TEXT NOT NULL,
    recipient TEXT NOT NULL,
    sent_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (ref, kind, day, recipient)
);
INSERT INTO reminders_sent (ref, kind, day, recipient, sent_at)
    SELECT 'foi:' || application_id, kind, day, recipient, sent_at FROM foi_reminders;
DROP TABLE foi_reminders;

-- +goose Down
CREATE TABLE foi_reminders (
    application_id BIGINT NOT NULL REFERENCES foi_applications(id),
    kind           TEXT NOT NULL,
    day            TEXT NOT NULL,
    recipient      TEXT NOT NULL,
    sent_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (application_id, kind, day, recipient)
);
INSERT INTO foi_reminders (application_id, kind, day, recipient, sent_at)
    SELECT CAST(substr(ref, 5) AS BIGINT), kind, day, recipient, sent_at FROM reminders_sent WHERE ref LIKE 'foi:%';
DROP TABLE reminders_sent;
