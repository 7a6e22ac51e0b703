// Package audit owns the append-only audit trail (table audit_log) and the
// identity access log (table identity_access_log): the rows, how they are
// appended inside the caller's transaction, and who may read them.
//
// It writes through gorm on purpose: an audit row must commit or roll back
// with the change it describes, so [Record] takes the caller's transaction
// rather than opening its own. Nothing in phucdap updates or deletes these
// rows; the database refuses it too (a trigger on each table, on Postgres
// and SQLite, see migration 00004).
//
// Never put a password, a token, or a denouncer's identity in Before or
// After: the trail is read by auditors, who may not see identities.
package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

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

type row struct {
	ID         int64 `gorm:"primaryKey"`
	At         time.Time
	ActorID    *int64
	ActorLabel string
	Action     string
	Entity     string
	EntityID   string
	BeforeJSON *string `gorm:"column:before_json"`
	AfterJSON  *string `gorm:"column:after_json"`
	RequestID  string
}

func (row) TableName() string { return "audit_log" }

// Record appends e in tx, the transaction of the change it describes.
func Record(ctx context.Context, tx *gorm.DB, e Entry) error {
	if e.At.IsZero() || e.Action == "" || e.Entity == "" {
		return errors.New("audit: an entry needs a time, an action and an entity")
	}
	if e.RequestID == "" {
		e.RequestID = platform.RequestID(ctx)
	}
	if e.ActorLabel == "" {
		e.ActorLabel = "system"
	}
	r := row{At: e.At.UTC(), ActorID: e.ActorID, ActorLabel: e.ActorLabel, Action: e.Action,
		Entity: e.Entity, EntityID: e.EntityID, RequestID: e.RequestID}
	var err error
	if r.BeforeJSON, err = marshal(e.Before); err != nil {
		return err
	}
	if r.AfterJSON, err = marshal(e.After); err != nil {
		return err
	}
	if err := tx.WithContext(ctx).Create(&r).Error; err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

func marshal(v any) (*string, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit: marshal: %w", err)
	}
	s := string(b)
	if s == "null" {
		return nil, nil
	}
	return &s, nil
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

type accessRow struct {
	ID         int64 `gorm:"primaryKey"`
	At         time.Time
	AccountID  int64
	ActorLabel string
	CaseID     int64
	Reason     string
	RequestID  string
}

func (accessRow) TableName() string { return "identity_access_log" }

// LogIdentityAccess appends a row to the identity access log in tx. The
// caller reads the identity in the same transaction, so a read without its
// log row cannot happen.
func LogIdentityAccess(ctx context.Context, tx *gorm.DB, a IdentityAccess) error {
	a.Reason = strings.TrimSpace(a.Reason)
	if a.At.IsZero() || a.AccountID == 0 || a.CaseID == 0 || a.Reason == "" {
		return errors.New("audit: an identity access needs a time, an account, a case and a reason")
	}
	if a.RequestID == "" {
		a.RequestID = platform.RequestID(ctx)
	}
	r := accessRow{At: a.At.UTC(), AccountID: a.AccountID, ActorLabel: a.ActorLabel, CaseID: a.CaseID, Reason: a.Reason, RequestID: a.RequestID}
	if err := tx.WithContext(ctx).Create(&r).Error; err != nil {
		return fmt.Errorf("identity access log: %w", err)
	}
	return nil
}
