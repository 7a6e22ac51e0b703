package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/alert/alerttest"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/jobs"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

var hanoi = time.FixedZone("ICT", 7*3600)

func token() string {
	b := make([]byte, 5)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// withSMTP points the app at a mailpit.
func withSMTP(m alerttest.Mailpit) func(*config.Config) {
	return func(c *config.Config) {
		c.SMTP.Host, c.SMTP.Port, c.SMTP.TLS, c.SMTP.From = m.Host, m.Port, "none", "phucdap@sxd.test"
		c.BaseURL = "https://phucdap.sxd.test"
	}
}

func (ta *testApp) runJob(t *testing.T, name string, at time.Time) jobs.Run {
	t.Helper()
	return ta.runJobCtx(t, context.Background(), name, at)
}

// runJobCtx is runJob with a context (one carrying a progress reporter).
func (ta *testApp) runJobCtx(t *testing.T, ctx context.Context, name string, at time.Time) jobs.Run {
	t.Helper()
	res, err := ta.scheduler.RunManual(ctx, name, jobs.Manual{At: at, By: "test"})
	if err != nil {
		t.Fatalf("run %s: %v", name, err)
	}
	if res.Run.Outcome == jobs.Failed {
		t.Fatalf("run %s failed: %s", name, res.Run.Error)
	}
	return res.Run
}

// A case goes late, the sweep raises the office's alert, the
// outbox sends it over real SMTP, and mailpit's API gives it back: subject,
// recipient, a Vietnamese body with a plain-text and an HTML part, and not
// a trace of the denouncer. The denouncer's own receipt goes out too, from
// intake's queue.
func TestLateAlertEmailThroughMailpit(t *testing.T) {
	mp := alerttest.SharedMailpit(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tok := token()
		office := "vanphong-" + tok + "@sxd.test"
		petitioner := "togiac-" + tok + "@example.test"
		ta := newTestApp(t, db, withSMTP(mp))
		ta.addStaff(t, office, "VP", access.Office)
		f := alerttest.New(t, ta.db)
		now := ta.Clock.Now()
		received := now.AddDate(0, 0, -12)
		id, code := f.Case(t, petition.KindDenunciation, received, alerttest.Petitioner{Name: "Hoàng Văn Tố Giác", Phone: "0987654321",
			Email: petitioner, Address: "Số 99 ngõ Bí Mật, phường Tam Thanh", KeepSecret: true})
		f.Clock(t, id, caseclock.Process, "", received, now.Add(-time.Hour))

		sweep := ta.runJob(t, "overdue-sweep", time.Time{})
		if sweep.Counts["flagged"] != 1 || sweep.Counts["alerts"] != 1 || sweep.Counts["queued"] != 1 {
			t.Fatalf("sweep %v", sweep.Counts)
		}
		out := ta.runJob(t, "outbox", time.Time{})
		// The denouncer hears of the late step too (their apology), by the
		// e-mail they gave: TestSealedDenouncerNotices reads it.
		if out.Counts["sent"] != 3 || out.Counts["receipts_queued"] != 1 {
			t.Fatalf("outbox %v, want the alert, the receipt and the citizen's late notice sent", out.Counts)
		}
		n, list := mp.WaitFor(t, `to:"`+office+`"`, 1, 10*time.Second)
		if n != 1 {
			t.Fatalf("%d messages to the office, want 1", n)
		}
		msg := mp.Message(t, list[0].ID)
		if len(msg.To) != 1 || msg.To[0].Address != office {
			t.Errorf("to %+v", msg.To)
		}
		if want := "[phucdap] Quá hạn: hồ sơ " + code + " (Xử lý đơn)"; msg.Subject != want {
			t.Errorf("subject %q, want %q", msg.Subject, want)
		}
		for _, want := range []string{"Hồ sơ " + code + " đã quá hạn.", "Loại: Tố cáo", "Đơn vị thực hiện: Văn phòng Sở",
			"Đề nghị đơn vị khẩn trương xử lý", "https://phucdap.sxd.test/staff/cases/", "Thư tự động của hệ thống phucdap"} {
			if !strings.Contains(msg.Text, want) {
				t.Errorf("plain text lacks %q:\n%s", want, msg.Text)
			}
		}
		if !strings.Contains(msg.HTML, "<strong>Hồ sơ "+code+" đã quá hạn.</strong>") {
			t.Errorf("HTML part: %s", msg.HTML)
		}
		for _, leak := range []string{"Hoàng Văn", "Tố Giác", "0987654321", "Bí Mật", petitioner, "Hồ sơ thử số", "Nội dung hồ sơ"} {
			if strings.Contains(msg.Text+msg.HTML+msg.Subject, leak) {
				t.Errorf("the alert carries %q", leak)
			}
		}
		n, list = mp.WaitFor(t, `to:"`+petitioner+`" subject:"Đã tiếp nhận"`, 1, 10*time.Second)
		if n != 1 {
			t.Fatalf("%d receipts, want 1", n)
		}
		rc := mp.Message(t, list[0].ID)
		if rc.Subject != "Đã tiếp nhận hồ sơ "+code || !strings.Contains(rc.Text, "Mã hồ sơ: "+code) || !strings.Contains(rc.Text, "https://phucdap.sxd.test/tra-cuu?code="+code) {
			t.Errorf("receipt %q:\n%s", rc.Subject, rc.Text)
		}
		var sent int64
		ta.db.Gorm.Raw("SELECT count(*) FROM case_mail_queue WHERE sent_at IS NOT NULL AND attempts = 1").Scan(&sent)
		if sent != 1 {
			t.Errorf("intake's queue row not marked sent")
		}
		// Again: nothing new, to anyone.
		ta.runJob(t, "overdue-sweep", time.Time{})
		if again := ta.runJob(t, "outbox", time.Time{}); again.Counts["sent"] != 0 {
			t.Errorf("second outbox run sent %v", again.Counts)
		}
		if n, _ := mp.Search(t, `to:"`+office+`"`); n != 1 {
			t.Errorf("office has %d messages after a rerun", n)
		}
	})
}

// Two replicas (two schedulers over two connection pools to one Postgres
// database) fire the same ticks while lateCases cases go late. Each late
// case reaches the office exactly once: in the ledger and in mailpit.
// The sweep flags in batches of five and the outbox sends in chunks of
// ten, so every tick pages through several keyset batches and chunks
// while the other replica races for the same tick; the property does not
// need more rows (it took 1,000, most of the test's time going to their
// intake).
func TestTwoSchedulersEveryLateCaseOnce(t *testing.T) {
	storetest.Parallel(t)
	if testing.Short() {
		t.Skip("200 cases and 200 e-mails")
	}
	const lateCases = 200
	mp := alerttest.PrivateMailpit(t)
	dsn := storetest.NewPostgresURL(t)
	open := func() *store.DB {
		db, err := store.Open(context.Background(), store.Options{Dialect: store.Postgres, URL: dsn, MaxOpenConns: 8})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	tok := token()
	office := "vanphong-" + tok + "@sxd.test"
	replica := func(name string) func(*config.Config) {
		return func(c *config.Config) { c.Jobs.Replica = name; c.Alerts.BatchSize = 5 }
	}
	a := newTestApp(t, open(), withSMTP(mp), replica("replica-a"))
	b := newTestApp(t, open(), withSMTP(mp), replica("replica-b"))
	acc := a.addStaff(t, office, "VP", access.Office)

	f := alerttest.New(t, a.db)
	start := testNow // Friday 27/11/2026 09:00 in Hà Nội
	// The office's answer clocks, due one every 15 seconds over the next
	// 50 minutes: about twenty fall due between two ticks.
	f.LateCases(t, lateCases, "", start.AddDate(0, 0, -14), func(i int) time.Time { return start.Add(time.Duration(i*15) * time.Second) })

	var batches atomic.Int64 // sweep batches after a full one
	fire := func(job string, tick time.Time) {
		t.Helper()
		a.Clock.Set(tick)
		b.Clock.Set(tick)
		var wg sync.WaitGroup
		var claims sync.Map
		for _, app := range []*testApp{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := app.scheduler.RunTick(context.Background(), job, tick)
				if err != nil {
					t.Error(err)
					return
				}
				if res.Claimed {
					claims.Store(app.scheduler.Replica(), res.Run)
					batches.Add(int64(res.Run.Counts["batches"]))
					if res.Run.Outcome != jobs.OK {
						t.Errorf("%s at %s: %s %s", job, tick, res.Run.Outcome, res.Run.Error)
					}
				}
			}()
		}
		wg.Wait()
		n := 0
		claims.Range(func(any, any) bool { n++; return true })
		if n != 1 {
			t.Errorf("%s at %s claimed %d times, want once", job, tick, n)
		}
	}
	for m := 5; m <= 60; m += 5 {
		tick := start.Add(time.Duration(m) * time.Minute)
		fire("overdue-sweep", tick)
		fire("outbox", tick)
	}
	if batches.Load() < 10 {
		t.Errorf("the sweeps ran %d batches after a full one, want each tick's twenty cases paged in several", batches.Load())
	}
	var ledger int64
	a.db.Gorm.Raw("SELECT count(*) FROM alerts WHERE kind = 'late' AND account_id = ?", acc.ID).Scan(&ledger)
	var flagged, events int64
	a.db.Gorm.Raw("SELECT count(*) FROM case_clocks WHERE late_flagged_at IS NOT NULL").Scan(&flagged)
	a.db.Gorm.Raw("SELECT count(*) FROM case_events WHERE kind = 'late'").Scan(&events)
	if ledger != lateCases || flagged != lateCases || events != lateCases {
		t.Fatalf("ledger %d, flagged %d, late events %d; want %d each", ledger, flagged, events, lateCases)
	}
	n, _ := mp.WaitFor(t, `to:"`+office+`"`, lateCases, 30*time.Second)
	if n != lateCases {
		t.Fatalf("mailpit holds %d messages to the office, want exactly %d", n, lateCases)
	}
	var pending int64
	a.db.Gorm.Raw("SELECT count(*) FROM outbox WHERE state <> 'sent'").Scan(&pending)
	if pending != 0 {
		t.Errorf("%d deliveries not sent", pending)
	}
	// Every tick ran once, on one replica or the other.
	var dup int64
	a.db.Gorm.Raw("SELECT count(*) FROM (SELECT job, tick FROM job_runs GROUP BY job, tick HAVING count(*) > 1) d").Scan(&dup)
	if dup != 0 {
		t.Errorf("%d ticks ran twice", dup)
	}
}

// Cases fall due during three days of downtime; at restart
// "phucdap jobs run overdue-sweep --at <restart>" flags every one of them,
// once; a second run flags nothing.
func TestCatchUpAfterDowntime(t *testing.T) {
	storetest.Parallel(t)
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			storetest.Parallel(t)
			var url string
			var db *store.DB
			var err error
			if dialect == "sqlite" {
				path := filepath.Join(t.TempDir(), "phucdap.db")
				url = "sqlite:" + path
				db, err = store.Open(context.Background(), store.Options{Dialect: store.SQLite, Path: path})
			} else {
				url = storetest.NewPostgresURL(t)
				db, err = store.Open(context.Background(), store.Options{Dialect: store.Postgres, URL: url})
			}
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			f := alerttest.New(t, db)
			f.Account(t, "vp@sxd.test", "VP", access.Office)
			lastSweep := time.Date(2026, 11, 27, 17, 0, 0, 0, hanoi) // the process died after this
			restart := lastSweep.Add(72*time.Hour + 30*time.Minute)
			// 30 clocks due during the downtime, one every 2 h 20 min, and
			// one due after the restart.
			f.LateCases(t, 30, "PQLXD", lastSweep.AddDate(0, 0, -10), func(i int) time.Time {
				return lastSweep.Add(time.Duration(i+1) * 140 * time.Minute)
			})
			future := f.LateCases(t, 1, "PQLXD", lastSweep.AddDate(0, 0, -10), func(int) time.Time { return restart.Add(time.Hour) })
			env := []string{"PHUCDAP_DATABASE_URL=" + url, "PHUCDAP_ENV=test", "PHUCDAP_LOG__LEVEL=warn", "PHUCDAP_DATA_DIR=" + t.TempDir()}
			runCLI := func() string {
				t.Helper()
				var out, errb bytes.Buffer
				err := run(context.Background(), []string{"jobs", "run", "overdue-sweep", "--at", restart.Format(time.RFC3339)}, &out, &errb,
					func() []string { return env })
				if err != nil {
					t.Fatalf("jobs run: %v\n%s", err, errb.String())
				}
				return out.String()
			}
			first := runCLI()
			if !strings.Contains(first, "overdue-sweep: ok") || !strings.Contains(first, "flagged=30") || !strings.Contains(first, "alerts=30") {
				t.Fatalf("first run:\n%s", first)
			}
			var flagged []time.Time
			db.Gorm.Raw("SELECT late_flagged_at FROM case_clocks WHERE late_flagged_at IS NOT NULL").Scan(&flagged)
			if len(flagged) != 30 {
				t.Fatalf("%d clocks flagged, want 30", len(flagged))
			}
			for _, at := range flagged {
				if !at.Equal(restart) {
					t.Errorf("flagged at %s, want the restart instant %s", at, restart)
				}
			}
			second := runCLI()
			if !strings.Contains(second, "flagged=0") || !strings.Contains(second, "alerts=0") {
				t.Fatalf("second run:\n%s", second)
			}
			var events int64
			db.Gorm.Raw("SELECT count(*) FROM case_events WHERE kind = 'late'").Scan(&events)
			if events != 30 {
				t.Errorf("%d late events, want 30 (one per clock)", events)
			}
			clocks, _ := f.Clocks.ClocksOfCase(context.Background(), future[0])
			if len(clocks) != 1 || clocks[0].LateFlaggedAt != nil {
				t.Errorf("a clock due after the restart was flagged: %+v", clocks)
			}
		})
	}
}

// Due-soon and daily-digest do not run on a Saturday, a
// Sunday or a holiday, and do run on a swapped working Saturday (10/01/2026
// in the built-in table), through the app's own registry and calendar.
func TestRemindersKeepWorkingDays(t *testing.T) {
	storetest.Parallel(t)
	// The digest needs a mail server configured; nothing is sent here.
	ta := newTestApp(t, storetest.NewSQLite(t), withSMTP(alerttest.Mailpit{Host: "127.0.0.1", Port: 1}))
	tok := token()
	ta.addStaff(t, "cv-"+tok+"@sxd.test", "PQLXD", access.UnitOfficer)
	ta.addStaff(t, "vp-"+tok+"@sxd.test", "VP", access.Office)
	f := alerttest.New(t, ta.db)
	// A clock due on Tuesday 13/01/2026: 1 working day after Monday 12/01,
	// 2 after the swapped Saturday 10/01.
	id, _ := f.Case(t, petition.KindFeedback, time.Date(2026, 1, 5, 9, 0, 0, 0, hanoi), alerttest.Petitioner{})
	f.Clock(t, id, caseclock.Answer, "PQLXD", time.Date(2026, 1, 5, 9, 0, 0, 0, hanoi), time.Date(2026, 1, 14, 0, 0, 0, 0, hanoi))
	for _, tc := range []struct {
		day  string
		at   time.Time
		want jobs.Outcome
	}{
		{"Saturday 28/11/2026", time.Date(2026, 11, 28, 8, 0, 0, 0, hanoi), jobs.Skipped},
		{"Sunday 29/11/2026", time.Date(2026, 11, 29, 8, 0, 0, 0, hanoi), jobs.Skipped},
		{"Culture Day, Tuesday 24/11/2026", time.Date(2026, 11, 24, 8, 0, 0, 0, hanoi), jobs.Skipped},
		{"New Year swap, Friday 02/01/2026", time.Date(2026, 1, 2, 8, 0, 0, 0, hanoi), jobs.Skipped},
		{"worked Saturday 10/01/2026", time.Date(2026, 1, 10, 8, 0, 0, 0, hanoi), jobs.OK},
	} {
		for _, job := range []string{"due-soon", "daily-digest"} {
			r := ta.runJob(t, job, tc.at)
			if r.Outcome != tc.want {
				t.Errorf("%s on %s: %s, want %s", job, tc.day, r.Outcome, tc.want)
			}
		}
	}
	// On the worked Saturday the jobs did their work: the reminder to the
	// unit's officer and a digest to the office.
	var kinds []string
	ta.db.Gorm.Raw("SELECT kind FROM alerts ORDER BY kind").Scan(&kinds)
	if strings.Join(kinds, ",") != "digest,due_soon.3" {
		t.Errorf("alerts %v, want a digest and the 3-day reminder", kinds)
	}
	// And the scheduler's "next run" skips days off.
	st, err := ta.scheduler.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cal := ta.deadlines.Engine(context.Background()).Calendar()
	for _, s := range st {
		if (s.Name == "due-soon" || s.Name == "daily-digest") && !cal.IsWorkingDay(calendar.DateOf(s.Next, hanoi)) {
			t.Errorf("next %s on %s, a day off", s.Name, s.Next)
		}
	}
}

// The daily digest, through mailpit: one per office member and unit head,
// late cases by unit with days late, due soon, and the on-time rate.
func TestDailyDigestEmail(t *testing.T) {
	mp := alerttest.SharedMailpit(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) { testDailyDigestEmail(t, mp, db) })
}

func testDailyDigestEmail(t *testing.T, mp alerttest.Mailpit, db *store.DB) {
	ta := newTestApp(t, db, withSMTP(mp))
	tok := token()
	office := "vp-" + tok + "@sxd.test"
	head := "tp-" + tok + "@sxd.test"
	ta.addStaff(t, office, "VP", access.Office)
	ta.addStaff(t, head, "PQLXD", access.UnitHead)
	ta.addStaff(t, "cv-"+tok+"@sxd.test", "PQLXD", access.UnitOfficer) // gets no digest
	f := alerttest.New(t, ta.db)
	now := ta.Clock.Now() // Friday 27/11/2026 09:00
	recv := now.AddDate(0, 0, -20)
	late, lateCode := f.Case(t, petition.KindComplaint, recv, alerttest.Petitioner{})
	f.Clock(t, late, caseclock.Answer, "PQLXD", recv, time.Date(2026, 11, 25, 0, 0, 0, 0, hanoi)) // deadline Tue 24/11 (a day off): late Wed, Thu, Fri
	soon, soonCode := f.Case(t, petition.KindFeedback, recv, alerttest.Petitioner{})
	f.Clock(t, soon, caseclock.Answer, "PQHKT", recv, time.Date(2026, 12, 1, 0, 0, 0, 0, hanoi))
	met, _ := f.Case(t, petition.KindFeedback, recv, alerttest.Petitioner{})
	k := f.Clock(t, met, caseclock.Answer, "PQLXD", recv, time.Date(2026, 11, 27, 0, 0, 0, 0, hanoi))
	if err := f.Clocks.MeetClock(context.Background(), k, time.Date(2026, 11, 26, 15, 0, 0, 0, hanoi)); err != nil {
		t.Fatal(err)
	}
	r := ta.runJob(t, "daily-digest", time.Date(2026, 11, 27, 7, 30, 0, 0, hanoi))
	if r.Counts["alerts"] != 2 {
		t.Fatalf("digest %v, want 2 (office, unit head)", r.Counts)
	}
	if again := ta.runJob(t, "daily-digest", time.Date(2026, 11, 27, 7, 45, 0, 0, hanoi)); again.Counts["alerts"] != 0 {
		t.Errorf("a second digest the same day: %v", again.Counts)
	}
	ta.runJob(t, "outbox", time.Time{})
	n, list := mp.WaitFor(t, `to:"`+office+`"`, 1, 10*time.Second)
	if n != 1 {
		t.Fatalf("office digests: %d", n)
	}
	msg := mp.Message(t, list[0].ID)
	for _, want := range []string{"TỔNG HỢP HẰNG NGÀY 27/11/2026 — Toàn Sở", "1. HỒ SƠ QUÁ HẠN: 1", "Phòng Quản lý xây dựng:",
		lateCode + " (Khiếu nại, Trả lời, giải quyết): hạn 24:00 ngày 24/11/2026, quá 3 ngày làm việc", "2. HỒ SƠ SẮP ĐẾN HẠN: 1", soonCode,
		// The month to date, the dashboard's rate: one answered
		// on time, one still open and late.
		"3. TỶ LỆ TRẢ LỜI ĐÚNG HẠN từ 01/11/2026 đến 27/11/2026: 50% (chỉ tiêu 100%)",
		"Đã trả lời: 1, trong đó đúng hạn: 1; quá hạn chưa trả lời: 1."} {
		if !strings.Contains(msg.Text, want) {
			t.Errorf("office digest lacks %q:\n%s", want, msg.Text)
		}
	}
	_, list = mp.WaitFor(t, `to:"`+head+`"`, 1, 10*time.Second)
	hd := mp.Message(t, list[0].ID)
	if !strings.Contains(hd.Text, "Phòng Quản lý xây dựng") || strings.Contains(hd.Text, soonCode) {
		t.Errorf("the unit head's digest is not scoped to the unit:\n%s", hd.Text)
	}
}

// The API: admins list and run jobs; everyone reads and marks their own
// alerts; the bell counts them.
func TestJobsAndAlertsAPI(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		admin := ta.staffToken(t, "", access.Admin)
		officeAcc := ta.addStaff(t, "vp@sxd.test", "VP", access.Office)
		_, officeTok, err := ta.accounts.CreateToken(context.Background(), access.System("test"), officeAcc.Email, "t", nil)
		if err != nil {
			t.Fatal(err)
		}
		office := "Bearer " + officeTok
		f := alerttest.New(t, ta.db)
		now := ta.Clock.Now()
		id, code := f.Case(t, petition.KindFeedback, now.AddDate(0, 0, -20), alerttest.Petitioner{})
		f.Clock(t, id, caseclock.Answer, "PQLXD", now.AddDate(0, 0, -20), now.Add(-time.Minute))

		res, body := ta.do(t, http.MethodPost, "/api/v1/admin/jobs/overdue-sweep/run", strings.NewReader("{}"), "Authorization", admin, "Content-Type", "application/json")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("run: %d %s", res.StatusCode, body)
		}
		var run struct {
			Outcome string
			Cause   string
			Counts  map[string]int
		}
		json.Unmarshal(body, &run)
		if run.Outcome != "ok" || run.Cause != "manual" || run.Counts["flagged"] != 1 {
			t.Errorf("run %s", body)
		}
		res, body = ta.do(t, http.MethodPost, "/api/v1/admin/jobs/nope/run", strings.NewReader("{}"), "Authorization", admin, "Content-Type", "application/json")
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown job: %d %s", res.StatusCode, body)
		}
		var list struct {
			Replica string
			Jobs    []struct {
				Name    string
				LastRun *struct{ Outcome string } `json:"last_run"`
				NextRun *time.Time                `json:"next_run"`
			}
		}
		ta.getJSON(t, "/api/v1/admin/jobs", http.StatusOK, &list, "Authorization", admin)
		if len(list.Jobs) != len(ta.scheduler.Jobs()) || list.Jobs[0].Name != "overdue-sweep" || list.Jobs[0].LastRun == nil || list.Jobs[0].NextRun == nil {
			t.Errorf("jobs %+v", list)
		}
		ta.getJSON(t, "/api/v1/admin/jobs", http.StatusForbidden, nil, "Authorization", office)

		var inbox struct {
			Unread int
			Alerts []struct {
				Id       int64
				Kind     string
				CaseCode string `json:"case_code"`
				Unit     string
			}
		}
		ta.getJSON(t, "/api/v1/alerts", http.StatusOK, &inbox, "Authorization", office)
		if inbox.Unread != 1 || len(inbox.Alerts) != 1 || inbox.Alerts[0].CaseCode != code || inbox.Alerts[0].Kind != "late" ||
			inbox.Alerts[0].Unit != "Phòng Quản lý xây dựng" {
			t.Fatalf("inbox %+v", inbox)
		}
		// The admin has no alert; marking the office's alert by id does nothing.
		res, body = ta.do(t, http.MethodPost, "/api/v1/alerts/read", strings.NewReader(fmt.Sprintf(`{"ids":[%d]}`, inbox.Alerts[0].Id)),
			"Authorization", admin, "Content-Type", "application/json")
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `"marked":0`) {
			t.Errorf("admin marks another's alert: %d %s", res.StatusCode, body)
		}
		res, body = ta.do(t, http.MethodPost, "/api/v1/alerts/read", strings.NewReader(`{}`), "Authorization", office, "Content-Type", "application/json")
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `"marked":1`) || !strings.Contains(string(body), `"unread":0`) {
			t.Errorf("mark all: %d %s", res.StatusCode, body)
		}
	})
}

// The bell in the staff top bar shows the unread count; the inbox page
// lists the alert; "mark read" (a POST with the CSRF token) clears it for
// this person only.
func TestBellAndInboxPage(t *testing.T) {
	storetest.Parallel(t)
	ta := newTestApp(t, storetest.NewSQLite(t))
	ta.addStaff(t, "vp@sxd.test", "VP", access.Office)
	ta.addStaff(t, "tp@sxd.test", "PQLXD", access.UnitHead)
	f := alerttest.New(t, ta.db)
	now := ta.Clock.Now()
	id, code := f.Case(t, petition.KindDenunciation, now.AddDate(0, 0, -20), alerttest.Petitioner{Name: "Phùng Thị Kín", KeepSecret: true})
	f.Clock(t, id, caseclock.Answer, "PQLXD", now.AddDate(0, 0, -20), now.Add(-time.Minute))
	ta.runJob(t, "overdue-sweep", time.Time{})

	b := ta.browser(t)
	b.mustLogin("vp@sxd.test")
	_, page := b.get("/staff/alerts")
	if !strings.Contains(page, `<span class="bell-count">1</span>`) || !strings.Contains(page, "Thông báo: 1 chưa đọc") {
		t.Fatalf("no bell count in the top bar")
	}
	for _, want := range []string{code, "Quá hạn", "Tố cáo", "Phòng Quản lý xây dựng"} {
		if !strings.Contains(page, want) {
			t.Errorf("inbox lacks %q", want)
		}
	}
	if strings.Contains(page, "Phùng Thị") {
		t.Error("the inbox shows the denouncer")
	}
	m := regexp.MustCompile(`name="id" value="(\d+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no mark-read form")
	}
	res, _ := b.do(http.MethodPost, "/staff/alerts/read", map[string][]string{"id": {m[1]}}) // no CSRF token
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("mark read without CSRF: %d", res.StatusCode)
	}
	res, _ = b.post("/staff/alerts/read", map[string][]string{"id": {m[1]}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark read: %d", res.StatusCode)
	}
	_, page = b.get("/staff/alerts")
	if strings.Contains(page, "bell-count") {
		t.Error("the bell still counts after reading")
	}
	hb := ta.browser(t)
	hb.mustLogin("tp@sxd.test")
	if _, p := hb.get("/staff/alerts"); !strings.Contains(p, `<span class="bell-count">1</span>`) {
		t.Error("the unit head's alert was marked read by the office")
	}
}

// The jobs page in a real browser after a run. An admin signs
// in, presses "Chạy ngay" on the overdue sweep, lands on the run's page,
// which refreshes itself until the run is done (screenshot
// job-run-page.png), and back on the jobs page sees the run: outcome,
// duration, counts, the next run (jobs-page.png; PHUCDAP_TEST_SHOTS).
func TestJobsPageInBrowser(t *testing.T) {
	ta := newBrowserApp(t)
	ta.addStaff(t, "quantri@sxd.test", "", access.Admin)
	ta.addStaff(t, "vp@sxd.test", "VP", access.Office)
	f := alerttest.New(t, ta.db)
	now := ta.Clock.Now()
	ids := f.LateCases(t, 12, "PQLXD", now.AddDate(0, 0, -20), func(i int) time.Time { return now.Add(-time.Duration(i+1) * time.Hour) })
	_ = ids
	// Some history: a skipped due-soon on Saturday and a digest with no
	// mailer configured.
	ta.runJob(t, "due-soon", time.Date(2026, 11, 28, 8, 0, 0, 0, hanoi))
	ta.runJob(t, "kpi-snapshot", time.Time{})

	ctx := newBrowser(t)
	err := chromedp.Do(ctx,
		logIn(ta.Server.URL+"/login?next=/staff/admin/jobs", "quantri@sxd.test", "table.jobs"),
		chromedp.Click(chromedp.CSS(`#job-overdue-sweep button`)),
		chromedp.WaitVisible(chromedp.CSS("#run-done")),
	)
	if err != nil {
		t.Fatal(err)
	}
	keepShot(t, ctx, "job-run-page.png", fullShot())
	done, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(done, "Đã xong trong") || !strings.Contains(done, "flagged=12") {
		t.Errorf("the run's page: %s", done)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(ta.Server.URL+"/staff/admin/jobs"), chromedp.WaitVisible(chromedp.CSS("table.jobs"))); err != nil {
		t.Fatal(err)
	}
	keepShot(t, ctx, "jobs-page.png", fullShot())
	row, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#job-overdue-sweep")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"thành công", "flagged=12", "alerts=12", "chạy thủ công"} {
		if !strings.Contains(row, want) {
			t.Errorf("the overdue-sweep row lacks %q: %s", want, row)
		}
	}
	due, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#job-due-soon")))
	if !strings.Contains(due, "bỏ qua") || !strings.Contains(due, "không phải ngày làm việc") {
		t.Errorf("the due-soon row: %s", due)
	}
	var runs int64
	ta.db.Gorm.Raw("SELECT count(*) FROM audit_log WHERE action = 'job.run' AND actor_id IS NOT NULL").Scan(&runs)
	if runs != 1 {
		t.Errorf("%d job.run audit entries by an account, want 1 (the browser's)", runs)
	}
}

// The real binary: two replicas with jobs on, over one Postgres, fire the
// outbox every second (an override) and catch up the sweep's latest tick at
// start; a third, passive, runs nothing. Every tick is one row, and SIGTERM
// stops the scheduler and exits cleanly.
func TestE2EJobsInTheBinary(t *testing.T) {
	storetest.Parallel(t)
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dsn := storetest.NewPostgresURL(t)
	binary(t)
	db, err := store.Open(context.Background(), store.Options{Dialect: store.Postgres, URL: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	every := "PHUCDAP_JOBS__OUTBOX__SCHEDULE=* * * * * *"
	a := start(t, "PHUCDAP_DATABASE_URL="+dsn, "PHUCDAP_JOBS__REPLICA=a", every)
	b := start(t, "PHUCDAP_DATABASE_URL="+dsn, "PHUCDAP_JOBS__REPLICA=b", every)
	c := start(t, "PHUCDAP_DATABASE_URL="+dsn, "PHUCDAP_JOBS__REPLICA=c", "PHUCDAP_JOBS__ENABLED=false", every)
	// Wait until the outbox has run a few times with all three up,
	// however slowly a busy machine started them.
	const wantOutbox = 3
	allUp := time.Now()
	deadline := allUp.Add(60 * time.Second)
	for {
		var n int64
		if err := db.Gorm.Raw("SELECT count(*) FROM job_runs WHERE job = 'outbox' AND outcome = 'ok' AND started_at >= ?", allUp).
			Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n >= wantOutbox {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d outbox runs after both replicas started, want %d within 60 s:\n%s", n, wantOutbox, a.stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	a.stop(t)
	b.stop(t)
	c.stop(t)
	var rows []struct {
		Job     string
		Tick    string
		Cause   string
		Replica string
		Outcome string
	}
	db.Gorm.Raw("SELECT job, tick, cause, replica, outcome FROM job_runs ORDER BY id").Scan(&rows)
	perTick := map[string]int{}
	sweeps, outbox := 0, 0
	for _, r := range rows {
		perTick[r.Job+" "+r.Tick]++
		if r.Replica == "c" {
			t.Errorf("the passive replica ran %s", r.Job)
		}
		if r.Outcome != "ok" {
			t.Errorf("%s %s: %s", r.Job, r.Tick, r.Outcome)
		}
		switch r.Job {
		case "overdue-sweep":
			sweeps++
		case "outbox":
			outbox++
		}
	}
	// One run per tick, not one per replica.
	for k, n := range perTick {
		if n > 1 {
			t.Errorf("%s ran %d times", k, n)
		}
	}
	// The sweep's run-at-start tick is the latest */5 activation: both
	// replicas name it the same, so it ran once (twice only if the two
	// starts straddled a five-minute boundary).
	if sweeps < 1 || sweeps > 2 {
		t.Errorf("%d sweeps at start, want 1", sweeps)
	}
	if outbox < wantOutbox {
		t.Errorf("%d outbox runs, want at least %d", outbox, wantOutbox)
	}
	if !strings.Contains(a.stderr.String(), "scheduler stopped") {
		t.Errorf("replica a did not stop its scheduler:\n%s", a.stderr.String())
	}
}

// The alert inbox in a real browser: the bell in the top bar carries the
// unread count; the inbox lists the late case without the denouncer.
func TestAlertInboxInBrowser(t *testing.T) {
	ta := newBrowserApp(t)
	ta.addStaff(t, "vp@sxd.test", "VP", access.Office)
	f := alerttest.New(t, ta.db)
	now := ta.Clock.Now()
	recv := now.AddDate(0, 0, -20)
	id, _ := f.Case(t, petition.KindDenunciation, recv, alerttest.Petitioner{Name: "Vi Thị Ẩn Danh", KeepSecret: true})
	f.Clock(t, id, caseclock.Process, "", recv, now.Add(-26*time.Hour))
	id2, _ := f.Case(t, petition.KindComplaint, recv, alerttest.Petitioner{})
	f.Clock(t, id2, caseclock.Answer, "PQLXD", recv, now.Add(-2*time.Hour))
	ta.runJob(t, "overdue-sweep", time.Time{})
	id3, _ := f.Case(t, petition.KindFeedback, recv, alerttest.Petitioner{})
	f.Clock(t, id3, caseclock.Answer, "", recv, now.Add(50*time.Hour))
	ta.runJob(t, "due-soon", time.Time{})

	ctx := newBrowser(t)
	err := chromedp.Do(ctx, logIn(ta.Server.URL+"/login?next=/staff/alerts", "vp@sxd.test", "ul.alert-list"))
	if err != nil {
		t.Fatal(err)
	}
	keepShot(t, ctx, "alerts-inbox.png", fullShot())
	bell, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".bell-count")))
	if strings.TrimSpace(bell) != "3" {
		t.Errorf("bell shows %q, want 3", bell)
	}
	text, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if strings.Contains(text, "Ẩn Danh") {
		t.Error("the inbox shows the denouncer")
	}
	for _, want := range []string{"Quá hạn", "Sắp đến hạn", "Tố cáo", "Khiếu nại"} {
		if !strings.Contains(text, want) {
			t.Errorf("inbox lacks %q", want)
		}
	}
}
