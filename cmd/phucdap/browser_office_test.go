package main

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/phucdap/phucdap/internal/access"
)

// newOfficeBrowserApp is a browser app with the office's two accounts:
// vanphong@sxd.test, who signs in to the pages (officeDesktop), and
// office-setup@sxd.test, returned, who prepares the walk's cases and
// sessions without a browser.
func newOfficeBrowserApp(t *testing.T) (*testApp, access.Actor) {
	t.Helper()
	ta := newBrowserApp(t)
	ta.addStaff(t, "vanphong@sxd.test", "VP", access.Office)
	return ta, ta.staffActor(t, "office-setup@sxd.test", "VP", access.Office)
}

// officeDesktop opens a browser on a desktop screen (1366 px), signed in
// as the office (vanphong@sxd.test).
func (ta *testApp) officeDesktop(t *testing.T) browserPage {
	t.Helper()
	pg := browserPage{t: t, ctx: newBrowser(t), slip: templateSlip}
	pg.do("a desktop", chromedp.EmulateViewport(1366, 900))
	pg.login(ta.Server.URL, "vanphong@sxd.test")
	return pg
}
