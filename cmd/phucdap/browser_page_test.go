package main

import (
	"context"
	"regexp"
	"strconv"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// browserPage is what every browser scenario does on its page: act and
// fail with the page's text, read an element's text or a script's value,
// and take a screenshot that is also checked for a template slip.
type browserPage struct {
	t   *testing.T
	ctx context.Context
	// slip is searched for in the page's text and its field values at
	// every screenshot: a nil printed, a format error, a message id with
	// no translation. Nil checks nothing.
	slip *regexp.Regexp
}

// shot keeps a full-page screenshot under name, if screenshots were asked
// for (keepShot), and checks the page for a slip.
func (p browserPage) shot(name string) {
	p.t.Helper()
	keepShot(p.t, p.ctx, name, fullShot())
	if p.slip == nil {
		return
	}
	page, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.body.innerText + " " +
		Array.from(document.querySelectorAll("input, textarea")).map(e => e.value).join(" ")`))
	if err != nil {
		p.t.Fatal(err)
	}
	if m := p.slip.FindString(page); m != "" {
		p.t.Errorf("%s shows %q", name, m)
	}
}

// partShot keeps a screenshot of the element sel under name, if
// screenshots were asked for; either way sel must be visible.
func (p browserPage) partShot(name, sel string) {
	p.t.Helper()
	if shotsDir == "" {
		p.do("show "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
		return
	}
	keepShot(p.t, p.ctx, name, chromedp.Screenshot(chromedp.CSS(sel)))
}

// do runs actions, and on failure shows what the page's main says.
func (p browserPage) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		page, _ := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS("main")))
		p.t.Fatalf("%s: %v\npage:\n%s", what, err, page)
	}
}

// login signs email in with the test password (base is the app's URL)
// and waits for the staff bar.
func (p browserPage) login(base, email string) {
	p.t.Helper()
	p.do("login "+email, logIn(base+"/login", email, "#staff-q"))
}

// logIn signs email in with the test password through the login form at
// loginURL (whose next, if any, says where to go after) and waits for the
// element ready on the page it lands on.
func logIn(loginURL, email, ready string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(loginURL),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		typeText(chromedp.CSS("#email"), email),
		typeText(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS(ready)),
		parsed(),
	)
}

// parsed waits for the page to be parsed (DOMContentLoaded). Chromium hands
// out the document anew when it is, and the nodes a query found before are
// gone: an element can be visible while the page is still being parsed,
// and a click on it right after failed with "Could not find node with
// given id" (TestDutyFormsInBrowser, once, after a login).
func parsed() chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`new Promise(done => document.readyState === "loading" ?
		document.addEventListener("DOMContentLoaded", () => done(), {once: true}) : done())`, chromedp.EvalAwaitPromise)
}

// fits checks that the page is exactly as wide as a width px screen: no
// sideways scrolling.
func (p browserPage) fits(what string, width int) {
	p.t.Helper()
	if w := p.eval(`String(document.documentElement.scrollWidth)`); w != strconv.Itoa(width) {
		p.t.Errorf("%s is %s px wide on a %d px screen", what, w, width)
	}
}

// text is the text of the first element sel matches.
func (p browserPage) text(sel string) string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// eval is the string value of a script.
func (p browserPage) eval(js string) string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		p.t.Fatalf("%s: %v", js, err)
	}
	return s
}

// typeText types v into the field sel as one piece of text input, as a
// phone's keyboard or an input method commits a word: one Input.insertText,
// which fires the page's beforeinput and input events as typing does.
// chromedp.SendKeys sends three key events for each character instead, and
// that typing was a fifth of the browser tests' CPU.
func typeText[S chromedp.Selectable](sel S, v string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Focus(sel, chromedp.NodeVisible),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: v})
			return err
		}),
	)
}
