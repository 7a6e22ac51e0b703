package plan

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// checkEqual fails the test with go-cmp's field-level diff when got != want.
// Nil and empty slices differ, as with reflect.DeepEqual: the round-trip
// tests promise exact equality.
func checkEqual(t *testing.T, name string, got, want any) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, d)
	}
}

// seedPlan parses the embedded seed and fails the test on error.
func seedPlan(t testing.TB) *Plan {
	t.Helper()
	p, err := Parse(bytes.NewReader(SeedAppendix()))
	if err != nil {
		t.Fatalf("Parse(seed): %v", err)
	}
	return p
}

// seedLines returns the seed split into lines (without newlines), so that
// tests can edit line N as an editor shows it.
func seedLines(t testing.TB) []string {
	t.Helper()
	return strings.Split(strings.TrimSuffix(string(SeedAppendix()), "\n"), "\n")
}

// joinLines rebuilds a file from lines.
func joinLines(lines []string) []byte { return []byte(strings.Join(lines, "\n") + "\n") }

// edit returns a copy of the seed lines with fn applied.
func edit(t testing.TB, fn func([]string) []string) []byte {
	t.Helper()
	return joinLines(fn(seedLines(t)))
}

// wantParseError checks that err is a *ParseError with the given line and
// code.
func wantParseError(t *testing.T, err error, line int, code ErrorCode) *ParseError {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error = %v (%T), want *ParseError", err, err)
	}
	if pe.Line != line || pe.Code != code {
		t.Fatalf("error at line %d code %s, want line %d code %s: %v", pe.Line, pe.Code, line, code, pe)
	}
	return pe
}

// findTask returns a task of p by key and fails the test if it is missing.
func findTask(t *testing.T, p *Plan, key string) PlanTask {
	t.Helper()
	task, _, ok := p.TaskByKey(key)
	if !ok {
		t.Fatalf("task %s not found", key)
	}
	return task
}
