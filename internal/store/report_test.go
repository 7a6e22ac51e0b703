package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/alert/alerttest"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/plan"
	"github.com/phucdap/phucdap/internal/platform"
	"github.com/phucdap/phucdap/internal/progress"
	"github.com/phucdap/phucdap/internal/report"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// kpiNow is Tuesday 1 December 2026, 10:00 in Hà Nội: November is over.
var kpiNow = time.Date(2026, 12, 1, 10, 0, 0, 0, hanoi)

// nov is a day of November 2026 at hour:00 in Hà Nội.
func nov(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, hanoi) }

// dueNov is the due time of a period whose last day is day: 24:00 of it.
func dueNov(day int) time.Time { return nov(day+1, 0) }

// kpiWorld is a seeded month: the cases of the KPI acceptance test,
// submitted through intake, with clocks opened and met through the clock
// store, and the workflow's other facts (classification, outcomes,
// extensions, answers, ratings, disputes) written as the workflow writes
// them, as rows of the real schema.
type kpiWorld struct {
	f     *alerttest.Fixture
	db    *store.DB
	svc   *report.Service
	cases map[string]int64
	tasks map[string]int64
}

func (w *kpiWorld) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if err := w.db.Gorm.Exec(q, args...).Error; err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (w *kpiWorld) meet(t *testing.T, clock int64, at time.Time) {
	t.Helper()
	if err := w.f.Clocks.MeetClock(context.Background(), clock, at); err != nil {
		t.Fatal(err)
	}
}

func (w *kpiWorld) cancel(t *testing.T, clock int64, at time.Time) {
	t.Helper()
	w.exec(t, "UPDATE case_clocks SET state = 'cancelled', closed_at = ?, updated_at = ? WHERE id = ?", at.UTC(), at.UTC(), clock)
}

func (w *kpiWorld) event(t *testing.T, c int64, kind string, at time.Time) {
	t.Helper()
	w.exec(t, "INSERT INTO case_events (case_id, kind, public, actor, note, created_at) VALUES (?, ?, ?, 'test', '', ?)", c, kind, true, at.UTC())
}

func (w *kpiWorld) answer(t *testing.T, c int64, at time.Time) int64 {
	t.Helper()
	var ids []int64
	if err := w.db.Gorm.Raw("INSERT INTO answers (case_id, body, signer, published_at, created_at) VALUES (?, 'Trả lời', 'Trưởng phòng', ?, ?) RETURNING id",
		c, at.UTC(), at.UTC()).Scan(&ids).Error; err != nil || len(ids) != 1 {
		t.Fatalf("answer: %v", err)
	}
	return ids[0]
}

func (w *kpiWorld) rate(t *testing.T, c, answer int64, stars int, at time.Time) {
	t.Helper()
	w.exec(t, "INSERT INTO ratings (case_id, answer_id, stars, comment, created_at, updated_at) VALUES (?, ?, ?, '', ?, ?)", c, answer, stars, at.UTC(), at.UTC())
}

// newCase submits a case through intake and sets what the office would
// have recorded: kind, channel, lead unit, plan task; the clock intake may
// have opened is dropped so that each case has exactly the clocks the
// scenario gives it.
func (w *kpiWorld) newCase(t *testing.T, name string, kind petition.Kind, channel, lead, task string, received time.Time) int64 {
	t.Helper()
	id, _ := w.f.Case(t, kind, received, alerttest.Petitioner{})
	w.exec(t, "DELETE FROM case_clocks WHERE case_id = ?", id)
	var unit any
	if lead != "" {
		unit = w.f.Units[lead]
	}
	var tk any
	if task != "" {
		tk = w.tasks[task]
	}
	w.exec(t, "UPDATE cases SET channel = ?, lead_unit_id = ?, plan_task_id = ? WHERE id = ?", channel, unit, tk, id)
	w.cases[name] = id
	return id
}

func (w *kpiWorld) accept(t *testing.T, c int64, at time.Time) {
	t.Helper()
	w.exec(t, "UPDATE cases SET eligible = ?, within_competence = ?, classified_at = ?, accepted_at = ?, status = 'assigned' WHERE id = ?",
		true, true, at.UTC(), at.UTC(), c)
}

// newReportService is the report service over db as the app builds it:
// the built-in calendar, Hà Nội time, now from now.
func newReportService(tb testing.TB, db *store.DB, now func() time.Time) *report.Service {
	tb.Helper()
	cal := calendar.New(calendar.Builtin())
	svc, err := report.NewService(report.Config{Store: store.NewReportStore(db), Calendar: func(context.Context) *calendar.Calendar { return cal },
		Location: hanoi, Now: now})
	if err != nil {
		tb.Fatal(err)
	}
	return svc
}

func newKPIWorld(t *testing.T, db *store.DB) *kpiWorld {
	t.Helper()
	ctx := context.Background()
	f := alerttest.New(t, db)
	w := &kpiWorld{f: f, db: db, cases: map[string]int64{}, tasks: map[string]int64{}}
	cat := plan.NewCatalog(store.NewPlanStore(db), func() time.Time { return kpiNow }, nil)
	if _, err := cat.Import(ctx, plan.SeedAppendix(), "seed"); err != nil {
		t.Fatal(err)
	}
	list, err := cat.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := cat.Get(ctx, list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	w.tasks = rec.TaskIDs
	w.svc = newReportService(t, db, platform.NewFixedClock(kpiNow).Now)
	w.seed(t)
	return w
}

// seed writes the scenario. Units: A = PQLXD, B = PQHKT.
func (w *kpiWorld) seed(t *testing.T) {
	f := w.f
	A, B := "PQLXD", "PQHKT"

	// C1 answered on time (6 working days), rated 5.
	c1 := w.newCase(t, "c1", petition.KindFeedback, "web", A, "VII", nov(2, 9))
	w.accept(t, c1, nov(3, 9))
	k1 := f.Clock(t, c1, caseclock.Answer, A, nov(2, 9), dueNov(16))
	w.meet(t, k1, nov(10, 15))
	w.rate(t, c1, w.answer(t, c1, nov(10, 15)), 5, nov(12, 8))
	// … and reopened by the office on 25 November (its answer stays on
	// time): a reopened answer as much as c2's dispute.
	w.exec(t, "INSERT INTO case_events (case_id, kind, public, actor, note, created_at) VALUES (?, 'staff_reopened', ?, 'office', 'Xem xét lại', ?)",
		c1, false, nov(25, 9).UTC())

	// C2 answered late (13 working days), rated 2, then disputed.
	c2 := w.newCase(t, "c2", petition.KindPetition, "phone", A, "VII", nov(3, 9))
	w.accept(t, c2, nov(4, 9))
	k2 := f.Clock(t, c2, caseclock.Answer, A, nov(3, 9), dueNov(17))
	w.meet(t, k2, nov(20, 10))
	a2 := w.answer(t, c2, nov(20, 10))
	w.rate(t, c2, a2, 2, nov(21, 9))
	w.exec(t, "INSERT INTO disputes (case_id, answer_id, reason, created_at) VALUES (?, ?, 'Chưa thỏa đáng', ?)", c2, a2, nov(22, 9).UTC())
	w.event(t, c2, "reopened", nov(22, 9))

	// C3 open and late at the month's end; its coordinating unit (A) has
	// not sent its part either.
	c3 := w.newCase(t, "c3", petition.KindFeedback, "web", B, "VI.1", nov(4, 9))
	w.accept(t, c3, nov(5, 9))
	f.Clock(t, c3, caseclock.Answer, B, nov(4, 9), dueNov(18))
	f.Clock(t, c3, caseclock.Contribution, A, nov(5, 9), dueNov(13))

	// C4 not eligible: its clock is cancelled, which keeps it out of the
	// denominator, and the first half of the month checks that even while
	// it sat past due it never counted.
	c4 := w.newCase(t, "c4", petition.KindPetition, "post", "", "", nov(5, 9))
	k4 := f.Clock(t, c4, caseclock.Answer, "", nov(5, 9), dueNov(19))
	w.exec(t, "UPDATE cases SET eligible = ?, within_competence = ?, classified_at = ?, status = 'not_eligible' WHERE id = ?", false, true, nov(20, 9).UTC(), c4)
	w.cancel(t, k4, nov(20, 9))
	w.event(t, c4, "not_eligible", nov(20, 9))

	// C5 forwarded to the competent body.
	c5 := w.newCase(t, "c5", petition.KindComplaint, "in_person", "", "III.2", nov(6, 9))
	k5 := f.Clock(t, c5, caseclock.Accept, "", nov(6, 9), dueNov(17))
	w.exec(t, "UPDATE cases SET eligible = ?, within_competence = ?, classified_at = ?, status = 'forwarded' WHERE id = ?", true, false, nov(9, 9).UTC(), c5)
	w.cancel(t, k5, nov(9, 9))
	kf := f.Clock(t, c5, caseclock.Forward, "", nov(6, 9), dueNov(13))
	w.meet(t, kf, nov(9, 9))
	w.event(t, c5, "forwarded", nov(9, 9))

	// C6 extended once, then answered by the moved due time (14 working
	// days).
	c6 := w.newCase(t, "c6", petition.KindPetition, "email", A, "VII", nov(2, 9))
	w.accept(t, c6, nov(3, 9))
	k6 := f.Clock(t, c6, caseclock.Answer, A, nov(2, 9), dueNov(16))
	w.exec(t, "UPDATE case_clocks SET due_at = ?, extensions = 1 WHERE id = ?", dueNov(23).UTC(), k6)
	w.event(t, c6, "extended", nov(13, 14))
	w.meet(t, k6, nov(20, 16))
	w.answer(t, c6, nov(20, 16))

	// C7 answered on time (9 working days), but its coordinating unit B
	// sent its part after its sub-deadline; the office's part was on time.
	c7 := w.newCase(t, "c7", petition.KindFeedback, "web", A, "VII", nov(9, 9))
	w.accept(t, c7, nov(9, 14))
	k7 := f.Clock(t, c7, caseclock.Answer, A, nov(9, 9), dueNov(23))
	kb := f.Clock(t, c7, caseclock.Contribution, B, nov(10, 9), dueNov(16))
	kv := f.Clock(t, c7, caseclock.Contribution, "VP", nov(10, 9), dueNov(16))
	w.meet(t, kb, nov(18, 9))
	w.meet(t, kv, nov(13, 9))
	w.meet(t, k7, nov(20, 11))
	w.answer(t, c7, nov(20, 11))

	// C8 withdrawn.
	c8 := w.newCase(t, "c8", petition.KindFeedback, "web", A, "", nov(10, 9))
	k8 := f.Clock(t, c8, caseclock.Answer, A, nov(10, 9), dueNov(24))
	w.exec(t, "UPDATE cases SET status = 'withdrawn' WHERE id = ?", c8)
	w.cancel(t, k8, nov(12, 9))
	w.event(t, c8, "withdrawn", nov(12, 9))

	// C9 received in October, carried over, answered late in November (12
	// working days).
	c9 := w.newCase(t, "c9", petition.KindFeedback, "national_portal", B, "VI.1", time.Date(2026, 10, 20, 9, 0, 0, 0, hanoi))
	w.accept(t, c9, time.Date(2026, 10, 21, 9, 0, 0, 0, hanoi))
	k9 := f.Clock(t, c9, caseclock.Answer, B, time.Date(2026, 10, 20, 9, 0, 0, 0, hanoi), dueNov(3))
	w.meet(t, k9, nov(5, 9))

	// C10 guided elsewhere the next day: the guidance is the reply (1
	// working day), on time.
	c10 := w.newCase(t, "c10", petition.KindPetition, "web", "", "", nov(11, 9))
	k10 := f.Clock(t, c10, caseclock.Answer, "", nov(11, 9), dueNov(25))
	w.meet(t, k10, nov(12, 9))
	w.exec(t, "UPDATE cases SET status = 'guided' WHERE id = ?", c10)
	w.event(t, c10, "guided", nov(12, 9))

	// C12 still open, due on 2 December (due soon, no draft); C13 due on
	// 3 December with a draft answer (so not "at risk").
	c12 := w.newCase(t, "c12", petition.KindFeedback, "web", B, "", nov(19, 9))
	w.accept(t, c12, nov(19, 14))
	f.Clock(t, c12, caseclock.Answer, B, nov(19, 9), time.Date(2026, 12, 3, 0, 0, 0, 0, hanoi))
	c13 := w.newCase(t, "c13", petition.KindFeedback, "web", B, "", nov(30, 9))
	f.Clock(t, c13, caseclock.Answer, B, nov(30, 9), time.Date(2026, 12, 4, 0, 0, 0, 0, hanoi))
	w.exec(t, "INSERT INTO answers (case_id, body, signer, created_at) VALUES (?, 'Dự thảo', '', ?)", c13, nov(30, 15).UTC())

	// C11 received on 1 December: not November's.
	c11 := w.newCase(t, "c11", petition.KindFeedback, "web", "", "", time.Date(2026, 12, 1, 8, 0, 0, 0, hanoi))
	f.Clock(t, c11, caseclock.Answer, "", time.Date(2026, 12, 1, 8, 0, 0, 0, hanoi), time.Date(2026, 12, 16, 0, 0, 0, 0, hanoi))
}

func november() report.Period {
	return report.Period{From: calendar.NewDate(2026, 11, 1), To: calendar.NewDate(2026, 11, 30)}
}

// Every figure of a seeded month, computed by
// hand, on both databases; once counted from the clocks, once with the
// closed days rolled up by the nightly job (which must not change a
// figure).
func TestKPIMonth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newKPIWorld(t, db)
		t.Run("live", func(t *testing.T) { checkNovember(t, w) })
		// The rollup says how far it has gone, a line a tenth of the way
		// (the writer is not a terminal).
		var prog bytes.Buffer
		days, err := w.svc.Rollup(progress.With(context.Background(), progress.Lines(&prog)))
		if err != nil {
			t.Fatal(err)
		}
		// From the first answer (c9's, 5 November) to 30 November.
		if days != 26 {
			t.Errorf("rolled %d days, want 26", days)
		}
		lines := strings.Split(strings.TrimSpace(prog.String()), "\n")
		if len(lines) < 3 || !strings.HasPrefix(lines[0], "KPI rollup 2026-11-05–2026-11-30: 0% (0/") ||
			!strings.Contains(lines[len(lines)-2], ": 100% (") || !strings.Contains(lines[len(lines)-1], ": done (") {
			t.Errorf("rollup progress:\n%s", prog.String())
		}
		if again, err := w.svc.Rollup(context.Background()); err != nil || again != 0 {
			t.Errorf("second rollup: %d days, %v", again, err)
		}
		t.Run("rolled", func(t *testing.T) { checkNovember(t, w) })
	})
}

func checkNovember(t *testing.T, w *kpiWorld) {
	t.Helper()
	ctx := context.Background()
	rep, err := w.svc.Report(ctx, report.Query{Period: november()})
	if err != nil {
		t.Fatal(err)
	}
	want := report.Counts{
		Received:    11, // c1–c8, c10, c12, c13
		CarriedOver: 1,  // c9
		Eligible:    6,  // accepted in November: c1, c2, c3, c6, c7, c12
		// on time: c1, c6 (after its extension), c7, c10 (guided);
		// late: c2, c9; open late: c3.
		AnsweredOnTime: 4, AnsweredLate: 2, OpenLate: 1,
		Extended: 1, ExtendedOnTime: 1, Extensions: 1,
		NotEligible: 1, Forwarded: 1, Guided: 1, Withdrawn: 1,
		Rated: 2, Satisfied: 1, StarsSum: 7, Reopened: 2, // c2 disputed, c1 reopened by the office
		ContribOnTime: 1, ContribLate: 1, ContribOpenLate: 1,
	}
	if diff := cmp.Diff(want, rep.Total.Counts); diff != "" {
		t.Errorf("November (-want +got):\n%s", diff)
	}
	rate := rep.Total.OnTime()
	if rate.Num != 4 || rate.Den != 7 || rate.VN() != "57,1%" || rate.Full() {
		t.Errorf("on-time rate %+v %s: want 4/7 = 57,1%%", rate, rate.VN())
	}
	if rep.Headline == nil || rep.Headline.Value != 100 || rep.Total.MeetsOnTimeTarget() {
		t.Errorf("headline target %+v, meets %v", rep.Headline, rep.Total.MeetsOnTimeTarget())
	}
	// Working days from receipt to answer: c10 1, c1 6, c7 9, c9 12,
	// c2 13, c6 14. Nearest rank: the 3rd of 6 and the 6th.
	if got := rep.Total.Response; got != (report.Response{N: 6, Median: 9, P90: 14}) {
		t.Errorf("response %+v", got)
	}
	if s := rep.Total.Satisfaction(); s.VN() != "50%" || rep.Total.MeanRating() != 3.5 {
		t.Errorf("satisfaction %s, mean %v", s.VN(), rep.Total.MeanRating())
	}
	if r := rep.Total.ReopenRate(); r.Num != 2 || r.Den != 6 {
		t.Errorf("reopen rate %+v", r)
	}
	if r := rep.Total.ContribOnTimeRate(); r.Num != 1 || r.Den != 3 {
		t.Errorf("sub-deadline rate %+v", r)
	}

	// By unit: the answer clock's unit for the on-time figures, the
	// coordinating unit for sub-deadlines, the lead for intake.
	byUnit, err := w.svc.Report(ctx, report.Query{Period: november(), By: report.ByUnit})
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]report.Row{}
	for _, r := range byUnit.Rows {
		rows[r.Code] = r
		if r.Key == "" {
			rows["(none)"] = r
		}
	}
	type unitWant struct {
		received, onTime, late, openLate, cOnTime, cLate, cOpenLate int64
		small                                                       bool
	}
	for code, u := range map[string]unitWant{
		"PQLXD":  {received: 5, onTime: 3, late: 1, cOpenLate: 1, small: true},
		"PQHKT":  {received: 3, late: 1, openLate: 1, cLate: 1, small: true},
		"VP":     {cOnTime: 1}, // nothing in its denominator: "—", not "small"
		"(none)": {received: 3, onTime: 1, small: true},
	} {
		r, ok := rows[code]
		if !ok {
			t.Errorf("no row for %s", code)
			continue
		}
		got := unitWant{r.Received, r.AnsweredOnTime, r.AnsweredLate, r.OpenLate, r.ContribOnTime, r.ContribLate, r.ContribOpenLate, r.Small}
		if got != u {
			t.Errorf("%s: got %+v, want %+v", code, got, u)
		}
	}
	if r := rows["PQLXD"].OnTime(); r.VN() != "75%" {
		t.Errorf("PQLXD rate %s", r.VN())
	}
	if r := rows["PQHKT"].OnTime(); r.VN() != "0%" || !r.Defined() {
		t.Errorf("PQHKT rate %s", r.VN())
	}
	if _, ok := rows["TTRA"]; !ok {
		t.Errorf("a unit with no case must still have its row")
	}
	report.SortWorstFirst(byUnit.Rows)
	if byUnit.Rows[0].Code != "PQHKT" {
		t.Errorf("worst first: %s", byUnit.Rows[0].Code)
	}

	// By plan task, against each task's own target (VII: 100%).
	byTask, err := w.svc.Report(ctx, report.Query{Period: november(), By: report.ByPlanTask})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range byTask.Rows {
		switch r.Code {
		case "VII":
			if r.AnsweredOnTime != 3 || r.AnsweredLate != 1 || r.OnTimeTarget == nil || r.OnTimeTarget.Value != 100 {
				t.Errorf("VII: %+v target %+v", r.Counts, r.OnTimeTarget)
			}
		case "VI.1":
			if r.AnsweredLate != 1 || r.OpenLate != 1 || r.OnTimeTarget != nil {
				t.Errorf("VI.1: %+v target %+v", r.Counts, r.OnTimeTarget)
			}
		}
	}

	// By kind and by channel (VII is about electronic channels).
	byChannel, err := w.svc.Report(ctx, report.Query{Period: november(), By: report.ByChannel})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range byChannel.Rows {
		if r.Key == "web" && (r.Received != 7 || r.AnsweredOnTime != 3 || r.OpenLate != 1) {
			t.Errorf("web: %+v", r.Counts)
		}
	}

	// The first half of November, judged at 20 November 00:00: c1 and
	// c10 answered on time, c9 late; c2 was still open and past due
	// then (answered later that day) and so was c3; c4 sat past due
	// too, but it was found not eligible, so it never counts.
	half, err := w.svc.Report(ctx, report.Query{Period: report.Period{From: calendar.NewDate(2026, 11, 1), To: calendar.NewDate(2026, 11, 19)}})
	if err != nil {
		t.Fatal(err)
	}
	if got := [3]int64{half.Total.AnsweredOnTime, half.Total.AnsweredLate, half.Total.OpenLate}; got != [3]int64{2, 1, 2} {
		t.Errorf("first half on time/late/open late = %v, want [2 1 2]", got)
	}
}

// The month's trend and the present state.
func TestKPIByMonthAndNow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newKPIWorld(t, db)
		ctx := context.Background()
		rep, err := w.svc.Report(ctx, report.Query{Period: report.Period{From: calendar.NewDate(2026, 10, 1), To: calendar.NewDate(2026, 12, 31)},
			By: report.ByMonth})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rep.Rows {
			got = append(got, r.Key+" "+r.Label+" "+strconv.FormatInt(r.Received, 10)+" "+r.OnTime().VN())
		}
		// October: c9 received; nothing answered; at 1 November c9 was
		// not yet late (due 3 November). December, so far: c11 received,
		// c3 still open and late.
		want := []string{"2026-10 10/2026 1 —", "2026-11 11/2026 11 57,1%", "2026-12 12/2026 1 0%"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("by month (-want +got):\n%s", diff)
		}

		p, err := w.svc.Present(ctx, report.ByTotal, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Open now: c3 (18 working days old: 24 November, Culture Day, is a
		// day off), c12 (7), c13 (1), c11 (0).
		if p.Total.LateNow != 1 || p.Total.DueSoon != 1 || p.Total.OpenNow != 4 {
			t.Errorf("now: late %d, due soon %d, open %d; want 1, 1, 4", p.Total.LateNow, p.Total.DueSoon, p.Total.OpenNow)
		}
		if diff := cmp.Diff([]int64{2, 1, 1, 0, 0}, p.Total.Age); diff != "" {
			t.Errorf("age buckets (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"0–5", "6–10", "11–20", "21–30", "> 30"}, p.Buckets); diff != "" {
			t.Errorf("bucket labels: %s", diff)
		}
	})
}

// Drill-down: the list behind every figure has as many cases as the
// figure, and they are the right ones.
func TestKPIDrillDownMatchesFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newKPIWorld(t, db)
		ctx := context.Background()
		byUnit, err := w.svc.Report(ctx, report.Query{Period: november(), By: report.ByUnit})
		if err != nil {
			t.Fatal(err)
		}
		value := func(r report.Row, f report.Figure) int64 {
			c := r.Counts
			return map[report.Figure]int64{report.FigReceived: c.Received, report.FigCarriedOver: c.CarriedOver, report.FigEligible: c.Eligible,
				report.FigOnTime: c.AnsweredOnTime, report.FigLate: c.AnsweredLate, report.FigOpenLate: c.OpenLate, report.FigExtended: c.Extended,
				report.FigExtendedOnTime: c.ExtendedOnTime, report.FigExtensions: c.Extensions, report.FigNotEligible: c.NotEligible,
				report.FigForwarded: c.Forwarded, report.FigGuided: c.Guided, report.FigWithdrawn: c.Withdrawn, report.FigRated: c.Rated,
				report.FigSatisfied: c.Satisfied, report.FigReopened: c.Reopened, report.FigContribOnTime: c.ContribOnTime,
				report.FigContribLate: c.ContribLate, report.FigContribOpenLate: c.ContribOpenLate}[f]
		}
		checked := 0
		for _, r := range byUnit.Rows {
			for _, f := range report.WindowFigures {
				n := value(r, f)
				rows, total, err := w.svc.Cases(ctx, report.DrillQuery{Figure: f, Period: november(), By: report.ByUnit, Key: r.Key}, 100, 0)
				if err != nil {
					t.Fatalf("%s %s: %v", r.Code, f, err)
				}
				if total != n || int64(len(rows)) != n {
					t.Errorf("%s %s: figure %d, list %d (total %d)", r.Code, f, n, len(rows), total)
				}
				checked += int(n)
			}
		}
		if checked == 0 {
			t.Fatal("nothing checked")
		}
		rows, _, err := w.svc.Cases(ctx, report.DrillQuery{Figure: report.FigOpenLate, Period: november()}, 10, 0)
		if err != nil || len(rows) != 1 || rows[0].ID != w.cases["c3"] || rows[0].DueAt == nil || !rows[0].DueAt.Equal(dueNov(18)) {
			t.Errorf("open late list: %+v %v", rows, err)
		}
		now, _, err := w.svc.Cases(ctx, report.DrillQuery{Figure: report.FigDueSoon}, 10, 0)
		if err != nil || len(now) != 1 || now[0].ID != w.cases["c12"] {
			t.Errorf("due soon list: %+v %v", now, err)
		}
		aged, _, err := w.svc.Cases(ctx, report.DrillQuery{Figure: report.FigAge, Bucket: 2}, 10, 0)
		if err != nil || len(aged) != 1 || aged[0].ID != w.cases["c3"] {
			t.Errorf("age 11–20 list: %+v %v", aged, err)
		}
		n, err := w.svc.CountCases(ctx, report.DrillQuery{Figure: report.FigReceived, Period: november()})
		if err != nil || n != 11 {
			t.Errorf("count received %d %v", n, err)
		}
		var streamed []int64
		err = w.svc.EachCase(ctx, report.DrillQuery{Figure: report.FigReceived, Period: november()}, func(r report.CaseRow) error {
			streamed = append(streamed, r.ID)
			if report.ScrubTitle(r) == "" {
				t.Errorf("empty title for %s", r.Code)
			}
			return nil
		})
		if err != nil || len(streamed) != 11 {
			t.Errorf("each case: %d %v", len(streamed), err)
		}
	})
}

// An export runs in the background, shows its progress and gives a
// workbook that excelize reads back with the month's figures and its
// cases, redacted; on both databases.
func TestKPIExportInBackground(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newKPIWorld(t, db)
		ctx := context.Background()
		office := w.f.Account(t, "vanphong.export@sxd.test", "VP", access.Office)
		actor := access.Actor{AccountID: office, Email: "vanphong.export@sxd.test", Roles: []access.Role{access.Office}}
		// The petitioner's name in a title must not leave in the export.
		w.exec(t, "UPDATE cases SET title = 'Hỏng đèn trước nhà Trần Thị Bình' WHERE id = ?", w.cases["c1"])
		rs := store.NewReportStore(db)
		done := make(chan int64, 2)
		ex := &report.Exporter{Service: w.svc, Store: rs, T: viT, Every: 2,
			Meta: report.XLSXMeta{Agency: "Sở Xây dựng tỉnh Lạng Sơn", Place: "Lạng Sơn"}, Done: func(id int64) { done <- id }}
		id, err := ex.Start(ctx, actor, report.FormatXLSX, november())
		if err != nil {
			t.Fatal(err)
		}
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("export did not finish")
		}
		info, err := ex.Info(ctx, actor, id)
		if err != nil || info.State != "done" || info.RowsDone != 12 || info.RowsTotal != 12 || info.Percent() != 100 || info.Size == 0 {
			t.Fatalf("export %+v %v", info, err)
		}
		if _, err := ex.Info(ctx, access.Actor{AccountID: office + 1000, Roles: []access.Role{access.Office}}, id); err == nil {
			t.Error("someone else's export is visible")
		}
		var buf bytes.Buffer
		if err := ex.Download(ctx, actor, id, &buf); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, err := x.GetRows(report.SheetReport)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range rows {
			if len(r) >= 9 && r[1] == "Phòng Quản lý xây dựng (*)" {
				found = true
				// received, carried over, eligible, on time, late, open late, rate
				if diff := cmp.Diff([]string{"5", "0", "4", "3", "1", "0", "75.0"}, r[2:9]); diff != "" {
					t.Errorf("PQLXD row (-want +got)\n%s", diff)
				}
			}
			if len(r) >= 9 && r[1] == "Tổng cộng" {
				if diff := cmp.Diff([]string{"11", "1", "6", "4", "2", "1", "57.1"}, r[2:9]); diff != "" {
					t.Errorf("total row (-want +got)\n%s", diff)
				}
			}
		}
		if !found {
			t.Errorf("no PQLXD row in %v", rows)
		}
		cases, err := x.GetRows(report.SheetCases)
		if err != nil {
			t.Fatal(err)
		}
		// The header, c9 (carried over), then the 11 received.
		if len(cases) != 13 {
			t.Fatalf("%d case rows", len(cases)-1)
		}
		all := fmt.Sprint(cases)
		if strings.Contains(all, "Trần Thị Bình") || !strings.Contains(all, "Hỏng đèn trước nhà ▇▇▇") {
			t.Errorf("the title was not scrubbed: %v", cases)
		}
		var n int64
		db.Gorm.Raw("SELECT count(*) FROM audit_log WHERE action = 'report.export'").Scan(&n)
		if n != 1 {
			t.Errorf("%d audit rows for the export", n)
		}
	})
}

// The office marks answers publishable; a denunciation's can never be;
// the public list is redacted.
func TestKPIPublications(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newKPIWorld(t, db)
		ctx := context.Background()
		rs := store.NewReportStore(db)
		office := access.Actor{AccountID: w.f.Account(t, "vanphong.pub@sxd.test", "VP", access.Office), Roles: []access.Role{access.Office}}
		leader := access.Actor{AccountID: w.f.Account(t, "lanhdao.pub@sxd.test", "", access.Leadership), Roles: []access.Role{access.Leadership}}
		// c1 is a feedback whose letter names its author and phone.
		w.exec(t, "UPDATE cases SET content = ? WHERE id = ?", "Tôi là Trần Thị Bình, số điện thoại 0900000001, đề nghị sửa đèn.", w.cases["c1"])
		var ident struct{ Name, Phone string }
		db.Gorm.Raw("SELECT name, phone FROM case_identities WHERE case_id = ?", w.cases["c1"]).Scan(&ident)
		den := w.newCase(t, "den", petition.KindDenunciation, "web", "PQLXD", "", nov(6, 9))
		denAnswer := w.answer(t, den, nov(25, 9))
		list, total, err := w.svc.Publications(ctx, rs, office, november(), 50, 0)
		if err != nil {
			t.Fatal(err)
		}
		if total != 4 || len(list) != 4 { // c1, c2, c6, c7; never the denunciation
			t.Fatalf("%d publications (total %d)", len(list), total)
		}
		var c1 report.Publication
		for _, p := range list {
			if p.CaseID == w.cases["c1"] {
				c1 = p
			}
		}
		if strings.Contains(c1.Content, ident.Name) || strings.Contains(c1.Content, ident.Phone) || !strings.Contains(c1.Content, "đề nghị sửa đèn") {
			t.Errorf("preview: %q", c1.Content)
		}
		if err := w.svc.SetPublishable(ctx, rs, leader, c1.AnswerID, true); err == nil {
			t.Error("leadership marked an answer publishable")
		}
		if err := w.svc.SetPublishable(ctx, rs, office, denAnswer, true); !errors.Is(err, report.ErrNotPublishable) {
			t.Errorf("denunciation: %v", err)
		}
		if err := w.svc.SetPublishable(ctx, rs, office, c1.AnswerID, true); err != nil {
			t.Fatal(err)
		}
		pub, err := w.svc.PublicAnswers(ctx, rs, 10)
		if err != nil || len(pub) != 1 {
			t.Fatalf("public answers %v %v", pub, err)
		}
		p := pub[0]
		if p.CaseCode != "" || p.CaseID != 0 || strings.Contains(p.Content, ident.Name) || strings.Contains(p.Content, ident.Phone) {
			t.Errorf("public answer leaks: %+v", p)
		}
		var n int64
		db.Gorm.Raw("SELECT count(*) FROM audit_log WHERE action = 'answer.publishable'").Scan(&n)
		if n != 1 {
			t.Errorf("%d audit rows", n)
		}
		if err := w.svc.SetPublishable(ctx, rs, office, c1.AnswerID, false); err != nil {
			t.Fatal(err)
		}
		if pub, _ := w.svc.PublicAnswers(ctx, rs, 10); len(pub) != 0 {
			t.Errorf("unmarked answer still public")
		}
	})
}

// The nightly snapshot stores the month to date and the present state,
// and a second run the same day replaces the first.
func TestKPISnapshotJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		newKPIWorld(t, db)
		ctx := context.Background()
		rs := store.NewReportStore(db)
		// 30 November, 23:55: the month's last snapshot.
		clock := platform.NewFixedClock(time.Date(2026, 11, 30, 23, 55, 0, 0, hanoi))
		cal := calendar.New(calendar.Builtin())
		svc, err := report.NewService(report.Config{Store: rs, Calendar: func(context.Context) *calendar.Calendar { return cal }, Location: hanoi, Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			counts, err := svc.TakeSnapshot(ctx, rs, clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			if counts["rolled_days"] > 25 || counts["open_late"] != 1 || counts["answered_on_time"] != 4 {
				t.Errorf("job counts %v", counts)
			}
		}
		snap, err := rs.LastSnapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tot := snap.Total()
		if snap.Day != "2026-11-30" || snap.Period != "2026-11" || tot.Received != 11 || tot.AnsweredOnTime != 4 || tot.AnsweredLate != 2 ||
			tot.OpenLate != 1 || tot.LateNow != 1 {
			t.Errorf("snapshot %+v total %+v", snap, tot)
		}
		var n int64
		db.Gorm.Raw("SELECT count(*) FROM report_snapshots WHERE slice = 'total'").Scan(&n)
		if n != 1 {
			t.Errorf("%d total rows after two runs", n)
		}
	})
}

// The plan view: each task's status against its target, and topics that
// came back three months running flagged as recurring.
func TestKPIPlanView(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newKPIWorld(t, db)
		ctx := context.Background()
		// A topic of task VI.1 with cases in September, October and
		// November: recurring. One of task II.1 in October and November
		// only: not.
		var topics []struct {
			ID   int64
			Slug string
		}
		db.Gorm.Raw("SELECT id, slug FROM topics").Scan(&topics)
		topic := map[string]int64{}
		for _, tp := range topics {
			topic[tp.Slug] = tp.ID
		}
		w.exec(t, "UPDATE topics SET plan_task_id = ? WHERE slug = 'dien-duong-nuoc-rac'", w.tasks["VI.1"])
		w.exec(t, "UPDATE topics SET plan_task_id = ? WHERE slug = 'thong-tin-quy-hoach-thu-tuc'", w.tasks["II.1"])
		for i, m := range []time.Month{time.September, time.October, time.November} {
			c := w.newCase(t, "rec"+strconv.Itoa(i), petition.KindFeedback, "web", "PQHKT", "VI.1", time.Date(2026, m, 10, 9, 0, 0, 0, hanoi))
			w.exec(t, "UPDATE cases SET topic_id = ? WHERE id = ?", topic["dien-duong-nuoc-rac"], c)
		}
		for i, m := range []time.Month{time.October, time.November} {
			c := w.newCase(t, "two"+strconv.Itoa(i), petition.KindFeedback, "web", "PQHKT", "II.1", time.Date(2026, m, 10, 9, 0, 0, 0, hanoi))
			w.exec(t, "UPDATE cases SET topic_id = ? WHERE id = ?", topic["thong-tin-quy-hoach-thu-tuc"], c)
		}
		v, err := w.svc.Plan(ctx, november())
		if err != nil {
			t.Fatal(err)
		}
		if v.Plan == nil || len(v.Dimensions) != 7 {
			t.Fatalf("plan view: %+v", v)
		}
		tasks := map[string]report.PlanTask{}
		n := 0
		for _, d := range v.Dimensions {
			for _, tk := range d.Tasks {
				tasks[tk.Key] = tk
				n++
			}
		}
		if n != 11 {
			t.Errorf("%d tasks, want 11", n)
		}
		for key, want := range map[string]report.TaskStatus{
			"VII":  report.StatusBelow,    // target 100%, 3 of 4 on time
			"VI.1": report.StatusTracking, // no measurable target, cases
			"I.1":  report.StatusIdle,     // nothing
			"II.1": report.StatusTracking, // its target is about publishing information, not answers
		} {
			if got := tasks[key].Status; got != want {
				t.Errorf("%s: status %s, want %s", key, got, want)
			}
		}
		if r := tasks["VI.1"].Recurring; len(r) != 1 || r[0].Slug != "dien-duong-nuoc-rac" {
			t.Errorf("VI.1 recurring: %+v", r)
		}
		if r := tasks["II.1"].Recurring; len(r) != 0 {
			t.Errorf("II.1 recurring after two months: %+v", r)
		}
		// The unlinked row: cases with no plan task.
		if v.Unlinked.Received == 0 {
			t.Errorf("unlinked: %+v", v.Unlinked.Counts)
		}
	})
}

// A figure that lists a case on several rows (one per chase) streams every
// row to an export even when a page's cut falls inside one case's rows, and
// when one case alone fills a page; the stream matches the count.
func TestEachCaseLosesNoRowAtAPageCut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newKPIWorld(t, db)
		ctx := context.Background()
		unit := w.f.Units["PQLXD"]
		chase := func(c int64, n int) {
			for i := 0; i < n; i++ {
				w.exec(t, "INSERT INTO case_chases (case_id, unit_id, note, actor_label, created_at) VALUES (?, ?, '', 'test', ?)",
					c, unit, time.Date(2026, 11, 10+i, 9, 0, 0, 0, hanoi).UTC())
			}
		}
		// Pages of 3 rows: c1's two rows end the first page after c2's
		// one... and c3's four rows fill a page alone.
		chase(w.cases["c2"], 1)
		chase(w.cases["c1"], 2)
		chase(w.cases["c3"], 4)
		chase(w.cases["c4"], 2)
		svc, err := report.NewService(report.Config{Store: store.NewReportStore(db).WithPageSize(3),
			Calendar: func(context.Context) *calendar.Calendar { return calendar.New(calendar.Builtin()) },
			Location: hanoi, Now: platform.NewFixedClock(kpiNow).Now})
		if err != nil {
			t.Fatal(err)
		}
		q := report.DrillQuery{Figure: report.FigChased, Period: november()}
		n, err := svc.CountCases(ctx, q)
		if err != nil || n != 9 {
			t.Fatalf("count chased: %d %v, want 9", n, err)
		}
		got := map[int64]int{}
		streamed := 0
		if err := svc.EachCase(ctx, q, func(r report.CaseRow) error {
			got[r.ID]++
			streamed++
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		want := map[int64]int{w.cases["c1"]: 2, w.cases["c2"]: 1, w.cases["c3"]: 4, w.cases["c4"]: 2}
		if streamed != int(n) || !maps.Equal(got, want) {
			t.Errorf("streamed %d rows %v, want %d rows %v", streamed, got, n, want)
		}
	})
}
