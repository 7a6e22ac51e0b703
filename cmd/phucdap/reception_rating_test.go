package main

import (
	"encoding/json"
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
	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/reception"
	"github.com/phucdap/phucdap/internal/report"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
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
			if carries(page, not) {
				t.Errorf("the rating page shows %q", not)
			}
		}
		// The last character changed to another: a fixed "x" was the real
		// one whenever the signature ended in x.
		wrong := link[:len(link)-1] + "x"
		if strings.HasSuffix(link, "x") {
			wrong = link[:len(link)-1] + "y"
		}
		if res, _ := anon.get(wrong); res.StatusCode != http.StatusNotFound {
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
			if carries(receipt, not) {
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
		deputy, desk := ta.receptionSchedules(t, office, "2026-10-01")
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
			// Each visitor rates within the visit's month: a later rating
			// is not counted in the month's figures.
			if strings.HasPrefix(v.day, "2026-10") {
				ta.setLocal(t, "2026-10-30 09:00")
			}
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
		ta.setLocal(t, "2026-11-27 09:00")
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

// TestReceptionRatingLinkSent: after a session, a visitor who gave a
// phone is sent its rating link by SMS and Zalo through the gateway, once
// however often the outbox job runs (the gateway refuses each first
// attempt: the outbox retries). A denouncer gets it at the phone their
// sealed case holds, and the message says nothing of a denunciation; a
// visitor who gave no phone, or who already rated, gets nothing. The
// phone is never in the ledger or the outbox, and the link sent opens the
// session's rating page.
func TestReceptionRatingLinkSent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		g := newGateway(t)
		ta := newTestApp(t, db, withGateway(g), func(c *config.Config) { c.BaseURL = "https://phucdap.sxd.test" })
		office := ta.staffActor(t, "office-sms@sxd.test", "VP", access.Office)
		ctx := t.Context()
		record := func(in reception.SessionInput) reception.Session {
			t.Helper()
			in.Day, in.Receiver = calendar.MustDate("2026-11-27"), "Chuyên viên Nguyễn Tiếp"
			if in.Content == "" {
				in.Content = "Đề nghị hướng dẫn thủ tục cấp phép sửa chữa nhà ở tại thôn Bản Cưởm."
			}
			se, err := ta.reception.Record(ctx, office, in)
			if err != nil {
				t.Fatal(err)
			}
			return se
		}
		phone := record(reception.SessionInput{Kind: petition.KindPetition, Name: "Trần Văn Đến", Phone: "0912 345 678", Outcome: reception.OutcomeGuided})
		none := record(reception.SessionInput{Kind: petition.KindPetition, Name: "Người Không Số", Outcome: reception.OutcomeGuided})
		sealed := record(reception.SessionInput{Kind: petition.KindDenunciation, Name: "Lý Văn Mật", Phone: "0913 777 888", Outcome: reception.OutcomeVerify,
			Content: "Tố cáo cán bộ Phạm Bị Tố nhận tiền của nhà thầu tại công trình trường học xã."})
		rated := record(reception.SessionInput{Kind: petition.KindFeedback, Name: "Người Đã Chấm", Phone: "0912 999 000", Outcome: reception.OutcomeGuided})
		if err := ta.reception.Rate(ctx, rated.ID, ta.reception.RatingSig(rated.ID), 5, ""); err != nil {
			t.Fatal(err)
		}
		ta.deliver(t)
		ta.deliver(t)

		ref := func(se reception.Session) string { return "TCD-S" + strconv.FormatInt(se.ID, 10) }
		for se, want := range map[reception.Session]string{phone: "0912345678", sealed: "0913777888"} {
			got := g.of(ref(se))
			if len(got["visit_rating:sms"]) != 1 || len(got["visit_rating:zalo"]) != 1 {
				t.Errorf("session %d's rating links: %v", se.ID, keysOf(got))
				continue
			}
			m := got["visit_rating:sms"][0]
			link := "https://phucdap.sxd.test/lich-tiep-cong-dan/danh-gia/" + strconv.FormatInt(se.ID, 10) + "/" + ta.reception.RatingSig(se.ID)
			if m.Recipient != want || m.Template != "phucdap_visit_rating" || m.Params["link"] != link || !strings.Contains(m.Text, link) ||
				m.Params["date"] != "27/11/2026" {
				t.Errorf("session %d's message: %+v", se.ID, m)
			}
			if res, _ := ta.do(t, http.MethodGet, strings.TrimPrefix(link, "https://phucdap.sxd.test"), nil); res.StatusCode != http.StatusOK {
				t.Errorf("the link sent: %d", res.StatusCode)
			}
		}
		for _, se := range []reception.Session{none, rated} {
			if got := g.of(ref(se)); len(got) != 0 {
				t.Errorf("session %d was sent %v", se.ID, keysOf(got))
			}
		}
		g.mu.Lock()
		for _, raw := range g.raw {
			if strings.Contains(raw, ref(sealed)) {
				for _, leak := range []string{"Mật", "Mat", "Bị Tố", "Tố cáo", "to cao", "to_cao", "Denunciation"} {
					if strings.Contains(raw, leak) {
						t.Errorf("the denouncer's message carries %q", leak)
					}
				}
			}
		}
		g.mu.Unlock()
		if n := ta.count(t, "SELECT COUNT(*) FROM alerts WHERE session_id IS NOT NULL AND (payload LIKE '%0912%' OR payload LIKE '%0913%' OR recipient LIKE '%091%')"); n != 0 {
			t.Error("the ledger holds a visitor's phone")
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM outbox WHERE target LIKE '%091%'"); n != 0 {
			t.Error("the outbox holds a visitor's phone")
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM alerts WHERE session_id IS NOT NULL"); n != 4 {
			t.Errorf("%d ledger rows, want 4 (two sessions, two channels)", n)
		}
	})
}

// TestReceptionRatingLinkOptOut: a visitor whose session opened a case
// and who turns that case's notifications off after the rating link was
// queued (the gateway refused its first attempt) is not sent it: the
// opt-out is read when the message is sent, as for the case's notices.
func TestReceptionRatingLinkOptOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		g := newGateway(t)
		ta := newTestApp(t, db, withGateway(g), func(c *config.Config) { c.BaseURL = "https://phucdap.sxd.test" })
		office := ta.staffActor(t, "office-optout@sxd.test", "VP", access.Office)
		se, err := ta.reception.Record(t.Context(), office, reception.SessionInput{Day: calendar.MustDate("2026-11-27"), Receiver: "Chuyên viên Nguyễn Tiếp",
			Kind: petition.KindPetition, Name: "Trần Văn Đến", Phone: "0912 345 678", Outcome: reception.OutcomeVerify,
			Content: "Đề nghị kiểm tra việc cấp phép sửa chữa nhà ở tại thôn Bản Cưởm."})
		if err != nil || se.CaseID == 0 {
			t.Fatalf("record: %v (case %d)", err, se.CaseID)
		}
		ta.runJob(t, "outbox", ta.Clock.Now())
		if n := ta.count(t, "SELECT COUNT(*) FROM outbox o JOIN alerts a ON a.id = o.alert_id WHERE a.session_id IS NOT NULL AND o.state = 'pending'"); n == 0 {
			t.Fatal("no rating link waits for its retry")
		}
		if err := ta.db.Gorm.Exec("INSERT INTO case_notice_optouts (case_id, via, opted_out_at) VALUES (?, 'page', ?)", se.CaseID, ta.Clock.Now().UTC()).Error; err != nil {
			t.Fatal(err)
		}
		ta.deliver(t)
		ta.deliver(t)
		if got := g.of("TCD-S" + strconv.FormatInt(se.ID, 10)); len(got) != 0 {
			t.Errorf("the opted-out visitor was sent %v", keysOf(got))
		}
	})
}

// TestReceptionSealedRatingComment: a denouncer's rating of their session
// may name them or the denounced in its comment. The stars count; the
// comment is withheld by the service from every staff view of the session
// (the day's list, the receipt), not only by the day page's template. A
// session that is not sealed keeps its comment for the office.
func TestReceptionSealedRatingComment(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffActor(t, "office-rate@sxd.test", "VP", access.Office)
		ctx := t.Context()
		day := calendar.MustDate("2026-11-27")
		record := func(in reception.SessionInput) reception.Session {
			t.Helper()
			in.Day, in.Receiver = day, "Chuyên viên Nguyễn Tiếp"
			se, err := ta.reception.Record(ctx, office, in)
			if err != nil {
				t.Fatal(err)
			}
			return se
		}
		open := record(reception.SessionInput{Kind: petition.KindPetition, Name: "Trần Văn Đến", Phone: "0912 345 678", Outcome: reception.OutcomeGuided,
			Content: "Đề nghị hướng dẫn thủ tục cấp phép sửa chữa nhà ở tại thôn Bản Cưởm."})
		sealed := record(reception.SessionInput{Kind: petition.KindDenunciation, Name: "Lý Văn Mật", Phone: "0913 777 888",
			Outcome: reception.OutcomeVerify, Content: "Tố cáo cán bộ Phạm Bị Tố nhận tiền của nhà thầu tại công trình trường học xã."})
		comment := "Tôi là Lý Văn Mật, 0913 777 888; mong xử lý sớm cán bộ Phạm Bị Tố."
		if err := ta.reception.Rate(ctx, sealed.ID, ta.reception.RatingSig(sealed.ID), 2, comment); err != nil {
			t.Fatal(err)
		}
		if err := ta.reception.Rate(ctx, open.ID, ta.reception.RatingSig(open.ID), 5, "Cán bộ tiếp nhiệt tình."); err != nil {
			t.Fatal(err)
		}
		list, err := ta.reception.DaySessions(ctx, office, day)
		if err != nil {
			t.Fatal(err)
		}
		for _, se := range list {
			switch {
			case se.Rating == nil:
				t.Errorf("session %d lost its rating", se.ID)
			case se.ID == sealed.ID && (se.Rating.Comment != "" || se.Rating.Stars != 2):
				t.Errorf("the sealed session's rating in the day's list: %+v", *se.Rating)
			case se.ID == open.ID && se.Rating.Comment != "Cán bộ tiếp nhiệt tình.":
				t.Errorf("the open session's rating in the day's list: %+v", *se.Rating)
			}
		}
		se, err := ta.reception.SessionReceipt(ctx, office, sealed.ID)
		if err != nil || se.Rating == nil || se.Rating.Comment != "" {
			t.Errorf("the sealed session's receipt: %+v %v", se.Rating, err)
		}
	})
}

// TestReceptionLateRatingKeepsMonth: November's published satisfaction is
// the ratings given by its end; a visitor who rates a November visit in
// December (the link still works) is not counted in it, on /minh-bach nor
// in the open data, so that the figure moving cannot reveal that
// visitor's stars. Five visitors rated 4 or 5 stars in November; the
// denouncer rates 1 star on 2 December.
func TestReceptionLateRatingKeepsMonth(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		m := newReceptionNovember(t, ta)
		rate := func(i, stars int) {
			t.Helper()
			if err := ta.reception.Rate(t.Context(), m.sessions[i], ta.reception.RatingSig(m.sessions[i]), stars, ""); err != nil {
				t.Fatal(err)
			}
		}
		ta.setLocal(t, "2026-11-30 16:00")
		for i, stars := range []int{5, 4, 5, 4, 5} {
			rate(i, stars)
		}
		ta.setLocal(t, "2026-12-02 10:00")
		rate(5, 1)
		anon := ta.browser(t)
		_, pub := anon.get("/minh-bach?thang=2026-11&lang=vi")
		if !strings.Contains(pub, "Hài lòng: 5/5 lượt đánh giá") {
			i := strings.Index(pub, `id="reception-satisfaction"`)
			t.Errorf("November's public satisfaction moved with a December rating: %s", pub[max(i, 0):min(max(i, 0)+300, len(pub))])
		}
		_, body := anon.get("/api/v1/public/stats?period=2026-11")
		var od struct {
			Reception struct {
				Satisfaction *float64 `json:"satisfaction_rate"`
			}
		}
		if err := json.Unmarshal([]byte(body), &od); err != nil {
			t.Fatal(err)
		}
		if od.Reception.Satisfaction == nil || *od.Reception.Satisfaction != 100 {
			t.Errorf("the open data's November satisfaction moved with a December rating: %v", od.Reception.Satisfaction)
		}
	})
}
