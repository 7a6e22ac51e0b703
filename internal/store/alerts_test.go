package store_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/alert"
	"github.com/phucdap/phucdap/internal/alert/alerttest"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

var hanoi = time.FixedZone("ICT", 7*3600)

// sweepNow is Friday 27 November 2026, 09:00 in Hà Nội.
var sweepNow = time.Date(2026, 11, 27, 9, 0, 0, 0, hanoi)

// recordingMailer keeps what would have been sent.
type recordingMailer struct {
	mu   sync.Mutex
	sent []alert.Email
	fail func(alert.Email) error
}

func (m *recordingMailer) Send(_ context.Context, msgs []alert.Email) []error {
	m.mu.Lock()
	defer m.mu.Unlock()
	errs := make([]error, len(msgs))
	for i, e := range msgs {
		if m.fail != nil {
			if errs[i] = m.fail(e); errs[i] != nil {
				continue
			}
		}
		m.sent = append(m.sent, e)
	}
	return errs
}

type world struct {
	f      *alerttest.Fixture
	alerts *store.AlertStore
	svc    *alert.Service
	mail   *recordingMailer
	acc    map[string]int64
}

func newWorld(t *testing.T, db *store.DB, batch int) *world {
	t.Helper()
	f := alerttest.New(t, db)
	w := &world{f: f, alerts: store.NewAlertStore(db), mail: &recordingMailer{}, acc: map[string]int64{}}
	w.acc["office"] = f.Account(t, "vanphong@sxd.test", "VP", access.Office)
	w.acc["office_head"] = f.Account(t, "chanhvanphong@sxd.test", "VP", access.UnitHead, access.Office)
	w.acc["qlxd_head"] = f.Account(t, "truongphong.qlxd@sxd.test", "PQLXD", access.UnitHead)
	w.acc["qlxd_officer"] = f.Account(t, "chuyenvien.qlxd@sxd.test", "PQLXD", access.UnitOfficer)
	w.acc["leader"] = f.Account(t, "giamdoc@sxd.test", "", access.Leadership)
	w.acc["admin"] = f.Account(t, "quantri@sxd.test", "", access.Admin)
	cal := calendar.New(calendar.Builtin())
	svc, err := alert.NewService(alert.Config{Store: w.alerts, Calendar: func(context.Context) *calendar.Calendar { return cal },
		Location: hanoi, Ladder: alert.DefaultLadder(), Webhooks: []string{"https://bridge.example/hook"}, BaseURL: "https://phucdap.test",
		BatchSize: batch, Mailer: w.mail})
	if err != nil {
		t.Fatal(err)
	}
	w.svc = svc
	return w
}

func (w *world) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int64
	if err := w.f.DB.Gorm.Raw(q, args...).Scan(&n).Error; err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return int(n)
}

// The sweep flags each late clock once, appends one internal "late" event
// per clock, and raises the ladder's late step: the acting unit's head, the
// office and the webhooks; clocks not yet due are left alone. A second
// sweep finds nothing. Three working days later the escalation step tells
// leadership, once.
func TestSweepFlagsOnceAndRaisesTheLadder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 1000)
		f := w.f
		recv := sweepNow.AddDate(0, 0, -20)
		caseA, _ := f.Case(t, petition.KindFeedback, recv, alerttest.Petitioner{})
		caseB, _ := f.Case(t, petition.KindPetition, recv, alerttest.Petitioner{})
		caseC, _ := f.Case(t, petition.KindPetition, recv, alerttest.Petitioner{})
		a := f.Clock(t, caseA, caseclock.Answer, "PQLXD", recv, sweepNow.Add(-time.Hour))
		b := f.Clock(t, caseB, caseclock.Process, "", recv, sweepNow.Add(-48*time.Hour))
		f.Clock(t, caseC, caseclock.Answer, "PQLXD", recv, sweepNow.AddDate(0, 0, 30)) // not yet due

		counts, err := w.svc.Sweep(ctx, sweepNow)
		if err != nil {
			t.Fatal(err)
		}
		// A: PQLXD's head, the two office members, the webhook; B (the
		// office's own clock): the office's head (also an office member),
		// the other office member, the webhook.
		if counts["flagged"] != 2 || counts["alerts"] != 7 || counts["queued"] != 7 || counts["escalated"] != 0 {
			t.Fatalf("first sweep: %v, want 2 flagged, 7 alerts, 7 queued", counts)
		}
		clocks, err := f.Clocks.ClocksOfCase(ctx, caseA)
		if err != nil || len(clocks) != 1 || clocks[0].LateFlaggedAt == nil || !clocks[0].LateFlaggedAt.Equal(sweepNow) {
			t.Fatalf("clock A: %+v %v", clocks, err)
		}
		if n := w.count(t, "SELECT count(*) FROM case_events WHERE kind = 'late' AND public = FALSE"); n != 2 {
			t.Errorf("late events: %d, want 2", n)
		}
		type rcpt struct {
			Clock     int64
			Recipient string
		}
		var got []rcpt
		if err := db.Gorm.Raw("SELECT clock_id AS clock, recipient FROM alerts WHERE kind = 'late' ORDER BY clock_id, recipient").Scan(&got).Error; err != nil {
			t.Fatal(err)
		}
		acct := func(k string) string { return "account:" + itoa(w.acc[k]) }
		want := []rcpt{{a, acct("office")}, {a, acct("office_head")}, {a, acct("qlxd_head")}, {a, "webhook:https://bridge.example/hook"},
			{b, acct("office")}, {b, acct("office_head")}, {b, "webhook:https://bridge.example/hook"}}
		sortRcpt := func(rs []rcpt) {
			for i := range rs {
				for j := i + 1; j < len(rs); j++ {
					if rs[j].Clock < rs[i].Clock || (rs[j].Clock == rs[i].Clock && rs[j].Recipient < rs[i].Recipient) {
						rs[i], rs[j] = rs[j], rs[i]
					}
				}
			}
		}
		sortRcpt(want)
		sortRcpt(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("late recipients (-want +got):\n%s", diff)
		}

		again, err := w.svc.Sweep(ctx, sweepNow.Add(5*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if again["flagged"] != 0 || again["alerts"] != 0 {
			t.Errorf("second sweep: %v, want nothing", again)
		}

		// Friday 27/11 → Wednesday 02/12 is 3 working days after the
		// deadline date of clock A (Friday): Mon, Tue, Wed.
		esc, err := w.svc.Sweep(ctx, time.Date(2026, 12, 2, 9, 0, 0, 0, hanoi))
		if err != nil {
			t.Fatal(err)
		}
		if esc["escalated"] != 2 || esc["alerts"] != 4 {
			t.Errorf("escalation: %v, want 2 clocks escalated, 4 alerts (leadership + webhook each)", esc)
		}
		// Tuesday: clock B's deadline date is Wednesday 25/11, 3 working
		// days late on Monday 30/11; clock A only 2.
		if n := w.count(t, "SELECT count(*) FROM alerts WHERE kind = 'escalated' AND account_id = ?", w.acc["leader"]); n != 2 {
			t.Errorf("leadership alerts: %d", n)
		}
		esc2, _ := w.svc.Sweep(ctx, time.Date(2026, 12, 3, 9, 0, 0, 0, hanoi))
		if esc2["escalated"] != 0 || esc2["alerts"] != 0 {
			t.Errorf("second escalation sweep: %v", esc2)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Escalation timing: late for exactly EscalateAfter working days, not
// calendar days.
func TestEscalationCountsWorkingDays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 1000)
		recv := sweepNow.AddDate(0, 0, -20)
		id, _ := w.f.Case(t, petition.KindFeedback, recv, alerttest.Petitioner{})
		// Deadline date Wednesday 25/11: due at 24:00, i.e. Thu 00:00.
		w.f.Clock(t, id, caseclock.Answer, "PQLXD", recv, time.Date(2026, 11, 26, 0, 0, 0, 0, hanoi))
		for _, step := range []struct {
			at        time.Time
			escalated int
		}{
			{time.Date(2026, 11, 27, 9, 0, 0, 0, hanoi), 0}, // Fri: 2 working days late
			{time.Date(2026, 11, 29, 9, 0, 0, 0, hanoi), 0}, // Sun: still 2
			{time.Date(2026, 11, 30, 0, 1, 0, 0, hanoi), 1}, // Mon: 3
		} {
			c, err := w.svc.Sweep(ctx, step.at)
			if err != nil {
				t.Fatal(err)
			}
			if c["escalated"] != step.escalated {
				t.Errorf("%s: escalated %d, want %d", step.at, c["escalated"], step.escalated)
			}
		}
	})
}

// The sweep pages through the keyset until no late clock is left: with a
// batch of 2 and 7 late clocks it takes 4 batches and flags all 7.
func TestSweepPagesUntilDone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 2)
		recv := sweepNow.AddDate(0, 0, -20)
		base := sweepNow.Add(-72 * time.Hour)
		w.f.LateCases(t, 7, "PQLXD", recv, func(i int) time.Time { return base.Add(time.Duration(i%3) * time.Hour) })
		counts, err := w.svc.Sweep(ctx, sweepNow)
		if err != nil {
			t.Fatal(err)
		}
		if counts["flagged"] != 7 {
			t.Fatalf("flagged %v, want 7", counts)
		}
		if n := w.count(t, "SELECT count(*) FROM case_clocks WHERE late_flagged_at IS NULL"); n != 0 {
			t.Errorf("%d clocks left unflagged", n)
		}
	})
}

// Due-soon reminders go to the acting unit's officers 3 and 1 working days
// before the deadline date, once each; an extension that moves the due time
// re-arms them.
func TestDueSoonRemindsOnceAndReArmsOnExtension(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 1000)
		recv := sweepNow.AddDate(0, 0, -5)
		c1, _ := w.f.Case(t, petition.KindFeedback, recv, alerttest.Petitioner{})
		c2, _ := w.f.Case(t, petition.KindFeedback, recv, alerttest.Petitioner{})
		c3, _ := w.f.Case(t, petition.KindFeedback, recv, alerttest.Petitioner{})
		// Friday 27/11: Wed 02/12 is 3 working days ahead, Mon 30/11 one.
		k1 := w.f.Clock(t, c1, caseclock.Answer, "PQLXD", recv, time.Date(2026, 12, 3, 0, 0, 0, 0, hanoi))
		w.f.Clock(t, c2, caseclock.Answer, "PQLXD", recv, time.Date(2026, 12, 1, 0, 0, 0, 0, hanoi))
		w.f.Clock(t, c3, caseclock.Answer, "PQLXD", recv, time.Date(2026, 12, 10, 0, 0, 0, 0, hanoi)) // too far
		counts, err := w.svc.DueSoon(ctx, sweepNow)
		if err != nil {
			t.Fatal(err)
		}
		if counts["alerts"] != 2 {
			t.Fatalf("due soon: %v, want 2 alerts (one per near clock to the one officer)", counts)
		}
		kinds := map[string]int{}
		var rows []struct {
			Kind      string
			AccountID int64
		}
		db.Gorm.Raw("SELECT kind, account_id FROM alerts").Scan(&rows)
		for _, r := range rows {
			kinds[r.Kind]++
			if r.AccountID != w.acc["qlxd_officer"] {
				t.Errorf("due-soon alert to account %d, want the unit's officer %d", r.AccountID, w.acc["qlxd_officer"])
			}
		}
		if kinds["due_soon.3"] != 1 || kinds["due_soon.1"] != 1 {
			t.Errorf("kinds %v", kinds)
		}
		if again, _ := w.svc.DueSoon(ctx, sweepNow.Add(time.Hour)); again["alerts"] != 0 {
			t.Errorf("rerun raised %v", again)
		}
		// Monday: clock 1 is 2 working days away (still the 3-day step, sent);
		// on Tuesday it is 1 away: the 1-day reminder.
		if mon, _ := w.svc.DueSoon(ctx, time.Date(2026, 11, 30, 8, 0, 0, 0, hanoi)); mon["alerts"] != 0 {
			t.Errorf("Monday raised %v", mon)
		}
		if tue, _ := w.svc.DueSoon(ctx, time.Date(2026, 12, 1, 8, 0, 0, 0, hanoi)); tue["alerts"] != 1 {
			t.Errorf("Tuesday raised %v, want the 1-day reminder of clock 1", tue)
		}
		// An extension moves clock 1 to Friday 04/12 (due Sat 00:00): the
		// ladder re-arms; on Tuesday it is 3 working days away again.
		if err := db.Gorm.Exec("UPDATE case_clocks SET due_at = ?, extensions = extensions + 1 WHERE id = ?",
			time.Date(2026, 12, 5, 0, 0, 0, 0, hanoi).UTC(), k1).Error; err != nil {
			t.Fatal(err)
		}
		if ext, _ := w.svc.DueSoon(ctx, time.Date(2026, 12, 1, 8, 0, 0, 0, hanoi)); ext["alerts"] != 1 {
			t.Errorf("after extension: %v, want the new 3-day reminder", ext)
		}
	})
}

// Marking read is per user; the count is the bell's.
func TestInboxReadIsPerUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 1000)
		recv := sweepNow.AddDate(0, 0, -20)
		id, _ := w.f.Case(t, petition.KindFeedback, recv, alerttest.Petitioner{})
		w.f.Clock(t, id, caseclock.Answer, "PQLXD", recv, sweepNow.Add(-time.Hour))
		if _, err := w.svc.Sweep(ctx, sweepNow); err != nil {
			t.Fatal(err)
		}
		office, head := w.acc["office"], w.acc["qlxd_head"]
		for _, acc := range []int64{office, head} {
			if n, err := w.alerts.Unread(ctx, acc); err != nil || n != 1 {
				t.Fatalf("unread of %d: %d %v", acc, n, err)
			}
		}
		inbox, err := w.alerts.Inbox(ctx, office, false, 10, 0)
		if err != nil || len(inbox) != 1 || inbox[0].Payload.CaseCode == "" || inbox[0].Kind != alert.KindLate {
			t.Fatalf("inbox %+v %v", inbox, err)
		}
		// The head cannot mark the office's alert.
		if n, _ := w.alerts.MarkRead(ctx, head, []int64{inbox[0].ID}, sweepNow); n != 0 {
			t.Errorf("another user marked %d", n)
		}
		if n, _ := w.alerts.MarkRead(ctx, office, []int64{inbox[0].ID}, sweepNow); n != 1 {
			t.Errorf("marked %d", n)
		}
		if n, _ := w.alerts.Unread(ctx, office); n != 0 {
			t.Errorf("office unread %d", n)
		}
		if n, _ := w.alerts.Unread(ctx, head); n != 1 {
			t.Errorf("head unread %d, want still 1", n)
		}
	})
}

// On 1 November the calendar reminder tells admins and the office, once,
// unless next year's calendar is confirmed.
func TestCalendarReminder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 1000)
		at := time.Date(2026, 11, 1, 9, 0, 0, 0, hanoi)
		c, err := w.svc.CalendarReminder(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		// The admin and the two office members (one is the office's head).
		if c["alerts"] != 3 || c["queued"] != 3 {
			t.Fatalf("reminder %v", c)
		}
		if n := w.count(t, "SELECT count(*) FROM alerts WHERE kind = 'calendar' AND subject = 'calendar:2027' AND account_id = ?", w.acc["admin"]); n != 1 {
			t.Errorf("admin reminders: %d", n)
		}
		if again, _ := w.svc.CalendarReminder(ctx, at.Add(time.Hour)); again["alerts"] != 0 {
			t.Errorf("second reminder: %v", again)
		}
		if err := db.Gorm.Exec("INSERT INTO calendar_years (year, confirmed, updated_at) VALUES (2028, TRUE, ?)", at.UTC()).Error; err != nil {
			t.Fatal(err)
		}
		if c, _ := w.svc.CalendarReminder(ctx, time.Date(2027, 11, 1, 9, 0, 0, 0, hanoi)); c["confirmed"] != 1 || c["alerts"] != 0 {
			t.Errorf("with 2028 confirmed: %v", c)
		}
		// A year confirmed as a whole but with an unconfirmed entry is not
		// confirmed: the reminder still fires.
		if err := db.Gorm.Exec("INSERT INTO calendar_years (year, confirmed, updated_at) VALUES (2029, TRUE, ?)", at.UTC()).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Gorm.Exec("INSERT INTO calendar_entries (year, date, kind, name, unconfirmed) VALUES (2029, '2029-11-24', 'day_off', 'x', TRUE)").Error; err != nil {
			t.Fatal(err)
		}
		if c, _ := w.svc.CalendarReminder(ctx, time.Date(2028, 11, 1, 9, 0, 0, 0, hanoi)); c["confirmed"] != 0 || c["alerts"] != 3 {
			t.Errorf("with 2029 confirmed but 24/11 unconfirmed: %v", c)
		}
	})
}

// The sweep's batch size is a hard cap. With 1,000 late
// clocks due in id order and a plan that re-runs the picking subquery per
// row (a nested-loop semi join, forced here on Postgres), batch size 1
// once flagged all 1,000 in one statement. Each call, and so each
// transaction, must flag at most one, and the outbox lease likewise.
func TestSweepBatchIsAHardCap(t *testing.T) {
	// Its plan is forced from statistics it gathers (ANALYZE).
	storetest.Fresh(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := alerttest.New(t, db)
		recv := sweepNow.AddDate(0, 0, -30)
		caseID, _ := f.Case(t, petition.KindFeedback, recv, alerttest.Petitioner{})
		const n = 1000
		// One statement per table, rows in id order: a round trip per row
		// cost seconds on a busy Postgres.
		var clocks, outbox []string
		var clockArgs, outboxArgs []any
		for i := range n {
			due := sweepNow.Add(-time.Duration(n-i) * time.Minute).UTC()
			clocks = append(clocks, "(?, 'answer', 'test', ?, ?, 'open', ?, ?)")
			clockArgs = append(clockArgs, caseID, recv.UTC(), due, recv.UTC(), recv.UTC())
			outbox = append(outbox, "('webhook', 'https://bridge.example/hook', 'vi', 'pending', 0, ?, ?, ?)")
			outboxArgs = append(outboxArgs, due, due, due)
		}
		err := db.Gorm.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("INSERT INTO case_clocks (case_id, kind, rule_id, started_at, due_at, state, created_at, updated_at) VALUES "+
				strings.Join(clocks, ", "), clockArgs...).Error; err != nil {
				return err
			}
			return tx.Exec("INSERT INTO outbox (channel, target, lang, state, attempts, next_attempt_at, created_at, updated_at) VALUES "+
				strings.Join(outbox, ", "), outboxArgs...).Error
		})
		if err != nil {
			t.Fatal(err)
		}
		if db.Dialect == store.Postgres {
			// One connection, so the session settings below hold for every
			// statement the store sends.
			db.SQL.SetMaxOpenConns(1)
			for _, q := range []string{"ANALYZE case_clocks", "ANALYZE outbox", "SET enable_hashjoin = off", "SET enable_mergejoin = off",
				"SET enable_material = off", "SET enable_hashagg = off", "SET enable_sort = off"} {
				if _, err := db.SQL.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
		}
		as := store.NewAlertStore(db)
		var after alert.Cursor
		for call := 1; call <= 20; call++ {
			b, err := as.FlagLate(ctx, sweepNow, after, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			if b.Clocks != 1 {
				t.Fatalf("call %d with batch size 1 flagged %d clocks", call, b.Clocks)
			}
			after = b.Next
		}
		var flagged int64
		db.Gorm.Raw("SELECT COUNT(*) FROM case_clocks WHERE late_flagged_at IS NOT NULL").Scan(&flagged)
		if flagged != 20 {
			t.Errorf("%d clocks flagged after 20 batches of 1", flagged)
		}
		for call := 1; call <= 5; call++ {
			msgs, err := as.LeaseOutbox(ctx, sweepNow, time.Minute, 1, []string{"webhook"})
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) > 1 {
				t.Fatalf("lease %d with limit 1 took %d messages", call, len(msgs))
			}
		}
		var leased int64
		db.Gorm.Raw("SELECT COUNT(*) FROM outbox WHERE attempts > 0").Scan(&leased)
		if leased != 5 {
			t.Errorf("%d outbox rows leased after 5 leases of 1", leased)
		}
	})
}
