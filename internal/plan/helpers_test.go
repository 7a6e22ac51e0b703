package plan

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// The tests compare with a small reflect-based differ rather than go-cmp:
// go.mod no longer lists go-cmp, and this package may not edit go.mod.

// diffValues lists the paths at which got and want differ, each with both
// values, so a failing table test says which field is wrong.
func diffValues(path string, got, want reflect.Value) []string {
	if !got.IsValid() || !want.IsValid() {
		if got.IsValid() != want.IsValid() {
			return []string{fmt.Sprintf("%s: got %v, want %v", path, got, want)}
		}
		return nil
	}
	switch got.Kind() {
	case reflect.Pointer:
		if got.IsNil() || want.IsNil() {
			if got.IsNil() != want.IsNil() {
				return []string{fmt.Sprintf("%s: got %v, want %v", path, got, want)}
			}
			return nil
		}
		return diffValues(path, got.Elem(), want.Elem())
	case reflect.Struct:
		var out []string
		for i := 0; i < got.NumField(); i++ {
			if !got.Type().Field(i).IsExported() {
				continue
			}
			out = append(out, diffValues(path+"."+got.Type().Field(i).Name, got.Field(i), want.Field(i))...)
		}
		return out
	case reflect.Slice:
		if got.IsNil() != want.IsNil() && (got.Len() > 0 || want.Len() > 0) {
			return []string{fmt.Sprintf("%s: got %#v, want %#v", path, got.Interface(), want.Interface())}
		}
		if got.IsNil() != want.IsNil() {
			return []string{fmt.Sprintf("%s: got nil=%v, want nil=%v (empty)", path, got.IsNil(), want.IsNil())}
		}
		var out []string
		n := max(got.Len(), want.Len())
		for i := 0; i < n; i++ {
			p := fmt.Sprintf("%s[%d]", path, i)
			switch {
			case i >= got.Len():
				out = append(out, fmt.Sprintf("%s: missing, want %+v", p, want.Index(i).Interface()))
			case i >= want.Len():
				out = append(out, fmt.Sprintf("%s: extra %+v", p, got.Index(i).Interface()))
			default:
				out = append(out, diffValues(p, got.Index(i), want.Index(i))...)
			}
		}
		return out
	}
	if !reflect.DeepEqual(got.Interface(), want.Interface()) {
		return []string{fmt.Sprintf("%s: got %#v, want %#v", path, got.Interface(), want.Interface())}
	}
	return nil
}

// checkEqual fails the test with a field-level diff when got != want.
func checkEqual(t *testing.T, name string, got, want any) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	d := diffValues(name, reflect.ValueOf(got), reflect.ValueOf(want))
	if len(d) == 0 {
		d = []string{fmt.Sprintf("%s: got %#v, want %#v", name, got, want)}
	}
	t.Errorf("mismatch (-got +want):\n%s", strings.Join(d, "\n"))
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
