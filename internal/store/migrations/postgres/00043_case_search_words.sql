-- +goose Up
-- Search matches a term at a word's start (internal/textfold.Matches), so
-- its candidates come from an index of the words' starts: a GIN index over
-- every start of every word of a case's search row, up to
-- case_search_prefixes' eight characters ("cong" gives c, co, con, cong),
-- which a query's terms (cut to eight characters) are looked up in as
-- whole lexemes: 'nguyen' & 'thi' & 'ha'. The row's folded texts are words
-- of letters and digits separated by single spaces, split here on the
-- spaces and nothing else (no parser, no dictionary), so the candidates
-- are exactly the rows where every term's first eight characters start a
-- word; the exact condition, (' ' || text) LIKE '% term%' per column,
-- decides on them. Whole lexemes, not prefix queries ('cong':*): GIN reads
-- the whole posting list of each prefix query's words into a bitmap, which
-- for common words ("cong" is in most cases' texts) cost more than the
-- search's floor, where whole lexemes are intersected by skipping through
-- their posting lists from the rarest.
-- The trigram index over the whole row (00022) goes: it cost more than
-- the bare ILIKE the search is held to, and no other statement reads it.
-- pg_trgm stays installed (00018).
-- revision is the version of the store's recipe a row was written by:
-- rows of an older one are rewritten by the search-index job (here
-- the contact gains the phone's national forms).
-- +goose StatementBegin
CREATE FUNCTION case_search_prefixes(doc text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_to_tsvector(COALESCE(array_agg(left(w, n)), '{}'))
  FROM unnest(string_to_array(doc, ' ')) AS w, generate_series(1, least(length(w), 8)) AS n
  WHERE w <> ''
$$;
-- +goose StatementEnd
CREATE INDEX case_search_words ON case_search USING gin (case_search_prefixes(head || ' ' || body || ' ' || contact));
DROP INDEX case_search_doc;
ALTER TABLE case_search ADD COLUMN revision SMALLINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE case_search DROP COLUMN revision;
CREATE INDEX case_search_doc ON case_search USING gin ((head || ' | ' || body || ' | ' || contact) gin_trgm_ops);
DROP INDEX case_search_words;
DROP FUNCTION case_search_prefixes(text);
