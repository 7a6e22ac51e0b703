-- :n petitions: 90% closed (answered), 8% open and not yet due, 2% open and
-- past due (performance-floors.md, load1m.sql).
TRUNCATE p RESTART IDENTITY;
INSERT INTO p (code, body, created_at, status, due_at, unit_id, answered_at)
SELECT substr(md5(i::text), 1, 13),
       format('{"name":"Citizen %s","phone":"+1-555-%s","category":"c%s","text":"%s"}',
              i, lpad((i % 10000)::text, 4, '0'), i % 40, repeat('x', 500)),
       c.created_at,
       CASE WHEN i % 50 <= 4 THEN 'open' ELSE 'closed' END,
       c.created_at + interval '14 days',
       1 + (i::bigint * 7919) % 200,
       CASE WHEN i % 50 <= 4 THEN NULL
            ELSE c.created_at + (random() * 20) * interval '1 day' END
FROM generate_series(1, :n) AS i,
LATERAL (SELECT CASE
           WHEN i % 50 = 0  THEN now() - interval '15 days' - random() * interval '45 days'
           WHEN i % 50 <= 4 THEN now() - random() * interval '13 days'
           ELSE now() - interval '20 days' - random() * interval '345 days' END AS created_at) c;
