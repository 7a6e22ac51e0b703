package present

import (
	"regexp"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/i18n"
)

// People are the colleagues a trail names, keyed by actor label
// (access.Service.People).
type People map[string]access.Person

// Who names the actor of a trail entry, a draft or a request for staff:
// a colleague by name and unit, the jobs and the software's built-in
// tables as "Hệ thống"/"System", a citizen as the petitioner; never an
// account id or an e-mail. An account not in people (deleted, or people
// not read) is "a staff member".
func Who(cat *i18n.Catalog, lang, label string, people People) string {
	if p, ok := people[label]; ok && p.Name != "" {
		if p.Unit != "" {
			return p.Name + " (" + p.Unit + ")"
		}
		return p.Name
	}
	switch _, isAccount := access.LabelAccount(label); {
	case isAccount:
		return cat.T(lang, "actor.staff", nil)
	case label == "petitioner":
		return cat.T(lang, "actor.petitioner", nil)
	}
	// "system", "scheduler", "built-in", a CLI's name: the software.
	return cat.T(lang, "actor.system", nil)
}

// labelInWords is an actor label written into a sentence by older rows
// ("… được sửa bởi account:2 canbo@sxd.gov.vn."), or the built-in tables'.
var labelInWords = regexp.MustCompile(`account:\d+ [^\s,;()]*[^\s,;().]( \(token \d+\))?|\bbuilt-in\b`)

// nameLabels replaces the actor labels inside words with the people's
// names (Who).
func nameLabels(cat *i18n.Catalog, lang, words string, people People) string {
	return labelInWords.ReplaceAllStringFunc(words, func(l string) string { return Who(cat, lang, l, people) })
}
