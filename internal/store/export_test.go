package store

import (
	"context"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/report"
)

// BareCounts exposes the report's floor query to the benchmark.
func (s *ReportStore) BareCounts(ctx context.Context, spec report.Spec) (map[string]int64, error) {
	return s.bareCounts(ctx, spec)
}

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
	return db.Tx(ctx, func(tx *gorm.DB) error {
		if err := sealIdentities(tx, ids); err != nil {
			return err
		}
		return indexSearch(tx, ids)
	})
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

// TrackScan reads query's one row twice, into the types trackPG reads
// (kinds names them a column each: i an integer, t a text, T an instant,
// a a text array): decoded from binary by scanBinary, and by pgx's own
// Scan. Instants are in UTC in both.
func TrackScan(ctx context.Context, db *DB, query, kinds string) (decoded, scanned []any, err error) {
	fresh := func() []any {
		out := make([]any, 0, len(kinds))
		for _, k := range kinds {
			switch k {
			case 'i':
				out = append(out, &pgtype.Int8{})
			case 't':
				out = append(out, &pgtype.Text{})
			case 'T':
				out = append(out, &pgtype.Timestamptz{})
			case 'a':
				out = append(out, &pgtype.Array[pgtype.Text]{})
			}
		}
		return out
	}
	utc := func(vs []any) []any {
		for _, v := range vs {
			if t, ok := v.(*pgtype.Timestamptz); ok && t.Valid {
				t.Time = t.Time.UTC()
			}
		}
		return vs
	}
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		c := dc.(*stdlib.Conn).Conn()
		decoded = fresh()
		if err := scanOneRow(ctx, c, query, nil, decoded); err != nil {
			return err
		}
		scanned = fresh()
		return c.QueryRow(ctx, query).Scan(scanned...)
	})
	return utc(decoded), utc(scanned), err
}
