package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
	"gorm.io/gorm"
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
