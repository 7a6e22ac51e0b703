package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
	"github.com/phucdap/phucdap/internal/textfold"
)

// A staff list is soonest due first, cases without a due time last, then
// by receipt, then by id: the same order in both dialects, each written
// as its index holds it.
func TestListOrderDueReceivedID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		u := seedUnits(t, db)
		early, late := accessNow.Add(24*time.Hour), accessNow.Add(72*time.Hour)
		// n: due, received (hours before accessNow).
		shape := []struct {
			due      *time.Time
			received int
		}{
			{nil, 5}, {&late, 1}, {&early, 1}, {nil, 9}, {&early, 3}, {&late, 1}, {&early, 1}, {nil, 5},
		}
		ids := make([]int64, len(shape))
		for i, c := range shape {
			ids[i] = insertCase(t, db, i+1, "phan_anh", u["PQLXD"], nil, "received", c.due)
			if err := db.Gorm.Exec("UPDATE cases SET received_at = ? WHERE id = ?",
				accessNow.Add(-time.Duration(c.received)*time.Hour), ids[i]).Error; err != nil {
				t.Fatal(err)
			}
		}
		// early: received 3h before (4), then 1h before (2, 6 by id);
		// late: 1h before (1, 5 by id); undated: 9h before (3), then 5h
		// before (0, 7 by id).
		want := []int64{ids[4], ids[2], ids[6], ids[1], ids[5], ids[3], ids[0], ids[7]}
		cs := store.NewCaseAccessStore(db)
		for _, f := range []access.CaseFilter{{All: true}, {UnitIDs: []int64{u["PQLXD"]}}} {
			for _, open := range []bool{true, false} {
				got, err := cs.ListCases(context.Background(), f, access.CaseQuery{OpenOnly: open, Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				var gotIDs []int64
				for _, c := range got {
					gotIDs = append(gotIDs, c.ID)
				}
				if len(gotIDs) != len(want) {
					t.Fatalf("%+v open %v: %v, want %v", f, open, gotIDs, want)
				}
				for i := range want {
					if gotIDs[i] != want[i] {
						t.Fatalf("%+v open %v: %v, want %v", f, open, gotIDs, want)
					}
				}
				// A page ends where the whole list's order says.
				page, err := cs.ListCases(context.Background(), f, access.CaseQuery{OpenOnly: open, Limit: 3, Offset: 2})
				if err != nil || len(page) != 3 || page[0].ID != want[2] || page[2].ID != want[4] {
					t.Fatalf("%+v open %v: page %+v %v", f, open, page, err)
				}
			}
		}
	})
}

// The first page of a plain staff list is read off an index in the list's
// order (cases_list_open for the open cases, cases_list for every case),
// so a list over a million cases stops at its page instead of sorting
// them all. The planner is told not to sort, so a list whose order no
// index holds shows its sort. The count beside the page is not ordered.
func TestListPageReadsAnIndex(t *testing.T) {
	// It reads plans (EXPLAIN).
	storetest.Fresh(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		u := seedUnits(t, db)
		due := accessNow.Add(24 * time.Hour)
		insertCase(t, db, 1, "phan_anh", u["PQLXD"], nil, "received", &due)
		insertCase(t, db, 2, "phan_anh", u["PQHKT"], []int64{u["PQLXD"]}, "closed", nil)
		cs := store.NewCaseAccessStore(db)
		ctx := context.Background()
		for _, f := range []access.CaseFilter{{All: true}, {UnitIDs: []int64{u["PQLXD"]}}} {
			for _, open := range []bool{true, false} {
				sql, args, err := cs.ListStatement(ctx, f, access.CaseQuery{OpenOnly: open, Limit: 200})
				if err != nil {
					t.Fatal(err)
				}
				var plan []string
				err = db.Gorm.Transaction(func(tx *gorm.DB) error {
					if db.Dialect == store.Postgres {
						if err := tx.Exec("SET LOCAL enable_sort = off").Error; err != nil {
							return err
						}
						return tx.Raw("EXPLAIN "+sql, args...).Scan(&plan).Error
					}
					var rows []struct{ Detail string }
					if err := tx.Raw("EXPLAIN QUERY PLAN "+sql, args...).Scan(&rows).Error; err != nil {
						return err
					}
					for _, r := range rows {
						plan = append(plan, r.Detail)
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				text := strings.Join(plan, "\n")
				index := "cases_list"
				if open {
					index = "cases_list_open"
				}
				if !slices.Contains(strings.Fields(text), index) || sortsCases(text) ||
					strings.Contains(text, "TEMP B-TREE FOR ORDER BY") {
					t.Errorf("%+v open %v: the page is not read off %s:\n%s", f, open, index, text)
				}
				// A generic plan (a prepared statement's, once PostgreSQL
				// stops planning it per execution) reads the open cases'
				// index too: the closed statuses are literals.
				if db.Dialect == store.Postgres && f.All && open {
					// Its one argument is the limit.
					if len(args) != 1 {
						t.Fatalf("the office's open list has arguments: %v", args)
					}
					var generic []string
					err := db.Gorm.Transaction(func(tx *gorm.DB) error {
						for _, q := range []string{"SET LOCAL plan_cache_mode = force_generic_plan", "SET LOCAL enable_sort = off",
							"PREPARE office_open_list AS " + sql} {
							if err := tx.Exec(q).Error; err != nil {
								return err
							}
						}
						if err := tx.Raw(fmt.Sprintf("EXPLAIN EXECUTE office_open_list(%d)", args[0])).Scan(&generic).Error; err != nil {
							return err
						}
						return tx.Exec("DEALLOCATE office_open_list").Error
					})
					if err != nil {
						t.Fatal(err)
					}
					if g := strings.Join(generic, "\n"); !slices.Contains(strings.Fields(g), "cases_list_open") {
						t.Errorf("the generic plan of the open list does not read cases_list_open:\n%s", g)
					}
				}
				// The page's count (Cases.Page) counts, never sorts.
				count, err := cs.CountStatement(ctx, f, access.CaseQuery{OpenOnly: open})
				if err != nil || strings.Contains(count, "ORDER BY") || !strings.Contains(count, "count(*)") {
					t.Errorf("%+v open %v: count %q %v", f, open, count, err)
				}
			}
		}
	})
}

// sortsCases says whether a PostgreSQL plan sorts the cases themselves (a
// subquery's own sort, the main clock's, is not the list's).
func sortsCases(plan string) bool {
	for _, l := range strings.Split(plan, "\n") {
		if strings.Contains(l, "Sort Key:") && strings.Contains(l, "cases.due_at") {
			return true
		}
	}
	return false
}

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
		indexSearch(t, db) // the cases were written straight into the tables
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
