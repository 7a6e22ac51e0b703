package plan

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Role is what a unit does for a plan task.
type Role string

const (
	RoleLead       Role = "lead"       // chủ trì: the lead-unit column
	RoleCoordinate Role = "coordinate" // phối hợp: the coordinating column, when no other role is written
	RoleCompile    Role = "compile"    // tổng hợp: compiles reports
	RoleMonitor    Role = "monitor"    // theo dõi: monitors progress
	RoleChase      Role = "chase"      // đôn đốc: chases the units that do the work
)

// roleWords is the Vietnamese phrase for each role, as written in the unit
// cells. The order is the order Roles returns.
var roleWords = [...]struct {
	role  Role
	words string
}{
	{RoleLead, "chủ trì"},
	{RoleCoordinate, "phối hợp"},
	{RoleCompile, "tổng hợp"},
	{RoleMonitor, "theo dõi"},
	{RoleChase, "đôn đốc"},
}

// Roles lists every role.
func Roles() []Role {
	out := make([]Role, len(roleWords))
	for i, rw := range roleWords {
		out[i] = rw.role
	}
	return out
}

// Valid reports whether r is one of the defined roles.
func (r Role) Valid() bool { return r.Words() != "" }

// Words returns the Vietnamese phrase for the role ("tổng hợp" for compile).
func (r Role) Words() string {
	for _, rw := range roleWords {
		if rw.role == r {
			return rw.words
		}
	}
	return ""
}

// UnitKind says what a unit is. The values match package org.
type UnitKind string

const (
	KindOffice        UnitKind = "office"
	KindDivision      UnitKind = "division"
	KindServiceCentre UnitKind = "service_centre"
	KindGroup         UnitKind = "group"
)

// Codes of the units the seed plan names. They match package org.
const (
	UnitOffice        = "VP"        // Văn phòng Sở
	UnitServiceCentre = "TTPVHCC"   // the one-stop desk at the provincial service centre
	UnitDivisions     = "DIVISIONS" // group: every phòng, ban, đơn vị thuộc Sở
)

// UnitRef is one (unit, role) pair of a plan task.
type UnitRef struct {
	// Unit is the code: a directory code ("VP"), or, for a name the
	// directory does not know, a lower-case ASCII slug of the name
	// ("phong-kinh-te") with Unknown set.
	Unit string
	// Name is the unit as written in the cell, white space normalised and
	// role words removed: "Công chức, viên chức tại TTPVHCC tỉnh".
	Name    string
	Group   bool // the unit is a group that expands to its members
	Role    Role
	Unknown bool // the name is not in the directory; the office should map it
}

// KnownUnit is a unit the parser can recognise, with the written forms
// (aliases) that name it. It is the parser's view of the unit directory;
// package org holds the editable directory itself.
type KnownUnit struct {
	Code    string
	Name    string
	Kind    UnitKind
	Example bool     // an example division, not taken from the seed plan
	Aliases []string // other written forms; Name is always an alias
	// Retired: the office retired the unit. Its written forms name no unit
	// any more; an import that uses one is refused (UnknownUnitsError).
	Retired bool
	// MergedInto is the code of the unit that took over a merged unit's
	// work; the merged unit's written forms name that unit.
	MergedInto string
}

// Group reports whether the unit is a group of units.
func (u KnownUnit) Group() bool { return u.Kind == KindGroup }

// KnownUnits returns the default table of recognisable units. The office,
// the service centre and the group of divisions are those of the seed plan;
// the divisions are examples (with the codes of org.DefaultUnits), present
// so that a later plan naming e.g. "Phòng Quản lý xây dựng" maps to a code.
// Every call returns a fresh slice.
func KnownUnits() []KnownUnit {
	return []KnownUnit{
		{Code: UnitOffice, Name: "Văn phòng Sở", Kind: KindOffice, Aliases: []string{
			"Văn phòng Sở Xây dựng",
		}},
		{Code: UnitServiceCentre, Name: "Trung tâm Phục vụ hành chính công tỉnh", Kind: KindServiceCentre, Aliases: []string{
			"Trung tâm Phục vụ hành chính công",
			"Công chức, viên chức tại TTPVHCC tỉnh",
			"Công chức, viên chức tại TTPVHCC",
			"Công chức, viên chức tại Trung tâm Phục vụ hành chính công tỉnh",
			"CBCCVC tại TTPVHCC tỉnh",
			"CBCCVC tại TTPVHCC",
			"TTPVHCC tỉnh",
			"TTPVHCC",
			"Bộ phận Một cửa cấp tỉnh",
			"Bộ phận Một cửa",
			"Bộ phận Một cửa tại TTPVHCC tỉnh",
		}},
		{Code: UnitDivisions, Name: "Các phòng, ban, đơn vị thuộc Sở", Kind: KindGroup, Aliases: []string{
			"Các phòng, ban, đơn vị",
			"Các phòng, ban thuộc Sở",
			"Các phòng, đơn vị thuộc Sở",
			"Các phòng chuyên môn thuộc Sở",
			"Các phòng chuyên môn, đơn vị thuộc Sở",
			"Các đơn vị thuộc Sở",
		}},
		{Code: "PQLXD", Name: "Phòng Quản lý xây dựng", Kind: KindDivision, Example: true},
		{Code: "PQHKT", Name: "Phòng Quy hoạch - Kiến trúc", Kind: KindDivision, Example: true},
		{Code: "PPTDT", Name: "Phòng Phát triển đô thị", Kind: KindDivision, Example: true},
		{Code: "PQLN", Name: "Phòng Quản lý nhà và thị trường bất động sản", Kind: KindDivision, Example: true},
		{Code: "PKTVL", Name: "Phòng Kinh tế và Vật liệu xây dựng", Kind: KindDivision, Example: true},
		{Code: "TTRA", Name: "Thanh tra Sở", Kind: KindDivision, Example: true, Aliases: []string{"Thanh tra Sở Xây dựng"}},
	}
}

// UnitAliases returns every written form of the default table mapped to its
// unit code. Lookups fold case, white space, hyphens, commas and tone
// placement, so the keys are only the canonical spellings. Every call
// returns a fresh map.
func UnitAliases() map[string]string {
	out := map[string]string{}
	for _, u := range KnownUnits() {
		out[u.Name] = u.Code
		for _, a := range u.Aliases {
			out[a] = u.Code
		}
	}
	return out
}

// Directory recognises unit names in plan cells. It is immutable after
// NewDirectory, so one value can be shared by concurrent parses.
type Directory struct {
	units   []KnownUnit
	byCode  map[string]int
	aliases []alias // longest first, so that the longest written form wins
}

type alias struct {
	words []string // folded words, punctuation removed
	code  string
}

// NewDirectory builds a directory from a unit table, e.g. one derived from
// the office's edited unit list. Two units may not share a code or a
// written form.
func NewDirectory(units []KnownUnit) (*Directory, error) {
	d := &Directory{byCode: map[string]int{}}
	owner := map[string]string{}
	for i, u := range units {
		if u.Code == "" || u.Name == "" {
			return nil, fmt.Errorf("plan: unit %d needs a code and a name", i+1)
		}
		if _, dup := d.byCode[u.Code]; dup {
			return nil, fmt.Errorf("plan: unit code %s is repeated", u.Code)
		}
		u.Aliases = append([]string(nil), u.Aliases...)
		d.byCode[u.Code] = len(d.units)
		d.units = append(d.units, u)
		for _, a := range append([]string{u.Name}, u.Aliases...) {
			words := phraseWords(a)
			if len(words) == 0 {
				return nil, fmt.Errorf("plan: unit %s has an empty alias", u.Code)
			}
			k := strings.Join(words, " ")
			if c, dup := owner[k]; dup && c != u.Code {
				return nil, fmt.Errorf("plan: %q names both %s and %s", a, c, u.Code)
			} else if dup {
				continue
			}
			owner[k] = u.Code
			d.aliases = append(d.aliases, alias{words: words, code: u.Code})
		}
	}
	sort.SliceStable(d.aliases, func(i, j int) bool { return len(d.aliases[i].words) > len(d.aliases[j].words) })
	return d, nil
}

// defaultDirectory is built once; Directory is immutable, so sharing it is
// safe.
var defaultDirectory = sync.OnceValue(func() *Directory {
	d, err := NewDirectory(KnownUnits())
	if err != nil {
		panic(err) // the built-in table is a constant; a conflict is a bug caught by tests
	}
	return d
})

// DefaultDirectory returns the directory built from KnownUnits.
func DefaultDirectory() *Directory { return defaultDirectory() }

// Units returns the directory's units.
func (d *Directory) Units() []KnownUnit {
	out := make([]KnownUnit, len(d.units))
	for i, u := range d.units {
		u.Aliases = append([]string(nil), u.Aliases...)
		out[i] = u
	}
	return out
}

// Lookup finds the unit that a whole written form names.
func (d *Directory) Lookup(written string) (KnownUnit, bool) {
	words := phraseWords(written)
	for _, a := range d.aliases {
		if equalWords(a.words, words) {
			return d.units[d.byCode[a.code]], true
		}
	}
	return KnownUnit{}, false
}

// Members returns the codes a group expands to. The only group kind the
// plans use is "every division", so a group's members are the divisions of
// the directory; a non-group unit is its own single member.
func (d *Directory) Members(code string) []string {
	i, ok := d.byCode[code]
	if !ok {
		return nil
	}
	if !d.units[i].Group() {
		return []string{code}
	}
	var out []string
	for _, u := range d.units {
		if u.Kind == KindDivision {
			out = append(out, u.Code)
		}
	}
	return out
}

// ParseUnitCell reads a lead or coordinating cell with the default
// directory. See Directory.ParseCell.
func ParseUnitCell(cell string, base Role) ([]UnitRef, error) {
	return DefaultDirectory().ParseCell(cell, base)
}

// ParseCell reads a lead or coordinating cell into one UnitRef per
// (unit, role). base is the role the column gives (RoleLead for the lead
// column, RoleCoordinate for the coordinating one, "" for none).
//
// A cell names one or more units, each optionally followed by role words:
// "Văn phòng Sở tổng hợp, theo dõi" is VP with compile and monitor;
// "Văn phòng Sở đôn đốc theo dõi, tổng hợp" is VP with chase, monitor and
// compile. The column's role combines with the role words as follows:
//
//   - lead is always kept, because the lead column says who answers for the
//     task whatever else the unit does ("Văn phòng Sở đôn đốc" in the lead
//     column is VP with lead and chase);
//   - coordinate is only the default: a unit in the coordinating column
//     with role words gets exactly those roles. "Văn phòng Sở tổng hợp" in
//     that column means the office compiles the divisions' reports, not that
//     it also coordinates the work; adding coordinate would count it twice
//     in per-unit breakdowns.
//
// Units are recognised by the longest written form in the directory,
// ignoring case, commas, hyphens and tone placement; text that matches no
// unit becomes an Unknown reference with a slug code, split at ";" and at
// "," or "và" when the next word starts a unit name ("Phòng …", "Ban …").
// Role words written before any unit apply to the next unit. The result
// lists each unit once, in order of appearance, its roles together with
// lead first. A cell with role words but no unit is an error; an empty cell
// gives no references.
func (d *Directory) ParseCell(cell string, base Role) ([]UnitRef, error) {
	toks := tokenize(cell)
	var (
		mentions []mention
		pending  []Role // role words before the first unit
		unknown  []token
	)
	flush := func() {
		for _, piece := range splitUnknown(unknown) {
			name := joinTokens(piece)
			// Role words written before any unit go to the first one.
			mentions = append(mentions, mention{ref: UnitRef{Unit: slug(name), Name: name, Unknown: true}, roles: pending})
			pending = nil
		}
		unknown = nil
	}
	addRole := func(r Role) {
		if len(mentions) == 0 {
			pending = append(pending, r)
			return
		}
		m := &mentions[len(mentions)-1]
		m.roles = append(m.roles, r)
	}
	for i := 0; i < len(toks); {
		if !toks[i].punct {
			if code, end := d.matchAlias(toks, i); end > i {
				flush()
				u := d.units[d.byCode[code]]
				mentions = append(mentions, mention{
					ref:   UnitRef{Unit: code, Name: joinTokens(toks[i:end]), Group: u.Group()},
					roles: pending,
				})
				pending, i = nil, end
				continue
			}
			if r, end := matchRole(toks, i); end > i {
				flush()
				addRole(r)
				i = end
				continue
			}
		}
		if len(unknown) == 0 && toks[i].separator() {
			i++ // separators between units and roles carry no meaning
			continue
		}
		unknown = append(unknown, toks[i])
		i++
	}
	flush()
	if len(mentions) == 0 {
		if len(pending) > 0 {
			return nil, &cellError{
				expected: msg{"a unit name with the role words", "tên đơn vị đi kèm vai trò"},
				got:      same(quote(normalizeSpace(cell))),
			}
		}
		return nil, nil
	}
	var refs []UnitRef
	for _, m := range mentions {
		roles := m.roles
		switch {
		case base == RoleLead:
			roles = append([]Role{RoleLead}, roles...)
		case base != "" && len(roles) == 0:
			roles = []Role{base}
		}
		for _, r := range roles {
			ref := m.ref
			ref.Role = r
			refs = append(refs, ref)
		}
	}
	return canonicalUnits(refs), nil
}

type mention struct {
	ref   UnitRef
	roles []Role
}

// cellError is a problem inside one cell; the caller knows the line.
type cellError struct{ expected, got msg }

func (e *cellError) Error() string {
	return fmt.Sprintf("plan: expected %s, got %s", e.expected.en, e.got.en)
}

// canonicalUnits gives a task's references one fixed order: units in order
// of first appearance, units holding the lead role first, and within a unit
// lead first, then the other roles in order of appearance, each once. Only
// (unit, role) pairs matter, and a fixed order makes the CSV round trip
// exact and comparisons meaningful. The name of a unit is the first one
// written.
func canonicalUnits(refs []UnitRef) []UnitRef {
	type group struct {
		first UnitRef
		roles []Role
		lead  bool
	}
	var groups []*group
	byUnit := map[string]*group{}
	for _, r := range refs {
		g := byUnit[r.Unit]
		if g == nil {
			g = &group{first: r}
			byUnit[r.Unit] = g
			groups = append(groups, g)
		}
		if r.Role == RoleLead {
			g.lead = true
			continue
		}
		dup := false
		for _, have := range g.roles {
			dup = dup || have == r.Role
		}
		if !dup {
			g.roles = append(g.roles, r.Role)
		}
	}
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].lead && !groups[j].lead })
	var out []UnitRef
	for _, g := range groups {
		roles := g.roles
		if g.lead {
			roles = append([]Role{RoleLead}, roles...)
		}
		for _, role := range roles {
			r := g.first
			r.Role = role
			out = append(out, r)
		}
	}
	return out
}

// renderCells writes references back into the lead and coordinating cells
// in the human form the appendix uses, so that ParseCell reads them back to
// the same references: "Văn phòng Sở đôn đốc" (lead and chase), "Văn phòng
// Sở tổng hợp, theo dõi" (compile and monitor). Units are separated by "; ",
// which ParseCell never takes as part of a name.
func renderCells(refs []UnitRef) (lead, coordinating string) {
	var leads, coords []string
	refs = canonicalUnits(refs)
	for i := 0; i < len(refs); {
		j := i
		var roles []Role
		for j < len(refs) && refs[j].Unit == refs[i].Unit {
			roles = append(roles, refs[j].Role)
			j++
		}
		name := refs[i].Name
		if roles[0] == RoleLead {
			leads = append(leads, withRoles(name, roles[1:]))
		} else if len(roles) == 1 && roles[0] == RoleCoordinate {
			coords = append(coords, name)
		} else {
			coords = append(coords, withRoles(name, roles))
		}
		i = j
	}
	return strings.Join(leads, "; "), strings.Join(coords, "; ")
}

func withRoles(name string, roles []Role) string {
	if len(roles) == 0 {
		return name
	}
	words := make([]string, len(roles))
	for i, r := range roles {
		words[i] = r.Words()
	}
	return name + " " + strings.Join(words, ", ")
}

// token is a word or one of the punctuation marks , ; : that separate
// units and roles in a cell.
type token struct {
	text   string // as written
	folded string // comparison form
	punct  bool
}

// separator reports whether the token only separates items: punctuation,
// "và" (and) or a dash.
func (t token) separator() bool {
	return t.punct || t.folded == "và" || t.folded == "-" || t.folded == "+"
}

func tokenize(s string) []token {
	var toks []token
	for _, w := range strings.Fields(s) {
		for w != "" {
			i := strings.IndexAny(w, ",;:")
			if i < 0 {
				toks = append(toks, token{text: w, folded: foldWord(w)})
				break
			}
			if i > 0 {
				toks = append(toks, token{text: w[:i], folded: foldWord(w[:i])})
			}
			toks = append(toks, token{text: w[i : i+1], folded: w[i : i+1], punct: true})
			w = w[i+1:]
		}
	}
	return toks
}

// joinTokens writes tokens back with normalised spacing: a space between
// words, punctuation attached to the word before it.
func joinTokens(toks []token) string {
	var b strings.Builder
	for _, t := range toks {
		if b.Len() > 0 && !t.punct {
			b.WriteByte(' ')
		}
		b.WriteString(t.text)
	}
	return b.String()
}

// skippable reports whether a token may be skipped while matching a
// phrase: commas and hyphens vary between typists ("Các phòng ban, đơn vị",
// "Quy hoạch – Kiến trúc") without changing the name.
func (t token) skippable() bool { return t.folded == "," || t.folded == "-" }

// FoldName is the form two written unit names are compared in: case,
// tone placement, commas, hyphens and spacing folded. Two names with the
// same FoldName name the same unit for the parser.
func FoldName(s string) string { return strings.Join(phraseWords(s), " ") }

// phraseWords is the folded word sequence of a phrase, punctuation removed.
func phraseWords(s string) []string {
	var out []string
	for _, t := range tokenize(s) {
		if !t.punct && !t.skippable() {
			out = append(out, t.folded)
		}
	}
	return out
}

func equalWords(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// matchWords matches the folded words of a phrase at toks[i], skipping
// commas and hyphens between them, and returns the index after the last
// matched token, or i when the phrase does not match.
func matchWords(toks []token, i int, words []string) int {
	j := i
	for k, w := range words {
		if k > 0 {
			for j < len(toks) && toks[j].skippable() {
				j++
			}
		}
		if j >= len(toks) || toks[j].folded != w {
			return i
		}
		j++
	}
	return j
}

func (d *Directory) matchAlias(toks []token, i int) (string, int) {
	for _, a := range d.aliases {
		if end := matchWords(toks, i, a.words); end > i {
			return a.code, end
		}
	}
	return "", i
}

func matchRole(toks []token, i int) (Role, int) {
	for _, rw := range roleWords {
		if end := matchWords(toks, i, phraseWords(rw.words)); end > i {
			return rw.role, end
		}
	}
	return "", i
}

// unitHeads are the first words of Vietnamese unit names. An unknown run is
// split at "," or "và" only before one of them, because names themselves
// contain commas and "và" ("Phòng Kinh tế, Hạ tầng và Đô thị").
var unitHeads = map[string]bool{
	"phòng": true, "ban": true, "văn": true, "trung": true, "chi": true,
	"thanh": true, "sở": true, "ủy": true, "ubnd": true, "đội": true,
	"cục": true, "tổ": true, "bộ": true, "công": true, "các": true,
	"đơn": true, "hội": true, "viện": true, "cbccvc": true,
}

// splitUnknown cuts a run of unrecognised tokens into unit names and trims
// separators from each end.
func splitUnknown(toks []token) [][]token {
	var out [][]token
	start := 0
	cut := func(end int) {
		piece := toks[start:end]
		for len(piece) > 0 && piece[0].separator() {
			piece = piece[1:]
		}
		for len(piece) > 0 && piece[len(piece)-1].separator() {
			piece = piece[:len(piece)-1]
		}
		if len(piece) > 0 {
			out = append(out, piece)
		}
	}
	for i, t := range toks {
		split := t.folded == ";" ||
			((t.folded == "," || t.folded == "và") && i+1 < len(toks) && unitHeads[toks[i+1].folded])
		if split {
			cut(i)
			start = i + 1
		}
	}
	cut(len(toks))
	return out
}
