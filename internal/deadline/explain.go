package deadline

import (
	"strconv"
	"strings"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
)

// Explain says, in Vietnamese (lang "vi", the default) or English ("en"),
// which rule applies and on what legal basis, when the period started,
// its limit, extensions and suspensions, the days not counted and why, and
// the due date. Citizens and officials read it, so it names holidays and
// cites the law; it never mentions internal IDs.
//
// Example (complaint.resolve, first round, accepted 12/02/2026):
//
//	Khiếu nại lần đầu: giải quyết trong 30 ngày kể từ ngày thụ lý (Luật
//	Khiếu nại 2011, Điều 28). Thụ lý 12/02/2026; ngày cuối thời hạn
//	14/03/2026 là Thứ Bảy nên chuyển sang ngày làm việc tiếp theo
//	16/03/2026. Hạn: hết ngày 16/03/2026.
func Explain(res Result, lang string) string {
	en := strings.HasPrefix(strings.ToLower(lang), "en")
	t := viTexts()
	if en {
		t = enTexts()
	}
	var b strings.Builder
	date := func(d calendar.Date) string {
		if en {
			return d.EN()
		}
		return d.VN()
	}
	units := func(n int) string {
		u := t.days
		if res.Unit == WorkingDays {
			u = t.workingDays
		}
		if en && n == 1 {
			u = strings.TrimSuffix(u, "s")
		}
		return strconv.Itoa(n) + " " + u
	}

	// 1. The rule.
	b.WriteString(t.kind(res.Rule.Kind, res.Round, res.Rule.ID))
	var variants []string
	switch res.Complexity {
	case Complex:
		variants = append(variants, t.complex)
	case EspeciallyComplex:
		variants = append(variants, t.especially)
	}
	if res.Remote {
		variants = append(variants, t.remote)
	}
	if len(variants) > 0 {
		b.WriteString(" (" + strings.Join(variants, ", ") + ")")
	}
	if res.Rule.Before {
		b.WriteString(": " + t.step(res.Rule.Step) + " " + t.atLeastBefore(units(res.Limit), t.from(res.Rule.Start)))
	} else {
		b.WriteString(": " + t.step(res.Rule.Step) + " " + t.within + " " + units(res.Limit) + " " + t.from(res.Rule.Start))
	}
	if basis := res.Rule.LegalBasisFor(res.Round, en); basis != "" {
		b.WriteString(t.aside(basis))
	}
	b.WriteString(".")
	if res.Overridden {
		b.WriteString(" " + t.overridden)
		if res.Override.Reason != "" {
			b.WriteString(": " + res.Override.Reason)
		}
		b.WriteString(".")
	} else if res.Rule.Configurable {
		b.WriteString(" " + t.configuredDefault + ".")
	}
	if res.Rule.EffectiveFrom == LawChangeDate() {
		b.WriteString(" " + t.law136 + ".")
	}

	// Why this version: a case whose deciding event fell before a later
	// version took effect keeps the earlier one.
	to := res.Superseded
	if end := res.Rule.EffectiveTo; !end.IsZero() && (to.IsZero() || end.Before(to)) {
		to = end
	}
	if !to.IsZero() && res.EventDate.Before(to) {
		b.WriteString(" " + t.olderVersion(t.eventName(res.Rule.VersionEvent()), date(res.EventDate), date(to)))
		if basis := res.Rule.VersionBasis; basis != "" {
			if en {
				basis = res.Rule.VersionBasisEN
			}
			b.WriteString(t.aside(basis))
		}
		b.WriteString(".")
	}

	// 2. The start, extensions and suspensions.
	if res.Rule.Before {
		b.WriteString(" " + t.label(res.Rule.Start) + " " + date(res.EventDate) + " (" + t.countBack + ")")
	} else {
		b.WriteString(" " + t.label(res.Rule.Start) + " " + date(res.EventDate) + " (" + t.dayAfter + ")")
	}
	events := res.Extensions > 0 || len(res.Pauses) > 0
	if events {
		b.WriteString(".")
	}
	if res.Extensions > 0 {
		b.WriteString(" " + t.extended(res.Extensions, units(res.ExtensionDays)) + ".")
	}
	pauseBasis := res.Rule.PauseBasis
	if en {
		pauseBasis = res.Rule.PauseBasisEN
	}
	for _, p := range res.Pauses {
		if p.Restarted {
			b.WriteString(" " + t.restarted(date(p.From), date(p.To)))
			if pauseBasis != "" {
				b.WriteString(" (" + pauseBasis + ")")
			}
			b.WriteString(".")
		} else {
			b.WriteString(" " + t.paused(date(p.From), date(p.To), units(p.Days)))
			if res.Rule.PauseRestarts {
				// The restart rule exists but the suspension predates it.
				b.WriteString("; " + t.beforeRestart(date(res.Rule.PauseRestartsFrom)))
			}
			b.WriteString(".")
		}
	}
	sep := func(s string) {
		if events {
			b.WriteString(" " + strings.ToUpper(s[:1]) + s[1:])
		} else {
			b.WriteString("; " + s)
		}
	}

	// 3. A suspended clock has no due date.
	if res.Suspended {
		if res.Rule.RestartsAfter(res.SuspendedSince) {
			sep(t.suspendedRestart(date(res.SuspendedSince), units(res.Limit+res.ExtensionDays)) + ".")
		} else {
			sep(t.suspended(date(res.SuspendedSince), units(res.Remaining)) + ".")
		}
		return b.String()
	}

	// 4. The count.
	if res.Rule.Before {
		sep(t.backCount(res, en, date, units) + ".")
	} else if res.Unit == WorkingDays {
		s := t.nthWorkingDay(res.Total(), date(res.DueDate))
		if len(res.WorkedWeekends) > 0 {
			var ds []string
			for _, d := range res.WorkedWeekends {
				ds = append(ds, t.weekdayName(d, en)+" "+date(d))
			}
			s += ", " + t.countedWeekend(strings.Join(ds, ", "))
		}
		if len(res.Skipped) > 0 {
			s += ", " + t.notCounted + ": " + groups(res.Skipped, en, date)
		}
		sep(s + ".")
	} else if res.RolledForwardFrom == nil {
		s := t.lastDay(date(res.LastDay))
		if len(res.WorkedWeekends) > 0 {
			s += " (" + t.workedLastDay + ")"
		}
		sep(s + ".")
	} else {
		var why string
		first := res.Skipped[0]
		reason := first.Reason
		if en {
			reason = first.ReasonEN
		}
		if first.Reason == calendar.ReasonSaturday || first.Reason == calendar.ReasonSunday {
			why = t.weekend(reason)
		} else {
			why = t.holiday(reason)
		}
		s := t.rolled(date(*res.RolledForwardFrom), why, date(res.DueDate))
		holidays := false
		for _, k := range res.Skipped[1:] {
			holidays = holidays || k.Reason != calendar.ReasonSaturday && k.Reason != calendar.ReasonSunday
		}
		s += " (" + t.rollBasis + ")"
		if holidays {
			// Apart, not in the bracket above: a holiday's name may carry
			// brackets of its own.
			s += "; " + t.notCounted + ": " + groups(res.Skipped, en, date)
		}
		sep(s + ".")
	}
	b.WriteString(" " + t.due(date(res.DueDate)) + ".")
	if res.Provisional {
		b.WriteString(" " + t.provisional + ".")
	}
	return b.String()
}

// groups writes runs of consecutive skipped days as "14/02/2026–22/02/2026
// (Tết Nguyên đán)", with the distinct reasons of each run.
func groups(days []Skipped, en bool, date func(calendar.Date) string) string {
	var parts []string
	for i := 0; i < len(days); {
		j := i
		var reasons []string
		for {
			r := days[j].Reason
			if en {
				r = days[j].ReasonEN
			}
			if !contains(reasons, r) {
				reasons = append(reasons, r)
			}
			if j+1 < len(days) && days[j+1].Date == days[j].Date.AddDays(1) {
				j++
				continue
			}
			break
		}
		s := date(days[i].Date)
		switch {
		case j > i && en:
			s = calendar.RangeEN(days[i].Date, days[j].Date)
		case j > i:
			s += "–" + date(days[j].Date)
		}
		parts = append(parts, s+" ("+strings.Join(reasons, ", ")+")")
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// texts holds one language's phrases. viTexts and enTexts build them on
// each call so that the package keeps no state; Explain is not a hot path.
type texts struct {
	days, workingDays, within      string
	complex, especially, remote    string
	overridden, notCounted         string
	provisional                    string
	kind                           func(k Kind, round int, id string) string
	step                           func(s Step) string
	from, label                    func(s StartEvent) string
	extended                       func(n int, units string) string
	restarted                      func(from, to string) string
	paused                         func(from, to, units string) string
	suspended, suspendedRestart    func(since, units string) string
	olderVersion                   func(event, on, to string) string
	configuredDefault, law136      string
	dayAfter, rollBasis            string
	workedLastDay                  string
	countedWeekend                 func(days string) string
	weekdayName                    func(d calendar.Date, en bool) string
	eventName                      func(s StartEvent) string
	beforeRestart                  func(from string) string
	nthWorkingDay                  func(n int, due string) string
	lastDay, due, weekend, holiday func(s string) string
	rolled                         func(last, why, due string) string
	// under introduces a legal basis that cannot go in brackets (aside).
	under string
	// Periods counted backwards (Rule.Before).
	atLeastBefore func(units, before string) string
	countBack     string
	nthBefore     func(n, last string) string
	rolledBack    func(why, due string) string
	rollBackWhy   string
}

// aside adds a legal basis to the sentence being written: in brackets, or,
// when the basis nests brackets of its own ("Quy định của cơ quan (...;
// Luật Tiếp công dân 2013, Điều 28(1))"), after "theo" ("under"), so that
// no text nests brackets three deep.
func (t texts) aside(basis string) string {
	depth, deepest := 0, 0
	for _, r := range basis {
		switch r {
		case '(':
			depth++
			deepest = max(deepest, depth)
		case ')':
			depth--
		}
	}
	if deepest <= 1 {
		return " (" + basis + ")"
	}
	return ", " + t.under + " " + basis
}

// backCount explains the last day of a period counted backwards from its
// event, and its move back past days off.
func (t texts) backCount(res Result, en bool, date func(calendar.Date) string, units func(int) string) string {
	s := t.nthBefore(units(res.Total()), date(res.LastDay))
	if len(res.WorkedWeekends) > 0 && res.Unit != WorkingDays {
		s += " (" + t.workedLastDay + ")"
	}
	if res.Unit == WorkingDays && len(res.Skipped) > 0 {
		s += ", " + t.notCounted + ": " + groups(res.Skipped, en, date)
	}
	if res.RolledBackFrom != nil && len(res.Skipped) > 0 {
		first := res.Skipped[len(res.Skipped)-1]
		reason := first.Reason
		if en {
			reason = first.ReasonEN
		}
		why := t.holiday(reason)
		if first.Reason == calendar.ReasonSaturday || first.Reason == calendar.ReasonSunday {
			why = t.weekend(reason)
		}
		s += ", " + t.rolledBack(why, date(res.DueDate)) + " (" + t.rollBackWhy + "); " + t.notCounted + ": " + groups(res.Skipped, en, date)
	}
	return s
}

func viTexts() texts {
	return texts{
		days: "ngày", workingDays: "ngày làm việc", within: "trong",
		complex: "vụ việc phức tạp", especially: "vụ việc đặc biệt phức tạp", remote: "vùng sâu, vùng xa",
		overridden: "Thời hạn do cơ quan quy định", notCounted: "không tính các ngày nghỉ",
		provisional: "Lưu ý: lịch ngày nghỉ trong khoảng này chưa được xác nhận nên hạn có thể thay đổi",
		kind: func(k Kind, round int, id string) string {
			switch k {
			case KindLetter:
				return "Đơn thư"
			case KindPAKN:
				return "Phản ánh, kiến nghị"
			case KindComplaint:
				if strings.HasPrefix(id, "complaint.discipline.") {
					if round == 2 {
						return "Khiếu nại quyết định kỷ luật lần hai"
					}
					return "Khiếu nại quyết định kỷ luật lần đầu"
				}
				if round == 2 {
					return "Khiếu nại lần hai"
				}
				return "Khiếu nại lần đầu"
			case KindDenunciation:
				return "Tố cáo"
			case KindReception:
				return "Tiếp công dân"
			}
			return id
		},
		step: func(s Step) string {
			switch s {
			case StepProcess:
				return "xử lý đơn"
			case StepForward:
				return "chuyển đến cơ quan có thẩm quyền"
			case StepAnswer:
				return "trả lời"
			case StepAccept:
				return "thụ lý"
			case StepResolve:
				return "giải quyết"
			case StepInitial:
				return "xử lý ban đầu"
			case StepFile:
				return "nộp đơn khiếu nại"
			case StepNotify:
				return "thông báo cho người tố cáo và người bị tố cáo"
			case StepSendDecision:
				return "gửi quyết định tạm đình chỉ"
			case StepPublish:
				return "công khai kết luận nội dung tố cáo"
			case StepReport:
				return "báo cáo cơ quan cấp trên về việc giải quyết tố cáo quá hạn"
			case StepReportBack:
				return "báo cáo kết quả giải quyết cho cơ quan, đại biểu dân cử đã chuyển đơn"
			case StepRefusalNote:
				return "ra thông báo từ chối tiếp công dân bằng văn bản"
			case StepDialogueNote:
				return "gửi văn bản thông báo về việc tổ chức đối thoại"
			}
			return string(s)
		},
		from: func(s StartEvent) string {
			switch s {
			case StartAcceptance:
				return "kể từ ngày thụ lý"
			case StartDecision:
				return "kể từ ngày nhận được hoặc biết được quyết định bị khiếu nại"
			case StartAcceptDecision:
				return "kể từ ngày ra quyết định thụ lý"
			case StartSuspension:
				return "kể từ ngày ban hành quyết định tạm đình chỉ"
			case StartConclusion:
				return "kể từ ngày ban hành kết luận nội dung tố cáo"
			case StartReportRequest:
				return "kể từ ngày nhận yêu cầu báo cáo của cơ quan cấp trên"
			case StartResolved:
				return "kể từ ngày có kết quả giải quyết"
			case StartRefusal:
				return "kể từ ngày từ chối tiếp"
			case StartDialogue:
				return "trước ngày đối thoại"
			}
			return "kể từ ngày nhận"
		},
		label: func(s StartEvent) string {
			switch s {
			case StartAcceptance:
				return "Thụ lý"
			case StartDecision:
				return "Nhận được hoặc biết được quyết định"
			case StartAcceptDecision:
				return "Quyết định thụ lý"
			case StartSuspension:
				return "Quyết định tạm đình chỉ"
			case StartConclusion:
				return "Kết luận"
			case StartReportRequest:
				return "Cấp trên yêu cầu báo cáo"
			case StartResolved:
				return "Có kết quả giải quyết"
			case StartRefusal:
				return "Từ chối tiếp"
			case StartDialogue:
				return "Ngày đối thoại"
			}
			return "Nhận"
		},
		extended: func(n int, units string) string {
			return "Gia hạn " + strconv.Itoa(n) + " lần, thêm " + units
		},
		restarted: func(from, to string) string {
			return "Tạm đình chỉ ngày " + from + "; tiếp tục giải quyết ngày " + to + ": thời hạn được tính lại từ ngày " + to
		},
		paused: func(from, to, units string) string {
			return "Tạm đình chỉ từ ngày " + from + " đến ngày " + to + ": không tính " + units + " tạm đình chỉ"
		},
		suspended: func(since, units string) string {
			return "đang tạm đình chỉ từ ngày " + since + ", thời hạn ngừng tính; còn " + units + " khi tiếp tục giải quyết"
		},
		suspendedRestart: func(since, units string) string {
			return "đang tạm đình chỉ từ ngày " + since + ", thời hạn ngừng tính; " + units + " sẽ được tính lại từ ngày có quyết định tiếp tục giải quyết"
		},
		nthWorkingDay: func(n int, due string) string {
			return "ngày làm việc thứ " + strconv.Itoa(n) + " là " + due
		},
		configuredDefault: "Đây là thời hạn mặc định do cơ quan cấu hình, không phải thời hạn luật định",
		law136:            "Quy định áp dụng từ ngày 01/07/2026, ngày Luật 136/2025/QH15 sửa đổi, bổ sung Luật Tiếp công dân, Luật Khiếu nại, Luật Tố cáo có hiệu lực",
		dayAfter:          "thời hạn tính từ ngày tiếp theo, Bộ luật Dân sự 2015, Điều 147(2)",
		rollBasis:         "Bộ luật Dân sự 2015, Điều 148(5)",
		workedLastDay:     "ngày làm việc bù, nên không chuyển",
		countedWeekend:    func(days string) string { return "tính cả " + days + " là ngày làm việc bù" },
		weekdayName:       weekdayName,
		olderVersion: func(event, on, to string) string {
			return "Áp dụng quy định trước ngày " + to + " vì " + event + " (" + on + ") trước ngày quy định mới có hiệu lực"
		},
		eventName: func(s StartEvent) string {
			switch s {
			case StartAcceptance:
				return "ngày thụ lý"
			case StartDecision:
				return "ngày biết được quyết định"
			case StartAcceptDecision:
				return "ngày ra quyết định thụ lý"
			case StartSuspension:
				return "ngày ban hành quyết định tạm đình chỉ"
			case StartConclusion:
				return "ngày ban hành kết luận"
			case StartReportRequest:
				return "ngày cấp trên yêu cầu báo cáo"
			case StartResolved:
				return "ngày có kết quả giải quyết"
			case StartRefusal:
				return "ngày từ chối tiếp"
			case StartDialogue:
				return "ngày đối thoại"
			}
			return "ngày nhận"
		},
		beforeRestart: func(from string) string {
			return "quyết định tạm đình chỉ ban hành trước ngày " + from + " nên thời hạn không được tính lại từ đầu"
		},
		lastDay: func(s string) string { return "ngày cuối thời hạn là " + s },
		due:     func(s string) string { return "Hạn: 24:00 ngày " + s },
		under:   "theo",
		weekend: func(s string) string { return s },
		holiday: func(s string) string { return "ngày nghỉ (" + s + ")" },
		rolled: func(last, why, due string) string {
			return "ngày cuối thời hạn " + last + " là " + why + " nên chuyển sang ngày làm việc tiếp theo " + due
		},
		atLeastBefore: func(units, before string) string { return before + " ít nhất " + units },
		countBack:     "đếm lùi, không tính ngày đối thoại, như Bộ luật Dân sự 2015, Điều 147(2) không tính ngày của sự kiện",
		nthBefore:     func(n, last string) string { return "tính lùi " + n + " là ngày " + last },
		rolledBack: func(why, due string) string {
			return "là " + why + " nên lùi về ngày làm việc liền trước " + due
		},
		rollBackWhy: "thời hạn đếm lùi nên lùi về trước chứ không chuyển sang ngày sau, để thời gian thông báo không ít hơn mức tối thiểu; chiều ngược với Bộ luật Dân sự 2015, Điều 148(5)",
	}
}

func enTexts() texts {
	return texts{
		days: "days", workingDays: "working days", within: "within",
		complex: "complex case", especially: "especially complex case", remote: "remote area",
		overridden: "Limit set by the agency", notCounted: "not counting days off",
		provisional: "Note: the days off in this period are not confirmed yet, so the due date may change",
		kind: func(k Kind, round int, id string) string {
			switch k {
			case KindLetter:
				return "Letter"
			case KindPAKN:
				return "Feedback or petition (PAKN)"
			case KindComplaint:
				if strings.HasPrefix(id, "complaint.discipline.") {
					if round == 2 {
						return "Second complaint against a disciplinary decision"
					}
					return "First complaint against a disciplinary decision"
				}
				if round == 2 {
					return "Second complaint"
				}
				return "First complaint"
			case KindDenunciation:
				return "Denunciation"
			case KindReception:
				return "Citizen reception"
			}
			return id
		},
		step: func(s Step) string {
			switch s {
			case StepProcess:
				return "process"
			case StepForward:
				return "forward to the competent body"
			case StepAnswer:
				return "answer"
			case StepAccept:
				return "accept"
			case StepResolve:
				return "resolve"
			case StepInitial:
				return "initial processing"
			case StepFile:
				return "file the complaint"
			case StepNotify:
				return "notify the denouncer and the person denounced"
			case StepSendDecision:
				return "send the suspension decision"
			case StepPublish:
				return "publish the conclusion on the denunciation"
			case StepReport:
				return "report to the superior on the overdue denunciation"
			case StepReportBack:
				return "report the result to the elected body or deputy that forwarded the case"
			case StepRefusalNote:
				return "issue the written notice refusing reception"
			case StepDialogueNote:
				return "send the written notice of the dialogue"
			}
			return string(s)
		},
		from: func(s StartEvent) string {
			switch s {
			case StartAcceptance:
				return "from acceptance"
			case StartDecision:
				return "from the day the contested decision was received or learned of"
			case StartAcceptDecision:
				return "from the acceptance decision"
			case StartSuspension:
				return "from the suspension decision"
			case StartConclusion:
				return "from the conclusion on the denunciation"
			case StartReportRequest:
				return "from the superior's request for a report"
			case StartResolved:
				return "from the resolution"
			case StartRefusal:
				return "from the refusal"
			case StartDialogue:
				return "before the dialogue"
			}
			return "from receipt"
		},
		label: func(s StartEvent) string {
			switch s {
			case StartAcceptance:
				return "Accepted"
			case StartDecision:
				return "Decision received or learned of"
			case StartAcceptDecision:
				return "Acceptance decision"
			case StartSuspension:
				return "Suspension decision"
			case StartConclusion:
				return "Conclusion"
			case StartReportRequest:
				return "Report requested by the superior"
			case StartResolved:
				return "Resolved"
			case StartRefusal:
				return "Reception refused"
			case StartDialogue:
				return "Dialogue on"
			}
			return "Received"
		},
		extended: func(n int, units string) string {
			times := strconv.Itoa(n) + " times"
			if n == 1 {
				times = "once"
			}
			return "Extended " + times + ", adding " + units
		},
		restarted: func(from, to string) string {
			return "Suspended on " + from + "; resumed on " + to + ": the period counts again from " + to
		},
		paused: func(from, to, units string) string {
			return "Suspended from " + from + " to " + to + ": " + units + " not counted"
		},
		suspended: func(since, units string) string {
			return "suspended since " + since + ", the clock is stopped; " + units + " remain when resolution continues"
		},
		suspendedRestart: func(since, units string) string {
			return "suspended since " + since + ", the clock is stopped; " + units + " will count again from the decision to continue"
		},
		nthWorkingDay: func(n int, due string) string {
			return "working day number " + strconv.Itoa(n) + " is " + due
		},
		configuredDefault: "This is the agency's configured default, not a limit set by law",
		law136:            "The rule applies from 1 July 2026, when Law 136/2025/QH15 amending the Laws on Citizen Reception, Complaints and Denunciations took effect",
		dayAfter:          "counted from the next day, Civil Code 2015, Art. 147(2)",
		rollBasis:         "Civil Code 2015, Art. 148(5)",
		workedLastDay:     "a make-up working day, so it does not move",
		countedWeekend:    func(days string) string { return "counting " + days + ", a make-up working day" },
		weekdayName:       weekdayName,
		olderVersion: func(event, on, to string) string {
			return "The rule in force before " + to + " applies because the " + event + " (" + on + ") is before the new rule took effect"
		},
		eventName: func(s StartEvent) string {
			switch s {
			case StartAcceptance:
				return "date of acceptance"
			case StartDecision:
				return "date the decision was learned of"
			case StartAcceptDecision:
				return "date of the acceptance decision"
			case StartSuspension:
				return "date of the suspension decision"
			case StartConclusion:
				return "date of the conclusion"
			case StartReportRequest:
				return "date the superior asked for the report"
			case StartResolved:
				return "date of the resolution"
			case StartRefusal:
				return "date reception was refused"
			case StartDialogue:
				return "date of the dialogue"
			}
			return "date of receipt"
		},
		beforeRestart: func(from string) string {
			return "the suspension was decided before " + from + ", so the period does not start again in full"
		},
		lastDay: func(s string) string { return "the last day of the period is " + s },
		due:     func(s string) string { return "Due: end of " + s },
		under:   "under",
		weekend: func(s string) string { return "a " + s },
		holiday: func(s string) string { return "a day off (" + s + ")" },
		rolled: func(last, why, due string) string {
			return "the last day, " + last + ", is " + why + ", so the period ends on the next working day, " + due
		},
		atLeastBefore: func(units, before string) string { return "at least " + units + " " + before },
		countBack:     "counted backwards, not counting the day of the dialogue, as Civil Code 2015, Art. 147(2) does not count the day of the event",
		nthBefore:     func(n, last string) string { return n + " back is " + last },
		rolledBack: func(why, due string) string {
			return "which is " + why + ", so the period ends on the working day before, " + due
		},
		rollBackWhy: "a period counted backwards moves back, never forward, so that the notice is never shorter than the minimum; the reverse of Civil Code 2015, Art. 148(5)",
	}
}

// weekdayName names d's weekday for a worked weekend day.
func weekdayName(d calendar.Date, en bool) string {
	switch {
	case en && d.Weekday() == time.Sunday:
		return "Sunday"
	case en:
		return "Saturday"
	case d.Weekday() == time.Sunday:
		return "Chủ nhật"
	}
	return "Thứ Bảy"
}
