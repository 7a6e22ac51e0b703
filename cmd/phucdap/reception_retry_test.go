package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/alert/alerttest"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// TestReceptionBookingRetrySaysOneThing: with e-mail configured and no
// SMS gateway, a second booking of the same phone is answered the same
// whether the first booking gave an e-mail address or not: the answer
// told whoever typed the phone whether the booking held an address.
func TestReceptionBookingRetrySaysOneThing(t *testing.T) {
	mp := alerttest.SharedMailpit(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ta := newTestApp(t, db, withSMTP(mp))
		_, id := deputyThursdays(t, ta)
		form := func(phone, email string) url.Values {
			return url.Values{"lich": {id}, "ngay": {"2026-12-03"}, "name": {"Lò Văn Hỏi"}, "phone": {phone}, "email": {email}, "kind": {"kien_nghi"},
				"description": {"Đề nghị hướng dẫn thủ tục cấp phép"}}
		}
		post := func(f url.Values) (int, string) {
			res, body := ta.do(t, http.MethodPost, "/lich-tiep-cong-dan/dang-ky", strings.NewReader(f.Encode()), "Content-Type", "application/x-www-form-urlencoded")
			return res.StatusCode, string(body)
		}
		var pages []string
		for _, f := range []url.Values{form("0912 111 222", ""), form("0912 333 444", "hoi."+token()+"@example.vn")} {
			if code, page := post(f); code != http.StatusOK {
				t.Fatalf("book: %d %s", code, page)
			}
			f.Set("email", "")
			code, page := post(f)
			if code != http.StatusConflict {
				t.Fatalf("book again: %d", code)
			}
			pages = append(pages, page)
		}
		for _, msg := range []string{"được gửi lại đến đó", "Khi đến, xin đọc số điện thoại đã đăng ký"} {
			if a, b := strings.Contains(pages[0], msg), strings.Contains(pages[1], msg); a != b {
				t.Errorf("%q: %v for the booking without e-mail, %v for the one with", msg, a, b)
			}
		}
		if !strings.Contains(pages[0], "được gửi lại đến đó") {
			t.Error("the answer does not say where the code goes")
		}
	})
}
