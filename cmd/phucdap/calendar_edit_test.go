package main

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/httpapi"
)

// calendarSlip catches a template slip on the calendar page: a nil, a
// format error, a message id left untranslated.
var calendarSlip = regexp.MustCompile(`<nil>|&lt;nil&gt;|%!|\bcalendar\.[a-z_]+(\.[a-z_]+)?\b`)

// The calendar page's forms, on both databases: add, edit, remove, swap,
// import, refuse, each save audited with the table before and after.
func TestCalendarPageEdits(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.addStaff(t, "lich-13@sxd.test", "VP", access.Office)
		ta.addStaff(t, "cv-13@sxd.test", "PQLXD", access.UnitOfficer)
		b := ta.browser(t)
		b.mustLogin("lich-13@sxd.test")
		post := func(op string, form url.Values, want int) string {
			t.Helper()
			res, body := b.post("/admin/calendar/2027/"+op, form)
			if res.StatusCode != want {
				t.Fatalf("POST %s: %d, want %d\n%s", op, res.StatusCode, want, body)
			}
			if m := calendarSlip.FindString(body); m != "" {
				t.Errorf("POST %s shows %q", op, m)
			}
			return body
		}
		src := url.Values{"source_no": {"Thông báo 1/TB-BNV"}, "source_date": {"2026-10-15"}, "confirmed": {"1"}}
		with := func(kv ...string) url.Values {
			v := url.Values{}
			for k, vs := range src {
				v[k] = vs
			}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}
		post("entry", with("date", "2027-02-12", "kind", "day_off", "name", "Tết Nguyên đán", "name_en", "Lunar New Year"), http.StatusSeeOther)
		post("entry", with("date", "2027-02-12", "kind", "day_off", "name", "Nghỉ Tết Nguyên đán", "name_en", "Lunar New Year break"), http.StatusSeeOther)
		post("entry", with("date", "2027-02-20", "kind", "working_saturday"), http.StatusSeeOther)
		post("remove", url.Values{"date": {"2027-11-24"}}, http.StatusSeeOther)
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("csrf", b.csrf())
		fw, _ := mw.CreateFormFile("file", "2027.csv")
		fw.Write([]byte("date,kind,name,source,confirmed\n2027-04-30,day_off,Ngày Chiến thắng,Bộ luật Lao động 2019 Điều 112(1),yes\n2027-05-03,day_off,Nghỉ hoán đổi,Thông báo 1/TB-BNV ngày 15/10/2026,no\n"))
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, ta.Server.URL+"/admin/calendar/2027/import", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		r2, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r2.Body.Close()
		if r2.StatusCode != http.StatusSeeOther {
			t.Fatalf("import: %d", r2.StatusCode)
		}

		// Refusals name the problem in the reader's language and store
		// nothing.
		for _, tt := range []struct {
			op   string
			form url.Values
			want string
		}{
			{"entry", with("date", "2028-01-03", "name", "x"), "03/01/2028 không thuộc năm 2027"},
			{"entry", with("date", "2027-03-01", "name", ""), "Ghi tên ngày nghỉ"},
			{"entry", url.Values{"date": {"2027-03-01"}, "name": {"x"}}, "Ghi số hiệu văn bản"},
			{"entry", with("date", "2027-03-01", "kind", "working_saturday"), "01/03/2027 vốn là ngày làm việc"},
			{"remove", url.Values{"date": {"01/03/2027"}}, "không hợp lệ"},
			{"import", url.Values{}, "Chọn tệp"},
		} {
			body := post(tt.op, tt.form, http.StatusUnprocessableEntity)
			if !strings.Contains(body, tt.want) || !strings.Contains(body, `id="calendar-error"`) {
				t.Errorf("%s %v: refusal does not say %q", tt.op, tt.form, tt.want)
			}
		}
		// A unit officer may not edit.
		ob := ta.browser(t)
		ob.mustLogin("cv-13@sxd.test")
		if res, _ := ob.post("/admin/calendar/2027/remove", url.Values{"date": {"2027-01-01"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("unit officer edit: %d", res.StatusCode)
		}

		var y httpapi.CalendarYear
		ta.getJSON(t, "/api/v1/calendar/2027", 200, &y)
		if y.Proposed {
			t.Fatal("2027 not stored")
		}
		d, ok := hasDay(y.DaysOff, "2027-02-12")
		if !ok || d.Name != "Nghỉ Tết Nguyên đán" || d.NameEn == nil || *d.NameEn != "Lunar New Year break" ||
			d.Source == nil || *d.Source != "Thông báo 1/TB-BNV ngày 15/10/2026" || d.Unconfirmed == nil || *d.Unconfirmed {
			t.Errorf("edited day off: %+v", d)
		}
		if _, ok := hasDay(y.DaysOff, "2027-11-24"); ok {
			t.Error("removed day still there")
		}
		if d, ok := hasDay(y.DaysOff, "2027-05-03"); !ok || d.Unconfirmed == nil || !*d.Unconfirmed {
			t.Errorf("imported unconfirmed day: %+v", d)
		}
		if len(y.WorkingSaturdays) != 1 || y.WorkingSaturdays[0].Date != "2027-02-20" {
			t.Errorf("working Saturdays: %+v", y.WorkingSaturdays)
		}
		// Every save is in the audit trail, with who and the table before.
		var trail struct{ Entries []httpapi.AuditEntry }
		ta.getJSON(t, "/api/v1/audit?action=calendar.save", 200, &trail, "Authorization", ta.staffToken(t, "VP", access.Auditor))
		if len(trail.Entries) != 5 {
			t.Errorf("audit: %d calendar.save entries, want 5", len(trail.Entries))
		}
		for i, e := range trail.Entries {
			if e.ActorId == nil || e.After == nil || (i < len(trail.Entries)-1 && e.Before == nil) {
				t.Errorf("audit entry %d: %+v", i, e)
			}
		}

		// The page shows the edit form pre-filled and the diff from the
		// draft.
		_, page := b.get("/admin/calendar/2027?edit=2027-02-12")
		for _, want := range []string{`value="Nghỉ Tết Nguyên đán"`, `value="Thông báo 1/TB-BNV"`, `value="2026-10-15"`, `id="changes"`, "24/11/2027"} {
			if !strings.Contains(page, want) {
				t.Errorf("page lacks %s", want)
			}
		}
	})
}

// The calendar page in Chromium: add, edit, remove, swap, import and
// confirm, as the office does it. Screenshots cal-*.png
// (PHUCDAP_TEST_SHOTS).
func TestCalendarPageInBrowser(t *testing.T) {
	ta := newBrowserApp(t)
	ta.addStaff(t, "lich-browser@sxd.test", "VP", access.Office)
	// The scenario is long and the machine shared: give it more than
	// newBrowser's 90 seconds.
	ctx := newBrowserFor(t, 5*time.Minute)
	pg := browserPage{t: t, ctx: ctx, slip: calendarSlip}
	shot, do, text := pg.shot, pg.do, pg.text
	// fill sets the entry form and saves it; date inputs are set by value,
	// as typing into them depends on the browser's locale.
	set := func(id, v string) chromedp.Action[chromedp.Void] {
		js, _ := json.Marshal(v)
		return chromedp.Evaluate[chromedp.Void](`document.getElementById("` + id + `").value = ` + string(js))
	}
	fill := func(what, date, kind, name, sourceNo, sourceDate string) {
		t.Helper()
		do(what,
			chromedp.WaitVisible(chromedp.CSS("#entry-form")),
			set("f-date", date), set("f-kind", kind), set("f-name", name),
			set("f-source-no", sourceNo), set("f-source-date", sourceDate),
		)
	}
	// submit clicks a button and waits for the next page's outcome; the
	// last page's outcome goes first, so the wait is for the new one.
	submit := func(what, button string) {
		t.Helper()
		do(what,
			chromedp.Evaluate[chromedp.Void](`document.querySelectorAll(".ok-box, #calendar-error").forEach(e => e.remove())`),
			chromedp.Click(chromedp.CSS(button)),
			chromedp.WaitVisible(chromedp.CSS(".ok-box, #calendar-error")))
	}
	save := func(what string) { t.Helper(); submit(what, "#f-save") }

	do("login",
		logIn(ta.Server.URL+"/login?next=/admin/calendar/2027", "lich-browser@sxd.test", ".staffbar"),
		chromedp.Navigate(ta.Server.URL+"/admin/calendar/2027"),
		chromedp.WaitVisible(chromedp.CSS("#entry-form")),
	)
	if s := text(".status"); !strings.Contains(s, "Bản đề xuất") {
		t.Errorf("2027 should be a draft: %s", s)
	}
	shot("cal-draft.png")

	// Add: Tết 2027 (Sat 06/02) starts a day earlier than the draft says.
	fill("add", "2027-02-04", "day_off", "Tết Nguyên đán", "Thông báo 1/TB-BNV", "2026-10-15")
	save("add")
	if !strings.Contains(text("#entries"), "04/02/2027") {
		t.Error("added day not listed")
	}
	shot("cal-add.png")

	// A refusal: no source document.
	fill("no source", "2027-03-01", "day_off", "Ngày thử", "", "")
	save("no source")
	if s := text("#calendar-error"); !strings.Contains(s, "số hiệu văn bản") {
		t.Errorf("refusal: %s", s)
	}
	shot("cal-refused.png")

	// Edit it: the link pre-fills the form.
	do("edit link", chromedp.Navigate(ta.Server.URL+"/admin/calendar/2027"), chromedp.Click(chromedp.CSS("#edit-2027-02-04")),
		chromedp.WaitVisible(chromedp.CSS("#entry-form")))
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-source-no"))); v != "Thông báo 1/TB-BNV" {
		t.Errorf("edit form source: %q", v)
	}
	do("edit", set("f-name", "Nghỉ Tết Nguyên đán (29 tháng Chạp)"), set("f-name-en", "Lunar New Year break"))
	save("edit")
	if !strings.Contains(text("#entries"), "Nghỉ Tết Nguyên đán (29 tháng Chạp)") {
		t.Error("edited name not listed")
	}
	shot("cal-edit.png")

	// Swap: Mon 03/05 off, Sat 08/05 worked.
	fill("swap off", "2027-05-03", "day_off", "Nghỉ hoán đổi Quốc tế Lao động", "Thông báo 1/TB-BNV", "2026-10-15")
	save("swap off")
	fill("swap worked", "2027-05-08", "working_saturday", "", "Thông báo 1/TB-BNV", "2026-10-15")
	save("swap worked")
	if s := text("#entries"); !strings.Contains(s, "08/05/2027") || !strings.Contains(s, "03/05/2027") {
		t.Errorf("swap not listed: %s", s)
	}
	shot("cal-swap.png")

	// Remove 24/11 (its legal basis is weak).
	submit("remove", "#remove-2027-11-24")
	if strings.Contains(text("#entries"), "24/11/2027") {
		t.Error("24/11 still listed")
	}
	shot("cal-remove.png")

	// Import an iCalendar file with Quốc khánh 2027 (Thu 02/09 and Fri 03/09).
	ics := filepath.Join(t.TempDir(), "quockhanh-2027.ics")
	os.WriteFile(ics, []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270902\r\nDTEND;VALUE=DATE:20270904\r\n"+
		"SUMMARY:Quốc khánh\r\nDESCRIPTION:Thông báo 1/TB-BNV ngày 15/10/2026\r\nSTATUS:CONFIRMED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"), 0o644)
	do("choose file", chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{ics}))
	submit("import", "#f-import")
	if s := text("#changes"); !strings.Contains(s, "04/02/2027") || !strings.Contains(s, "08/05/2027") || !strings.Contains(s, "24/11/2027") {
		t.Errorf("diff from the draft: %s", s)
	}
	shot("cal-import.png")

	// Confirm: the diff is on the page above the button.
	submit("confirm", "#confirm-year")
	shot("cal-confirm.png")
	var y httpapi.CalendarYear
	ta.getJSON(t, "/api/v1/calendar/2027", 200, &y)
	if y.Proposed || y.ConfirmedBy == nil {
		t.Errorf("2027 after confirming: %+v", y)
	}
	if d, ok := hasDay(y.DaysOff, "2027-09-03"); !ok || d.Unconfirmed == nil || *d.Unconfirmed {
		t.Errorf("imported 03/09: %+v", d)
	}
	// Entries the draft guessed (Tết) are still unconfirmed: the year is
	// not, and the page says why.
	if y.Confirmed != (len(y.UnconfirmedEntries) == 0) {
		t.Errorf("confirmed %v with unconfirmed entries %v", y.Confirmed, y.UnconfirmedEntries)
	}
}
