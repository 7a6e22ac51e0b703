package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/unicode/norm"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/alert/alerttest"
	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// The denouncer of the crawl, and every form of their identity people
// write (names without diacritics, the given name after an
// honorific, every Vietnamese phone form, the e-mail, house number and
// street, the ID number).
const (
	crawlName    = "Lê Thị Mật"
	crawlPhone   = "0915 123 456"
	crawlAddress = "Số 7 đường Bà Triệu, phường Hoàng Văn Thụ, Lạng Sơn"
	crawlID      = "020188001234"
)

func crawlVariants(email string) []string {
	return []string{crawlName, "LE THI MAT", "le thi mat", "Le Thi Mat", "bà Mật", "chị Mat", "em Mật", "Thị Mật",
		"0915123456", "0915 123 456", "+84915123456", "+84 915 123 456", "84-915-123-456", "0915.123.456", "(+84) 915-123-456",
		email, strings.ToUpper(email), "số 7 đường Bà Triệu", "7 Bà Triệu", "số 7 Ba Trieu", "CCCD 020188001234", "020 188 001 234"}
}

// crawlText plants every variant in one free text.
func crawlText(lead string, email string) string {
	return lead + " — " + strings.Join(crawlVariants(email), "; ") + "."
}

// needles find the identity in any text, whatever the form: on the text
// lower-cased, without diacritics, đ folded. Each comes with a word every
// match contains, and every match is made of identityChars only; leaks runs
// a needle only on the runs of those characters around its word (see
// identityRuns): a regexp that starts with \b has no literal to look for
// and steps through the whole text, 1,780 pages per database, and that
// stepping was a tenth of the package's test CPU.
var needles = []struct {
	must string
	re   *regexp.Regexp
}{
	{"mat", regexp.MustCompile(`le[\s._\-]*thi[\s._\-]*mat`)},
	{"mat", regexp.MustCompile(`\bthi[\s._\-]+mat\b`)},
	{"mat", regexp.MustCompile(`\b(?:ba|chi|anh|em|co|chu|ong)[\s,.]+mat\b`)},
	{"456", regexp.MustCompile(`915[\s.\-()]*123[\s.\-()]*456`)},
	{"234", regexp.MustCompile(`020[\s.\-]*188[\s.\-]*001[\s.\-]*234`)},
	{"trieu", regexp.MustCompile(`\b7[\s,.]*(?:duong[\s.]+)?ba[\s.]+trieu`)},
}

// identityChars are the bytes a needle's match can be made of: ASCII
// letters and digits, \s as Go's regexp reads it, and the separators the
// needles allow.
var identityChars = func() (set [256]bool) {
	for c := 0; c < 256; c++ {
		set[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("\t\n\f\r ._-(),", byte(c)) >= 0
	}
	return set
}()

// identityRuns calls fn with each longest run of identityChars in f that
// holds must. Every match of a needle lies inside one such run, and the
// byte before and after a run is no word character, so a needle finds in
// the runs, \b included, exactly the matches it finds in the whole of f.
func identityRuns(f, must string, fn func(run string)) {
	for from := 0; ; {
		i := strings.Index(f[from:], must)
		if i < 0 {
			return
		}
		start, end := from+i, from+i+len(must)
		for start > 0 && identityChars[f[start-1]] {
			start--
		}
		for end < len(f) && identityChars[f[end]] {
			end++
		}
		fn(f[start:end])
		from = end
	}
}

// foldText lowers s and takes its diacritics off (đ as d), keeping
// everything else, punctuation included, so that an e-mail address or a
// name typed without accents is found. ASCII bytes, most of any page, are
// lowered as they are copied; only the other runes are decomposed.
//
// It is the crawl's own fold, on purpose: access's scrubber is what the
// crawl checks, and a detector sharing its fold would share its blind
// spots; textfold.Fold turns punctuation into spaces, and the address
// and the needles need it kept.
func foldText(s string) string {
	b := make([]byte, 0, len(s))
	var dec []byte
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		dec = norm.NFD.AppendString(dec[:0], s[i:i+size])
		i += size
		if r == utf8.RuneError && size == 1 {
			b = utf8.AppendRune(b, r)
			continue
		}
		for _, d := range string(dec) {
			switch {
			case d >= 0x300 && d <= 0x36f:
				continue
			case d == 'đ' || d == 'Đ':
				d = 'd'
			}
			b = utf8.AppendRune(b, unicode.ToLower(d))
		}
	}
	return string(b)
}

// leaks counts the occurrences of the identity in text.
func leaks(text, email string) int {
	f := foldText(text)
	n := strings.Count(f, strings.ToLower(email))
	for _, nd := range needles {
		identityRuns(f, nd.must, func(run string) { n += len(nd.re.FindAllStringIndex(run, -1)) })
	}
	return n
}

// The existing leak test as a crawl: every route of the router,
// as every role, with every-role-at-once and anonymously, over sealed cases
// that went through intake, classification to another kind, split, forward,
// answer, contribution, dispute and follow-up, with the identity planted in
// every free-text field in every form; then the exports unzipped, the
// e-mails read back from mailpit, the webhooks received, the server log.
// Nothing outside the reveal with the grant and a reason may carry it.
func TestCrawlNeverLeaksTheDenouncer(t *testing.T) {
	mp := alerttest.SharedMailpit(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tok := token()
		email := "le.thi.mat." + tok + "@example.test"
		var hookMu sync.Mutex
		var hookBodies []string
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			hookMu.Lock()
			hookBodies = append(hookBodies, string(b))
			hookMu.Unlock()
			w.WriteHeader(http.StatusNoContent)
		}))
		t.Cleanup(hook.Close)
		ta := newTestApp(t, db, withSMTP(mp), func(c *config.Config) {
			c.Webhook.URLs = config.List{hook.URL}
			c.Alerts.LateTo = "unit_officers,unit_head,office,leadership,admins,webhooks"
			c.Alerts.DueSoonTo = "unit_officers,unit_head,office,webhooks"
		})
		ctx := context.Background()
		// The detector finds every planted form (else a 0 would prove
		// nothing).
		for _, v := range crawlVariants(email) {
			if leaks("… "+v+" …", email) == 0 {
				t.Fatalf("the crawl's detector misses %q", v)
			}
		}
		topic := firstTopic(t, ta)
		office := ta.staffToken(t, "VP", access.Office)
		officer := ta.staffToken(t, "PQLXD", access.UnitOfficer)
		coord := ta.staffToken(t, "PQHKT", access.UnitOfficer)
		// Staff who receive the alerts, with addresses of this run.
		for _, s := range []struct {
			unit  string
			roles []access.Role
		}{{"VP", []access.Role{access.Office}}, {"PQLXD", []access.Role{access.UnitHead}}, {"PQLXD", []access.Role{access.UnitOfficer}},
			{"", []access.Role{access.Leadership}}, {"", []access.Role{access.Admin}}} {
			ta.addStaff(t, fmt.Sprintf("crawl-%s-%s-%s@sxd.test", tok, strings.ToLower(s.unit), s.roles[0]), s.unit, s.roles...)
		}

		submit := func(kind, lead string) (int64, string, string) {
			t.Helper()
			body, ct := multipartBody(t, map[string]any{"kind": kind, "topic_id": topic, "title": "Tố cáo của " + crawlName + " " + crawlPhone,
				"content": crawlText(lead, email), "place": "Trước nhà số 7 Ba Trieu của LE THI MAT, bà Mật, (+84) 915-123-456", "name": crawlName, "phone": crawlPhone,
				"email": email, "address": crawlAddress, "id_number": crawlID, "consent": true, "keep_identity_secret": true},
				mpFile{"Don to cao Le Thi Mat 0915123456.pdf", pdfOfSize(2000)})
			res, b := ta.do(t, http.MethodPost, "/api/v1/petitions", body, "Content-Type", ct)
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("submit: %d %s", res.StatusCode, b)
			}
			rec := decode[httpapi.PetitionReceipt](t, b)
			id := ta.mustCaseIDInt(t, rec.Code)
			// The office recorded the ID number on the identity record (the
			// public form does not ask for it).
			ta.db.Gorm.Exec("UPDATE case_identities SET id_number = ? WHERE case_id = ?", crawlID, id)
			return id, rec.Code, rec.Secret
		}
		api := func(tok, code, action string, body map[string]any) {
			t.Helper()
			b, _ := json.Marshal(body)
			res, out := ta.do(t, "POST", "/api/v1/cases/"+code+"/"+action, bytes.NewReader(b), "Authorization", tok, "Content-Type", "application/json")
			if res.StatusCode != 200 && res.StatusCode != 202 {
				t.Fatalf("%s %s: %d %s", action, code, res.StatusCode, out)
			}
		}
		v := func(lead string) string { return crawlText(lead, email) }

		// A: a denunciation worked through: classified, accepted, assigned
		// with a coordinating unit, answered in draft, contributed to.
		aID, aCode, _ := submit("to_cao", "Tôi tố cáo cán bộ X nhận tiền khi làm thủ tục cấp phép")
		api(office, aCode, "classify", map[string]any{"kind": "to_cao", "eligible": true, "within_competence": true, "complexity": "none", "note": v("Ghi chú")})
		api(office, aCode, "accept", map[string]any{"decision_no": "12/QĐ-SXD", "note": v("Thụ lý")})
		api(office, aCode, "assign", map[string]any{"lead": "PQLXD", "coordinating": []string{"PQHKT"}, "reason": v("Giao")})
		api(officer, aCode, "answer", map[string]any{"body": v("Dự thảo trả lời"), "signer": "Phòng QLXD"})
		api(coord, aCode, "contribute", map[string]any{"body": v("Ý kiến phối hợp")})
		api(officer, aCode, "extend", map[string]any{"reason": v("Đề nghị gia hạn"), "complexity": "complex", "criteria": []string{"a"}, "document_ref": "VB 1/SXD"})
		// Chased, with the identity in the note: the unit's notice and
		// e-mail carry none of it.
		api(office, aCode, "chase", map[string]any{"note": v("Đôn đốc")})
		// B: reclassified as a complaint, then forwarded.
		bID, bCode, _ := submit("to_cao", "Tôi tố cáo cán bộ Y của huyện kéo dài thủ tục")
		api(office, bCode, "classify", map[string]any{"kind": "khieu_nai", "eligible": true, "within_competence": false, "complexity": "none", "note": v("Phân loại lại")})
		api(office, bCode, "forward", map[string]any{"to": "UBND huyện Cao Lộc", "note": v("Chuyển")})
		// C: split into a complaint and a feedback, written with the identity.
		cID, cCode, _ := submit("to_cao", "Tôi tố cáo cán bộ Z và khiếu nại quyết định số 12")
		api(office, cCode, "split", map[string]any{"parts": []map[string]any{
			{"kind": "khieu_nai", "title": "Khiếu nại của " + crawlName, "content": v("Khiếu nại quyết định xử phạt")},
			{"kind": "phan_anh", "title": "Phản ánh của bà Mật", "content": v("Phản ánh thủ tục")}}})
		// D: reclassified as feedback, guided... and E: answered, disputed,
		// followed up.
		dID, dCode, _ := submit("to_cao", "Tôi tố cáo việc cấp phép sai ở ngõ 3")
		api(office, dCode, "classify", map[string]any{"kind": "kien_nghi", "eligible": true, "within_competence": true, "complexity": "none"})
		api(office, dCode, "guide", map[string]any{"note": v("Hướng dẫn")})
		eID, eCode, eSecret := submit("to_cao", "Tôi tố cáo cán bộ W cố tình gây khó dễ")
		api(office, eCode, "classify", map[string]any{"kind": "phan_anh", "eligible": true, "within_competence": true, "complexity": "none"})
		ta.assign(t, eID, "PQLXD")
		if _, err := ta.intake.store.PublishAnswer(ctx, eID, v("Trả lời"), "Phòng QLXD", ta.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		ta.Clock.Advance(time.Hour)
		if res, b := ta.postJSON(t, "/api/v1/petitions/"+eCode+"/dispute", map[string]any{"reason": v("Không đồng ý")},
			"X-Tracking-Secret", eSecret); res.StatusCode != http.StatusNoContent {
			t.Fatalf("dispute: %d %s", res.StatusCode, b)
		}
		var linked []int64
		ta.db.Gorm.Raw("SELECT case_id FROM case_links WHERE parent_id IN ? ORDER BY case_id", []int64{cID, eID}).Scan(&linked)
		if len(linked) != 3 {
			t.Fatalf("%d split and follow-up cases, want 3", len(linked))
		}
		cases := append([]int64{aID, bID, cID, dID, eID}, linked...)
		for _, id := range cases {
			if !ta.sealed(t, id) {
				t.Fatalf("case %d is not sealed", id)
			}
			ta.db.Gorm.Exec("UPDATE cases SET lead_unit_id = (SELECT id FROM units WHERE code = 'PQLXD') WHERE id = ? AND lead_unit_id IS NULL", id)
		}

		// The alerts: everything goes late, the sweeps and the outbox run.
		ta.Clock.Advance(60 * 24 * time.Hour)
		for _, j := range []string{"due-soon", "overdue-sweep", "daily-digest", "kpi-snapshot", "outbox"} {
			ta.runJob(t, j, time.Time{})
		}

		matrix := staffMatrix()
		h := ta.handler
		var keys []string
		for _, r := range h.(*echo.Echo).Routes() {
			if r.Method == echo.RouteNotFound {
				continue
			}
			key := r.Method + " " + r.Path
			if _, ok := matrix[key]; !ok {
				t.Errorf("route %s is not in staffMatrix: the crawl cannot call it", key)
				continue
			}
			keys = append(keys, key)
		}
		sort.Slice(keys, func(i, j int) bool {
			if (keys[i] == "POST /logout") != (keys[j] == "POST /logout") {
				return keys[j] == "POST /logout"
			}
			return keys[i] < keys[j]
		})
		throwaway := ta.addStaff(t, "crawl-throwaway-"+tok+"@sxd.test", "PQLXD", access.UnitOfficer)
		tk, _, err := ta.accounts.CreateToken(ctx, access.System("test"), throwaway.Email, "throwaway", nil)
		if err != nil {
			t.Fatal(err)
		}

		type actor struct {
			name  string
			unit  string
			roles []access.Role
			grant bool
		}
		actors := []actor{{name: "anonymous"}}
		for _, a := range matrixActors {
			actors = append(actors, actor{a.name, a.unit, a.roles, a.grant})
		}
		actors = append(actors, actor{"every role, no grant", "PQLXD", access.AllRoles(), false})

		total, responses := 0, 0
		found := func(where, text string) {
			t.Helper()
			if n := leaks(text, email); n > 0 {
				total += n
				t.Errorf("%d occurrence(s) of the identity in %s", n, where)
			}
		}
		caseRoutes := 0
		for i, a := range actors {
			b := ta.browser(t)
			if a.name != "anonymous" {
				acc := ta.addStaff(t, fmt.Sprintf("crawl%d-%s@sxd.test", i, tok), a.unit, a.roles...)
				if a.grant {
					ta.grantIdentity(t, acc)
				}
				b.mustLogin(acc.Email)
			}
			for _, key := range keys {
				r := matrix[key]
				method, p, _ := strings.Cut(key, " ")
				if r.path != "" {
					p = r.path
				}
				targets := []int64{0}
				if strings.Contains(p, "{case}") || strings.Contains(p, "{code}") {
					// Reads over every sealed case; the workflow's writes
					// (refused on validation) over the first, to keep the
					// crawl short.
					targets = cases[:1]
					if method == http.MethodGet {
						targets = cases
					}
					if i == 0 {
						caseRoutes++
					}
				}
				for _, id := range targets {
					var att int64
					ta.db.Gorm.Raw("SELECT COALESCE(MIN(id), 0) FROM attachments WHERE case_id = ?", id).Scan(&att)
					rep := strings.NewReplacer("{case}", itoa(id), "{code}", ta.caseCode(t, id), "{account}", itoa(throwaway.ID), "{token}", itoa(tk.ID),
						"{attachment}", itoa(att))
					path := rep.Replace(p)
					var res *http.Response
					var body string
					switch {
					case r.json != "":
						req, _ := http.NewRequest(method, ta.Server.URL+path, strings.NewReader(r.json))
						req.Header.Set("Content-Type", "application/json")
						req.Header.Set("X-CSRF-Token", b.csrf())
						res2, err := b.c.Do(req)
						if err != nil {
							t.Fatal(err)
						}
						bb, _ := io.ReadAll(res2.Body)
						res2.Body.Close()
						res, body = res2, string(bb)
					case method == http.MethodPost:
						f := url.Values{}
						for k, v := range r.form {
							f[k] = v
						}
						res, body = b.post(path, f)
					case method == http.MethodGet:
						res, body = b.get(path)
					default:
						res, body = b.do(method, path, nil, "X-CSRF-Token", b.csrf())
					}
					responses++
					if res.StatusCode >= 500 {
						t.Errorf("%s %s %s: %d", a.name, method, path, res.StatusCode)
					}
					var hdr strings.Builder
					for k, vs := range res.Header {
						hdr.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
					}
					found(a.name+" "+method+" "+path, hdr.String()+body)
				}
			}
		}

		// The exports: XLSX unzipped, CSV.
		ta.addStaff(t, "crawl-export-"+tok+"@sxd.test", "VP", access.Office)
		eb := ta.browser(t)
		eb.mustLogin("crawl-export-" + tok + "@sxd.test")
		exports := 0
		for _, format := range []string{"xlsx", "csv"} {
			from := ta.Clock.Now().AddDate(0, -3, 0).Format("2006-01-02")
			to := ta.Clock.Now().Format("2006-01-02")
			res, _ := eb.post("/staff/reports/exports", url.Values{"from": {from}, "to": {to}, "format": {format}})
			loc := res.Header.Get("Location")
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("export %s: %d", format, res.StatusCode)
			}
			var page string
			for i := 0; i < 200 && !strings.Contains(page, `id="export-download"`); i++ {
				_, page = eb.get(loc)
				time.Sleep(50 * time.Millisecond)
			}
			res, file := eb.get(loc + "/file")
			if res.StatusCode != 200 || len(file) == 0 {
				t.Fatalf("export %s download: %d", format, res.StatusCode)
			}
			exports++
			if format == "csv" {
				found("the CSV export", file)
				if !strings.Contains(file, aCode) {
					t.Error("the CSV export does not list the sealed case: the check is void")
				}
				continue
			}
			zr, err := zip.NewReader(bytes.NewReader([]byte(file)), int64(len(file)))
			if err != nil {
				t.Fatal(err)
			}
			var all strings.Builder
			for _, f := range zr.File {
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				x, _ := io.ReadAll(rc)
				rc.Close()
				all.Write(x)
				found("XLSX part "+f.Name, string(x))
			}
			if !strings.Contains(all.String(), aCode) {
				t.Error("the XLSX export does not list the sealed case: the check is void")
			}
		}

		// The e-mails to staff, read back from mailpit (the citizen's own
		// receipts go to the citizen, who is the identity).
		n, list := mp.WaitFor(t, "to:"+tok, 1, 10*time.Second)
		mails := 0
		for _, m := range list {
			msg := mp.Message(t, m.ID)
			if len(msg.To) == 1 && msg.To[0].Address == email {
				continue
			}
			mails++
			found("e-mail "+msg.Subject, msg.Subject+"\n"+msg.Text+"\n"+msg.HTML)
		}
		if n == 0 || mails == 0 {
			t.Errorf("no alert e-mail reached staff (%d messages): the check is void", n)
		}
		hookMu.Lock()
		hooks := append([]string(nil), hookBodies...)
		hookMu.Unlock()
		for i, hb := range hooks {
			found(fmt.Sprintf("webhook %d", i), hb)
		}
		if len(hooks) == 0 {
			t.Error("no webhook received: the check is void")
		}
		// The server log, from intake to the last request.
		found("the server log", ta.Logs.String())

		// The reveal, with the grant and a reason, is the one place it shows.
		permitted := ta.addStaff(t, "crawl-permitted-"+tok+"@sxd.test", "PQLXD", access.UnitOfficer)
		ta.grantIdentity(t, permitted)
		id, err := ta.cases.RevealIdentity(ctx, ta.actorNow(t, permitted), aID, "Xác minh nội dung tố cáo theo Điều 30")
		if err != nil || leaks(id.Name+" "+id.Phone, email) == 0 {
			t.Errorf("the permitted reveal does not show the identity: %v", err)
		}

		t.Logf("crawl: %d routes (%d per sealed case) × %d actors (anonymous, %d roles, every role without grant) × %d sealed cases, "+
			"%d identity variants planted in title, content, place, file name, notes, answer, contribution, extension, split parts, dispute: "+
			"%d responses, %d exports, %d staff e-mails, %d webhooks, the server log; %d occurrences outside the reveal",
			len(keys), caseRoutes, len(actors), len(matrixActors), len(cases), len(crawlVariants(email)), responses, exports, mails, len(hooks), total)
	})
}
