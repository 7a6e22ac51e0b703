package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/phucdap/phucdap/internal/access"
)

// In a real browser, on a desktop (1366 px) and a phone (390 px): the
// office opens its units page from the staff menu, renames a seeded
// example division (the marker goes), is told in words why a division
// with an open case cannot be retired, and previews a directory file on a
// phone before importing it. Nothing is wider than the screen.
// Screenshots units-*.png (PHUCDAP_TEST_SHOTS).
func TestUnitsAdminInBrowser(t *testing.T) {
	ta := newBrowserApp(t, intakeOpts(t)...)
	office := ta.staffActor(t, "vanphong@sxd.test", "VP", access.Office)
	ta.openCase(t, office, "PQHKT")

	pg := browserPage{t: t, ctx: newBrowser(t), slip: templateSlip}
	shot := pg.shot
	fits := pg.fits
	pg.do("a desktop", chromedp.EmulateViewport(1366, 900))
	pg.login(ta.Server.URL, "vanphong@sxd.test")
	pg.do("the units page from the desktop staff links",
		chromedp.Click(chromedp.CSS(`.staffbar nav.wide-only a[href="/staff/admin/units"]`)),
		chromedp.WaitVisible(chromedp.CSS("#unit-PQLXD")),
	)
	fits("the units page", 1366)
	if s := pg.text("#unit-PQLXD summary"); !strings.Contains(s, "ví dụ — cần sửa theo danh mục thực tế") {
		t.Errorf("the seeded division is not marked as an example: %q", s)
	}
	pg.do("rename",
		chromedp.Click(chromedp.CSS("#unit-PQLXD summary")),
		chromedp.WaitVisible(chromedp.CSS("#un-PQLXD")),
		chromedp.Clear(chromedp.CSS("#un-PQLXD")),
		typeText(chromedp.CSS("#un-PQLXD"), "Phòng Quản lý hoạt động xây dựng"),
		typeText(chromedp.CSS("#um-PQLXD"), "qlxd@sxd.langson.gov.vn"),
		chromedp.Click(chromedp.CSS("#unit-PQLXD form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if s := pg.text("#unit-PQLXD summary"); strings.Contains(s, "ví dụ") || !strings.Contains(s, "Phòng Quản lý hoạt động xây dựng") ||
		!strings.Contains(s, "qlxd@sxd.langson.gov.vn") {
		t.Errorf("after the rename: %q", s)
	}
	shot("units-1366.png")

	pg.do("retire a division with an open case",
		chromedp.Click(chromedp.CSS("#unit-PQHKT summary")),
		chromedp.WaitVisible(chromedp.CSS(`#unit-PQHKT form[action$="/retire#unit-PQHKT"] button`)),
		chromedp.Click(chromedp.CSS(`#unit-PQHKT form[action$="/retire#unit-PQHKT"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".error-box")),
	)
	if s := pg.text(".error-box"); !strings.Contains(s, "Đơn vị PQHKT còn việc đang mở: chủ trì 1 hồ sơ") {
		t.Errorf("refusal: %q", s)
	}
	fits("the refused retire", 1366)
	shot("units-refused-1366.png")

	pg.do("the page on a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(ta.Server.URL+"/staff/admin/units"), chromedp.WaitVisible(chromedp.CSS("#unit-PQHKT")),
		chromedp.Click(chromedp.CSS("#unit-PQHKT summary")), chromedp.WaitVisible(chromedp.CSS("#un-PQHKT")))
	fits("the units page", 390)
	shot("units-390.png")

	file := filepath.Join(t.TempDir(), "don-vi.csv")
	os.WriteFile(file, []byte(unitsCSV), 0o644)
	pg.do("preview a file on a phone",
		chromedp.SetUploadFiles(chromedp.CSS("#ui-file"), []string{file}),
		chromedp.Click(chromedp.CSS("#import-preview")),
		chromedp.WaitVisible(chromedp.CSS("#import-report")),
	)
	if s := pg.text(".unit-import-report"); !strings.Contains(s, "Xem trước: chưa ghi gì") || !strings.Contains(s, "PKHTC") {
		t.Errorf("preview: %q", s)
	}
	fits("the preview", 390)
	shot("units-import-390.png")
	pg.do("import the previewed file", chromedp.Click(chromedp.CSS("#import-apply")), chromedp.WaitVisible(chromedp.CSS(".notice")))
	if _, err := ta.units.UnitByCode(t.Context(), "PKHTC"); err != nil {
		t.Errorf("the previewed file was not imported: %v", err)
	}
	fits("the imported directory", 390)
}
