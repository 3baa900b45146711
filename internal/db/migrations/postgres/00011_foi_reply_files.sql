-- +goose Up
-- What a reply that discloses (予以公开, 部分公开) gives the applicant: files,
-- stored by content like record attachments, and links to information
-- already published. released is who let a file with personal data go, and
-- why; empty when screening found none.
CREATE TABLE foi_reply_files (
    application_id BIGINT NOT NULL REFERENCES foi_applications(id),
    seq            INTEGER NOT NULL,
    name           TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    size           BIGINT NOT NULL,
    mime           TEXT NOT NULL,
    released       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (application_id, seq)
);

CREATE TABLE foi_reply_links (
    application_id BIGINT NOT NULL REFERENCES foi_applications(id),
    seq            INTEGER NOT NULL,
    url            TEXT NOT NULL,
    title          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (application_id, seq)
);

-- +goose Down
DROP TABLE foi_reply_links;
DROP TABLE foi_reply_files;
