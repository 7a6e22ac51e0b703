-- Secrecy follows the case's history, not its current kind (issue 11): a
-- case received as a denunciation whose denouncer kept secrecy is sealed
-- for good. Reclassifying it, splitting it or following it up never
-- unseals it; the children of a sealed case are sealed. The store sets the
-- flag and never clears it; access reads it (access.CaseScope.Sealed).
-- Keep in step with ../sqlite/00009_identity_seal.sql.

-- +goose Up
ALTER TABLE cases ADD COLUMN identity_sealed BOOLEAN NOT NULL DEFAULT FALSE;

-- Existing cases: a denunciation now, or one that ever ran on a
-- denunciation's clock (reclassified since), unless the denouncer waived
-- secrecy; no identity row counts as secret, the safe side.
UPDATE cases SET identity_sealed = TRUE
 WHERE NOT EXISTS (SELECT 1 FROM case_identities i WHERE i.case_id = cases.id AND i.keep_secret = FALSE)
   AND (kind = 'to_cao' OR EXISTS (SELECT 1 FROM case_clocks k WHERE k.case_id = cases.id AND k.rule_id LIKE 'denunciation.%'));

-- Then every case made from a sealed one, at any depth.
UPDATE cases SET identity_sealed = TRUE
 WHERE id IN (WITH RECURSIVE sealed(id) AS (
                  SELECT id FROM cases WHERE identity_sealed = TRUE
                  UNION SELECT l.case_id FROM case_links l JOIN sealed s ON l.parent_id = s.id)
              SELECT id FROM sealed);

-- +goose Down
ALTER TABLE cases DROP COLUMN identity_sealed;
