package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/present"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// registerUnder registers a telephoned petition under the topic slug and
// accepts it, as the office does before assigning.
func (ta *testApp) registerUnder(t *testing.T, office access.Actor, slug string) int64 {
	t.Helper()
	ctx := context.Background()
	topics, err := ta.intake.store.ListTopics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	in := petition.ClassifyInput{Eligible: true, WithinCompetence: true, Round: 1}
	for _, tp := range topics {
		if tp.Slug == slug {
			in.TopicID = tp.ID
		}
	}
	if in.TopicID == 0 {
		t.Fatalf("no topic %s", slug)
	}
	r := ta.register(t, office, petition.RegisterInput{Kind: petition.KindPetition, Channel: petition.ChannelPhone,
		ReceivedAt: ta.Clock.Now(), Title: "Thông tin quy hoạch chưa công khai", Content: "Đề nghị công khai quy hoạch chi tiết khu đô thị Phú Lộc, phường Đông Kinh.",
		Name: "Hoàng Thị Thu", Phone: "0205 3812 345"})
	ta.act(t, office, r.CaseID, in)
	ta.act(t, office, r.CaseID, petition.AcceptInput{})
	return r.CaseID
}

var tickedRE = regexp.MustCompile(`name="coordinating" value="([A-Z0-9_]+)"( checked)?`)

// The assign form shows a plan task's group expanded into its units, each
// its own checkbox; what the office submits is what is recorded: with four
// of the five proposed divisions unticked, one division coordinates, with
// one contribution deadline, and the group itself is never a choice. The
// first assignment asks no reason for re-assignment.
func TestAssignRecordsWhatTheOfficeTicked(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.addStaff(t, "vanphong.ticks@sxd.test", "VP", access.Office)
		office := ta.staffActor(t, "vanphong.ticks2@sxd.test", "VP", access.Office)
		id := ta.registerUnder(t, office, "thong-tin-quy-hoach-thu-tuc")
		b := ta.browser(t)
		b.mustLogin("vanphong.ticks@sxd.test")
		res, page := b.get("/staff/cases/" + strconv.FormatInt(id, 10))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("case page: %d", res.StatusCode)
		}
		form := page[strings.Index(page, `id="act-assign"`):]
		form = form[:strings.Index(form, "</form>")]
		var ticked, shown []string
		for _, m := range tickedRE.FindAllStringSubmatch(form, -1) {
			shown = append(shown, m[1])
			if m[2] != "" {
				ticked = append(ticked, m[1])
			}
		}
		if slices.Contains(shown, "DIVISIONS") {
			t.Errorf("the group is a checkbox of its own: %v", shown)
		}
		if !strings.Contains(form, "Các phòng, ban, đơn vị thuộc Sở") || len(ticked) < 5 {
			t.Fatalf("the plan's group is not shown expanded with its units ticked: ticked %v of %v", ticked, shown)
		}
		if strings.Contains(form, `name="reason"`) {
			t.Error("the first assignment asks for a reason for re-assignment")
		}
		// The office makes PQLXD lead and unticks four of the other five.
		res, body := b.post("/staff/cases/"+strconv.FormatInt(id, 10)+"/assign", url.Values{"lead": {"PQLXD"}, "coordinating": {"PQHKT"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("assign: %d %s", res.StatusCode, body)
		}
		st := ta.caseState(t, id)
		if want := []int64{ta.unitID(t, "PQHKT")}; st.LeadUnitID != ta.unitID(t, "PQLXD") || !slices.Equal(st.Coordinating, want) {
			t.Fatalf("lead %d coordinating %v, want PQLXD and %v", st.LeadUnitID, st.Coordinating, want)
		}
		var contrib []int64
		for _, c := range st.Clocks {
			if c.Kind == caseclock.Contribution && c.Running() {
				contrib = append(contrib, c.UnitID)
			}
		}
		if len(contrib) != 1 || contrib[0] != ta.unitID(t, "PQHKT") {
			t.Errorf("contribution deadlines for units %v, want one, PQHKT's", contrib)
		}
		// A group posted by hand is refused, naming its members, and
		// changes nothing.
		before := ta.dbFingerprint(t)
		res, body = b.post("/staff/cases/"+strconv.FormatInt(id, 10)+"/assign", url.Values{"lead": {"PQLXD"}, "coordinating": {"DIVISIONS"},
			"reason": {"Thêm các phòng phối hợp"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "là một nhóm") || !strings.Contains(body, "Phòng Quy hoạch - Kiến trúc") {
			t.Errorf("a group posted: %d, want 422 naming its units", res.StatusCode)
		}
		if after := ta.dbFingerprint(t); after != before {
			t.Error("the refused group assignment changed the database")
		}
	})
}

// trailOf is the case page's trail (ol#trail) as text.
func trailOf(t *testing.T, page string) string {
	t.Helper()
	i := strings.Index(page, `id="trail"`)
	if i < 0 {
		t.Fatal("the case page has no trail")
	}
	s := page[i:]
	return s[:strings.Index(s, "</ol>")]
}

// The case log says what happened in sentences and who did it by name and
// unit: no "channel=web files=2 keep_secret=true", no "account:2 canbo…",
// no coded assignment; the software is "Hệ thống".
func TestCaseLogNamesPeople(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		acc := ta.addStaff(t, "vanphong.log@sxd.test", "VP", access.Office)
		office := acc.Actor("session")
		officer := ta.staffActor(t, "pqlxd.log@sxd.test", "PQLXD", access.UnitOfficer)
		head := ta.staffActor(t, "truongphong.log@sxd.test", "PQLXD", access.UnitHead)
		id := ta.registerUnder(t, office, "thong-tin-quy-hoach-thu-tuc")
		ta.act(t, office, id, petition.AssignInput{Lead: "PQLXD", Coordinating: []string{"PQHKT"}})
		ta.act(t, officer, id, petition.AnswerInput{Body: "Sở Xây dựng trả lời: quy hoạch chi tiết khu đô thị Phú Lộc đã được công khai tại trụ sở UBND phường."})
		ta.act(t, head, id, petition.ApproveInput{})
		b := ta.browser(t)
		b.mustLogin("vanphong.log@sxd.test")
		for _, lang := range []string{"vi", "en"} {
			_, page := b.get("/staff/cases/" + strconv.FormatInt(id, 10) + "?lang=" + lang)
			trail := trailOf(t, page)
			for _, raw := range []string{"account:", "@sxd.test", "channel=", "keep_secret", "files=", "lead=", "coordinating=", "built-in", "kind=", "clock="} {
				if strings.Contains(trail, raw) {
					t.Errorf("%s: the trail shows %q:\n%s", lang, raw, trail)
				}
			}
			for _, want := range []string{acc.Name + " (Văn phòng Sở)", "Cán bộ pqlxd.log (Phòng Quản lý xây dựng)"} {
				if !strings.Contains(trail, want) {
					t.Errorf("%s: the trail does not name %q:\n%s", lang, want, trail)
				}
			}
			// The answer says who drafted and who approved it, by name.
			if !strings.Contains(page, "Cán bộ truongphong.log (Phòng Quản lý xây dựng)") || strings.Contains(page, "account:") {
				t.Errorf("%s: the answer does not name its approver, or the page shows an account label", lang)
			}
		}
		_, page := b.get("/staff/cases/" + strconv.FormatInt(id, 10) + "?lang=vi")
		for _, want := range []string{"Tiếp nhận, kênh: Điện thoại", "Giao Phòng Quản lý xây dựng chủ trì, Phòng Quy hoạch - Kiến trúc phối hợp"} {
			if !strings.Contains(trailOf(t, page), want) {
				t.Errorf("the trail lacks the sentence %q", want)
			}
		}
	})
}

// An answer letter dated after today is refused beside its field, in
// Vietnamese and English, and nothing is saved; dated today it is taken.
// Today is the test clock's, not the machine's.
func TestLetterDateAfterTodayIsRefused(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.setLocal(t, "2026-12-18 16:30")
		office := ta.staffActor(t, "vanphong.letter@sxd.test", "VP", access.Office)
		ta.addStaff(t, "pqlxd.letter@sxd.test", "PQLXD", access.UnitOfficer)
		id := ta.registerUnder(t, office, "thong-tin-quy-hoach-thu-tuc")
		ta.act(t, office, id, petition.AssignInput{Lead: "PQLXD"})
		b := ta.browser(t)
		b.mustLogin("pqlxd.letter@sxd.test")
		path := "/staff/cases/" + strconv.FormatInt(id, 10)
		body := "Sở Xây dựng trả lời: quy hoạch chi tiết khu đô thị Phú Lộc đã được công khai tại trụ sở UBND phường."
		for lang, want := range map[string]string{"vi": "Ngày văn bản 19/12/2026 sau ngày hôm nay (18/12/2026)", "en": "The letter date 19 December 2026 is after today (18 December 2026)"} {
			res, page := b.post(path+"/answer?lang="+lang, url.Values{"body": {body}, "letter_no": {"512/SXD-QLXD"}, "letter_date": {"2026-12-19"}})
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%s: a letter dated tomorrow: %d", lang, res.StatusCode)
			}
			if !strings.Contains(page, `<p class="field-error" id="answer-date-err">`+want) {
				t.Errorf("%s: no field error %q beside the letter date", lang, want)
			}
		}
		if st := ta.caseState(t, id); len(st.Answers) != 0 {
			t.Fatalf("a refused draft was saved: %+v", st.Answers)
		}
		if res, _ := b.post(path+"/answer", url.Values{"body": {body}, "letter_no": {"512/SXD-QLXD"}, "letter_date": {"2026-12-18"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("a letter dated today: %d", res.StatusCode)
		}
	})
}

// postMultipart sends a multipart form (with the session's CSRF token) as
// the browser does for a form with files.
func (b *browser) postMultipart(path string, fields map[string]any, files ...mpFile) (*http.Response, string) {
	b.t.Helper()
	fields["csrf"] = b.csrf()
	body, ct := multipartBody(b.t, fields, files...)
	req, err := http.NewRequest(http.MethodPost, b.ta.Server.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return res, string(data)
}

// The counter's register form names the field of each error, beside it
// and in the summary, in vi and en; no kind chosen reads "Chọn loại đơn",
// never "Loại không hợp lệ". The scanned letter is kept with the case
// (10 MB a file, as the citizen's), and the page prints a receipt with the
// code, the secret, the due time of the case's clock, the department's
// contact and the tracking address, and nothing of the denouncer.
func TestCounterRegistration(t *testing.T) {
	const base = "https://pakn.sxd.langson.gov.vn"
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ta := newTestApp(t, db, func(c *config.Config) { c.BaseURL = base + "/" })
		ta.addStaff(t, "vanphong.quay@sxd.test", "VP", access.Office)
		b := ta.browser(t)
		b.mustLogin("vanphong.quay@sxd.test")
		fields := func() map[string]any {
			return map[string]any{"channel": "in_person", "received_at": ta.Clock.Now().In(hanoi).Format("2006-01-02T15:04"),
				"title": "Cán bộ thu tiền khi cấp phép", "content": "Tôi tố cáo cán bộ X đã nhận tiền khi giải quyết hồ sơ cấp phép xây dựng của tôi.",
				"name": "Đinh Văn Tố", "phone": "0912 345 678", "address": "Số 3 Lê Lợi, Vĩnh Trại", "keep_identity_secret": "1"}
		}
		for lang, c := range map[string]struct{ summary, beside, channel string }{
			"vi": {`<a href="#reg-kind">Loại đơn</a>: Chọn loại đơn.`, `<p class="field-error" id="reg-kind-err">Chọn loại đơn.</p>`, `<p class="field-error" id="reg-channel-err">Chọn kênh tiếp nhận.</p>`},
			"en": {`<a href="#reg-kind">Kind</a>: Choose the kind of letter.`, `<p class="field-error" id="reg-kind-err">Choose the kind of letter.</p>`, `<p class="field-error" id="reg-channel-err">Choose the channel it came through.</p>`},
		} {
			f := fields()
			f["channel"] = ""
			res, page := b.postMultipart("/staff/cases?lang="+lang, f)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%s: no kind: %d", lang, res.StatusCode)
			}
			for _, want := range []string{c.summary, c.beside, c.channel, `id="reg-kind" name="kind" required aria-invalid="true"`} {
				if !strings.Contains(page, want) {
					t.Errorf("%s: the refused form lacks %q", lang, want)
				}
			}
			if strings.Contains(page, "Loại không hợp lệ") || strings.Contains(page, "Unknown kind") {
				t.Errorf("%s: an unchosen kind reads as invalid", lang)
			}
		}
		// A scan over 10 MB is refused beside the file field, and nothing
		// is registered.
		f := fields()
		f["kind"] = "to_cao"
		before := ta.countCases(t)
		res, page := b.postMultipart("/staff/cases", f, mpFile{"don-to-cao.pdf", pdfOfSize(10<<20 + 1)})
		if res.StatusCode == http.StatusCreated || !strings.Contains(page, `id="reg-files-err"`) || !strings.Contains(page, "don-to-cao.pdf") {
			t.Errorf("an 11 MB scan: %d, want refused beside the file field", res.StatusCode)
		}
		if ta.countCases(t) != before {
			t.Fatal("a refused registration made a case")
		}
		res, page = b.postMultipart("/staff/cases?lang=vi", f, mpFile{"don-to-cao.pdf", pdfOfSize(300 << 10)})
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("register with a scan: %d", res.StatusCode)
		}
		code := regexp.MustCompile(`id="receipt-code">([^<]+)<`).FindStringSubmatch(page)
		if code == nil {
			t.Fatal("no receipt on the registered case's page")
		}
		id := ta.mustCaseIDInt(t, code[1])
		if n := ta.count(t, "SELECT count(*) FROM attachments WHERE case_id = ? AND answer_id IS NULL AND name = 'don-to-cao.pdf'", id); n != 1 {
			t.Errorf("%d scans kept with the case, want 1", n)
		}
		i := strings.Index(page, `id="counter-receipt"`)
		receipt := page[i : i+strings.Index(page[i:], "</section>")]
		st := ta.caseState(t, id)
		cat, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		due := present.TimeIn(*st.MainClock().DueAt, hanoi, "vi", cat)
		// The address printed is the configured one, not the request's
		// host; a denunciation's first due time is its initial processing.
		for _, want := range []string{`id="receipt-secret">`, due, base + "/tra-cuu?code=" + code[1], "<dt>Hạn xử lý ban đầu</dt>"} {
			if !strings.Contains(receipt, want) {
				t.Errorf("the receipt lacks %q:\n%s", want, receipt)
			}
		}
		for _, leak := range []string{"Đinh Văn Tố", "0912", "Lê Lợi", "Cán bộ thu tiền"} {
			if carries(receipt, leak) {
				t.Errorf("the receipt shows %q", leak)
			}
		}
	})
}

// A draft answer submitted for approval reaches the lead unit's head: a
// bell alert (in-app, the case's code and due time, nothing of the
// petitioner), the count on the menu's inbox link and the inbox filter
// "awaiting approval", which lists it; leadership sees every draft
// waiting, a coordinating unit's head none. Approving it empties both.
func TestAwaitingApproval(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ctx := context.Background()
		office := ta.staffActor(t, "vanphong.duyet@sxd.test", "VP", access.Office)
		officer := ta.staffActor(t, "pqlxd.duyet@sxd.test", "PQLXD", access.UnitOfficer)
		headAcc := ta.addStaff(t, "truongphong.duyet@sxd.test", "PQLXD", access.UnitHead)
		otherHead := ta.addStaff(t, "truongphong.qh@sxd.test", "PQHKT", access.UnitHead)
		leader := ta.addStaff(t, "giamdoc.duyet@sxd.test", "", access.Leadership)
		id := ta.registerUnder(t, office, "thong-tin-quy-hoach-thu-tuc")
		code := ta.caseCode(t, id)
		ta.act(t, office, id, petition.AssignInput{Lead: "PQLXD", Coordinating: []string{"PQHKT"}})
		count := func(acc access.Account) int64 {
			t.Helper()
			n, err := ta.cases.Count(ctx, ta.actorNow(t, acc), access.CaseQuery{AwaitingApproval: true})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(headAcc); n != 0 {
			t.Fatalf("%d awaiting before any draft", n)
		}
		ta.act(t, officer, id, petition.AnswerInput{Body: "Sở Xây dựng trả lời: quy hoạch chi tiết khu đô thị Phú Lộc đã được công khai tại trụ sở UBND phường."})
		for acc, want := range map[*access.Account]int64{&headAcc: 1, &leader: 1, &otherHead: 0} {
			if n := count(*acc); n != want {
				t.Errorf("%s: %d awaiting approval, want %d", acc.Email, n, want)
			}
		}
		alerts, err := ta.alertStore.Inbox(ctx, headAcc.ID, true, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(alerts) != 1 || alerts[0].Kind != "draft" || alerts[0].Payload.CaseCode != code {
			t.Fatalf("the head's unread alerts: %+v, want one draft alert for %s", alerts, code)
		}
		if raw, _ := json.Marshal(alerts[0].Payload); strings.Contains(string(raw), "Hoàng Thị Thu") || strings.Contains(string(raw), "Phú Lộc") {
			t.Errorf("the alert carries the petition: %s", raw)
		}

		for _, acc := range []access.Account{otherHead, leader} {
			if n, _ := ta.alertStore.Unread(ctx, acc.ID); n != 0 {
				t.Errorf("%s has %d unread alerts for a draft not theirs to approve", acc.Email, n)
			}
		}
		b := ta.browser(t)
		b.mustLogin("truongphong.duyet@sxd.test")
		_, page := b.get("/staff/inbox")
		for _, want := range []string{`id="nav-awaiting"`, `<span aria-hidden="true">1</span>`, `href="/staff/inbox?urgency=approval">1 dự thảo trả lời đang chờ duyệt`, `bell-count">1<`} {
			if !strings.Contains(page, want) {
				t.Errorf("the head's inbox lacks %q", want)
			}
		}
		_, page = b.get("/staff/inbox?urgency=approval")
		if !strings.Contains(page, code) || !strings.Contains(page, `<option value="approval" selected>Chờ duyệt (1)</option>`) {
			t.Errorf("the filter awaiting approval does not list %s", code)
		}
		ta.act(t, ta.actorNow(t, headAcc), id, petition.ApproveInput{})
		if n := count(headAcc); n != 0 {
			t.Errorf("%d awaiting after approval", n)
		}
		_, page = b.get("/staff/inbox?urgency=approval")
		if strings.Contains(page, code) || strings.Contains(page, `id="nav-awaiting"`) {
			t.Error("the approved draft still waits")
		}
	})
}
