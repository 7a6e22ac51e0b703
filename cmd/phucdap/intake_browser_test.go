package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A citizen on a phone fills the form in Vietnamese with a
// PDF, gets the code and secret, and tracks the case; a bad phone number is
// explained and what was typed is kept. Screenshots: intake-form.png,
// intake-error.png, intake-receipt.png, intake-track.png
// (PHUCDAP_TEST_SHOTS).
func TestIntakeInBrowser(t *testing.T) {
	ta := newBrowserApp(t, intakeOpts(t)...)
	topic := firstTopic(t, ta)
	pdf := filepath.Join(t.TempDir(), "don-khieu-nai.pdf")
	if err := os.WriteFile(pdf, pdfOfSize(30<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t)
	shot := func(name string) {
		t.Helper()
		keepShot(t, ctx, name, fullShot())
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	value := func(id string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID(id)))
		if err != nil {
			t.Fatalf("value of %s: %v", id, err)
		}
		return s
	}
	fill := func(phone string, width, height int64) {
		t.Helper()
		view := chromedp.EmulateViewport(width, height, chromedp.EmulateMobile)
		if width > 1000 {
			view = chromedp.EmulateViewport(width, height)
		}
		err := chromedp.Do(ctx,
			view,
			chromedp.Navigate(ta.Server.URL+"/gui-phan-anh?lang=vi"),
			chromedp.WaitVisible(chromedp.ID("f-title")),
			chromedp.Click(chromedp.ID("f-kind-khieu_nai")),
			chromedp.SetValue(chromedp.ID("f-topic_id"), itoa(topic)),
			typeText(chromedp.ID("f-title"), "Khiếu nại quyết định xử phạt xây dựng"),
			typeText(chromedp.ID("f-content"), "Tôi khiếu nại Quyết định số 12/QĐ-XPHC ngày 02/11/2026 về xử phạt vi phạm hành chính trong xây dựng, vì công trình của gia đình tôi đã có giấy phép."),
			typeText(chromedp.ID("f-place"), "Số 5 đường Bà Triệu"),
			typeText(chromedp.ID("f-name"), "Nguyễn Thị Hằng"),
			typeText(chromedp.ID("f-phone"), phone),
			typeText(chromedp.ID("f-address"), "Đường Bà Triệu, phường Đông Kinh"),
			chromedp.SetUploadFiles(chromedp.ID("f-files"), []string{pdf}),
			chromedp.Click(chromedp.ID("f-consent")),
		)
		if err != nil {
			t.Fatalf("fill the form: %v", err)
		}
	}
	submit := func(wait string) {
		t.Helper()
		ta.Clock.Advance(time.Minute) // a person takes time to fill a form
		err := chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS("form.intake button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS(wait)),
		)
		if err != nil {
			t.Fatalf("submit: %v", err)
		}
	}

	// The bad phone number first.
	fill("0912 34", 390, 844)
	submit("#error-summary")
	shot("intake-error.png")
	if s := text("#error-summary"); !strings.Contains(s, "Số điện thoại chưa đúng") {
		t.Errorf("error summary: %q", s)
	}
	if s := text("#e-phone"); !strings.Contains(s, "Số điện thoại chưa đúng") {
		t.Errorf("inline error: %q", s)
	}
	for id, want := range map[string]string{"f-name": "Nguyễn Thị Hằng", "f-address": "Đường Bà Triệu, phường Đông Kinh",
		"f-phone": "0912 34", "f-title": "Khiếu nại quyết định xử phạt xây dựng"} {
		if got := value(id); got != want {
			t.Errorf("%s kept %q, want %q", id, got, want)
		}
	}
	if s := text("main"); !strings.Contains(s, "don-khieu-nai.pdf") {
		t.Errorf("the page does not name the file to attach again")
	}

	// Then the real thing, from a Lạng Sơn landline (0 + 10 digits).
	fill("(0205) 3812 345", 390, 844)
	shot("intake-form.png")
	submit("#receipt-code")
	shot("intake-receipt.png")
	code, secret := text("#receipt-code"), text("#receipt-secret")
	if !strings.HasPrefix(code, "SXD-2026-") || len(secret) != 8 {
		t.Fatalf("receipt: code %q secret %q", code, secret)
	}
	if s := text("main"); !strings.Contains(s, "Hạn xem xét thụ lý") || !strings.Contains(s, "Khiếu nại") {
		t.Errorf("receipt page: %q", s)
	}

	err := chromedp.Do(ctx,
		chromedp.Navigate(ta.Server.URL+"/tra-cuu"),
		chromedp.WaitVisible(chromedp.ID("f-code")),
		typeText(chromedp.ID("f-code"), code),
		typeText(chromedp.ID("f-secret"), strings.ToLower(secret)),
		chromedp.Submit(chromedp.ID("f-secret")),
		chromedp.WaitVisible(chromedp.ID("timeline")),
	)
	if err != nil {
		t.Fatalf("tracking: %v", err)
	}
	shot("intake-track.png")
	if s := text("#timeline"); !strings.Contains(s, "Đã tiếp nhận") {
		t.Errorf("timeline: %q", s)
	}
	if s := text("#track-code"); s != code {
		t.Errorf("tracked %q", s)
	}
	if s := text("main"); !strings.Contains(s, "don-khieu-nai.pdf") || strings.Contains(s, "Nguyễn Thị Hằng") {
		t.Errorf("tracking page: %q", s)
	}

	// On a desktop, a landline written the international way.
	fill("+84 205 3812 346", 1366, 900)
	submit("#receipt-code")
	shot("intake-receipt-1366.png")
	if c := text("#receipt-code"); !strings.HasPrefix(c, "SXD-2026-") || c == code {
		t.Errorf("desktop receipt: code %q", c)
	}
	var phones []string
	ta.db.Gorm.Raw("SELECT phone FROM case_identities ORDER BY case_id").Scan(&phones)
	if strings.Join(phones, ",") != "02053812345,02053812346" {
		t.Errorf("stored phones %v, want the two landlines as NormalizePhone reads them", phones)
	}
}
