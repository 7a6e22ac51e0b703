package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/alert"
	"github.com/phucdap/phucdap/internal/alert/alerttest"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/report"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// lateWorld has every kind of case overdue at once, each on a different
// main clock, plus a case whose only late clock is a coordinating unit's
// part (not a late case) and one due later (not late).
type lateWorld struct {
	f     *alerttest.Fixture
	now   time.Time
	late  []string // codes of the cases late now
	other []string
}

// oneMainClock meets whatever clock intake opened, so that the test's own
// clock is the case's one running main clock.
func oneMainClock(t *testing.T, f *alerttest.Fixture, id int64, at time.Time) {
	t.Helper()
	ks, err := f.Clocks.ClocksOfCase(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range ks {
		if k.State == caseclock.Open {
			if err := f.Clocks.MeetClock(context.Background(), k.ID, at); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func newLateWorld(t *testing.T, db *store.DB) *lateWorld {
	f := alerttest.New(t, db)
	w := &lateWorld{f: f, now: time.Date(2026, 12, 10, 10, 0, 0, 0, hanoi)}
	recv := time.Date(2026, 11, 2, 9, 0, 0, 0, hanoi)
	due := time.Date(2026, 12, 5, 0, 0, 0, 0, hanoi) // 24:00 on 4 December
	later := time.Date(2026, 12, 30, 0, 0, 0, 0, hanoi)
	add := func(kind petition.Kind, clock caseclock.Kind, unit string, d time.Time, late bool) int64 {
		id, code := f.Case(t, kind, recv, alerttest.Petitioner{KeepSecret: kind == petition.KindDenunciation})
		oneMainClock(t, f, id, recv.Add(time.Hour))
		f.Clock(t, id, clock, unit, recv.Add(2*time.Hour), d)
		if late {
			w.late = append(w.late, code)
		} else {
			w.other = append(w.other, code)
		}
		return id
	}
	add(petition.KindDenunciation, caseclock.Process, "", due, true) // tố cáo still to be processed
	add(petition.KindComplaint, caseclock.Accept, "", due, true)     // khiếu nại still to be accepted
	add(petition.KindPetition, caseclock.Answer, "PQLXD", due, true) // kiến nghị still to be answered
	c := add(petition.KindFeedback, caseclock.Answer, "PQHKT", later, false)
	f.Clock(t, c, caseclock.Contribution, "PQLXD", recv.Add(3*time.Hour), due) // only its part is late
	sort.Strings(w.late)
	return w
}

// The inbox's late count, the dashboard's "late now" tile, its drill-down
// list and the digest's late list count the same cases: those whose main
// clock is late, whatever the step (they once disagreed: the inbox said
// 3, the dashboard 1).
func TestLateIsOneFigure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newLateWorld(t, db)

		refs, err := store.NewCaseAccessStore(db).ListCases(ctx, access.CaseFilter{All: true},
			access.CaseQuery{Urgency: access.UrgencyLate, Now: w.now, SoonUntil: w.now.Add(72 * time.Hour), Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var inbox []string
		for _, r := range refs {
			if u := r.UrgencyAt(w.now, w.now.Add(72*time.Hour)); u != access.UrgencyLate {
				t.Errorf("%s listed as late but its urgency is %q", r.Code, u)
			}
			inbox = append(inbox, r.Code)
		}
		sort.Strings(inbox)
		all, err := store.NewCaseAccessStore(db).ListCases(ctx, access.CaseFilter{All: true}, access.CaseQuery{OpenOnly: true, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		rowsLate := 0
		for _, r := range all {
			if r.UrgencyAt(w.now, w.now.Add(72*time.Hour)) == access.UrgencyLate {
				rowsLate++
			}
		}

		rs := store.NewReportStore(db)
		now := report.Now{At: w.now, SoonUntil: w.now}
		cells, err := rs.Current(ctx, now, report.ByTotal, nil)
		if err != nil {
			t.Fatal(err)
		}
		var tile int64
		for _, c := range cells {
			tile += c.LateNow
		}
		list, total, err := rs.Cases(ctx, report.Drill{Figure: report.FigLateNow, Now: now, By: report.ByTotal}, 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		var drill []string
		for _, r := range list {
			drill = append(drill, r.Code)
		}
		sort.Strings(drill)

		digest, err := store.NewAlertStore(db).DigestClocks(ctx, w.now, w.now)
		if err != nil {
			t.Fatal(err)
		}
		var dl []string
		for _, c := range digest {
			if c.Late {
				dl = append(dl, c.CaseCode)
			}
		}
		sort.Strings(dl)

		want := len(w.late)
		if len(inbox) != want || rowsLate != want || tile != int64(want) || total != int64(want) || len(dl) != want {
			t.Errorf("late: want %d everywhere; inbox filter %d, inbox rows %d, dashboard tile %d, drill-down %d, digest %d",
				want, len(inbox), rowsLate, tile, total, len(dl))
		}
		for _, got := range [][]string{inbox, drill, dl} {
			if len(got) == want && !equalStrings(got, w.late) {
				t.Errorf("late cases %v, want %v", got, w.late)
			}
		}
	})
}

func equalStrings(a, b []string) bool {
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

// On the hand-computed month of the KPI world (November 2026: 4 answered
// on time, 2 late, 1 still open and late), the daily digest's on-time rate
// is the dashboard's, the public statistics' and the XLSX's; and the XLSX
// shows the due dates the screen shows and fills "Đúng hạn".
func TestMonthFiguresAgreeEverywhere(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newKPIWorld(t, db)
		office := w.f.Account(t, "vanphong.agree@sxd.test", "VP", access.Office)
		at := time.Date(2026, 11, 30, 23, 0, 0, 0, hanoi)
		cal := calendar.New(calendar.Builtin())
		svc := newReportService(t, db, func() time.Time { return at })
		month, _ := report.MonthPeriod("2026-11")
		rep, err := svc.Report(ctx, report.Query{Period: month, By: report.ByUnit})
		if err != nil {
			t.Fatal(err)
		}
		dash := rep.Total
		if dash.AnsweredOnTime != 4 || dash.AnsweredLate != 2 || dash.OpenLate != 1 || dash.OnTime().Percent() != 57.1 {
			t.Fatalf("the dashboard's month: %+v, rate %v", dash.Counts, dash.OnTime().Percent())
		}

		// The digest, run that evening, for the office (the whole department).
		al, err := alert.NewService(alert.Config{Store: store.NewAlertStore(db), Calendar: func(context.Context) *calendar.Calendar { return cal },
			Location: hanoi, Ladder: alert.DefaultLadder(), BaseURL: "https://phucdap.test", BatchSize: 100, Mailer: &recordingMailer{}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := al.DailyDigest(ctx, at); err != nil {
			t.Fatal(err)
		}
		var payload string
		if err := db.Gorm.Raw("SELECT payload FROM alerts WHERE kind = 'digest' AND account_id = ?", office).Scan(&payload).Error; err != nil || payload == "" {
			t.Fatalf("no digest for the office: %v", err)
		}
		var p alert.Payload
		if err := json.Unmarshal([]byte(payload), &p); err != nil || p.Digest == nil {
			t.Fatalf("digest payload %s: %v", payload, err)
		}
		d := p.Digest
		if d.Met != dash.Answered() || d.MetOnTime != dash.AnsweredOnTime || d.OpenLate != dash.OpenLate || d.Rate != dash.OnTime().Percent() {
			t.Errorf("digest answered %d on time %d open late %d rate %v; dashboard %d %d %d %v",
				d.Met, d.MetOnTime, d.OpenLate, d.Rate, dash.Answered(), dash.AnsweredOnTime, dash.OpenLate, dash.OnTime().Percent())
		}

		pub, err := svc.PublicStats(ctx, month)
		if err != nil {
			t.Fatal(err)
		}
		if pub.Total.Counts != dash.Counts {
			t.Errorf("public statistics %+v, dashboard %+v", pub.Total.Counts, dash.Counts)
		}

		// The XLSX: its total row, and each case's due date and on-time
		// result as the drill-down screen shows them.
		x, err := report.NewXLSX(rep, report.XLSXMeta{Agency: "Sở Xây dựng tỉnh Lạng Sơn", Place: "Lạng Sơn", At: at}, hanoi, viT)
		if err != nil {
			t.Fatal(err)
		}
		rs := store.NewReportStore(db)
		drill := report.Drill{Figure: report.FigReceived, Window: rep.Windows[0], By: report.ByTotal}
		screen := map[string][2]string{}
		if err := rs.EachCase(ctx, drill, func(r report.CaseRow) error {
			due, onTime := "", ""
			if r.DueAt != nil {
				due = caseclock.DueText(*r.DueAt, hanoi)
			}
			if r.OnTime != nil {
				onTime = map[bool]string{true: "Đúng hạn", false: "Quá hạn"}[*r.OnTime]
			}
			screen[r.Code] = [2]string{due, onTime}
			return x.WriteCase(r)
		}); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := x.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		xf, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		defer xf.Close()
		sheet, err := xf.GetRows(report.SheetReport)
		if err != nil {
			t.Fatal(err)
		}
		total := false
		want := []string{strconv.FormatInt(dash.AnsweredOnTime, 10), strconv.FormatInt(dash.AnsweredLate, 10), strconv.FormatInt(dash.OpenLate, 10), "57.1"}
		for _, r := range sheet {
			if len(r) >= 9 && r[1] == "Tổng cộng" {
				total = true
				if diff := cmp.Diff(want, r[5:9]); diff != "" {
					t.Errorf("XLSX total (-dashboard +xlsx)\n%s", diff)
				}
			}
		}
		if !total {
			t.Errorf("no total row in %v", sheet)
		}
		rows, err := xf.GetRows(report.SheetCases)
		if err != nil {
			t.Fatal(err)
		}
		var c1, c2 string
		db.Gorm.Raw("SELECT code FROM cases WHERE id = ?", w.cases["c1"]).Scan(&c1)
		db.Gorm.Raw("SELECT code FROM cases WHERE id = ?", w.cases["c2"]).Scan(&c2)
		seen := 0
		for _, r := range rows[1:] {
			for len(r) < 13 {
				r = append(r, "")
			}
			s, ok := screen[r[1]]
			if !ok {
				continue
			}
			seen++
			if r[10] != s[0] || r[12] != s[1] {
				t.Errorf("%s: XLSX due %q on time %q, screen %q %q", r[1], r[10], r[12], s[0], s[1])
			}
			switch r[1] {
			case c1: // due 24:00 on 16/11, answered on 10/11
				if r[10] != "24:00 ngày 16/11/2026" || r[12] != "Đúng hạn" {
					t.Errorf("c1 in the XLSX: due %q, on time %q", r[10], r[12])
				}
			case c2:
				if r[12] != "Quá hạn" {
					t.Errorf("c2 in the XLSX: on time %q", r[12])
				}
			}
		}
		if seen != len(screen) || seen == 0 {
			t.Errorf("XLSX has %d of the %d cases", seen, len(screen))
		}
	})
}
