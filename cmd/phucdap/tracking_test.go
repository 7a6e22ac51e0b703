package main

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/petition"
)

// Codes are sequential, so code + phone must not open a case: it shows the
// status only. The secret shows everything, and only the secret rates,
// disputes and downloads.
func TestTrackingByContactShowsStatusOnly(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		_, b := ta.postJSON(t, "/api/v1/petitions", validPetition(ta, t))
		rec := decode[httpapi.PetitionReceipt](t, b)
		path := "/api/v1/petitions/" + rec.Code
		for _, contact := range []string{"0912 345 678", "hang@example.vn"} {
			var view httpapi.PetitionView
			raw := ta.getJSON(t, path, 200, &view, "X-Tracking-Contact", contact)
			if view.Scope != httpapi.Status || view.Status != "received" || view.Title != "" || view.Content != "" ||
				view.Place != nil || len(view.Timeline) != 0 || len(view.Attachments) != 0 || view.CanRate || view.Topic != nil {
				t.Errorf("by %s: %+v", contact, view)
			}
			for _, leak := range []string{"Đèn đường", "Bà Triệu", "tối"} {
				if strings.Contains(string(raw), leak) {
					t.Errorf("status view by %s shows %q: %s", contact, leak, raw)
				}
			}
		}
		var view httpapi.PetitionView
		ta.getJSON(t, path, 200, &view, "X-Tracking-Secret", rec.Secret)
		if view.Scope != httpapi.Full || view.Title != "Đèn đường hỏng" || len(view.Timeline) != 1 {
			t.Errorf("by secret: %+v", view)
		}
		var caseID int64
		ta.db.Gorm.Raw("SELECT id FROM cases WHERE code = ?", rec.Code).Scan(&caseID)
		if _, err := ta.intake.store.PublishAnswer(context.Background(), caseID, "Đã thay bóng đèn.", "", testNow); err != nil {
			t.Fatal(err)
		}
		res, b := ta.postJSON(t, path+"/rating", map[string]any{"stars": 5}, "X-Tracking-Contact", "0912345678")
		if res.StatusCode != http.StatusForbidden || !strings.Contains(string(b), "chỉ cho xem tình trạng") {
			t.Errorf("rating by phone: %d %s", res.StatusCode, b)
		}
		res, b = ta.postJSON(t, path+"/dispute", map[string]any{"reason": "Đèn vẫn hỏng sau hai ngày."}, "X-Tracking-Contact", "0912345678")
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("dispute by phone: %d %s", res.StatusCode, b)
		}
		// The web page: the status, not the letter.
		form := url.Values{"code": {rec.Code}, "contact": {"0912345678"}}
		res, body := ta.browser(t).do(http.MethodPost, "/tra-cuu", form)
		if res.StatusCode != 200 || !strings.Contains(body, `id="status-only"`) || strings.Contains(body, "Bà Triệu") || strings.Contains(body, "Đã thay bóng đèn") {
			t.Errorf("web status view: %d", res.StatusCode)
		}
	})
}

// Failures are counted per code as well as per address; a right secret
// from an address over its limit still opens the case; a code with too
// many failures is closed to everyone for the window; every 429 says when
// to come back.
func TestTrackingFailureLimits(t *testing.T) {
	limits := func(c *config.Config) {
		c.Intake.TrackFailures, c.Intake.TrackCodeFailures = 3, 4
		c.HTTP.TrustedNets = trustLoopback(t)
	}
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		var recs []httpapi.PetitionReceipt
		for i := 0; i < 3; i++ {
			body := validPetition(ta, t)
			body["content"] = "Nội dung riêng của hồ sơ số " + strconv.Itoa(i) + " để không trùng lặp."
			_, b := ta.postJSON(t, "/api/v1/petitions", body)
			recs = append(recs, decode[httpapi.PetitionReceipt](t, b))
		}
		track := func(code, ip string, h ...string) *http.Response {
			t.Helper()
			res, _ := ta.do(t, http.MethodGet, "/api/v1/petitions/"+code, nil, append([]string{"X-Forwarded-For", ip}, h...)...)
			checkRetryAfter(t, res)
			return res
		}
		expect := func(what string, res *http.Response, want int) {
			t.Helper()
			if res.StatusCode != want {
				t.Errorf("%s: %d, want %d", what, res.StatusCode, want)
			}
		}
		// A shared address (a café, an office NAT) makes 3 wrong guesses
		// on case 0 ...
		shared := "198.51.100.7"
		for i := 0; i < 3; i++ {
			expect("wrong guess", track(recs[0].Code, shared, "X-Tracking-Secret", "WRONG234"), 404)
		}
		// ... and is now over its limit: more guesses and contact lookups
		// answer 429, but the citizen with the right secret gets in.
		expect("wrong secret over the address limit", track(recs[1].Code, shared, "X-Tracking-Secret", "WRONG234"), 429)
		expect("contact over the address limit", track(recs[1].Code, shared, "X-Tracking-Contact", "0912345678"), 429)
		expect("right secret from the shared address", track(recs[1].Code, shared, "X-Tracking-Secret", recs[1].Secret), 200)
		res := track(recs[2].Code, shared, "X-Tracking-Contact", "0912345678")
		expect("contact over the limit", res, 429)
		if ra, _ := strconv.Atoi(res.Header.Get("Retry-After")); ra < 1 || ra > 15*60 {
			t.Errorf("Retry-After %q, want the rest of the 15-minute window", res.Header.Get("Retry-After"))
		}

		// Case 0 has 3 failures (from the shared address) and case 1 has
		// one. Rotating addresses does not help a guesser: the 4th failure
		// on case 0 closes the code, to every address, for the window.
		expect("4th wrong guess on the code", track(recs[0].Code, "203.0.113.1", "X-Tracking-Secret", "WRONG345"), 404)
		expect("code closed to a new address", track(recs[0].Code, "203.0.113.2", "X-Tracking-Secret", "WRONG456"), 429)
		expect("code closed even to its secret", track(recs[0].Code, "203.0.113.3", "X-Tracking-Secret", recs[0].Secret), 429)
		expect("another code is open", track(recs[2].Code, "203.0.113.4", "X-Tracking-Secret", recs[2].Secret), 200)
		// Successes are not counted.
		for i := 0; i < 6; i++ {
			expect("repeated success", track(recs[2].Code, "203.0.113.5", "X-Tracking-Contact", "0912345678"), 200)
		}
		ta.Clock.Advance(15 * time.Minute)
		expect("after the window", track(recs[0].Code, shared, "X-Tracking-Secret", recs[0].Secret), 200)
	}, limits)
}

// The citizen downloads the files of the case and of the published answer
// with the secret: as an attachment, not sniffed, with the stored type.
// The phone is not enough; a draft answer's files are not served.
func TestTrackingFileDownload(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		pdf := pdfOfSize(2048)
		body, ct := multipartBody(t, validPetition(ta, t), mpFile{"Đơn đề nghị.pdf", pdf})
		res, b := ta.do(t, http.MethodPost, "/api/v1/petitions", body, "Content-Type", ct)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("submit: %d %s", res.StatusCode, b)
		}
		rec := decode[httpapi.PetitionReceipt](t, b)
		ctx := context.Background()
		var caseID int64
		ta.db.Gorm.Raw("SELECT id FROM cases WHERE code = ?", rec.Code).Scan(&caseID)
		answerID, err := ta.intake.store.PublishAnswer(ctx, caseID, "Trả lời kèm văn bản.", "", testNow)
		if err != nil {
			t.Fatal(err)
		}
		png := []byte("\x89PNG\r\n\x1a\n<html><script>alert(1)</script>")
		st, err := ta.intake.files.Put(ctx, bytes.NewReader(png), 1<<20, petition.DetectType)
		if err != nil {
			t.Fatal(err)
		}
		ta.intake.files.Release(st)
		if err := ta.db.Gorm.Exec("INSERT INTO attachments (case_id, answer_id, name, media_type, size, sha256, storage_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			caseID, answerID, "công văn trả lời.html", st.MediaType, st.Size, st.SHA256, st.Key, testNow).Error; err != nil {
			t.Fatal(err)
		}
		var view httpapi.PetitionView
		ta.getJSON(t, "/api/v1/petitions/"+rec.Code, 200, &view, "X-Tracking-Secret", rec.Secret)
		if view.Answer == nil || len(view.Answer.Attachments) != 1 || len(view.Attachments) != 1 {
			t.Fatalf("view: %+v", view)
		}
		ansFile := view.Answer.Attachments[0]
		for _, f := range []struct {
			id      int64
			content []byte
			mt      string
		}{{view.Attachments[0].Id, pdf, petition.TypePDF}, {ansFile.Id, png, petition.TypePNG}} {
			path := "/api/v1/petitions/" + rec.Code + "/files/" + strconv.FormatInt(f.id, 10)
			res, got := ta.do(t, http.MethodGet, path, nil, "X-Tracking-Secret", rec.Secret)
			h := res.Header
			if res.StatusCode != 200 || !bytes.Equal(got, f.content) || h.Get("Content-Type") != f.mt ||
				!strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") || h.Get("X-Content-Type-Options") != "nosniff" ||
				h.Get("Cache-Control") != "no-store" {
				t.Errorf("download %d: %d %v", f.id, res.StatusCode, h)
			}
			if res, _ := ta.do(t, http.MethodGet, path, nil, "X-Tracking-Contact", "0912345678"); res.StatusCode != http.StatusForbidden {
				t.Errorf("download by phone: %d", res.StatusCode)
			}
			if res, _ := ta.do(t, http.MethodGet, path, nil, "X-Tracking-Secret", "WRONG234"); res.StatusCode != http.StatusNotFound {
				t.Errorf("download with a wrong secret: %d", res.StatusCode)
			}
		}
		if res, _ := ta.do(t, http.MethodGet, "/api/v1/petitions/"+rec.Code+"/files/999999", nil, "X-Tracking-Secret", rec.Secret); res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown file: %d", res.StatusCode)
		}
		// The web page offers the answer's file; the POST serves it.
		form := url.Values{"code": {rec.Code}, "secret": {rec.Secret}, "id": {strconv.FormatInt(ansFile.Id, 10)}}
		res, got := ta.browser(t).do(http.MethodPost, "/tra-cuu/tep", form)
		if res.StatusCode != 200 || got != string(png) || res.Header.Get("Content-Type") != petition.TypePNG ||
			!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("web download: %d %v", res.StatusCode, res.Header)
		}
		_, page := ta.browser(t).do(http.MethodPost, "/tra-cuu", url.Values{"code": {rec.Code}, "secret": {rec.Secret}})
		if !strings.Contains(page, `action="/tra-cuu/tep"`) || !strings.Contains(page, "công văn trả lời.html") {
			t.Error("the tracking page offers no download")
		}
	})
}
