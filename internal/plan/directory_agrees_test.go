package plan_test

import (
	"testing"

	"github.com/phucdap/phucdap/internal/org"
	"github.com/phucdap/phucdap/internal/plan"
)

// The parser's built-in table and the directory seeded on first start name
// the same units with the same codes, names and kinds; only the parser's
// written forms (aliases) are its own.
func TestBuiltInUnitsAgreeWithTheDirectorySeed(t *testing.T) {
	seeded := map[string]org.Unit{}
	for _, u := range org.DefaultUnits() {
		seeded[u.Code] = u
	}
	known := plan.KnownUnits()
	if len(known) != len(seeded) {
		t.Errorf("parser knows %d units, the directory seed has %d", len(known), len(seeded))
	}
	for _, k := range known {
		u, ok := seeded[k.Code]
		switch {
		case !ok:
			t.Errorf("unit %s is in plan.KnownUnits but not in org.DefaultUnits", k.Code)
		case u.Name != k.Name || string(u.Kind) != string(k.Kind) || u.Example != k.Example:
			t.Errorf("unit %s: parser has %q/%s/%v, directory %q/%s/%v", k.Code, k.Name, k.Kind, k.Example, u.Name, u.Kind, u.Example)
		}
	}
}
