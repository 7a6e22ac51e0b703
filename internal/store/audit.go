package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/audit"
)

type auditRow struct {
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

func (auditRow) TableName() string { return "audit_log" }

// recordAudit appends e in tx, the transaction of the change it describes,
// so that the row commits or rolls back with that change.
func recordAudit(ctx context.Context, tx *gorm.DB, e audit.Entry) error {
	e, err := e.Complete(ctx)
	if err != nil {
		return err
	}
	r := auditRow{At: e.At, ActorID: e.ActorID, ActorLabel: e.ActorLabel, Action: e.Action,
		Entity: e.Entity, EntityID: e.EntityID, RequestID: e.RequestID}
	if r.BeforeJSON, err = auditJSON(e.Before); err != nil {
		return err
	}
	if r.AfterJSON, err = auditJSON(e.After); err != nil {
		return err
	}
	if err := tx.WithContext(ctx).Create(&r).Error; err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// auditJSON marshals a before or after value; nil (or JSON null) stores
// NULL.
func auditJSON(v any) (*string, error) {
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

type identityAccessRow struct {
	ID         int64 `gorm:"primaryKey"`
	At         time.Time
	AccountID  int64
	ActorLabel string
	CaseID     int64
	Reason     string
	RequestID  string
}

func (identityAccessRow) TableName() string { return "identity_access_log" }

// logIdentityAccess appends a row to the identity access log in tx. The
// caller reads the identity in the same transaction, so a read without its
// log row cannot happen.
func logIdentityAccess(ctx context.Context, tx *gorm.DB, a audit.IdentityAccess) error {
	a, err := a.Complete(ctx)
	if err != nil {
		return err
	}
	r := identityAccessRow{At: a.At, AccountID: a.AccountID, ActorLabel: a.ActorLabel, CaseID: a.CaseID, Reason: a.Reason, RequestID: a.RequestID}
	if err := tx.WithContext(ctx).Create(&r).Error; err != nil {
		return fmt.Errorf("identity access log: %w", err)
	}
	return nil
}

func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}

func filterLog(q *gorm.DB, f audit.Filter, actorCol string) *gorm.DB {
	if f.Actor != "" {
		if id, err := strconv.ParseInt(f.Actor, 10, 64); err == nil {
			q = q.Where(actorCol+" = ?", id)
		} else {
			q = q.Where(`LOWER(actor_label) LIKE ? ESCAPE '\'`, likeEscape(f.Actor))
		}
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To.UTC())
	}
	if f.BeforeID > 0 {
		q = q.Where("id < ?", f.BeforeID)
	}
	return q
}

// pageLog is one page of a log, newest first.
func pageLog(q *gorm.DB, f audit.Filter) *gorm.DB {
	q = q.Order("id DESC").Limit(f.Limit)
	if f.Offset > 0 {
		q = q.Offset(f.Offset)
	}
	return q
}

// auditWhere is the audit trail narrowed by f, unordered and unpaged.
func (s *AuditStore) auditWhere(ctx context.Context, f audit.Filter) *gorm.DB {
	q := s.db.Gorm.WithContext(ctx).Table("audit_log")
	if f.Action != "" {
		// "account" matches every account.* action.
		if strings.Contains(f.Action, ".") {
			q = q.Where("action = ?", f.Action)
		} else {
			q = q.Where("action LIKE ? ESCAPE '\\'", strings.ReplaceAll(f.Action, "_", `\_`)+".%")
		}
	}
	if f.Entity != "" {
		q = q.Where("entity = ?", f.Entity)
	}
	if f.EntityID != "" {
		q = q.Where("entity_id = ?", f.EntityID)
	}
	return filterLog(q, f, "actor_id")
}

// CountAudit implements audit.Reader: the rows ListAudit pages over.
func (s *AuditStore) CountAudit(ctx context.Context, f audit.Filter) (int64, error) {
	var n int64
	if err := s.auditWhere(ctx, f).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count audit: %w", err)
	}
	return n, nil
}

// accessWhere is the identity access log narrowed by f, unordered and
// unpaged.
func (s *AuditStore) accessWhere(ctx context.Context, f audit.Filter) *gorm.DB {
	q := s.db.Gorm.WithContext(ctx).Table("identity_access_log")
	if f.EntityID != "" {
		q = q.Where("case_id = ?", f.EntityID)
	}
	return filterLog(q, f, "account_id")
}

// CountIdentityAccess implements audit.Reader: the rows
// ListIdentityAccess pages over.
func (s *AuditStore) CountIdentityAccess(ctx context.Context, f audit.Filter) (int64, error) {
	var n int64
	if err := s.accessWhere(ctx, f).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count identity access: %w", err)
	}
	return n, nil
}

// ListAudit implements audit.Reader.
func (s *AuditStore) ListAudit(ctx context.Context, f audit.Filter) ([]audit.Row, error) {
	var rows []struct {
		ID         int64
		At         time.Time
		ActorID    *int64
		ActorLabel string
		Action     string
		Entity     string
		EntityID   string
		BeforeJSON *string
		AfterJSON  *string
		RequestID  string
	}
	if err := pageLog(s.auditWhere(ctx, f), f).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]audit.Row, 0, len(rows))
	for _, r := range rows {
		row := audit.Row{ID: r.ID, At: r.At.UTC(), ActorID: r.ActorID, ActorLabel: r.ActorLabel, Action: r.Action,
			Entity: r.Entity, EntityID: r.EntityID, RequestID: r.RequestID}
		if r.BeforeJSON != nil {
			row.Before = json.RawMessage(*r.BeforeJSON)
		}
		if r.AfterJSON != nil {
			row.After = json.RawMessage(*r.AfterJSON)
		}
		out = append(out, row)
	}
	return out, nil
}

// ListIdentityAccess implements audit.Reader.
func (s *AuditStore) ListIdentityAccess(ctx context.Context, f audit.Filter) ([]audit.IdentityAccess, error) {
	var rows []struct {
		ID         int64
		At         time.Time
		AccountID  int64
		ActorLabel string
		CaseID     int64
		Reason     string
		RequestID  string
	}
	if err := pageLog(s.accessWhere(ctx, f), f).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]audit.IdentityAccess, 0, len(rows))
	for _, r := range rows {
		out = append(out, audit.IdentityAccess{At: r.At.UTC(), AccountID: r.AccountID, ActorLabel: r.ActorLabel,
			CaseID: r.CaseID, Reason: r.Reason, RequestID: r.RequestID})
	}
	return out, nil
}
