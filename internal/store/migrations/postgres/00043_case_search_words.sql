-- +goose Up
-- Search matches a word's start (internal/textfold.Matches), so its
-- candidates come from full-text search: a GIN index over the words of a
-- case's search row, split by PostgreSQL's default parser with the
-- 'simple' configuration (no stemming, no stop words), which a query's
-- terms reach as prefixes ('nguyen':* & 'ha':*). The folded texts are
-- words of letters and digits separated by single spaces, which the parser
-- splits into those words (or, for a few shapes such as "12e3x", into
-- pieces that a term's prefix query still finds), so the candidates are a
-- superset of the matches; the exact condition, (' ' || text) LIKE
-- '% term%' per column, decides on them. The trigram index over the whole
-- row (00022) goes: it cost more than the bare ILIKE the search is held
-- to, and no other statement reads it. pg_trgm stays installed (00018).
-- revision is the version of the store's recipe a row was written by:
-- rows of an older one are rewritten by the store before a search (here
-- the contact gains the phone's national forms).
CREATE INDEX case_search_words ON case_search USING gin (to_tsvector('simple', head || ' ' || body || ' ' || contact));
DROP INDEX case_search_doc;
ALTER TABLE case_search ADD COLUMN revision SMALLINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE case_search DROP COLUMN revision;
CREATE INDEX case_search_doc ON case_search USING gin ((head || ' | ' || body || ' | ' || contact) gin_trgm_ops);
DROP INDEX case_search_words;
