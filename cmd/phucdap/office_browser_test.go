package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/config"
)

// In a real browser, on a desktop (1366 px) and a phone (390 px): the
// office opens its topics page from the staff menu, empties a topic's
// name and is told which field is wrong, writes a hint and saves; a citizen
// on a phone then finds the department's fields in the topic list and the
// hint under "what does each topic cover", and reads the department's
// contact details on /minh-bach and in the footer (the receipt's are
// checked without a browser, TestPublicContact). No page is wider than the
// screen. Screenshots office-*.png (PHUCDAP_TEST_SHOTS).
func TestOfficeInBrowser(t *testing.T) {
	ta := newBrowserApp(t, intakeOpts(t, func(c *config.Config) {
		c.Transparency.Hotline, c.Transparency.HotlineNote = "0205 3812 345", "Phản ánh nhũng nhiễu, chung chi"
		c.Transparency.Address = "Số 2 đường Hùng Vương, phường Lương Văn Tri, tỉnh Lạng Sơn"
		c.Transparency.Email = "vanphong@sxd.langson.gov.vn"
		c.Transparency.Hours = "Sáng 7:30–11:30, chiều 13:30–16:30, thứ Hai đến thứ Sáu"
	})...)
	ta.staffActor(t, "vanphong@sxd.test", "VP", access.Office)
	var permit int64
	ta.db.Gorm.Raw("SELECT id FROM topics WHERE slug = 'cap-phep-xay-dung'").Scan(&permit)
	id := strconv.FormatInt(permit, 10)

	pg := browserPage{t: t, ctx: newBrowser(t), slip: templateSlip}
	fits := pg.fits
	pg.do("a desktop", chromedp.EmulateViewport(1366, 900))
	pg.login(ta.Server.URL, "vanphong@sxd.test")
	pg.do("the topics page from the desktop staff links",
		chromedp.Click(chromedp.CSS(`.staffbar nav.wide-only a[href="/staff/admin/topics"]`)),
		chromedp.WaitVisible(chromedp.CSS("#topic-"+id)),
	)
	fits("the topics page", 1366)
	pg.shot("office-topics-1366.png")

	// The browser's own check (required) is lifted, as an old browser
	// would not have it: the server names the field.
	pg.do("open the topic", chromedp.Click(chromedp.CSS("#topic-"+id+" summary")), chromedp.WaitVisible(chromedp.CSS("#nv-"+id)))
	pg.eval(`const n = document.getElementById("nv-` + id + `"); n.value = ""; n.removeAttribute("required"); ""`)
	pg.do("refused edit",
		chromedp.Click(chromedp.CSS("#topic-"+id+" button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".error-box")),
	)
	if s := pg.text(".error-box"); !strings.Contains(s, "Tên (tiếng Việt): Cần nhập tên lĩnh vực bằng tiếng Việt") {
		t.Errorf("error: %q", s)
	}
	pg.shot("office-topics-error-1366.png")
	pg.eval(`document.getElementById("hv-` + id + `").value = ""; ""`)
	pg.do("saved edit",
		typeText(chromedp.CSS("#nv-"+id), "Cấp phép xây dựng"),
		typeText(chromedp.CSS("#hv-"+id), "Hồ sơ, thời hạn cấp giấy phép xây dựng nhà ở riêng lẻ, gia hạn, điều chỉnh giấy phép."),
		chromedp.Click(chromedp.CSS("#topic-"+id+" button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	pg.do("the page on a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(ta.Server.URL+"/staff/admin/topics"), chromedp.WaitVisible(chromedp.CSS("#topic-"+id)),
		chromedp.Click(chromedp.CSS("#topic-"+id+" summary")), chromedp.WaitVisible(chromedp.CSS("#nv-"+id)))
	fits("the topics page", 390)
	pg.shot("office-topics-390.png")

	pg.do("the citizen's form on a phone",
		chromedp.Navigate(ta.Server.URL+"/gui-phan-anh"),
		chromedp.WaitVisible(chromedp.CSS("#f-topic_id")),
		chromedp.Click(chromedp.CSS(".topic-guide summary")),
		chromedp.WaitVisible(chromedp.CSS(".topic-guide dl")),
		chromedp.ScrollIntoView(chromedp.CSS(".topic-guide")),
	)
	options := pg.eval(`Array.from(document.querySelectorAll("#f-topic_id option")).map(o => o.textContent).join("|")`)
	for _, want := range []string{"Cấp phép xây dựng", "Quy hoạch xây dựng", "Nhà ở và thị trường bất động sản", "Trật tự xây dựng",
		"Hạ tầng kỹ thuật", "Vật liệu xây dựng", "Chất lượng công trình"} {
		if !strings.Contains(options, want) {
			t.Errorf("the form lacks %q: %s", want, options)
		}
	}
	if s := pg.text(".topic-guide"); !strings.Contains(s, "gia hạn, điều chỉnh giấy phép") {
		t.Errorf("guide: %q", s)
	}
	fits("the petition form", 390)
	pg.shot("office-form-topics-390.png")

	pg.do("transparency", chromedp.Navigate(ta.Server.URL+"/minh-bach"), chromedp.WaitVisible(chromedp.CSS("#hotline")))
	if s := pg.text("#hotline"); !strings.Contains(s, "0205 3812 345") || !strings.Contains(s, "vanphong@sxd.langson.gov.vn") {
		t.Errorf("transparency contact: %q", s)
	}
	fits("the transparency page", 390)
	pg.shot("office-minh-bach-390.png")
	pg.do("home at 1366 px", chromedp.EmulateViewport(1366, 900), chromedp.Navigate(ta.Server.URL+"/?lang=en"),
		chromedp.WaitVisible(chromedp.CSS("footer .contact")))
	if s := pg.text("footer"); !strings.Contains(s, "Hotline") || !strings.Contains(s, "Số 2 đường Hùng Vương") {
		t.Errorf("footer: %q", s)
	}
	fits("the home page", 1366)
	pg.shot("office-home-1366.png")
}
