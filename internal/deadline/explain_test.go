package deadline

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/phucdap/phucdap/internal/calendar"
)

func TestExplain(t *testing.T) {
	e := newEngine(t,
		Override{RuleID: PAKNAnswer, Scope: "urgency:urgent", Limit: 3, Reason: "Việc khẩn theo quy chế của Sở"},
	)
	d := calendar.MustDate
	suspended := Clock{RuleID: ComplaintResolve, StartDate: d("2026-07-15"), Events: []Event{{Kind: EventSuspend, At: at("2026-07-20")}}}
	suspendedRes, err := e.Evaluate(suspended)
	if err != nil {
		t.Fatal(err)
	}
	resumed := suspended
	resumed.Events = append(resumed.Events, Event{Kind: EventResume, At: at("2026-08-10")})
	resumedRes, err := e.Evaluate(resumed)
	if err != nil {
		t.Fatal(err)
	}
	early := Clock{RuleID: ComplaintResolve, StartDate: d("2026-06-01"),
		Events: []Event{{Kind: EventSuspend, At: at("2026-06-10")}, {Kind: EventResume, At: at("2026-06-20")}}}
	earlyRes, err := e.Evaluate(early)
	if err != nil {
		t.Fatal(err)
	}
	extended := Clock{RuleID: DenunciationResolve, StartDate: d("2026-07-15"), Complexity: Complex,
		Events: []Event{{Kind: EventExtend, At: at("2026-08-10")}}}
	extendedRes, err := e.Evaluate(extended)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		res  Result
		lang string
		want string
	}{
		{
			name: "calendar days rolled over a weekend",
			res:  mustCompute(t, e, Request{RuleID: ComplaintResolve, StartDate: d("2026-02-12")}),
			lang: "vi",
			want: "Khiếu nại lần đầu: giải quyết trong 30 ngày kể từ ngày thụ lý (Luật Khiếu nại 2011, Điều 28). Thụ lý 12/02/2026 (thời hạn tính từ ngày tiếp theo, Bộ luật Dân sự 2015, Điều 147(2)); ngày cuối thời hạn 14/03/2026 là Thứ Bảy nên chuyển sang ngày làm việc tiếp theo 16/03/2026 (Bộ luật Dân sự 2015, Điều 148(5)). Hạn: 24:00 ngày 16/03/2026.",
		},
		{
			name: "same in English",
			res:  mustCompute(t, e, Request{RuleID: ComplaintResolve, StartDate: d("2026-02-12")}),
			lang: "en",
			want: "First complaint: resolve within 30 days from acceptance (Law on Complaints 2011, Art. 28). Accepted 12 February 2026 (counted from the next day, Civil Code 2015, Art. 147(2)); the last day, 14 March 2026, is a Saturday, so the period ends on the next working day, 16 March 2026 (Civil Code 2015, Art. 148(5)). Due: end of 16 March 2026.",
		},
		{
			name: "working days across Tết",
			res:  mustCompute(t, e, Request{RuleID: DenunciationInitial, StartDate: d("2026-02-12")}),
			lang: "vi",
			want: "Tố cáo: xử lý ban đầu trong 7 ngày làm việc kể từ ngày nhận (Luật Tố cáo 2018, Điều 24(1)). Nhận 12/02/2026 (thời hạn tính từ ngày tiếp theo, Bộ luật Dân sự 2015, Điều 147(2)); ngày làm việc thứ 7 là 02/03/2026, không tính các ngày nghỉ: 14/02/2026–22/02/2026 (Tết Nguyên đán), 28/02/2026–01/03/2026 (Thứ Bảy, Chủ nhật). Hạn: 24:00 ngày 02/03/2026.",
		},
		{
			name: "working days across Tết, English",
			res:  mustCompute(t, e, Request{RuleID: DenunciationInitial, StartDate: d("2026-02-12")}),
			lang: "en-GB",
			want: "Denunciation: initial processing within 7 working days from receipt (Law on Denunciations 2018, Art. 24(1)). Received 12 February 2026 (counted from the next day, Civil Code 2015, Art. 147(2)); working day number 7 is 2 March 2026, not counting days off: 14–22 February 2026 (Lunar New Year (Tết)), 28 February – 1 March 2026 (Saturday, Sunday). Due: end of 2 March 2026.",
		},
		{
			name: "last day a holiday, then more days off",
			res:  mustCompute(t, e, Request{RuleID: ComplaintAccept, StartDate: d("2026-04-20")}),
			lang: "vi",
			want: "Khiếu nại lần đầu: thụ lý trong 10 ngày kể từ ngày nhận (Luật Khiếu nại 2011, Điều 27). Áp dụng quy định trước ngày 01/07/2026 vì ngày nhận (20/04/2026) trước ngày quy định mới có hiệu lực (Nghị định 155/2026/NĐ-CP, Điều 21(1): thời hạn mới áp dụng cho khiếu nại nhận từ ngày 01/07/2026; Điều 22 không có quy định chuyển tiếp về thụ lý). Nhận 20/04/2026 (thời hạn tính từ ngày tiếp theo, Bộ luật Dân sự 2015, Điều 147(2)); ngày cuối thời hạn 30/04/2026 là ngày nghỉ (Ngày Chiến thắng) nên chuyển sang ngày làm việc tiếp theo 04/05/2026 (Bộ luật Dân sự 2015, Điều 148(5)); không tính các ngày nghỉ: 30/04/2026–03/05/2026 (Ngày Chiến thắng, Quốc tế Lao động, Thứ Bảy, Chủ nhật). Hạn: 24:00 ngày 04/05/2026.",
		},
		{
			name: "second round, complex, remote, no roll-forward",
			res:  mustCompute(t, e, Request{RuleID: ComplaintResolve, StartDate: d("2026-07-15"), Round: 2, Complexity: Complex, Remote: true}),
			lang: "vi",
			want: "Khiếu nại lần hai (vụ việc phức tạp, vùng sâu, vùng xa): giải quyết trong 70 ngày kể từ ngày thụ lý (Luật Khiếu nại 2011, Điều 37). Thụ lý 15/07/2026 (thời hạn tính từ ngày tiếp theo, Bộ luật Dân sự 2015, Điều 147(2)); ngày cuối thời hạn là 23/09/2026. Hạn: 24:00 ngày 23/09/2026.",
		},
		{
			name: "override",
			res:  mustCompute(t, e, Request{RuleID: PAKNAnswer, StartDate: d("2026-03-02"), Scope: []string{"urgency:urgent"}}),
			lang: "vi",
			want: "Phản ánh, kiến nghị: trả lời trong 3 ngày làm việc kể từ ngày nhận, theo Quy định của cơ quan (Nghị định 20/2008/NĐ-CP không quy định thời hạn trả lời; tham chiếu Luật Tiếp công dân 2013, Điều 28(1)). Thời hạn do cơ quan quy định: Việc khẩn theo quy chế của Sở. Nhận 02/03/2026 (thời hạn tính từ ngày tiếp theo, Bộ luật Dân sự 2015, Điều 147(2)); ngày làm việc thứ 3 là 05/03/2026. Hạn: 24:00 ngày 05/03/2026.",
		},
		{
			name: "extension",
			res:  extendedRes,
			lang: "vi",
			want: "Tố cáo (vụ việc phức tạp): giải quyết trong 30 ngày kể từ ngày thụ lý (Luật Tố cáo 2018, Điều 30). Thụ lý 15/07/2026 (thời hạn tính từ ngày tiếp theo, Bộ luật Dân sự 2015, Điều 147(2)). Gia hạn 1 lần, thêm 30 ngày. Ngày cuối thời hạn 13/09/2026 là Chủ nhật nên chuyển sang ngày làm việc tiếp theo 14/09/2026 (Bộ luật Dân sự 2015, Điều 148(5)). Hạn: 24:00 ngày 14/09/2026.",
		},
		{
			name: "suspended",
			res:  suspendedRes,
			lang: "vi",
			want: "Khiếu nại lần đầu: giải quyết trong 30 ngày kể từ ngày thụ lý (Luật Khiếu nại 2011, Điều 28). Thụ lý 15/07/2026 (thời hạn tính từ ngày tiếp theo, Bộ luật Dân sự 2015, Điều 147(2)); đang tạm đình chỉ từ ngày 20/07/2026, thời hạn ngừng tính; 30 ngày sẽ được tính lại từ ngày có quyết định tiếp tục giải quyết.",
		},
		{
			name: "resumed",
			res:  resumedRes,
			lang: "en",
			want: "First complaint: resolve within 30 days from acceptance (Law on Complaints 2011, Art. 28). Accepted 15 July 2026 (counted from the next day, Civil Code 2015, Art. 147(2)). Suspended on 20 July 2026; resumed on 10 August 2026: the period counts again from 10 August 2026 (Law on Complaints 2011, Art. 11a (added by Law 136/2025/QH15); Decree 124/2020/ND-CP, Art. 28b (added by Decree 155/2026/ND-CP, Art. 12)). The last day of the period is 9 September 2026. Due: end of 9 September 2026.",
		},
		{
			name: "suspended before 01/07/2026: paused, not restarted",
			res:  earlyRes,
			lang: "vi",
			want: "Khiếu nại lần đầu: giải quyết trong 30 ngày kể từ ngày thụ lý (Luật Khiếu nại 2011, Điều 28). Thụ lý 01/06/2026 (thời hạn tính từ ngày tiếp theo, Bộ luật Dân sự 2015, Điều 147(2)). Tạm đình chỉ từ ngày 10/06/2026 đến ngày 20/06/2026: không tính 10 ngày tạm đình chỉ; quyết định tạm đình chỉ ban hành trước ngày 01/07/2026 nên thời hạn không được tính lại từ đầu. Ngày cuối thời hạn 11/07/2026 là Thứ Bảy nên chuyển sang ngày làm việc tiếp theo 13/07/2026 (Bộ luật Dân sự 2015, Điều 148(5)). Hạn: 24:00 ngày 13/07/2026.",
		},
		{
			name: "provisional",
			res:  mustCompute(t, e, Request{RuleID: ReceptionAnswer, StartDate: d("2031-03-03")}),
			lang: "vi",
			want: "Tiếp công dân: trả lời trong 10 ngày làm việc kể từ ngày nhận (Luật Tiếp công dân 2013, Điều 28(1)). Nhận 03/03/2031 (thời hạn tính từ ngày tiếp theo, Bộ luật Dân sự 2015, Điều 147(2)); ngày làm việc thứ 10 là 17/03/2031, không tính các ngày nghỉ: 08/03/2031–09/03/2031 (Thứ Bảy, Chủ nhật), 15/03/2031–16/03/2031 (Thứ Bảy, Chủ nhật). Hạn: 24:00 ngày 17/03/2031. Lưu ý: lịch ngày nghỉ trong khoảng này chưa được xác nhận nên hạn có thể thay đổi.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, e.Explain(tt.res, tt.lang)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	res := mustCompute(t, e, Request{RuleID: ComplaintResolve, StartDate: d("2026-02-12")})
	if vi, en := e.Explanation(res); vi != Explain(res, testTexts(t), "vi") || en != Explain(res, testTexts(t), "en") || e.Explain(res, "") != vi {
		t.Error("Explanation/default language disagree with Explain")
	}
}

// One case of every rule, read in Vietnamese and English as a legal
// officer would: the legal basis, the Civil Code's counting, a counted
// working Saturday named, the 01/07/2026 change cited, the agency's
// default said as such, readable English dates, and no internal wording.
func TestExplainEveryRule(t *testing.T) {
	e := newEngine(t)
	d := calendar.MustDate
	iso := regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)
	type want struct{ vi, en []string }
	cases := []struct {
		req  Request
		want want
	}{
		// Received Thu 20/08/2026: the 10 working days count Sat 22/08.
		{Request{RuleID: LetterProcess, StartDate: d("2026-08-20")}, want{
			vi: []string{"Quy định của cơ quan về thời hạn xử lý đơn", "thời hạn mặc định do cơ quan cấu hình", "tính cả Thứ Bảy 22/08/2026 là ngày làm việc bù", "29/08/2026–02/09/2026 (Quốc khánh, Nghỉ hoán đổi Quốc khánh)", "Điều 147(2)"},
			en: []string{"Circular 05/2021/TT-TTCP", "the agency's configured default", "counting Saturday 22 August 2026, a make-up working day", "29 August – 2 September 2026 (National Day, Swapped day off: National Day)"}}},
		{Request{RuleID: PAKNForward, StartDate: d("2026-08-27")}, want{
			vi: []string{"Nghị định 20/2008/NĐ-CP, Điều 9", "ngày làm việc thứ 5 là 08/09/2026"},
			en: []string{"Decree 20/2008/ND-CP, Art. 9", "working day number 5 is 8 September 2026"}}},
		{Request{RuleID: PAKNAnswer, StartDate: d("2026-11-20")}, want{
			vi: []string{"thời hạn mặc định do cơ quan cấu hình", "Ngày Văn hóa Việt Nam", "chưa được xác nhận"},
			en: []string{"agency's configured default", "Vietnamese Culture Day", "not confirmed yet"}}},
		{Request{RuleID: ComplaintAccept, StartDate: d("2026-06-25")}, want{
			vi: []string{"Luật Khiếu nại 2011, Điều 27", "Áp dụng quy định trước ngày 01/07/2026 vì ngày nhận (25/06/2026)", "Nghị định 155/2026/NĐ-CP, Điều 21(1)"},
			en: []string{"Law on Complaints 2011, Art. 27", "The rule in force before 1 July 2026 applies because the date of receipt (25 June 2026)"}}},
		{Request{RuleID: ComplaintAccept, StartDate: d("2026-07-02")}, want{
			vi: []string{"Nghị định 155/2026/NĐ-CP, Điều 10", "Luật 136/2025/QH15"},
			en: []string{"Decree 155/2026/ND-CP, Art. 10", "Law 136/2025/QH15"}}},
		// Accepted 30/07/2026: 30 days end Sat 29/08, in the break: to Thu 03/09.
		{Request{RuleID: ComplaintResolve, StartDate: d("2026-07-30")}, want{
			vi: []string{"Luật Khiếu nại 2011, Điều 28", "ngày cuối thời hạn 29/08/2026 là ngày nghỉ (Quốc khánh) nên chuyển sang ngày làm việc tiếp theo 03/09/2026", "Bộ luật Dân sự 2015, Điều 148(5)"},
			en: []string{"the last day, 29 August 2026, is a day off (National Day), so the period ends on the next working day, 3 September 2026", "Civil Code 2015, Art. 148(5)"}}},
		// Accepted 23/07/2026, 30 days: the last day is the working Saturday
		// 22/08, which does not roll forward.
		{Request{RuleID: ComplaintResolve, StartDate: d("2026-07-23")}, want{
			vi: []string{"ngày cuối thời hạn là 22/08/2026 (ngày làm việc bù, nên không chuyển)", "Hạn: 24:00 ngày 22/08/2026"},
			en: []string{"the last day of the period is 22 August 2026 (a make-up working day, so it does not move)"}}},
		{Request{RuleID: ComplaintResolve, StartDate: d("2026-07-23"), Round: 2, Complexity: Complex, Remote: true}, want{
			vi: []string{"Khiếu nại lần hai (vụ việc phức tạp, vùng sâu, vùng xa)", "Luật Khiếu nại 2011, Điều 37"},
			en: []string{"Second complaint (complex case, remote area)", "Law on Complaints 2011, Art. 37"}}},
		// Thời hiệu: 90 days from learning of the decision on 01/08/2026
		// end Fri 30/10; a second complaint, 30 days (45 remote).
		{Request{RuleID: ComplaintFiling, StartDate: d("2026-08-01")}, want{
			vi: []string{"Khiếu nại lần đầu: nộp đơn khiếu nại trong 90 ngày kể từ ngày nhận được hoặc biết được quyết định bị khiếu nại (Luật Khiếu nại 2011, Điều 9)", "Hạn: 24:00 ngày 30/10/2026"},
			en: []string{"First complaint: file the complaint within 90 days from the day the contested decision was received or learned of (Law on Complaints 2011, Art. 9)", "Due: end of 30 October 2026"}}},
		{Request{RuleID: ComplaintFiling, StartDate: d("2026-10-01"), Round: 2, Remote: true}, want{
			vi: []string{"Khiếu nại lần hai (vùng sâu, vùng xa): nộp đơn khiếu nại trong 45 ngày", "Luật Khiếu nại 2011, Điều 33", "16/11/2026"},
			en: []string{"Law on Complaints 2011, Art. 33"}}},
		// A disciplinary complaint received Thu 18/06/2026, before NĐ
		// 155/2026: Art. 50's 10 days end Sun 28/06, so Mon 29/06.
		{Request{RuleID: DisciplineAccept, StartDate: d("2026-06-18")}, want{
			vi: []string{"Khiếu nại quyết định kỷ luật lần đầu: thụ lý trong 10 ngày kể từ ngày nhận (Luật Khiếu nại 2011, Điều 50)", "Áp dụng quy định trước ngày 01/07/2026", "Hạn: 24:00 ngày 29/06/2026"},
			en: []string{"First complaint against a disciplinary decision: accept within 10 days from receipt (Law on Complaints 2011, Art. 50)", "Due: end of 29 June 2026"}}},
		// Received Thu 20/08/2026: NĐ 155/2026's 7 working days, counting
		// the make-up Saturday 22/08: Fri 28/08.
		{Request{RuleID: DisciplineAccept, StartDate: d("2026-08-20")}, want{
			vi: []string{"thụ lý trong 7 ngày làm việc kể từ ngày nhận, theo Nghị định 155/2026/NĐ-CP, Điều 10", "quyết định kỷ luật cán bộ, công chức", "Hạn: 24:00 ngày 28/08/2026"},
			en: []string{"accept within 7 working days from receipt, under Decree 155/2026/ND-CP, Art. 10", "Due: end of 28 August 2026"}}},
		// Accepted 23/07/2026, second round, complex: Art. 50 gives both
		// rounds 45 days, to Sun 06/09, rolled to Mon 07/09.
		{Request{RuleID: DisciplineResolve, StartDate: d("2026-07-23"), Round: 2, Complexity: Complex}, want{
			vi: []string{"Khiếu nại quyết định kỷ luật lần hai (vụ việc phức tạp): giải quyết trong 45 ngày kể từ ngày thụ lý (Luật Khiếu nại 2011, Điều 50)", "Hạn: 24:00 ngày 07/09/2026"},
			en: []string{"Second complaint against a disciplinary decision (complex case): resolve within 45 days from acceptance (Law on Complaints 2011, Art. 50)", "Due: end of 7 September 2026"}}},
		{Request{RuleID: DenunciationInitial, StartDate: d("2026-02-12")}, want{
			vi: []string{"Luật Tố cáo 2018, Điều 24(1)", "14/02/2026–22/02/2026 (Tết Nguyên đán)"},
			en: []string{"14–22 February 2026 (Lunar New Year (Tết))"}}},
		{Request{RuleID: DenunciationForward, StartDate: d("2026-12-29")}, want{
			vi: []string{"Luật Tố cáo 2018, Điều 24(2)"},
			en: []string{"Law on Denunciations 2018, Art. 24(2)"}}},
		{Request{RuleID: DenunciationResolve, StartDate: d("2026-07-15"), Complexity: EspeciallyComplex, Extensions: 2}, want{
			vi: []string{"Tố cáo (vụ việc đặc biệt phức tạp)", "Gia hạn 2 lần, thêm 60 ngày", "Luật Tố cáo 2018, Điều 30"},
			en: []string{"Denunciation (especially complex case)", "Extended 2 times, adding 60 days"}}},
		// Accepted Thu 20/08/2026: Fri 21, the working Saturday 22/08, Mon
		// 24 to Wed 26/08.
		{Request{RuleID: DenunciationNotify, StartDate: d("2026-08-20")}, want{
			vi: []string{"Tố cáo: thông báo cho người tố cáo và người bị tố cáo trong 5 ngày làm việc kể từ ngày ra quyết định thụ lý (Luật Tố cáo 2018, Điều 29(3); Nghị định 31/2019/NĐ-CP, Điều 9(2))", "Hạn: 24:00 ngày 26/08/2026"},
			en: []string{"Denunciation: notify the denouncer and the person denounced within 5 working days from the acceptance decision (Law on Denunciations 2018, Art. 29(3); Decree 31/2019/ND-CP, Art. 9(2))", "Due: end of 26 August 2026"}}},
		// Suspended Thu 27/08/2026: Fri 28, then the National Day break,
		// Thu 03 and Fri 04/09.
		{Request{RuleID: SuspensionSend, StartDate: d("2026-08-27")}, want{
			vi: []string{"gửi quyết định tạm đình chỉ trong 3 ngày làm việc kể từ ngày ban hành quyết định tạm đình chỉ", "Điều 28b(1)", "Hạn: 24:00 ngày 04/09/2026"},
			en: []string{"send the suspension decision within 3 working days from the suspension decision", "Art. 28b(1)", "Due: end of 4 September 2026"}}},
		// Concluded Mon 02/11/2026: 7 working days, Wed 11/11.
		{Request{RuleID: DenunciationPublish, StartDate: d("2026-11-02")}, want{
			vi: []string{"Tố cáo: công khai kết luận nội dung tố cáo trong 7 ngày làm việc kể từ ngày ban hành kết luận nội dung tố cáo (Luật Tố cáo 2018, Điều 40)", "Hạn: 24:00 ngày 11/11/2026"},
			en: []string{"Denunciation: publish the conclusion on the denunciation within 7 working days from the conclusion on the denunciation (Law on Denunciations 2018, Art. 40)", "Due: end of 11 November 2026"}}},
		// Asked Fri 28/08/2026: the National Day break runs 29/08-02/09,
		// so Thu 03, Fri 04, Mon 07, Tue 08, Wed 09/09.
		{Request{RuleID: DenunciationReport, StartDate: d("2026-08-28")}, want{
			vi: []string{"Tố cáo: báo cáo cơ quan cấp trên về việc giải quyết tố cáo quá hạn trong 5 ngày làm việc kể từ ngày nhận yêu cầu báo cáo của cơ quan cấp trên (Luật Tố cáo 2018, Điều 38)", "Hạn: 24:00 ngày 09/09/2026"},
			en: []string{"Denunciation: report to the superior on the overdue denunciation within 5 working days from the superior's request for a report (Law on Denunciations 2018, Art. 38)", "Due: end of 9 September 2026"}}},
		// Resolved Mon 02/11/2026: 7 working days, Wed 11/11.
		{Request{RuleID: ElectedReportBack, StartDate: d("2026-11-02")}, want{
			vi: []string{"Tiếp công dân: báo cáo kết quả giải quyết cho cơ quan, đại biểu dân cử đã chuyển đơn trong 7 ngày làm việc kể từ ngày có kết quả giải quyết (Luật Tiếp công dân 2013, Điều 27(2))", "Hạn: 24:00 ngày 11/11/2026"},
			en: []string{"report the result to the elected body or deputy that forwarded the case within 7 working days from the resolution (Law on Citizen Reception 2013, Art. 27(2))", "Due: end of 11 November 2026"}}},
		// Refused Thu 27/08/2026: Fri 28, then the National Day break,
		// Thu 03 and Fri 04/09.
		{Request{RuleID: ReceptionRefusal, StartDate: d("2026-08-27")}, want{
			vi: []string{"Tiếp công dân: ra thông báo từ chối tiếp công dân bằng văn bản trong 3 ngày làm việc kể từ ngày từ chối tiếp (Nghị định 154/2026/NĐ-CP, Điều 4(3) (Mẫu số 01/TCD))", "Hạn: 24:00 ngày 04/09/2026"},
			en: []string{"issue the written notice refusing reception within 3 working days from the refusal (Decree 154/2026/ND-CP, Art. 4(3) (Form 01/TCD))", "Due: end of 4 September 2026"}}},
		// Dialogue Mon 07/09/2026: the 5th day before is Wed 02/09, the
		// National Day; the notice is due the working day before the
		// break, Fri 28/08.
		{Request{RuleID: DialogueNotice, StartDate: d("2026-09-07"), Round: 2}, want{
			vi: []string{"Khiếu nại lần hai: gửi văn bản thông báo về việc tổ chức đối thoại trước ngày đối thoại ít nhất 5 ngày (Nghị định 124/2020/NĐ-CP, Điều 28(1) (sửa đổi bởi Nghị định 155/2026/NĐ-CP, Điều 11))",
				"Ngày đối thoại 07/09/2026 (đếm lùi", "tính lùi 5 ngày là ngày 02/09/2026, là ngày nghỉ (Quốc khánh) nên lùi về ngày làm việc liền trước 28/08/2026", "Hạn: 24:00 ngày 28/08/2026"},
			en: []string{"Second complaint: send the written notice of the dialogue at least 5 days before the dialogue (Decree 124/2020/ND-CP, Art. 28(1) (as amended by Decree 155/2026/ND-CP, Art. 11))",
				"Dialogue on 7 September 2026 (counted backwards", "5 days back is 2 September 2026, which is a day off (National Day), so the period ends on the working day before, 28 August 2026", "Due: end of 28 August 2026"}}},
		// Art. 48: a disciplinary decision received Mon 02/11/2026 may be
		// complained of until Tue 17/11; a second complaint 10 days from
		// the first-round decision, 30 for a dismissal.
		{Request{RuleID: DisciplineFiling, StartDate: d("2026-11-02")}, want{
			vi: []string{"nộp đơn khiếu nại trong 15 ngày", "Luật Khiếu nại 2011, Điều 48", "Hạn: 24:00 ngày 17/11/2026"},
			en: []string{"file the complaint within 15 days", "Law on Complaints 2011, Art. 48", "Due: end of 17 November 2026"}}},
		{Request{RuleID: DismissalFiling, StartDate: d("2026-11-02"), Round: 2}, want{
			vi: []string{"trong 30 ngày", "Luật Khiếu nại 2011, Điều 48 (kỷ luật buộc thôi việc)", "Hạn: 24:00 ngày 02/12/2026"},
			en: []string{"within 30 days", "Law on Complaints 2011, Art. 48 (dismissal)", "Due: end of 2 December 2026"}}},
		{Request{RuleID: ReceptionAnswer, StartDate: d("2026-03-02")}, want{
			vi: []string{"Luật Tiếp công dân 2013, Điều 28(1)"},
			en: []string{"Law on Citizen Reception 2013, Art. 28(1)"}}},
	}
	seen := map[string]bool{}
	for _, tt := range cases {
		res := mustCompute(t, e, tt.req)
		seen[tt.req.RuleID] = true
		vi, en := e.Explanation(res)
		for _, w := range tt.want.vi {
			if !strings.Contains(vi, w) {
				t.Errorf("%s from %s (vi) lacks %q:\n%s", tt.req.RuleID, tt.req.StartDate, w, vi)
			}
		}
		for _, w := range tt.want.en {
			if !strings.Contains(en, w) {
				t.Errorf("%s from %s (en) lacks %q:\n%s", tt.req.RuleID, tt.req.StartDate, w, en)
			}
		}
		for _, text := range []string{vi, en} {
			for _, bad := range []string{"chưa được xác minh", "not confirmed; configurable", tt.req.RuleID} {
				if strings.Contains(text, bad) {
					t.Errorf("%s: %q in %s", tt.req.RuleID, bad, text)
				}
			}
			if !strings.Contains(text, "147(2)") {
				t.Errorf("%s: no Civil Code Art. 147(2) in %s", tt.req.RuleID, text)
			}
		}
		if m := iso.FindString(en); m != "" {
			t.Errorf("%s: ISO date %s in English text %s", tt.req.RuleID, m, en)
		}
	}
	for _, r := range DefaultRules() {
		if !seen[r.ID] {
			t.Errorf("no explanation case for %s", r.ID)
		}
	}
	// The complaint laws have no "especially complex" case: refused.
	for _, id := range []string{ComplaintAccept, ComplaintResolve, DisciplineAccept, DisciplineResolve} {
		if _, err := e.Compute(Request{RuleID: id, StartDate: d("2026-07-15"), Complexity: EspeciallyComplex}); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("%s especially complex: %v", id, err)
		}
	}
}

// A coordinating unit's due time is explained from the catalogue in both
// languages, each with its own dates, and "1 working day" in English.
func TestContributionDueExplained(t *testing.T) {
	e := newEngine(t)
	lead := mustCompute(t, e, Request{RuleID: ComplaintResolve, StartDate: calendar.MustDate("2026-02-12")})
	_, vi, en := e.ContributionDue(lead, 3, at("2026-02-13"))
	if want := "Hạn góp ý của đơn vị phối hợp: 3 ngày làm việc trước hạn của đơn vị chủ trì (16/03/2026), tức hết ngày 11/03/2026."; vi != want {
		t.Errorf("vi: %q, want %q", vi, want)
	}
	if want := "Coordinating unit's part: due 3 working days before the lead unit's due date (16 March 2026), that is by the end of 11 March 2026."; en != want {
		t.Errorf("en: %q, want %q", en, want)
	}
	if _, _, en := e.ContributionDue(lead, 1, at("2026-02-13")); !strings.Contains(en, "due 1 working day before") {
		t.Errorf("en, one day: %q", en)
	}
}

// A coordinating unit brought in too late for its full lead time gets the
// next working day, capped at the lead's due date, and its explanation
// says so rather than claiming the full lead time in both languages.
func TestContributionFloorWording(t *testing.T) {
	e := newEngine(t)
	lead := mustCompute(t, e, Request{RuleID: ComplaintResolve, StartDate: calendar.MustDate("2026-02-12")})
	due, vi, en := e.ContributionDue(lead, 3, at("2026-03-13"))
	day := calendar.DateOf(due, e.loc).AddDays(-1)
	if day != e.cal.AddWorkingDays(lead.DueDate, -3) &&
		(strings.Contains(vi, "3 ngày làm việc trước hạn") || strings.Contains(en, "3 working days before")) {
		t.Errorf("due %s is not 3 working days before %s, yet:\n%s\n%s", day, lead.DueDate, vi, en)
	}
	if want := "Hạn góp ý của đơn vị phối hợp: đơn vị phối hợp được ít nhất một ngày làm việc sau ngày được giao, nhưng không quá hạn của đơn vị chủ trì (16/03/2026), tức hết ngày 16/03/2026."; vi != want {
		t.Errorf("vi: %q, want %q", vi, want)
	}
	if want := "Coordinating unit's part: a coordinating unit gets at least one working day after it was brought in, never past the lead unit's due date (16 March 2026), that is by the end of 16 March 2026."; en != want {
		t.Errorf("en: %q, want %q", en, want)
	}
}

// A suspended clock says what remains with the verb agreeing in English,
// "1 day remains" and "2 days remain"; Vietnamese has no agreement to make.
func TestSuspendedRemainingWording(t *testing.T) {
	e := newEngine(t)
	for _, tt := range []struct {
		on, vi, en string
	}{
		// Accepted 01/06/2026, before 01/07/2026, so the clock pauses:
		// 30 days end 01/07.
		{"2026-06-30", "; còn 1 ngày khi tiếp tục giải quyết.", "; 1 day remains when resolution continues."},
		{"2026-06-29", "; còn 2 ngày khi tiếp tục giải quyết.", "; 2 days remain when resolution continues."},
	} {
		res, err := e.Evaluate(Clock{RuleID: ComplaintResolve, StartDate: calendar.MustDate("2026-06-01"), Events: []Event{{Kind: EventSuspend, At: at(tt.on)}}})
		if err != nil {
			t.Fatal(err)
		}
		if vi := e.Explain(res, "vi"); !strings.HasSuffix(vi, tt.vi) {
			t.Errorf("suspended %s, vi: %q, want it to end %q", tt.on, vi, tt.vi)
		}
		if en := e.Explain(res, "en"); !strings.HasSuffix(en, tt.en) {
			t.Errorf("suspended %s, en: %q, want it to end %q", tt.on, en, tt.en)
		}
	}
}

// Two make-up working days counted in one period are "make-up working
// days" in English; one stays "a make-up working day". Vietnamese reads
// the same either way.
func TestCountedWeekendsWording(t *testing.T) {
	tables := calendar.Builtin()
	for i := range tables {
		if tables[i].Year == 2026 {
			// A second working Saturday a week before the one of 22/08.
			tables[i].WorkingSaturdays = append(tables[i].WorkingSaturdays, calendar.WorkingSaturday{Date: calendar.MustDate("2026-08-15")})
		}
	}
	e, err := NewEngine(calendar.New(tables), DefaultRules(), nil, VietnamLocation(), testTexts(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		start, vi, en string
	}{
		// Received Thu 13/08: the 10 working days count Sat 15 and Sat 22/08.
		{"2026-08-13", "tính cả Thứ Bảy 15/08/2026, Thứ Bảy 22/08/2026 là ngày làm việc bù",
			"counting Saturday 15 August 2026, Saturday 22 August 2026, make-up working days"},
		// Received Thu 20/08: only Sat 22/08.
		{"2026-08-20", "tính cả Thứ Bảy 22/08/2026 là ngày làm việc bù", "counting Saturday 22 August 2026, a make-up working day"},
	} {
		res := mustCompute(t, e, Request{RuleID: LetterProcess, StartDate: calendar.MustDate(tt.start)})
		if vi := e.Explain(res, "vi"); !strings.Contains(vi, tt.vi) {
			t.Errorf("from %s, vi: %q lacks %q", tt.start, vi, tt.vi)
		}
		if en := e.Explain(res, "en"); !strings.Contains(en, tt.en) {
			t.Errorf("from %s, en: %q lacks %q", tt.start, en, tt.en)
		}
	}
}
