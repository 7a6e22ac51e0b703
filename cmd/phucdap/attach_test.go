package main

import (
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/petition"
)

// Attachments both ways over the JSON API: the lead unit drafts the answer
// with its files as multipart; a file that is not a document (415) or is
// over 10 MB (413) is refused in the caller's language, naming it, with no
// draft saved and nothing left on disk; once approved, the citizen
// downloads the answer's files from the tracking page with the secret,
// under their Vietnamese names, and nobody else gets them: not with a
// wrong secret, not with another case's code and secret, not before the
// draft is approved.
func TestAnswerAttachmentsOverJSON(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		// Two citizens' cases, each with its own evidence.
		submit := func(name, phone string, evidence []byte) (code, secret string) {
			t.Helper()
			fields := validPetition(ta, t)
			fields["name"], fields["phone"], fields["email"] = name, phone, ""
			fields["content"] = "Đèn đường ở ngõ " + phone[len(phone)-3:] + " phố Bà Triệu đã hỏng hơn một tuần, buổi tối rất tối."
			body, ct := multipartBody(t, fields, mpFile{"ảnh hiện trường.pdf", evidence})
			res, b := ta.do(t, http.MethodPost, "/api/v1/petitions", body, "Content-Type", ct)
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("submit: %d %s", res.StatusCode, b)
			}
			rec := decode[httpapi.PetitionReceipt](t, b)
			return rec.Code, rec.Secret
		}
		evidenceA, evidenceB := pdfOfSize(3000), pdfOfSize(3100)
		codeA, secretA := submit("Nguyễn Thị Hằng", "0912345678", evidenceA)
		codeB, secretB := submit("Trần Văn Bình", "0987654321", evidenceB)
		var caseA int64
		ta.db.Gorm.Raw("SELECT id FROM cases WHERE code = ?", codeA).Scan(&caseA)

		office := ta.staffActor(t, "office@sxd.test", "VP", access.Office)
		ta.takeOn(t, office, caseA, "PQLXD")
		officer := ta.staffToken(t, "PQLXD", access.UnitOfficer)
		head := ta.staffToken(t, "PQLXD", access.UnitHead)

		answer := func(query string, files ...mpFile) (*http.Response, []byte) {
			t.Helper()
			body, ct := multipartBody(t, map[string]any{"body": "Sở Xây dựng trả lời: đèn đường đã được thay mới ngày 26/11/2026.",
				"letter_no": "512/SXD-QLXD", "letter_date": "2026-11-27", "signer": "Phó Giám đốc Lê Văn Cường"}, files...)
			return ta.do(t, http.MethodPost, "/api/v1/cases/"+codeA+"/answer"+query, body, "Content-Type", ct, "Authorization", officer)
		}
		stored := func() int {
			t.Helper()
			n := 0
			filepath.WalkDir(ta.cfg.DataDir, func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					n++
				}
				return nil
			})
			return n
		}
		before := stored()
		letter := pdfOfSize(40 << 10)
		png := []byte("\x89PNG\r\n\x1a\n" + strings.Repeat("p", 500))

		// A bad file among good ones: 415, named, in Vietnamese by default
		// and in English on request.
		for _, tc := range []struct{ query, want string }{{"", "chuong-trinh.exe"}, {"?lang=en", "chuong-trinh.exe"}} {
			res, b := answer(tc.query, mpFile{"công văn 512.pdf", letter}, mpFile{"chuong-trinh.exe", []byte("MZ\x90\x00 an executable")})
			body := decode[httpapi.Error](t, b)
			if res.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(body.Message, tc.want) {
				t.Errorf("an executable%s: %d %s", tc.query, res.StatusCode, b)
			}
			en := strings.Contains(body.Message, "file") || strings.Contains(body.Message, "File")
			if (tc.query != "") != en {
				t.Errorf("an executable%s: message in the wrong language: %s", tc.query, body.Message)
			}
		}
		// Over 10 MB: 413, named.
		res, b := answer("", mpFile{"bản quét.pdf", pdfOfSize(petition.MaxFileSize + 1)})
		if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(decode[httpapi.Error](t, b).Message, "bản quét.pdf") {
			t.Errorf("a file over 10 MB: %d %s", res.StatusCode, b)
		}
		if n := len(ta.caseState(t, caseA).Answers); n != 0 {
			t.Fatalf("%d drafts saved with a refused file", n)
		}
		if n := stored(); n != before {
			t.Errorf("refused uploads left %d files on disk", n-before)
		}

		// The draft with its files.
		res, b = answer("", mpFile{"công văn trả lời số 512.pdf", letter}, mpFile{"sơ đồ vị trí.png", png})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("draft with files: %d %s", res.StatusCode, b)
		}
		st := ta.caseState(t, caseA)
		if len(st.Answers) != 1 || len(st.Answers[0].Files) != 2 || st.Answers[0].LetterNo != "512/SXD-QLXD" {
			t.Fatalf("draft: %+v", st.Answers)
		}
		draftFile := st.Answers[0].Files[0]

		track := func(code, secret string, id int64) (*http.Response, string) {
			t.Helper()
			return ta.browser(t).do(http.MethodPost, "/tra-cuu/tep", url.Values{"code": {code}, "secret": {secret}, "id": {strconv.FormatInt(id, 10)}})
		}
		// A draft is not the citizen's yet.
		if res, got := track(codeA, secretA, draftFile.ID); res.StatusCode == http.StatusOK || strings.Contains(got, string(letter[:200])) {
			t.Errorf("a draft's file before approval: %d", res.StatusCode)
		}

		res, b = ta.postJSON(t, "/api/v1/cases/"+codeA+"/approve", map[string]any{}, "Authorization", head)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("approve: %d %s", res.StatusCode, b)
		}

		// The tracking page offers the answer's files; the form serves each.
		_, page := ta.browser(t).do(http.MethodPost, "/tra-cuu", url.Values{"code": {codeA}, "secret": {secretA}})
		for _, name := range []string{"công văn trả lời số 512.pdf", "sơ đồ vị trí.png"} {
			if !strings.Contains(page, name) {
				t.Errorf("the tracking page does not offer %q", name)
			}
		}
		for i, want := range []struct {
			name, mt string
			content  []byte
		}{{"công văn trả lời số 512.pdf", petition.TypePDF, letter}, {"sơ đồ vị trí.png", petition.TypePNG, png}} {
			id := st.Answers[0].Files[i].ID
			res, got := track(codeA, secretA, id)
			h := res.Header
			_, params, err := mime.ParseMediaType(h.Get("Content-Disposition"))
			if res.StatusCode != http.StatusOK || got != string(want.content) || h.Get("Content-Type") != want.mt || err != nil ||
				params["filename"] != want.name || h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("download %s: %d %v (%v)", want.name, res.StatusCode, h, params)
			}
			// A wrong secret, and another case's code and secret, get
			// nothing of it.
			for _, who := range [][2]string{{codeA, "WRONG234"}, {codeB, secretB}, {codeA, secretB}, {codeB, secretA}} {
				if res, got := track(who[0], who[1], id); res.StatusCode == http.StatusOK || strings.Contains(got, string(want.content[:16])) {
					t.Errorf("%s with %s/%s: %d", want.name, who[0], who[1], res.StatusCode)
				}
				if res, _ := ta.do(t, http.MethodGet, "/api/v1/petitions/"+who[0]+"/files/"+strconv.FormatInt(id, 10), nil, "X-Tracking-Secret", who[1]); res.StatusCode == http.StatusOK {
					t.Errorf("API %s with %s/%s: %d", want.name, who[0], who[1], res.StatusCode)
				}
			}
		}
		// Each citizen reads their own evidence, never the other's.
		var view httpapi.PetitionView
		ta.getJSON(t, "/api/v1/petitions/"+codeB, 200, &view, "X-Tracking-Secret", secretB)
		if len(view.Attachments) != 1 {
			t.Fatalf("B's files: %+v", view.Attachments)
		}
		if res, got := track(codeA, secretA, view.Attachments[0].Id); res.StatusCode == http.StatusOK || strings.Contains(got, string(evidenceB[:16])) && len(got) == len(evidenceB) {
			t.Errorf("B's evidence through A's secret: %d", res.StatusCode)
		}
		if res, got := track(codeB, secretB, view.Attachments[0].Id); res.StatusCode != http.StatusOK || got != string(evidenceB) {
			t.Errorf("B's own evidence: %d", res.StatusCode)
		}

		// An unknown case stores nothing.
		n := stored()
		body, ct := multipartBody(t, map[string]any{"body": "Trả lời một vụ việc không tồn tại trong hệ thống."}, mpFile{"x.pdf", pdfOfSize(5000)})
		if res, _ := ta.do(t, http.MethodPost, "/api/v1/cases/SXD-2026-999999/answer", body, "Content-Type", ct, "Authorization", officer); res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown case: %d", res.StatusCode)
		}
		if stored() != n {
			t.Error("an answer to an unknown case left a file")
		}
	})
}
