package store

import (
	"context"

	"gorm.io/gorm"

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
