package main

import (
	"bytes"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/httpapi"
)

var (
	tokenRe   = regexp.MustCompile(`name="form_token" value="([^"]+)"`)
	receiptRe = regexp.MustCompile(`id="receipt-code">([^<]+)<`)
	secretRe  = regexp.MustCompile(`id="receipt-secret">([^<]+)<`)
)

// formPage fetches the form and returns its token.
func formToken(t *testing.T, ta *testApp) string {
	t.Helper()
	res, b := ta.do(t, http.MethodGet, "/gui-phan-anh", nil)
	if res.StatusCode != 200 {
		t.Fatalf("form: %d", res.StatusCode)
	}
	m := tokenRe.FindSubmatch(b)
	if m == nil {
		t.Fatal("no form token")
	}
	return html.UnescapeString(string(m[1]))
}

func webFields(t *testing.T, ta *testApp, token string) map[string]any {
	t.Helper()
	return map[string]any{"form_token": token, "kind": "khieu_nai", "topic_id": firstTopic(t, ta), "title": "Khiếu nại quyết định xử phạt",
		"content": "Tôi khiếu nại quyết định xử phạt vi phạm hành chính về xây dựng số 12/QĐ-XPHC.", "name": "Nguyễn Thị Hằng",
		"phone": "0912 345 678", "email": "", "address": "Đường Bà Triệu, phường Đông Kinh", "consent": "1", "website": ""}
}

func (ta *testApp) postForm(t *testing.T, fields map[string]any, files ...mpFile) (*http.Response, string) {
	t.Helper()
	body, ct := multipartBody(t, fields, files...)
	res, b := ta.do(t, http.MethodPost, "/gui-phan-anh", body, "Content-Type", ct)
	return res, string(b)
}

func TestWebFormSubmitAndTrack(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		token := formToken(t, ta)
		ta.Clock.Advance(20 * time.Second)
		res, page := ta.postForm(t, webFields(t, ta, token), mpFile{"Quyết định.pdf", pdfOfSize(2048)})
		code, secret := receiptRe.FindStringSubmatch(page), secretRe.FindStringSubmatch(page)
		if res.StatusCode != 200 || code == nil || secret == nil {
			t.Fatalf("receipt: %d %.2000s", res.StatusCode, page)
		}
		// A complaint received on Friday 27/11/2026 must be accepted within 7
		// working days (NĐ 155/2026 Art. 10): by the end of Tuesday 08/12.
		for _, want := range []string{"Đã tiếp nhận", "Hạn xem xét thụ lý", "24:00 ngày 08/12/2026", "In biên nhận", "no-store"} {
			if !strings.Contains(page+res.Header.Get("Cache-Control"), want) {
				t.Errorf("receipt lacks %q", want)
			}
		}
		// A double-click (or a reload of the POST) sends the same token: same
		// receipt, no second case.
		res2, page2 := ta.postForm(t, webFields(t, ta, token), mpFile{"Quyết định.pdf", pdfOfSize(2048)})
		if res2.StatusCode != 200 || receiptRe.FindStringSubmatch(page2)[1] != code[1] || secretRe.FindStringSubmatch(page2)[1] != secret[1] ||
			!strings.Contains(page2, "đã được ghi nhận từ lần gửi trước") {
			t.Errorf("double submit: %d %.300s", res2.StatusCode, page2)
		}
		if n := ta.countCases(t); n != 1 {
			t.Errorf("%d cases", n)
		}
		// Tracking by code and secret shows the public timeline.
		form := url.Values{"code": {code[1]}, "secret": {secret[1]}}
		res, b := ta.do(t, http.MethodPost, "/tra-cuu", strings.NewReader(form.Encode()), "Content-Type", "application/x-www-form-urlencoded")
		if res.StatusCode != 200 || !strings.Contains(string(b), `id="timeline"`) || !strings.Contains(string(b), "Đã tiếp nhận") ||
			!strings.Contains(string(b), "Quyết định.pdf") || strings.Contains(string(b), "Nguyễn Thị Hằng") {
			t.Errorf("tracking: %d %.3000s", res.StatusCode, b)
		}
		// By code and phone too (not a denunciation).
		form = url.Values{"code": {code[1]}, "contact": {"0912.345.678"}}
		if res, b := ta.do(t, http.MethodPost, "/tra-cuu?lang=en", strings.NewReader(form.Encode()), "Content-Type", "application/x-www-form-urlencoded"); res.StatusCode != 200 || !strings.Contains(string(b), "Received") {
			t.Errorf("tracking by phone: %d", res.StatusCode)
		}
		// A wrong secret says nothing about which part was wrong.
		form = url.Values{"code": {code[1]}, "secret": {"ABCDEFGH"}}
		res, b = ta.do(t, http.MethodPost, "/tra-cuu", strings.NewReader(form.Encode()), "Content-Type", "application/x-www-form-urlencoded")
		if res.StatusCode != 404 || !strings.Contains(string(b), "Không tìm thấy hồ sơ với thông tin đã nhập") {
			t.Errorf("wrong secret: %d", res.StatusCode)
		}
	})
}

func TestWebFormErrorsKeepWhatWasTyped(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		token := formToken(t, ta)
		ta.Clock.Advance(time.Minute)
		f := webFields(t, ta, token)
		f["phone"], f["address"] = "12345", ""
		res, page := ta.postForm(t, f, mpFile{"anh.png", []byte("\x89PNG\r\n\x1a\n...")})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", res.StatusCode)
		}
		for _, want := range []string{
			`class="error-summary" role="alert"`, `href="#f-phone"`, `href="#f-address"`,
			"Số điện thoại chưa đúng", "Khiếu nại và tố cáo cần ghi địa chỉ.",
			`value="12345"`, `value="Khiếu nại quyết định xử phạt"`, "Tôi khiếu nại quyết định xử phạt vi phạm hành chính",
			`value="Nguyễn Thị Hằng"`, `value="khieu_nai" checked`, `id="f-consent" name="consent" value="1" checked`,
			`aria-describedby="h-address e-address" aria-invalid="true"`,
			"Các tệp sau chưa được lưu", "anh.png",
		} {
			if !strings.Contains(html.UnescapeString(page), want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if left := attachmentFiles(t, ta); len(left) != 0 {
			t.Errorf("files kept for a refused form: %v", left)
		}
		// A refused file names itself and keeps the text typed after it.
		res, page = ta.postForm(t, webFields(t, ta, token), mpFile{"virus.pdf", []byte("MZ\x90\x00")})
		if res.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(html.UnescapeString(page), "Tệp «virus.pdf» không phải PDF") ||
			!strings.Contains(page, `name="consent" value="1" checked`) {
			t.Errorf("bad file: %d", res.StatusCode)
		}
		if n := ta.countCases(t); n != 0 {
			t.Errorf("%d cases", n)
		}
	})
}

func TestWebFormAbuseGuards(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		token := formToken(t, ta)
		// Too fast: refused, the text kept, the same token good later.
		ta.Clock.Advance(time.Second)
		res, page := ta.postForm(t, webFields(t, ta, token))
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "quá nhanh") || !strings.Contains(page, `value="Nguyễn Thị Hằng"`) {
			t.Errorf("too fast: %d", res.StatusCode)
		}
		// A honeypot filled in: refused, nothing stored.
		ta.Clock.Advance(10 * time.Second)
		f := webFields(t, ta, token)
		f["website"] = "http://spam.example"
		if res, _ := ta.postForm(t, f, mpFile{"a.pdf", pdfOfSize(100)}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("honeypot: %d", res.StatusCode)
		}
		// A forged or missing token: refused with a fresh one.
		for _, bad := range []string{"", "abc.def", strings.Replace(token, token[:4], "AAAA", 1)} {
			res, page := ta.postForm(t, webFields(t, ta, bad))
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "hết hạn hoặc không hợp lệ") || tokenRe.FindStringSubmatch(page) == nil {
				t.Errorf("token %q: %d", bad, res.StatusCode)
			}
		}
		if n := ta.countCases(t); n != 0 {
			t.Errorf("%d cases", n)
		}
		if left := attachmentFiles(t, ta); len(left) != 0 {
			t.Errorf("files: %v", left)
		}
		// An old token (over a day) is refused too.
		ta.Clock.Advance(25 * time.Hour)
		if res, _ := ta.postForm(t, webFields(t, ta, token)); res.StatusCode != http.StatusBadRequest {
			t.Errorf("expired token: %d", res.StatusCode)
		}
		// And the real thing works.
		token = formToken(t, ta)
		ta.Clock.Advance(5 * time.Second)
		if res, page := ta.postForm(t, webFields(t, ta, token)); res.StatusCode != 200 || receiptRe.FindStringSubmatch(page) == nil {
			t.Errorf("real submission: %d", res.StatusCode)
		}
		// Then the same content again, with a new token: linked to the first.
		token = formToken(t, ta)
		ta.Clock.Advance(5 * time.Second)
		res, page = ta.postForm(t, webFields(t, ta, token))
		if res.StatusCode != 200 || !strings.Contains(page, "đã được tiếp nhận với mã hồ sơ SXD-2026-000001") {
			t.Errorf("duplicate: %d %.500s", res.StatusCode, page)
		}
	})
}

// A denunciation's name, phone, address and e-mail never reach the logs:
// not on success, not on a validation error, not when tracking.
func TestDenouncerIdentityNeverLogged(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		secret := map[string]string{"name": "Trần Văn Mật", "phone": "0987 654 321", "address": "Số 9 ngõ Kín, phường Tam Thanh",
			"email": "tvmat.kin@example.vn"}
		den := map[string]any{"kind": "to_cao", "topic_id": firstTopic(t, ta), "title": "Tố cáo cán bộ nhận tiền",
			"content": "Cán bộ tiếp nhận hồ sơ cấp phép xây dựng đòi tiền ngoài quy định.", "name": secret["name"],
			"phone": secret["phone"], "email": secret["email"], "address": secret["address"], "consent": true, "keep_identity_secret": true}
		res, b := ta.postJSON(t, "/api/v1/petitions", den)
		if res.StatusCode != 201 {
			t.Fatalf("submit: %d %s", res.StatusCode, b)
		}
		rec := decode[httpapi.PetitionReceipt](t, b)
		ta.postJSON(t, "/api/v1/petitions", den) // duplicate
		bad := map[string]any{}
		for k, v := range den {
			bad[k] = v
		}
		bad["email"] = secret["email"] + "@" // invalid, echoed nowhere
		ta.postJSON(t, "/api/v1/petitions", bad)
		body, ct := multipartBody(t, den, mpFile{"chung-cu.pdf", pdfOfSize(500)})
		ta.do(t, http.MethodPost, "/api/v1/petitions", body, "Content-Type", ct)
		// The web form, with a refused file and then accepted.
		token := formToken(t, ta)
		ta.Clock.Advance(time.Minute)
		f := webFields(t, ta, token)
		for k, v := range secret {
			f[k] = v
		}
		f["kind"], f["content"] = "to_cao", "Một tố cáo khác gửi qua biểu mẫu, nêu rõ hành vi vi phạm."
		ta.postForm(t, f, mpFile{"x.pdf", []byte("MZ")})
		ta.postForm(t, f)
		ta.getJSON(t, "/api/v1/petitions/"+rec.Code, 404, nil, "X-Tracking-Contact", secret["phone"])
		ta.getJSON(t, "/api/v1/petitions/"+rec.Code, 200, nil, "X-Tracking-Secret", rec.Secret)
		form := url.Values{"code": {rec.Code}, "contact": {secret["email"]}}
		ta.do(t, http.MethodPost, "/tra-cuu", strings.NewReader(form.Encode()), "Content-Type", "application/x-www-form-urlencoded")

		logs := ta.Logs.String()
		if !strings.Contains(logs, `"msg":"petition received"`) || !strings.Contains(logs, rec.Code) {
			t.Fatalf("the test captured no intake logs: %.500s", logs)
		}
		needles := []string{secret["name"], "Trần", "Mật", "0987654321", "0987 654 321", "987654321", secret["address"], "Ngõ Kín", "ngõ Kín",
			secret["email"], "tvmat"}
		for _, n := range needles {
			if strings.Contains(logs, n) || bytes.Contains([]byte(strings.ToLower(logs)), []byte(strings.ToLower(n))) {
				t.Errorf("logs contain %q", n)
			}
		}
	})
}

// The page's language follows ?lang= and the form's errors with it.
func TestWebFormInEnglish(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		res, b := ta.do(t, http.MethodGet, "/gui-phan-anh?lang=en", nil)
		page := string(b)
		if res.StatusCode != 200 || !strings.Contains(page, `<html lang="en">`) || !strings.Contains(page, "Denunciation (tố cáo)") ||
			!strings.Contains(page, `action="/gui-phan-anh?lang=en"`) {
			t.Fatalf("English form: %d", res.StatusCode)
		}
		token := html.UnescapeString(tokenRe.FindStringSubmatch(page)[1])
		ta.Clock.Advance(time.Minute)
		f := webFields(t, ta, token)
		f["phone"] = "123"
		body, ct := multipartBody(t, f)
		res, b = ta.do(t, http.MethodPost, "/gui-phan-anh?lang=en", body, "Content-Type", ct)
		if res.StatusCode != 422 || !strings.Contains(string(b), "The phone number is not valid") {
			t.Errorf("English errors: %d", res.StatusCode)
		}
	})
}
