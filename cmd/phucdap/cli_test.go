package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/plan"
	"github.com/phucdap/phucdap/internal/storetest"
)

func runCLI(t *testing.T, env []string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb, func() []string { return env })
	return out.String(), errb.String(), err
}

// eachCLI runs fn with the environment of a fresh SQLite data directory and
// of a fresh Postgres database, in parallel as storetest.Each does. The
// Postgres one is a clone of the migrated template (the command's own
// migration finds nothing to do): migrating an empty database was most of
// the server's CPU in these tests, and the SQLite half,
// TestE2ETwoReplicasOnEmptyPostgres and the store's migration tests still
// migrate from nothing.
func eachCLI(t *testing.T, fn func(t *testing.T, env []string)) {
	t.Helper()
	storetest.Parallel(t)
	t.Run("sqlite", func(t *testing.T) {
		storetest.Parallel(t)
		fn(t, []string{"PHUCDAP_DATA_DIR=" + t.TempDir(), "PHUCDAP_LOG__LEVEL=warn"})
	})
	t.Run("postgres", func(t *testing.T) {
		storetest.Parallel(t)
		fn(t, []string{"PHUCDAP_DATABASE_URL=" + storetest.NewPostgresURL(t), "PHUCDAP_LOG__LEVEL=warn"})
	})
}

func TestPlanImportIsIdempotentAndCSVRoundTrips(t *testing.T) {
	seed := filepath.Join(t.TempDir(), plan.SeedName)
	if err := os.WriteFile(seed, plan.SeedAppendix(), 0o600); err != nil {
		t.Fatal(err)
	}
	eachCLI(t, func(t *testing.T, env []string) {
		out, errOut, err := runCLI(t, env, "plan", "import", seed)
		if err != nil {
			t.Fatalf("first import: %v\n%s", err, errOut)
		}
		if !strings.Contains(out, "plan 55/KH-SXD: created") || !strings.Contains(out, "tasks created: 11") {
			t.Errorf("first import said:\n%s", out)
		}
		// Its progress goes to stderr, as lines (not a terminal).
		if !strings.Contains(errOut, "plan 55/KH-SXD: tasks: 0% (0/11)\n") || !strings.Contains(errOut, "plan 55/KH-SXD: tasks: 100% (11/11)\n") ||
			!strings.Contains(errOut, "plan 55/KH-SXD: tasks: done (11)\n") {
			t.Errorf("first import's progress:\n%s", errOut)
		}
		out, _, err = runCLI(t, env, "plan", "import", seed)
		if err != nil || !strings.Contains(out, "plan 55/KH-SXD: unchanged") || strings.Contains(out, "created") {
			t.Errorf("second import: %v\n%s", err, out)
		}
		csv1, _, err := runCLI(t, env, "plan", "export", "55/KH-SXD")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(csv1, "plan_number,") && !strings.HasPrefix(csv1, "\ufeffplan_number,") {
			t.Errorf("export does not look like the CSV form: %.80q", csv1)
		}
		csvPath := filepath.Join(t.TempDir(), "plan.csv")
		if err := os.WriteFile(csvPath, []byte(csv1), 0o600); err != nil {
			t.Fatal(err)
		}
		out, _, err = runCLI(t, env, "plan", "import", csvPath)
		if err != nil || !strings.Contains(out, "unchanged") {
			t.Errorf("re-import of the exported CSV: %v\n%s", err, out)
		}
		outFile := filepath.Join(t.TempDir(), "again.csv")
		if _, _, err := runCLI(t, env, "plan", "export", "55/KH-SXD", "-o", outFile); err != nil {
			t.Fatal(err)
		}
		csv2, _ := os.ReadFile(outFile)
		if string(csv2) != csv1 {
			t.Errorf("CSV round trip differs:\n%s\n---\n%s", csv1, csv2)
		}

		// An edited CSV changes one task and reports it.
		edited := strings.Replace(csv1, "Theo kỳ tuyển dụng", "Theo kế hoạch", 1)
		if edited == csv1 {
			t.Fatal("fixture edit did not apply")
		}
		os.WriteFile(csvPath, []byte(edited), 0o600)
		out, _, err = runCLI(t, env, "plan", "import", csvPath)
		if err != nil || !strings.Contains(out, "changed") || !strings.Contains(out, "IV.2") {
			t.Errorf("edited import: %v\n%s", err, out)
		}
	})
}

func TestPlanImportRejectsMalformedFilesAndWritesNothing(t *testing.T) {
	seed := string(plan.SeedAppendix())
	cut := seed[:strings.Index(seed, "Theo kỳ tuyển dụng")]
	dir := t.TempDir()
	bad := filepath.Join(dir, "truncated.txt")
	os.WriteFile(bad, []byte(cut), 0o600)
	eachCLI(t, func(t *testing.T, env []string) {
		_, _, err := runCLI(t, env, "plan", "import", bad)
		if err == nil || !strings.Contains(err.Error(), "line") {
			t.Fatalf("truncated file: err = %v, want an error naming the line", err)
		}
		out, _, err := runCLI(t, env, "migrate", "status")
		if err != nil || !strings.Contains(out, "applied") {
			t.Fatalf("migrate status: %v %s", err, out)
		}
		_, _, err = runCLI(t, env, "plan", "export", "55/KH-SXD")
		if err == nil || !strings.Contains(err.Error(), "no plan numbered") {
			t.Errorf("a failed import wrote a plan: %v", err)
		}
	})
}

func TestHelpAndUsage(t *testing.T) {
	env := []string{"PHUCDAP_DATA_DIR=" + t.TempDir()}
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"migrate", "--help"}, {"plan", "--help"}, {"plan", "import", "--help"}, {"plan", "export", "--help"}, {"version", "--help"}} {
		out, errOut, err := runCLI(t, env, args...)
		if err != errHelp {
			t.Errorf("%v: err = %v", args, err)
		}
		if !strings.Contains(out+errOut, "Usage: phucdap") {
			t.Errorf("%v printed no usage: %q %q", args, out, errOut)
		}
	}
	if _, _, err := runCLI(t, env, "frobnicate"); err == nil {
		t.Error("unknown command accepted")
	}
	out, _, err := runCLI(t, env, "version")
	if err != nil || !strings.HasPrefix(out, "phucdap ") {
		t.Errorf("version: %v %q", err, out)
	}
	_, _, err = runCLI(t, []string{"PHUCDAP_LISTEN=nonsense"}, "migrate")
	if err == nil || !strings.Contains(err.Error(), "PHUCDAP_LISTEN") {
		t.Errorf("bad config: %v", err)
	}
}
