package progress

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// A log (not a terminal) gets a line each tenth of the way and one at the
// end, whatever the size of the steps.
func TestLinesEveryTenth(t *testing.T) {
	var b bytes.Buffer
	r := Lines(&b)
	r.Start("import", 200)
	for range 50 {
		r.Add(3) // 150 of 200: 70%
	}
	r.Add(50)
	r.Done()
	want := []string{"import: 0% (0/200)", "import: 10% (21/200)", "import: 20% (42/200)", "import: 30% (60/200)",
		"import: 40% (81/200)", "import: 50% (102/200)", "import: 60% (120/200)", "import: 70% (141/200)",
		"import: 100% (200/200)", "import: done (200)"}
	if got := strings.Split(strings.TrimSpace(b.String()), "\n"); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Without a total, each step says how many are done.
func TestLinesWithoutTotal(t *testing.T) {
	var b bytes.Buffer
	r := Lines(&b)
	r.Start("recompute", 0)
	r.Add(500)
	r.Add(120)
	r.Done()
	if got, want := b.String(), "recompute: started\nrecompute: 500 done\nrecompute: 620 done\nrecompute: done (620)\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// The bar redraws in place (carriage returns) and ends at 100% with the
// count.
func TestBar(t *testing.T) {
	var b bytes.Buffer
	r := Bar(&b)
	r.Start("rollup", 4)
	for range 4 {
		r.Add(1)
	}
	r.Done()
	out := b.String()
	if !strings.Contains(out, "\r") || !strings.Contains(out, "rollup") || !strings.Contains(out, "100%") || !strings.Contains(out, "4/4") {
		t.Errorf("bar output %q", out)
	}
}

// A file that is not a terminal gets lines; no reporter in the context
// reports nothing.
func TestForAndFrom(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, ok := For(f).(*lines); !ok {
		t.Errorf("For(a file) = %T, want lines", For(f))
	}
	if _, ok := From(context.Background()).(nop); !ok {
		t.Error("From(no reporter) reports")
	}
	r := Lines(f)
	if From(With(context.Background(), r)) != r {
		t.Error("From(With(r)) is not r")
	}
}
