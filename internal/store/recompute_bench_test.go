package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/alert/alerttest"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// BenchmarkRecompute measures the cost of one calendar edit (a day off
// added inside every clock's period): the recompute of 100k open
// clocks on Postgres, every one of which moves: its due time, its event,
// its case's due date, in batches of petition.RecomputeBatchSize, each one
// transaction.
//
//	go test ./internal/store -run '^$' -bench BenchmarkRecompute -benchtime 3x -timeout 30m
func BenchmarkRecompute(b *testing.B) {
	const open = 100_000
	ctx := context.Background()
	db := storetest.NewPostgres(b)
	alerttest.New(b, db)
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, hanoi)
	ds := store.NewDeadlineStore(db)
	if _, _, err := ds.EnsureDefaults(ctx, calendar.Builtin(), deadline.DefaultRules(), now); err != nil {
		b.Fatal(err)
	}
	svc, err := deadline.NewService(ctx, ds, hanoi, func() time.Time { return now }, time.Hour, testCatalogue)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, hanoi)
	spec := deadline.Clock{RuleID: "pakn.answer", Start: start}
	res, err := svc.Engine(ctx).Evaluate(spec)
	if err != nil {
		b.Fatal(err)
	}
	js, _ := json.Marshal(spec)
	seedStmts := []string{
		fmt.Sprintf(`INSERT INTO cases (code, agency, year, seq, kind, channel, title, content, secret_salt, secret_hash, dedup_key, status,
			received_at, due_at, lead_unit_id, created_at, updated_at)
		SELECT 'R-' || i, 'SXD', 2026, 2000000 + i, 'kien_nghi', 'web', 'Tiêu đề ' || i, 'Nội dung', 's', 'h', md5(i::text), 'accepted',
			$1::timestamptz, $2::timestamptz, NULL, $1::timestamptz, $1::timestamptz
		FROM generate_series(1, %d) AS i`, open),
		`INSERT INTO case_clocks (case_id, kind, rule_id, started_at, due_at, state, clock, created_at, updated_at)
		SELECT c.id, 'answer', 'pakn.answer', c.received_at, c.due_at, 'open', $1, c.received_at, c.received_at
		FROM cases c WHERE c.code LIKE 'R-%'`,
		"VACUUM ANALYZE cases", "VACUUM ANALYZE case_clocks",
	}
	for _, q := range seedStmts {
		var args []any
		if q[:6] == "INSERT" {
			args = []any{start.UTC(), res.DueAt.UTC()}
			if q[12:23] == "case_clocks" {
				args = []any{string(js)}
			}
		}
		if _, err := db.SQL.ExecContext(ctx, q, args...); err != nil {
			b.Fatalf("seed: %v\n%s", err, q)
		}
	}
	// The edit: a working day inside the period becomes a day off.
	table, _ := svc.Engine(ctx).Calendar().Table(2026)
	table.DaysOff = append(table.DaysOff, calendar.DayOff{Date: calendar.NewDate(2026, 11, 10), Name: "Nghỉ (thử)"})
	if err := ds.SaveTable(ctx, table, deadline.Editor{Label: "bench"}, now); err != nil {
		b.Fatal(err)
	}
	if err := svc.Reload(ctx); err != nil {
		b.Fatal(err)
	}
	st := store.NewRecomputeStore(db)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if i > 0 {
			for _, q := range []string{"UPDATE case_clocks SET due_at = $1 WHERE rule_id = 'pakn.answer'", "UPDATE cases SET due_at = $1",
				"DELETE FROM case_events WHERE kind = 'due_moved'", "VACUUM ANALYZE case_clocks", "VACUUM ANALYZE cases", "CHECKPOINT"} {
				var args []any
				if q[:6] == "UPDATE" {
					args = []any{res.DueAt.UTC()}
				}
				if _, err := db.SQL.ExecContext(ctx, q, args...); err != nil {
					b.Fatal(err)
				}
			}
			if err := db.Gorm.Exec("INSERT INTO clock_recomputes (reason, requested_at) VALUES ('bench', ?)", now.UTC()).Error; err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		began := time.Now()
		counts, err := petition.RecomputeOpenClocks(ctx, st, svc.Engine(ctx), now, petition.RecomputeBatchSize)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if counts["moved"] != open || counts["checked"] != open {
			b.Fatalf("counts %v, want %d moved", counts, open)
		}
		b.Logf("recompute of %d open clocks, all moved: %s (%v)", open, time.Since(began).Round(time.Millisecond), counts)
		b.StartTimer()
	}
}
