package alert

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/i18n"
)

// catalogue is the message catalogue the e-mails are worded from.
func catalogue(t *testing.T) Texts {
	t.Helper()
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Every kind renders in both languages with a subject, a plain-text part
// and an HTML part; a midnight due time reads as 24:00 of the day before.
func TestTemplatesRenderEveryKindInBothLanguages(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	tm, err := loadTemplates(loc, nil, catalogue(t))
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 11, 28, 0, 0, 0, 0, loc)
	p := Payload{CaseCode: "SXD-2026-000042", CaseKind: "khieu_nai", ClockKind: "answer", TopicVI: "Tiếp công dân", TopicEN: "Citizen reception",
		UnitVI: "Phòng Quản lý xây dựng", UnitEN: "Construction Management Division", DueAt: due, DaysLate: 2, DaysLeft: 1,
		Link: "https://x.test/staff/cases/42", Year: 2027, ChasedAt: due.Add(9 * time.Hour),
		Digest: &Digest{Date: "2026-11-27", RateFrom: "2026-11-26", RateTo: "2026-11-26", Rate: 87.5, Target: 100, Met: 8, MetOnTime: 7,
			LateTotal: 1, Late: []DigestUnit{{UnitVI: "Phòng A", Rows: []DigestRow{{CaseCode: "SXD-2026-000001", CaseKind: "to_cao", ClockKind: "process", DueAt: due, DaysLate: 3}}}},
			Scope: "Toàn Sở", ScopeEN: "Whole department"}}
	want := map[string][]string{
		"vi": {"24:00 ngày 27/11/2026", "Khiếu nại", "87.5%", "Tổng hợp ngày 27/11/2026"},
		"en": {"24:00 ngày 27/11/2026", "Complaint", "87.5%", "Digest for 27 November 2026"},
	}
	for _, lang := range []string{"vi", "en"} {
		all := ""
		for _, kind := range []string{KindLate, KindEscalated, DueSoonKind(3), KindCalendar, KindDigest, KindChase} {
			subject, text, html, err := tm.render(lang, kind, p)
			if err != nil {
				t.Fatalf("%s %s: %v", lang, kind, err)
			}
			if subject == "" || strings.TrimSpace(text) == "" || !strings.Contains(html, "<") || strings.Contains(text+html, "<no value>") {
				t.Errorf("%s %s: subject %q text %q html %q", lang, kind, subject, text, html)
			}
			all += subject + text
		}
		for _, w := range want[lang] {
			if !strings.Contains(all, w) {
				t.Errorf("%s: no %q in the e-mails", lang, w)
			}
		}
		d := due
		s, text, html, err := tm.receipt(lang, Receipt{CaseCode: "SXD-2026-000042", CaseKind: "phan_anh", ReceivedAt: due.Add(-48 * time.Hour), DueAt: &d},
			"https://x.test/tra-cuu?code=SXD-2026-000042", "", "Sở Xây dựng")
		if err != nil || !strings.Contains(s, "SXD-2026-000042") || !strings.Contains(text, "tra-cuu?code=") || html == "" {
			t.Errorf("%s receipt: %q %q %v", lang, s, text, err)
		}
		// A denunciation's first due time is for its initial processing,
		// not an answer.
		_, text, html, _ = tm.receipt(lang, Receipt{CaseCode: "SXD-2026-000043", CaseKind: "to_cao", ReceivedAt: due.Add(-48 * time.Hour), DueAt: &d},
			"https://x.test/tra-cuu?code=SXD-2026-000043", "", "Sở Xây dựng")
		initial := map[string]string{"vi": "Hạn xử lý ban đầu", "en": "Initial processing due"}[lang]
		answer := map[string]string{"vi": "trả lời dự kiến", "en": "Expected answer"}[lang]
		if !strings.Contains(text, initial) || !strings.Contains(html, initial) || strings.Contains(text+html, answer) {
			t.Errorf("%s denunciation receipt:\n%s", lang, text)
		}
	}
}

// Every citizen's notification renders in both languages, in every form it
// is sent (e-mail subject, text and HTML, the short SMS/Zalo text, the
// status word), and says no more than the code, the status, the dates, the
// reason given and the links.
func TestCitizenNoticesRenderInBothLanguages(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	tm, err := loadTemplates(loc, nil, catalogue(t))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	due := time.Date(2026, 12, 19, 0, 0, 0, 0, loc)
	for _, lang := range []string{"vi", "en"} {
		for _, ev := range []string{NoticeReceived, NoticeAccepted, NoticeForwarded, NoticeGuided, NoticeExtended, NoticeAnswered, NoticeLate, NoticeClosed} {
			p := Payload{CaseCode: "SXD-2026-000042", CaseKind: "kien_nghi", Event: ev, EventID: 7, At: at, DueAt: due, Reason: "Thanh tra tỉnh",
				Link: "https://x.test/tra-cuu?code=SXD-2026-000042"}
			m, err := tm.citizen(lang, p, p.Link, "https://x.test/tra-cuu/tat-thong-bao?code=SXD-2026-000042&sig=x", "Sở Xây dựng")
			if err != nil {
				t.Fatalf("%s %s: %v", lang, ev, err)
			}
			for part, s := range map[string]string{"subject": m.subject, "text": m.text, "html": m.html, "sms": m.sms} {
				if !strings.Contains(s, "SXD-2026-000042") || strings.Contains(s, "<no value>") {
					t.Errorf("%s %s %s: %q", lang, ev, part, s)
				}
			}
			if m.status == "" || !strings.Contains(m.text, m.status) || !strings.Contains(m.text, "tat-thong-bao") || !strings.Contains(m.html, "tat-thong-bao") {
				t.Errorf("%s %s: status %q, text %q", lang, ev, m.status, m.text)
			}
			if len([]rune(m.sms)) > 160 {
				t.Errorf("%s %s: the SMS text is %d characters: %q", lang, ev, len([]rune(m.sms)), m.sms)
			}
		}
	}
}

// With no agency name configured, an English e-mail calls the sender "the
// agency" inside a sentence ("An automatic message from the agency") and
// "The agency" only where it opens one: the receipt, every citizen's
// notification and a booking's messages, in plain text and HTML.
func TestEnglishMailWithoutAgencyName(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	tm, err := loadTemplates(loc, nil, catalogue(t))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	due := time.Date(2026, 12, 19, 0, 0, 0, 0, loc)
	mails := map[string]string{}
	_, text, html, err := tm.receipt("en", Receipt{CaseCode: "SXD-2026-000042", CaseKind: "phan_anh", ReceivedAt: at, DueAt: &due},
		"https://x.test/tra-cuu?code=SXD-2026-000042", "", "")
	if err != nil {
		t.Fatal(err)
	}
	mails["receipt"] = text + html
	for _, ev := range []string{NoticeReceived, NoticeAccepted, NoticeForwarded, NoticeGuided, NoticeExtended, NoticeAnswered, NoticeLate, NoticeClosed} {
		p := Payload{CaseCode: "SXD-2026-000042", CaseKind: "kien_nghi", Event: ev, EventID: 7, At: at, DueAt: due, Reason: "Thanh tra tỉnh"}
		m, err := tm.citizen("en", p, "https://x.test/tra-cuu?code=SXD-2026-000042", "", "")
		if err != nil {
			t.Fatalf("%s: %v", ev, err)
		}
		mails[ev] = m.text + m.html
	}
	for _, ev := range []string{NoticeBooking, NoticeBookingReminder} {
		p := Payload{Event: ev, BookingCode: "TCD-7K2M", Day: "2026-12-03", Hours: "08:00–11:00", Host: "Phó Giám đốc Sở", Place: "Phòng tiếp công dân"}
		m, err := tm.booking("en", p, "")
		if err != nil {
			t.Fatalf("%s: %v", ev, err)
		}
		mails[ev] = m.text + m.html
	}
	inside := regexp.MustCompile(`[a-z,;] The agency`)
	for name, s := range mails {
		if bad := inside.FindString(s); bad != "" {
			t.Errorf("%s: %q inside a sentence:\n%s", name, bad, s)
		}
	}
	for name, want := range map[string]string{
		"receipt": "The agency received your", NoticeReceived: "The agency received your", NoticeBooking: "The agency has your booking",
		NoticeForwarded: "competence of the agency", NoticeGuided: "competence of the agency", NoticeClosed: "writing to the agency.",
		NoticeAccepted: "An automatic message from the agency;", NoticeBookingReminder: "you booked at the agency.",
	} {
		if !strings.Contains(mails[name], want) {
			t.Errorf("%s: no %q:\n%s", name, want, mails[name])
		}
	}
}
