-- phucdap's own intake batch on phucdap's own schema: run against the
-- bench's phucdap database (all.sh: APP_DSN), not the floor's. Statement
-- for statement what a batch of :n petitions costs PostgreSQL there, with
-- every index, foreign key and the search row's index of its words' starts
-- (written as Go writes them, textfold.Starts: the md5 word's too): the
-- advisory locks, the one lookup (duplicates, rate counters, ids), the
-- bump of the gap-free number, the one INSERT of the cases and all that
-- comes with them, the commit. Nothing of Go or HTTP, so petitions/s
-- (TPS × n) bounds what phucdap's intake can do on the same machine.
-- Its cases are the agency PGB's (numbered apart from phucdap's), its
-- counters' buckets start "pgb" (all.sh deletes them after the run) and its
-- audit rows' actor is pgbench.
--   pgbench "$APP_DSN" -n -f intake_phucdap.sql -D n=16 -c 1 -T 15
BEGIN;
SELECT count(pg_advisory_xact_lock(k)) FROM unnest(ARRAY(SELECT (random()*9e18)::bigint FROM generate_series(1, 3 * :n)) || 42::bigint) k;
SELECT count(*) FROM (
  SELECT id AS v FROM cases WHERE dedup_key = ANY(ARRAY(SELECT md5(random()::text) FROM generate_series(1, :n))) AND (received_at + interval '0 s') > now() - interval '1 day'
  UNION ALL SELECT c.hits FROM (SELECT 'pgb' || substr(md5(random()::text), 1, 29) AS b FROM generate_series(1, :n)) k, (VALUES ('hour'), ('day')) v(w),
    LATERAL (SELECT hits FROM rate_counters WHERE bucket = k.b AND window_start = date_trunc(v.w, now()) LIMIT 1) c
  UNION ALL SELECT nextval('cases_id_seq') FROM generate_series(1, :n)) x;
INSERT INTO case_sequences (agency, year, issued) VALUES ('PGB', 2026, :n) ON CONFLICT (agency, year) DO UPDATE SET issued = case_sequences.issued + excluded.issued RETURNING issued \gset
WITH src AS (SELECT g, 'PGB-2026-' || (:issued - :n + g) AS code, :issued - :n + g AS seq, md5(random()::text) AS h FROM generate_series(1, :n) g),
c AS (INSERT INTO cases (code, agency, year, seq, kind, channel, topic_id, plan_task_id, title, content, place, lang, secret_salt, secret_hash, dedup_key, status, received_at, due_at, due_rule, due_explanation_vi, due_explanation_en, registered_by, identity_sealed, created_at, updated_at)
  SELECT code, 'PGB', 2026, seq, 'phan_anh', 'api', (SELECT min(id) FROM topics), NULL, 'Đèn đường hỏng', repeat('Đèn đường ở ngõ 12 phố Bà Triệu đã hỏng. ', 8) || h, 'Ngõ 12 phố Bà Triệu', 'vi', h, h, h, 'received', now(), now() + interval '10 days', 'pakn.answer', repeat('Phản ánh, kiến nghị: trả lời ', 18), repeat('explanation ', 44), '', false, now(), now() FROM src RETURNING id, code),
i AS (INSERT INTO case_identities (case_id, name, phone, email, address, id_number, phone_hash, email_hash, keep_secret, consent_at, created_at) SELECT id, 'Nguyễn Thị Hằng', '0912345678', '', '', '', md5(code), '', true, now(), now() FROM c),
e AS (INSERT INTO case_events (case_id, kind, public, actor, note, created_at) SELECT id, k, k = 'received', '', '', now() FROM c, (VALUES ('received'), ('intake')) v(k)),
k AS (INSERT INTO case_clocks (case_id, kind, rule_id, started_at, due_at, state, clock, explanation_vi, explanation_en, uncomputed, created_at, updated_at) SELECT id, 'answer', 'pakn.answer', now(), now() + interval '10 days', 'open', '{"rule_id":"pakn.answer","round":1,"scope":["topic:1"]}', repeat('Phản ánh, kiến nghị: trả lời ', 18), repeat('explanation ', 44), '', now(), now() FROM c),
a AS (INSERT INTO audit_log (at, actor_label, action, entity, entity_id, after_json, request_id) SELECT now(), 'pgbench', 'case.create', 'case', id::text, jsonb_build_object('code', code, 'kind', 'phan_anh', 'channel', 'api', 'topic_id', 1, 'received_at', now(), 'due_at', now()), md5(code) FROM c),
s AS (INSERT INTO case_search (case_id, head, body, contact, revision, starts) SELECT id, 'den duong hong thong tin quy hoach thu tuc hanh chinh chua duoc cong khai planning or procedure information not published', repeat('den duong o ngo 12 pho ba trieu da hong ', 8) || md5(code), 'nguyen thi hang 0912345678 0912345678 912345678 84912345678 ' || md5(code), 1,
  '0 09 091 0912 09123 091234 0912345 09123456 1 12 8 84 849 8491 84912 849123 8491234 84912345 9 91 912 9123 91234 912345 9123456 91234567 b ba c ch chi chin chinh chu chua co con cong d da de den du duo duoc duon duong h ha han hang hanh ho hoa hoac hoach hon hong i in inf info infor inform informa informat k kh kha khai n ng ngo ngu nguy nguye nguyen no not o or p ph pho pl pla plan plann planni plannin planning pr pro proc proce proced procedu procedur pu pub publ publi publis publish publishe q qu quy t th thi tho thon thong thu ti tin tr tri trie trieu tu tuc' || ' ' || left(md5(code), 1) || ' ' || left(md5(code), 2) || ' ' || left(md5(code), 3) || ' ' || left(md5(code), 4) || ' ' || left(md5(code), 5) || ' ' || left(md5(code), 6) || ' ' || left(md5(code), 7) || ' ' || left(md5(code), 8) FROM c),
r AS (INSERT INTO rate_counters (bucket, window_start, hits) SELECT 'pgb' || substr(md5(code || w), 1, 29), date_trunc(w, now()), 1 FROM c, (VALUES ('hour'), ('day')) v(w) UNION ALL SELECT 'pgb-ip-' || w, date_trunc(w, now()), :n FROM (VALUES ('hour'), ('day')) v(w) ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counters.hits + excluded.hits)
SELECT 1;
COMMIT;
