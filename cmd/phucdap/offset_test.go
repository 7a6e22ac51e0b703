package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/storetest"
)

// With PHUCDAP_CLOCK_OFFSET set (a demo a hundred days ahead), every page
// that shows today shows the shifted day, never the machine's: the public
// calculator's start, the transparency page's month, a receipt and the
// tracking page, the staff case page (and its date fields' limit), the
// dashboard's month, the calendar's year, the jobs page. The real binary,
// configured from its environment, as a demo runs it.
func TestClockOffsetOnEveryPage(t *testing.T) {
	storetest.Parallel(t)
	const offset = 100 * 24 * time.Hour
	dataDir := t.TempDir()
	env := []string{"PHUCDAP_DATA_DIR=" + dataDir, "PHUCDAP_LOG__LEVEL=warn", "PHUCDAP_CLOCK_OFFSET=+2400h"}
	add := exec.Command(binary(t), "user", "add", "--email", "vanphong@sxd.test", "--name", "Văn phòng Sở",
		"--role", "office", "--role", "leadership", "--role", "admin", "--unit", "VP")
	add.Env = append(os.Environ(), env...)
	out, err := add.CombinedOutput()
	if err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	m := oneTimePassword.FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("user add printed:\n%s", out)
	}
	p := start(t, env...)
	defer p.stop(t)

	hanoi, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	// The shifted day, read before and after the pages (the walk may cross
	// a midnight); the machine's own day, which no page may show as today.
	days := func(layout string) []string {
		return []string{time.Now().Add(offset).In(hanoi).Format(layout)}
	}
	vnDays, isoDays, months := days("02/01/2006"), days("2006-01-02"), days("01/2006")
	years := days("2006")
	realDay := time.Now().In(hanoi).Format("02/01/2006")

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	get := func(path string) string {
		t.Helper()
		res, err := c.Get(p.URL + strings.TrimPrefix(path, "/"))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d\n%.600s", path, res.StatusCode, b)
		}
		return string(b)
	}
	postForm := func(path string, form url.Values) string {
		t.Helper()
		res, err := c.PostForm(p.URL+strings.TrimPrefix(path, "/"), form)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	csrf := func(page string) string {
		t.Helper()
		m := csrfField.FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no CSRF token")
		}
		return m[1]
	}

	// The public pages.
	pages := map[string]string{}
	pages["calculator"] = get("/tinh-han")
	pages["transparency"] = get("/minh-bach")
	var topics struct{ Topics []struct{ ID int64 } }
	if err := json.Unmarshal([]byte(get("/api/v1/topics")), &topics); err != nil || len(topics.Topics) == 0 {
		t.Fatalf("topics: %v", err)
	}
	body, _ := json.Marshal(map[string]any{"kind": "kien_nghi", "topic_id": topics.Topics[0].ID, "title": "Đèn đường hỏng",
		"content": "Đèn đường ở ngõ 12 phố Bà Triệu đã hỏng hơn một tuần, buổi tối rất tối.", "name": "Nguyễn Thị Hằng",
		"phone": "0912 345 678", "address": "Đường Bà Triệu, phường Đông Kinh", "consent": true})
	res, err := c.Post(p.URL+"api/v1/petitions", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Code, Secret string
		ReceivedAt   string `json:"received_at"`
	}
	json.NewDecoder(res.Body).Decode(&rec)
	res.Body.Close()
	if rec.Code == "" {
		t.Fatalf("submit: %d", res.StatusCode)
	}
	pages["tracking"] = postForm("/tra-cuu", url.Values{"code": {rec.Code}, "secret": {rec.Secret}})

	// The staff pages, after the first login's password change.
	login := get("/login")
	postForm("/login", url.Values{"csrf": {csrf(login)}, "email": {"vanphong@sxd.test"}, "password": {m[1]}})
	pw := get("/staff/password")
	const password = "đèo Mẫu Sơn mùa đông năm sau"
	postForm("/staff/password", url.Values{"csrf": {csrf(pw)}, "current": {m[1]}, "password": {password}, "confirm": {password}})
	pages["case"] = get("/staff/cases/1")
	pages["dashboard"] = get("/staff/reports")
	pages["calendar"] = get("/admin/calendar")
	pages["jobs"] = get("/staff/admin/jobs")

	vnDays = append(vnDays, days("02/01/2006")...)
	isoDays = append(isoDays, days("2006-01-02")...)
	months = append(months, days("01/2006")...)
	years = append(years, days("2006")...)
	has := func(page string, want []string) bool {
		for _, w := range want {
			if strings.Contains(page, w) {
				return true
			}
		}
		return false
	}
	for name, want := range map[string][]string{
		"calculator":   prefixed(`id="start" name="start" type="date" value="`, isoDays), // the start defaults to today
		"transparency": months,
		"tracking":     vnDays, // received today
		"case":         append(vnDays, prefixed(`max="`, isoDays)...),
		"dashboard":    months,
		"calendar":     prefixed("Lịch làm việc năm ", years),
		"jobs":         vnDays, // the catch-up runs at start
	} {
		if !has(pages[name], want) {
			t.Errorf("the %s page does not show the shifted day (%v)", name, want)
		}
	}
	for _, name := range []string{"tracking", "case", "jobs"} {
		if realDay != vnDays[0] && strings.Contains(pages[name], realDay) {
			t.Errorf("the %s page shows the machine's day %s, not the shifted %s", name, realDay, vnDays[0])
		}
	}
	if rec.ReceivedAt == "" || !strings.HasPrefix(rec.ReceivedAt, time.Now().Add(offset).UTC().Format("2006-01")) {
		t.Errorf("the receipt's received_at %q is not shifted", rec.ReceivedAt)
	}
}

func prefixed(prefix string, xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = prefix + x
	}
	return out
}
