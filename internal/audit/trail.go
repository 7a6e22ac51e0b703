package audit

import (
	"context"
	"encoding/json"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/fault"
)

// Row is a stored audit entry as read back.
type Row struct {
	ID         int64
	At         time.Time
	ActorID    *int64
	ActorLabel string
	Action     string
	Entity     string
	EntityID   string
	Before     json.RawMessage
	After      json.RawMessage
	RequestID  string
}

// Filter narrows a listing. Zero fields do not filter. Actor matches the
// account id exactly when it is a number, else a part of the label.
type Filter struct {
	Actor    string
	Action   string
	Entity   string
	EntityID string
	From     time.Time // inclusive
	To       time.Time // exclusive
	// BeforeID pages backwards: only rows with a smaller id.
	BeforeID int64
	Limit    int
}

// MaxLimit bounds one page.
const MaxLimit = 500

// Reader reads the two logs; the store implements it.
type Reader interface {
	ListAudit(ctx context.Context, f Filter) ([]Row, error)
	ListIdentityAccess(ctx context.Context, f Filter) ([]IdentityAccess, error)
}

// Trail is the read side, with its permissions.
type Trail struct{ r Reader }

// NewTrail returns the read side over r.
func NewTrail(r Reader) *Trail { return &Trail{r: r} }

var errForbidden = fault.New(fault.Forbidden, "error.forbidden")

func (f Filter) clamp() Filter {
	if f.Limit <= 0 || f.Limit > MaxLimit {
		f.Limit = 100
	}
	return f
}

// List returns audit rows, newest first, for an auditor or an admin.
func (t *Trail) List(ctx context.Context, by access.Actor, f Filter) ([]Row, error) {
	if !access.Can(by, access.ActAuditRead, nil) {
		return nil, errForbidden
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return nil, fault.FieldError("from", "audit.bad_range", nil)
	}
	return t.r.ListAudit(ctx, f.clamp())
}

// AccessLog returns identity reads, newest first, for an auditor.
func (t *Trail) AccessLog(ctx context.Context, by access.Actor, f Filter) ([]IdentityAccess, error) {
	if !access.Can(by, access.ActAccessLogRead, nil) {
		return nil, errForbidden
	}
	return t.r.ListIdentityAccess(ctx, f.clamp())
}
