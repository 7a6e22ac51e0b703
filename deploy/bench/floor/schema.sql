-- The floor's table (performance-floors.md): one row per petition.
CREATE TABLE IF NOT EXISTS p (
  id          bigserial PRIMARY KEY,
  code        text NOT NULL,
  body        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  status      text NOT NULL DEFAULT 'open',
  due_at      timestamptz,
  unit_id     int,
  answered_at timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS p_code_key ON p (code);
CREATE INDEX IF NOT EXISTS p_open_due ON p (due_at) WHERE status = 'open';
