package i18n

import (
	"strconv"
	"strings"
)

// filler is a message whose every action is a plain {{.Name}}: T fills it
// by joining its pieces, without running a template, as a due time's
// explanation does some twenty times for each clock it opens. Messages
// with any other action ({{if}}, {{with}}, pipelines) run through go-i18n.
type filler struct {
	// one is the English form for a count of 1 (nil: none); other the
	// message, or its form for every other count.
	one, other []piece
}

// piece is literal text, then the argument named field (none when empty).
type piece struct{ text, field string }

// newFiller reads a catalogue entry (a string, or {"one": …, "other": …}
// for English) into a filler; ok is false when it has other actions or
// forms.
func newFiller(lang string, v any) (f filler, ok bool) {
	switch m := v.(type) {
	case string:
		f.other, ok = pieces(m)
		return f, ok
	case map[string]any:
		if lang != EN || len(m) != 2 {
			return f, false
		}
		one, ok1 := m["one"].(string)
		other, ok2 := m["other"].(string)
		if !ok1 || !ok2 {
			return f, false
		}
		var okOne, okOther bool
		f.one, okOne = pieces(one)
		f.other, okOther = pieces(other)
		return f, okOne && okOther
	}
	return f, false
}

// pieces splits s at its {{.Name}} actions; ok is false for any other
// action.
func pieces(s string) (ps []piece, ok bool) {
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			return append(ps, piece{text: s}), true
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return nil, false
		}
		name, isField := strings.CutPrefix(s[i+2:i+j], ".")
		if !isField || !identifier(name) {
			return nil, false
		}
		ps = append(ps, piece{text: s[:i], field: name})
		s = s[i+j+2:]
	}
}

func identifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r != '_' && !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || i > 0 && '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// fill writes the message in lang with args, as T words them (a Ref or a
// Worded argument in lang); ok is false when an argument is missing or of
// a kind a template prints otherwise than here (T then runs the template).
func (f filler) fill(c *Catalog, lang string, args map[string]any) (string, bool) {
	ps := f.other
	if f.one != nil {
		switch n := args[Count].(type) {
		case int:
			if n == 1 {
				ps = f.one
			}
		case int64:
			if n == 1 {
				ps = f.one
			}
		}
	}
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.text)
		if p.field == "" {
			continue
		}
		switch v := args[p.field].(type) {
		case string:
			b.WriteString(v)
		case Ref:
			b.WriteString(c.T(lang, string(v), nil))
		case Worded:
			b.WriteString(v.In(lang))
		case int:
			b.WriteString(strconv.Itoa(v))
		case int64:
			b.WriteString(strconv.FormatInt(v, 10))
		default:
			return "", false
		}
	}
	return b.String(), true
}
