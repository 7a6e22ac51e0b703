package deadline

import (
	"testing"

	"github.com/phucdap/phucdap/internal/calendar"
)

// bracketDepth is the deepest nesting of round brackets in s.
func bracketDepth(s string) int {
	depth, deepest := 0, 0
	for _, r := range s {
		switch r {
		case '(':
			depth++
			deepest = max(deepest, depth)
		case ')':
			depth--
		}
	}
	return deepest
}

// An explanation never nests brackets three deep: the legal basis of a
// rule, a version's basis and a holiday's name carry brackets of their own
// ("Điều 28(1)", "Tết Nguyên đán (Tết)"), so Explain never wraps them in
// another pair inside a bracket. Every rule, in both languages, with and
// without its variants, from every few days of 2026 and 2027 (weekends,
// Tết, the law change of 01/07/2026, suspensions and extensions).
func TestExplainNestsBracketsTwoDeepAtMost(t *testing.T) {
	e := newEngine(t, Override{RuleID: PAKNAnswer, Scope: "urgency:urgent", Limit: 3, Reason: "Việc khẩn (theo quy chế của Sở)"})
	checked := 0
	for _, r := range e.Rules() {
		for d := calendar.MustDate("2026-01-02"); d.Before(calendar.MustDate("2027-12-20")); d = d.AddDays(3) {
			for _, req := range []Request{
				{RuleID: r.ID, StartDate: d, Round: 1},
				{RuleID: r.ID, StartDate: d, Round: 2, Complexity: Complex, Remote: true},
				{RuleID: r.ID, StartDate: d, Round: 1, Scope: []string{"urgency:urgent"}},
			} {
				res, err := e.Compute(req)
				if err != nil {
					continue
				}
				for _, lang := range []string{"vi", "en"} {
					s := e.Explain(res, lang)
					checked++
					if n := bracketDepth(s); n > 2 {
						t.Fatalf("%s from %s (%s) nests brackets %d deep:\n%s", r.ID, d, lang, n, s)
					}
				}
			}
		}
	}
	for _, c := range []Clock{
		{RuleID: ComplaintResolve, StartDate: calendar.MustDate("2026-06-01"),
			Events: []Event{{Kind: EventSuspend, At: at("2026-06-10")}, {Kind: EventResume, At: at("2026-06-20")}}},
		{RuleID: ComplaintResolve, StartDate: calendar.MustDate("2026-07-15"), Events: []Event{{Kind: EventSuspend, At: at("2026-07-20")}}},
		{RuleID: DenunciationResolve, StartDate: calendar.MustDate("2026-07-15"), Complexity: Complex,
			Events: []Event{{Kind: EventExtend, At: at("2026-08-10")}}},
	} {
		res, err := e.Evaluate(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"vi", "en"} {
			if s := e.Explain(res, lang); bracketDepth(s) > 2 {
				t.Errorf("%s (%s) nests brackets %d deep:\n%s", c.RuleID, lang, bracketDepth(s), s)
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d explanations checked", checked)
	}
}
