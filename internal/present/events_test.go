package present

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/petition"
)

// Every event kind renders as words in vi and en, on the staff
// history and (for the public ones) on the citizen's timeline; no message
// id ever reaches a user. The kinds are read from the petition package's
// source, so a new kind without words fails here.
func TestEveryEventKindHasWords(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	files, _ := filepath.Glob(filepath.Join("..", "petition", "*.go"))
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok || vs.Type == nil {
				return true
			}
			if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "EventKind" {
				for _, v := range vs.Values {
					if lit, ok := v.(*ast.BasicLit); ok {
						s, _ := strconv.Unquote(lit.Value)
						declared[s] = true
					}
				}
			}
			return true
		})
	}
	if len(declared) < 25 {
		t.Fatalf("found only %d event kinds in the petition package", len(declared))
	}
	loc := time.FixedZone("ICT", 7*3600)
	due := time.Date(2026, 12, 19, 0, 0, 0, 0, loc)
	for k := range declared {
		shown, ok := petition.EventKinds[petition.EventKind(k)]
		if !ok {
			t.Errorf("event kind %q is not in petition.EventKinds", k)
			continue
		}
		for _, lang := range []string{"vi", "en"} {
			for _, public := range []bool{false, true} {
				if (public && shown&petition.Public == 0) || (!public && shown&petition.Internal == 0) {
					continue
				}
				e := petition.Event{Kind: petition.EventKind(k), Public: public, Note: "ghi chú", UnitName: "Phòng A", DueAt: &due}
				texts := []string{StaffEventText(cat, lang, e, loc)}
				if public {
					texts = append(texts, EventText(cat, lang, e, loc))
				}
				for _, s := range texts {
					if s == "" || strings.Contains(s, "event.") || s == k || strings.Contains(s, "<no value>") {
						t.Errorf("%s %s (public %v) renders %q", lang, k, public, s)
					}
				}
			}
		}
	}
}

// A refused extension says why in words: a time limit the law never
// extends says so, not "(0, each at most 0 days)".
func TestRefusedExtensionSaysWhy(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{"vi": "không cho phép gia hạn thời hạn này (pakn.answer)", "en": "allows no extension of this time limit (pakn.answer)"} {
		got := cat.T(lang, "workflow.extension_cap", map[string]any{"Max": 0, "MaxDays": 0, "Rule": "pakn.answer"})
		if !strings.Contains(got, want) || strings.Contains(got, "0 days") || strings.Contains(got, "0 ngày") {
			t.Errorf("%s: %q", lang, got)
		}
		if got := cat.T(lang, "workflow.extension_cap", map[string]any{"Max": 2, "MaxDays": 30}); !strings.Contains(got, "30") {
			t.Errorf("%s with a cap: %q", lang, got)
		}
	}
}
