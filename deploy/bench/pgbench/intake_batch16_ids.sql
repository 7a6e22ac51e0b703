-- phucdap's batch shape since the ids are taken first, 16 petitions a
-- transaction: one read takes the ids (nextval; gaps in ids do not
-- matter; the clients' ids interleave, so they are kept as a list, not
-- as the range from the least to the greatest, which held other clients'
-- ids and made every client after the first fail on a duplicate code),
-- the gap-free counter is bumped once, and one statement writes the
-- cases under their final codes with their identities, two events each
-- and the audit rows (no UPDATE of the codes); the counter's row
-- lock is held over that statement and the commit. Tables from
-- schema5.sql. Petitions/s = TPS × 16.
\set unit random(1, 200)
BEGIN;
SELECT string_agg(nextval('c5_id_seq')::text, ',') AS ids FROM generate_series(1, 16) \gset
UPDATE s5 SET n = n + 16 WHERE k = 1 RETURNING n \gset
WITH ids AS (SELECT id, :n - 16 + row_number() OVER (ORDER BY id) AS seq FROM unnest(ARRAY[:ids]::bigint[]) id),
     c AS (INSERT INTO c5 (id, code, body, due_at, unit_id)
           SELECT id, 'SXD-2026-' || seq, repeat('x', 560), now() + interval '14 days', :unit FROM ids),
     i AS (INSERT INTO i5 (case_id, name, phone, address, phone_hash) SELECT id, 'Nguyen Thi Hang', '0912345678', '25 Ba Trieu', md5(id::text) FROM ids),
     e AS (INSERT INTO e5 (case_id, kind, public, note) SELECT id, k, k = 'received', '' FROM ids, (VALUES ('received'), ('intake')) v(k))
INSERT INTO a5 (action, entity_id, after_json) SELECT 'case.create', id, jsonb_build_object('code', 'SXD-2026-' || seq, 'kind', 'kien_nghi') FROM ids;
COMMIT;
