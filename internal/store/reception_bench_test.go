package store_test

import (
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/report"
	"github.com/phucdap/phucdap/internal/store"
)

// BenchmarkReportReceptionMonth measures what plan III.1's reception
// figures add to the dashboard: the month's department report narrowed to
// the cases reception sessions opened (report.ReceptionCond, an EXISTS on
// reception_sessions per row, and no rollup: a report with a condition
// reads the clocks), against the month-by-unit report the dashboard runs
// anyway, interleaved, on the seeded bench database (benchDB) where one
// case in 50 received in November was opened at a session.
//
//	PHUCDAP_BENCH_CASES=200000 go test ./internal/store -run '^$' -bench BenchmarkReportReceptionMonth -benchtime 1x -timeout 30m
func BenchmarkReportReceptionMonth(b *testing.B) {
	// One case in 50 received in November was opened at a session.
	ctx, _, _, svc := benchReports(b, func(db *store.DB) {
		if err := db.Gorm.Exec(`INSERT INTO reception_sessions (day, receiver, leadership, kind, sealed, outcome, case_id, created_at, created_by)
			SELECT to_char(c.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD'), 'Bench', c.seq % 3 = 0, c.kind, FALSE, 'accepted', c.id, c.received_at, 'bench'
			FROM cases c WHERE c.agency = 'BENCH' AND c.seq % 50 = 7 AND c.received_at >= ? AND c.received_at < ?
			AND NOT EXISTS (SELECT 1 FROM reception_sessions s WHERE s.case_id = c.id)`,
			time.Date(2026, 11, 1, 0, 0, 0, 0, hanoi).UTC(), time.Date(2026, 12, 1, 0, 0, 0, 0, hanoi).UTC()).Error; err != nil {
			b.Fatal(err)
		}
	})
	month := report.Period{From: calendar.NewDate(2026, 11, 1), To: calendar.NewDate(2026, 11, 30)}
	var opened, received int64
	reception := func() time.Duration {
		return timeReport(ctx, b, svc, report.Query{Period: month, Where: report.ReceptionCond()}, &opened)
	}
	byUnit := func() time.Duration {
		return timeReport(ctx, b, svc, report.Query{Period: month, By: report.ByUnit}, &received)
	}
	for range 2 {
		reception()
		byUnit()
	}
	rounds := benchRounds()
	var rec, unit, ratio []float64
	b.ResetTimer()
	for range b.N {
		for range rounds {
			r, u := reception(), byUnit()
			rec, unit, ratio = append(rec, ms(r)), append(unit, ms(u)), append(ratio, ms(r)/ms(u))
		}
	}
	b.StopTimer()
	b.ReportMetric(median(rec), "reception-ms")
	b.ReportMetric(median(unit), "by-unit-ms")
	b.ReportMetric(median(ratio), "ratio")
	b.Logf("November 2026: %d cases received, %d opened at reception. Medians of %d interleaved rounds: the reception cases' report %.1f ms, "+
		"the month-by-unit report %.1f ms (ratio %.2f)", received, opened, rounds, median(rec), median(unit), median(ratio))
}
