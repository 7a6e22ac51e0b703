package plan

import (
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	old := seedPlan(t)

	t.Run("first import creates every task", func(t *testing.T) {
		c := Diff(nil, old)
		if got := c.Count(StatusCreated); got != 11 {
			t.Errorf("created = %d, want 11", got)
		}
		if !c.Changed() {
			t.Error("Changed() = false")
		}
	})

	t.Run("same plan is unchanged", func(t *testing.T) {
		c := Diff(old, seedPlan(t))
		if c.Changed() || c.Count(StatusUnchanged) != 11 || len(c.Lines()) != 0 {
			t.Errorf("changes = %+v", c)
		}
	})

	t.Run("field, task and dimension changes", func(t *testing.T) {
		new := seedPlan(t)
		v2 := &new.Dimensions[4].Tasks[1]
		v2.TimeframeText, v2.Timeframe = "Quý IV/2025", TimeframeOther
		new.Dimensions[0].Title = "THAM GIA"
		new.Dimensions = append(new.Dimensions[:5], new.Dimensions[6:]...) // drop VI
		new.Dimensions = append(new.Dimensions, Dimension{Numeral: "VIII", Ordinal: 8, Title: "MÔI TRƯỜNG", Tasks: []PlanTask{{
			Number: "1", Key: "VIII.1", Text: "Thu gom rác.", Units: []UnitRef{vpLead},
			Timeframe: TimeframeOngoing, TimeframeText: "Thường xuyên",
		}}})
		c := Diff(old, new)
		checkEqual(t, "counts", []int{c.Count(StatusCreated), c.Count(StatusChanged), c.Count(StatusRemoved), c.Count(StatusUnchanged)},
			[]int{1, 1, 1, 9})
		checkEqual(t, "lines", c.Lines(), []string{
			`plan dimensions: "I, II, III, IV, V, VI, VII" → "I, II, III, IV, V, VII, VIII"`,
			`plan dimension I title: "THAM GIA CỦA NGƯỜI DÂN Ở CẤP CƠ SỞ" → "THAM GIA"`,
			`task V.2 changed timeframe: "as_scheduled" → "other"`,
			`task V.2 changed timeframe_text: "Theo kế hoạch" → "Quý IV/2025"`,
			`task VIII.1 created`,
			`task VI.1 removed`,
		})
		if old.Equal(new) || new.Equal(old) {
			t.Error("Equal = true for different plans")
		}
	})

	t.Run("units and order", func(t *testing.T) {
		new := seedPlan(t)
		iv := new.Dimensions[3].Tasks
		iv[0], iv[1] = iv[1], iv[0]
		new.Dimensions[0].Tasks[0].Units[1].Unit = "X"
		lines := strings.Join(Diff(old, new).Lines(), "\n")
		for _, want := range []string{"task order", "task I.1 changed units", "[X group] coordinate"} {
			if !strings.Contains(lines, want) {
				t.Errorf("Lines() = %s\nwant it to mention %q", lines, want)
			}
		}
	})
}

func TestEqual(t *testing.T) {
	var a, b *Plan
	if !a.Equal(b) {
		t.Error("nil != nil")
	}
	p := seedPlan(t)
	if p.Equal(nil) || a.Equal(p) {
		t.Error("nil equals a plan")
	}
	// Nil and empty slices are the same data.
	q := seedPlan(t)
	q.Dimensions[3].Tasks[1].Targets = []Target{}
	if !p.Equal(q) {
		t.Error("nil and empty targets differ")
	}
}
