package caseclock_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
)

// lateConditions are the ways of writing "late", "due soon" or "on time"
// against a due time, in SQL or in Go.
var lateConditions = []*regexp.Regexp{
	regexp.MustCompile(`due_at\s*(<=|>=|<|>)`),
	regexp.MustCompile(`(<=|>=|<|>)\s*[a-z]*\.?due_at`),
	regexp.MustCompile(`(?i)on_time\s*=\s*(TRUE|FALSE)`),
	regexp.MustCompile(`\b(at|now|when|t)\.(Before|After)\(\*?[A-Za-z.]*DueAt`),
	regexp.MustCompile(`DueAt\)?\.(Before|After|Sub)\((at|now|when|t)\b`),
}

// dueAgainst are a date or instant compared with a computed due date or
// time, whatever the variables are called: received.After(res.DueDate),
// res.DueDate.Before(filed), filedAt.Before(*c.DueAt). Two due times
// compared with each other (did an extension move it later?) are not a
// lateness test (dueAgainstDue).
var (
	dueAgainst = []*regexp.Regexp{
		regexp.MustCompile(`\.(Before|After|Compare)\(\*?[A-Za-z_][A-Za-z0-9_]*\.Due(Date|At)\b`),
		regexp.MustCompile(`\.Due(Date|At)\)?\.(Before|After|Compare)\(\*?[A-Za-z_][A-Za-z0-9_]*\)`),
	}
	dueAgainstDue = regexp.MustCompile(`Due(Date|At)\)?\.(Before|After|Compare)\(\*?[A-Za-z_][A-Za-z0-9_.]*Due(Date|At)\b`)
)

// A grep for the late condition finds it in one package, this one: the
// deadline engine, which computes the due dates, asks it too
// (DayWithin). Comments and tests are not code.
func TestOneDefinitionOfLate(t *testing.T) {
	root := filepath.Join("..", "..")
	var found []string
	for _, dir := range []string{"internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
				strings.HasSuffix(path, ".gen.go") || filepath.Base(filepath.Dir(path)) == "caseclock" {
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for i, line := range strings.Split(string(b), "\n") {
				code := strings.TrimSpace(line)
				if strings.HasPrefix(code, "//") {
					continue
				}
				if j := strings.Index(code, " // "); j >= 0 {
					code = code[:j]
				}
				res := lateConditions
				if !dueAgainstDue.MatchString(code) {
					res = append(slices.Clone(res), dueAgainst...)
				}
				for _, re := range res {
					if re.MatchString(code) {
						found = append(found, path+":"+itoa(i+1)+": "+code)
						break
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(found) > 0 {
		t.Errorf("late/on-time conditions outside caseclock (use its functions):\n%s", strings.Join(found, "\n"))
	}
}

func itoa(n int) string {
	s := ""
	for n > 0 || s == "" {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}

// The patterns catch the shapes of "late" written by hand, and let pass
// the one definition's calls and two due times compared.
func TestLatePatterns(t *testing.T) {
	caught := func(code string) bool {
		res := lateConditions
		if !dueAgainstDue.MatchString(code) {
			res = append(slices.Clone(res), dueAgainst...)
		}
		for _, re := range res {
			if re.MatchString(code) {
				return true
			}
		}
		return false
	}
	for _, code := range []string{
		"if received.After(res.DueDate) && eligible {",
		"if res.DueDate.Before(filed) {",
		"late := filedAt.Before(*c.DueAt)",
		"if day.After(lead.DueDate) {",
	} {
		if !caught(code) {
			t.Errorf("not caught: %s", code)
		}
	}
	for _, code := range []string{
		"if !caseclock.OnTimeAt(res.DueAt, st.ReceivedAt) && eligible {",
		"if !res.DueAt.After(before.DueAt) {",
		"res.DueAt = res.DueDate.AddDays(1).Time(e.loc)",
	} {
		if caught(code) {
			t.Errorf("caught: %s", code)
		}
	}
}

// DayWithin is OnTimeAt in whole days: the last day is within, the next
// is not.
func TestDayWithin(t *testing.T) {
	due := calendar.MustDate("2026-09-03")
	for day, want := range map[string]bool{"2026-09-02": true, "2026-09-03": true, "2026-09-04": false} {
		if got := caseclock.DayWithin(due, calendar.MustDate(day)); got != want {
			t.Errorf("DayWithin(%s, %s) = %v, want %v", due, day, got, want)
		}
	}
}
