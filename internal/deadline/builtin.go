package deadline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
)

// Fingerprint identifies what a rule version says: every field of it, as
// stored. Versioned built-in rules record the fingerprint of the built-in
// version a stored rule was last built from or reviewed against, so a
// release that corrects a built-in rule is noticed and offered, never
// applied over the office's decision.
func (r Rule) Fingerprint() string {
	b, err := json.Marshal(r)
	if err != nil {
		// A Rule holds only strings, numbers, booleans and dates.
		panic(fmt.Sprintf("deadline: marshal rule %s: %v", r.ID, err))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Key names one version of a rule: its id and the first day it is in
// force, "complaint.resolve@2026-07-01".
func (r Rule) Key() string { return RuleKey(r.ID, r.EffectiveFrom) }

// RuleKey names the version of rule id in force from from.
func RuleKey(id string, from calendar.Date) string { return id + "@" + from.String() }

// BuiltinRule returns this release's built-in version of rule id in force
// from from, if there is one.
func BuiltinRule(id string, from calendar.Date) (Rule, bool) {
	for _, r := range DefaultRules() {
		if r.ID == id && r.EffectiveFrom == from {
			return r, true
		}
	}
	return Rule{}, false
}

// RuleChange is a built-in rule version this release corrects, as offered
// to a database whose stored version came from an older built-in.
type RuleChange struct {
	// Stored is the version in force in the database; Builtin is this
	// release's.
	Stored, Builtin Rule
	// Edited: the stored version is not the built-in it was last built
	// from or reviewed against (it was changed, or an older correction was
	// kept). Accepting replaces it all the same, so the page says so.
	Edited bool
	// Fields is what accepting changes, field by field.
	Fields []FieldChange
}

// FieldChange is one field of a rule that differs: its JSON name and both
// values as JSON ("" when absent).
type FieldChange struct {
	Field, Stored, Builtin string
}

// DiffRules is what changes, field by field, from stored to builtin.
func DiffRules(stored, builtin Rule) []FieldChange {
	a, b := fieldsOf(stored), fieldsOf(builtin)
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []FieldChange
	for _, k := range keys {
		if a[k] != b[k] {
			out = append(out, FieldChange{Field: k, Stored: a[k], Builtin: b[k]})
		}
	}
	return out
}

func fieldsOf(r Rule) map[string]string {
	b, _ := json.Marshal(r)
	var m map[string]json.RawMessage
	_ = json.Unmarshal(b, &m)
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = string(v)
	}
	return out
}

// BuiltinRuleStore keeps the versioned built-in rules: which corrections
// are offered, and the decision on each.
type BuiltinRuleStore interface {
	BuiltinRuleChanges(ctx context.Context) ([]RuleChange, error)
	// ResolveBuiltinRule accepts or keeps the offered corrections of item
	// (a rule id, or one version's Key), audited; accepting asks for the
	// open clocks to be recomputed. It fails with ErrInvalidRequest when
	// no correction of item is offered.
	ResolveBuiltinRule(ctx context.Context, item string, accept bool, by Editor, now time.Time) ([]RuleChange, error)
}

// ResolveBuiltinRule settles the offered corrections of a built-in rule
// and rebuilds the engine, so an accepted correction counts at once.
func (s *Service) ResolveBuiltinRule(ctx context.Context, store BuiltinRuleStore, item string, accept bool, by Editor) ([]RuleChange, error) {
	done, err := store.ResolveBuiltinRule(ctx, item, accept, by, s.now())
	if err != nil {
		return nil, err
	}
	return done, s.Reload(ctx)
}
