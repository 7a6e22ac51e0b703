package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/progress"
	"github.com/phucdap/phucdap/internal/report"
)

// rolledThrough is the rollup's watermark, zero when nothing is rolled.
func rolledThrough(tx *gorm.DB) (calendar.Date, error) {
	var through []string
	if err := tx.Raw("SELECT through FROM report_rollup WHERE id = 1").Scan(&through).Error; err != nil {
		return calendar.Date{}, err
	}
	if len(through) == 0 || through[0] == "" {
		return calendar.Date{}, nil
	}
	return calendar.ParseDate(through[0])
}

// rolledCols are the figures report_facts carries.
var rolledCols = map[string]bool{"on_time": true, "late": true, "extended": true, "extended_on_time": true, "contrib_on_time": true, "contrib_late": true}

// factSlice is the rolled-up slicing a report reads: by unit for the
// department and for time slices (every fact has exactly one unit key),
// by plan task for PAPI dimensions.
func factSlice(by report.By) string {
	switch by {
	case report.ByPlanTask, report.ByDimension:
		return "plan_task"
	case report.ByKind, report.ByChannel, report.ByTopic:
		return string(by)
	}
	return "unit"
}

// factSlices are the slicings the rollup writes.
var factSlices = []report.By{report.ByUnit, report.ByPlanTask, report.ByKind, report.ByChannel, report.ByTopic}

// countFacts writes the rolled-up days of each window, shaped like
// countSource's groups.
func countFacts(b *qb, by report.By) {
	zero := "0"
	if b.pg {
		zero = "CAST(0 AS BIGINT)"
	}
	key := "''"
	switch by {
	case report.ByUnit, report.ByPlanTask, report.ByKind, report.ByChannel, report.ByTopic:
		key = "f.slice_key"
	case report.ByDimension:
		key = asKey("pt.dimension_id")
	}
	b.w("SELECT w.wkey AS wkey, ", key, " AS k, f.rd AS rd, f.ad AS ad")
	for _, fc := range figureCols {
		col := fc.name
		if rolledCols[col] {
			b.w(", CAST(SUM(f.", col, ") AS BIGINT) AS ", col)
		} else {
			b.w(", ", zero, " AS ", col)
		}
	}
	b.w(", CAST(SUM(f.met) AS BIGINT) AS met FROM w JOIN report_facts f ON f.slice = '", factSlice(by), "' AND f.day >= w.wf AND f.day <= w.wr")
	if by == report.ByDimension {
		b.w(" LEFT JOIN plan_tasks pt ON CAST(pt.id AS TEXT) = f.slice_key")
	}
	b.w(" GROUP BY 1")
	if key != "''" {
		b.w(", ", key)
	}
	b.w(", 3, 4")
}

// Rollup implements report.Store. It holds the watermark row locked for
// its transaction, so two runs never roll the same day twice.
func (s *ReportStore) Rollup(ctx context.Context, through calendar.Date, loc *time.Location, now time.Time) (int, error) {
	_, o := now.In(loc).Zone()
	off := report.DayOffset(o)
	days := 0
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		days = 0
		if err := tx.Exec("INSERT INTO report_rollup (id, through, taken_at) VALUES (1, '', ?) ON CONFLICT (id) DO NOTHING", now.UTC()).Error; err != nil {
			return err
		}
		lock := "SELECT through FROM report_rollup WHERE id = 1"
		if s.db.Dialect == Postgres {
			lock += " FOR UPDATE"
		}
		var cur []string
		if err := tx.Raw(lock).Scan(&cur).Error; err != nil {
			return err
		}
		var from calendar.Date
		if len(cur) > 0 && cur[0] != "" {
			last, err := calendar.ParseDate(cur[0])
			if err != nil {
				return err
			}
			from = last.AddDays(1)
		} else {
			// First run: from the first answer ever met.
			var first anyTime
			if err := tx.Raw("SELECT min(closed_at) FROM case_clocks WHERE kind IN ('answer', 'contribution') AND state = 'met'").Row().Scan(&first); err != nil {
				return err
			}
			from = through.AddDays(1)
			if first.valid {
				from = calendar.DateOf(first.t, loc)
			}
		}
		if from.After(through) {
			if from == through.AddDays(1) && (len(cur) == 0 || cur[0] == "") {
				return tx.Exec("UPDATE report_rollup SET through = ?, taken_at = ? WHERE id = 1", through.String(), now.UTC()).Error
			}
			return nil
		}
		rp := progress.From(ctx)
		rp.Start(fmt.Sprintf("KPI rollup %s–%s", from, through), int64(len(factSlices)))
		defer rp.Done()
		for _, by := range factSlices {
			b := s.qb()
			b.w("INSERT INTO report_facts (day, slice, slice_key, rd, ad, met, on_time, late, extended, extended_on_time,",
				" contrib_on_time, contrib_late) SELECT ")
			b.dayText("k.closed_at", off)
			b.w(", '", string(by), "', ", keyExpr(by, rowClock), ", CASE WHEN k.kind = 'answer' THEN ")
			b.dayExpr("k.started_at", off)
			b.w(" END, CASE WHEN k.kind = 'answer' THEN ")
			b.dayExpr("k.closed_at", off)
			b.w(" END, count(*) FILTER (WHERE k.kind = 'answer')")
			for _, col := range []string{"on_time", "late", "extended", "extended_on_time", "contrib_on_time", "contrib_late"} {
				b.w(", count(*) FILTER (WHERE ", clocksMet.figs[col], ")")
			}
			b.w(" FROM case_clocks k JOIN cases c ON c.id = k.case_id WHERE k.kind IN ('answer', 'contribution') AND k.state = 'met'",
				" AND k.closed_at >= ").arg(from.Time(loc).UTC()).w(" AND k.closed_at < ").arg(through.AddDays(1).Time(loc).UTC())
			b.w(notExcluded, " GROUP BY 1, 2, 3, 4, 5")
			if err := tx.Exec(b.String(), b.args...).Error; err != nil {
				return err
			}
			rp.Add(1)
		}
		days = through.Sub(from) + 1
		return tx.Exec("UPDATE report_rollup SET through = ?, taken_at = ? WHERE id = 1", through.String(), now.UTC()).Error
	})
	if err != nil {
		return 0, fmt.Errorf("report rollup: %w", err)
	}
	return days, nil
}
