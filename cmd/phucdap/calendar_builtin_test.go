package main

import (
	"strings"
	"testing"
)

// "phucdap calendar diff YEAR" on a database built from this release: the
// built-in year is unchanged; keep says so and changes nothing.
func TestCalendarDiffCLI(t *testing.T) {
	eachCLI(t, func(t *testing.T, env []string) {
		out, errOut, err := runCLI(t, env, "calendar", "diff", "2026")
		if err != nil || !strings.Contains(out, "the built-in 2026 is unchanged") {
			t.Fatalf("diff: %v %s %s", err, out, errOut)
		}
		if _, _, err := runCLI(t, env, "calendar", "diff", "x"); err == nil {
			t.Error("a bad year was accepted")
		}
		out, _, err = runCLI(t, env, "calendar", "keep", "2026")
		if err != nil || !strings.Contains(out, "unchanged") {
			t.Errorf("keep: %v %s", err, out)
		}
	})
}
