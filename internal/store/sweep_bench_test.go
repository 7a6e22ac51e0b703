package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/alert"
	"github.com/phucdap/phucdap/internal/alert/alerttest"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// BenchmarkSweep measures the overdue sweep over a table of 1M open
// clocks of which 20k are newly late, and over 20k open plus 20k newly
// late, on Postgres. The sweep's cost must follow the newly late (the
// partial index case_clocks_to_flag), not the table: the two times must be
// within 1.5× of each other. Each late clock gets its flag, an internal
// event, a ledger alert to the office and a queued e-mail, as in
// production.
//
//	go test ./internal/store -run '^$' -bench BenchmarkSweep -benchtime 5x -timeout 30m
//
// Seeding is set-based (INSERT … SELECT generate_series) and not timed;
// between iterations the flags, events, alerts and deliveries are reset and
// the table vacuumed, outside the timer.
//
// Each iteration also times the sweep's floor on the same database, reset
// the same way just before it: the same rows written in bare SQL, one
// statement per 1,000 clocks (the flag, the event, the alert with its
// payload built in SQL, the queued e-mail), reported as bare-ms/op. A bare
// UPDATE of the flags alone (deploy/bench/floor update) writes one row of
// the four.
func BenchmarkSweep(b *testing.B) {
	for _, sc := range []struct {
		name       string
		open, late int
	}{
		{"open=1M/late=20k", 1_000_000, 20_000},
		{"open=20k/late=20k", 20_000, 20_000},
	} {
		b.Run(sc.name, func(b *testing.B) { benchSweep(b, sc.open, sc.late) })
	}
}

type nopMailer struct{}

func (nopMailer) Send(_ context.Context, msgs []alert.Email) []error { return make([]error, len(msgs)) }

func benchSweep(b *testing.B, open, late int) {
	ctx := context.Background()
	db := storetest.NewPostgres(b)
	f := alerttest.New(b, db)
	f.Account(b, "vanphong@sxd.test", "VP", access.Office)
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, hanoi)
	began := time.Now()
	seed(b, db, open, late, now)
	b.Logf("seeded %d open clocks (%d late) in %s", open, late, time.Since(began).Round(time.Second))

	cal := calendar.New(calendar.Builtin())
	svc, err := alert.NewService(alert.Config{Store: store.NewAlertStore(db), Calendar: func(context.Context) *calendar.Calendar { return cal },
		Location: hanoi, BatchSize: 1000, Mailer: nopMailer{}})
	if err != nil {
		b.Fatal(err)
	}
	reset := func() {
		for _, q := range []string{
			"UPDATE case_clocks SET late_flagged_at = NULL, escalated_at = NULL WHERE late_flagged_at IS NOT NULL",
			"DELETE FROM outbox", "DELETE FROM alerts", "DELETE FROM case_events WHERE kind IN ('late', 'escalated')",
			"VACUUM ANALYZE case_clocks", "VACUUM ANALYZE alerts", "VACUUM ANALYZE outbox", "VACUUM ANALYZE case_events", "CHECKPOINT",
		} {
			if _, err := db.SQL.ExecContext(ctx, q); err != nil {
				b.Fatalf("%s: %v", q, err)
			}
		}
	}
	var office int64
	if err := db.SQL.QueryRowContext(ctx, "SELECT id FROM accounts WHERE email = 'vanphong@sxd.test'").Scan(&office); err != nil {
		b.Fatal(err)
	}
	var bare time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		reset()
		b.StartTimer()
		counts, err := svc.Sweep(ctx, now)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if counts["flagged"] != late || counts["alerts"] != late || counts["queued"] != late {
			b.Fatalf("sweep %v, want %d flagged, alerted and queued", counts, late)
		}
		reset()
		began := time.Now()
		if n := bareSweep(b, db, now, office); n != late {
			b.Fatalf("bare sweep queued %d, want %d", n, late)
		}
		bare += time.Since(began)
		b.StartTimer()
	}
	b.ReportMetric(float64(bare.Milliseconds())/float64(b.N), "bare-ms/op")
}

// bareSweep writes what the sweep writes for each newly late clock, in bare
// SQL, 1,000 clocks a statement (each its own transaction, as each of the
// sweep's batches is), and returns how many e-mails it queued.
func bareSweep(b *testing.B, db *store.DB, now time.Time, office int64) int {
	// Which clocks are late is the one definition's (caseclock.LateSQL),
	// here as in the sweep.
	q := `WITH pick AS MATERIALIZED (SELECT id FROM case_clocks WHERE ` + caseclock.LateSQL("", "$1") + ` AND late_flagged_at IS NULL
		ORDER BY due_at, id LIMIT 1000),
	up AS (UPDATE case_clocks k SET late_flagged_at = $1, updated_at = $1 FROM pick WHERE k.id = pick.id
		RETURNING k.id, k.case_id, k.kind, k.unit_id, k.due_at),
	ev AS (INSERT INTO case_events (case_id, kind, public, actor, unit_id, note, created_at)
		SELECT case_id, 'late', false, 'system', unit_id, 'clock ' || id || ' ' || kind || ' due ' || due_at, $1 FROM up),
	al AS (INSERT INTO alerts (subject, case_id, clock_id, kind, recipient, account_id, due_at, in_app, payload, created_at)
		SELECT 'clock:' || up.id, up.case_id, up.id, 'late', 'account:' || $2::bigint, $2, up.due_at, true,
			json_build_object('case_code', c.code, 'case_kind', c.kind, 'clock_kind', up.kind, 'topic_vi', t.name_vi, 'topic_en', t.name_en,
				'unit_code', u.code, 'unit_vi', u.name, 'unit_en', u.name_en, 'due_at', up.due_at, 'days_late', 1,
				'link', '/staff/cases/' || c.id)::text, $1
		FROM up JOIN cases c ON c.id = up.case_id LEFT JOIN topics t ON t.id = c.topic_id LEFT JOIN units u ON u.id = up.unit_id
		ON CONFLICT (subject, recipient, kind, due_at) DO NOTHING RETURNING id)
	INSERT INTO outbox (alert_id, channel, target, lang, state, attempts, next_attempt_at, created_at, updated_at)
	SELECT id, 'email', 'vanphong@sxd.test', 'vi', 'pending', 0, $1, $1, $1 FROM al`
	total := 0
	for {
		res, err := db.SQL.ExecContext(context.Background(), q, now.UTC(), office)
		if err != nil {
			b.Fatalf("bare sweep: %v", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			return total
		}
		total += int(n)
	}
}

// seed inserts open cases with one open answer clock each: late of them due
// in the last 20 hours (newly late, not yet flagged), the rest due within
// the next 60 days.
func seed(b *testing.B, db *store.DB, open, late int, now time.Time) {
	ctx := context.Background()
	stmts := []string{
		fmt.Sprintf(`INSERT INTO cases (code, agency, year, seq, kind, channel, title, content, secret_salt, secret_hash, dedup_key, status,
			received_at, due_at, lead_unit_id, created_at, updated_at)
		SELECT 'B-' || i, 'SXD', 2026, 1000000 + i, (ARRAY['kien_nghi','phan_anh','khieu_nai','to_cao'])[1 + i %% 4], 'web',
			'Tiêu đề ' || i, repeat('Nội dung phản ánh ', 20), 's', 'h', md5(i::text), 'received',
			$1::timestamptz - interval '20 days', NULL, u.id, $1::timestamptz - interval '20 days', $1::timestamptz - interval '20 days'
		FROM generate_series(1, %d) AS i
		JOIN LATERAL (SELECT id FROM units WHERE kind = 'division' ORDER BY id OFFSET (i %% 6) LIMIT 1) u ON TRUE`, open),
		fmt.Sprintf(`INSERT INTO case_clocks (case_id, kind, rule_id, unit_id, started_at, due_at, state, created_at, updated_at)
		SELECT c.id, 'answer', 'pakn.answer', c.lead_unit_id, c.received_at,
			CASE WHEN c.seq - 1000000 <= %d
				THEN $1::timestamptz - (c.seq %% 72000) * interval '1 second'
				ELSE $1::timestamptz + interval '1 hour' + (c.seq %% 5184000) * interval '1 second' END,
			'open', c.received_at, c.received_at
		FROM cases c WHERE c.code LIKE 'B-%%'`, late),
		"VACUUM ANALYZE cases", "VACUUM ANALYZE case_clocks",
	}
	for _, q := range stmts {
		args := []any{}
		if len(q) > 20 && q[:6] == "INSERT" {
			args = append(args, now.UTC())
		}
		if _, err := db.SQL.ExecContext(ctx, q, args...); err != nil {
			b.Fatalf("seed: %v\n%s", err, q)
		}
	}
}
