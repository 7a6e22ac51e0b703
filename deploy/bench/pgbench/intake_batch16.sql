-- The intake's batch shape, 16 petitions a transaction (what phucdap's
-- group commit does under load): the cases under temporary codes, their
-- identities and two events each in one statement, then last the gap-free
-- counter bumped once and the codes and audit rows written in one
-- statement, so the counter's row lock is held for two statements and the
-- commit. Tables from schema5.sql. Petitions/s = TPS × 16.
\set unit random(1, 200)
BEGIN;
WITH c AS (INSERT INTO c5 (code, body, due_at, unit_id)
           SELECT 'tmp-' || md5(random()::text), repeat('x', 560), now() + interval '14 days', :unit FROM generate_series(1, 16)
           RETURNING id),
     i AS (INSERT INTO i5 (case_id, name, phone, address, phone_hash) SELECT id, 'Nguyen Thi Hang', '0912345678', '25 Ba Trieu', md5(id::text) FROM c),
     e AS (INSERT INTO e5 (case_id, kind, public, note) SELECT id, k, k = 'received', '' FROM c, (VALUES ('received'), ('intake')) v(k))
SELECT min(id) AS lo, max(id) AS hi FROM c \gset
UPDATE s5 SET n = n + 16 WHERE k = 1 RETURNING n \gset
WITH u AS (UPDATE c5 SET code = 'SXD-2026-' || (:n - 16 + r.rn)
           FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM c5 WHERE id BETWEEN :lo AND :hi AND code LIKE 'tmp-%') r
           WHERE c5.id = r.id RETURNING c5.id, c5.code)
INSERT INTO a5 (action, entity_id, after_json) SELECT 'case.create', id, jsonb_build_object('code', code, 'kind', 'kien_nghi') FROM u;
COMMIT;
