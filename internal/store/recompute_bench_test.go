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
//
// Each iteration also times the recompute's floor on the same database,
// reset the same way just before it: the same rows written in bare SQL,
// one statement per 1,000 clocks (the clock's due time and explanations,
// its case's, the event), with the due times moved by a day instead of
// through the deadline engine, reported as bare-ms/op.
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
	reset := func() {
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
	}
	var bare time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if i > 0 {
			reset()
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
		var vi, en string
		if err := db.SQL.QueryRowContext(ctx, "SELECT explanation_vi, explanation_en FROM case_clocks WHERE rule_id = 'pakn.answer' LIMIT 1").Scan(&vi, &en); err != nil {
			b.Fatal(err)
		}
		reset()
		began = time.Now()
		if n := bareRecompute(b, db, now, vi, en); n != open {
			b.Fatalf("bare recompute moved %d, want %d", n, open)
		}
		bare += time.Since(began)
		b.StartTimer()
	}
	b.ReportMetric(float64(bare.Milliseconds())/float64(b.N), "bare-ms/op")
}

// bareRecompute writes what the recompute writes for each moved clock, in
// bare SQL, paging the open clocks by id 1,000 at a time as the recompute
// does (one read for the page, then one statement, its own transaction,
// for the writes): the clock's due time (a day later) and explanations,
// its case's, and the "due moved" event. It returns how many clocks it
// moved.
func bareRecompute(b *testing.B, db *store.DB, now time.Time, vi, en string) int {
	const page = `SELECT count(*), coalesce(max(id), 0) FROM (SELECT id FROM case_clocks WHERE state = 'open' AND id > $1 ORDER BY id LIMIT 1000) p`
	const write = `WITH up AS (UPDATE case_clocks k SET due_at = k.due_at + interval '1 day', explanation_vi = $3, explanation_en = $4,
		late_flagged_at = NULL, escalated_at = NULL, uncomputed = '', updated_at = $5
		WHERE k.state = 'open' AND k.id > $1 AND k.id <= $2 RETURNING k.id, k.case_id, k.due_at),
	cs AS (UPDATE cases c SET due_at = up.due_at, due_explanation_vi = $3, due_explanation_en = $4, updated_at = $5 FROM up WHERE c.id = up.case_id)
	INSERT INTO case_events (case_id, kind, public, actor, note, due_at, created_at)
	SELECT case_id, 'due_moved', false, 'system', 'clock ' || id || ' due ' || due_at, due_at, $5 FROM up`
	ctx := context.Background()
	total, after := 0, int64(0)
	for {
		var n, hi int64
		if err := db.SQL.QueryRowContext(ctx, page, after).Scan(&n, &hi); err != nil {
			b.Fatalf("bare recompute page: %v", err)
		}
		if n == 0 {
			return total
		}
		res, err := db.SQL.ExecContext(ctx, write, after, hi, vi, en, now.UTC())
		if err != nil {
			b.Fatalf("bare recompute: %v", err)
		}
		moved, err := res.RowsAffected()
		if err != nil {
			b.Fatal(err)
		}
		total += int(moved)
		after = hi
	}
}
