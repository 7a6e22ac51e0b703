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
	// Limit and Offset: the page, newest first. The logs are append-only
	// and read newest first, so a row written between two pages shifts
	// the next page onto a row already read, never past one unread.
	Limit  int
	Offset int
}

// MaxLimit bounds one page.
const MaxLimit = 500

// Reader reads the two logs; the store implements it.
type Reader interface {
	ListAudit(ctx context.Context, f Filter) ([]Row, error)
	ListIdentityAccess(ctx context.Context, f Filter) ([]IdentityAccess, error)
	// CountAudit and CountIdentityAccess count what the lists page over
	// (f's Limit and Offset aside).
	CountAudit(ctx context.Context, f Filter) (int64, error)
	CountIdentityAccess(ctx context.Context, f Filter) (int64, error)
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
	f.Offset = max(f.Offset, 0)
	return f
}

// page counts the rows a list pages over, unless the list is a first
// page that is not full, and so the whole list.
func page[T any](ctx context.Context, f Filter, rows []T, count func(context.Context, Filter) (int64, error)) ([]T, int64, error) {
	if f.Offset == 0 && len(rows) < f.Limit {
		return rows, int64(len(rows)), nil
	}
	n, err := count(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	return rows, n, nil
}

// Page is one page of List with the count of every row it pages over.
func (t *Trail) Page(ctx context.Context, by access.Actor, f Filter) ([]Row, int64, error) {
	f = f.clamp()
	rows, err := t.List(ctx, by, f)
	if err != nil {
		return nil, 0, err
	}
	return page(ctx, f, rows, t.r.CountAudit)
}

// AccessPage is one page of AccessLog with the count of every read it
// pages over.
func (t *Trail) AccessPage(ctx context.Context, by access.Actor, f Filter) ([]IdentityAccess, int64, error) {
	f = f.clamp()
	rows, err := t.AccessLog(ctx, by, f)
	if err != nil {
		return nil, 0, err
	}
	return page(ctx, f, rows, t.r.CountIdentityAccess)
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
