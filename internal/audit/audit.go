// Package audit owns the vocabulary of the append-only audit trail and of
// the identity access log: what an entry is ([Entry], [IdentityAccess]),
// what it must hold before it is stored ([Entry.Complete],
// [IdentityAccess.Complete]), how a stored entry reads back ([Row]), and
// who may read the two logs ([Trail]).
//
// The store writes the rows: an audit row must commit or roll back with the
// change it describes, so it is appended inside the transaction of that
// change, never on its own. Nothing in phucdap updates or deletes these
// rows; the database refuses it too (a trigger on each table, on Postgres
// and SQLite, see migration 00004).
//
// Never put a password, a token, or a denouncer's identity in Before or
// After: the trail is read by auditors, who may not see identities.
package audit

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/phucdap/phucdap/internal/platform"
)

// Entry is one change to record.
type Entry struct {
	At time.Time
	// ActorID is the account that acted; nil for the CLI or the system.
	ActorID    *int64
	ActorLabel string
	// Action is a dotted verb, e.g. "account.create", "case.assign".
	Action string
	// Entity and EntityID name what changed, e.g. "account", "42".
	Entity   string
	EntityID string
	// Before and After are marshalled to JSON; nil stores NULL.
	Before any
	After  any
	// RequestID defaults to the request id carried by ctx.
	RequestID string
}

// ErrIncomplete is returned for an entry that lacks what every stored entry
// must hold.
var ErrIncomplete = errors.New("audit: incomplete entry")

// Complete checks that e has a time, an action and an entity, and fills the
// defaults: the request id carried by ctx, and the actor label "system"
// when no one is named.
func (e Entry) Complete(ctx context.Context) (Entry, error) {
	if e.At.IsZero() || e.Action == "" || e.Entity == "" {
		return e, errors.Join(ErrIncomplete, errors.New("an entry needs a time, an action and an entity"))
	}
	if e.RequestID == "" {
		e.RequestID = platform.RequestID(ctx)
	}
	if e.ActorLabel == "" {
		e.ActorLabel = "system"
	}
	e.At = e.At.UTC()
	return e, nil
}

// IdentityAccess is one read of a denouncer's identity.
type IdentityAccess struct {
	At         time.Time
	AccountID  int64
	ActorLabel string
	CaseID     int64
	// Reason is required: why this person needed the identity.
	Reason    string
	RequestID string
}

// Complete checks that a names a time, an account, a case and a reason
// (trimmed), and fills the request id carried by ctx.
func (a IdentityAccess) Complete(ctx context.Context) (IdentityAccess, error) {
	a.Reason = strings.TrimSpace(a.Reason)
	if a.At.IsZero() || a.AccountID == 0 || a.CaseID == 0 || a.Reason == "" {
		return a, errors.Join(ErrIncomplete, errors.New("an identity access needs a time, an account, a case and a reason"))
	}
	if a.RequestID == "" {
		a.RequestID = platform.RequestID(ctx)
	}
	a.At = a.At.UTC()
	return a, nil
}
