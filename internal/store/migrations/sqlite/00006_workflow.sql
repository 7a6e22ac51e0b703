-- The case workflow (issue 6): the office's classification of a case, the
-- outcome of processing, links between cases (a mixed letter split into
-- several, a disputed answer followed up), recorded decisions, extension
-- requests, coordinating units' contributions, and answer drafts with
-- their approval. Same shape as ../postgres/00006_workflow.sql; see there for the reasons.

-- +goose Up

-- Classification (phân loại; TT 05/2021/TT-TTCP). NULL eligible and
-- within_competence mean "not classified yet". complexity_criteria lists
-- the letters of NĐ 124/2020 Art. 3a (as added by NĐ 155/2026) that apply,
-- comma-separated (a,b,c,d,dd,e,g); complexity_ref is the written record
-- of that classification the law asks for.
ALTER TABLE cases ADD COLUMN eligible BOOLEAN;
ALTER TABLE cases ADD COLUMN ineligible_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN ineligible_note TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN within_competence BOOLEAN;
ALTER TABLE cases ADD COLUMN many_senders BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE cases ADD COLUMN complaint_round INTEGER NOT NULL DEFAULT 1 CHECK (complaint_round IN (1, 2));
ALTER TABLE cases ADD COLUMN complexity TEXT NOT NULL DEFAULT 'none' CHECK (complexity IN ('none', 'complex', 'especially'));
ALTER TABLE cases ADD COLUMN complexity_criteria TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN complexity_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN remote_area BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE cases ADD COLUMN classified_at DATETIME;
-- The acceptance decision (quyết định thụ lý); accepted_at is its time.
ALTER TABLE cases ADD COLUMN accept_decision_no TEXT NOT NULL DEFAULT '';
-- What the citizen is told with an outcome: the competent body a case was
-- forwarded to, where they were guided, why the case is not eligible.
ALTER TABLE cases ADD COLUMN outcome_note TEXT NOT NULL DEFAULT '';
-- A denunciation withdrawn but resolved anyway (NĐ 156/2026 Art. 1), or a
-- complaint withdrawn by some of its many complainants (NĐ 155/2026 Art. 7a).
ALTER TABLE cases ADD COLUMN withdrawal_continues BOOLEAN NOT NULL DEFAULT FALSE;
-- Who typed the case in (an account label); '' for the citizen's own form.
ALTER TABLE cases ADD COLUMN registered_by TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_topic ON cases (topic_id);
CREATE INDEX cases_kind_status ON cases (kind, status);

-- A case made from another: one part of a mixed letter (Luật Tiếp công
-- dân Art. 25(3)), or the follow-up of a disputed answer, which runs on
-- its own clock while the first answer's on-time fact stays as it was.
CREATE TABLE case_links (
    case_id     INTEGER PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    parent_id   INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    relation    TEXT NOT NULL CHECK (relation IN ('split', 'follow_up')),
    created_at  DATETIME NOT NULL
);
CREATE INDEX case_links_parent ON case_links (parent_id);

-- Recorded decisions: acceptance, forwarding, extension, suspension,
-- resumption, withdrawal, termination, closing... with the number and date
-- of the written decision where there is one. detail is JSON.
CREATE TABLE case_decisions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id      INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    decision_no  TEXT NOT NULL DEFAULT '',
    decided_at   DATETIME NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT '{}',
    actor_id     INTEGER,
    actor_label  TEXT NOT NULL,
    created_at   DATETIME NOT NULL
);
CREATE INDEX case_decisions_case ON case_decisions (case_id, id);

-- Extensions asked for and decided. A unit officer's request waits
-- (pending) for the person who may decide it; one pending request per case.
CREATE TABLE case_extensions (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id             INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    clock_id            INTEGER NOT NULL REFERENCES case_clocks (id) ON DELETE CASCADE,
    state               TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'refused')),
    days                INTEGER NOT NULL DEFAULT 0,
    complexity          TEXT NOT NULL DEFAULT '',
    criteria            TEXT NOT NULL DEFAULT '',
    document_ref        TEXT NOT NULL DEFAULT '',
    reason              TEXT NOT NULL,
    decision_no         TEXT NOT NULL DEFAULT '',
    requested_by        INTEGER,
    requested_by_label  TEXT NOT NULL,
    requested_at        DATETIME NOT NULL,
    decided_by          INTEGER,
    decided_by_label    TEXT NOT NULL DEFAULT '',
    decided_at          DATETIME,
    due_before          DATETIME,
    due_after           DATETIME
);
CREATE INDEX case_extensions_case ON case_extensions (case_id, id);
CREATE UNIQUE INDEX case_extensions_one_pending ON case_extensions (case_id) WHERE state = 'pending';

-- A coordinating unit's part (ý kiến phối hợp), which the lead unit reads.
CREATE TABLE case_contributions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id       INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    unit_id       INTEGER NOT NULL REFERENCES units (id),
    clock_id      INTEGER REFERENCES case_clocks (id) ON DELETE SET NULL,
    body          TEXT NOT NULL,
    author_id     INTEGER,
    author_label  TEXT NOT NULL,
    created_at    DATETIME NOT NULL
);
CREATE INDEX case_contributions_case ON case_contributions (case_id, id);

-- Answers are drafted by the lead unit and approved by its head, which
-- publishes them (published_at, the answer time of the KPIs). An answer
-- with published_at NULL is a draft; a newer draft supersedes older ones.
-- No REFERENCES here: SQLite cannot drop a column that has one.
ALTER TABLE answers ADD COLUMN unit_id INTEGER;
ALTER TABLE answers ADD COLUMN letter_no TEXT NOT NULL DEFAULT '';
ALTER TABLE answers ADD COLUMN letter_date TEXT NOT NULL DEFAULT '';
ALTER TABLE answers ADD COLUMN drafted_by INTEGER;
ALTER TABLE answers ADD COLUMN drafted_by_label TEXT NOT NULL DEFAULT '';
ALTER TABLE answers ADD COLUMN approved_by INTEGER;
ALTER TABLE answers ADD COLUMN approved_by_label TEXT NOT NULL DEFAULT '';
ALTER TABLE answers ADD COLUMN superseded_at DATETIME;

-- The new due time an "extended" event tells the citizen.
ALTER TABLE case_events ADD COLUMN due_at DATETIME;

-- Cases received before this migration ran have a due time but no clock:
-- give each open one the clock of its first step, so the overdue sweep and
-- the workflow see them.
INSERT INTO case_clocks (case_id, kind, rule_id, unit_id, started_at, due_at, state, explanation_vi, explanation_en, created_at, updated_at)
SELECT c.id,
       CASE c.due_rule WHEN 'complaint.accept' THEN 'accept' WHEN 'denunciation.initial' THEN 'process' ELSE 'answer' END,
       c.due_rule, c.lead_unit_id, c.received_at, c.due_at, 'open', c.due_explanation_vi, c.due_explanation_en, c.received_at, c.received_at
FROM cases c
WHERE c.status = 'received' AND c.due_at IS NOT NULL AND c.due_rule <> ''
  AND NOT EXISTS (SELECT 1 FROM case_clocks k WHERE k.case_id = c.id);

-- +goose Down
ALTER TABLE case_events DROP COLUMN due_at;
ALTER TABLE answers DROP COLUMN superseded_at;
ALTER TABLE answers DROP COLUMN approved_by_label;
ALTER TABLE answers DROP COLUMN approved_by;
ALTER TABLE answers DROP COLUMN drafted_by_label;
ALTER TABLE answers DROP COLUMN drafted_by;
ALTER TABLE answers DROP COLUMN letter_date;
ALTER TABLE answers DROP COLUMN letter_no;
ALTER TABLE answers DROP COLUMN unit_id;
DROP TABLE case_contributions;
DROP TABLE case_extensions;
DROP TABLE case_decisions;
DROP TABLE case_links;
DROP INDEX cases_kind_status;
DROP INDEX cases_topic;
ALTER TABLE cases DROP COLUMN registered_by;
ALTER TABLE cases DROP COLUMN withdrawal_continues;
ALTER TABLE cases DROP COLUMN outcome_note;
ALTER TABLE cases DROP COLUMN accept_decision_no;
ALTER TABLE cases DROP COLUMN classified_at;
ALTER TABLE cases DROP COLUMN remote_area;
ALTER TABLE cases DROP COLUMN complexity_ref;
ALTER TABLE cases DROP COLUMN complexity_criteria;
ALTER TABLE cases DROP COLUMN complexity;
ALTER TABLE cases DROP COLUMN complaint_round;
ALTER TABLE cases DROP COLUMN many_senders;
ALTER TABLE cases DROP COLUMN within_competence;
ALTER TABLE cases DROP COLUMN ineligible_note;
ALTER TABLE cases DROP COLUMN ineligible_reason;
ALTER TABLE cases DROP COLUMN eligible;
