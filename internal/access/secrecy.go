package access

import (
	"regexp"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Identity is who filed a case: the fields the law keeps secret for a
// denouncer (Luật Tố cáo Art. 9(1)(b): name, address, handwriting and other
// personal information) and that NĐ 154/2026 Art. 12(2) keeps within the
// staff working on any case.
type Identity struct {
	Name     string
	Address  string
	Phone    string
	Email    string
	IDNumber string
}

// Values lists the non-empty fields, for scrubbing free text.
func (id Identity) Values() []string {
	var out []string
	for _, v := range []string{id.Name, id.Address, id.Phone, id.Email, id.IDNumber} {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// IdentityView is what an output path may show of an identity. Build it
// with [ViewIdentity] and nothing else: every page, API response, export,
// alert and log line that mentions a petitioner goes through it.
type IdentityView struct {
	// Shown: Identity is filled and may be displayed.
	Shown bool
	Identity
	// Secret: the case is a denunciation under secrecy.
	Secret bool
	// Waived: the denouncer waived secrecy; shown as a flag.
	Waived bool
	// CanReveal: the actor may reveal it, giving a reason that is logged.
	CanReveal bool
}

// ViewIdentity redacts id for the actor. A denouncer's identity under
// secrecy is never shown here, even to a permitted actor: reading it is a
// separate, logged act ([Service.RevealIdentity]). Other petitioners'
// contact shows only to staff who work on the case.
func ViewIdentity(a Actor, c CaseScope, id Identity) IdentityView {
	v := IdentityView{Secret: c.SecretIdentity(), Waived: c.Denunciation && c.SecrecyWaived}
	if v.Secret {
		v.CanReveal = Can(a, ActIdentityRead, &c)
		return v
	}
	if Can(a, ActContactRead, &c) {
		v.Shown, v.Identity = true, id
	}
	return v
}

// Redaction is what replaces identifying text.
const Redaction = "▇▇▇"

// ScrubText removes the identity from free text (the letter's content may
// name its author; Art. 56(2) asks for exactly this before a file goes to
// the verifying unit). It matches the case's own identity record the way
// people actually write it (see identityMatcher): names with or without
// diacritics, the given name after an honorific, phones in every common
// Vietnamese form, the e-mail, the house number and street of the address,
// the ID number.
func ScrubText(text string, id Identity) string {
	out, _ := scrub(text, id, func(string) string { return Redaction })
	return out
}

var (
	// phoneLike is a Vietnamese mobile or landline as people write it in
	// a letter: 0, +84 or 84, then 8 to 11 digits with spaces, dots,
	// dashes or brackets between them ("(0205) 3812 345", "+84 (0) 912…").
	phoneLike = regexp.MustCompile(`\(?(?:\+?84|0)(?:[\s.\-()]{0,2}\d){8,11}`)
	emailLike = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	idLike    = regexp.MustCompile(`\b\d{9}(?:\d{3})?\b`)
)

// ScrubShapes removes anything shaped like a phone number, an e-mail
// address or an ID number, whoever's it is: for texts that leave the
// office (exports, public pages) and titles of sealed cases.
func ScrubShapes(text string) string {
	text = emailLike.ReplaceAllString(text, Redaction)
	text = phoneLike.ReplaceAllString(text, Redaction)
	return idLike.ReplaceAllString(text, Redaction)
}

// SealedTitle is the title of a case as staff lists, case pages and the
// API show it: a case whose identity is sealed has its title treated like
// its content (denouncers do write "Tố cáo của [name] [phone]"), scrubbed
// of the identity and of anything shaped like a phone, e-mail or ID
// number. Only the reveal, with the grant and a reason, shows the identity.
func SealedTitle(c CaseScope, title string, id Identity) string {
	return SealedTitleWith(c, title, func(t string) string { return ScrubText(t, id) })
}

// SealedTitleWith is SealedTitle with the identity's Scrubber, for a
// caller that scrubs more texts of the same identity (the matcher is a
// regular expression compiled per identity).
func SealedTitleWith(c CaseScope, title string, scrub func(string) string) string {
	if !c.SecretIdentity() {
		return title
	}
	return ScrubShapes(scrub(title))
}

// Removed is a part of a text that redaction took out.
type Removed struct {
	// Text is what was removed, for the preview the office reads before
	// publishing (it already may read the text).
	Text string
}

// ScrubPreview is ScrubText that also returns the redacted text with each
// removed part wrapped by mark (for a preview that highlights them), and
// the parts removed.
func ScrubPreview(text string, id Identity, mark func(removed string) string) (scrubbed, marked string, removed []Removed) {
	scrubbed, removed = scrub(text, id, func(string) string { return Redaction })
	marked, _ = scrub(text, id, mark)
	return scrubbed, marked, removed
}

// ContainsIdentity says whether text still holds any form of the identity
// that ScrubText would remove.
func ContainsIdentity(text string, id Identity) bool {
	_, removed := scrub(text, id, func(string) string { return Redaction })
	return len(removed) > 0
}

// MentionsIdentity is the stricter check before a text leaves the office
// (publication): ContainsIdentity, or the given name alone as a word,
// which redaction leaves (a given name is often an ordinary word) but a
// public text must not carry next to the case.
func MentionsIdentity(text string, id Identity) bool {
	if ContainsIdentity(text, id) {
		return true
	}
	name := words(fold(id.Name))
	if len(name) == 0 || len([]rune(name[len(name)-1])) < 3 {
		return false
	}
	for _, w := range words(fold(text)) {
		if w == name[len(name)-1] {
			return true
		}
	}
	return false
}

func scrub(text string, id Identity, repl func(string) string) (string, []Removed) {
	return scrubWith(identityMatcher(id), text, repl)
}

// Scrubber is ScrubText for many texts of one identity: the matcher is
// built once, and only if one of the texts may hold the identity.
func Scrubber(id Identity) func(string) string {
	m := identityMatcher(id)
	return func(text string) string {
		out, _ := scrubWith(m, text, func(string) string { return Redaction })
		return out
	}
}

func scrubWith(m *matcher, text string, repl func(string) string) (string, []Removed) {
	if m == nil || text == "" {
		return text, nil
	}
	orig := []rune(text)
	folded, at := foldRunes(orig)
	if !m.mayMatch(folded) {
		return text, nil
	}
	re := m.compiled()
	if re == nil {
		return text, nil
	}
	// Matches are found on the folded text and mapped back to the original
	// runes, so "Lê Thị Mật", "LE THI MAT" and "le thi mat" are one name.
	var b strings.Builder
	var removed []Removed
	last := 0
	fs := string(folded)
	// byte offset in fs -> rune index in folded
	runeAt := make([]int, len(fs)+1)
	{
		ri := 0
		for bi := range fs {
			runeAt[bi] = ri
			ri++
		}
		runeAt[len(fs)] = ri
	}
	for _, loc := range re.FindAllStringSubmatchIndex(fs, -1) {
		// Group 1 when present is the part to remove (the given name after
		// an honorific keeps the honorific).
		s, e := loc[0], loc[1]
		for g := 1; g*2+1 < len(loc); g++ {
			if loc[g*2] >= 0 {
				s, e = loc[g*2], loc[g*2+1]
				break
			}
		}
		if e <= s {
			continue
		}
		os, oe := at[runeAt[s]], at[runeAt[e]-1]+1
		// Combining marks that follow the last rune belong to it.
		for oe < len(orig) && unicode.Is(unicode.Mn, orig[oe]) {
			oe++
		}
		if os < last {
			continue
		}
		b.WriteString(string(orig[last:os]))
		part := string(orig[os:oe])
		b.WriteString(repl(part))
		removed = append(removed, Removed{Text: part})
		last = oe
	}
	if len(removed) == 0 {
		return text, nil
	}
	b.WriteString(string(orig[last:]))
	return b.String(), removed
}

// foldRunes lower-cases runes, drops Vietnamese diacritics and folds đ to
// d. at[i] is the index in orig of the folded rune i; combining marks fold
// to nothing.
func foldRunes(orig []rune) ([]rune, []int) {
	out := make([]rune, 0, len(orig))
	at := make([]int, 0, len(orig))
	for i, r := range orig {
		f := foldRune(r)
		if f < 0 {
			continue
		}
		out = append(out, f)
		at = append(at, i)
	}
	return out, at
}

func foldRune(r rune) rune {
	if 0 <= r && r < foldTableEnd {
		return foldTable()[r]
	}
	return foldRuneSlow(r)
}

// foldTableEnd is where foldTable ends: past every Latin letter
// (Vietnamese's are in Latin-1, Latin Extended-A/B and Latin Extended
// Additional, U+1E00–U+1EFF), Greek and Cyrillic.
const foldTableEnd = 0x2000

// foldTable is foldRuneSlow of each rune below foldTableEnd, worked out
// once: a rune's decomposition (norm.NFD) costs far more than the scrub
// around it, and every rune of a text is folded before it is scrubbed.
var foldTable = sync.OnceValue(func() []rune {
	t := make([]rune, foldTableEnd)
	for r := range rune(foldTableEnd) {
		t[r] = foldRuneSlow(r)
	}
	return t
})

// foldRuneSlow is foldRune worked out from the rune's decomposition.
func foldRuneSlow(r rune) rune {
	if unicode.Is(unicode.Mn, r) {
		return -1
	}
	switch r {
	case 'đ', 'Đ':
		return 'd'
	}
	if r >= 0x80 {
		// The first rune of the canonical decomposition is the base letter
		// (ệ → e + ̣ + ̂).
		if d := norm.NFD.String(string(r)); d != "" {
			for _, x := range d {
				r = x
				break
			}
		}
		// Runes the matcher's (?i) takes as one (ſ and s, the Kelvin sign
		// and k, σ and ς) fold to one of them, the least, so that the
		// literal prefilter (matcher.mayMatch) sees what the expression
		// would.
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		r = least
	}
	return unicode.ToLower(r)
}

// fold is foldRunes for a whole string.
func fold(s string) string {
	f, _ := foldRunes([]rune(s))
	return string(f)
}

// Honorifics are the words before a given name in Vietnamese letters
// ("bà Ngọc", "anh Tuấn"), folded.
var Honorifics = []string{"anh", "chi", "ong", "ba", "em", "co", "chu", "bac", "di", "thim", "mo", "cau", "con", "chau"}

// addressMarkers are the words before a house number or a street name,
// folded.
var addressMarkers = regexp.MustCompile(`^(?:so nha|so|nha so|duong|pho|ngo|ngach|hem|kiet|to|thon|xom|khoi|ban)\s+`)

// words splits folded text into words of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '/' })
}

// sepWords joins quoted words with flexible separators.
func sepWords(ws []string) string {
	q := make([]string, len(ws))
	for i, w := range ws {
		q[i] = regexp.QuoteMeta(w)
	}
	return `\b` + strings.Join(q, `[\s.,\-_]+`) + `\b`
}

// digitsPattern matches the digits with any spaces, dots, dashes or
// brackets between them.
func digitsPattern(d string) string {
	var b strings.Builder
	for i, r := range d {
		if i > 0 {
			b.WriteString(`[\s.\-()]*`)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// phoneNational is the phone's national significant number: without the
// leading 0, 84 or +84.
func phoneNational(p string) string {
	d := strings.Map(keepDigits, p)
	switch {
	case strings.HasPrefix(strings.TrimSpace(p), "+84"), strings.HasPrefix(d, "84") && len(d) >= 11:
		d = d[2:]
	case strings.HasPrefix(d, "0"):
		d = d[1:]
	}
	return d
}

// matcher finds every form of one identity in folded text. Compiling its
// regular expression is most of a scrub's cost (about 100 kB of
// allocations), and most letters do not name their author, so a text is
// first checked for the literals each form must contain: the matcher
// compiles only when all of one form's are there.
type matcher struct {
	expr string
	// words are, for each name, e-mail or address form, the folded
	// literals a match of it contains, all of them.
	words [][]string
	// digits are digit runs, one of which is in the text's digits (every
	// other rune dropped) when a phone or ID number form matches.
	digits []string

	once sync.Once
	re   *regexp.Regexp
}

// mayMatch says whether folded text holds one of the literals every form
// of the identity contains; false means no form can match.
func (m *matcher) mayMatch(folded []rune) bool {
	if len(m.words) > 0 {
		s := string(folded)
	forms:
		for _, all := range m.words {
			for _, w := range all {
				if !strings.Contains(s, w) {
					continue forms
				}
			}
			return true
		}
	}
	if len(m.digits) > 0 {
		d := make([]byte, 0, len(folded))
		for _, r := range folded {
			if r >= '0' && r <= '9' {
				d = append(d, byte(r))
			}
		}
		for _, x := range m.digits {
			if strings.Contains(string(d), x) {
				return true
			}
		}
	}
	return false
}

func (m *matcher) compiled() *regexp.Regexp {
	m.once.Do(func() {
		if re, err := regexp.Compile(m.expr); err == nil {
			m.re = re
		}
	})
	return m.re
}

// identityMatcher builds one regular expression over folded text for
// every form of the identity, with the literals that prefilter it; nil
// when the identity is empty.
func identityMatcher(id Identity) *matcher {
	var alts []string
	m := &matcher{}
	add := func(p string) {
		if p != "" {
			alts = append(alts, p)
		}
	}
	// form records the literals one form's matches all contain.
	form := func(ws ...string) {
		m.words = append(m.words, ws)
	}
	// The e-mail first: at the same position it wins over the name its
	// local part may spell (le.thi.mat@...).
	if e := strings.TrimSpace(fold(id.Email)); e != "" {
		add(regexp.QuoteMeta(e))
		if local, _, _ := strings.Cut(e, "@"); local != "" {
			form(local)
		} else {
			form(e)
		}
		if local, _, ok := strings.Cut(e, "@"); ok && len(local) >= 4 {
			add(`\b` + regexp.QuoteMeta(local) + `\b`)
		}
	}
	if name := words(fold(id.Name)); len(name) > 0 {
		// Every name form holds the given name.
		form(name[len(name)-1])
		// The whole name, and the name without the family name.
		add(sepWords(name))
		if len(name) >= 3 {
			add(sepWords(name[1:]))
		}
		// The given name (and middle + given) after an honorific: the
		// honorific stays, the name goes (group 1 or 2).
		given := name[len(name)-1]
		if len([]rune(given)) >= 2 {
			h := `\b(?:` + strings.Join(Honorifics, "|") + `)[\s.,]+`
			if len(name) >= 2 {
				add(h + `(` + sepWords(name[len(name)-2:]) + `)`)
			}
			add(h + `(` + sepWords([]string{given}) + `)`)
		}
	}
	if d := phoneNational(id.Phone); len(d) >= 6 {
		add(`(?:\(?\+?[\s]*84\)?[\s.\-]*|\b0)?` + digitsPattern(d))
		m.digits = append(m.digits, d)
	}
	if d := strings.Map(keepDigits, id.IDNumber); len(d) >= 6 {
		add(digitsPattern(d))
		m.digits = append(m.digits, d)
	}
	if a := strings.TrimSpace(fold(id.Address)); a != "" {
		seg, _, _ := strings.Cut(a, ",")
		if ws := words(seg); len(ws) >= 2 {
			add(sepWords(ws))
			form(ws...)
		}
		// The house number and the street: "Số 7 đường Bà Triệu", "7 Bà
		// Triệu", "số 7 Bà Triệu".
		rest := strings.TrimSpace(seg)
		for {
			r := addressMarkers.ReplaceAllString(rest, "")
			if r == rest {
				break
			}
			rest = r
		}
		ws := words(rest)
		if len(ws) >= 2 && strings.IndexFunc(ws[0], unicode.IsDigit) >= 0 {
			street := ws[1:]
			for len(street) > 0 && addressMarkers.MatchString(street[0]+" ") {
				street = street[1:]
			}
			if len(street) > 0 {
				form(append([]string{ws[0]}, street...)...)
				add(`(?:\b(?:so nha|so|nha so)[\s.]*)?\b` + regexp.QuoteMeta(ws[0]) + `\b[\s.,]*(?:(?:duong|pho|ngo|ngach|hem)[\s.]+)?` + sepWords(street))
			}
		}
	}
	if len(alts) == 0 {
		return nil
	}
	m.expr = `(?i)(?:` + strings.Join(alts, `)|(?:`) + `)`
	return m
}

func keepDigits(r rune) rune {
	if r >= '0' && r <= '9' {
		return r
	}
	return -1
}
