-- +goose Up
-- What screening found in a published record (e.g. 手机号1处), kept when it is
-- indexed, so that inspections read a flag instead of every text.
ALTER TABLE info_records ADD COLUMN personal_data TEXT NOT NULL DEFAULT '';
CREATE INDEX info_records_personal ON info_records(unit_id) WHERE personal_data <> '';
-- Records marked other than valid, or replaced, for inspections.
CREATE INDEX info_records_validity ON info_records(unit_id) WHERE validity <> 'valid' OR replaced_by <> '';

-- +goose Down
DROP INDEX info_records_validity;
DROP INDEX info_records_personal;
ALTER TABLE info_records DROP COLUMN personal_data;
