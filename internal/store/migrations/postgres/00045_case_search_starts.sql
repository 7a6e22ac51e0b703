-- +goose Up
-- The index of the search rows' words' starts (00043) is built on a column
-- the store writes, starts: the distinct starts of the row's words,
-- space-separated (textfold.Starts, Go's one definition of them, which the
-- query's lexemes are cut by too: textfold.Start), read into lexemes by
-- two C functions. Computing them in SQL, as case_search_prefixes did on
-- every insert (unnest, generate_series, array_agg), cost more than the
-- rest of the search row's write (issue 14: intake), and the lexemes are
-- the same, so every query finds what it found.
--
-- The existing rows get their starts here, from the old function once
-- (the same set: every start of one to eight characters of every word
-- split on spaces), so that the index misses no row at any time: a row
-- left without its starts until the search-index job rewrote it would
-- not be found meanwhile. The column then has no default: a row written
-- without its starts is an error, not a row the search cannot find.
ALTER TABLE case_search ADD COLUMN starts text NOT NULL DEFAULT '';
DROP INDEX case_search_words;
UPDATE case_search SET starts = array_to_string(tsvector_to_array(case_search_prefixes(head || ' ' || body || ' ' || contact)), ' ');
ALTER TABLE case_search ALTER COLUMN starts DROP DEFAULT;
CREATE INDEX case_search_words ON case_search USING gin (array_to_tsvector(string_to_array(starts, ' ')));
DROP FUNCTION case_search_prefixes(text);

-- +goose Down
-- +goose StatementBegin
CREATE FUNCTION case_search_prefixes(doc text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_to_tsvector(COALESCE(array_agg(left(w, n)), '{}'))
  FROM unnest(string_to_array(doc, ' ')) AS w, generate_series(1, least(length(w), 8)) AS n
  WHERE w <> ''
$$;
-- +goose StatementEnd
DROP INDEX case_search_words;
CREATE INDEX case_search_words ON case_search USING gin (case_search_prefixes(head || ' ' || body || ' ' || contact));
ALTER TABLE case_search DROP COLUMN starts;
