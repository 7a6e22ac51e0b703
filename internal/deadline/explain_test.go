package deadline

import (
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
			want: "Khiếu nại lần đầu: giải quyết trong 30 ngày kể từ ngày thụ lý (Luật Khiếu nại 2011, Điều 28). " +
				"Thụ lý 12/02/2026; ngày cuối thời hạn 14/03/2026 là Thứ Bảy nên chuyển sang ngày làm việc tiếp theo 16/03/2026. " +
				"Hạn: hết ngày 16/03/2026.",
		},
		{
			name: "same in English",
			res:  mustCompute(t, e, Request{RuleID: ComplaintResolve, StartDate: d("2026-02-12")}),
			lang: "en",
			want: "First complaint: resolve within 30 days from acceptance (Law on Complaints 2011, Art. 28). " +
				"Accepted 2026-02-12; the last day, 2026-03-14, is a Saturday, so the period ends on the next working day, 2026-03-16. " +
				"Due: end of 2026-03-16.",
		},
		{
			name: "working days across Tết",
			res:  mustCompute(t, e, Request{RuleID: DenunciationInitial, StartDate: d("2026-02-12")}),
			lang: "vi",
			want: "Tố cáo: xử lý ban đầu trong 7 ngày làm việc kể từ ngày nhận (Luật Tố cáo 2018, Điều 24(1)). " +
				"Nhận 12/02/2026; ngày làm việc thứ 7 là 02/03/2026, không tính các ngày nghỉ: " +
				"14/02/2026–22/02/2026 (Tết Nguyên đán), 28/02/2026–01/03/2026 (Thứ Bảy, Chủ nhật). " +
				"Hạn: hết ngày 02/03/2026.",
		},
		{
			name: "working days across Tết, English",
			res:  mustCompute(t, e, Request{RuleID: DenunciationInitial, StartDate: d("2026-02-12")}),
			lang: "en-GB",
			want: "Denunciation: initial processing within 7 working days from receipt (Law on Denunciations 2018, Art. 24(1)). " +
				"Received 2026-02-12; working day number 7 is 2026-03-02, not counting days off: " +
				"2026-02-14–2026-02-22 (Lunar New Year (Tết)), 2026-02-28–2026-03-01 (Saturday, Sunday). " +
				"Due: end of 2026-03-02.",
		},
		{
			name: "last day a holiday, then more days off",
			res:  mustCompute(t, e, Request{RuleID: ComplaintAccept, StartDate: d("2026-04-20")}),
			lang: "vi",
			want: "Khiếu nại lần đầu: thụ lý trong 10 ngày kể từ ngày nhận (Luật Khiếu nại 2011, Điều 27). " +
				"Áp dụng quy định trước ngày 01/07/2026 vì ngày nhận (20/04/2026) trước ngày quy định mới có hiệu lực " +
				"(Nghị định 155/2026/NĐ-CP, Điều 21(1): thời hạn mới áp dụng cho khiếu nại nhận từ ngày 01/07/2026; Điều 22 không có quy định chuyển tiếp về thụ lý). " +
				"Nhận 20/04/2026; ngày cuối thời hạn 30/04/2026 là ngày nghỉ (Ngày Chiến thắng) nên chuyển sang ngày làm việc tiếp theo 04/05/2026 " +
				"(không tính các ngày nghỉ: 30/04/2026–03/05/2026 (Ngày Chiến thắng, Quốc tế Lao động, Thứ Bảy, Chủ nhật)). " +
				"Hạn: hết ngày 04/05/2026.",
		},
		{
			name: "second round, complex, remote, no roll-forward",
			res:  mustCompute(t, e, Request{RuleID: ComplaintResolve, StartDate: d("2026-07-15"), Round: 2, Complexity: Complex, Remote: true}),
			lang: "vi",
			want: "Khiếu nại lần hai (vụ việc phức tạp, vùng sâu, vùng xa): giải quyết trong 70 ngày kể từ ngày thụ lý (Luật Khiếu nại 2011, Điều 37). " +
				"Thụ lý 15/07/2026; ngày cuối thời hạn là 23/09/2026. Hạn: hết ngày 23/09/2026.",
		},
		{
			name: "override",
			res:  mustCompute(t, e, Request{RuleID: PAKNAnswer, StartDate: d("2026-03-02"), Scope: []string{"urgency:urgent"}}),
			lang: "vi",
			want: "Phản ánh, kiến nghị: trả lời trong 3 ngày làm việc kể từ ngày nhận (" + DefaultRules()[2].LegalBasis + "). " +
				"Thời hạn do cơ quan quy định: Việc khẩn theo quy chế của Sở. " +
				"Nhận 02/03/2026; ngày làm việc thứ 3 là 05/03/2026. Hạn: hết ngày 05/03/2026.",
		},
		{
			name: "extension",
			res:  extendedRes,
			lang: "vi",
			want: "Tố cáo (vụ việc phức tạp): giải quyết trong 30 ngày kể từ ngày thụ lý (Luật Tố cáo 2018, Điều 30). " +
				"Thụ lý 15/07/2026. Gia hạn 1 lần, thêm 30 ngày. " +
				"Ngày cuối thời hạn 13/09/2026 là Chủ nhật nên chuyển sang ngày làm việc tiếp theo 14/09/2026. Hạn: hết ngày 14/09/2026.",
		},
		{
			name: "suspended",
			res:  suspendedRes,
			lang: "vi",
			want: "Khiếu nại lần đầu: giải quyết trong 30 ngày kể từ ngày thụ lý (Luật Khiếu nại 2011, Điều 28). " +
				"Thụ lý 15/07/2026; đang tạm đình chỉ từ ngày 20/07/2026, thời hạn ngừng tính; 30 ngày sẽ được tính lại từ ngày có quyết định tiếp tục giải quyết.",
		},
		{
			name: "resumed",
			res:  resumedRes,
			lang: "en",
			want: "First complaint: resolve within 30 days from acceptance (Law on Complaints 2011, Art. 28). " +
				"Accepted 2026-07-15. Suspended on 2026-07-20; resumed on 2026-08-10: the period counts again from 2026-08-10 " +
				"(Law on Complaints 2011, Art. 11a (added by Law 136/2025/QH15); Decree 124/2020/ND-CP, Art. 28b (added by Decree 155/2026/ND-CP, Art. 12)). " +
				"The last day of the period is 2026-09-09. Due: end of 2026-09-09.",
		},
		{
			name: "suspended before 01/07/2026: paused, not restarted",
			res:  earlyRes,
			lang: "vi",
			want: "Khiếu nại lần đầu: giải quyết trong 30 ngày kể từ ngày thụ lý (Luật Khiếu nại 2011, Điều 28). " +
				"Thụ lý 01/06/2026. Tạm đình chỉ từ ngày 10/06/2026 đến ngày 20/06/2026: không tính 10 ngày tạm đình chỉ; " +
				"quyết định tạm đình chỉ ban hành trước ngày 01/07/2026 nên thời hạn không được tính lại từ đầu. " +
				"Ngày cuối thời hạn 11/07/2026 là Thứ Bảy nên chuyển sang ngày làm việc tiếp theo 13/07/2026. Hạn: hết ngày 13/07/2026.",
		},
		{
			name: "provisional",
			res:  mustCompute(t, e, Request{RuleID: ReceptionAnswer, StartDate: d("2031-03-03")}),
			lang: "vi",
			want: "Tiếp công dân: trả lời trong 10 ngày làm việc kể từ ngày nhận (Luật Tiếp công dân 2013, Điều 28(1)). " +
				"Nhận 03/03/2031; ngày làm việc thứ 10 là 17/03/2031, không tính các ngày nghỉ: 08/03/2031–09/03/2031 (Thứ Bảy, Chủ nhật), 15/03/2031–16/03/2031 (Thứ Bảy, Chủ nhật). " +
				"Hạn: hết ngày 17/03/2031. Lưu ý: lịch ngày nghỉ trong khoảng này chưa được xác nhận nên hạn có thể thay đổi.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Explain(tt.res, tt.lang)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	res := mustCompute(t, e, Request{RuleID: ComplaintResolve, StartDate: d("2026-02-12")})
	if res.TextVI() != Explain(res, "vi") || res.TextEN() != Explain(res, "en") || Explain(res, "") != res.TextVI() {
		t.Error("TextVI/TextEN/default language disagree with Explain")
	}
}
