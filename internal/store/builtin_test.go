package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// Versioned built-in defaults: a database built from an older
// release's 2026 (without a day off the current release has), and edited
// by the office since (a day off of its own), is offered the correction:
// the diff names the corrected day; nothing changes until someone
// decides; "keep" keeps the office's table; "accept" applies the
// correction and asks for the open clocks to be recomputed.
func TestBuiltinCorrectionIsOfferedNotImposed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, hanoi)
		ds := store.NewDeadlineStore(db)
		builtin, ok := calendar.BuiltinYear(2026)
		if !ok || len(builtin.DaysOff) < 2 {
			t.Fatal("no built-in 2026")
		}
		// The older release's 2026 lacked the last day off; the office
		// then added one of its own.
		old := builtin
		old.DaysOff = append([]calendar.DayOff(nil), builtin.DaysOff[:len(builtin.DaysOff)-1]...)
		corrected := builtin.DaysOff[len(builtin.DaysOff)-1]
		if _, _, err := ds.EnsureDefaults(ctx, []calendar.YearTable{old}, deadline.DefaultRules(), now); err != nil {
			t.Fatal(err)
		}
		office := old
		office.DaysOff = append(append([]calendar.DayOff(nil), old.DaysOff...), calendar.DayOff{Date: calendar.NewDate(2026, 12, 24), Name: "Nghỉ của Sở"})
		if err := ds.SaveTable(ctx, office, deadline.Editor{Label: "Văn phòng"}, now); err != nil {
			t.Fatal(err)
		}
		// This release starts: its built-in 2026 is the corrected one.
		if _, _, err := ds.EnsureDefaults(ctx, calendar.Builtin(), deadline.DefaultRules(), now); err != nil {
			t.Fatal(err)
		}
		d, changed, err := ds.BuiltinChange(ctx, 2026)
		if err != nil || !changed {
			t.Fatalf("the corrected built-in 2026 is not offered: %v %v", changed, err)
		}
		if len(d.DaysOffAdded) != 1 || d.DaysOffAdded[0].Date != corrected.Date || len(d.DaysOffRemoved) != 1 || d.DaysOffRemoved[0].Name != "Nghỉ của Sở" {
			t.Errorf("diff %+v", d)
		}
		stored := func() calendar.YearTable {
			tables, err := ds.LoadTables(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, tb := range tables {
				if tb.Year == 2026 {
					return tb
				}
			}
			t.Fatal("2026 not stored")
			return calendar.YearTable{}
		}
		if stored().Fingerprint() != office.Fingerprint() {
			t.Error("starting the new release changed the office's 2026")
		}
		requests := func() int64 {
			var n int64
			db.Gorm.Raw("SELECT count(*) FROM clock_recomputes").Scan(&n)
			return n
		}
		before := requests()

		// Keep: the office's table stays, and the year is not offered again.
		if err := ds.ResolveBuiltin(ctx, 2026, false, deadline.Editor{Label: "Quản trị"}, now); err != nil {
			t.Fatal(err)
		}
		if stored().Fingerprint() != office.Fingerprint() {
			t.Error("keep changed the table")
		}
		if _, changed, _ := ds.BuiltinChange(ctx, 2026); changed {
			t.Error("offered again after keep")
		}
		if requests() != before {
			t.Error("keep asked for a recompute")
		}

		// Accept (after another correction is offered): the built-in wins,
		// and the open clocks are to be recomputed.
		db.Gorm.Exec("UPDATE builtin_defaults SET fingerprint = 'older' WHERE subject = 'calendar' AND item = '2026'")
		if err := ds.ResolveBuiltin(ctx, 2026, true, deadline.Editor{Label: "Quản trị"}, now); err != nil {
			t.Fatal(err)
		}
		if stored().Fingerprint() != builtin.Fingerprint() {
			t.Error("accept did not apply the built-in")
		}
		if requests() != before+1 {
			t.Errorf("accept: %d recompute requests, want %d", requests(), before+1)
		}
	})
}

// The corrected built-in 2026 table reaches a database that stored the
// table this project shipped before it (01/09 and 02/09 only, no working
// Saturday): it is offered with exactly the corrected days, and once
// accepted the engine counts with it.
func TestBuiltin2026CorrectionIsOffered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 6, 9, 0, 0, 0, hanoi)
		ds := store.NewDeadlineStore(db)
		builtin, _ := calendar.BuiltinYear(2026)
		old := builtin.Clone()
		var off []calendar.DayOff
		for _, d := range old.DaysOff {
			if s := d.Date.String(); s != "2026-08-29" && s != "2026-08-30" && s != "2026-08-31" {
				off = append(off, d)
			}
		}
		old.DaysOff = off
		old.WorkingSaturdays = old.WorkingSaturdays[:1] // 10/01 only
		if _, _, err := ds.EnsureDefaults(ctx, []calendar.YearTable{old}, deadline.DefaultRules(), now); err != nil {
			t.Fatal(err)
		}
		d, changed, err := ds.BuiltinChange(ctx, 2026)
		if err != nil || !changed {
			t.Fatalf("correction not offered: %v %v", changed, err)
		}
		var added []string
		for _, o := range d.DaysOffAdded {
			added = append(added, o.Date.String())
		}
		if strings.Join(added, ",") != "2026-08-29,2026-08-30,2026-08-31" || len(d.DaysOffRemoved) != 0 ||
			len(d.WorkingAdded) != 1 || d.WorkingAdded[0].Date.String() != "2026-08-22" || len(d.WorkingRemoved) != 0 {
			t.Errorf("offered diff: %+v", d)
		}
		if err := ds.ResolveBuiltin(ctx, 2026, true, deadline.Editor{Label: "Văn phòng"}, now); err != nil {
			t.Fatal(err)
		}
		tables, err := ds.LoadTables(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cal := calendar.New(tables)
		if cal.IsWorkingDay(calendar.MustDate("2026-08-31")) || !cal.IsWorkingDay(calendar.MustDate("2026-08-22")) {
			t.Error("accepted correction not in force")
		}
		if _, changed, _ := ds.BuiltinChange(ctx, 2026); changed {
			t.Error("still offered after accepting")
		}
	})
}
