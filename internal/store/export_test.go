package store

import (
	"context"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/report"
)

// RecordAudit exposes the audit writer to the append-only test.
func RecordAudit(ctx context.Context, tx *gorm.DB, e audit.Entry) error {
	return recordAudit(ctx, tx, e)
}

// LogIdentityAccess exposes the identity access writer to the append-only
// test.
func LogIdentityAccess(ctx context.Context, tx *gorm.DB, a audit.IdentityAccess) error {
	return logIdentityAccess(ctx, tx, a)
}

// Reindex derives the search rows of ids again from the stored case, and
// seals them as a kind change would, for the test that intake writes the
// same rows and seal with the case.
func Reindex(ctx context.Context, db *DB, ids []int64) error {
	return db.Tx(ctx, func(tx *gorm.DB) error { return ReindexTx(tx, ids) })
}

// ReindexTx is Reindex in tx, for the test of a seal written while the
// search-index job rewrites the case's row.
func ReindexTx(tx *gorm.DB, ids []int64) error {
	if err := sealIdentities(tx, ids); err != nil {
		return err
	}
	return indexSearch(tx, ids)
}

// WithPageSize is the store reading n rows per statement of EachCase, for
// the test that a page's cut loses no row.
func (s *ReportStore) WithPageSize(n int) *ReportStore {
	c := *s
	c.pageSize = n
	return &c
}

// ListStatement is the statement of a page of the staff list (ListCases
// without a search), with its arguments, for the test that an index holds
// the list's order.
func (s *CaseAccessStore) ListStatement(ctx context.Context, f access.CaseFilter, cq access.CaseQuery) (string, []any, error) {
	q, order, err := s.listQuery(ctx, f, cq, caseRefColumns(s.db.Dialect), cq.Limit)
	if err != nil {
		return "", nil, err
	}
	var rows []caseRefRow
	st := q.Session(&gorm.Session{DryRun: true}).Order(order).Limit(cq.Limit).Scan(&rows).Statement
	return st.SQL.String(), st.Vars, nil
}

// CountStatement is the statement CountCases runs, for the test that a
// count does not order what it counts.
func (s *CaseAccessStore) CountStatement(ctx context.Context, f access.CaseFilter, cq access.CaseQuery) (string, error) {
	q, err := s.countQuery(ctx, f, cq)
	if err != nil {
		return "", err
	}
	var n int64
	return q.Session(&gorm.Session{DryRun: true}).Scan(&n).Statement.SQL.String(), nil
}

// FigureColumn is one count column of the reports and the report.Counts
// field it is read into (figureCols).
type FigureColumn struct {
	Col   string
	Field func(*report.Counts) *int64
}

// FigureColumns exposes figureCols to the month-by-unit bench's floor.
func FigureColumns() []FigureColumn {
	out := make([]FigureColumn, len(figureCols))
	for i, f := range figureCols {
		out[i] = FigureColumn{Col: f.name, Field: f.field}
	}
	return out
}
