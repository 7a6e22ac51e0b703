package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/alert"
	"github.com/phucdap/phucdap/internal/alert/alerttest"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// The sweep's batch size is a hard cap. With 1,000 late
// clocks due in id order and a plan that re-runs the picking subquery per
// row (a nested-loop semi join, forced here on Postgres), batch size 1
// once flagged all 1,000 in one statement. Each call, and so each
// transaction, must flag at most one, and the outbox lease likewise.
func TestSweepBatchIsAHardCap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := alerttest.New(t, db)
		recv := sweepNow.AddDate(0, 0, -30)
		caseID, _ := f.Case(t, petition.KindFeedback, recv, alerttest.Petitioner{})
		const n = 1000
		// One statement per table, rows in id order: a round trip per row
		// cost seconds on a busy Postgres.
		var clocks, outbox []string
		var clockArgs, outboxArgs []any
		for i := range n {
			due := sweepNow.Add(-time.Duration(n-i) * time.Minute).UTC()
			clocks = append(clocks, "(?, 'answer', 'test', ?, ?, 'open', ?, ?)")
			clockArgs = append(clockArgs, caseID, recv.UTC(), due, recv.UTC(), recv.UTC())
			outbox = append(outbox, "('webhook', 'https://bridge.example/hook', 'vi', 'pending', 0, ?, ?, ?)")
			outboxArgs = append(outboxArgs, due, due, due)
		}
		err := db.Gorm.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("INSERT INTO case_clocks (case_id, kind, rule_id, started_at, due_at, state, created_at, updated_at) VALUES "+
				strings.Join(clocks, ", "), clockArgs...).Error; err != nil {
				return err
			}
			return tx.Exec("INSERT INTO outbox (channel, target, lang, state, attempts, next_attempt_at, created_at, updated_at) VALUES "+
				strings.Join(outbox, ", "), outboxArgs...).Error
		})
		if err != nil {
			t.Fatal(err)
		}
		if db.Dialect == store.Postgres {
			// One connection, so the session settings below hold for every
			// statement the store sends.
			db.SQL.SetMaxOpenConns(1)
			for _, q := range []string{"ANALYZE case_clocks", "ANALYZE outbox", "SET enable_hashjoin = off", "SET enable_mergejoin = off",
				"SET enable_material = off", "SET enable_hashagg = off", "SET enable_sort = off"} {
				if _, err := db.SQL.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
		}
		as := store.NewAlertStore(db)
		var after alert.Cursor
		for call := 1; call <= 20; call++ {
			b, err := as.FlagLate(ctx, sweepNow, after, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			if b.Clocks != 1 {
				t.Fatalf("call %d with batch size 1 flagged %d clocks", call, b.Clocks)
			}
			after = b.Next
		}
		var flagged int64
		db.Gorm.Raw("SELECT COUNT(*) FROM case_clocks WHERE late_flagged_at IS NOT NULL").Scan(&flagged)
		if flagged != 20 {
			t.Errorf("%d clocks flagged after 20 batches of 1", flagged)
		}
		for call := 1; call <= 5; call++ {
			msgs, err := as.LeaseOutbox(ctx, sweepNow, time.Minute, 1, []string{"webhook"})
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) > 1 {
				t.Fatalf("lease %d with limit 1 took %d messages", call, len(msgs))
			}
		}
		var leased int64
		db.Gorm.Raw("SELECT COUNT(*) FROM outbox WHERE attempts > 0").Scan(&leased)
		if leased != 5 {
			t.Errorf("%d outbox rows leased after 5 leases of 1", leased)
		}
	})
}
