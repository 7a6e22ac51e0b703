-- +goose Up
-- Search over cases. The store keeps one row per case, written with the
-- case (intake, registration, every workflow change) and folded in Go
-- (internal/textfold: no diacritics, đ as d, lower case), so both
-- dialects search the same text with LIKE. head: title, topic, units and
-- the answers' letter numbers; body: the content; both scrubbed of the
-- petitioner's identity. contact: the petitioner's name, phone and e-mail,
-- empty when the identity is secret. Cases without a row are indexed by the store
-- before a search (the backfill of existing cases). pg_trgm's trigram
-- indexes serve LIKE '%word%'.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE case_search (
    case_id    BIGINT PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    head       TEXT NOT NULL,
    body       TEXT NOT NULL,
    contact    TEXT NOT NULL
);
CREATE INDEX case_search_head ON case_search USING gin (head gin_trgm_ops);
CREATE INDEX case_search_body ON case_search USING gin (body gin_trgm_ops);
CREATE INDEX case_search_contact ON case_search USING gin (contact gin_trgm_ops);
CREATE INDEX cases_code_prefix ON cases (code text_pattern_ops);

-- +goose Down
DROP INDEX cases_code_prefix;
DROP TABLE case_search;
