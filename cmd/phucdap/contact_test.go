package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/config"
)

// TestPublicContact: the department's address, hotline, e-mail and office
// hours, as configured, are in every page's footer, on the citizen's
// receipt and on /minh-bach, in the page's language; a department that
// configured none shows no empty headings and no "none published" line.
func TestPublicContact(t *testing.T) {
	configured := func(c *config.Config) {
		c.Transparency.Hotline, c.Transparency.HotlineNote = "0205 3812 345", "Phản ánh nhũng nhiễu, chung chi"
		c.Transparency.Address = "Số 2 đường Hùng Vương, phường Lương Văn Tri, tỉnh Lạng Sơn"
		c.Transparency.Email = "vanphong@sxd.langson.gov.vn"
		c.Transparency.Hours, c.Transparency.HoursEN = "Sáng 7:30–11:30, chiều 13:30–16:30, thứ Hai đến thứ Sáu", "7:30–11:30 and 13:30–16:30, Monday to Friday"
	}
	receipt := func(t *testing.T, ta *testApp) string {
		t.Helper()
		token := formToken(t, ta)
		ta.Clock.Advance(20 * time.Second)
		res, page := ta.postForm(t, webFields(t, ta, token))
		if res.StatusCode != 200 || !receiptRe.MatchString(page) {
			t.Fatalf("receipt: %d", res.StatusCode)
		}
		return page
	}
	get := func(t *testing.T, ta *testApp, path string) string {
		t.Helper()
		res, b := ta.do(t, http.MethodGet, path, nil)
		if res.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		return string(b)
	}
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		for path, want := range map[string][]string{
			"/":                     {"Số 2 đường Hùng Vương", `href="tel:0205%203812%20345"`, "mailto:vanphong@sxd.langson.gov.vn", "Giờ làm việc", "thứ Hai đến thứ Sáu"},
			"/?lang=en":             {"Office hours", "Monday to Friday", "Hotline"},
			"/minh-bach":            {"Đường dây nóng", "0205 3812 345", "Phản ánh nhũng nhiễu", "Số 2 đường Hùng Vương"},
			"/gui-phan-anh?lang=vi": {"vanphong@sxd.langson.gov.vn"},
		} {
			page := get(t, ta, path)
			for _, w := range want {
				if !strings.Contains(page, w) {
					t.Errorf("%s lacks %q", path, w)
				}
			}
		}
		page := receipt(t, ta)
		section := page[strings.Index(page, `class="receipt"`):]
		section = section[:strings.Index(section, "</footer>")]
		if !strings.Contains(section, `id="receipt-contact-h">Liên hệ`) || strings.Count(section, "Số 2 đường Hùng Vương") < 2 {
			t.Errorf("the receipt lacks the contact details: %.1500s", section)
		}
	}, configured)
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		for _, path := range []string{"/", "/minh-bach", "/minh-bach?lang=en"} {
			page := get(t, ta, path)
			for _, unwanted := range []string{"chưa công bố", "not published", `class="contact"`, `id="hotline"`, "tel:"} {
				if strings.Contains(page, unwanted) {
					t.Errorf("%s shows %q with nothing configured", path, unwanted)
				}
			}
		}
		if page := receipt(t, ta); strings.Contains(page, "receipt-contact") {
			t.Error("the receipt shows an empty contact section")
		}
	})
}
