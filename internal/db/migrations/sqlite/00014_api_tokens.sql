-- +goose Up
-- Tokens with which a unit's business system publishes through the API
-- (plan item 四). Only the SHA-256 of a token is kept: the token itself is
-- shown once, when it is made. A token writes its own unit's records only;
-- can_publish lets it publish without a reviewer.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    can_publish  BOOLEAN NOT NULL DEFAULT FALSE,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP,
    revoked_by   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX api_tokens_unit ON api_tokens(unit_id);
CREATE INDEX api_tokens_prefix ON api_tokens(prefix);

-- The first answer to each Idempotency-Key of a token, so that a request
-- sent again gets the same answer instead of a second record. fingerprint
-- is the SHA-256 of the method, path and body the key was first used with.
CREATE TABLE api_idempotency (
    token_id    INTEGER NOT NULL REFERENCES api_tokens(id),
    key         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status      INTEGER NOT NULL,
    body        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (token_id, key)
);
CREATE INDEX api_idempotency_created ON api_idempotency(created_at);

-- +goose Down
DROP TABLE api_idempotency;
DROP TABLE api_tokens;
