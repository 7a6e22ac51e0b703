package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/textfold"
)

// The transparency page searches the answers the office marked
// publishable, as the public reads them: diacritics ignored, the words
// marked, nothing that redaction removed (the petitioner) findable, and
// an answer not marked publishable never found.
func TestPublicSearch(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ctx := context.Background()
		topic := firstTopic(t, ta)
		publish := func(title, content, name, phone, answer string, publishable bool) {
			t.Helper()
			_, b := ta.postJSON(t, "/api/v1/petitions", map[string]any{"kind": "phan_anh", "topic_id": topic, "title": title,
				"content": content, "name": name, "phone": phone, "consent": true})
			id := ta.mustCaseIDInt(t, decode[httpapi.PetitionReceipt](t, b).Code)
			if _, err := ta.intake.store.PublishAnswer(ctx, id, answer, "Phòng QLHT", ta.Clock.Now()); err != nil {
				t.Fatal(err)
			}
			if err := ta.db.Gorm.Exec("UPDATE answers SET publishable = ? WHERE case_id = ?", publishable, id).Error; err != nil {
				t.Fatal(err)
			}
		}
		publish("Đèn đường hỏng phố Tam Thanh", "Đèn đường phố Tam Thanh hỏng hai tuần, gia đình Trần Thị Ngọc đi lại khó khăn.", "Trần Thị Ngọc",
			"0912345678", "Sở đã thay bóng đèn đường phố Tam Thanh.", true)
		publish("Vỉa hè phố Lê Lợi vỡ", "Đề nghị sửa vỉa hè phố Lê Lợi.", "Hoàng Văn Thịnh", "0912000999", "Sở đã giao sửa vỉa hè đường Lê Lợi.", false)

		page := func(q string) string {
			t.Helper()
			_, b := ta.do(t, "GET", "/minh-bach?q="+url.QueryEscape(q), nil)
			return string(b)
		}
		p := page("bong den duong")
		if want := fmt.Sprintf(`id="public-q" name="q" maxlength="%d"`, textfold.MaxQuery); !strings.Contains(p, want) {
			t.Errorf("the public search box does not take the server's longest query: want %s", want)
		}
		if !strings.Contains(p, "<mark>bóng</mark> <mark>đèn</mark> <mark>đường</mark>") || !strings.Contains(p, `id="public-search-summary"`) {
			t.Errorf("bong den duong: the answer is not found and marked")
		}
		for _, q := range []string{"tran thi ngoc", "Ngọc", "0912345678", "le loi", "via he"} {
			if p := page(q); strings.Contains(p, "<mark>") || !strings.Contains(p, "Không tìm thấy") {
				t.Errorf("%q found a published answer", q)
			}
		}
		if p := page("?!…"); !strings.Contains(p, `id="public-search-error"`) || !strings.Contains(p, "có chữ hoặc số") {
			t.Error("punctuation only: no refusal")
		}
		if p := page(strings.Repeat("đèn ", 60)); !strings.Contains(p, "tối đa 200 ký tự") {
			t.Error("too long: no refusal")
		}
	})
}
