package plan

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// normalizeSpace collapses every run of white space into one ASCII space and
// trims both ends. strings.Fields splits on Unicode white space, so the
// no-break spaces that Word puts into exported tables are handled too.
func normalizeSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// toneFolder maps the old-style tone placement ("hoà", "thuỷ") to the
// new-style one ("hòa", "thủy"). Both are correct Vietnamese and both occur
// in official documents, so matching must not depend on which one a typist
// used. It is applied to both sides of a comparison, so words where the
// replacement is linguistically wrong ("toàn") still compare equal.
var toneFolder = strings.NewReplacer(
	"oà", "òa", "oá", "óa", "oả", "ỏa", "oã", "õa", "oạ", "ọa",
	"oè", "òe", "oé", "óe", "oẻ", "ỏe", "oẽ", "õe", "oẹ", "ọe",
	"uỳ", "ùy", "uý", "úy", "uỷ", "ủy", "uỹ", "ũy", "uỵ", "ụy",
	"–", "-", "—", "-",
)

// fold returns the comparison form of s: space-normalised, lower-cased, with
// a canonical tone placement and plain hyphens. It keeps the diacritics,
// because in Vietnamese they distinguish words ("ban" board, "bán" sell).
func fold(s string) string {
	return toneFolder.Replace(strings.ToLower(normalizeSpace(s)))
}

// foldWord is fold for a string known to hold no white space (a token),
// skipping the space normalisation.
func foldWord(w string) string { return toneFolder.Replace(strings.ToLower(w)) }

// containsFolded reports whether needle occurs in s, both folded. Literals
// must go through fold too: fold("hoạch") is "họach".
func containsFolded(s, needle string) bool { return strings.Contains(fold(s), fold(needle)) }

// diacriticGroups lists, per ASCII base letter, the lower-case Vietnamese
// letters that carry it. Used only to build ASCII slugs.
var diacriticGroups = [...]struct {
	base rune
	set  string
}{
	{'a', "àáảãạăằắẳẵặâầấẩẫậ"},
	{'e', "èéẻẽẹêềếểễệ"},
	{'i', "ìíỉĩị"},
	{'o', "òóỏõọôồốổỗộơờớởỡợ"},
	{'u', "ùúủũụưừứửữự"},
	{'y', "ỳýỷỹỵ"},
	{'d', "đ"},
}

func stripDiacritic(r rune) rune {
	for _, g := range diacriticGroups {
		if strings.ContainsRune(g.set, r) {
			return g.base
		}
	}
	return r
}

// slug turns a unit name into a lower-case ASCII code such as
// "phong-quan-ly-xay-dung". Known unit codes are upper case, so a slug can
// never collide with one, and its case alone tells a reader that the unit
// was not in the directory.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		r = stripDiacritic(r)
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "unit"
	}
	return b.String()
}

var romanValues = [...]struct {
	value   int
	numeral string
}{
	{10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"},
}

// toRoman formats 1..39 as a roman numeral; PAPI has eight dimensions, so
// larger numbers never occur.
func toRoman(n int) string {
	if n <= 0 || n >= 40 {
		return ""
	}
	var b strings.Builder
	for _, rv := range romanValues {
		for n >= rv.value {
			b.WriteString(rv.numeral)
			n -= rv.value
		}
	}
	return b.String()
}

// parseRoman accepts only canonical numerals (I..XXXIX), so "IIII" or "VX"
// are not mistaken for dimension rows.
func parseRoman(s string) (int, bool) {
	if s == "" || len(s) > 7 {
		return 0, false
	}
	for n := 1; n < 40; n++ {
		if toRoman(n) == s {
			return n, true
		}
	}
	return 0, false
}

// taskNumber normalises the STT cell of a task: "" (unnumbered), or a
// positive decimal number, optionally written with a trailing "." or ")".
func taskNumber(s string) (string, bool) {
	if s == "" {
		return "", true
	}
	s = strings.TrimRight(s, ".)")
	if s == "" || len(s) > 4 {
		return "", false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || strings.ContainsAny(s, "+-") {
		return "", false
	}
	return strconv.Itoa(n), true
}

// quote shows a piece of input in an error message: quoted, so that empty
// cells and trailing spaces are visible, and shortened, so that a long cell
// does not drown the message.
func quote(s string) string {
	const max = 60
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		s = string(r[:max]) + "…"
	}
	return strconv.Quote(s)
}

// isoDate formats a civil date, rejecting impossible ones such as 31/2.
func isoDate(y, m, d int) (string, bool) {
	if y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return "", false
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d), true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// parseDate reads a civil date as written in Vietnamese documents:
// "11/6/2025", "11/ 6/2025" (Word's alignment space), "11-06-2025",
// "ngày 11 tháng 6 năm 2025", or ISO "2025-06-11". It returns "YYYY-MM-DD".
func parseDate(s string) (string, bool) {
	f := strings.Join(strings.Fields(fold(s)), "")
	f = strings.TrimPrefix(f, "ngày")
	if len(f) == 10 && f[4] == '-' && f[7] == '-' {
		return atoiDate(f[:4], f[5:7], f[8:])
	}
	for _, sep := range []string{"/", "-", "."} {
		parts := strings.Split(f, sep)
		if len(parts) == 3 && len(parts[2]) == 4 && len(parts[0]) <= 2 && len(parts[1]) <= 2 {
			return atoiDate(parts[2], parts[1], parts[0])
		}
	}
	if i := strings.Index(f, "tháng"); i > 0 {
		if j := strings.Index(f, "năm"); j > i {
			return atoiDate(f[j+len("năm"):], f[i+len("tháng"):j], f[:i])
		}
	}
	return "", false
}

func atoiDate(ys, ms, ds string) (string, bool) {
	y, err1 := strconv.Atoi(ys)
	m, err2 := strconv.Atoi(ms)
	d, err3 := strconv.Atoi(ds)
	if err1 != nil || err2 != nil || err3 != nil || len(ys) != 4 ||
		strings.ContainsAny(ys+ms+ds, "+-") {
		return "", false
	}
	return isoDate(y, m, d)
}
