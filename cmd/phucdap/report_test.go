package main

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// person is a petitioner of the KPI scenario: every value is distinctive,
// so that a test can grep any response for it.
type person struct {
	Name, Phone, Email, Address string
}

// kpiPeople are the scenario's petitioners. The last one denounces.
var kpiPeople = map[string]person{
	"ontime":   {"Nguyễn Thị Minh Khai", "0912345678", "minhkhai.kpi@example.vn", "Số 18 ngõ 7 phố Tam Thanh, TP Lạng Sơn"},
	"late":     {"Hoàng Văn Thụ Trễ", "0987111222", "thutre.kpi@example.vn", "Thôn Nà Chuông, xã Hợp Thành"},
	"openlate": {"Lương Thị Quá Hạn", "0968333444", "quahan.kpi@example.vn", "Khối 5, phường Chi Lăng"},
	"denounce": {"Đinh Văn Tố Cáo", "0977555666", "tocao.kpi@example.vn", "Số 3 đường Bí Mật, phường Đông Kinh"},
}

// kpiWorld is November 2026 run through the real workflow: the
// office registers or the citizen submits, the office classifies and
// accepts, units answer, their heads publish, the citizen rates and
// disputes. Each case gives one of the KPI acceptance states.
type kpiScenario struct {
	ta      *testApp
	ids     map[string]int64
	codes   map[string]string
	secrets map[string]string
	office  access.Actor
	leader  access.Actor
}

func (s *kpiScenario) at(t *testing.T, local string) {
	t.Helper()
	s.ta.setLocal(t, local)
}

// register types in a letter the office received at received.
func (s *kpiScenario) register(t *testing.T, name string, kind petition.Kind, ch petition.Channel, received, typed, title, content string, who person) {
	t.Helper()
	at := s.ta.setLocal(t, received)
	s.at(t, typed)
	res, err := s.ta.workflow.Register(context.Background(), s.office, petition.RegisterInput{Kind: kind, Channel: ch, ReceivedAt: at,
		Title: title, Content: content, Name: who.Name, Phone: who.Phone, Email: who.Email, Address: who.Address, Lang: "vi"})
	if err != nil {
		t.Fatalf("register %s: %v", name, err)
	}
	s.ids[name], s.codes[name], s.secrets[name] = res.CaseID, res.Code, res.Secret
}

// submit sends a case through the public API at the clock's time.
func (s *kpiScenario) submit(t *testing.T, name, when string, kind petition.Kind, title, content string, who person, secret bool) {
	t.Helper()
	s.at(t, when)
	res, b := s.ta.postJSON(t, "/api/v1/petitions", map[string]any{"kind": string(kind), "topic_id": firstTopic(t, s.ta), "title": title,
		"content": content, "name": who.Name, "phone": who.Phone, "email": who.Email, "address": who.Address, "consent": true,
		"keep_identity_secret": secret})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("submit %s: %d %s", name, res.StatusCode, b)
	}
	rec := decode[httpapi.PetitionReceipt](t, b)
	s.ids[name], s.codes[name], s.secrets[name] = s.ta.mustCaseIDInt(t, rec.Code), rec.Code, rec.Secret
}

func (ta *testApp) mustCaseIDInt(t *testing.T, code string) int64 {
	t.Helper()
	var id int64
	if err := ta.db.Gorm.Raw("SELECT id FROM cases WHERE code = ?", code).Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("case %s: %v", code, err)
	}
	return id
}

func (s *kpiScenario) act(t *testing.T, when string, by access.Actor, name string, in petition.Input) {
	t.Helper()
	s.at(t, when)
	s.ta.act(t, by, s.ids[name], in)
}

func withHotline(c *config.Config) {
	c.Transparency.Hotline = "0205 3812 345"
	c.Transparency.HotlineNote = "Giờ hành chính các ngày làm việc"
}

// newKPIScenario runs the scenario and leaves the clock at Tuesday 1
// December 2026, 10:00: November is over. opts configure the app further.
func newKPIScenario(t *testing.T, db *store.DB, opts ...func(*config.Config)) *kpiScenario {
	t.Helper()
	ta := newTestApp(t, db, append(intakeOpts(t, withHotline), opts...)...)
	s := &kpiScenario{ta: ta, ids: map[string]int64{}, codes: map[string]string{}, secrets: map[string]string{}}
	s.office = ta.staffActor(t, "vanphong.kpi@sxd.test", "VP", access.Office)
	s.leader = ta.staffActor(t, "giamdoc.kpi@sxd.test", "", access.Leadership)
	qlxdOfficer := ta.staffActor(t, "cv.qlxd.kpi@sxd.test", "PQLXD", access.UnitOfficer)
	qlxdHead := ta.staffActor(t, "tp.qlxd.kpi@sxd.test", "PQLXD", access.UnitHead)
	qhktOfficer := ta.staffActor(t, "cv.qhkt.kpi@sxd.test", "PQHKT", access.UnitOfficer)
	eligible := petition.ClassifyInput{Eligible: true, WithinCompetence: true, Round: 1}
	topics, err := ta.intake.store.ListTopics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// about classifies a case under a topic, which maps it to a plan task.
	about := func(slug string) petition.ClassifyInput {
		in := eligible
		for _, tp := range topics {
			if tp.Slug == slug {
				in.TopicID = tp.ID
			}
		}
		if in.TopicID == 0 {
			t.Fatalf("no topic %s", slug)
		}
		return in
	}
	answer := func(when, name string) {
		s.act(t, when, qlxdOfficer, name, petition.AnswerInput{Body: "Sở Xây dựng trả lời như sau: đơn vị đã kiểm tra hiện trường và xử lý theo quy định.",
			LetterNo: "12/SXD-QLXD", LetterDate: calendar.DateOf(ta.Clock.Now(), hanoi), Signer: "Trưởng phòng Quản lý xây dựng"})
		s.act(t, when, qlxdHead, name, petition.ApproveInput{})
	}

	// F: a complaint received on 1 October, accepted on 5 October,
	// extended as complex on 28 October, answered on 16 November by its
	// moved due time. It is November's carried-over case.
	s.register(t, "extended", petition.KindComplaint, petition.ChannelPost, "2026-10-01 09:00", "2026-10-01 10:00",
		"Khiếu nại quyết định thu hồi giấy phép xây dựng", "Tôi khiếu nại quyết định thu hồi giấy phép xây dựng số 45/GPXD.", person{"Vũ Văn Gia Hạn", "0904000111", "", "Phường Vĩnh Trại"})
	s.act(t, "2026-10-02 09:00", s.office, "extended", about("khieu-nai-to-cao"))
	s.act(t, "2026-10-05 09:00", s.office, "extended", petition.AcceptInput{DecisionNo: "88/QĐ-SXD"})
	s.act(t, "2026-10-05 10:00", s.office, "extended", petition.AssignInput{Lead: "PQLXD"})
	s.act(t, "2026-10-28 09:00", qlxdHead, "extended", petition.ExtendInput{Reason: "Cần xác minh tại hai địa điểm", DecisionNo: "09/QĐ-SXD",
		Complexity: "complex", Criteria: []string{"a", "b"}, DocumentRef: "Biên bản phân loại 02/BB-PQLXD"})
	answer("2026-11-16 14:00", "extended")

	// A: a petition by e-mail on 2 November, answered on 10 November, on
	// time; rated 5 stars. Its letter names its author.
	p := kpiPeople["ontime"]
	s.register(t, "ontime", petition.KindPetition, petition.ChannelEmail, "2026-11-02 09:00", "2026-11-02 10:00", "Đề nghị lắp đèn chiếu sáng ngõ 7",
		"Tôi là "+p.Name+", số điện thoại "+p.Phone+", đề nghị Sở lắp đèn chiếu sáng cho ngõ 7 phố Tam Thanh vì trời tối rất nguy hiểm.", p)
	s.act(t, "2026-11-03 09:00", s.office, "ontime", about("tra-loi-dien-tu"))
	s.act(t, "2026-11-03 09:30", s.office, "ontime", petition.AcceptInput{})
	s.act(t, "2026-11-03 10:00", s.office, "ontime", petition.AssignInput{Lead: "PQLXD"})
	answer("2026-11-10 15:00", "ontime")

	// B: a petition by phone on 3 November, answered on 20 November, late
	// (its 10 working days ended on the 17th); rated 2 stars, then
	// disputed, which opens a follow-up case.
	p = kpiPeople["late"]
	s.register(t, "late", petition.KindPetition, petition.ChannelPhone, "2026-11-03 09:00", "2026-11-03 09:30", "Đề nghị sửa mặt đường thôn Nà Chuông",
		"Mặt đường bê tông thôn Nà Chuông bị nứt vỡ, đề nghị sửa chữa.", p)
	s.act(t, "2026-11-04 09:00", s.office, "late", about("dien-duong-nuoc-rac"))
	s.act(t, "2026-11-04 09:30", s.office, "late", petition.AcceptInput{})
	s.act(t, "2026-11-04 10:00", s.office, "late", petition.AssignInput{Lead: "PQLXD"})
	answer("2026-11-20 16:00", "late")

	// C: feedback through the web form on 4 November, assigned to PQHKT,
	// never answered: open and late at the month's end.
	p = kpiPeople["openlate"]
	s.submit(t, "openlate", "2026-11-04 09:00", petition.KindFeedback, "Công trình xây dựng lấn chiếm vỉa hè", "Công trình tại khối 5 lấn chiếm vỉa hè, đề nghị kiểm tra.", p, false)
	s.act(t, "2026-11-05 09:00", s.office, "openlate", eligible)
	s.act(t, "2026-11-05 09:30", s.office, "openlate", petition.AcceptInput{})
	s.act(t, "2026-11-05 10:00", s.office, "openlate", petition.AssignInput{Lead: "PQHKT"})

	// D: an anonymous letter by post on 5 November: not eligible.
	s.register(t, "noteligible", petition.KindPetition, petition.ChannelPost, "2026-11-05 09:00", "2026-11-05 10:00", "Thư không ký tên",
		"Đề nghị xem xét việc cấp phép xây dựng ở phường.", person{})
	s.act(t, "2026-11-06 09:00", s.office, "noteligible", petition.ClassifyInput{Eligible: false, IneligibleReason: "anonymous", WithinCompetence: true, Round: 1})
	s.act(t, "2026-11-06 09:30", s.office, "noteligible", petition.RejectInput{Note: "Đơn không ghi họ tên, địa chỉ người gửi."})

	// E: a complaint at the counter on 6 November, outside our competence:
	// forwarded.
	s.register(t, "forwarded", petition.KindComplaint, petition.ChannelInPerson, "2026-11-06 09:00", "2026-11-06 09:30", "Khiếu nại về đất đai",
		"Khiếu nại quyết định giao đất của UBND phường.", person{"Tạ Văn Chuyển", "0934000222", "", "Phường Tam Thanh"})
	s.act(t, "2026-11-09 09:00", s.office, "forwarded", petition.ClassifyInput{Eligible: true, WithinCompetence: false, Round: 1})
	s.act(t, "2026-11-09 09:30", s.office, "forwarded", petition.ForwardInput{To: "UBND thành phố Lạng Sơn", Note: "Thuộc thẩm quyền UBND thành phố."})

	// G: feedback through the web form on 9 November, led by PQLXD with
	// PQHKT coordinating. PQHKT sends its part on the 19th, after its
	// sub-deadline (three working days before the lead's, the 18th); the
	// lead answers on the 20th, on time (due on the 23rd).
	s.submit(t, "coordination", "2026-11-09 09:00", petition.KindFeedback, "Rác thải xây dựng đổ trộm ven sông Kỳ Cùng",
		"Rác thải xây dựng bị đổ trộm ven sông, đề nghị xử lý.", person{"Mã Thị Phối Hợp", "0945000333", "phoihop.kpi@example.vn", "Phường Hoàng Văn Thụ"}, false)
	s.act(t, "2026-11-10 09:00", s.office, "coordination", about("dien-duong-nuoc-rac"))
	s.act(t, "2026-11-10 09:30", s.office, "coordination", petition.AcceptInput{})
	s.act(t, "2026-11-10 10:00", s.office, "coordination", petition.AssignInput{Lead: "PQLXD", Coordinating: []string{"PQHKT"}})
	s.act(t, "2026-11-19 09:00", qhktOfficer, "coordination", petition.ContributeInput{Body: "Khu vực này thuộc quy hoạch hành lang thoát lũ."})
	answer("2026-11-20 11:00", "coordination")

	// H: a petition on the hotline on 10 November, withdrawn on the 12th.
	s.register(t, "withdrawn", petition.KindPetition, petition.ChannelHotline, "2026-11-10 09:00", "2026-11-10 09:30", "Phản ánh tiếng ồn công trình",
		"Công trình thi công ban đêm gây ồn.", person{"Lò Văn Rút", "0956000444", "", "Phường Chi Lăng"})
	s.act(t, "2026-11-11 09:00", s.office, "withdrawn", eligible)
	s.act(t, "2026-11-12 09:00", s.office, "withdrawn", petition.WithdrawInput{Reason: "Người gửi xin rút đơn vì đã thỏa thuận với chủ công trình."})

	// I: a denunciation through the web form on 12 November, accepted and
	// assigned: still within its time. Its denouncer is secret.
	p = kpiPeople["denounce"]
	s.submit(t, "denounce", "2026-11-12 09:00", petition.KindDenunciation, "Tố cáo cán bộ nhận tiền khi thẩm định hồ sơ",
		"Tôi là "+p.Name+", tố cáo cán bộ X nhận tiền khi thẩm định hồ sơ cấp phép. Liên hệ "+p.Phone+".", p, true)
	s.act(t, "2026-11-13 09:00", s.office, "denounce", about("tham-nhung-nhung-nhieu"))
	s.act(t, "2026-11-13 09:30", s.office, "denounce", petition.AcceptInput{DecisionNo: "15/QĐ-SXD"})
	s.act(t, "2026-11-13 10:00", s.office, "denounce", petition.AssignInput{Lead: "PQLXD"})

	// The citizens of A and B rate; B disputes.
	s.at(t, "2026-11-12 08:00")
	s.citizen(t, "ontime", "rating", map[string]any{"stars": 5})
	s.at(t, "2026-11-21 08:00")
	s.citizen(t, "late", "rating", map[string]any{"stars": 2, "comment": "Trả lời quá chậm"})
	s.at(t, "2026-11-22 08:00")
	s.citizen(t, "late", "dispute", map[string]any{"reason": "Đường vẫn chưa được sửa sau khi trả lời."})

	s.at(t, "2026-12-01 10:00")
	return s
}

func (s *kpiScenario) citizen(t *testing.T, name, what string, body map[string]any) {
	t.Helper()
	res, b := s.ta.postJSON(t, "/api/v1/petitions/"+s.codes[name]+"/"+what, body, "X-Tracking-Secret", s.secrets[name])
	if res.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", what, name, res.StatusCode, b)
	}
}

func novemberReport(t *testing.T, ta *testApp, tok, by string) httpapi.OnTimeReport {
	t.Helper()
	var rep httpapi.OnTimeReport
	ta.getJSON(t, "/api/v1/reports/on-time?from=2026-11-01&to=2026-11-30&by="+by, 200, &rep, "Authorization", tok)
	return rep
}

// End to end: November 2026 run through the real
// workflow on both databases, its figures read over the staff API and
// checked against values computed by hand; the open-late case keeps the
// month below 100%.
func TestKPIScenarioThroughWorkflow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newKPIScenario(t, db)
		ta := s.ta
		tok := ta.staffToken(t, "VP", access.Office)
		rep := novemberReport(t, ta, tok, "total")
		got := rep.Total.Figures
		want := httpapi.ReportFigures{
			// A, B, C, D, E, G, H, I, and the follow-up of B's dispute.
			Received: 9,
			// F, received in October and still being handled on 1 November.
			CarriedOver: 1,
			// Accepted in November: A, B, C, G, I.
			Eligible: 5,
			// On time: A, F (after its extension), G; late: B; open and
			// late: C. 3 / 5.
			AnsweredOnTime: 3, AnsweredLate: 1, OpenLate: 1, Late: 2, OnTimeRate: ptr(60.0),
			Extended: 1, ExtendedOnTime: 1,
			// F's extension was granted in October.
			Extensions:  0,
			NotEligible: 1, Forwarded: 1, Guided: 0, Withdrawn: 1,
			Rated: 2, Satisfied: 1, SatisfactionRate: ptr(50.0), MeanRating: ptr(3.5),
			Reopened: 1, ReopenRate: ptr(25.0),
			// G's coordinating unit missed its sub-deadline.
			ContribOnTime: 0, ContribLate: 1, ContribOpenLate: 0, ContribOnTimeRate: ptr(0.0),
			// The denunciation accepted on 13/11 owed its parties a notice
			// within 5 working days (20/11), never recorded.
			DutyOpenLate: 1, DutyOnTimeRate: ptr(0.0),
		}
		// Working days from the clock's start to the answer: A 6 (2→10
		// Nov), G 9 (9→20 Nov), B 13 (3→20 Nov), F 30 (accepted 5 Oct →
		// 16 Nov). Nearest rank of four: the 2nd and the 4th.
		want.ResponseDays.Answers, want.ResponseDays.Median, want.ResponseDays.P90 = 4, ptr(9), ptr(30)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("November (-want +got):\n%s", diff)
		}
		if rep.Target == nil || *rep.Target != 100 || rep.Total.MeetsTarget == nil || *rep.Total.MeetsTarget {
			t.Errorf("target %v meets %v: the open-late case must keep November below 100%%", rep.Target, rep.Total.MeetsTarget)
		}

		units := novemberReport(t, ta, tok, "unit")
		byCode := map[string]httpapi.OnTimeReportRow{}
		for _, r := range units.Rows {
			if r.Code != nil {
				byCode[*r.Code] = r
			}
		}
		qlxd, qhkt := byCode["PQLXD"].Figures, byCode["PQHKT"].Figures
		if qlxd.AnsweredOnTime != 3 || qlxd.AnsweredLate != 1 || qlxd.OpenLate != 0 || *qlxd.OnTimeRate != 75 {
			t.Errorf("PQLXD %+v", qlxd)
		}
		if qhkt.AnsweredOnTime != 0 || qhkt.OpenLate != 1 || *qhkt.OnTimeRate != 0 || qhkt.ContribLate != 1 {
			t.Errorf("PQHKT %+v", qhkt)
		}
		if !byCode["PQHKT"].Small || units.SmallCount != 5 {
			t.Errorf("PQHKT (1 case) must be marked small")
		}

		channels := novemberReport(t, ta, tok, "channel")
		perChannel := map[string]int64{}
		for _, r := range channels.Rows {
			perChannel[r.Key] = r.Figures.Received
		}
		// api: C, G, I (sent through the JSON API); phone: B and the
		// follow-up its dispute made, which keeps the letter's channel.
		wantCh := map[string]int64{"api": 3, "email": 1, "phone": 2, "post": 1, "in_person": 1, "hotline": 1, "web": 0}
		for ch, n := range wantCh {
			if perChannel[ch] != n {
				t.Errorf("channel %s: %d received, want %d (all %v)", ch, perChannel[ch], n, perChannel)
			}
		}

		// The public figures are the same counts.
		var pub httpapi.PublicStats
		ta.getJSON(t, "/api/v1/public/stats?period=2026-11", 200, &pub)
		if pub.Received != 9 || pub.AnsweredOnTime != 3 || pub.AnsweredLate != 1 || pub.OpenLate != 1 || pub.OnTimeRate == nil || *pub.OnTimeRate != 60 {
			t.Errorf("public stats %+v", pub)
		}
		// Leadership reads the report; a unit officer may not.
		ta.getJSON(t, "/api/v1/reports/on-time?from=2026-11-01&to=2026-11-30", 200, nil, "Authorization", ta.staffToken(t, "", access.Leadership))
		ta.getJSON(t, "/api/v1/reports/on-time?from=2026-11-01&to=2026-11-30", 403, nil, "Authorization", ta.staffToken(t, "PQLXD", access.UnitOfficer))
		ta.getJSON(t, "/api/v1/reports/on-time?from=2026-11-30&to=2026-11-01", 422, nil, "Authorization", tok)

		// The nightly job stores the month's figures (run as of 23:55 on
		// 30 November) and rolls the closed days up; the report is the
		// same afterwards.
		run := ta.runJob(t, "kpi-snapshot", time.Date(2026, 11, 30, 23, 55, 0, 0, hanoi))
		if run.Counts["kpi_open_late"] != 1 || run.Counts["kpi_answered_on_time"] != 3 || run.Counts["kpi_rolled_days"] == 0 {
			t.Errorf("kpi-snapshot counts %v", run.Counts)
		}
		if again := novemberReport(t, ta, tok, "total"); !cmp.Equal(again.Total.Figures, got) {
			t.Errorf("after the rollup:\n%s", cmp.Diff(got, again.Total.Figures))
		}
	})
}

// Over HTTP: the office starts an XLSX export, the page shows
// its progress and then the file, which excelize reads back with the
// month's figures in the office's layout and the cases, redacted.
func TestKPIExportOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newKPIScenario(t, db)
		ta := s.ta
		ta.addStaff(t, "vanphong.xuat@sxd.test", "VP", access.Office)
		b := ta.browser(t)
		b.mustLogin("vanphong.xuat@sxd.test")
		res, _ := b.post("/staff/reports/exports", url.Values{"from": {"2026-11-01"}, "to": {"2026-11-30"}, "format": {"xlsx"}})
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/staff/reports/exports/") {
			t.Fatalf("start export: %d %s", res.StatusCode, loc)
		}
		var page string
		for i := 0; i < 200; i++ {
			res, page = b.get(loc)
			if strings.Contains(page, `id="export-download"`) {
				break
			}
			if res.StatusCode != 200 || strings.Contains(page, "error-box") {
				t.Fatalf("export page: %d\n%s", res.StatusCode, page)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if !strings.Contains(page, `id="export-download"`) {
			t.Fatalf("the export never finished:\n%s", page)
		}
		// Someone else cannot see it, even from the office.
		other := ta.browser(t)
		ta.addStaff(t, "vanphong.khac@sxd.test", "VP", access.Office)
		other.mustLogin("vanphong.khac@sxd.test")
		if res, _ := other.get(loc + "/file"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/reports?export=missing" {
			t.Errorf("someone else's export: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		res, body := b.get(loc + "/file")
		if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("download: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		x, err := excelize.OpenReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		cell := func(sheet, ref string) string {
			v, _ := x.GetCellValue(sheet, ref)
			return v
		}
		if cell("Báo cáo", "A1") != "SỞ XÂY DỰNG TỈNH LẠNG SƠN" || cell("Báo cáo", "A5") != "BÁO CÁO KẾT QUẢ TIẾP NHẬN, GIẢI QUYẾT PHẢN ÁNH, KIẾN NGHỊ" ||
			cell("Báo cáo", "A6") != "Kỳ báo cáo: từ ngày 01/11/2026 đến ngày 30/11/2026" {
			t.Errorf("title block: %q %q %q", cell("Báo cáo", "A1"), cell("Báo cáo", "A5"), cell("Báo cáo", "A6"))
		}
		rows, _ := x.GetRows("Báo cáo")
		var total, qlxd []string
		for _, r := range rows {
			if len(r) > 8 && r[1] == "Tổng cộng" {
				total = r[2:9]
			}
			if len(r) > 8 && strings.HasPrefix(r[1], "Phòng Quản lý xây dựng") {
				qlxd = r[2:9]
			}
		}
		// received, carried over, eligible, on time, late, open late, rate
		if diff := cmp.Diff([]string{"9", "1", "5", "3", "1", "1", "60.0"}, total); diff != "" {
			t.Errorf("total row (-want +got)\n%s", diff)
		}
		// PQLXD leads A, B, G, I and B's follow-up (received), F (carried
		// over); accepted A, B, G, I; answered A, F, G on time, B late.
		if diff := cmp.Diff([]string{"5", "1", "4", "3", "1", "0", "75.0"}, qlxd); diff != "" {
			t.Errorf("PQLXD row (-want +got)\n%s", diff)
		}
		cases, _ := x.GetRows("Danh sách vụ việc")
		if len(cases) != 11 { // header, F carried over, 9 received
			t.Errorf("%d case rows", len(cases)-1)
		}
		all := strings.Join(flatten(cases), "|")
		for _, p := range kpiPeople {
			for _, v := range []string{p.Name, p.Phone, p.Email, p.Address} {
				if strings.Contains(all, v) {
					t.Errorf("the export carries %q", v)
				}
			}
		}
		if !strings.Contains(all, s.codes["denounce"]) || strings.Contains(all, "Tố cáo cán bộ nhận tiền") {
			t.Errorf("the denunciation must be listed without its title")
		}
	})
}

func flatten(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

// phoneVariants are the ways a phone number may be written.
func phoneVariants(p string) []string {
	d := regexp.MustCompile(`\D`).ReplaceAllString(p, "")
	out := []string{p, d}
	if len(d) == 10 {
		out = append(out, d[:4]+" "+d[4:7]+" "+d[7:], d[:4]+"."+d[4:7]+"."+d[7:], "+84"+d[1:], "84"+d[1:])
	}
	return out
}

// Every public response (the transparency page in both
// languages and for both months, the open data as JSON and as CSV) is
// grepped for every petitioner's name, phone, e-mail and address, with the
// office having published the answer whose letter names its author.
func TestPublicResponsesCarryNoPetitioner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newKPIScenario(t, db)
		ta := s.ta
		// The office publishes A's answer (its letter names its author and
		// phone) and tries the denunciation's: refused.
		var answers []struct {
			ID     int64
			CaseID int64
		}
		ta.db.Gorm.Raw("SELECT id, case_id FROM answers WHERE published_at IS NOT NULL").Scan(&answers)
		ta.addStaff(t, "vanphong.congkhai@sxd.test", "VP", access.Office)
		b := ta.browser(t)
		b.mustLogin("vanphong.congkhai@sxd.test")
		published := 0
		for _, a := range answers {
			res, _ := b.post("/staff/reports/answers/"+itoa(a.ID), url.Values{"publishable": {"1"}, "thang": {"2026-11"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("publish answer %d: %d", a.ID, res.StatusCode)
			}
			published++
		}
		if published < 3 {
			t.Fatalf("only %d answers to publish", published)
		}
		var denAnswer int64
		ta.db.Gorm.Raw("INSERT INTO answers (case_id, body, signer, published_at, created_at) VALUES (?, 'Đã xác minh.', '', ?, ?) RETURNING id",
			s.ids["denounce"], ta.Clock.Now().UTC(), ta.Clock.Now().UTC()).Scan(&denAnswer)
		if res, page := b.post("/staff/reports/answers/"+itoa(denAnswer), url.Values{"publishable": {"1"}}); res.StatusCode != http.StatusConflict ||
			!strings.Contains(page, "không được công khai") {
			t.Errorf("publishing a denunciation's answer: %d", res.StatusCode)
		}

		anon := ta.browser(t)
		var bodies []string
		for _, path := range []string{"/minh-bach", "/minh-bach?thang=2026-11", "/minh-bach?thang=2026-10", "/minh-bach?lang=en",
			"/api/v1/public/stats", "/api/v1/public/stats?period=2026-11", "/api/v1/public/stats?period=2026-11&lang=en",
			"/api/v1/public/stats.csv?period=2026-11", "/api/v1/public/stats.csv?period=2026-10"} {
			res, body := anon.get(path)
			if res.StatusCode != 200 {
				t.Fatalf("GET %s: %d", path, res.StatusCode)
			}
			bodies = append(bodies, body)
		}
		page := bodies[1]
		// The published question is there, scrubbed.
		if !strings.Contains(page, "đề nghị Sở lắp đèn chiếu sáng cho ngõ 7 phố Tam Thanh") || !strings.Contains(page, "Đường dây nóng") ||
			!strings.Contains(page, "0205 3812 345") {
			t.Errorf("the public page lacks the published answer or the hotline")
		}
		if strings.Contains(page, "Tố cáo cán bộ nhận tiền") || strings.Contains(page, s.codes["ontime"]) {
			t.Errorf("the public page shows a denunciation or a tracking code")
		}
		var reg *csv.Reader
		for i, body := range bodies {
			if strings.HasPrefix(body, "\ufeff") {
				reg = csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
				if recs, err := reg.ReadAll(); err != nil || len(recs) < 2 || recs[0][0] != "period" {
					t.Errorf("open data CSV %d: %v %v", i, recs, err)
				}
			}
			for name, p := range kpiPeople {
				values := append([]string{p.Name, p.Email, p.Address}, phoneVariants(p.Phone)...)
				for _, v := range values {
					if strings.Contains(body, v) {
						t.Errorf("public response %d carries %s's %q", i, name, v)
					}
				}
			}
		}
	})
}

// ptr is a pointer to v.
func ptr[T any](v T) *T { return &v }

// The report pages over HTTP: the table by month and by unit, its CSV with
// Vietnamese names, the drill-down of present figures, the CSV export of
// the cases, and the answers page as leadership reads it (no buttons).
func TestReportPagesOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newKPIScenario(t, db)
		ta := s.ta
		ta.addStaff(t, "vanphong.trang@sxd.test", "VP", access.Office)
		ta.addStaff(t, "lanhdao.trang@sxd.test", "", access.Leadership)
		b := ta.browser(t)
		b.mustLogin("vanphong.trang@sxd.test")
		get := func(path string) string {
			t.Helper()
			res, body := b.get(path)
			if res.StatusCode != 200 {
				t.Fatalf("GET %s: %d\n%s", path, res.StatusCode, body)
			}
			return body
		}
		page := get("/staff/reports/table?from=2026-10-01&to=2026-11-30&by=month")
		for _, want := range []string{"10/2026", "11/2026", "60%", `id="report-table"`} {
			if !strings.Contains(page, want) {
				t.Errorf("table by month lacks %q", want)
			}
		}
		page = get("/staff/reports/table?from=2026-11-01&to=2026-11-30&by=unit")
		if !strings.Contains(page, "Phòng Quản lý xây dựng") || !strings.Contains(page, "75%") {
			t.Errorf("table by unit")
		}
		if res, _ := b.get("/staff/reports/table?from=2026-11-30&to=2026-11-01"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a reversed period: %d", res.StatusCode)
		}

		res, body := b.get("/staff/reports/table.csv?from=2026-11-01&to=2026-11-30&by=unit")
		if res.StatusCode != 200 || !strings.HasPrefix(body, "\ufeff") || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("table.csv: %d %q", res.StatusCode, res.Header)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range recs {
			if r[0] == "PQLXD" {
				found = true
				if r[1] != "Phòng Quản lý xây dựng" || r[2] != "5" || r[8] != "75" {
					t.Errorf("PQLXD record %v", r)
				}
			}
		}
		if !found || recs[len(recs)-1][1] != "Tổng cộng" || recs[len(recs)-1][8] != "60" {
			t.Errorf("csv %v", recs)
		}

		// Present figures drill down: late now is C; the 11–20 working-day
		// bucket holds C and I.
		page = get("/staff/reports/cases?figure=late_now")
		if !strings.Contains(page, s.codes["openlate"]) || strings.Contains(page, s.codes["ontime"]) {
			t.Errorf("late now list")
		}
		// Due times read as in the inbox: 24:00 of the last day, in words.
		if !strings.Contains(page, "24:00 ngày ") {
			t.Errorf("the late now list words due times unlike the inbox")
		}
		page = get("/staff/reports/cases?figure=age&bucket=2")
		if !strings.Contains(page, s.codes["openlate"]) || !strings.Contains(page, s.codes["denounce"]) {
			t.Errorf("age bucket list")
		}
		// A denunciation's title stays on its case page.
		if strings.Contains(page, "Tố cáo cán bộ nhận tiền") {
			t.Errorf("the drill-down list shows a denunciation's title")
		}
		if res, _ := b.get("/staff/reports/cases?figure=nonsense"); res.StatusCode != http.StatusBadRequest {
			t.Errorf("unknown figure: %d", res.StatusCode)
		}

		// A CSV export of the cases, in the background.
		res, _ = b.post("/staff/reports/exports", url.Values{"from": {"2026-11-01"}, "to": {"2026-11-30"}, "format": {"csv"}})
		loc := res.Header.Get("Location")
		for i := 0; i < 200; i++ {
			if page = get(loc); strings.Contains(page, `id="export-download"`) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		res, body = b.get(loc + "/file")
		if res.StatusCode != 200 || !strings.HasPrefix(body, "\ufeff") {
			t.Fatalf("csv export: %d", res.StatusCode)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
		if err != nil || len(rows) != 11 || rows[0][1] != "Mã vụ việc" {
			t.Fatalf("csv export rows %d: %v", len(rows), err)
		}
		for _, p := range kpiPeople {
			if strings.Contains(body, p.Name) || strings.Contains(body, p.Phone) {
				t.Errorf("the CSV export carries %s", p.Name)
			}
		}

		lead := ta.browser(t)
		lead.mustLogin("lanhdao.trang@sxd.test")
		res, page = lead.get("/staff/reports/answers?thang=2026-11")
		if res.StatusCode != 200 || strings.Contains(page, `name="publishable"`) || !strings.Contains(page, "Đề nghị lắp đèn chiếu sáng ngõ 7") {
			t.Errorf("answers page for leadership: %d", res.StatusCode)
		}
		if strings.Contains(page, kpiPeople["ontime"].Name) {
			t.Errorf("the review shows the petitioner's name: it must show what the public will read")
		}
	})
}
