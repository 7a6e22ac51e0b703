package caseclock_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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

// A grep for the late condition finds it in one
// package, this one. Comments and tests are not code.
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
				for _, re := range lateConditions {
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
