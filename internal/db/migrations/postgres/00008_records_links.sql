-- +goose Up
-- Records that link to information published elsewhere, for the link check.
CREATE INDEX info_records_links ON info_records(unit_id) WHERE link_url <> '';

-- +goose Down
DROP INDEX info_records_links;
