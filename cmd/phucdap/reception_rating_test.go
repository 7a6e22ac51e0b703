package main

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/reception"
	"github.com/phucdap/phucdap/internal/report"
)

var ratingURL = regexp.MustCompile(`https?://[^<"\s]+/lich-tiep-cong-dan/danh-gia/\d+/[a-z2-7]+`)

// receiptRatingPath records a session through the office's form and
// returns the rating link its printed receipt carries, as a path.
func receiptRatingPath(t *testing.T, b *browser, f url.Values) (int64, string) {
	t.Helper()
	res, page := b.post("/staff/reception/sessions", f)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("record: %d %s", res.StatusCode, page)
	}
	loc, _ := url.Parse(res.Header.Get("Location"))
	id, err := strconv.ParseInt(loc.Query().Get("s"), 10, 64)
	if err != nil {
		t.Fatalf("the day's list is not told the session: %s", loc)
	}
	if _, day := b.get(loc.RequestURI()); !strings.Contains(day, `/staff/reception/sessions/`+strconv.FormatInt(id, 10)+`/receipt`) {
		t.Error("the day's list does not link the session's receipt")
	}
	_, receipt := b.get("/staff/reception/sessions/" + strconv.FormatInt(id, 10) + "/receipt")
	link := ratingURL.FindString(receipt)
	if link == "" {
		t.Fatalf("the receipt has no rating link:\n%s", receipt)
	}
	u, _ := url.Parse(link)
	return id, u.Path
}

// TestReceptionVisitRating: the session's printed receipt carries a signed
// rating link, which the visitor opens with no account: the page names the
// day only, never the visitor or what they brought. A wrong signature or
// session is not found; stars out of 1–5 and a comment too long are
// refused on their fields; the rating is taken once (a second post is
// refused, the page then thanks), audited without the comment, and shown
// on the day's list: with the comment for an ordinary visitor, without it
// for a denouncer, whose receipt names neither them nor the kind.
func TestReceptionVisitRating(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.addStaff(t, "vanphong@sxd.test", "VP", access.Office)
		b := ta.browser(t)
		b.mustLogin("vanphong@sxd.test")
		id, link := receiptRatingPath(t, b, url.Values{"day": {"2026-11-27"}, "receiver": {"Chuyên viên Nguyễn Tiếp"}, "kind": {"kien_nghi"},
			"name": {"Trần Văn Đến"}, "phone": {"0912 345 678"}, "content": {"Đề nghị hướng dẫn thủ tục cấp phép sửa chữa nhà ở tại thôn Bản Cưởm."},
			"outcome": {"accepted"}})
		anon := ta.browser(t)
		res, page := anon.get(link)
		if res.StatusCode != http.StatusOK || !strings.Contains(page, "Thứ Sáu, 27/11/2026") || !strings.Contains(page, `name="stars"`) {
			t.Fatalf("the rating page: %d\n%s", res.StatusCode, page)
		}
		for _, not := range []string{"Trần Văn Đến", "0912", "Bản Cưởm", "Nguyễn Tiếp"} {
			if strings.Contains(page, not) {
				t.Errorf("the rating page shows %q", not)
			}
		}
		if res, _ := anon.get(link[:len(link)-1] + "x"); res.StatusCode != http.StatusNotFound {
			t.Errorf("a wrong signature: %d", res.StatusCode)
		}
		other := strings.Replace(link, "/"+strconv.FormatInt(id, 10)+"/", "/"+strconv.FormatInt(id+1, 10)+"/", 1)
		if res, _ := anon.get(other); res.StatusCode != http.StatusNotFound {
			t.Errorf("another session's id under this signature: %d", res.StatusCode)
		}
		if res, page := anon.post(link, url.Values{"stars": {"6"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "field-error") {
			t.Errorf("six stars: %d", res.StatusCode)
		}
		if res, _ := anon.post(link, url.Values{"stars": {"4"}, "comment": {strings.Repeat("ý kiến ", 400)}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a comment too long: %d", res.StatusCode)
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM reception_ratings"); n != 0 {
			t.Fatalf("a refused rating was stored")
		}
		if res, _ := anon.post(link, url.Values{"stars": {"4"}, "comment": {"Cán bộ tiếp nhiệt tình, hướng dẫn rõ ràng."}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("rate: %d", res.StatusCode)
		}
		if res, page := anon.post(link, url.Values{"stars": {"1"}}); res.StatusCode != http.StatusConflict || !strings.Contains(page, "đã được đánh giá") {
			t.Errorf("a second rating: %d", res.StatusCode)
		}
		if _, page := anon.get(link); !strings.Contains(page, "Cảm ơn Ông/Bà đã đánh giá") || !strings.Contains(page, "4/5") || strings.Contains(page, `name="stars"`) {
			t.Errorf("the page after rating:\n%s", page)
		}
		if _, page := anon.get(link + "?lang=en"); !strings.Contains(page, "Thank you for rating the reception") {
			t.Error("the English page")
		}
		var got struct {
			Stars   int
			Comment string
		}
		ta.db.Gorm.Raw("SELECT stars, comment FROM reception_ratings WHERE session_id = ?", id).Scan(&got)
		if got.Stars != 4 || got.Comment != "Cán bộ tiếp nhiệt tình, hướng dẫn rõ ràng." {
			t.Errorf("stored: %+v", got)
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'reception.rating' AND CAST(after_json AS TEXT) NOT LIKE '%nhiệt tình%'"); n != 1 {
			t.Errorf("%d audit rows of the rating without its comment", n)
		}

		// A denouncer rates too; nothing of them is on the receipt, the
		// page or (the comment may name the denounced) the day's list.
		sealedID, sealedLink := receiptRatingPath(t, b, url.Values{"day": {"2026-11-27"}, "receiver": {"Chuyên viên Kín Đáo"}, "kind": {"to_cao"},
			"name": {"Lý Văn Mật"}, "phone": {"0913 777 888"}, "content": {"Tố cáo cán bộ Phạm Bị Tố nhận tiền của nhà thầu tại công trình trường học xã."},
			"outcome": {"verify"}})
		_, receipt := b.get("/staff/reception/sessions/" + strconv.FormatInt(sealedID, 10) + "/receipt")
		for _, not := range []string{"Mật", "0913", "Bị Tố", "Tố cáo"} {
			if strings.Contains(receipt, not) {
				t.Errorf("the sealed session's receipt shows %q", not)
			}
		}
		if _, page := anon.get(sealedLink); strings.Contains(page, "Mật") || strings.Contains(page, "Bị Tố") || strings.Contains(page, "Tố cáo") {
			t.Error("the sealed session's rating page shows its denunciation")
		}
		if res, _ := anon.post(sealedLink, url.Values{"stars": {"2"}, "comment": {"Ông Phạm Bị Tố vẫn đang làm việc, chưa bị xử lý."}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the denouncer's rating: %d", res.StatusCode)
		}
		_, day := b.get("/staff/reception/day?d=2026-11-27")
		if !strings.Contains(day, "Cán bộ tiếp nhiệt tình") || !strings.Contains(day, "4/5 sao") || !strings.Contains(day, "2/5 sao") {
			t.Error("the day's list lacks the ratings")
		}
		if strings.Contains(day, "Bị Tố") {
			t.Error("the day's list shows the denouncer's comment")
		}
	})
}

// TestReceptionMonthRatings: the visitors' ratings of November 2026,
// computed by hand, by the day of the session. The leadership's sessions
// were rated 5, 4 and 2 (one more not rated): 3 ratings, mean 11/3 = 3.7,
// 2 satisfied; the desk's 3 and 5: 2 ratings, mean 4, 1 satisfied; a
// session of October rated 1 is not November's. Satisfaction is 3 of 5.
func TestReceptionMonthRatings(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffActor(t, "office-rate@sxd.test", "VP", access.Office)
		ta.addStaff(t, "vanphong@sxd.test", "VP", access.Office)
		ctx := t.Context()
		deputy, err := ta.reception.SaveSchedule(ctx, office, reception.Schedule{Kind: reception.KindLeadership, Host: "Phó Giám đốc Sở",
			Repeat: reception.RepeatWeekly, Weekday: time.Thursday, StartMin: 450, EndMin: 660, Place: "Trụ sở tiếp công dân",
			From: calendar.MustDate("2026-10-01"), Active: true})
		if err != nil {
			t.Fatal(err)
		}
		desk, err := ta.reception.SaveSchedule(ctx, office, reception.Schedule{Kind: reception.KindDesk, Host: "Văn phòng Sở",
			Repeat: reception.RepeatWorkingDays, StartMin: 450, EndMin: 1020, Place: "Phòng tiếp công dân", From: calendar.MustDate("2026-10-01"), Active: true})
		if err != nil {
			t.Fatal(err)
		}
		ta.setLocal(t, "2026-11-27 09:00")
		content := "Đề nghị xem xét việc cấp phép xây dựng công trình tại thôn Bản Cưởm, xã Mai Pha."
		for _, v := range []struct {
			schedule int64
			day      string
			stars    int
		}{
			{deputy.ID, "2026-11-05", 5}, {deputy.ID, "2026-11-05", 4}, {deputy.ID, "2026-11-19", 2}, {deputy.ID, "2026-11-26", 0},
			{desk.ID, "2026-11-10", 3}, {desk.ID, "2026-11-27", 5},
			{desk.ID, "2026-10-29", 1},
		} {
			se, err := ta.reception.Record(ctx, office, reception.SessionInput{ScheduleID: v.schedule, Day: calendar.MustDate(v.day), Receiver: "Người tiếp",
				Kind: petition.KindPetition, Name: "Công dân", Content: content, Outcome: reception.OutcomeGuided})
			if err != nil {
				t.Fatal(err)
			}
			if v.stars > 0 {
				if err := ta.reception.Rate(ctx, se.ID, ta.reception.RatingSig(se.ID), v.stars, ""); err != nil {
					t.Fatal(err)
				}
			}
		}
		f, err := ta.reception.Month(ctx, office, 2026, time.November)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(reception.RatingFigures{Rated: 3, StarsSum: 11, Satisfied: 2}, f.LeadershipRatings); diff != "" {
			t.Errorf("leadership (-want +got)\n%s", diff)
		}
		if diff := cmp.Diff(reception.RatingFigures{Rated: 2, StarsSum: 8, Satisfied: 1}, f.DeskRatings); diff != "" {
			t.Errorf("desk (-want +got)\n%s", diff)
		}
		if f.Satisfaction == nil || *f.Satisfaction != (report.Rate{Num: 3, Den: 5}) {
			t.Errorf("satisfaction: %+v", f.Satisfaction)
		}
		if oct, err := ta.reception.Month(ctx, office, 2026, time.October); err != nil || oct.DeskRatings.Rated != 1 || oct.LeadershipRatings.Rated != 0 {
			t.Errorf("October: %+v %v", oct.DeskRatings, err)
		}
		b := ta.browser(t)
		b.mustLogin("vanphong@sxd.test")
		if _, page := b.get("/staff/reception"); !strings.Contains(page, "Lãnh đạo Sở tiếp: bình quân 3,7/5 sao, 3 lượt đánh giá, 2 lượt hài lòng") ||
			!strings.Contains(page, "Văn phòng tiếp thường xuyên: bình quân 4/5 sao, 2 lượt đánh giá, 1 lượt hài lòng") {
			t.Error("the office's page lacks the ratings")
		}
		if _, page := b.get("/staff/reception?lang=en"); !strings.Contains(page, "the leadership: mean 3.7/5 stars, 3 ratings, 2 satisfied") {
			t.Error("the English office's page lacks the ratings")
		}
	})
}
