package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
	"github.com/phucdap/phucdap/internal/textfold"
)

// A listed case carries its running main clock's due time (the first open
// one, by id, when there are two; not a closed one nor another kind's) and
// its coordinating units, ascending, read in the list's own statement: in a
// list, a search, an export and the case's file alike.
func TestCaseRefClockAndCoordinators(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u := seedUnits(t, db)
		coord := []int64{u["PQLXD"], u["PPTDT"]}
		id := insertCase(t, db, 1, "phan_anh", u["PQHKT"], []int64{coord[1], coord[0]}, "accepted", nil)
		bare := insertCase(t, db, 2, "phan_anh", u["PQHKT"], nil, "accepted", nil)
		first, second, closed := accessNow.Add(72*time.Hour), accessNow.Add(24*time.Hour), accessNow.Add(12*time.Hour)
		for _, c := range []struct {
			kind, state string
			due         time.Time
		}{{"answer", "met", closed}, {"duty", "open", closed}, {"answer", "open", first}, {"process", "open", second}} {
			if err := db.Gorm.Exec("INSERT INTO case_clocks (case_id, kind, rule_id, started_at, due_at, state, created_at, updated_at) VALUES (?, ?, 'test', ?, ?, ?, ?, ?)",
				id, c.kind, accessNow, c.due.UTC(), c.state, accessNow, accessNow).Error; err != nil {
				t.Fatal(err)
			}
		}
		want := slices.Clone(coord)
		slices.Sort(want)
		check := func(where string, c access.CaseRef) {
			t.Helper()
			switch c.ID {
			case id:
				if c.ClockDueAt == nil || !c.ClockDueAt.Equal(first) {
					t.Errorf("%s: clock due %v, want %v", where, c.ClockDueAt, first)
				}
				if !slices.Equal(c.Scope.CoordinatingUnitIDs, want) {
					t.Errorf("%s: coordinating %v, want %v", where, c.Scope.CoordinatingUnitIDs, want)
				}
			case bare:
				if c.ClockDueAt != nil || c.Scope.CoordinatingUnitIDs != nil {
					t.Errorf("%s: bare case has clock %v, coordinating %v", where, c.ClockDueAt, c.Scope.CoordinatingUnitIDs)
				}
			}
		}
		cs := store.NewCaseAccessStore(db)
		all := access.CaseFilter{All: true}
		list, err := cs.ListCases(ctx, all, access.CaseQuery{Limit: 10})
		if err != nil || len(list) != 2 {
			t.Fatalf("list: %d %v", len(list), err)
		}
		for _, c := range list {
			check("list", c)
		}
		sq, _ := textfold.Parse("nguoi")
		found, err := cs.ListCases(ctx, all, access.CaseQuery{Search: &sq, Contact: all, Limit: 10})
		if err != nil || len(found) != 2 {
			t.Fatalf("search: %d %v", len(found), err)
		}
		for _, c := range found {
			check("search", c)
		}
		code, _ := textfold.Parse("SXD-2026")
		found, err = cs.ListCases(ctx, access.CaseFilter{UnitIDs: []int64{u["PQHKT"]}}, access.CaseQuery{Search: &code, Limit: 10})
		if err != nil || len(found) != 2 {
			t.Fatalf("code search: %d %v", len(found), err)
		}
		for _, c := range found {
			check("code search", c)
		}
		n := 0
		if err := cs.EachCase(ctx, all, access.CaseQuery{}, func(c access.CaseRef, _ access.Identity) error {
			n++
			check("export", c)
			return nil
		}); err != nil || n != 2 {
			t.Fatalf("export: %d %v", n, err)
		}
		c, _, _, _, err := cs.CaseFile(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		check("file", c)
	})
}
