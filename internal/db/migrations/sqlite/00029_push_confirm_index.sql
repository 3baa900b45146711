-- +goose Up
-- A confirmation link is looked up by its hash on a public, uncached
-- route: an index, not a scan of every subscription.
CREATE INDEX push_subscriptions_confirm ON push_subscriptions(confirm_hash);

-- +goose Down
DROP INDEX push_subscriptions_confirm;
