package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/alert"
	"github.com/phucdap/phucdap/internal/alert/alerttest"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

const gatewaySecret = "gateway-secret-0123456789"

// gateway is the province's SMS/Zalo gateway as a test sees it: it
// verifies every request's signature as a real receiver must, refuses the
// first attempt of each idempotency key with a 500, and keeps what it
// accepted.
type gateway struct {
	srv *httptest.Server

	mu       sync.Mutex
	attempts map[string]int
	accepted []alert.GatewayMessage
	raw      []string
	badSig   int
}

func newGateway(t *testing.T) *gateway {
	t.Helper()
	g := &gateway{attempts: map[string]int{}}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		g.mu.Lock()
		defer g.mu.Unlock()
		if !alert.Verify(gatewaySecret, r.Header.Get(alert.HeaderTimestamp), r.Header.Get(alert.HeaderSignature), body, time.Now(), 5*time.Minute) {
			g.badSig++
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var m alert.GatewayMessage
		if err := json.Unmarshal(body, &m); err != nil || m.IdempotencyKey == "" {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		g.attempts[m.IdempotencyKey]++
		if g.attempts[m.IdempotencyKey] == 1 {
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		}
		g.accepted = append(g.accepted, m)
		g.raw = append(g.raw, string(body))
	}))
	t.Cleanup(g.srv.Close)
	return g
}

// of returns the accepted messages of a case, by "event:channel".
func (g *gateway) of(code string) map[string][]alert.GatewayMessage {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := map[string][]alert.GatewayMessage{}
	for _, m := range g.accepted {
		if m.Params["code"] == code {
			ev := strings.Split(m.IdempotencyKey, ":")[1]
			out[ev+":"+m.Channel] = append(out[ev+":"+m.Channel], m)
		}
	}
	return out
}

func (g *gateway) attemptsOf(code string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for k, a := range g.attempts {
		if strings.HasPrefix(k, code+":") {
			n += a
		}
	}
	return n
}

func withGateway(g *gateway) func(*config.Config) {
	return func(c *config.Config) {
		c.Notify.GatewayURL, c.Notify.GatewaySecret, c.Notify.Channels = g.srv.URL+"/notify", gatewaySecret, config.List{"sms", "zalo"}
	}
}

// submitWith files a case through the public API in lang, with the
// contacts given, and returns its id, code and secret.
func (ta *testApp) submitWith(t *testing.T, lang, kind, name, phone, email string, keepSecret bool) (int64, string, string) {
	t.Helper()
	var topics struct {
		Topics []struct{ Id int64 }
	}
	ta.getJSON(t, "/api/v1/topics", 200, &topics)
	body, _ := json.Marshal(map[string]any{"kind": kind, "topic_id": topics.Topics[0].Id, "title": "Đường ống nước vỡ trước nhà " + name,
		"content": "Nội dung riêng của " + name + ": ống nước vỡ đã ba ngày.", "name": name, "phone": phone, "email": email,
		"address": "Số 12 ngõ Kín, Lạng Sơn", "consent": true, "keep_identity_secret": keepSecret})
	res, b := ta.do(t, http.MethodPost, "/api/v1/petitions?lang="+lang, bytes.NewReader(body), "Content-Type", "application/json")
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("submit: %d %s", res.StatusCode, b)
	}
	var rec struct{ Code, Secret string }
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := ta.db.Gorm.Raw("SELECT id FROM cases WHERE code = ?", rec.Code).Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("case %s: %v", rec.Code, err)
	}
	return id, rec.Code, rec.Secret
}

// deliver runs the outbox now and again once every retry is due, twice:
// a rerun must send nothing new.
func (ta *testApp) deliver(t *testing.T) {
	t.Helper()
	now := ta.Clock.Now()
	ta.runJob(t, "outbox", now)
	ta.runJob(t, "outbox", now.Add(10*time.Minute))
	ta.runJob(t, "outbox", now.Add(20*time.Minute))
}

// mailsTo returns the subjects of the messages to addr, sorted.
func mailsTo(t *testing.T, mp alerttest.Mailpit, addr string) []string {
	t.Helper()
	_, list := mp.Search(t, `to:"`+addr+`"`)
	var out []string
	for _, m := range list {
		out = append(out, m.Subject)
	}
	sort.Strings(out)
	return out
}

var unsubscribeLink = regexp.MustCompile(`https://phucdap\.sxd\.test(/tra-cuu/tat-thong-bao\?[^\s"<>]+)`)

// The notification ledger: a complaint submitted in English goes
// received → accepted → extended → late (the sweep) → answered → closed.
// The citizen gets exactly one e-mail per event (the receipt is the
// "received" one) in English, and the gateway exactly one signed message
// per event and channel, each after its first attempt failed with a 500;
// reruns of the sweep and the outbox add nothing. A second case is turned
// off by the signed link of its receipt while its gateway messages wait for
// a retry: nothing more reaches it, and the choice is audited.
func TestCitizenNotificationLedger(t *testing.T) {
	mp := alerttest.SharedMailpit(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		g := newGateway(t)
		ta := newTestApp(t, db, withSMTP(mp), withGateway(g))
		tok := token()
		email := "dan-" + tok + "@example.test"
		office := ta.staffActor(t, "vanthu-"+tok+"@sxd.test", "VP", access.Office)
		head := ta.staffActor(t, "tp-"+tok+"@sxd.test", "PQLXD", access.UnitHead)
		officer := ta.staffActor(t, "cv-"+tok+"@sxd.test", "PQLXD", access.UnitOfficer)

		ta.setLocal(t, "2026-02-10 10:30")
		id, code, _ := ta.submitWith(t, "en", "khieu_nai", "Nguyễn Thị Riêng", "0912 345 678", email, false)
		ta.deliver(t)

		ta.setLocal(t, "2026-02-11 09:00")
		ta.act(t, office, id, petition.ClassifyInput{Eligible: true, WithinCompetence: true, Round: 1})
		ta.setLocal(t, "2026-02-12 09:00")
		ta.act(t, office, id, petition.AcceptInput{DecisionNo: "12/QĐ-SXD"})
		ta.deliver(t)

		ta.setLocal(t, "2026-02-12 10:00")
		ta.act(t, office, id, petition.AssignInput{Lead: "PQLXD"})
		ta.setLocal(t, "2026-03-05 09:00")
		ta.act(t, head, id, petition.ExtendInput{Reason: "Cần xác minh tại hai địa điểm, gọi 0987 654 321", DecisionNo: "05/QĐ-SXD",
			Complexity: "complex", Criteria: []string{"a", "b"}, DocumentRef: "Biên bản 01/BB-PQLXD"})
		ta.deliver(t)

		// The extended due time passes: the sweep flags the answer clock
		// late, once, and the citizen is told, once.
		due := clockOf(t, ta.caseState(t, id), "answer", -1).DueAt
		ta.Clock.Set(due.Add(2 * time.Hour))
		ta.runJob(t, "overdue-sweep", time.Time{})
		ta.deliver(t)
		ta.runJob(t, "overdue-sweep", time.Time{})
		ta.deliver(t)

		ta.Clock.Set(due.Add(26 * time.Hour))
		ta.act(t, officer, id, petition.AnswerInput{Body: "Sở Xây dựng trả lời bà Nguyễn Thị Riêng: giữ nguyên quyết định.", LetterNo: "350/SXD-QLXD",
			LetterDate: calendar.DateOf(ta.Clock.Now(), hanoi), Signer: "Phó Giám đốc Lê Văn Ký"})
		published := ta.Clock.Now().Add(time.Hour)
		ta.Clock.Set(published)
		ta.act(t, head, id, petition.ApproveInput{})
		ta.deliver(t)
		ta.Clock.Set(published.Add(ta.workflow.Config().DisputeWindow + time.Hour))
		ta.act(t, office, id, petition.CloseInput{})
		ta.deliver(t)
		ta.runJob(t, "overdue-sweep", time.Time{})
		ta.deliver(t)

		// One e-mail per event, in the language of the submission.
		want := []string{"Case " + code + " accepted for resolution", "Case " + code + " closed", "Case " + code + " has been answered",
			"Case " + code + " received", "Case " + code + ": time extended", "We are sorry: case " + code + " is late"}
		sort.Strings(want)
		got := mailsTo(t, mp, email)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("e-mails to the citizen:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		_, list := mp.Search(t, `to:"`+email+`"`)
		for _, s := range list {
			m := mp.Message(t, s.ID)
			body := m.Subject + m.Text + m.HTML
			for _, leak := range []string{"Nguyễn Thị Riêng", "Riêng", "ống nước", "Số 12", "0912", "345 678", "0987", "Lê Văn Ký", "PQLXD", "Quản lý xây dựng"} {
				if carries(body, leak) {
					t.Errorf("%q carries %q", m.Subject, leak)
				}
			}
			if !unsubscribeLink.MatchString(m.Text) {
				t.Errorf("%q has no unsubscribe link:\n%s", m.Subject, m.Text)
			}
			if strings.HasSuffix(m.Subject, "time extended") && !strings.Contains(m.Text, "Reason: Cần xác minh tại hai địa điểm, gọi "+access.Redaction) {
				t.Errorf("the extension's e-mail lacks its scrubbed reason:\n%s", m.Text)
			}
			if strings.HasSuffix(m.Subject, "answered") && !strings.Contains(m.Text, "/tra-cuu?code="+code+"#answer") {
				t.Errorf("the answer's e-mail has no link to the answer:\n%s", m.Text)
			}
		}

		// One signed gateway message per event and channel, each retried
		// once after the 500; none for the steps the citizen is not told of.
		byEvent := g.of(code)
		var keys []string
		for k, ms := range byEvent {
			keys = append(keys, k)
			if len(ms) != 1 {
				t.Errorf("%s accepted %d times", k, len(ms))
			}
			m := ms[0]
			if m.Language != "en" || m.Recipient != "0912345678" && m.Recipient != "0912 345 678" || m.Template != "phucdap_"+strings.Split(k, ":")[0] {
				t.Errorf("%s: %+v", k, m)
			}
		}
		sort.Strings(keys)
		wantKeys := []string{"accepted:sms", "accepted:zalo", "answered:sms", "answered:zalo", "closed:sms", "closed:zalo",
			"extended:sms", "extended:zalo", "late:sms", "late:zalo", "received:sms", "received:zalo"}
		if strings.Join(keys, " ") != strings.Join(wantKeys, " ") {
			t.Errorf("gateway messages %v, want %v", keys, wantKeys)
		}
		if n := g.attemptsOf(code); n != 2*len(wantKeys) {
			t.Errorf("%d gateway attempts, want %d (a 500, then the retry, per message)", n, 2*len(wantKeys))
		}
		if g.badSig != 0 {
			t.Errorf("%d requests failed the signature check", g.badSig)
		}
		for _, raw := range g.raw {
			for _, leak := range []string{"Riêng", "ống nước", "Số 12", "Lê Văn Ký", "0987"} {
				if carries(raw, leak) {
					t.Errorf("a gateway message carries %q: %s", leak, raw)
				}
			}
		}
		var ledger int64
		ta.db.Gorm.Raw("SELECT count(*) FROM alerts WHERE case_id = ? AND kind LIKE 'citizen.%'", id).Scan(&ledger)
		if ledger != 5+12 {
			t.Errorf("%d ledger rows for the citizen, want 17 (5 e-mails besides the receipt, 12 gateway messages)", ledger)
		}

		// A second case: off by the receipt's signed link while its
		// "accepted" SMS and Zalo wait for their retry.
		email2 := "dan2-" + tok + "@example.test"
		ta.setLocal(t, "2026-04-01 09:00")
		id2, code2, _ := ta.submitWith(t, "vi", "khieu_nai", "Lò Văn Hai", "0912 000 222", email2, false)
		ta.deliver(t)
		ta.act(t, office, id2, petition.ClassifyInput{Eligible: true, WithinCompetence: true, Round: 1})
		ta.act(t, office, id2, petition.AcceptInput{DecisionNo: "13/QĐ-SXD"})
		ta.runJob(t, "outbox", ta.Clock.Now())
		if n := len(g.of(code2)["accepted:sms"]); n != 0 {
			t.Fatalf("the gateway accepted the first attempt")
		}
		_, list = mp.Search(t, `to:"`+email2+`" subject:"Đã tiếp nhận"`)
		if len(list) != 1 {
			t.Fatalf("%d receipts to the second citizen", len(list))
		}
		receipt := mp.Message(t, list[0].ID)
		link := unsubscribeLink.FindStringSubmatch(receipt.Text)
		if link == nil {
			t.Fatalf("the receipt has no unsubscribe link:\n%s", receipt.Text)
		}
		res, page := ta.do(t, http.MethodGet, link[1], nil)
		if res.StatusCode != 200 || !strings.Contains(string(page), `id="notices-off-confirm"`) {
			t.Fatalf("unsubscribe page: %d %s", res.StatusCode, page)
		}
		// The GET asked; nothing is off until the POST.
		if n := countRows(t, ta, "SELECT count(*) FROM case_notice_optouts WHERE case_id = ?", id2); n != 0 {
			t.Fatalf("the GET turned notifications off")
		}
		u, _ := url.Parse(link[1])
		forged := url.Values{"code": {code}, "sig": {u.Query().Get("sig")}}
		if res, _ := ta.do(t, http.MethodPost, "/tra-cuu/tat-thong-bao", strings.NewReader(forged.Encode()),
			"Content-Type", "application/x-www-form-urlencoded"); res.StatusCode != http.StatusNotFound {
			t.Errorf("another case's code with this link's signature: %d, want 404", res.StatusCode)
		}
		res, page = ta.do(t, http.MethodPost, "/tra-cuu/tat-thong-bao", strings.NewReader(u.Query().Encode()), "Content-Type", "application/x-www-form-urlencoded")
		if res.StatusCode != 200 || !strings.Contains(string(page), `id="notices-done"`) {
			t.Fatalf("unsubscribe: %d %s", res.StatusCode, page)
		}
		before := mailsTo(t, mp, email2)
		ta.deliver(t)
		ta.act(t, office, id2, petition.AssignInput{Lead: "PQLXD"})
		ta.act(t, head, id2, petition.ExtendInput{Reason: "Cần xác minh thêm", DecisionNo: "06/QĐ-SXD", Complexity: "complex",
			Criteria: []string{"a", "b"}, DocumentRef: "Biên bản 02/BB-PQLXD"})
		ta.deliver(t)
		if after := mailsTo(t, mp, email2); strings.Join(after, "\n") != strings.Join(before, "\n") {
			t.Errorf("e-mails after opt-out: %v, before %v", after, before)
		}
		for k := range g.of(code2) {
			if !strings.HasPrefix(k, "received:") {
				t.Errorf("the gateway took %s after opt-out", k)
			}
		}
		if n := countRows(t, ta, "SELECT count(*) FROM audit_log WHERE action = 'case.notices_off' AND entity = 'case' AND entity_id = ? AND actor_label = 'petitioner'", itoa(id2)); n != 1 {
			t.Errorf("%d audit rows of the opt-out, want 1", n)
		}
		if n := countRows(t, ta, "SELECT count(*) FROM case_notice_optouts WHERE case_id = ? AND via = 'link'", id2); n != 1 {
			t.Errorf("opt-out rows %d", n)
		}

		// A third case is guided elsewhere: the citizen is told where to
		// and why, in the office's words without the phone they hold.
		email3 := "dan3-" + tok + "@example.test"
		id3, code3, _ := ta.submitWith(t, "vi", "kien_nghi", "Vi Văn Ba", "", email3, false)
		ta.act(t, office, id3, petition.ClassifyInput{Eligible: true, WithinCompetence: false})
		ta.act(t, office, id3, petition.GuideInput{Note: "Đề nghị liên hệ UBND phường Đông Kinh, điện thoại (0205) 3812 345, là nơi có thẩm quyền"})
		ta.deliver(t)
		_, list = mp.Search(t, `to:"`+email3+`" subject:"Hướng dẫn"`)
		if len(list) != 1 {
			t.Fatalf("%d guidance e-mails, want 1", len(list))
		}
		guided := mp.Message(t, list[0].ID)
		if !strings.Contains(guided.Text, "Nơi gửi và lý do: Đề nghị liên hệ UBND phường Đông Kinh, điện thoại "+access.Redaction+", là nơi có thẩm quyền") ||
			strings.Contains(guided.Text+guided.HTML, "3812") || !strings.Contains(guided.Subject, code3) {
			t.Errorf("guidance e-mail %q:\n%s", guided.Subject, guided.Text)
		}

		// Turned off before the receipt went: it stays on the screen it
		// was shown on, and no e-mail or message follows.
		email4 := "dan4-" + tok + "@example.test"
		id4, code4, secret4 := ta.submitWith(t, "vi", "kien_nghi", "Vi Văn Bốn", "0912 000 444", email4, false)
		track4 := func() *petition.View {
			t.Helper()
			v, err := ta.intake.service.Track(t.Context(), petition.TrackInput{Code: code4, Secret: secret4})
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		if v := track4(); v.NoticesOffAt != nil {
			t.Errorf("tracking shows notifications off at %v before they were turned off", v.NoticesOffAt)
		}
		if err := ta.intake.service.SetNotices(t.Context(), petition.NoticesInput{TrackInput: petition.TrackInput{Code: code4, Secret: secret4}, Off: true}); err != nil {
			t.Fatal(err)
		}
		// The tracking read says since when, in the same statement as the
		// case.
		var offAt time.Time
		if err := ta.db.Gorm.Raw("SELECT opted_out_at FROM case_notice_optouts WHERE case_id = ?", id4).Scan(&offAt).Error; err != nil {
			t.Fatal(err)
		}
		if v := track4(); v.NoticesOffAt == nil || !v.NoticesOffAt.Equal(offAt) {
			t.Errorf("tracking shows notifications off at %v, want %v", v.NoticesOffAt, offAt)
		}
		ta.deliver(t)
		if got := mailsTo(t, mp, email4); len(got) != 0 || g.attemptsOf(code4) != 0 {
			t.Errorf("after opting out before the outbox ran: e-mails %v, gateway attempts %d", got, g.attemptsOf(code4))
		}
	})
}

func countRows(t *testing.T, ta *testApp, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := ta.db.Gorm.Raw(q, args...).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// A denouncer who kept their identity secret is told only through the
// channels they gave: by SMS and Zalo when they gave a phone alone, by
// e-mail when they gave an e-mail alone. No message carries their name,
// address or content, nor anything of the office's forwarding note, which
// names the denounced official and his phone and e-mail: a sealed case's
// messages leave the office's words out whole.
func TestSealedDenouncerNotices(t *testing.T) {
	mp := alerttest.SharedMailpit(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		g := newGateway(t)
		ta := newTestApp(t, db, withSMTP(mp), withGateway(g))
		tok := token()
		office := ta.staffActor(t, "vanthu-"+tok+"@sxd.test", "VP", access.Office)
		forward := petition.ForwardInput{To: "Thanh tra tỉnh, về ông Trần Văn Bị Tố (0913 111 222, bito@ubnd.test)",
			Note: "Ông Trần Văn Bị Tố, Phó phòng, bị tố nhận tiền"}

		ta.setLocal(t, "2026-02-10 10:30")
		byPhone, phoneCode, _ := ta.submitWith(t, "vi", "to_cao", "Hoàng Văn Giấu Tên", "0987 654 321", "", true)
		mail := "togiac-" + tok + "@example.test"
		byMail, mailCode, _ := ta.submitWith(t, "vi", "to_cao", "Lý Thị Kín Đáo", "", mail, true)
		// A denouncer who waived secrecy is told where it went, but not
		// the office's words about the denounced.
		waivedMail := "congkhai-" + tok + "@example.test"
		waived, _, _ := ta.submitWith(t, "vi", "to_cao", "Đặng Văn Công Khai", "", waivedMail, false)
		ta.deliver(t)
		ta.setLocal(t, "2026-02-11 09:00")
		for _, id := range []int64{byPhone, byMail, waived} {
			ta.act(t, office, id, petition.ClassifyInput{Eligible: true, WithinCompetence: false})
			ta.act(t, office, id, forward)
		}
		ta.deliver(t)

		leaks := []string{"Hoàng Văn", "Giấu Tên", "Lý Thị", "Kín Đáo", "ngõ Kín", "Số 12", "ống nước", "Đường ống", mail,
			"Trần Văn", "Bị Tố", "0913", "111 222", "bito@", "Phó phòng", "nhận tiền", "Thanh tra"}
		// The phone alone: SMS and Zalo, no e-mail.
		got := g.of(phoneCode)
		var keys []string
		for k, ms := range got {
			keys = append(keys, k)
			if ms[0].Recipient != "0987654321" && ms[0].Recipient != "0987 654 321" {
				t.Errorf("%s went to %q", k, ms[0].Recipient)
			}
		}
		sort.Strings(keys)
		if strings.Join(keys, " ") != "forwarded:sms forwarded:zalo received:sms received:zalo" {
			t.Errorf("the phone-only denouncer's gateway messages: %v", keys)
		}
		if n := countRows(t, ta, "SELECT count(*) FROM alerts WHERE case_id = ? AND recipient = 'citizen:email'", byPhone); n != 0 {
			t.Errorf("%d e-mails planned for a denouncer who gave no e-mail", n)
		}
		g.mu.Lock()
		for _, raw := range g.raw {
			for _, leak := range leaks {
				if carries(raw, leak) {
					t.Errorf("a gateway message carries %q: %s", leak, raw)
				}
			}
		}
		g.mu.Unlock()

		// The e-mail alone: e-mails (the receipt is the "received" one),
		// no gateway message.
		if n := len(g.of(mailCode)); n != 0 || g.attemptsOf(mailCode) != 0 {
			t.Errorf("the gateway was sent %d messages for a denouncer who gave no phone", n)
		}
		subjects := mailsTo(t, mp, mail)
		want := []string{"Hồ sơ " + mailCode + " đã được chuyển đến cơ quan có thẩm quyền", "Đã tiếp nhận hồ sơ " + mailCode}
		if strings.Join(subjects, "\n") != strings.Join(want, "\n") {
			t.Errorf("e-mails to the denouncer:\n%s\nwant:\n%s", strings.Join(subjects, "\n"), strings.Join(want, "\n"))
		}
		_, list := mp.Search(t, `to:"`+mail+`"`)
		for _, s := range list {
			m := mp.Message(t, s.ID)
			for _, leak := range leaks {
				if leak != mail && carries(m.Subject+m.Text+m.HTML, leak) {
					t.Errorf("%q carries %q:\n%s", m.Subject, leak, m.Text)
				}
			}
		}
		_, list = mp.Search(t, `to:"`+waivedMail+`"`)
		if len(list) != 2 {
			t.Errorf("%d e-mails to the denouncer who waived secrecy, want the receipt and the forward", len(list))
		}
		for _, s := range list {
			m := mp.Message(t, s.ID)
			for _, leak := range []string{"Trần Văn", "Bị Tố", "0913", "bito@", "Phó phòng", "nhận tiền"} {
				if carries(m.Subject+m.Text+m.HTML, leak) {
					t.Errorf("%q to a waived denouncer names the denounced (%q):\n%s", m.Subject, leak, m.Text)
				}
			}
		}
		// Nor does the ledger keep any of it.
		var payloads []string
		ta.db.Gorm.Raw("SELECT payload FROM alerts WHERE case_id IN (?, ?)", byPhone, byMail).Scan(&payloads)
		for _, p := range payloads {
			for _, leak := range leaks {
				if strings.Contains(p, leak) {
					t.Errorf("a ledger row carries %q: %s", leak, p)
				}
			}
		}
	})
}
