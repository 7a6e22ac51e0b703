package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/present"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// intakeOpts points the data directory at a temp dir and lifts the rate
// limits so that tests which are not about them are not stopped by them.
func intakeOpts(t *testing.T, more ...func(*config.Config)) []func(*config.Config) {
	t.Helper()
	dir := t.TempDir()
	return append([]func(*config.Config){func(c *config.Config) {
		c.DataDir = dir
		c.Intake.PerIPHour, c.Intake.PerIPDay, c.Intake.PerPhoneHour, c.Intake.PerPhoneDay = 1000, 1000, 1000, 1000
	}}, more...)
}

// eachIntakeApp runs fn on SQLite and Postgres with intakeOpts.
func eachIntakeApp(t *testing.T, fn func(t *testing.T, ta *testApp), more ...func(*config.Config)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, db *store.DB) { fn(t, newTestApp(t, db, intakeOpts(t, more...)...)) })
}

// validPetition is a complete JSON submission; tests change what they test.
func validPetition(ta *testApp, t *testing.T) map[string]any {
	t.Helper()
	return map[string]any{"kind": "phan_anh", "topic_id": firstTopic(t, ta), "title": "Đèn đường hỏng",
		"content": "Đèn đường ở ngõ 12 phố Bà Triệu đã hỏng hơn một tuần, buổi tối rất tối.",
		"place":   "Ngõ 12 phố Bà Triệu", "name": "Nguyễn Thị Hằng", "phone": "0912 345 678",
		"email": "hang@example.vn", "address": "Đường Bà Triệu, phường Đông Kinh", "consent": true}
}

func firstTopic(t *testing.T, ta *testApp) int64 {
	t.Helper()
	var topics httpapi.ListTopics200JSONResponse
	ta.getJSON(t, "/api/v1/topics", 200, &topics)
	if len(topics.Topics) == 0 {
		t.Fatal("no topics")
	}
	return topics.Topics[0].Id
}

func (ta *testApp) postJSON(t *testing.T, path string, body any, header ...string) (*http.Response, []byte) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return ta.do(t, http.MethodPost, path, bytes.NewReader(b), append([]string{"Content-Type", "application/json"}, header...)...)
}

func (ta *testApp) countCases(t *testing.T) int64 {
	t.Helper()
	var n int64
	if err := ta.db.Gorm.Raw("SELECT COUNT(*) FROM cases").Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return v
}

func TestTopicsAPI(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		var topics httpapi.ListTopics200JSONResponse
		ta.getJSON(t, "/api/v1/topics?lang=en", 200, &topics)
		var slugs []string
		withTask := 0
		for _, tp := range topics.Topics {
			slugs = append(slugs, tp.Slug)
			if tp.PlanTaskId != nil {
				withTask++
			}
		}
		if len(topics.Topics) != 17 || withTask != 12 || topics.Topics[16].Slug != "khac" || topics.Topics[16].PlanTaskId != nil {
			t.Errorf("topics: %v (with task %d)", slugs, withTask)
		}
		if topics.Topics[5].Name != "Attitude at the one-stop desk" {
			t.Errorf("English name: %q", topics.Topics[5].Name)
		}
		// Each topic points at the plan task of the list, the
		// department's seeded fields at their lead division too.
		var keys []string
		ta.db.Gorm.Raw("SELECT COALESCE(p.key, '-') || ' ' || COALESCE(u.code, '-') FROM topics t LEFT JOIN plan_tasks p ON p.id = t.plan_task_id " +
			"LEFT JOIN units u ON u.id = t.lead_unit_id ORDER BY t.position").Scan(&keys)
		want := []string{"II.1 -", "III.1 -", "III.2 -", "IV.3 -", "IV.2 -", "V.1 -", "V.2 -", "VI.1 -", "VII -",
			"V.2 PQLXD", "II.1 PQHKT", "- PQLN", "- TTRA", "VI.1 PPTDT", "- PKTVL", "- PQLXD", "- -"}
		if diff := cmp.Diff(want, keys); diff != "" {
			t.Errorf("topic → task (-want +got):\n%s", diff)
		}
		// Seeding again adds nothing.
		if err := ta.seed(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := len(decode[httpapi.ListTopics200JSONResponse](t, ta.getJSON(t, "/api/v1/topics", 200, nil)).Topics); n != 17 {
			t.Errorf("after a second seed: %d topics", n)
		}
	})
}

func TestSubmitPetitionJSON(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		res, b := ta.postJSON(t, "/api/v1/petitions", validPetition(ta, t))
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("status %d: %s", res.StatusCode, b)
		}
		rec := decode[httpapi.PetitionReceipt](t, b)
		if rec.Code != "SXD-2026-000001" || !regexp.MustCompile(`^[2-9A-HJKMNP-Z]{8}$`).MatchString(rec.Secret) ||
			rec.Status != "received" || !rec.ReceivedAt.Equal(testNow) ||
			rec.DueRule == nil || *rec.DueRule != "pakn.answer" {
			t.Errorf("receipt: %s", b)
		}
		// Received Friday 27/11/2026: 10 working days end on Friday
		// 11/12/2026, so the answer is due by 24:00 that day.
		if rec.DueAt == nil || rec.DueAt.Format(time.RFC3339) != "2026-12-11T17:00:00Z" ||
			!strings.Contains(rec.DueExplanation, "10 ngày làm việc") || !strings.Contains(rec.DueExplanation, "11/12/2026") {
			t.Errorf("due time: %v %q", rec.DueAt, rec.DueExplanation)
		}
		// Committed with its identity apart, its first events and the
		// receipt mail queued.
		var row struct {
			Kind, Title, Status string
			Ident, Events, Mail int
		}
		ta.db.Gorm.Raw(`SELECT c.kind, c.title, c.status,
			(SELECT COUNT(*) FROM case_identities i WHERE i.case_id = c.id AND i.name = 'Nguyễn Thị Hằng' AND i.phone = '0912345678' AND i.keep_secret) AS ident,
			(SELECT COUNT(*) FROM case_events e WHERE e.case_id = c.id) AS events,
			(SELECT COUNT(*) FROM case_mail_queue m WHERE m.case_id = c.id) AS mail
			FROM cases c WHERE c.code = ?`, rec.Code).Scan(&row)
		if row.Kind != "phan_anh" || row.Title != "Đèn đường hỏng" || row.Ident != 1 || row.Events != 2 || row.Mail != 1 {
			t.Errorf("stored: %+v", row)
		}
		// The case file itself carries no identity.
		var leaked int64
		ta.db.Gorm.Raw("SELECT COUNT(*) FROM cases WHERE content LIKE '%Hằng%' OR title LIKE '%0912%'").Scan(&leaked)
		if leaked != 0 {
			t.Error("identity in the case row")
		}
	})
}

// Every required-field rule, per kind, in both languages' codes.
func TestSubmitPetitionRequiredFields(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		type fe struct{ Field, Code string }
		cases := []struct {
			name   string
			kinds  []string
			change map[string]any
			want   []fe
		}{
			{"no kind", []string{""}, nil, []fe{{"kind", "petition.kind_required"}}},
			{"unknown kind", []string{"khac"}, nil, []fe{{"kind", "petition.kind_invalid"}}},
			{"no topic", all, map[string]any{"topic_id": 0}, []fe{{"topic_id", "petition.topic_required"}}},
			{"unknown topic", all, map[string]any{"topic_id": 999}, []fe{{"topic_id", "petition.topic_invalid"}}},
			{"no title", all, map[string]any{"title": "  "}, []fe{{"title", "petition.title_required"}}},
			{"long title", all, map[string]any{"title": strings.Repeat("ă", 201)}, []fe{{"title", "petition.too_long"}}},
			{"no content", all, map[string]any{"content": ""}, []fe{{"content", "petition.content_required"}}},
			{"short content", all, map[string]any{"content": "Quá ngắn"}, []fe{{"content", "petition.too_short"}}},
			{"long content", all, map[string]any{"content": strings.Repeat("ơ", 10001)}, []fe{{"content", "petition.too_long"}}},
			{"no name", all, map[string]any{"name": ""}, []fe{{"name", "petition.name_required"}}},
			{"no phone, no e-mail", all, map[string]any{"phone": "", "email": ""}, []fe{{"phone", "petition.contact_required"}}},
			{"e-mail only is enough", all, map[string]any{"phone": ""}, nil},
			{"phone only is enough", all, map[string]any{"email": ""}, nil},
			{"bad phone", all, map[string]any{"phone": "0912 345 67"}, []fe{{"phone", "petition.phone_invalid"}}},
			{"foreign phone", all, map[string]any{"phone": "+33 6 12 34 56 78"}, []fe{{"phone", "petition.phone_invalid"}}},
			{"+84 with dots", all, map[string]any{"phone": "+84.912.345.678"}, nil},
			{"bad e-mail", all, map[string]any{"email": "hang@"}, []fe{{"email", "petition.email_invalid"}}},
			{"no address: fine for PAKN", []string{"kien_nghi", "phan_anh"}, map[string]any{"address": ""}, nil},
			{"no address: refused for complaints and denunciations", []string{"khieu_nai", "to_cao"}, map[string]any{"address": ""},
				[]fe{{"address", "petition.address_required"}}},
			{"no consent", all, map[string]any{"consent": false}, []fe{{"consent", "petition.consent_required"}}},
		}
		n := 0
		for _, c := range cases {
			for _, kind := range c.kinds {
				t.Run(c.name+"/"+kind, func(t *testing.T) {
					n++
					body := validPetition(ta, t)
					body["kind"] = kind
					body["content"] = fmt.Sprintf("Nội dung thử số %d, đủ dài để hợp lệ theo quy định.", n)
					for k, v := range c.change {
						body[k] = v
					}
					res, b := ta.postJSON(t, "/api/v1/petitions", body, "X-Forwarded-For", fmt.Sprintf("198.51.100.%d", n%250))
					if c.want == nil {
						if res.StatusCode != http.StatusCreated {
							t.Fatalf("want 201, got %d %s", res.StatusCode, b)
						}
						return
					}
					if res.StatusCode != http.StatusUnprocessableEntity {
						t.Fatalf("want 422, got %d %s", res.StatusCode, b)
					}
					eb := decode[present.ErrorBody](t, b)
					var got []fe
					for _, e := range eb.Errors {
						got = append(got, fe{e.Field, e.Code})
						if e.Message == "" || e.Message == e.Code {
							t.Errorf("no message for %s", e.Code)
						}
					}
					if diff := cmp.Diff(c.want, got); diff != "" {
						t.Errorf("errors (-want +got):\n%s", diff)
					}
				})
			}
		}
		// The message is in the request's language.
		body := validPetition(ta, t)
		body["phone"] = "12345"
		_, b := ta.postJSON(t, "/api/v1/petitions?lang=en", body)
		if eb := decode[present.ErrorBody](t, b); len(eb.Errors) != 1 || !strings.HasPrefix(eb.Errors[0].Message, "The phone number is not valid") {
			t.Errorf("English: %s", b)
		}
	})
}

var all = []string{"kien_nghi", "phan_anh", "khieu_nai", "to_cao"}

func TestSubmitPetitionBadBodies(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		cases := []struct {
			name, body, msg string
		}{
			{"invalid UTF-8", "{\"kind\":\"phan_anh\",\"title\":\"\xff\xfe\"}", "Dữ liệu phải là văn bản UTF-8 hợp lệ."},
			{"malformed JSON", `{"kind": "phan_anh", "title": `, "Dữ liệu JSON không đúng định dạng."},
			{"trailing garbage", `{"kind": "phan_anh"} x`, "Dữ liệu JSON không đúng định dạng."},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				res, b := ta.do(t, http.MethodPost, "/api/v1/petitions", strings.NewReader(c.body), "Content-Type", "application/json")
				eb := decode[present.ErrorBody](t, b)
				if res.StatusCode != http.StatusBadRequest || eb.Code != "bad_request" || eb.Message != c.msg {
					t.Errorf("%d %s", res.StatusCode, b)
				}
			})
		}
		res, b := ta.do(t, http.MethodPost, "/api/v1/petitions", strings.NewReader("kind=phan_anh"), "Content-Type", "text/plain")
		if res.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("text/plain: %d %s", res.StatusCode, b)
		}
		if n := ta.countCases(t); n != 0 {
			t.Errorf("%d cases created", n)
		}
	})
}

// mp builds a multipart body: fields, then files.
type mpFile struct {
	name    string
	content []byte
}

func multipartBody(t *testing.T, fields map[string]any, files ...mpFile) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := w.WriteField(k, fmt.Sprint(fields[k])); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		fw, err := w.CreateFormFile("files", f.name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(f.content)
	}
	w.Close()
	return &buf, w.FormDataContentType()
}

func pdfOfSize(n int) []byte {
	b := bytes.Repeat([]byte{'x'}, n)
	copy(b, "%PDF-1.7\n")
	return b
}

func docx(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "word/document.xml"} {
		w, _ := z.Create(name)
		w.Write([]byte("<x/>"))
	}
	z.Close()
	return buf.Bytes()
}

// attachmentFiles lists the files in the attachments store, tmp included.
func attachmentFiles(t *testing.T, ta *testApp) []string {
	t.Helper()
	var out []string
	root := filepath.Join(ta.cfg.DataDir, "attachments")
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

func TestSubmitPetitionMultipart(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		fields := validPetition(ta, t)
		pdf := pdfOfSize(10 << 20) // exactly 10 MB is allowed
		body, ct := multipartBody(t, fields, mpFile{"Đơn đề nghị.pdf", pdf}, mpFile{"../../anh.png", []byte("\x89PNG\r\n\x1a\nrest")},
			mpFile{"bien-ban.docx", docx(t)}, mpFile{"ảnh.jpg", []byte("\xff\xd8\xff\xe0 jpeg")})
		res, b := ta.do(t, http.MethodPost, "/api/v1/petitions", body, "Content-Type", ct)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("status %d: %s", res.StatusCode, b)
		}
		rec := decode[httpapi.PetitionReceipt](t, b)
		var view httpapi.PetitionView
		ta.getJSON(t, "/api/v1/petitions/"+rec.Code, 200, &view, "X-Tracking-Secret", strings.ToLower(rec.Secret))
		var got []string
		for _, f := range view.Attachments {
			got = append(got, f.Name+" "+f.MediaType)
		}
		want := []string{"Đơn đề nghị.pdf application/pdf", "anh.png image/png",
			"bien-ban.docx application/vnd.openxmlformats-officedocument.wordprocessingml.document", "ảnh.jpg image/jpeg"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("attachments (-want +got):\n%s", diff)
		}
		if view.Attachments[0].Size != 10<<20 || len(view.Attachments[0].Sha256) != 64 {
			t.Errorf("pdf: %+v", view.Attachments[0])
		}
		// Content-addressed under <year>/<sha256>, nothing left in tmp.
		onDisk := attachmentFiles(t, ta)
		if len(onDisk) != 4 || !strings.HasPrefix(onDisk[0], "2026"+string(filepath.Separator)) {
			t.Errorf("on disk: %v", onDisk)
		}
		if got, err := os.ReadFile(filepath.Join(ta.cfg.DataDir, "attachments", "2026", view.Attachments[0].Sha256)); err != nil || !bytes.Equal(got, pdf) {
			t.Errorf("stored pdf differs: %v", err)
		}
	})
}

func TestSubmitPetitionRefusedFiles(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		exe := append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0}, 4096)...)
		cases := []struct {
			name   string
			files  []mpFile
			status int
			code   string
			msg    string
		}{
			{"10 MB + 1 byte", []mpFile{{"ok.png", []byte("\x89PNG\r\n\x1a\n")}, {"big.pdf", pdfOfSize(10<<20 + 1)}}, 413, "petition.file_too_large",
				"Tệp «big.pdf» lớn hơn 10 MB."},
			{".exe renamed .pdf", []mpFile{{"don.pdf", exe}}, 415, "petition.file_type",
				"Tệp «don.pdf» không phải PDF, JPEG, PNG hay DOCX (kiểm tra theo nội dung tệp, không theo tên)."},
			{"a zip that is not a DOCX", []mpFile{{"x.docx", func() []byte {
				var buf bytes.Buffer
				z := zip.NewWriter(&buf)
				w, _ := z.Create("a.txt")
				w.Write([]byte("x"))
				z.Close()
				return buf.Bytes()
			}()}}, 415, "petition.file_type", ""},
			{"empty file", []mpFile{{"rong.pdf", nil}}, 422, "petition.file_empty", ""},
			{"six files", []mpFile{{"1.png", []byte("\x89PNG\r\n\x1a\n1")}, {"2.png", []byte("\x89PNG\r\n\x1a\n2")}, {"3.png", []byte("\x89PNG\r\n\x1a\n3")},
				{"4.png", []byte("\x89PNG\r\n\x1a\n4")}, {"5.png", []byte("\x89PNG\r\n\x1a\n5")}, {"6.png", []byte("\x89PNG\r\n\x1a\n6")}}, 422, "petition.too_many_files", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				body, ct := multipartBody(t, validPetition(ta, t), c.files...)
				res, b := ta.do(t, http.MethodPost, "/api/v1/petitions", body, "Content-Type", ct)
				eb := decode[present.ErrorBody](t, b)
				if res.StatusCode != c.status || len(eb.Errors) != 1 || eb.Errors[0].Field != "files" || eb.Errors[0].Code != c.code {
					t.Fatalf("%d %s", res.StatusCode, b)
				}
				if c.msg != "" && eb.Message != c.msg {
					t.Errorf("message %q", eb.Message)
				}
				if n := ta.countCases(t); n != 0 {
					t.Errorf("%d cases", n)
				}
				if left := attachmentFiles(t, ta); len(left) != 0 {
					t.Errorf("files left behind: %v", left)
				}
			})
		}
	})
}

// A client that goes away in the middle of an upload leaves no case and no
// file.
func TestHalfReceivedUploadLeavesNothing(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		body, ct := multipartBody(t, validPetition(ta, t), mpFile{"a.pdf", pdfOfSize(64 << 10)}, mpFile{"b.pdf", pdfOfSize(4 << 20)})
		full := body.Bytes()
		u, _ := url.Parse(ta.Server.URL)
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "POST /api/v1/petitions HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", u.Host, ct, len(full))
		conn.Write(full[:len(full)-(2<<20)]) // the first file whole, half of the second
		// Cut the connection once the server is writing the upload to disk.
		for deadline := time.Now().Add(10 * time.Second); len(attachmentFiles(t, ta)) == 0; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("no upload file on disk 10 s after the first file was sent")
			}
		}
		conn.Close()
		deadline := time.Now().Add(5 * time.Second)
		for {
			left := attachmentFiles(t, ta)
			if len(left) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("files left behind: %v", left)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if n := ta.countCases(t); n != 0 {
			t.Errorf("%d cases", n)
		}
	})
}

func TestIdempotencyKey(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		body := validPetition(ta, t)
		res1, b1 := ta.postJSON(t, "/api/v1/petitions", body, "Idempotency-Key", "lan-1")
		res2, b2 := ta.postJSON(t, "/api/v1/petitions", body, "Idempotency-Key", "lan-1")
		if res1.StatusCode != 201 || res2.StatusCode != 201 || string(b1) != string(b2) {
			t.Fatalf("replay:\n%d %s\n%d %s", res1.StatusCode, b1, res2.StatusCode, b2)
		}
		if n := ta.countCases(t); n != 1 {
			t.Errorf("%d cases for one key", n)
		}
		body["title"] = "Một tiêu đề khác"
		res, b := ta.postJSON(t, "/api/v1/petitions", body, "Idempotency-Key", "lan-1")
		eb := decode[present.ErrorBody](t, b)
		if res.StatusCode != 422 || len(eb.Errors) != 1 || eb.Errors[0].Code != "petition.idempotency_mismatch" {
			t.Errorf("same key, other body: %d %s", res.StatusCode, b)
		}
		// Concurrent retries with one key: still one case.
		body["title"] = "Tiêu đề đồng thời"
		body["content"] = "Một nội dung khác, gửi lại nhiều lần cùng lúc vì mạng chập chờn."
		var wg sync.WaitGroup
		codes := make([]string, 8)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				buf, _ := json.Marshal(body)
				req, _ := http.NewRequest(http.MethodPost, ta.Server.URL+"/api/v1/petitions", bytes.NewReader(buf))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", "lan-2")
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					return
				}
				defer res.Body.Close()
				var rec httpapi.PetitionReceipt
				json.NewDecoder(res.Body).Decode(&rec)
				if res.StatusCode == http.StatusCreated {
					codes[i] = rec.Code
				}
			}()
		}
		wg.Wait()
		for _, c := range codes {
			if c != codes[0] || c == "" {
				t.Fatalf("concurrent retries got %v", codes)
			}
		}
		if n := ta.countCases(t); n != 2 {
			t.Errorf("%d cases after concurrent retries", n)
		}
	})
}

func TestDuplicateRule(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		body := validPetition(ta, t)
		_, b := ta.postJSON(t, "/api/v1/petitions", body)
		first := decode[httpapi.PetitionReceipt](t, b)
		// Same phone (written differently), kind and content (case, spaces
		// and Unicode form aside): linked to the first case.
		dup := validPetition(ta, t)
		dup["phone"] = "+84 912.345.678"
		dup["content"] = "  ĐÈN ĐƯỜNG ở ngõ 12 phố Bà Triệu   đã hỏng hơn một tuần,\nbuổi tối rất tối. "
		dup["title"] = "Nhắc lại"
		ta.Clock.Advance(23 * time.Hour)
		res, b := ta.postJSON(t, "/api/v1/petitions", dup)
		d := decode[httpapi.DuplicateError](t, b)
		if res.StatusCode != http.StatusConflict || d.Code != "duplicate" || d.DuplicateOf != first.Code ||
			d.Message != "Nội dung này đã được tiếp nhận với mã hồ sơ "+first.Code+". Không tạo hồ sơ mới." {
			t.Fatalf("duplicate: %d %s", res.StatusCode, b)
		}
		if n := ta.countCases(t); n != 1 {
			t.Errorf("%d cases", n)
		}
		// NFD input (as phones send it) is the same content.
		nfd := validPetition(ta, t)
		nfd["content"] = "Đe\u0300n đươ\u0300ng ở ngõ 12 phố Bà Triệu đã hỏng hơn một tuần, buổi tối rất tối."
		if res, b := ta.postJSON(t, "/api/v1/petitions", nfd); res.StatusCode != http.StatusConflict {
			t.Errorf("NFD content: %d %s", res.StatusCode, b)
		}
		// Another kind, another phone, or after 24 hours: new cases.
		for name, change := range map[string]func(map[string]any){
			"kind":  func(m map[string]any) { m["kind"] = "kien_nghi" },
			"phone": func(m map[string]any) { m["phone"] = "0987654321" },
		} {
			m := validPetition(ta, t)
			change(m)
			if res, b := ta.postJSON(t, "/api/v1/petitions", m); res.StatusCode != http.StatusCreated {
				t.Errorf("other %s: %d %s", name, res.StatusCode, b)
			}
		}
		ta.Clock.Advance(time.Hour + time.Second)
		if res, b := ta.postJSON(t, "/api/v1/petitions", validPetition(ta, t)); res.StatusCode != http.StatusCreated {
			t.Errorf("after 24 h: %d %s", res.StatusCode, b)
		}
		// The stored content is NFC.
		var content string
		ta.db.Gorm.Raw("SELECT content FROM cases WHERE code = ?", "SXD-2026-000001").Scan(&content)
		if !strings.HasPrefix(content, "Đèn đường") {
			t.Errorf("content %q", content)
		}
	})
}

func TestTrackPetition(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		_, b := ta.postJSON(t, "/api/v1/petitions", validPetition(ta, t))
		rec := decode[httpapi.PetitionReceipt](t, b)
		den := validPetition(ta, t)
		den["kind"], den["content"] = "to_cao", "Cán bộ một cửa đòi tiền để nhận hồ sơ cấp phép xây dựng."
		_, b = ta.postJSON(t, "/api/v1/petitions", den)
		denRec := decode[httpapi.PetitionReceipt](t, b)

		var view httpapi.PetitionView
		ta.getJSON(t, "/api/v1/petitions/"+strings.ToLower(rec.Code), 200, &view, "X-Tracking-Secret", rec.Secret)
		if view.Code != rec.Code || view.Status != "received" || len(view.Timeline) != 1 || view.Timeline[0].Kind != "received" ||
			view.Timeline[0].Text != "Đã tiếp nhận" || view.CanRate || view.CanDispute || view.Answer != nil || view.Topic == nil {
			t.Errorf("view: %+v", view)
		}
		if strings.Contains(string(ta.getJSON(t, "/api/v1/petitions/"+rec.Code, 200, nil, "X-Tracking-Secret", rec.Secret)), "Hằng") {
			t.Error("tracking shows the identity")
		}
		ta.getJSON(t, "/api/v1/petitions/"+rec.Code, 200, nil, "X-Tracking-Contact", "+84 912 345 678")
		ta.getJSON(t, "/api/v1/petitions/"+rec.Code, 200, nil, "X-Tracking-Contact", "HANG@example.vn")

		notFound := "Không tìm thấy hồ sơ với thông tin đã nhập. Vui lòng kiểm tra lại mã hồ sơ và mật mã."
		for name, h := range map[string][]string{
			"wrong secret":               {"X-Tracking-Secret", "ABCDEFGH"},
			"no secret":                  nil,
			"wrong phone":                {"X-Tracking-Contact", "0987654321"},
			"denunciation by phone":      {"X-Tracking-Contact", "0912345678"},
			"secret of another case":     {"X-Tracking-Secret", denRec.Secret},
			"denunciation by its e-mail": {"X-Tracking-Contact", "hang@example.vn"},
		} {
			code := rec.Code
			if strings.HasPrefix(name, "denunciation") {
				code = denRec.Code
			}
			var eb present.ErrorBody
			ta.getJSON(t, "/api/v1/petitions/"+code, 404, &eb, h...)
			if eb.Message != notFound {
				t.Errorf("%s: %+v", name, eb)
			}
		}
		for _, code := range []string{"SXD-2026-999999", "not-a-code"} {
			var eb present.ErrorBody
			ta.getJSON(t, "/api/v1/petitions/"+code, 404, &eb, "X-Tracking-Secret", rec.Secret)
			if eb.Message != notFound {
				t.Errorf("%s: %+v", code, eb)
			}
		}
		ta.getJSON(t, "/api/v1/petitions/"+denRec.Code, 200, nil, "X-Tracking-Secret", denRec.Secret)
	})
}

func TestRateLimits(t *testing.T) {
	limits := func(c *config.Config) {
		c.Intake.PerIPHour, c.Intake.PerIPDay, c.Intake.PerPhoneHour, c.Intake.PerPhoneDay = 3, 5, 2, 1000
		c.Intake.TrackFailures = 3
		c.HTTP.TrustedNets = trustLoopback(t)
	}
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		post := func(ip, phone string, n int) int {
			body := validPetition(ta, t)
			// The e-mail is counted per contact too: one per phone.
			body["phone"], body["email"] = phone, "p"+phone+"@example.vn"
			body["content"] = fmt.Sprintf("Nội dung khác nhau số %d để không trùng lặp.", n)
			res, b := ta.postJSON(t, "/api/v1/petitions", body, "X-Forwarded-For", ip)
			if res.StatusCode == 429 && !strings.Contains(string(b), "petition.rate_limited") && !strings.Contains(string(b), "quá nhiều hồ sơ") {
				t.Errorf("429 body: %s", b)
			}
			return res.StatusCode
		}
		// Per phone: 2 an hour, whatever the IP.
		got := []int{post("203.0.113.1", "0911000001", 1), post("203.0.113.2", "0911000001", 2), post("203.0.113.3", "0911000001", 3)}
		if diff := cmp.Diff([]int{201, 201, 429}, got); diff != "" {
			t.Errorf("per phone (-want +got):\n%s", diff)
		}
		// Per IP: 3 an hour (the refused one above did not count).
		got = []int{post("203.0.113.9", "0911000011", 4), post("203.0.113.9", "0911000012", 5), post("203.0.113.9", "0911000013", 6),
			post("203.0.113.9", "0911000014", 7)}
		if diff := cmp.Diff([]int{201, 201, 201, 429}, got); diff != "" {
			t.Errorf("per IP (-want +got):\n%s", diff)
		}
		// The next hour opens again, up to the day's 5.
		ta.Clock.Advance(time.Hour)
		got = []int{post("203.0.113.9", "0911000015", 8), post("203.0.113.9", "0911000016", 9), post("203.0.113.9", "0911000017", 10)}
		if diff := cmp.Diff([]int{201, 201, 429}, got); diff != "" {
			t.Errorf("per IP per day (-want +got):\n%s", diff)
		}
		// A client cannot pick its own address: X-Forwarded-For counts only
		// from a configured proxy (this test trusts 127.0.0.1, where
		// httptest connects from; TestTrustedProxies checks the default).

		// Tracking: 3 wrong tries per window, then 429 for more wrong tries
		// from that client, but not for the right secret (failures are
		// limited, not successes; see TestTrackingFailureLimits).
		_, b := ta.postJSON(t, "/api/v1/petitions", map[string]any{"kind": "kien_nghi", "topic_id": firstTopic(t, ta), "title": "x",
			"content": "Đề nghị công khai quy hoạch chi tiết khu đô thị mới.", "name": "Lê Văn Bình", "email": "binh@example.vn", "consent": true},
			"X-Forwarded-For", "192.0.2.50")
		rec := decode[httpapi.PetitionReceipt](t, b)
		for i := 0; i < 3; i++ {
			ta.getJSON(t, "/api/v1/petitions/"+rec.Code, 404, nil, "X-Tracking-Secret", "WRONG234", "X-Forwarded-For", "192.0.2.66")
		}
		var eb present.ErrorBody
		ta.getJSON(t, "/api/v1/petitions/"+rec.Code, 429, &eb, "X-Tracking-Secret", "WRONG345", "X-Forwarded-For", "192.0.2.66")
		if eb.Code != "rate_limited" {
			t.Errorf("tracking limit: %+v", eb)
		}
		ta.getJSON(t, "/api/v1/petitions/"+rec.Code, 200, nil, "X-Tracking-Secret", rec.Secret, "X-Forwarded-For", "192.0.2.66")
		ta.getJSON(t, "/api/v1/petitions/"+rec.Code, 200, nil, "X-Tracking-Secret", rec.Secret, "X-Forwarded-For", "192.0.2.67")
		ta.Clock.Advance(15 * time.Minute)
		ta.getJSON(t, "/api/v1/petitions/"+rec.Code, 404, nil, "X-Tracking-Secret", "WRONG234", "X-Forwarded-For", "192.0.2.66")
	}, limits)
}

func TestRatingAndDispute(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		_, b := ta.postJSON(t, "/api/v1/petitions", validPetition(ta, t))
		rec := decode[httpapi.PetitionReceipt](t, b)
		auth := []string{"X-Tracking-Secret", rec.Secret}
		path := "/api/v1/petitions/" + rec.Code
		expect := func(res *http.Response, b []byte, status int, code string) {
			t.Helper()
			if res.StatusCode != status || (code != "" && !strings.Contains(string(b), code)) {
				t.Errorf("want %d %s, got %d %s", status, code, res.StatusCode, b)
			}
		}
		// Before any answer: refused with a clear 409.
		res, b := ta.postJSON(t, path+"/rating", map[string]any{"stars": 4}, auth...)
		expect(res, b, 409, "Hồ sơ chưa có trả lời nên chưa thể đánh giá")
		res, b = ta.postJSON(t, path+"/dispute", map[string]any{"reason": "Trả lời chưa giải quyết được việc đèn hỏng."}, auth...)
		expect(res, b, 409, "Hồ sơ chưa có trả lời nên chưa thể đánh giá hay đề nghị xem xét lại.")
		// Input checks come first; a wrong secret is a 404 as everywhere.
		res, b = ta.postJSON(t, path+"/rating", map[string]any{"stars": 6}, auth...)
		expect(res, b, 422, "petition.stars_invalid")
		res, b = ta.postJSON(t, path+"/rating", map[string]any{"stars": 5}, "X-Tracking-Secret", "ABCDEFGH")
		expect(res, b, 404, "not_found")

		// Publish an answer through the store, without the answer workflow
		// (drafting, approval, signing), which this test is not about.
		var caseID int64
		ta.db.Gorm.Raw("SELECT id FROM cases WHERE code = ?", rec.Code).Scan(&caseID)
		if _, err := ta.intake.store.PublishAnswer(context.Background(), caseID, "Đã thay bóng đèn ngày 30/11.", "Phòng Quản lý hạ tầng", testNow.Add(24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		ta.Clock.Advance(48 * time.Hour)
		res, b = ta.postJSON(t, path+"/rating", map[string]any{"stars": 2, "comment": "Chậm"}, auth...)
		expect(res, b, 204, "")
		res, b = ta.postJSON(t, path+"/rating", map[string]any{"stars": 4, "comment": "Đã sửa"}, auth...)
		expect(res, b, 204, "")
		var view httpapi.PetitionView
		ta.getJSON(t, path, 200, &view, auth...)
		if view.Answer == nil || view.Answer.Body != "Đã thay bóng đèn ngày 30/11." || view.Rating == nil || view.Rating.Stars != 4 ||
			!view.CanRate || !view.CanDispute || view.Status != "answered" {
			t.Fatalf("after answer: %+v", view)
		}
		res, b = ta.postJSON(t, path+"/dispute", map[string]any{"reason": "ngắn"}, auth...)
		expect(res, b, 422, "petition.too_short")
		res, b = ta.postJSON(t, path+"/dispute", map[string]any{"reason": "Đèn lại hỏng sau hai ngày."}, auth...)
		expect(res, b, 204, "")
		res, b = ta.postJSON(t, path+"/dispute", map[string]any{"reason": "Đèn lại hỏng sau hai ngày."}, auth...)
		expect(res, b, 409, "Bạn đã đề nghị xem xét lại trả lời này.")
		ta.getJSON(t, path, 200, &view, auth...)
		var kinds []string
		for _, e := range view.Timeline {
			kinds = append(kinds, e.Kind)
		}
		if view.Status != "reopened" || view.CanDispute || strings.Join(kinds, ",") != "received,answered,rated,rated,reopened" {
			t.Errorf("after dispute: status %s timeline %v", view.Status, kinds)
		}

		// A second case, answered long ago: the window has closed.
		body := validPetition(ta, t)
		body["content"] = "Một nội dung khác hẳn để không bị coi là trùng lặp."
		_, b = ta.postJSON(t, "/api/v1/petitions", body)
		rec2 := decode[httpapi.PetitionReceipt](t, b)
		ta.db.Gorm.Raw("SELECT id FROM cases WHERE code = ?", rec2.Code).Scan(&caseID)
		if _, err := ta.intake.store.PublishAnswer(context.Background(), caseID, "Đã xử lý.", "", ta.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		ta.Clock.Advance(30*24*time.Hour + time.Minute)
		res, b = ta.postJSON(t, "/api/v1/petitions/"+rec2.Code+"/dispute", map[string]any{"reason": "Tôi không đồng ý với trả lời."}, "X-Tracking-Secret", rec2.Secret)
		expect(res, b, 409, "Đã quá 30 ngày")
	})
}

// 200 concurrent submissions through the real router on Postgres (and
// SQLite) get 200 distinct, gap-free codes.
func TestConcurrentSubmissionsGapFree(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		const n = 200
		topic := firstTopic(t, ta)
		codes := make([]string, n)
		var wg sync.WaitGroup
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				buf, _ := json.Marshal(map[string]any{"kind": "kien_nghi", "topic_id": topic, "title": "Đề nghị",
					"content": fmt.Sprintf("Đề nghị số %d về việc công khai quy hoạch.", i), "name": "Người gửi",
					"phone": fmt.Sprintf("09%08d", i), "consent": true})
				res, err := client.Post(ta.Server.URL+"/api/v1/petitions", "application/json", bytes.NewReader(buf))
				if err != nil {
					t.Error(err)
					return
				}
				defer res.Body.Close()
				var rec httpapi.PetitionReceipt
				b, _ := io.ReadAll(res.Body)
				if res.StatusCode != 201 || json.Unmarshal(b, &rec) != nil {
					t.Errorf("%d: %d %s", i, res.StatusCode, b)
				}
				codes[i] = rec.Code
			}()
		}
		wg.Wait()
		sort.Strings(codes)
		for i, c := range codes {
			if want := fmt.Sprintf("SXD-2026-%06d", i+1); c != want {
				t.Fatalf("codes[%d] = %q, want %q", i, c, want)
			}
		}
	})
}

// TestLandlinePhone: a Lạng Sơn landline (0 + area code 205 + 7 digits) is
// taken like a mobile, stored in the one normal form, found again by
// tracking in another spelling, and counted by the per-phone limit
// whatever the spelling; a number that is neither is refused with a message
// that names the field, in Vietnamese by default and in English on request.
func TestLandlinePhone(t *testing.T) {
	perPhone := func(c *config.Config) { c.Intake.PerPhoneHour = 2 }
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		post := func(phone string, n int, lang string) (*http.Response, []byte) {
			body := validPetition(ta, t)
			body["phone"], body["email"] = phone, ""
			body["content"] = fmt.Sprintf("Đèn đường ở ngõ %d phố Bà Triệu đã hỏng hơn một tuần.", n)
			return ta.postJSON(t, "/api/v1/petitions?lang="+lang, body)
		}
		res, b := post("0205 3812 345", 1, "vi")
		if res.StatusCode != 201 {
			t.Fatalf("landline refused: %d %s", res.StatusCode, b)
		}
		rec := decode[httpapi.PetitionReceipt](t, b)
		var stored string
		if err := ta.db.Gorm.Raw("SELECT phone FROM case_identities WHERE case_id = (SELECT id FROM cases WHERE code = ?)", rec.Code).
			Scan(&stored).Error; err != nil || stored != "02053812345" {
			t.Errorf("stored phone %q, %v", stored, err)
		}
		ta.getJSON(t, "/api/v1/petitions/"+rec.Code, 200, nil, "X-Tracking-Contact", "+84 (0) 205 3812 345")
		ta.getJSON(t, "/api/v1/petitions/"+rec.Code, 404, nil, "X-Tracking-Contact", "0205 3812 346")

		// The limit is 2 an hour per phone: a second spelling of the same
		// number is the same number, and the third is refused.
		if res, b := post("(0205) 3812.345", 2, "vi"); res.StatusCode != 201 {
			t.Fatalf("second spelling: %d %s", res.StatusCode, b)
		}
		if res, b := post("+84 205 3812 345", 3, "vi"); res.StatusCode != 429 {
			t.Errorf("third submission from the same landline: %d %s", res.StatusCode, b)
		}

		for lang, want := range map[string]string{
			"vi": "Số điện thoại chưa đúng: số di động gồm 0 và 9 chữ số",
			"en": "The phone number is not valid: a mobile is 0 and 9 digits",
		} {
			res, b := post("0205 381 234", 4, lang)
			eb := decode[present.ErrorBody](t, b)
			if res.StatusCode != 422 || len(eb.Errors) != 1 || eb.Errors[0].Field != "phone" || eb.Errors[0].Code != "petition.phone_invalid" ||
				!strings.HasPrefix(eb.Errors[0].Message, want) {
				t.Errorf("%s: bad number: %d %s", lang, res.StatusCode, b)
			}
		}
		// The web form names the field in its error summary.
		token := formToken(t, ta)
		ta.Clock.Advance(20 * time.Second)
		f := webFields(t, ta, token)
		f["phone"] = "0205 381 234"
		if res, page := ta.postForm(t, f); res.StatusCode != 422 && res.StatusCode != 200 ||
			!strings.Contains(page, "Số điện thoại") || !strings.Contains(page, "số cố định gồm 0, mã vùng và số thuê bao") {
			t.Errorf("web form: %d %.3000s", res.StatusCode, page)
		}
	}, perPhone)
}
