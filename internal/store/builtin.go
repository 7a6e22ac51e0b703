package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/petition"
)

// The subjects of builtin_defaults: what a release ships as a default and
// an existing database keeps until someone reviews a correction.
const (
	builtinCalendar = "calendar" // item: the year
	builtinRule     = "rule"     // item: deadline.RuleKey
)

// Where a stored rule version came from.
const (
	ruleBuiltin = "builtin"
	ruleAdmin   = "admin"
)

// recordBuiltin notes that the stored item was built from, or reviewed
// against, the built-in with fingerprint fp.
func recordBuiltin(tx *gorm.DB, subject, item, fp, by string, now time.Time) error {
	if err := tx.Exec("INSERT INTO builtin_defaults (subject, item, fingerprint, reviewed_by, reviewed_at) VALUES (?, ?, ?, ?, ?) "+
		"ON CONFLICT (subject, item) DO UPDATE SET fingerprint = excluded.fingerprint, reviewed_by = excluded.reviewed_by, reviewed_at = excluded.reviewed_at",
		subject, item, fp, by, now.UTC()).Error; err != nil {
		return fmt.Errorf("record built-in %s %s: %w", subject, item, err)
	}
	return nil
}

// builtinBase is the fingerprint of the built-in the stored item was last
// built from or reviewed against; found is false when none is recorded.
func builtinBase(tx *gorm.DB, subject, item string) (fp string, found bool, err error) {
	var fps []string
	if err := tx.Raw("SELECT fingerprint FROM builtin_defaults WHERE subject = ? AND item = ?", subject, item).Scan(&fps).Error; err != nil {
		return "", false, err
	}
	if len(fps) == 0 {
		return "", false, nil
	}
	return fps[0], true, nil
}

// storedRules is every stored rule version and every built-in base of a
// rule, by deadline.RuleKey, read in two queries: the checks of every
// start-up (ensureBuiltinRules, builtinRuleChanges) read them for each
// built-in rule, two queries apiece, on every replica and in every test.
type storedRules struct {
	versions map[string]ruleRow
	bases    map[string]string
}

func loadStoredRules(tx *gorm.DB) (storedRules, error) {
	out := storedRules{versions: map[string]ruleRow{}, bases: map[string]string{}}
	var rows []ruleRow
	if err := tx.Find(&rows).Error; err != nil {
		return out, err
	}
	for _, r := range rows {
		out.versions[r.RuleID+"@"+r.EffectiveFrom] = r
	}
	var bases []struct{ Item, Fingerprint string }
	if err := tx.Raw("SELECT item, fingerprint FROM builtin_defaults WHERE subject = ?", builtinRule).Scan(&bases).Error; err != nil {
		return out, err
	}
	for _, b := range bases {
		out.bases[b.Item] = b.Fingerprint
	}
	return out, nil
}

// ensureBuiltinRules stores the built-in rule versions not stored yet and
// records the built-in each came from. A version stored before rules were
// versioned gets its base once: the built-in's fingerprint when the
// stored version says the same, else ” (unknown), so the difference is
// offered for review. It never changes a stored version.
func ensureBuiltinRules(tx *gorm.DB, rules []deadline.Rule, now time.Time) (added int, err error) {
	stored, err := loadStoredRules(tx)
	if err != nil {
		return 0, err
	}
	for _, r := range rules {
		key, fp := r.Key(), r.Fingerprint()
		row, ok := stored.versions[key]
		if !ok {
			body, err := json.Marshal(r)
			if err != nil {
				return added, err
			}
			row = ruleRow{RuleID: r.ID, EffectiveFrom: r.EffectiveFrom.String(), Body: string(body), Origin: ruleBuiltin, UpdatedAt: now}
			if err := tx.Create(&row).Error; err != nil {
				return added, fmt.Errorf("store rule %s: %w", key, err)
			}
			if err := recordBuiltin(tx, builtinRule, key, fp, "built-in", now); err != nil {
				return added, err
			}
			stored.versions[key], stored.bases[key] = row, fp
			added++
			continue
		}
		if row.Origin != ruleBuiltin {
			continue
		}
		if _, found := stored.bases[key]; found {
			continue
		}
		base := ""
		if have, err := row.rule(); err == nil && have.Fingerprint() == fp {
			base = fp
		}
		if err := recordBuiltin(tx, builtinRule, key, base, "built-in", now); err != nil {
			return added, err
		}
		stored.bases[key] = base
	}
	return added, nil
}

func (r ruleRow) rule() (deadline.Rule, error) {
	var rule deadline.Rule
	if err := json.Unmarshal([]byte(r.Body), &rule); err != nil {
		return rule, fmt.Errorf("rule %s from %s: %w", r.RuleID, r.EffectiveFrom, err)
	}
	return rule, nil
}

// BuiltinRuleChanges returns the built-in rule versions this release
// corrects since the stored versions were built from or reviewed against
// them, with what accepting each would change. Versions an admin added are
// never offered.
func (s *DeadlineStore) BuiltinRuleChanges(ctx context.Context) ([]deadline.RuleChange, error) {
	return builtinRuleChanges(s.db.Gorm.WithContext(ctx), deadline.DefaultRules())
}

func builtinRuleChanges(tx *gorm.DB, builtin []deadline.Rule) ([]deadline.RuleChange, error) {
	stored, err := loadStoredRules(tx)
	if err != nil {
		return nil, err
	}
	var out []deadline.RuleChange
	for _, b := range builtin {
		key := b.Key()
		base, found := stored.bases[key]
		if !found || base == b.Fingerprint() {
			continue
		}
		row, ok := stored.versions[key]
		if !ok || row.Origin != ruleBuiltin {
			continue
		}
		have, err := row.rule()
		if err != nil {
			return nil, err
		}
		out = append(out, deadline.RuleChange{Stored: have, Builtin: b, Edited: have.Fingerprint() != base,
			Fields: deadline.DiffRules(have, b)})
	}
	return out, nil
}

// ResolveBuiltinRule settles the offered corrections of a built-in rule:
// item is a rule id (every offered version of it) or one version,
// "id@YYYY-MM-DD". accept replaces the stored version by the built-in
// (audited, and the open clocks recomputed); otherwise the stored version
// is kept and the built-in marked reviewed (audited). Either way it is not
// offered again until a release changes it once more. It returns the
// versions settled, and a fault wrapping deadline.ErrInvalidRequest when
// none is offered.
func (s *DeadlineStore) ResolveBuiltinRule(ctx context.Context, item string, accept bool, by deadline.Editor, now time.Time) ([]deadline.RuleChange, error) {
	var done []deadline.RuleChange
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		changes, err := builtinRuleChanges(tx, deadline.DefaultRules())
		if err != nil {
			return err
		}
		done = nil
		for _, c := range changes {
			if c.Builtin.ID != item && c.Builtin.Key() != item {
				continue
			}
			key := c.Builtin.Key()
			e := audit.Entry{At: now, ActorID: by.AccountID, ActorLabel: by.Label, Action: "deadline.rule.builtin.keep",
				Entity: "deadline_rule", EntityID: key, Before: c.Stored}
			if accept {
				body, err := json.Marshal(c.Builtin)
				if err != nil {
					return err
				}
				if err := tx.Model(&ruleRow{}).Where("rule_id = ? AND effective_from = ? AND origin = ?", c.Builtin.ID, c.Builtin.EffectiveFrom.String(), ruleBuiltin).
					Updates(map[string]any{"body": string(body), "updated_at": now.UTC()}).Error; err != nil {
					return fmt.Errorf("accept built-in rule %s: %w", key, err)
				}
				e.Action, e.After = "deadline.rule.builtin.accept", c.Builtin
			}
			if err := recordAudit(ctx, tx, e); err != nil {
				return err
			}
			if err := recordBuiltin(tx, builtinRule, key, c.Builtin.Fingerprint(), by.Label, now); err != nil {
				return err
			}
			done = append(done, c)
		}
		if len(done) == 0 {
			return fault.New(fault.Invalid, "rules.builtin_none").
				Wrap(fmt.Errorf("%w: no built-in correction of %q is offered", deadline.ErrInvalidRequest, item))
		}
		if !accept {
			return nil
		}
		var keys []string
		for _, c := range done {
			keys = append(keys, c.Builtin.ID)
		}
		return RequestRecompute(tx, petition.RecomputeReason("rule_builtin", by.Label, strings.Join(keys, ",")),
			by.Label, now)
	})
	return done, err
}
