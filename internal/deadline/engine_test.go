package deadline

import (
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/i18n"
)

func newEngine(tb testing.TB, overrides ...Override) *Engine {
	tb.Helper()
	e, err := NewEngine(calendar.New(calendar.Builtin()), DefaultRules(), overrides, VietnamLocation(), testTexts(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// catalogue is the message catalogue, read once for the package's tests.
var catalogue = sync.OnceValues(i18n.Load)

// testTexts is the message catalogue explanations are worded from.
func testTexts(tb testing.TB) Texts {
	tb.Helper()
	c, err := catalogue()
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func mustCompute(tb testing.TB, e *Engine, req Request) Result {
	tb.Helper()
	res, err := e.Compute(req)
	if err != nil {
		tb.Fatalf("Compute(%+v): %v", req, err)
	}
	return res
}

// at returns 09:00 local on day s, the instant of a typical start event.
func at(s string) time.Time {
	return calendar.MustDate(s).Time(VietnamLocation()).Add(9 * time.Hour)
}

type summary struct {
	Due    string
	Limit  int
	Total  int
	Unit   Unit
	Rolled string
	Basis  string
}

func summarize(r Result) summary {
	s := summary{Due: r.DueDate.String(), Limit: r.Limit, Total: r.Total(), Unit: r.Unit, Basis: r.Rule.LegalBasisFor(r.Round, false)}
	if r.RolledForwardFrom != nil {
		s.Rolled = r.RolledForwardFrom.String()
	}
	return s
}

func TestDefaultRules(t *testing.T) {
	for _, bad := range []string{
		"- id: letter.process\n  limt: 10\n",            // misspelt
		"- id: letter.process\n  LIMIT: 10\n",           // another case
		"- id: letter.process\n  version_by: receipt\n", // always the start event
		"- id: letter.process\n  effective_from: 2027-01-01T08:00:00Z\n",
	} {
		if _, err := parseRules([]byte(bad)); err == nil {
			t.Errorf("read %q", bad)
		}
	}
	// A bare date, which YAML reads as a timestamp, is the same date.
	bare, err := parseRules([]byte("- id: letter.process\n  effective_from: 2027-01-01\n  start: receipt\n"))
	if err != nil || len(bare) != 1 || bare[0].EffectiveFrom != (calendar.Date{Year: 2027, Month: time.January, Day: 1}) || bare[0].VersionBy != StartReceipt {
		t.Errorf("a bare date: %+v, %v", bare, err)
	}
	// Each call returns the rules afresh: a caller's change stays its own.
	a := DefaultRules()
	a[0].Limit = 999
	if DefaultRules()[0].Limit == 999 {
		t.Error("DefaultRules returned the cached rules themselves")
	}
	ids := map[string]int{}
	for _, r := range DefaultRules() {
		if err := r.Validate(); err != nil {
			t.Error(err)
		}
		// rules.yaml writes the dates out: each is the start of the law
		// as the engine knows it, or the law change.
		if r.EffectiveFrom != SinceAlways && r.EffectiveFrom != LawChangeDate() {
			t.Errorf("%s from %s: neither SinceAlways (%s) nor the law change", r.ID, r.EffectiveFrom, SinceAlways)
		}
		if !r.EffectiveTo.IsZero() && r.EffectiveTo != LawChangeDate() {
			t.Errorf("%s to %s: not the law change", r.ID, r.EffectiveTo)
		}
		ids[r.ID]++
	}
	want := map[string]int{
		LetterProcess: 1, PAKNForward: 1, PAKNAnswer: 1, ComplaintAccept: 2, ComplaintResolve: 1, ComplaintFiling: 1,
		DenunciationInitial: 1, DenunciationForward: 1, DenunciationResolve: 1, ReceptionAnswer: 1,
		DisciplineAccept: 2, DisciplineResolve: 1, DenunciationNotify: 1, SuspensionSend: 1, DenunciationPublish: 1, DenunciationReport: 1, ElectedReportBack: 1, ReceptionRefusal: 1,
		DialogueNotice: 1, DisciplineFiling: 1, DismissalFiling: 1,
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("rule versions (-want +got):\n%s", diff)
	}
}

// Every row of the brief's table, on both sides of 01/07/2026.
func TestComputeBriefTable(t *testing.T) {
	e := newEngine(t)
	const (
		cd = CalendarDays
		wd = WorkingDays
	)
	type row struct {
		name string
		req  Request
		want summary
	}
	before := at("2026-06-15") // Monday
	after := at("2026-07-15")  // Wednesday
	kn28 := "Luật Khiếu nại 2011, Điều 28"
	kn37 := "Luật Khiếu nại 2011, Điều 37"
	tc30 := "Luật Tố cáo 2018, Điều 30"
	rows := []row{
		// Before the change.
		{"letter.process", Request{RuleID: LetterProcess, Start: before}, summary{"2026-06-29", 10, 10, wd, "", DefaultRules()[0].LegalBasis}},
		{"pakn.forward", Request{RuleID: PAKNForward, Start: before}, summary{"2026-06-22", 5, 5, wd, "", "Nghị định 20/2008/NĐ-CP, Điều 9"}},
		{"pakn.answer", Request{RuleID: PAKNAnswer, Start: before}, summary{"2026-06-29", 10, 10, wd, "", DefaultRules()[2].LegalBasis}},
		{"complaint.accept", Request{RuleID: ComplaintAccept, Start: before}, summary{"2026-06-25", 10, 10, cd, "", "Luật Khiếu nại 2011, Điều 27"}},
		{"complaint.accept r2", Request{RuleID: ComplaintAccept, Start: before, Round: 2}, summary{"2026-06-25", 10, 10, cd, "", "Luật Khiếu nại 2011, Điều 36(1)"}},
		{"complaint.resolve", Request{RuleID: ComplaintResolve, Start: before}, summary{"2026-07-15", 30, 30, cd, "", kn28}},
		{"complaint.resolve complex", Request{RuleID: ComplaintResolve, Start: before, Complexity: Complex}, summary{"2026-07-30", 45, 45, cd, "", kn28}},
		{"complaint.resolve remote", Request{RuleID: ComplaintResolve, Start: before, Remote: true}, summary{"2026-07-30", 45, 45, cd, "", kn28}},
		{"complaint.resolve remote complex", Request{RuleID: ComplaintResolve, Start: before, Remote: true, Complexity: Complex}, summary{"2026-08-14", 60, 60, cd, "", kn28}},
		{"complaint.resolve r2", Request{RuleID: ComplaintResolve, Start: before, Round: 2}, summary{"2026-07-30", 45, 45, cd, "", kn37}},
		{"complaint.resolve r2 complex", Request{RuleID: ComplaintResolve, Start: before, Round: 2, Complexity: Complex}, summary{"2026-08-14", 60, 60, cd, "", kn37}},
		{"complaint.resolve r2 remote", Request{RuleID: ComplaintResolve, Start: before, Round: 2, Remote: true}, summary{"2026-08-14", 60, 60, cd, "", kn37}},
		{"complaint.resolve r2 remote complex", Request{RuleID: ComplaintResolve, Start: before, Round: 2, Remote: true, Complexity: Complex}, summary{"2026-08-24", 70, 70, cd, "", kn37}},
		{"denunciation.initial", Request{RuleID: DenunciationInitial, Start: before}, summary{"2026-06-24", 7, 7, wd, "", "Luật Tố cáo 2018, Điều 24(1)"}},
		{"denunciation.initial extended", Request{RuleID: DenunciationInitial, Start: before, Extensions: 1}, summary{"2026-06-29", 7, 10, wd, "", "Luật Tố cáo 2018, Điều 24(1)"}},
		{"denunciation.forward", Request{RuleID: DenunciationForward, Start: before}, summary{"2026-06-22", 5, 5, wd, "", "Luật Tố cáo 2018, Điều 24(2)"}},
		{"denunciation.resolve", Request{RuleID: DenunciationResolve, Start: before}, summary{"2026-07-15", 30, 30, cd, "", tc30}},
		{"denunciation.resolve complex +1", Request{RuleID: DenunciationResolve, Start: before, Complexity: Complex, Extensions: 1}, summary{"2026-08-14", 30, 60, cd, "", tc30}},
		{"denunciation.resolve especially +2", Request{RuleID: DenunciationResolve, Start: before, Complexity: EspeciallyComplex, Extensions: 2}, summary{"2026-09-14", 30, 90, cd, "2026-09-13", tc30}},
		{"reception.answer", Request{RuleID: ReceptionAnswer, Start: before}, summary{"2026-06-29", 10, 10, wd, "", "Luật Tiếp công dân 2013, Điều 28(1)"}},

		// After the change.
		{"letter.process'", Request{RuleID: LetterProcess, Start: after}, summary{"2026-07-29", 10, 10, wd, "", DefaultRules()[0].LegalBasis}},
		{"pakn.forward'", Request{RuleID: PAKNForward, Start: after}, summary{"2026-07-22", 5, 5, wd, "", "Nghị định 20/2008/NĐ-CP, Điều 9"}},
		{"pakn.answer'", Request{RuleID: PAKNAnswer, Start: after}, summary{"2026-07-29", 10, 10, wd, "", DefaultRules()[2].LegalBasis}},
		{"complaint.accept'", Request{RuleID: ComplaintAccept, Start: after}, summary{"2026-07-24", 7, 7, wd, "", DefaultRules()[4].LegalBasis}},
		{"complaint.accept' r2", Request{RuleID: ComplaintAccept, Start: after, Round: 2}, summary{"2026-07-24", 7, 7, wd, "", DefaultRules()[4].LegalBasis}},
		{"complaint.resolve'", Request{RuleID: ComplaintResolve, Start: after}, summary{"2026-08-14", 30, 30, cd, "", kn28}},
		{"complaint.resolve' complex", Request{RuleID: ComplaintResolve, Start: after, Complexity: Complex}, summary{"2026-09-03", 45, 45, cd, "2026-08-29", kn28}},
		{"complaint.resolve' remote", Request{RuleID: ComplaintResolve, Start: after, Remote: true}, summary{"2026-09-03", 45, 45, cd, "2026-08-29", kn28}},
		{"complaint.resolve' remote complex", Request{RuleID: ComplaintResolve, Start: after, Remote: true, Complexity: Complex}, summary{"2026-09-14", 60, 60, cd, "2026-09-13", kn28}},
		{"complaint.resolve' r2", Request{RuleID: ComplaintResolve, Start: after, Round: 2}, summary{"2026-09-03", 45, 45, cd, "2026-08-29", kn37}},
		{"complaint.resolve' r2 complex", Request{RuleID: ComplaintResolve, Start: after, Round: 2, Complexity: Complex}, summary{"2026-09-14", 60, 60, cd, "2026-09-13", kn37}},
		{"complaint.resolve' r2 remote", Request{RuleID: ComplaintResolve, Start: after, Round: 2, Remote: true}, summary{"2026-09-14", 60, 60, cd, "2026-09-13", kn37}},
		{"complaint.resolve' r2 remote complex", Request{RuleID: ComplaintResolve, Start: after, Round: 2, Remote: true, Complexity: Complex}, summary{"2026-09-23", 70, 70, cd, "", kn37}},
		{"denunciation.initial'", Request{RuleID: DenunciationInitial, Start: after}, summary{"2026-07-24", 7, 7, wd, "", "Luật Tố cáo 2018, Điều 24(1)"}},
		{"denunciation.forward'", Request{RuleID: DenunciationForward, Start: after}, summary{"2026-07-22", 5, 5, wd, "", "Luật Tố cáo 2018, Điều 24(2)"}},
		{"denunciation.resolve'", Request{RuleID: DenunciationResolve, Start: after}, summary{"2026-08-14", 30, 30, cd, "", tc30}},
		{"denunciation.resolve' complex +1", Request{RuleID: DenunciationResolve, Start: after, Complexity: Complex, Extensions: 1}, summary{"2026-09-14", 30, 60, cd, "2026-09-13", tc30}},
		{"denunciation.resolve' especially +2", Request{RuleID: DenunciationResolve, Start: after, Complexity: EspeciallyComplex, Extensions: 2}, summary{"2026-10-13", 30, 90, cd, "", tc30}},
		{"reception.answer'", Request{RuleID: ReceptionAnswer, Start: after}, summary{"2026-07-29", 10, 10, wd, "", "Luật Tiếp công dân 2013, Điều 28(1)"}},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			res := mustCompute(t, e, r.req)
			if diff := cmp.Diff(r.want, summarize(res)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if !res.DueAt.Equal(res.DueDate.AddDays(1).Time(VietnamLocation())) {
				t.Errorf("DueAt %s is not 24:00 of %s", res.DueAt, res.DueDate)
			}
			if !e.Calendar().IsWorkingDay(res.DueDate) {
				t.Errorf("due date %s is not a working day", res.DueDate)
			}
		})
	}
}

// The change of 01/07/2026 applies by the date of the start event in
// Vietnam, not in UTC.
func TestTransition(t *testing.T) {
	e := newEngine(t)
	old := mustCompute(t, e, Request{RuleID: ComplaintAccept, Start: time.Date(2026, 6, 30, 16, 59, 0, 0, time.UTC)})
	if old.Unit != CalendarDays || old.Limit != 10 || old.EventDate.String() != "2026-06-30" {
		t.Errorf("received 23:59 on 30/06 local: %+v", summarize(old))
	}
	neu := mustCompute(t, e, Request{RuleID: ComplaintAccept, Start: time.Date(2026, 6, 30, 17, 0, 0, 0, time.UTC)})
	if neu.Unit != WorkingDays || neu.Limit != 7 || neu.EventDate.String() != "2026-07-01" {
		t.Errorf("received 00:00 on 01/07 local: %+v", summarize(neu))
	}
	r, err := e.RuleFor(ComplaintAccept, calendar.MustDate("2026-06-30"))
	if err != nil || r.Unit != CalendarDays {
		t.Errorf("RuleFor(30/06) = %+v, %v", r, err)
	}
	r, err = e.RuleFor(ComplaintAccept, LawChangeDate())
	if err != nil || r.Unit != WorkingDays {
		t.Errorf("RuleFor(01/07) = %+v, %v", r, err)
	}
}

func TestComputeCases(t *testing.T) {
	e := newEngine(t)
	type skip = Skipped
	d := calendar.MustDate
	tests := []struct {
		name    string
		req     Request
		due     string
		rolled  string
		skipped []skip
	}{
		{
			name: "working days across Tết",
			req:  Request{RuleID: DenunciationInitial, StartDate: d("2026-02-12")},
			due:  "2026-03-02",
			skipped: []skip{
				{d("2026-02-14"), "Tết Nguyên đán", "Lunar New Year (Tết)"},
				{d("2026-02-15"), "Tết Nguyên đán", "Lunar New Year (Tết)"},
				{d("2026-02-16"), "Tết Nguyên đán", "Lunar New Year (Tết)"},
				{d("2026-02-17"), "Tết Nguyên đán", "Lunar New Year (Tết)"},
				{d("2026-02-18"), "Tết Nguyên đán", "Lunar New Year (Tết)"},
				{d("2026-02-19"), "Tết Nguyên đán", "Lunar New Year (Tết)"},
				{d("2026-02-20"), "Tết Nguyên đán", "Lunar New Year (Tết)"},
				{d("2026-02-21"), "Tết Nguyên đán", "Lunar New Year (Tết)"},
				{d("2026-02-22"), "Tết Nguyên đán", "Lunar New Year (Tết)"},
				{d("2026-02-28"), "Thứ Bảy", "Saturday"},
				{d("2026-03-01"), "Chủ nhật", "Sunday"},
			},
		},
		{
			name: "received on the Friday before Tết",
			req:  Request{RuleID: DenunciationInitial, Start: at("2026-02-13")},
			due:  "2026-03-03",
		},
		{
			name: "received on a plain Friday",
			req:  Request{RuleID: PAKNForward, Start: at("2026-03-06")},
			due:  "2026-03-13",
			skipped: []skip{
				{d("2026-03-07"), "Thứ Bảy", "Saturday"},
				{d("2026-03-08"), "Chủ nhật", "Sunday"},
			},
		},
		{
			name: "received on the eve of Tết, 10 working days",
			req:  Request{RuleID: PAKNAnswer, Start: at("2026-02-13")},
			due:  "2026-03-06",
		},
		{
			name:   "calendar days, last day a Saturday",
			req:    Request{RuleID: ComplaintResolve, StartDate: d("2026-02-12")},
			due:    "2026-03-16",
			rolled: "2026-03-14",
			skipped: []skip{
				{d("2026-03-14"), "Thứ Bảy", "Saturday"},
				{d("2026-03-15"), "Chủ nhật", "Sunday"},
			},
		},
		{
			name:   "calendar days, last day inside Tết",
			req:    Request{RuleID: ComplaintAccept, StartDate: d("2026-02-10")},
			due:    "2026-02-23",
			rolled: "2026-02-20",
			skipped: []skip{
				{d("2026-02-20"), "Tết Nguyên đán", "Lunar New Year (Tết)"},
				{d("2026-02-21"), "Tết Nguyên đán", "Lunar New Year (Tết)"},
				{d("2026-02-22"), "Tết Nguyên đán", "Lunar New Year (Tết)"},
			},
		},
		{
			name:   "calendar days, last day a holiday (30/4)",
			req:    Request{RuleID: ComplaintAccept, StartDate: d("2026-04-20")},
			due:    "2026-05-04",
			rolled: "2026-04-30",
			skipped: []skip{
				{d("2026-04-30"), "Ngày Chiến thắng", "Reunification Day"},
				{d("2026-05-01"), "Quốc tế Lao động", "International Labour Day"},
				{d("2026-05-02"), "Thứ Bảy", "Saturday"},
				{d("2026-05-03"), "Chủ nhật", "Sunday"},
			},
		},
		{
			name:   "calendar days, last day the compensatory Monday 27/04",
			req:    Request{RuleID: ComplaintAccept, StartDate: d("2026-04-17")},
			due:    "2026-04-28",
			rolled: "2026-04-27",
			skipped: []skip{
				{d("2026-04-27"), "Nghỉ bù Giỗ Tổ Hùng Vương", "Compensatory day off: Hung Kings' Commemoration Day"},
			},
		},
		{
			name: "the swapped Saturday 10/01/2026 counts as a working day",
			req:  Request{RuleID: LetterProcess, Start: at("2026-01-07")},
			due:  "2026-01-20",
			skipped: []skip{
				{d("2026-01-11"), "Chủ nhật", "Sunday"},
				{d("2026-01-17"), "Thứ Bảy", "Saturday"},
				{d("2026-01-18"), "Chủ nhật", "Sunday"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustCompute(t, e, tt.req)
			if res.DueDate.String() != tt.due {
				t.Errorf("due %s, want %s", res.DueDate, tt.due)
			}
			rolled := ""
			if res.RolledForwardFrom != nil {
				rolled = res.RolledForwardFrom.String()
			}
			if rolled != tt.rolled {
				t.Errorf("rolled forward from %q, want %q", rolled, tt.rolled)
			}
			if tt.skipped != nil {
				if diff := cmp.Diff(tt.skipped, res.Skipped); diff != "" {
					t.Errorf("Skipped (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestOverrides(t *testing.T) {
	e := newEngine(t,
		Override{RuleID: PAKNAnswer, Scope: "", Limit: 15, Reason: "Quy chế tiếp nhận PAKN của Sở"},
		Override{RuleID: PAKNAnswer, Scope: "urgency:urgent", Limit: 3, Reason: "Việc khẩn"},
		Override{RuleID: PAKNAnswer, Scope: "topic:7", Limit: 20, Unit: CalendarDays, Reason: "Chủ đề 7"},
	)
	start := at("2026-03-02") // Monday
	tests := []struct {
		scope []string
		want  summary
	}{
		{nil, summary{"2026-03-23", 15, 15, WorkingDays, "", DefaultRules()[2].LegalBasis}},
		{[]string{"urgency:urgent"}, summary{"2026-03-05", 3, 3, WorkingDays, "", DefaultRules()[2].LegalBasis}},
		{[]string{"topic:7", "urgency:urgent"}, summary{"2026-03-23", 20, 20, CalendarDays, "2026-03-22", DefaultRules()[2].LegalBasis}},
		{[]string{"topic:99", "urgency:urgent"}, summary{"2026-03-05", 3, 3, WorkingDays, "", DefaultRules()[2].LegalBasis}},
	}
	for _, tt := range tests {
		res := mustCompute(t, e, Request{RuleID: PAKNAnswer, Start: start, Scope: tt.scope})
		if diff := cmp.Diff(tt.want, summarize(res)); diff != "" {
			t.Errorf("scope %v (-want +got):\n%s", tt.scope, diff)
		}
		if !res.Overridden {
			t.Errorf("scope %v: not marked overridden", tt.scope)
		}
	}
	// Statutory rules cannot be overridden.
	_, err := NewEngine(calendar.New(nil), DefaultRules(), []Override{{RuleID: ComplaintResolve, Limit: 20}}, VietnamLocation(), nil)
	if !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("override of a statutory rule: err = %v", err)
	}
}

func TestNewEngineRejects(t *testing.T) {
	cal := calendar.New(nil)
	loc := VietnamLocation()
	overlap := DefaultRules()
	overlap = append(overlap, overlap[5]) // complaint.resolve twice from 1900
	badRule := DefaultRules()
	badRule[0].Unit = "weeks"
	retiredEarly := DefaultRules()
	retiredEarly[3].EffectiveTo = calendar.MustDate("2026-08-01") // reaches past the next version's start
	tests := []struct {
		name      string
		cal       *calendar.Calendar
		rules     []Rule
		overrides []Override
		loc       *time.Location
	}{
		{"nil calendar", nil, DefaultRules(), nil, loc},
		{"nil location", cal, DefaultRules(), nil, nil},
		{"overlapping versions", cal, overlap, nil, loc},
		{"overlap through EffectiveTo", cal, retiredEarly, nil, loc},
		{"invalid rule", cal, badRule, nil, loc},
		{"override of unknown rule", cal, DefaultRules(), []Override{{RuleID: "nope", Limit: 3}}, loc},
		{"override limit 0", cal, DefaultRules(), []Override{{RuleID: PAKNAnswer, Limit: 0}}, loc},
		{"override limit huge", cal, DefaultRules(), []Override{{RuleID: PAKNAnswer, Limit: MaxLimit + 1}}, loc},
		{"duplicate override", cal, DefaultRules(), []Override{{RuleID: PAKNAnswer, Limit: 3}, {RuleID: PAKNAnswer, Limit: 4}}, loc},
	}
	for _, tt := range tests {
		if _, err := NewEngine(tt.cal, tt.rules, tt.overrides, tt.loc, nil); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: err = %v, want ErrInvalidConfig", tt.name, err)
		}
	}
}

func TestComputeErrors(t *testing.T) {
	e := newEngine(t)
	start := at("2026-03-02")
	tests := []struct {
		name string
		req  Request
		want error
	}{
		{"unknown rule", Request{RuleID: "complaint.nope", Start: start}, ErrUnknownRule},
		{"no rule", Request{Start: start}, ErrInvalidRequest},
		{"no start", Request{RuleID: PAKNAnswer}, ErrInvalidRequest},
		{"start and date disagree", Request{RuleID: PAKNAnswer, Start: start, StartDate: calendar.MustDate("2026-03-03")}, ErrInvalidRequest},
		{"invalid date", Request{RuleID: PAKNAnswer, StartDate: calendar.Date{Year: 2026, Month: 2, Day: 30}}, ErrInvalidRequest},
		{"round 3", Request{RuleID: ComplaintResolve, Start: start, Round: 3}, ErrInvalidRequest},
		{"complexity", Request{RuleID: ComplaintResolve, Start: start, Complexity: "very"}, ErrInvalidRequest},
		{"negative extensions", Request{RuleID: DenunciationResolve, Start: start, Extensions: -1}, ErrInvalidRequest},
		{"extension of a normal denunciation", Request{RuleID: DenunciationResolve, Start: start, Extensions: 1}, ErrExtensionCap},
		{"second extension of a complex denunciation", Request{RuleID: DenunciationResolve, Start: start, Complexity: Complex, Extensions: 2}, ErrExtensionCap},
		{"third extension of an especially complex one", Request{RuleID: DenunciationResolve, Start: start, Complexity: EspeciallyComplex, Extensions: 3}, ErrExtensionCap},
		{"extension of a complaint", Request{RuleID: ComplaintResolve, Start: start, Complexity: Complex, Extensions: 1}, ErrExtensionCap},
		{"second extension of initial processing", Request{RuleID: DenunciationInitial, Start: start, Extensions: 2}, ErrExtensionCap},
	}
	for _, tt := range tests {
		_, err := e.Compute(tt.req)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
	// A rule ID with no version in force (all start in 1900).
	if _, err := e.Compute(Request{RuleID: PAKNAnswer, StartDate: calendar.MustDate("1899-12-31")}); !errors.Is(err, ErrUnknownRule) {
		t.Errorf("before any version: %v", err)
	}
	var capErr *ExtensionCapError
	_, err := e.Compute(Request{RuleID: DenunciationResolve, Start: start, Complexity: EspeciallyComplex, Extensions: 3})
	if !errors.As(err, &capErr) || capErr.MaxExtensions != 2 || capErr.Requested != 3 {
		t.Errorf("ExtensionCapError = %+v", capErr)
	}
}

func TestProvisional(t *testing.T) {
	e := newEngine(t)
	if res := mustCompute(t, e, Request{RuleID: ComplaintResolve, StartDate: calendar.MustDate("2026-02-12")}); res.Provisional {
		t.Error("a due date in confirmed 2026 is provisional")
	}
	// 2031 has no table: any due date there is a draft.
	res := mustCompute(t, e, Request{RuleID: PAKNAnswer, StartDate: calendar.MustDate("2031-03-03")})
	if !res.Provisional {
		t.Error("a due date in 2031 is not provisional")
	}
	// The working-day period crosses the Quốc khánh break, which is
	// confirmed: Tue 25/08 + 10 working days skips 29/08–02/09 and counts
	// no Saturday.
	if res := mustCompute(t, e, Request{RuleID: PAKNAnswer, StartDate: calendar.MustDate("2026-08-25")}); res.Provisional || res.DueDate.String() != "2026-09-11" {
		t.Errorf("across 2/9/2026: provisional %v due %s", res.Provisional, res.DueDate)
	}
	// A period that crosses the unconfirmed 24/11/2026 is provisional,
	// although the year's table is confirmed.
	res = mustCompute(t, e, Request{RuleID: PAKNAnswer, StartDate: calendar.MustDate("2026-11-20")})
	if !res.Provisional || res.DueDate.String() != "2026-12-07" {
		t.Errorf("across 24/11/2026: provisional %v due %s", res.Provisional, res.DueDate)
	}
	if vi, en := e.Explanation(res); !strings.Contains(vi, "chưa được xác nhận") || !strings.Contains(en, "not confirmed") {
		t.Errorf("provisional result does not say so: %s", vi)
	}
	// One ending the day before does not depend on it.
	if res := mustCompute(t, e, Request{RuleID: PAKNAnswer, StartDate: calendar.MustDate("2026-11-09")}); res.Provisional || res.DueDate.String() != "2026-11-23" {
		t.Errorf("ending 23/11/2026: provisional %v due %s", res.Provisional, res.DueDate)
	}
	// A calendar-day period only depends on its last day (and the days it
	// rolls over): 24/11 inside it does not matter, 24/11 as its last day
	// does.
	if res := mustCompute(t, e, Request{RuleID: ComplaintResolve, StartDate: calendar.MustDate("2026-11-10")}); res.Provisional {
		t.Error("calendar-day period across 24/11 but ending in December is provisional")
	}
	if res := mustCompute(t, e, Request{RuleID: ComplaintResolve, StartDate: calendar.MustDate("2026-10-25")}); !res.Provisional || res.DueDate.String() != "2026-11-25" {
		t.Errorf("calendar-day period ending on 24/11: provisional %v due %s", res.Provisional, res.DueDate)
	}
}

// Property: every result is a working day at the end of a period of the
// right length, for random starts 2000–2090, rules and variants.
func TestComputeProperties(t *testing.T) {
	e := newEngine(t)
	cal := e.Calendar()
	loc := e.Location()
	rules := []string{LetterProcess, PAKNForward, PAKNAnswer, ComplaintAccept, ComplaintResolve,
		DenunciationInitial, DenunciationForward, DenunciationResolve, ReceptionAnswer}
	cxs := []Complexity{ComplexityNone, Complex, EspeciallyComplex}
	r := rand.New(rand.NewPCG(7, 2026))
	lo, hi := calendar.MustDate("2000-01-01").JDN(), calendar.MustDate("2090-12-31").JDN()
	for range 20000 {
		start := calendar.FromJDN(lo + r.IntN(hi-lo)).Time(loc).Add(time.Duration(r.IntN(86400)) * time.Second)
		req := Request{
			RuleID: rules[r.IntN(len(rules))], Start: start,
			Complexity: cxs[r.IntN(3)], Remote: r.IntN(2) == 0, Round: 1 + r.IntN(2),
		}
		if req.Complexity == EspeciallyComplex && (req.RuleID == ComplaintAccept || req.RuleID == ComplaintResolve) {
			req.Complexity = Complex // refused for complaints: see TestExplainEveryRule
		}
		res, err := e.Compute(req)
		if err != nil {
			t.Fatalf("%+v: %v", req, err)
		}
		sd := calendar.DateOf(start, loc)
		if !cal.IsWorkingDay(res.DueDate) {
			t.Fatalf("%+v: due %s is not a working day", req, res.DueDate)
		}
		if !res.DueAt.Equal(res.DueDate.AddDays(1).Time(loc)) || !res.DueAt.After(start) {
			t.Fatalf("%+v: DueAt %s", req, res.DueAt)
		}
		switch res.Unit {
		case WorkingDays:
			if n := cal.WorkingDaysBetween(sd, res.DueDate); n != res.Total() {
				t.Fatalf("%+v: %d working days to %s, want %d", req, n, res.DueDate, res.Total())
			}
			if len(res.Skipped) != res.DueDate.Sub(sd)-res.Total() {
				t.Fatalf("%+v: %d skipped", req, len(res.Skipped))
			}
		case CalendarDays:
			last := sd.AddDays(res.Total())
			if res.LastDay != last || res.DueDate.Before(last) || len(res.Skipped) != res.DueDate.Sub(last) {
				t.Fatalf("%+v: last %s due %s skipped %d", req, res.LastDay, res.DueDate, len(res.Skipped))
			}
		}
		for _, s := range res.Skipped {
			if cal.IsWorkingDay(s.Date) || s.Reason == "" {
				t.Fatalf("%+v: skipped %+v", req, s)
			}
		}
	}
}

func BenchmarkCompute(b *testing.B) {
	e := newEngine(b)
	reqs := []Request{
		{RuleID: PAKNAnswer, Start: at("2026-02-12")},
		{RuleID: ComplaintResolve, Start: at("2026-02-12"), Complexity: Complex},
		{RuleID: DenunciationInitial, Start: at("2026-03-02")},
		{RuleID: ComplaintResolve, Start: at("2026-03-03")},
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := e.Compute(reqs[i&3]); err != nil {
			b.Fatal(err)
		}
	}
}

// A retired rule with no successor is not in force after its end, and an
// older open-ended version does not come back.
func TestRetiredRule(t *testing.T) {
	rules := DefaultRules()
	for i := range rules {
		if rules[i].ID == ComplaintAccept && rules[i].EffectiveFrom == LawChangeDate() {
			rules[i].EffectiveTo = calendar.MustDate("2030-01-01")
		}
	}
	e, err := NewEngine(calendar.New(nil), rules, nil, VietnamLocation(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.RuleFor(ComplaintAccept, calendar.MustDate("2029-12-31")); err != nil {
		t.Errorf("in force on 2029-12-31: %v", err)
	}
	if r, err := e.RuleFor(ComplaintAccept, calendar.MustDate("2030-01-01")); !errors.Is(err, ErrUnknownRule) {
		t.Errorf("retired rule: got %+v, %v", r, err)
	}
}

// The notice of a dialogue is owed at least 5 days before it (NĐ 124/2020
// Art. 28(1) as amended by NĐ 155/2026 Art. 11): counted backwards from the
// dialogue date, and a last day that is a day off moves back to the
// working day before, never forward, across Tết and the National Day.
func TestBackwardCount(t *testing.T) {
	e := newEngine(t)
	d := calendar.MustDate
	for _, tt := range []struct {
		dialogue, due, rolledFrom string
		skipped                   int
	}{
		// Wed 16/09: Fri 11/09, a working day.
		{"2026-09-16", "2026-09-11", "", 0},
		// Mon 07/09: Wed 02/09 is the National Day; the break runs Sat
		// 29/08 – Wed 02/09, so Fri 28/08.
		{"2026-09-07", "2026-08-28", "2026-09-02", 5},
		// Mon 15/02/2027, the Monday after Tết: Wed 10/02 is in the
		// draft Tết break (Fri 05/02 – Thu 11/02), so Thu 04/02, and the
		// result is provisional (2027 is not confirmed).
		{"2027-02-15", "2027-02-04", "2027-02-10", 6},
		// Thu 27/08: Sat 22/08 is the make-up working day, so it stands.
		{"2026-08-27", "2026-08-22", "", 0},
		// Mon 12/10: Wed 07/10.
		{"2026-10-12", "2026-10-07", "", 0},
		// Fri 16/10: Sun 11/10 moves back to Fri 09/10.
		{"2026-10-16", "2026-10-09", "2026-10-11", 2},
	} {
		res := mustCompute(t, e, Request{RuleID: DialogueNotice, StartDate: d(tt.dialogue), Round: 2})
		if res.DueDate != d(tt.due) || !e.Calendar().IsWorkingDay(res.DueDate) || !res.DueDate.Before(d(tt.dialogue)) {
			t.Errorf("dialogue %s: notice due %s, want %s (a working day before)", tt.dialogue, res.DueDate, tt.due)
		}
		if got := d(tt.dialogue).Sub(res.DueDate); got < 5 {
			t.Errorf("dialogue %s: only %d days' notice", tt.dialogue, got)
		}
		rolled := ""
		if res.RolledBackFrom != nil {
			rolled = res.RolledBackFrom.String()
		}
		if rolled != tt.rolledFrom || len(res.Skipped) != tt.skipped || res.RolledForwardFrom != nil {
			t.Errorf("dialogue %s: rolled back from %q (%d skipped), want %q (%d)", tt.dialogue, rolled, len(res.Skipped), tt.rolledFrom, tt.skipped)
		}
		if res.Provisional != (d(tt.dialogue).Year == 2027) {
			t.Errorf("dialogue %s: provisional %v", tt.dialogue, res.Provisional)
		}
		if want := d(tt.due).AddDays(1).Time(VietnamLocation()); !res.DueAt.Equal(want) {
			t.Errorf("dialogue %s: due at %s, want the end of %s", tt.dialogue, res.DueAt, tt.due)
		}
	}
	// A dialogue before 01/07/2026 owes no dated notice (the old NĐ
	// 124/2020 Art. 28 set no period).
	if _, err := e.Compute(Request{RuleID: DialogueNotice, StartDate: d("2026-06-30")}); err == nil {
		t.Errorf("a dialogue on 30/06/2026 has a notice period")
	}
	// A backward period is never extended nor suspended.
	if _, err := e.Evaluate(Clock{RuleID: DialogueNotice, StartDate: d("2026-09-16"), Events: []Event{{Kind: EventExtend, At: at("2026-09-01")}}}); err == nil {
		t.Errorf("a backward period was extended")
	}
	bad := DefaultRules()[0]
	bad.Before, bad.MaxExtensions, bad.ExtensionLimit = true, 1, 3
	if err := bad.Validate(); err == nil {
		t.Errorf("a backward rule with extensions validates")
	}
}

// A complaint against a disciplinary decision has one resolution period
// for both rounds (Luật Khiếu nại Art. 50: "lần đầu, lần hai"): 30 days,
// 45 if complex, never Art. 37's second-round 45/60.
func TestDisciplineOnePeriodBothRounds(t *testing.T) {
	r, err := newEngine(t).RuleFor(DisciplineResolve, calendar.MustDate("2026-11-02"))
	if err != nil {
		t.Fatal(err)
	}
	for _, round := range []int{1, 2} {
		if n, cx := r.LimitFor(round, ComplexityNone, false), r.LimitFor(round, Complex, false); n != 30 || cx != 45 {
			t.Errorf("round %d: %d / %d days, want 30 / 45", round, n, cx)
		}
	}
}
