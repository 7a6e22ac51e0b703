package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/css"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/storetest"
)

// chromium finds the browser, or skips (fails under CI=true, where it must
// be installed): Debian's chromium, which the project's browser tests are
// required to run in, or the browser PHUCDAP_TEST_CHROMIUM names. Setting
// it to /usr/bin/chromium-headless-shell (Chromium's old headless mode,
// the same Blink and V8 without the desktop browser's window) runs the
// walks in about half of the browser's CPU: 37-38 against 71-75 CPU-s for
// the Chromium processes of -run Browser, on 2 cores. Part of the
// difference is that window: Chromium's trace of three walks showed its
// toolbar and tab strip laid out (View::LayoutImmediately, 2.2 s) and
// painted on the browser's main thread as its pages loaded.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("PHUCDAP_TEST_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	msg := "chromium not found (apt-get install -y chromium, or set PHUCDAP_TEST_CHROMIUM)"
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true requires " + msg)
	}
	t.Skip("skipping the browser test: " + msg)
	return ""
}

// newBrowserApp is the app a browser scenario drives: the test runs in
// parallel, is skipped (failed under CI) where there is no Chromium, and
// has its own SQLite database.
func newBrowserApp(t *testing.T, opts ...func(*config.Config)) *testApp {
	t.Helper()
	storetest.Parallel(t)
	chromium(t)
	return newTestApp(t, storetest.NewSQLite(t), opts...)
}

// newBrowser opens a fresh browser session: a new tab in a new browser
// context (its own cookies and storage, as an incognito window) of the
// package's one headless Chromium. Its time limit only stops a hung
// scenario: with the suite running in parallel on a busy machine, a long
// walk through the pages took over 90 s.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	return newBrowserFor(t, 4*time.Minute)
}

// newBrowserFor is newBrowser for a scenario that may take up to d. At most
// maxBrowserSessions tests drive the browser at once; the others wait their
// turn here, before their time starts. A test's second session (the office
// and the citizen side by side) rides on its first test's turn: taking a
// second turn while holding one would hang a test that waits for itself,
// or three such tests waiting for each other.
func newBrowserFor(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	root := sharedBrowser(t)
	takeBrowserTurn(t)
	ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	ctx, cancel2 := context.WithTimeout(ctx, d)
	t.Cleanup(cancel2)
	if err := chromedp.Do(ctx, quietDomains); err != nil {
		t.Fatalf("open a browser session: %v", err)
	}
	return ctx
}

// quietDomains turns off, in a new tab, the protocol domains chromedp
// enables that no test reads: CSS (a style sheet event for every sheet of
// every page, and Chromium tracking the sheets for it) and Log.
func quietDomains(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
	if _, err := cdp.Call(ctx, t, css.Disable, cdp.Empty{}); err != nil {
		return chromedp.Void{}, err
	}
	_, err := cdp.Call(ctx, t, log.Disable, cdp.Empty{})
	return chromedp.Void{}, err
}

// takeBrowserTurn waits for one of the maxBrowserSessions turns, once per
// top-level test, and gives it back when the test ends.
func takeBrowserTurn(t *testing.T) {
	test, _, _ := strings.Cut(t.Name(), "/")
	browserMu.Lock()
	held := browserTurns[test]
	browserTurns[test] = held + 1
	browserMu.Unlock()
	if held == 0 {
		browserSessions <- struct{}{}
	}
	t.Cleanup(func() {
		browserMu.Lock()
		browserTurns[test]--
		last := browserTurns[test] == 0
		if last {
			delete(browserTurns, test)
		}
		browserMu.Unlock()
		if last {
			<-browserSessions
		}
	})
}

// maxBrowserSessions bounds the tabs rendering at once: each takes a good
// part of a core, and a starved tab runs into its test's time limit.
const maxBrowserSessions = 3

var (
	browserSessions = make(chan struct{}, maxBrowserSessions)
	// browserTurns counts each top-level test's open sessions.
	browserTurns = map[string]int{}

	browserMu     sync.Mutex
	browserRoot   context.Context
	browserErr    error
	browserDir    string
	browserCancel []context.CancelFunc
)

// sharedBrowser starts the package's headless Chromium once; closeBrowser
// (from TestMain) stops it. Starting a browser per test cost seconds each.
func sharedBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromium(t)
	browserMu.Lock()
	defer browserMu.Unlock()
	if browserRoot == nil && browserErr == nil {
		browserErr = startBrowser(path)
	}
	if browserErr != nil {
		t.Fatalf("start chromium: %v", browserErr)
	}
	return browserRoot
}

func startBrowser(path string) error {
	dir, err := os.MkdirTemp("", "phucdap-chromium-")
	if err != nil {
		return err
	}
	browserDir = dir
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// The address bar's drop-down is a WebUI page of its own in this
		// Chromium (chrome://omnibox-popup.top-chrome/, two per window,
		// each in a renderer process), kept up to date on every
		// navigation though no one sees it: without it, Chromium's
		// processes took half the CPU over the same walk through new
		// windows and page loads. The pages under test are the same.
		//
		// The back-forward cache keeps every page a tab leaves alive, in
		// case the user goes back: no walk goes back, and keeping and then
		// evicting them was Chromium's work on every navigation.
		chromedp.Flag("disable-features", "WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup,BackForwardCache"),
		// Every new browser context (one per session) and many
		// navigations started a renderer process of their own, about 60
		// over -run Browser; two, reused, render the same pages (at most
		// maxBrowserSessions tabs at once, each mostly waiting on the
		// app). The machine-wide CPU of -run Browser went from 49-51 to
		// 43-45 CPU-s (/proc/stat over the run, interleaved, no other
		// work on the machine).
		chromedp.Flag("renderer-process-limit", "2"),
		// A browser set up in Vietnamese, as in the office.
		chromedp.Flag("lang", "vi-VN"),
		chromedp.Flag("accept-lang", "vi-VN,vi"),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1100, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	browserCancel = []context.CancelFunc{cancelBrowser, cancelAlloc}
	// The first Run starts the process and its first tab.
	if err := chromedp.Do(bctx); err != nil {
		return err
	}
	browserRoot = bctx
	return nil
}

// closeBrowser stops the shared Chromium, if it was started, and removes
// its profile.
func closeBrowser() {
	browserMu.Lock()
	defer browserMu.Unlock()
	for _, c := range browserCancel {
		c()
	}
	if browserDir != "" {
		os.RemoveAll(browserDir)
	}
}

// shotsDir is the directory the browser tests write their screenshots to,
// named by PHUCDAP_TEST_SHOTS (an absolute path), or "" for none: no test
// reads a picture back, and capturing the pages was about a quarter of the
// CPU of Chromium's processes in the browser walks, so they are taken only
// for a person who asked to look at them (README, "The two commands"). The
// tests check the same pages either way.
var shotsDir = os.Getenv("PHUCDAP_TEST_SHOTS")

// keepShot captures the page with capture and writes it to shotsDir/name,
// if screenshots were asked for; otherwise it does nothing.
func keepShot(t *testing.T, ctx context.Context, name string, capture chromedp.Action[[]byte]) {
	t.Helper()
	if shotsDir == "" {
		return
	}
	png, err := chromedp.Run(ctx, capture)
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(shotsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(shotsDir, name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", p)
}

var oneTimePassword = regexp.MustCompile(`one-time password \(shown once; it must be changed at first login\): (\S+)`)

// "phucdap user add" on a fresh SQLite database, then a login
// through a real browser, the forced change of the one-time password, and
// the empty unit inbox.
func TestUserAddThenBrowserLogin(t *testing.T) {
	storetest.Parallel(t)
	chromium(t)
	dataDir := t.TempDir()
	env := append(os.Environ(), "PHUCDAP_DATA_DIR="+dataDir, "PHUCDAP_LOG__LEVEL=warn")

	add := exec.Command(binary(t), "user", "add", "--email", "Chuyenvien@SXD.langson.gov.vn", "--name", "Nguyễn Thị Chuyên Viên",
		"--role", "unit_officer", "--unit", "PQLXD")
	add.Env = env
	out, err := add.CombinedOutput()
	if err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	m := oneTimePassword.FindStringSubmatch(string(out))
	if m == nil || !strings.Contains(string(out), "roles unit_officer, unit PQLXD") {
		t.Fatalf("user add printed:\n%s", out)
	}
	otp := m[1]

	p := start(t, "PHUCDAP_DATA_DIR="+dataDir)
	defer p.stop(t)
	ctx := newBrowser(t)
	const newPassword = "Cầu Kỳ Lừa mùa lũ 2026"
	err = chromedp.Do(ctx,
		chromedp.Navigate(p.URL+"staff"),
		// Anonymous: the staff area sends to the login page.
		chromedp.WaitVisible(chromedp.CSS("#email")),
		typeText(chromedp.CSS("#email"), "chuyenvien@sxd.langson.gov.vn"),
		typeText(chromedp.CSS("#password"), otp),
	)
	if err != nil {
		t.Fatalf("login page: %v\nserver log:\n%s", err, p.stderr.String())
	}
	keepShot(t, ctx, "staff-login.png", fullShot())
	err = chromedp.Do(ctx,
		chromedp.Submit(chromedp.CSS("#password")),
		// The one-time password must be changed first.
		chromedp.WaitVisible(chromedp.CSS("#current")),
		typeText(chromedp.CSS("#current"), otp),
		typeText(chromedp.CSS("#password"), newPassword),
		typeText(chromedp.CSS("#confirm"), newPassword),
		chromedp.Submit(chromedp.CSS("#confirm")),
		chromedp.WaitVisible(chromedp.CSS(".empty")),
	)
	if err != nil {
		t.Fatalf("login and password change: %v\nserver log:\n%s", err, p.stderr.String())
	}
	keepShot(t, ctx, "staff-inbox-empty.png", fullShot())
	inbox, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	topbar, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".staffbar")))
	if err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(title, "Hộp việc") || !strings.Contains(inbox, "Không có vụ việc nào đang chờ xử lý") {
		t.Errorf("inbox page: title %q\n%s", title, inbox)
	}
	for _, want := range []string{"Nguyễn Thị Chuyên Viên", "Phòng Quản lý xây dựng", "chuyên viên", "Đăng xuất"} {
		if !strings.Contains(topbar, want) {
			t.Errorf("top bar lacks %q: %q", want, topbar)
		}
	}

	// Logging out ends the session: the inbox asks for a login again.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(".logout button")),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.Navigate(p.URL+"staff/inbox"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
	)
	if err != nil {
		t.Fatalf("logout: %v", err)
	}
	after, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(after, "Đăng nhập cán bộ") {
		t.Errorf("after logout: %q", after)
	}
}

// The inbox as a unit officer sees it in a browser: soonest due first, the
// late case in red and the due-soon one in amber, each with a text flag.
func TestInboxUrgencyInBrowser(t *testing.T) {
	ta := newBrowserApp(t)
	ta.addStaff(t, "an@sxd.test", "PQLXD", access.UnitOfficer)
	// Urgency is the running main clock's; the case mirrors it.
	set := func(id int64, due time.Time) {
		if err := ta.db.Gorm.Exec("UPDATE cases SET due_at = ? WHERE id = ?", due.UTC(), id).Error; err != nil {
			t.Fatal(err)
		}
		if err := ta.db.Gorm.Exec("UPDATE case_clocks SET due_at = ? WHERE case_id = ? AND state = 'open'", due.UTC(), id).Error; err != nil {
			t.Fatal(err)
		}
	}
	ok, _ := ta.submitCase(t, "kien_nghi", "Lý Văn Một", "0911000001", "Đề nghị công khai quy hoạch chi tiết khu đô thị phía Nam thành phố.", true)
	late, _ := ta.submitCase(t, "phan_anh", "Lý Văn Hai", "0911000002", "Công trình xây dựng trái phép tại số 12 phố Lê Lợi chưa bị xử lý.", true)
	soon, _ := ta.submitCase(t, "khieu_nai", "Lý Văn Ba", "0911000003", "Khiếu nại quyết định xử phạt vi phạm hành chính về xây dựng số 15.", true)
	other, _ := ta.submitCase(t, "phan_anh", "Lý Văn Bốn", "0911000004", "Đèn đường ở ngõ 4 phố Bà Triệu đã hỏng hơn một tuần nay.", true)
	for _, id := range []int64{ok, late, soon} {
		ta.assign(t, id, "PQLXD")
	}
	ta.assign(t, other, "PQHKT") // another unit's: not in this inbox
	now := ta.Clock.Now()
	set(ok, now.Add(10*24*time.Hour))
	set(late, now.Add(-26*time.Hour))
	set(soon, now.Add(20*time.Hour))

	ctx := newBrowser(t)
	err := chromedp.Do(ctx, logIn(ta.Server.URL+"/login?next=/staff/inbox", "an@sxd.test", "table.inbox"))
	if err != nil {
		t.Fatal(err)
	}
	keepShot(t, ctx, "staff-inbox-urgency.png", fullShot())
	classes, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("table.inbox tbody tr")).map(r => r.className).join(" ")`))
	if err != nil {
		t.Fatal(err)
	}
	if classes != "urgency-late urgency-due_soon urgency-ok" {
		t.Errorf("rows: %q", classes)
	}
	text, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	for _, want := range []string{"1 quá hạn", "1 sắp đến hạn", "Quá hạn", "Sắp đến hạn"} {
		if !strings.Contains(text, want) {
			t.Errorf("inbox lacks %q", want)
		}
	}
	for _, leak := range []string{"Lý Văn", "0911"} {
		if carries(text, leak) {
			t.Errorf("the inbox shows petitioner data %q", leak)
		}
	}
}

// A permitted officer reveals a denouncer's identity in a real browser:
// the case page first shows it as secret, with a form that asks why.
func TestRevealIdentityInBrowser(t *testing.T) {
	ta := newBrowserApp(t)
	acc := ta.addStaff(t, "an@sxd.test", "PQLXD", access.UnitOfficer)
	ta.grantIdentity(t, acc)
	id, _ := ta.submitCase(t, "to_cao", "Phạm Thị Tố Giác", "0988777666",
		"Tôi là Phạm Thị Tố Giác, xin tố cáo cán bộ X đã nhận tiền khi thẩm định hồ sơ cấp phép xây dựng.", true)
	ta.assign(t, id, "PQLXD")
	ctx := newBrowser(t)
	err := chromedp.Do(ctx, logIn(ta.Server.URL+"/login?next=/staff/cases/"+itoa(id), "an@sxd.test", "#reason"))
	if err != nil {
		t.Fatal(err)
	}
	before, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if strings.Contains(before, "Tố Giác") || strings.Contains(before, "0988777666") || !strings.Contains(before, "giữ bí mật") {
		t.Errorf("before the reveal:\n%s", before)
	}
	keepShot(t, ctx, "staff-case-secret.png", fullShot())
	err = chromedp.Do(ctx,
		typeText(chromedp.CSS("#reason"), "Mời người tố cáo đến làm rõ nội dung"),
		chromedp.Submit(chromedp.CSS("#reason")),
		chromedp.WaitVisible(chromedp.CSS(".revealed")),
	)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".revealed")))
	if !strings.Contains(after, "Phạm Thị Tố Giác") || !strings.Contains(after, "0988777666") {
		t.Errorf("after the reveal: %q", after)
	}
	keepShot(t, ctx, "staff-case-revealed.png", fullShot())
	var n int64
	ta.db.Gorm.Table("identity_access_log").Where("reason = ?", "Mời người tố cáo đến làm rõ nội dung").Count(&n)
	if n != 1 {
		t.Errorf("%d access-log rows", n)
	}
}

// fullShot is chromedp.FullScreenshot(100), the whole page as a PNG, with
// the encoding optimised for speed rather than size: the suite takes
// dozens, and Chromium's PNG compression was an eighth of the browser
// tests' CPU.
func fullShot() chromedp.Action[[]byte] {
	return func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		yes := true
		r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{CaptureBeyondViewport: &yes, FromSurface: &yes,
			Format: page.CaptureScreenshotFormatPng, OptimizeForSpeed: &yes})
		if err != nil {
			return nil, err
		}
		return r.Data, nil
	}
}
