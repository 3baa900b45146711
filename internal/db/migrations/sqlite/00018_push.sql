-- +goose Up
-- Push (定向推送): the audiences a subscriber may say they belong to (the
-- plan's eight groups, editable), subscriptions with what they follow,
-- targeted notices sent by hand, the outbox every message goes through,
-- the records waiting for a subscriber's daily or weekly digest, and the
-- progress notices an applicant for disclosure asked for.
CREATE TABLE push_audiences (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    name_en    TEXT NOT NULL DEFAULT '',
    sort       INTEGER NOT NULL DEFAULT 0,
    retired    BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMP,
    updated_by TEXT NOT NULL DEFAULT ''
);
INSERT INTO push_audiences (code, name, name_en, sort) VALUES
    ('enterprise', '企业', 'Enterprises', 1),
    ('market_entity', '商事主体', 'Market entities', 2),
    ('research', '科研机构', 'Research institutions', 3),
    ('talent', '科技人才', 'Science and technology talent', 4),
    ('assistance', '救助对象', 'Recipients of social assistance', 5),
    ('employment', '就业和社保服务对象', 'Employment and social security service users', 6),
    ('financing', '融资企业', 'Enterprises seeking financing', 7),
    ('taxpayer', '纳税人', 'Taxpayers', 8);

-- A subscription is pending until confirmed (the link of the confirmation
-- message, or the code sent by SMS), then active until ended. The
-- unsubscribe token is kept as it is, for every message carries it; the
-- confirmation token or code is kept as a hash.
CREATE TABLE push_subscriptions (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    channel           TEXT NOT NULL,
    address           TEXT NOT NULL,
    frequency         TEXT NOT NULL,
    lang              TEXT NOT NULL DEFAULT 'zh',
    state             TEXT NOT NULL,
    unsubscribe_token TEXT NOT NULL UNIQUE,
    confirm_hash      TEXT NOT NULL DEFAULT '',
    confirm_tries     INTEGER NOT NULL DEFAULT 0,
    confirm_expires   TIMESTAMP,
    secret            TEXT NOT NULL DEFAULT '',
    label             TEXT NOT NULL DEFAULT '',
    created_by        TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL,
    confirmed_at      TIMESTAMP,
    ended_at          TIMESTAMP,
    ended_how         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX push_subscriptions_address ON push_subscriptions(channel, address);
CREATE INDEX push_subscriptions_state ON push_subscriptions(state);

-- What a subscription follows: dim is unit, domain, audience or topic.
CREATE TABLE push_filters (
    subscription_id INTEGER NOT NULL REFERENCES push_subscriptions(id),
    dim             TEXT NOT NULL,
    value           TEXT NOT NULL,
    PRIMARY KEY (subscription_id, dim, value)
);
CREATE INDEX push_filters_value ON push_filters(dim, value);

CREATE TABLE push_notices (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id    INTEGER REFERENCES units(id),
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    link       TEXT NOT NULL DEFAULT '',
    recipients INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX push_notices_unit ON push_notices(unit_id);

CREATE TABLE push_notice_filters (
    notice_id INTEGER NOT NULL REFERENCES push_notices(id),
    dim       TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (notice_id, dim, value)
);

-- Every message: written in the transaction that causes it, delivered by a
-- job of the queue. state is queued, sent or failed (the last attempt
-- failed, with last_error; next_attempt_at is set while it is retried).
-- claimed_until marks a delivery under way, so that two workers never send
-- one message twice.
CREATE TABLE push_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    channel         TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    link            TEXT NOT NULL DEFAULT '',
    unsubscribe     TEXT NOT NULL DEFAULT '',
    kind            TEXT NOT NULL,
    reference       TEXT NOT NULL DEFAULT '',
    subscription_id INTEGER REFERENCES push_subscriptions(id),
    notice_id       INTEGER REFERENCES push_notices(id),
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    next_attempt_at TIMESTAMP,
    claimed_until   TIMESTAMP,
    sent_at         TIMESTAMP,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX push_outbox_state ON push_outbox(state, channel);
CREATE INDEX push_outbox_notice ON push_outbox(notice_id);
CREATE INDEX push_outbox_reference ON push_outbox(kind, reference);

-- Files sent with a message (a reply and its notice), dropped once sent.
CREATE TABLE push_outbox_files (
    outbox_id    INTEGER NOT NULL REFERENCES push_outbox(id),
    seq          INTEGER NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL,
    PRIMARY KEY (outbox_id, seq)
);

-- Records published for a subscriber of a daily or weekly digest, until
-- the digest that lists them is queued (outbox_id).
CREATE TABLE push_digest_items (
    subscription_id INTEGER NOT NULL REFERENCES push_subscriptions(id),
    reference       TEXT NOT NULL,
    title           TEXT NOT NULL,
    link            TEXT NOT NULL,
    unit_name       TEXT NOT NULL DEFAULT '',
    published_at    TIMESTAMP NOT NULL,
    outbox_id       INTEGER REFERENCES push_outbox(id),
    PRIMARY KEY (subscription_id, reference)
);
CREATE INDEX push_digest_pending ON push_digest_items(outbox_id);

-- Progress notices (plan item 十六): how the applicant asked to be told of
-- each step ('' none, email, sms) and in which language.
ALTER TABLE foi_applications ADD COLUMN notify TEXT NOT NULL DEFAULT '';
ALTER TABLE foi_applications ADD COLUMN notify_lang TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE foi_applications DROP COLUMN notify_lang;
ALTER TABLE foi_applications DROP COLUMN notify;
DROP TABLE push_digest_items;
DROP TABLE push_outbox_files;
DROP TABLE push_outbox;
DROP TABLE push_notice_filters;
DROP TABLE push_notices;
DROP TABLE push_filters;
DROP TABLE push_subscriptions;
DROP TABLE push_audiences;
