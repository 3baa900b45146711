-- +goose Up
-- Counters for rate limits and lockouts (logins, look-ups of applications,
-- anonymous submissions), one row per key and fixed window. A row is
-- counted up in a single statement, so parallel attempts cannot slip past
-- the limit, and every instance of the server shares the counts.
CREATE TABLE throttle (
    key          TEXT PRIMARY KEY,
    hits         INTEGER NOT NULL,
    window_start TIMESTAMP NOT NULL
);
CREATE INDEX throttle_window ON throttle(window_start);
-- Logins were counted in login_failures, one row per failure; throttle
-- replaces it.
DROP TABLE login_failures;

-- +goose Down
CREATE TABLE login_failures (
    id    INTEGER PRIMARY KEY,
    login TEXT NOT NULL,
    ip    TEXT NOT NULL,
    at    TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_login ON login_failures(login, at);
CREATE INDEX login_failures_ip ON login_failures(ip, at);
DROP TABLE throttle;
