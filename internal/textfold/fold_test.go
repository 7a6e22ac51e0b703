package textfold

import (
	"math/rand"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Nguyễn Thị Hằng":            "nguyen thi hang",
		"ĐƯỜNG Đê, phường Đông Kinh": "duong de phuong dong kinh",
		"  0912.345-678 ":            "0912 345 678",
		"a@b.vn":                     "a b vn",
		"Tố cáo ▇▇▇ về sai phạm":     "to cao ve sai pham",
		"ơ ư ô ă â ê":                "o u o a a e",
		"!!! ...":                    "",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParse(t *testing.T) {
	q, why := Parse("  Hằng nguyen, hang!  ")
	if why != "" || q.Phrase != "hang nguyen hang" || strings.Join(q.Terms, "|") != "hang|nguyen" {
		t.Fatalf("Parse = %+v %q", q, why)
	}
	if _, why := Parse("?!…--"); why != ErrEmpty {
		t.Errorf("punctuation only: %q", why)
	}
	if _, why := Parse(strings.Repeat("a", MaxQuery+1)); why != ErrTooLong {
		t.Errorf("too long: %q", why)
	}
	if _, why := Parse(strings.Repeat("ă", MaxQuery)); why != "" {
		t.Errorf("MaxQuery characters (not bytes) are accepted: %q", why)
	}
}

// bracketed writes segments as text with the matches in brackets.
func bracketed(segs []Segment) string {
	var b strings.Builder
	for _, s := range segs {
		if s.Match {
			b.WriteString("[" + s.Text + "]")
		} else {
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

func TestHighlight(t *testing.T) {
	if got := bracketed(Highlight("Sửa đường Đông Kinh", []string{"duong", "dong"}, 0)); got != "Sửa [đường] [Đông] Kinh" {
		t.Fatalf("highlight = %q", got)
	}
	if Highlight("Sửa đường", []string{"cau"}, 0) != nil {
		t.Error("no match must give nil")
	}
	long := strings.Repeat("x ", 100) + "Hằng" + strings.Repeat(" y", 100)
	segs := Highlight(long, []string{"hang"}, 40)
	if len(segs) < 3 || segs[0].Text != "…" || segs[len(segs)-1].Text != "…" {
		t.Fatalf("window: %+v", segs)
	}
}

// Finds agrees with Highlight: a term found folded (diacritics, đ, case)
// is found, one that is not is not, nor one that only the text's words
// together would spell.
func TestFinds(t *testing.T) {
	for _, c := range []struct {
		text  string
		terms []string
	}{
		{"Sửa đường Đông Kinh", []string{"duong"}},
		{"Sửa đường Đông Kinh", []string{"cau", "kinh"}},
		{"Sửa đường Đông Kinh", []string{"cau"}},
		{"Sửa đường Đông Kinh", []string{"suaduong"}},
		{"NGUYỄN THỊ HẰNG ▇▇▇ 0912", []string{"hang"}},
		{"Hằng▇▇▇Nga", []string{"hangnga"}},
		{"Hằng▇▇▇Nga", []string{"ng"}},
		{"Nguyễn Thanh", []string{"an"}},
		{"Nguyễn Thanh", []string{"th"}},
		{"", []string{"a"}},
		{"a", nil},
	} {
		want := Highlight(c.text, c.terms, 0) != nil
		if got := Finds(c.text, c.terms); got != want {
			t.Errorf("Finds(%q, %q) = %v, Highlight finds: %v", c.text, c.terms, got, want)
		}
	}
	if !Finds("Sửa đường", []string{"duong"}) || Finds("Sửa đường", []string{"cau"}) {
		t.Error("Finds does not find what it should, or finds what it should not")
	}
}

// A term matches where it starts a word of the folded text, and nowhere
// else: not inside a word, and a phrase from a word's start.
func TestMatches(t *testing.T) {
	for _, c := range []struct {
		text, term string
		want       bool
	}{
		{"nguyen thi hang", "nguyen", true},
		{"nguyen thi hang", "ha", true},
		{"nguyen thi hang", "thi ha", true},
		{"nguyen thi hang", "guyen", false},
		{"nguyen thanh", "an", false},
		{"thanh an", "an", true},
		{"ban an", "an", true},
		{"0912345678 912345678", "9123", true},
		{"0912345678", "123", false},
		{"abc123 x", "abc12", true},
		{"abc123 x", "123", false},
		{"nguyen thi hang", "i h", false},
		{"nguyen thi hang", "", false},
		{"", "a", false},
		{"a", "ab", false},
	} {
		if got := Matches(c.text, c.term); got != c.want {
			t.Errorf("Matches(%q, %q) = %v, want %v", c.text, c.term, got, c.want)
		}
	}
	if got := bracketed(Highlight("Thanh An, bàn án", []string{"an"}, 0)); got != "Thanh [An], bàn [án]" {
		t.Errorf("highlight of word starts only = %q", got)
	}
	q, _ := Parse("an")
	if _, ok := q.Score([]string{"Nguyễn Thanh"}, []int{1}); ok {
		t.Error("Score matches inside a word")
	}
	q, _ = Parse("nguyen thi ha")
	if n, ok := q.Score([]string{"Nguyễn Thị Hằng", "x"}, []int{4, 1}); !ok || n != 3*4+2*4 {
		t.Errorf("Score of a last word typed in part, with its phrase = %d %v", n, ok)
	}
}

// A query of digit groups that looks like a phone number (nine digits or
// more, or written from + or 0084) is one term, the digits together; other
// digit groups (a number and a year, a date) and digits among words stay
// words.
func TestParsePhone(t *testing.T) {
	for in, want := range map[string]string{
		"0912 345 678":     "0912345678",
		"912 345 678":      "912345678",
		"+84 912 345 678":  "84912345678",
		"0084 912 345 678": "0084912345678",
		"+84 912":          "84912",
		"(024) 3825.1234":  "02438251234",
		"0912-345-678":     "0912345678",
		"2026":             "2026",
		"15 2026":          "15|2026",
		"07 12 2026":       "07|12|2026",
		"07.12.2026":       "07|12|2026",
		"345 678":          "345|678",
		"ngo 12 2026":      "ngo|12|2026",
		"12/2026":          "12|2026",
	} {
		q, why := Parse(in)
		if why != "" || strings.Join(q.Terms, "|") != want {
			t.Errorf("Parse(%q) = %q %q, want %q", in, q.Terms, why, want)
		}
	}
}

// foldRune reads the runes below tableEnd from a table: it must fold each
// as the decomposition does.
func TestFoldTable(t *testing.T) {
	for r := rune(0); r < tableEnd+0x100; r++ {
		if got, want := string(foldRune(r, nil)), string(foldRuneSlow(r, nil)); got != want {
			t.Fatalf("foldRune(%U) = %q, want %q", r, got, want)
		}
	}
}

// Matches over Fold, Finds, Highlight and Score are one definition of a
// match: over random texts and terms of letters with and without
// diacritics, digits, marks, combining and compatibility characters, they
// agree on every term Parse gives.
func TestMatchesAgree(t *testing.T) {
	alpha := []string{"a", "n", "h", "Ă", "ằ", "đ", "Đ", "1", "2", " ", "  ", ".", "-", "/", "▇", "ß", "Æ", "ﬁ", "²", "Ω", "д",
		"\u0303", "ʼ", "'", "İ", "ǅ", "ŉ", "\u200b", "½", "Ⅻ", "ｈ"}
	r := rand.New(rand.NewSource(1))
	word := func(n int) string { return randomText(r, alpha, n) }
	for i, bad := 0, 0; i < 50000 && bad < 8; i++ {
		text := word(12)
		q, why := Parse(word(4))
		if why != "" {
			continue
		}
		for _, term := range q.Terms {
			m := Matches(Fold(text), term)
			f := Finds(text, []string{term})
			h := Highlight(text, []string{term}, 0) != nil
			_, s := Query{Terms: []string{term}, Phrase: term}.Score([]string{text}, []int{1})
			if m != f || m != h || m != s {
				bad++
				t.Errorf("text %q term %q: Matches(Fold) %v, Finds %v, Highlight %v, Score %v (Fold %q)", text, term, m, f, h, s, Fold(text))
			}
		}
	}
}

func TestStarts(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"", ""},
		{"cong an", "a an c co con cong"},
		{"ba ban", "b ba ban"},
		{"0912345678", "0 09 091 0912 09123 091234 0912345 09123456"},
		{"nguyễn", "n ng ngu nguy nguyễ nguyễn"},
		{"abcdefgh", "a ab abc abcd abcde abcdef abcdefg abcdefgh"},
	} {
		if got := Starts(c.text); got != c.want {
			t.Errorf("Starts(%q) = %q, want %q", c.text, got, c.want)
		}
	}
	if got := Start("abcdefghij"); got != "abcdefgh" {
		t.Errorf("Start = %q", got)
	}
	if got := Start("ễễễễễễễễễ"); got != "ễễễễễễễễ" {
		t.Errorf("Start = %q", got)
	}
}

// Starts holds Start(term) for every term that Matches the text, and
// nothing that starts no word: the index of the starts misses no match.
func TestStartsAgree(t *testing.T) {
	alpha := []string{"a", "n", "h", "ằ", "đ", "1", "2", " ", "  ", ".", "д", "Ω"}
	r := rand.New(rand.NewSource(2))
	word := func(n int) string { return randomText(r, alpha, n) }
	for i, bad := 0, 0; i < 50000 && bad < 8; i++ {
		text := Fold(word(30))
		starts := strings.Fields(Starts(text))
		for _, s := range starts {
			if !Matches(text, s) || utf8.RuneCountInString(s) > StartLen {
				bad++
				t.Errorf("text %q: start %q starts no word or is too long", text, s)
			}
		}
		// The store adds a head's starts to the rest's starts.
		head := Fold(word(10))
		if got, want := Starts(head+" "+Starts(text)), Starts(head+" "+text); got != want {
			bad++
			t.Errorf("head %q text %q: Starts of the starts %q, want %q", head, text, got, want)
		}
		if got, want := AddStarts(Starts(text), head), Starts(head+" "+text); got != want {
			bad++
			t.Errorf("head %q text %q: AddStarts %q, want %q", head, text, got, want)
		}
		q, why := Parse(word(12))
		if why != "" {
			continue
		}
		for _, term := range q.Terms {
			if Matches(text, term) && !slices.Contains(starts, Start(term)) {
				bad++
				t.Errorf("text %q term %q: matches, but %q is not in Starts %q", text, term, Start(term), starts)
			}
		}
	}
}

// randomText is 1 to n pieces of alpha, drawn by r.
func randomText(r *rand.Rand, alpha []string, n int) string {
	var b strings.Builder
	for j := r.Intn(n); j >= 0; j-- {
		b.WriteString(alpha[r.Intn(len(alpha))])
	}
	return b.String()
}
