package store

import (
	"context"

	"github.com/phucdap/phucdap/internal/report"
)

// BareCounts exposes the report's floor query to the benchmark.
func (s *ReportStore) BareCounts(ctx context.Context, spec report.Spec) (map[string]int64, error) {
	return s.bareCounts(ctx, spec)
}
