-- +goose Up
-- One trigram index over a case's search row as a whole (head, body and
-- contact joined by " | ", which no folded word contains), in place of one
-- per column: a search's candidates are the rows where every word is
-- somewhere in the row, which one index scan answers with every word at
-- once, where three indexes per word were scanned, OR-ed and AND-ed (and
-- three indexes were written per case). The exact condition (a contact
-- only where the scope allows) still runs on the candidates.
CREATE INDEX case_search_doc ON case_search USING gin ((head || ' | ' || body || ' | ' || contact) gin_trgm_ops);
DROP INDEX case_search_head;
DROP INDEX case_search_body;
DROP INDEX case_search_contact;

-- +goose Down
CREATE INDEX case_search_head ON case_search USING gin (head gin_trgm_ops);
CREATE INDEX case_search_body ON case_search USING gin (body gin_trgm_ops);
CREATE INDEX case_search_contact ON case_search USING gin (contact gin_trgm_ops);
DROP INDEX case_search_doc;
