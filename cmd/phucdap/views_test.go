package main

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/petition"
)

var viewLink = regexp.MustCompile(`<a href="([^"]+)" class="view-link">([^<]+)</a>`)

// views are the saved views a list page links: name → href.
func pageViews(page string) map[string]string {
	out := map[string]string{}
	for _, m := range viewLink.FindAllStringSubmatch(page, -1) {
		out[html.UnescapeString(m[2])] = html.UnescapeString(m[1])
	}
	return out
}

// A user saves the inbox's filters under a name with diacritics, finds it
// on the inbox, opens the same list with it, and deletes it; nobody else
// sees or deletes it. Saving the same view again just saves it. A name
// missing, too long or already taken by other filters is refused
// in Vietnamese, or English on request, with nothing saved; a drill-down's
// filters are saved the same way.
func TestSavedViews(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.addStaff(t, "office@sxd.test", "VP", access.Office)
		ta.addStaff(t, "office2@sxd.test", "VP", access.Office)
		ta.addStaff(t, "lead@sxd.test", "VP", access.Leadership)
		by := office.Actor("session")
		for i, kind := range []petition.Kind{petition.KindFeedback, petition.KindFeedback, petition.KindPetition} {
			ta.register(t, by, petition.RegisterInput{Kind: kind, Channel: petition.ChannelPost, ReceivedAt: ta.Clock.Now(),
				Title: "Đường ngõ " + string(rune('A'+i)) + " xuống cấp", Content: "Đường trong ngõ xuống cấp nghiêm trọng, đề nghị sửa chữa.", Name: "Người Gửi"})
		}
		b := ta.browser(t)
		b.mustLogin("office@sxd.test")
		save := func(b *browser, list, name, query, lang string) (*http.Response, string) {
			t.Helper()
			path := "/staff/views"
			if lang != "" {
				path += "?lang=" + lang
			}
			return b.post(path, url.Values{"list": {list}, "name": {name}, "query": {query}})
		}
		name := "Phản ánh đang mở — Phòng Quản lý xây dựng"
		res, _ := save(b, "inbox", "  "+name+"  ", "kind=phan_anh&urgency=&bogus=1", "")
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/inbox?kind=phan_anh&view=saved" {
			t.Fatalf("save: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		_, page := b.get("/staff/inbox?view=saved")
		views := pageViews(page)
		href, ok := views[name]
		if !ok || !strings.Contains(page, `id="view-saved"`) {
			t.Fatalf("the saved view is not on the inbox: %v", views)
		}
		// Applying it lists what the filters list.
		_, applied := b.get(href)
		_, direct := b.get("/staff/inbox?kind=phan_anh")
		if got, want := pageCodes(applied), pageCodes(direct); len(want) != 2 || !slices.Equal(got, want) {
			t.Errorf("the view lists %v, the filters %v", got, want)
		}

		// The same view saved again (a double-clicked save) is saved: back
		// to the list, no "name taken", one row.
		if res, _ := save(b, "inbox", name, "kind=phan_anh", ""); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/inbox?kind=phan_anh&view=saved" {
			t.Errorf("the same view saved again: %d %s", res.StatusCode, res.Header.Get("Location"))
		}

		// Refusals, in the user's language, nothing saved: the name taken
		// by other filters, no name, too long.
		for _, tc := range []struct{ name, lang, want string }{
			{name, "", "Bạn đã có bộ lọc tên “" + name + "”"},
			{name, "en", "You already have a view named “" + name + "”"},
			{"   ", "", "Hãy đặt tên cho bộ lọc."},
			{strings.Repeat("đ", 81), "en", "at most 80 characters"},
		} {
			res, page := save(b, "inbox", tc.name, "kind=kien_nghi", tc.lang)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(page), tc.want) || !strings.Contains(page, `id="view-error"`) {
				t.Errorf("save %q (%s): %d, want the message %q", tc.name, tc.lang, res.StatusCode, tc.want)
			}
		}
		if res, _ := save(b, "audit", "Nhật ký", "", ""); res.StatusCode != http.StatusBadRequest && res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a view of an unknown list: %d", res.StatusCode)
		}
		var n int64
		ta.db.Gorm.Raw("SELECT count(*) FROM saved_views").Scan(&n)
		if n != 1 {
			t.Errorf("%d views stored, want 1", n)
		}

		// Another user sees none of it and cannot delete it; the same name
		// is theirs to use.
		other := ta.browser(t)
		other.mustLogin("office2@sxd.test")
		if _, page := other.get("/staff/inbox"); len(pageViews(page)) != 0 {
			t.Error("another user sees the view")
		}
		id := regexp.MustCompile(`/staff/views/(\d+)/delete`).FindStringSubmatch(page)
		if id == nil {
			t.Fatal("no delete button")
		}
		if res, _ := other.post("/staff/views/"+id[1]+"/delete", url.Values{"list": {"inbox"}}); res.Header.Get("Location") != "/staff/inbox?view=missing" {
			t.Errorf("another user's delete: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if res, _ := save(other, "inbox", name, "all=1", ""); res.StatusCode != http.StatusSeeOther {
			t.Errorf("the same name for another user: %d", res.StatusCode)
		}

		// A drill-down's filters.
		lead := ta.browser(t)
		lead.mustLogin("lead@sxd.test")
		res, _ = save(lead, "report_cases", "Tiếp nhận tháng 11", "figure=received&from=2026-11-01&to=2026-11-30&page=3", "")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/staff/reports/cases?") {
			t.Fatalf("save a drill-down: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		_, dpage := lead.get(res.Header.Get("Location"))
		dv := pageViews(dpage)
		if h := dv["Tiếp nhận tháng 11"]; !strings.Contains(h, "figure=received") || !strings.Contains(h, "from=2026-11-01") || strings.Contains(h, "page=") {
			t.Errorf("the drill-down's view: %v", dv)
		}
		if res, _ := save(lead, "report_cases", "Sai", "figure=nonsense", ""); res.StatusCode < 400 || res.StatusCode >= 500 {
			t.Errorf("a bad drill-down's view: %d", res.StatusCode)
		}

		// The owner deletes it.
		if res, _ := b.post("/staff/views/"+id[1]+"/delete", url.Values{"list": {"inbox"}}); res.Header.Get("Location") != "/staff/inbox?view=deleted" {
			t.Errorf("delete: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if _, page := b.get("/staff/inbox"); len(pageViews(page)) != 0 {
			t.Error("the deleted view is still listed")
		}
	})
}
