package present

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/petition"
)

func catalog(t *testing.T) *i18n.Catalog {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

var hanoi = time.FixedZone("ICT", 7*3600)

func TestTimeIn(t *testing.T) {
	cat := catalog(t)
	for _, tc := range []struct {
		name     string
		at       time.Time
		vi, en   string
		location *time.Location
	}{
		{"the end of a day is 24:00 of that day, not 00:00 of the next",
			time.Date(2026, 12, 19, 0, 0, 0, 0, hanoi), "24:00 ngày 18/12/2026", "end of 18 December 2026", hanoi},
		{"the end of a day in Hà Nội, given in UTC",
			time.Date(2026, 12, 18, 17, 0, 0, 0, time.UTC), "24:00 ngày 18/12/2026", "end of 18 December 2026", hanoi},
		{"the end of the year",
			time.Date(2027, 1, 1, 0, 0, 0, 0, hanoi), "24:00 ngày 31/12/2026", "end of 31 December 2026", hanoi},
		{"the end of the last day of February",
			time.Date(2027, 3, 1, 0, 0, 0, 0, hanoi), "24:00 ngày 28/02/2027", "end of 28 February 2027", hanoi},
		{"any other instant is hour and date",
			time.Date(2026, 12, 18, 8, 5, 0, 0, time.UTC), "15:05 ngày 18/12/2026", "15:05, 18 December 2026", hanoi},
		{"midnight UTC is not the end of a day in Hà Nội",
			time.Date(2026, 12, 19, 0, 0, 0, 0, time.UTC), "07:00 ngày 19/12/2026", "07:00, 19 December 2026", hanoi},
	} {
		for lang, want := range map[string]string{i18n.VI: tc.vi, i18n.EN: tc.en} {
			if got := TimeIn(tc.at, tc.location, lang, cat); got != want {
				t.Errorf("%s (%s): got %q, want %q", tc.name, lang, got, want)
			}
		}
		// Notes stored in Vietnamese (a due time computed again) and
		// callers given no wording use caseclock.DueText: the same words.
		if got := caseclock.DueText(tc.at, tc.location); got != tc.vi {
			t.Errorf("%s: caseclock.DueText %q, TimeIn %q", tc.name, got, tc.vi)
		}
	}
}

// The old wordings of a due time never come back: "00:00" of the next day,
// "24:00" without "ngày", a Vietnamese date in English.
func TestTimeInNeverOldWording(t *testing.T) {
	cat := catalog(t)
	old := regexp.MustCompile(`00:00 \d|24:00 \d|end of \d{2}/|\d{2}/\d{2}/\d{4}.*[A-Za-z]{3,}|hết ngày`)
	enDate := regexp.MustCompile(`\d{1,2}/\d{1,2}`)
	for d := time.Date(2026, 12, 1, 0, 0, 0, 0, hanoi); d.Year() < 2028; d = d.Add(7*time.Hour + 13*time.Minute) {
		vi, en := TimeIn(d, hanoi, i18n.VI, cat), TimeIn(d, hanoi, i18n.EN, cat)
		if old.MatchString(vi) || old.MatchString(en) || enDate.MatchString(en) {
			t.Fatalf("%v: %q / %q", d, vi, en)
		}
	}
}

func TestDateWording(t *testing.T) {
	d := calendar.MustDate("2026-12-08")
	for _, tc := range []struct {
		name, got, want string
	}{
		{"day vi", Date(d, i18n.VI), "08/12/2026"},
		{"day en", Date(d, i18n.EN), "8 December 2026"},
		{"an unknown language is Vietnamese", Date(d, "fr"), "08/12/2026"},
		{"month vi", Month(d, i18n.VI), "12/2026"},
		{"month en", Month(d, i18n.EN), "December 2026"},
		{"period vi", Period(calendar.MustDate("2026-12-01"), calendar.MustDate("2026-12-31"), i18n.VI), "01/12/2026 – 31/12/2026"},
		{"period en", Period(calendar.MustDate("2026-12-01"), calendar.MustDate("2026-12-31"), i18n.EN), "1–31 December 2026"},
		{"one day vi", Period(d, d, i18n.VI), "08/12/2026"},
		{"day of an instant, in Hà Nội", DateOf(time.Date(2026, 12, 7, 17, 30, 0, 0, time.UTC), hanoi, i18n.VI), "08/12/2026"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

// A due time is named by what it is for: a denunciation's first seven
// working days are its initial processing, not its answer.
func TestDueAndClockLabels(t *testing.T) {
	cat := catalog(t)
	for _, tc := range []struct {
		lang, rule, due, clock string
	}{
		{i18n.VI, "denunciation.initial", "Hạn xử lý ban đầu", "Xử lý ban đầu tố cáo"},
		{i18n.EN, "denunciation.initial", "Initial processing due", "Initial processing of the denunciation"},
		{i18n.VI, "pakn.answer", "Hạn trả lời", "Xử lý đơn"},
		{i18n.VI, "complaint.accept", "Hạn xem xét thụ lý", "Xử lý đơn"},
		{i18n.VI, "no.such.rule", "Hạn trả lời", "Xử lý đơn"},
	} {
		if got := DueLabel(cat, tc.lang, tc.rule); got != tc.due {
			t.Errorf("DueLabel(%s, %s) = %q, want %q", tc.lang, tc.rule, got, tc.due)
		}
		if got := ClockLabel(cat, tc.lang, "process", tc.rule); got != tc.clock {
			t.Errorf("ClockLabel(%s, process, %s) = %q, want %q", tc.lang, tc.rule, got, tc.clock)
		}
		for _, s := range []string{DueLabel(cat, tc.lang, tc.rule)} {
			if tc.rule == "denunciation.initial" && (strings.Contains(strings.ToLower(s), "trả lời") || strings.Contains(strings.ToLower(s), "answer")) {
				t.Errorf("a denunciation's initial processing is called %q", s)
			}
		}
	}
	if got := ClockLabel(cat, i18n.VI, "duty", "denunciation.notify"); got != cat.T(i18n.VI, "rule.denunciation.notify", nil) {
		t.Errorf("a duty is named by its rule: %q", got)
	}
}

func TestDueExplanation(t *testing.T) {
	cat := catalog(t)
	at := time.Date(2026, 12, 19, 0, 0, 0, 0, hanoi)
	for _, tc := range []struct {
		name   string
		due    petition.Due
		vi, en string
	}{
		{"not computed", petition.Due{RuleID: "pakn.answer"}, "chưa tính", "not yet computed"},
		{"the calculator's own explanation", petition.Due{RuleID: "pakn.answer", At: at,
			Explanation: petition.Explanation{VI: "10 ngày làm việc, bỏ qua Tết", EN: "10 working days, skipping Tết"}},
			"10 ngày làm việc, bỏ qua Tết", "10 working days, skipping Tết"},
		{"the rule's wording when the calculator gave none", petition.Due{RuleID: "pakn.answer", At: at},
			"Thời hạn trả lời phản ánh, kiến nghị: 10 ngày làm việc kể từ ngày tiếp nhận.",
			"Time limit to answer a petition or report: 10 working days from receipt."},
		{"a rule with a name and no sentence", petition.Due{RuleID: "complaint.filing", At: at},
			"Thời hạn theo quy định: Thời hiệu khiếu nại (thời hạn người khiếu nại nộp đơn).",
			"Time limit under the rule: " + cat.T(i18n.EN, "rule.complaint.filing", nil) + "."},
		{"a rule the catalogue does not know", petition.Due{RuleID: "agency.custom", At: at},
			"Thời hạn tính theo quy định áp dụng cho loại vụ việc này.",
			"Time limit under the rule that applies to this kind of case."},
		{"no rule", petition.Due{At: at},
			"Thời hạn tính theo quy định áp dụng cho loại vụ việc này.",
			"Time limit under the rule that applies to this kind of case."},
	} {
		for lang, want := range map[string]string{i18n.VI: tc.vi, i18n.EN: tc.en} {
			if got := DueExplanation(cat, lang, tc.due); got != want {
				t.Errorf("%s (%s): got %q, want %q", tc.name, lang, got, want)
			}
		}
	}
}

func TestEventText(t *testing.T) {
	cat := catalog(t)
	due := time.Date(2026, 12, 19, 0, 0, 0, 0, hanoi)
	for _, tc := range []struct {
		name   string
		event  petition.Event
		vi, en string
	}{
		{"a plain event", petition.Event{Kind: petition.EventReceived, Public: true}, "Đã tiếp nhận", "Received"},
		{"the unit it names", petition.Event{Kind: petition.EventAssigned, Public: true, UnitName: "Phòng A"},
			"Giao Phòng A chủ trì giải quyết", "Assigned to Phòng A"},
		{"the new due time of an extension, as the law reads it",
			petition.Event{Kind: petition.EventExtended, Public: true, Note: "vụ việc phức tạp", DueAt: &due},
			"Gia hạn giải quyết đến 24:00 ngày 18/12/2026. Lý do: vụ việc phức tạp",
			"Extended to end of 18 December 2026. Reason: vụ việc phức tạp"},
	} {
		for lang, want := range map[string]string{i18n.VI: tc.vi, i18n.EN: tc.en} {
			if got := EventText(cat, lang, tc.event, hanoi); got != want {
				t.Errorf("%s (%s): got %q, want %q", tc.name, lang, got, want)
			}
			// Staff read a public entry as the citizen does.
			if got := StaffEventText(cat, lang, tc.event, hanoi); got != want {
				t.Errorf("%s (%s), staff: got %q, want %q", tc.name, lang, got, want)
			}
		}
	}
}

func TestDescribe(t *testing.T) {
	cat := catalog(t)
	phone := fault.FieldError(petition.FieldPhone, "petition.phone_invalid", nil)
	for _, tc := range []struct {
		name   string
		err    error
		vi, en ErrorBody
	}{
		{"a field error names its field and its message",
			fmt.Errorf("submit: %w", phone),
			ErrorBody{Status: http.StatusUnprocessableEntity, Code: "invalid",
				Message: "Số điện thoại chưa đúng: số di động gồm 0 và 9 chữ số (ví dụ 0912 345 678), số cố định gồm 0, mã vùng và số thuê bao, tổng 11 chữ số (ví dụ 0205 3812 345); có thể viết +84 thay cho số 0 đầu.",
				Errors: []FieldErrorBody{{Field: "phone", Code: "petition.phone_invalid",
					Message: "Số điện thoại chưa đúng: số di động gồm 0 và 9 chữ số (ví dụ 0912 345 678), số cố định gồm 0, mã vùng và số thuê bao, tổng 11 chữ số (ví dụ 0205 3812 345); có thể viết +84 thay cho số 0 đầu."}}},
			ErrorBody{Status: http.StatusUnprocessableEntity, Code: "invalid",
				Message: "The phone number is not valid: a mobile is 0 and 9 digits (for example 0912 345 678), a landline is 0, the area code and the subscriber number, 11 digits in all (for example 0205 3812 345); +84 may replace the leading 0.",
				Errors: []FieldErrorBody{{Field: "phone", Code: "petition.phone_invalid",
					Message: "The phone number is not valid: a mobile is 0 and 9 digits (for example 0912 345 678), a landline is 0, the area code and the subscriber number, 11 digits in all (for example 0205 3812 345); +84 may replace the leading 0."}}}},
		{"a list of field errors is one 422",
			fault.List{phone},
			ErrorBody{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: "Dữ liệu không hợp lệ.",
				Errors: []FieldErrorBody{{Field: "phone", Code: "petition.phone_invalid",
					Message: "Số điện thoại chưa đúng: số di động gồm 0 và 9 chữ số (ví dụ 0912 345 678), số cố định gồm 0, mã vùng và số thuê bao, tổng 11 chữ số (ví dụ 0205 3812 345); có thể viết +84 thay cho số 0 đầu."}}},
			ErrorBody{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: "The data is not valid.",
				Errors: []FieldErrorBody{{Field: "phone", Code: "petition.phone_invalid",
					Message: "The phone number is not valid: a mobile is 0 and 9 digits (for example 0912 345 678), a landline is 0, the area code and the subscriber number, 11 digits in all (for example 0205 3812 345); +84 may replace the leading 0."}}}},
		{"an error without a message speaks for its code",
			fault.RateLimitedFor("", time.Minute),
			ErrorBody{Status: http.StatusTooManyRequests, Code: "rate_limited", Message: "Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau."},
			ErrorBody{Status: http.StatusTooManyRequests, Code: "rate_limited", Message: "Too many requests. Please try again later."}},
		{"a not-found", fault.New(fault.NotFound, ""),
			ErrorBody{Status: http.StatusNotFound, Code: "not_found", Message: "Không tìm thấy."},
			ErrorBody{Status: http.StatusNotFound, Code: "not_found", Message: "Not found."}},
	} {
		for lang, want := range map[string]ErrorBody{i18n.VI: tc.vi, i18n.EN: tc.en} {
			if d := cmp.Diff(want, Describe(tc.err, lang, cat)); d != "" {
				t.Errorf("%s (%s) (-want +got):\n%s", tc.name, lang, d)
			}
			if got := Status(tc.err); got != want.Status {
				t.Errorf("%s: Status %d, Describe %d", tc.name, got, want.Status)
			}
		}
	}
	// Anything that is not the domain's says nothing of itself.
	for _, lang := range i18n.Supported {
		b := Describe(errors.New("pq: relation \"cases\" does not exist"), lang, cat)
		if b.Status != http.StatusInternalServerError || b.Code != "internal" || b.Message != cat.T(lang, "error.internal", nil) || b.Errors != nil {
			t.Errorf("%s: an unknown error: %+v", lang, b)
		}
	}
}

func TestMoment(t *testing.T) {
	for _, tc := range []struct {
		at             time.Time
		minute, second string
	}{
		// A moment at midnight is a moment, not the end of the day before.
		{time.Date(2026, 12, 18, 17, 0, 0, 0, time.UTC), "00:00 19/12/2026", "00:00:00 19/12/2026"},
		{time.Date(2026, 12, 18, 8, 5, 9, 0, time.UTC), "15:05 18/12/2026", "15:05:09 18/12/2026"},
	} {
		if got := Moment(tc.at, hanoi, i18n.VI); got != tc.minute {
			t.Errorf("Moment(%v) = %q, want %q", tc.at, got, tc.minute)
		}
		if got := MomentSeconds(tc.at, hanoi, i18n.VI); got != tc.second {
			t.Errorf("MomentSeconds(%v) = %q, want %q", tc.at, got, tc.second)
		}
	}
	// English words the day as every English page does.
	at := time.Date(2026, 12, 18, 8, 5, 9, 0, time.UTC)
	if got := Moment(at, hanoi, i18n.EN); got != "15:05, 18 December 2026" {
		t.Errorf("Moment en: %q", got)
	}
	if got := MomentSeconds(at, hanoi, i18n.EN); got != "15:05:09, 18 December 2026" {
		t.Errorf("MomentSeconds en: %q", got)
	}
}

func TestSetRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		name  string
		err   error
		want  string
		wrote bool
	}{
		{"rounded up to a second", fault.RateLimitedFor("error.rate_limited", 300*time.Millisecond), "1", true},
		{"whole seconds", fault.RateLimitedFor("error.rate_limited", 90*time.Second), "90", true},
		{"a limit that does not say", fault.New(fault.RateLimited, "error.rate_limited"), "", false},
		{"not a limit", fault.New(fault.Invalid, "error.invalid"), "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if got := SetRetryAfter(h, tc.err); got != tc.wrote {
				t.Errorf("SetRetryAfter wrote %v, want %v", got, tc.wrote)
			}
			if got := h.Get("Retry-After"); got != tc.want {
				t.Errorf("Retry-After %q, want %q", got, tc.want)
			}
		})
	}
}
