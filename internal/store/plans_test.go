package store_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/org"
	"github.com/phucdap/phucdap/internal/plan"
	"github.com/phucdap/phucdap/internal/present"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

var t0 = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)

func mustSeed(t *testing.T) *plan.Plan {
	t.Helper()
	p, err := plan.SeedPlan()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPlanStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		units := store.NewUnitStore(db, func() time.Time { return t0 })
		if n, err := units.EnsureUnits(ctx, org.DefaultUnits()); err != nil || n != len(org.DefaultUnits()) {
			t.Fatalf("EnsureUnits: %d %v", n, err)
		}
		if n, err := units.EnsureUnits(ctx, org.DefaultUnits()); err != nil || n != 0 {
			t.Fatalf("EnsureUnits again created %d (%v)", n, err)
		}
		s := store.NewPlanStore(db)
		p := mustSeed(t)

		rep, err := s.SavePlan(ctx, p, "seed", t0)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Status != plan.ImportCreated || len(rep.TasksCreated) != 11 {
			t.Errorf("first save: %+v", rep)
		}
		rec, err := s.PlanByID(ctx, rep.PlanID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(p, rec.Plan); diff != "" {
			t.Errorf("stored plan differs from the parsed one (-parsed +stored):\n%s", diff)
		}
		ids := rec.TaskIDs

		rep, err = s.SavePlan(ctx, mustSeed(t), "seed", t0.Add(time.Hour))
		if err != nil || rep.Status != plan.ImportUnchanged || rep.TasksUnchanged != 11 {
			t.Errorf("second save: %+v %v", rep, err)
		}

		// Change one task, add one, remove one: ids of the others stay.
		q := mustSeed(t)
		q.Dimensions[3].Tasks[1].ExpectedResult = "Không có phản ánh."
		q.Dimensions[0].Tasks = append(q.Dimensions[0].Tasks, plan.PlanTask{
			Number: "2", Key: "I.2", Text: "Nhiệm vụ mới", Timeframe: plan.TimeframeOngoing, TimeframeText: "Thường xuyên",
			Units: []plan.UnitRef{{Unit: "PKHTC", Name: "Phòng Kế hoạch - Tài chính", Role: plan.RoleLead, Unknown: true}},
		})
		q.Dimensions[5].Tasks = nil
		q.Dimensions = append(q.Dimensions[:5], q.Dimensions[6:]...)
		// A unit the directory does not have refuses the plan: an import
		// never adds units on its own.
		var ue *plan.UnknownUnitsError
		if _, err := s.SavePlan(ctx, q, "edited.csv", t0.Add(2*time.Hour)); !errors.As(err, &ue) || len(ue.Units) != 1 ||
			ue.Units[0].Name != "Phòng Kế hoạch - Tài chính" || ue.Units[0].Tasks[0] != "I.2" {
			t.Fatalf("unknown unit: %v", err)
		}
		if _, err := units.EnsureUnits(ctx, []org.Unit{{Code: "PKHTC", Name: "Phòng Kế hoạch - Tài chính", Kind: org.KindDivision, Active: true}}); err != nil {
			t.Fatal(err)
		}
		q.Dimensions[0].Tasks[1].Units[0].Unknown = false
		rep, err = s.SavePlan(ctx, q, "edited.csv", t0.Add(2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		want := plan.ImportReport{PlanID: rep.PlanID, Number: "55/KH-SXD", Status: plan.ImportChanged,
			TasksCreated: []string{"I.2"}, TasksChanged: []string{"IV.2"}, TasksRemoved: []string{"VI.1"}, TasksUnchanged: 9}
		if diff := cmp.Diff(want, rep); diff != "" {
			t.Errorf("report (-want +got):\n%s", diff)
		}
		rec, err = s.PlanByNumber(ctx, "55/KH-SXD")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(q, rec.Plan); diff != "" {
			t.Errorf("stored edited plan (-want +got):\n%s", diff)
		}
		for key, id := range rec.TaskIDs {
			if old, ok := ids[key]; ok && old != id {
				t.Errorf("task %s id changed from %d to %d", key, old, id)
			}
		}
		list, err := s.ListPlans(ctx)
		if err != nil || len(list) != 1 || list[0].TaskCount != 11 || list[0].DimensionCount != 6 || list[0].Source != "edited.csv" {
			t.Errorf("list: %+v %v", list, err)
		}
		if _, err := s.PlanByID(ctx, 9999); err != plan.ErrPlanNotFound {
			t.Errorf("missing plan: %v", err)
		}
		u, err := units.UnitByCode(ctx, "PKHTC")
		if err != nil || u.Name != "Phòng Kế hoạch - Tài chính" || u.Example {
			t.Errorf("unit created by import: %+v %v", u, err)
		}
	})
}

// A unit the office added to the directory is recognised by name when a
// later plan names it, instead of being created again under a slug.
func TestImportRecognisesTheOfficesUnits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		units := store.NewUnitStore(db, func() time.Time { return t0 })
		extra := org.Unit{Code: "PKHTC", Name: "Phòng Kế hoạch - Tài chính", Kind: org.KindDivision, Active: true}
		if _, err := units.EnsureUnits(ctx, append(org.DefaultUnits(), extra)); err != nil {
			t.Fatal(err)
		}
		p := mustSeed(t)
		p.Number = "12/KH-SXD"
		p.Dimensions[0].Tasks[0].Units = []plan.UnitRef{{Unit: "x", Name: "Phòng Kế hoạch – Tài chính", Role: plan.RoleLead}}
		var csv bytes.Buffer
		if err := plan.WriteCSV(&csv, p); err != nil {
			t.Fatal(err)
		}
		source := func(ctx context.Context) ([]plan.KnownUnit, error) {
			list, err := units.ListUnits(ctx)
			var out []plan.KnownUnit
			for _, u := range list {
				out = append(out, plan.KnownUnit{Code: u.Code, Name: u.Name, Kind: plan.UnitKind(u.Kind)})
			}
			return out, err
		}
		cat := plan.NewCatalog(store.NewPlanStore(db), func() time.Time { return t0 }, source)
		rep, err := cat.Import(ctx, csv.Bytes(), "test.csv")
		if err != nil {
			t.Fatal(err)
		}
		if rep.Status != plan.ImportCreated {
			t.Errorf("import: %+v", rep)
		}
		rec, err := cat.GetByNumber(ctx, "12/KH-SXD")
		if err != nil {
			t.Fatal(err)
		}
		if u := rec.Plan.Dimensions[0].Tasks[0].Units[0]; u.Unit != "PKHTC" || u.Unknown {
			t.Errorf("lead unit: %+v", u)
		}

		// Without the directory the same file names a unit the parser does
		// not know: refused, nothing created.
		p.Number = "13/KH-SXD"
		csv.Reset()
		plan.WriteCSV(&csv, p)
		_, err = plan.NewCatalog(store.NewPlanStore(db), func() time.Time { return t0 }, nil).Import(ctx, csv.Bytes(), "test.csv")
		var ue *plan.UnknownUnitsError
		if !errors.As(err, &ue) || len(ue.Units) != 1 || !strings.Contains(planRefusalVI(t, err), "Phòng Kế hoạch – Tài chính") {
			t.Errorf("without the directory: %v", err)
		}
		if _, err := cat.GetByNumber(ctx, "13/KH-SXD"); err != plan.ErrPlanNotFound {
			t.Errorf("a refused plan was stored: %v", err)
		}
	})
}

// planRefusalVI is a refused plan import as the office reads it.
func planRefusalVI(t *testing.T, err error) string {
	t.Helper()
	words, lerr := i18n.Load()
	if lerr != nil {
		t.Fatal(lerr)
	}
	vi, _ := present.PlanUnknownUnits(words, i18n.VI, err)
	return vi
}
