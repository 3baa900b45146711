-- +goose Up
-- The columns inspections read for every published record, apart from its
-- text: SQLite stores the text in the row, so reading these from the table
-- walks the whole file, and from this index a few megabytes.
CREATE INDEX info_records_lite ON info_records(id, status, published_at, unit_id, formed_date, index_no);

-- +goose Down
DROP INDEX info_records_lite;
