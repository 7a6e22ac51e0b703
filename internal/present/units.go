package present

import (
	"errors"
	"strconv"

	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/org"
)

// unitFieldLabels name each field of a unit (org.UnitInput, and the merge
// and import forms) in its errors, on the page, in the API and on the
// terminal.
var unitFieldLabels = map[string]string{"code": "units.code", "name": "units.name", "name_en": "units.name_en", "kind": "units.kind",
	"parent": "units.parent", "groups": "units.groups", "email": "units.email", "aliases": "units.aliases_short",
	"into": "units.field.into", "active": "units.field.active", "file": "units.field.file"}

// UnitField names a unit's field in lang ("Tên (tiếng Việt)"), or returns
// the field as given when it has no label.
func UnitField(cat *i18n.Catalog, lang, field string) string {
	if id, ok := unitFieldLabels[field]; ok {
		return cat.T(lang, id, nil)
	}
	return field
}

// UnitErrors words a refused edit of the unit directory, one line per
// problem, each led by the field it is about and, for a directory file,
// its line: "Dòng 3 — Tên (tiếng Việt): Cần nhập tên đơn vị …". ok is
// false for an error that is not the user's to fix.
func UnitErrors(cat *i18n.Catalog, lang string, err error) (lines []string, ok bool) {
	for _, p := range UnitProblems(cat, lang, err) {
		line := p.Message
		if p.Field != "" {
			line = UnitField(cat, lang, p.Field) + ": " + line
		}
		if p.Line > 0 {
			line = cat.T(lang, "units.line", map[string]any{"Line": p.Line}) + " — " + line
		}
		lines = append(lines, line)
	}
	return lines, len(lines) > 0
}

// UnitProblem is one refused field, with its line in a directory file (0
// for a form).
type UnitProblem struct {
	Line    int
	Field   string
	Code    string
	Message string
}

// UnitProblems lists the problems of a refused edit or import.
func UnitProblems(cat *i18n.Catalog, lang string, err error) []UnitProblem {
	var out []UnitProblem
	add := func(line int, fe *fault.Error) {
		out = append(out, UnitProblem{Line: line, Field: fe.Field, Code: messageCode(fe), Message: Message(cat, lang, fe)})
	}
	var ie *org.ImportError
	var list fault.List
	switch {
	case errors.As(err, &ie):
		for _, l := range ie.Lines {
			add(l.Line, l.Err)
		}
	case errors.As(err, &list):
		for _, fe := range list {
			add(0, fe)
		}
	default:
		if fe, ok := fault.As(err); ok && fe.Code != fault.Internal {
			add(0, fe)
		}
	}
	return out
}

// LineField is the field of a problem as the API names it: "line 3: name"
// for a line of a directory file.
func (p UnitProblem) LineField() string {
	if p.Line == 0 {
		return p.Field
	}
	f := "line " + strconv.Itoa(p.Line)
	if p.Field != "" {
		f += ": " + p.Field
	}
	return f
}
