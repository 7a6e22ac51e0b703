// Package textfold folds Vietnamese text the way people type it when they
// search: without diacritics, đ as d, in lower case. The same Fold builds
// the stored search text and the query's terms, so the two always agree.
//
// A term matches a folded text when it starts a word of it (Matches): the
// text has the term at its start or right after a space. "nguyen thi ha"
// finds "Nguyễn Thị Hằng" (a last word typed in part), "an" does not find
// "Thanh". Finds, Highlight and Query.Score match so, and the store's SQL
// mirrors it on both databases: (' ' || text) LIKE '% term%'.
package textfold

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxQuery is the longest search query accepted, in characters.
const MaxQuery = 200

// MaxTerms is the most words a query is searched for.
const MaxTerms = 8

// foldRune folds one precomposed rune to what it is searched as: its base
// letters in lower case ("ễ" → "e", "Đ" → "d"), nothing for a combining
// mark, a space for anything that is neither a letter nor a digit.
func foldRune(r rune, buf []rune) []rune {
	if utf8.RuneSelf <= r && r < tableEnd {
		return append(buf, foldTable()[r-utf8.RuneSelf]...)
	}
	return foldRuneSlow(r, buf)
}

// foldRuneSlow is foldRune worked out from the rune's decomposition.
func foldRuneSlow(r rune, buf []rune) []rune {
	switch r {
	case 'đ', 'Đ':
		return append(buf, 'd')
	}
	if r < utf8.RuneSelf {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			return append(buf, r)
		case 'A' <= r && r <= 'Z':
			return append(buf, r+'a'-'A')
		}
		return append(buf, ' ')
	}
	for _, d := range norm.NFD.String(string(r)) {
		switch {
		case unicode.Is(unicode.Mn, d):
		case unicode.IsLetter(d) || unicode.IsDigit(d):
			buf = append(buf, unicode.ToLower(d))
		default:
			buf = append(buf, ' ')
		}
	}
	return buf
}

// tableEnd is where foldTable ends: it covers every Latin letter
// (Vietnamese's are in Latin-1, Latin Extended-A/B and Latin Extended
// Additional, U+1E00–U+1EFF), Greek and Cyrillic.
const tableEnd = 0x2000

// foldTable is foldRuneSlow of each rune from utf8.RuneSelf to tableEnd,
// worked out once: the decomposition of a rune (norm.NFD) costs far more
// than the text around it, and Highlight folds every rune of a snippet.
var foldTable = sync.OnceValue(func() [][]rune {
	t := make([][]rune, tableEnd-utf8.RuneSelf)
	for r := rune(utf8.RuneSelf); r < tableEnd; r++ {
		t[r-utf8.RuneSelf] = foldRuneSlow(r, nil)
	}
	return t
})

// Fold returns s folded: lower case, no diacritics, đ as d, every run of
// other characters (punctuation, spaces) one space, trimmed.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	var buf []rune
	for _, r := range s {
		buf = foldRune(r, buf[:0])
		for _, f := range buf {
			if f == ' ' {
				if !space {
					b.WriteByte(' ')
					space = true
				}
				continue
			}
			b.WriteRune(f)
			space = false
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// Matches says whether term (folded: Fold's output, one word or several)
// starts a word of the folded text: it is at the text's start or right
// after a space. This is the search's one definition of a match.
func Matches(folded, term string) bool {
	if term == "" {
		return false
	}
	for i := 0; i+len(term) <= len(folded); {
		j := strings.Index(folded[i:], term)
		if j < 0 {
			return false
		}
		if i+j == 0 || folded[i+j-1] == ' ' {
			return true
		}
		i += j + 1
	}
	return false
}

// StartLen is how many characters of a word's start Starts keeps: the
// longest start an index of them holds.
const StartLen = 8

// Start is term's start as Starts would hold it: its first StartLen
// characters. Where a term (one word, folded) Matches a folded text,
// Start(term) is one of Starts(text); so the texts whose Starts hold every
// term's Start are the candidates among which Matches decides (exactly the
// matches when no term is longer than StartLen).
func Start(term string) string {
	n := 0
	for i := range term {
		if n == StartLen {
			return term[:i]
		}
		n++
	}
	return term
}

// Starts are the distinct starts (1 to StartLen characters) of the words of
// a folded text ("cong an" gives c, co, con, cong, a, an), sorted and joined
// by single spaces: what PostgreSQL's index of the search rows holds
// (migration 00045) and a query's terms are looked up in, cut by Start.
// Folded text is words of letters and digits between single spaces, so a
// start has no space in it.
func Starts(folded string) string {
	return strings.Join(sortedStarts(folded), " ")
}

// AddStarts is Starts(folded + " " + starts) for starts made by Starts:
// folded's starts merged into starts, which are not split and sorted
// again (every start of a start is one of starts already). Intake adds a
// case's title and topic to the starts of its letter this way.
func AddStarts(starts, folded string) string {
	add := sortedStarts(folded)
	if len(add) == 0 {
		return starts
	}
	if starts == "" {
		return strings.Join(add, " ")
	}
	size := len(starts)
	for _, s := range add {
		size += len(s) + 1
	}
	var b strings.Builder
	b.Grow(size)
	put := func(s string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	for w := range strings.SplitSeq(starts, " ") {
		for len(add) > 0 && add[0] < w {
			put(add[0])
			add = add[1:]
		}
		if len(add) > 0 && add[0] == w {
			add = add[1:]
		}
		put(w)
	}
	for _, s := range add {
		put(s)
	}
	return b.String()
}

// sortedStarts are the distinct starts of folded's words, sorted: slices
// of folded, in a slice counted before it is filled.
func sortedStarts(folded string) []string {
	n := 0
	for w := range strings.SplitSeq(folded, " ") {
		n += min(utf8.RuneCountInString(w), StartLen)
	}
	out := make([]string, 0, n)
	for w := range strings.SplitSeq(folded, " ") {
		k := 0
		for i := range w {
			if i > 0 {
				out = append(out, w[:i])
			}
			if k++; k > StartLen {
				break
			}
		}
		if k <= StartLen && w != "" {
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Query is a parsed search: the folded words, each of which must be found,
// and the folded phrase, which ranks a case higher when found whole.
type Query struct {
	Raw    string
	Phrase string
	Terms  []string
}

// Why a query was refused.
const (
	ErrTooLong = "search.too_long"
	ErrEmpty   = "search.empty"
)

// Parse folds a query into its words. It refuses a query longer than
// MaxQuery characters (ErrTooLong) and one with no letter or digit
// (ErrEmpty); both are message keys. Repeated words count once; words past
// MaxTerms are dropped. A query that is a phone number typed as it is
// written (phoneLike: "0912 345 678", "+84 912 345 678", "(024)
// 3825.1234") has one term, the digits together, which the store indexes
// a petitioner's phone by (in each of its national forms); other digit
// groups ("15 2026", "07 12 2026") are words.
func Parse(q string) (Query, string) {
	q = strings.TrimSpace(q)
	if utf8.RuneCountInString(q) > MaxQuery {
		return Query{}, ErrTooLong
	}
	p := Fold(q)
	if p == "" {
		return Query{}, ErrEmpty
	}
	if phoneLike(q) {
		p = strings.ReplaceAll(p, " ", "")
	}
	out := Query{Raw: q, Phrase: p}
	seen := map[string]bool{}
	for _, w := range strings.Fields(p) {
		if seen[w] || len(out.Terms) == MaxTerms {
			continue
		}
		seen[w] = true
		out.Terms = append(out.Terms, w)
	}
	return out, ""
}

// phoneLike says whether q is a phone number as people type one: digits,
// with nothing else than the marks a phone number is written with (+,
// spaces, dots, dashes, parentheses), and either nine digits or more (a
// Vietnamese number without its leading 0 has nine) or written
// international, from + or 0084 ("+84 912"). Fewer digits in groups are a
// number and a year, or a date ("15 2026", "07.12.2026"), searched as
// words. This is the one definition of a query typed as a phone number.
func phoneLike(q string) bool {
	n := 0
	for _, r := range q {
		switch {
		case '0' <= r && r <= '9':
			n++
		case !strings.ContainsRune("+ .-()", r):
			return false
		}
	}
	return n >= 9 || strings.HasPrefix(q, "+") || strings.HasPrefix(strings.TrimLeft(q, "( "), "0084")
}

// Segment is a piece of a highlighted text.
type Segment struct {
	Text  string
	Match bool
}

// Finds says whether Highlight finds one of the terms in text (Matches):
// the same folding, rune by rune, without the segments (a caller that has work to
// do before it highlights can tell first whether there is anything to
// highlight).
func Finds(text string, terms []string) bool {
	if len(terms) == 0 || text == "" {
		return false
	}
	var b strings.Builder
	b.Grow(len(text))
	var buf []rune
	for _, r := range text {
		buf = foldRune(r, buf[:0])
		for _, f := range buf {
			b.WriteRune(f)
		}
	}
	folded := b.String()
	for _, t := range terms {
		if Matches(folded, t) {
			return true
		}
	}
	return false
}

// Highlight cuts text into segments, marking every place where one of the
// terms starts a word (folded, as the search found it: Matches), and keeps about width
// characters around the first match. It returns nil when no term is found.
func Highlight(text string, terms []string, width int) []Segment {
	if len(terms) == 0 || text == "" {
		return nil
	}
	// Fold rune by rune, remembering for each folded rune the original
	// rune it came from.
	orig := []rune(text)
	var folded []rune
	var from []int
	var buf []rune
	for i, r := range orig {
		buf = foldRune(r, buf[:0])
		for _, f := range buf {
			folded = append(folded, f)
			from = append(from, i)
		}
	}
	mark := make([]bool, len(orig))
	found := false
	for _, t := range terms {
		tr := []rune(t)
		for i := 0; i+len(tr) <= len(folded); i++ {
			if (i > 0 && folded[i-1] != ' ') || !slices.Equal(folded[i:i+len(tr)], tr) {
				continue
			}
			found = true
			for j := from[i]; j <= from[i+len(tr)-1]; j++ {
				mark[j] = true
			}
		}
	}
	if !found {
		return nil
	}
	first := 0
	for first < len(mark) && !mark[first] {
		first++
	}
	lo, hi := 0, len(orig)
	if width > 0 && len(orig) > width {
		lo = max(0, first-width/3)
		hi = min(len(orig), lo+width)
	}
	var out []Segment
	if lo > 0 {
		out = append(out, Segment{Text: "…"})
	}
	for i := lo; i < hi; {
		j := i
		for j < hi && mark[j] == mark[i] {
			j++
		}
		out = append(out, Segment{Text: string(orig[i:j]), Match: mark[i]})
		i = j
	}
	if hi < len(orig) {
		out = append(out, Segment{Text: "…"})
	}
	return out
}

// Score says whether every word of q is found in the texts (folded,
// Matches) and how well: each word scores the weight of each text it is
// in, and the phrase, found whole, twice that. It is the search of a list already in
// memory (the public page's redacted answers); the store's SQL search
// ranks the same way.
func (q Query) Score(texts []string, weights []int) (int, bool) {
	folded := make([]string, len(texts))
	for i, t := range texts {
		folded[i] = Fold(t)
	}
	score := 0
	for _, w := range q.Terms {
		found := false
		for i, f := range folded {
			if Matches(f, w) {
				found = true
				score += weights[i]
			}
		}
		if !found {
			return 0, false
		}
	}
	if len(q.Terms) > 1 {
		for i, f := range folded {
			if Matches(f, q.Phrase) {
				score += 2 * weights[i]
			}
		}
	}
	return score, true
}
