package main

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/reception"
)

// section returns the part of page from the element with id to the end
// of its section.
func section(page, id string) string {
	i := strings.Index(page, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	page = page[i:]
	if j := strings.Index(page, "</section>"); j >= 0 {
		page = page[:j]
	}
	return page
}

// sessionID returns a session's id by its receiver.
func sessionID(t *testing.T, ta *testApp, receiver string) int64 {
	t.Helper()
	var id int64
	ta.db.Gorm.Raw("SELECT id FROM reception_sessions WHERE receiver = ?", receiver).Scan(&id)
	if id == 0 {
		t.Fatalf("no session of %s", receiver)
	}
	return id
}

// TestReceptionDialogueResult: a session the office marks as a dialogue
// owes the publication of its result (plan 55 III.1). On Fri 27/11/2026
// the office's page lists the dialogues of Fri 20/11 and Wed 25/11 as
// pending, with the working days they waited (4 and 2: 24/11 is off), and
// no due time or "late": the law sets none. Publishing refuses a text
// that still names the visitor by the given name alone, removes the
// visitor's and the representatives' names and phones, and is audited; a
// second publication is refused. A denunciation's dialogue is recorded as
// done but never listed on the transparency page, neither its day nor its
// host (whoever saw the visitor come that day would learn who denounced),
// and counts only in the month's totals; neither the stored row nor the
// audit trail carries the denouncer or the denounced. A session that is
// no dialogue has no result to publish.
func TestReceptionDialogueResult(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.addStaff(t, "vanphong@sxd.test", "VP", access.Office)
		b := ta.browser(t)
		b.mustLogin("vanphong@sxd.test")
		content := "Khiếu nại quyết định thu hồi giấy phép xây dựng nhà ở tại thôn Bản Cưởm, xã Mai Pha."
		if code, page := recordSession(b, url.Values{"day": {"2026-11-20"}, "receiver": {"Giám đốc Sở Đào Chủ Trì"}, "kind": {"khieu_nai"},
			"name": {"Hoàng Văn Khải"}, "phone": {"0915 222 333"}, "group": {"on"}, "headcount": {"5"},
			"representatives": {"Ông Hoàng Văn Khải, Bà Lương Thị Nhàn"}, "content": {content}, "outcome": {"guided"}, "dialogue": {"on"}}); code != http.StatusSeeOther {
			t.Fatalf("dialogue: %d %s", code, page)
		}
		if code, page := recordSession(b, url.Values{"day": {"2026-11-25"}, "receiver": {"Phó Giám đốc Sở Kín Đáo"}, "kind": {"to_cao"},
			"name": {"Lý Văn Mật"}, "phone": {"0913 777 888"}, "content": {"Tố cáo cán bộ Phạm Bị Tố nhận tiền của nhà thầu tại công trình trường học xã."},
			"outcome": {"verify"}, "dialogue": {"on"}}); code != http.StatusSeeOther {
			t.Fatalf("sealed dialogue: %d %s", code, page)
		}
		if code, page := recordSession(b, url.Values{"receiver": {"Chuyên viên Thường Ngày"}, "kind": {"kien_nghi"}, "name": {"Trần Văn Đến"},
			"content": {content}, "outcome": {"guided"}}); code != http.StatusSeeOther {
			t.Fatalf("session: %d %s", code, page)
		}
		open, sealed, plain := sessionID(t, ta, "Giám đốc Sở Đào Chủ Trì"), sessionID(t, ta, "Phó Giám đốc Sở Kín Đáo"), sessionID(t, ta, "Chuyên viên Thường Ngày")

		_, page := b.get("/staff/reception")
		if !strings.Contains(page, "Đối thoại trong tháng: 2; đã công khai kết quả: 0.") {
			t.Error("the month's figures lack the pending dialogues")
		}
		pending := section(page, "dialogues")
		for _, want := range []string{"dialogue-" + strconv.FormatInt(open, 10), "dialogue-" + strconv.FormatInt(sealed, 10), "đã chờ 4 ngày làm việc",
			"đã chờ 2 ngày làm việc", "Hoàng Văn Khải", "Danh tính được giữ bí mật", "Pháp luật không quy định thời hạn"} {
			if !strings.Contains(pending, want) {
				t.Errorf("the pending list lacks %q", want)
			}
		}
		for _, not := range []string{"dialogue-" + strconv.FormatInt(plain, 10), "Quá hạn", "quá hạn", "Hạn ", "Lý Văn Mật", "Bị Tố"} {
			if strings.Contains(pending, not) {
				t.Errorf("the pending list has %q", not)
			}
		}
		if _, day := b.get("/staff/reception/day?d=2026-11-20"); !strings.Contains(day, "Chờ công khai kết quả") {
			t.Error("the day's list does not show the dialogue pending")
		}
		if _, pub := ta.do(t, http.MethodGet, "/minh-bach", nil); !strings.Contains(section(string(pub), "pdialogues-h"), "Chưa có kết quả đối thoại") {
			t.Error("the transparency page lists a result before any is published")
		}

		result := func(id int64, text string) (int, string) {
			res, page := b.post("/staff/reception/sessions/"+strconv.FormatInt(id, 10)+"/result", url.Values{"result": {text}})
			return res.StatusCode, page
		}
		if code, page := result(open, "Sở đã giải thích để Khải hiểu căn cứ thu hồi giấy phép."); code != http.StatusUnprocessableEntity ||
			!strings.Contains(page, "vẫn còn nhắc tên người đến đối thoại") {
			t.Errorf("a text naming the visitor by the given name: %d", code)
		}
		if code, page := result(open, "x"); code != http.StatusUnprocessableEntity || !strings.Contains(page, "Nhập kết quả đối thoại") {
			t.Errorf("a text too short: %d", code)
		}
		text := "Ông Hoàng Văn Khải và bà Lương Thị Nhàn (0915 222 333, email khai@example.vn) được giải thích căn cứ thu hồi giấy phép; " +
			"Sở giao Phòng Quản lý xây dựng kiểm tra lại hồ sơ và trả lời bằng văn bản."
		if code, page := result(open, text); code != http.StatusSeeOther {
			t.Fatalf("publish: %d %s", code, page)
		}
		if code, _ := result(open, text); code != http.StatusConflict {
			t.Errorf("a second publication: %d", code)
		}
		if _, page := b.get("/staff/reception"); !strings.Contains(section(page, "dialogues"), "không công khai trên trang Minh bạch, cả ngày, người chủ trì") ||
			!strings.Contains(section(page, "dialogues"), "Ghi nhận đã xử lý (không công khai)") {
			t.Error("the sealed dialogue's form does not say that nothing of it is published")
		}
		res, _ := b.post("/staff/reception/sessions/"+strconv.FormatInt(sealed, 10)+"/result",
			url.Values{"result": {"Ông Lý Văn Mật (0913 777 888) được trả lời: cán bộ Phạm Bị Tố bị kiểm điểm."}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("record the sealed dialogue: %d", res.StatusCode)
		}
		if _, page := b.get(res.Header.Get("Location")); !strings.Contains(page, "cuộc đối thoại về tố cáo không được công khai") {
			t.Error("recording the sealed dialogue does not say it is not published")
		}
		if code, _ := result(plain, "Kết quả của một lượt tiếp thường."); code != http.StatusConflict {
			t.Errorf("a session that is no dialogue: %d", code)
		}

		// A result is listed once its month is public: not while November
		// runs, nor for December's one visit (fewer than the small count),
		// only for November's five once it ended.
		if _, body := ta.do(t, http.MethodGet, "/minh-bach", nil); !strings.Contains(section(string(body), "pdialogues-h"), "Chưa có kết quả đối thoại") {
			t.Error("a result is listed while its month runs")
		}
		office := ta.staffActor(t, "office-more@sxd.test", "VP", access.Office)
		for _, who := range []string{"Chuyên viên Thứ Hai", "Chuyên viên Thứ Ba"} {
			if _, err := ta.reception.Record(t.Context(), office, reception.SessionInput{Day: calendar.MustDate("2026-11-27"), Receiver: who,
				Kind: petition.KindPetition, Name: "Trần Văn Đến", Content: content, Outcome: reception.OutcomeGuided}); err != nil {
				t.Fatalf("session: %v", err)
			}
		}
		now := ta.Clock.Now()
		ta.setLocal(t, "2026-12-10 09:00")
		dec, err := ta.reception.Record(t.Context(), office, reception.SessionInput{Day: calendar.MustDate("2026-12-10"), Receiver: "Giám đốc Sở Một Mình",
			Kind: petition.KindPetition, Name: "Trần Văn Một", Content: content, Outcome: reception.OutcomeGuided, Dialogue: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ta.reception.PublishResult(t.Context(), office, dec.ID, "Kết quả đối thoại tháng Mười Hai về cấp phép."); err != nil {
			t.Fatal(err)
		}
		ta.setLocal(t, "2027-01-04 09:00")
		_, pubBody := ta.do(t, http.MethodGet, "/minh-bach", nil)
		pub := section(string(pubBody), "pdialogues-h")
		for _, want := range []string{"Sở giao Phòng Quản lý xây dựng kiểm tra lại hồ sơ", "Giám đốc Sở Đào Chủ Trì", "20/11/2026", "Khiếu nại"} {
			if !strings.Contains(pub, want) {
				t.Errorf("the transparency page lacks %q", want)
			}
		}
		if n := strings.Count(pub, `class="publication dialogue-result"`); n != 1 {
			t.Errorf("the transparency page lists %d dialogues, want the one unsealed", n)
		}
		for _, not := range []string{"Kín Đáo", "25/11/2026", "bí mật người tố cáo"} {
			if carries(string(pubBody), not) {
				t.Errorf("the transparency page shows the sealed dialogue: %q", not)
			}
		}
		for _, not := range []string{"tháng Mười Hai", "Một Mình", "10/12/2026"} {
			if strings.Contains(pub, not) {
				t.Errorf("the transparency page lists the dialogue of a month of one visit: %q", not)
			}
		}
		for _, not := range []string{"Khải", "Khai", "Nhàn", "0915", "222 333", "khai@", "Mật", "0913", "Bị Tố"} {
			if carries(string(pubBody), not) {
				t.Errorf("the transparency page shows %q", not)
			}
		}
		for _, not := range []string{"Tố cáo", "kiểm điểm"} {
			if strings.Contains(pub, not) {
				t.Errorf("the published dialogues show %q", not)
			}
		}
		if _, en := ta.do(t, http.MethodGet, "/minh-bach?lang=en", nil); !strings.Contains(string(en), "Results of dialogues with citizens") ||
			strings.Contains(string(en), "Kín Đáo") || strings.Contains(string(en), "denouncer secret") {
			t.Error("the English transparency page lacks the dialogues")
		}
		ta.Clock.Set(now)
		if n := ta.count(t, "SELECT COUNT(*) FROM reception_dialogue_results WHERE result LIKE '%Mật%' OR result LIKE '%Bị Tố%' OR result LIKE '%Khải%'"); n != 0 {
			t.Error("a stored result keeps an identity")
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'reception.dialogue_result'"); n != 3 {
			t.Errorf("%d audit rows for three publications", n)
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM audit_log WHERE CAST(after_json AS TEXT) LIKE '%Mật%' OR CAST(after_json AS TEXT) LIKE '%Bị Tố%'"); n != 0 {
			t.Error("the audit trail has the sealed dialogue's identity or content")
		}
		_, page = b.get("/staff/reception")
		if !strings.Contains(section(page, "dialogues"), "Không có cuộc đối thoại nào chờ") {
			t.Error("published dialogues are still pending")
		}
		if !strings.Contains(page, "Đối thoại trong tháng: 2; đã công khai kết quả: 2.") {
			t.Error("the month's figures lack the dialogues")
		}
		f, err := ta.reception.Month(t.Context(), ta.staffActor(t, "office-fig@sxd.test", "VP", access.Office), 2026, time.November)
		if err != nil || f.Dialogues != 2 || f.DialoguesPublished != 2 {
			t.Errorf("month figures: %d dialogues, %d published (%v)", f.Dialogues, f.DialoguesPublished, err)
		}
	})
}
