package present

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/petition"
)

// Every event kind renders as words in vi and en, on the staff
// history and (for the public ones) on the citizen's timeline; no message
// id ever reaches a user. The kinds are read from the petition package's
// source, so a new kind without words fails here.
func TestEveryEventKindHasWords(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	files, _ := filepath.Glob(filepath.Join("..", "petition", "*.go"))
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok || vs.Type == nil {
				return true
			}
			if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "EventKind" {
				for _, v := range vs.Values {
					if lit, ok := v.(*ast.BasicLit); ok {
						s, _ := strconv.Unquote(lit.Value)
						declared[s] = true
					}
				}
			}
			return true
		})
	}
	if len(declared) < 25 {
		t.Fatalf("found only %d event kinds in the petition package", len(declared))
	}
	loc := time.FixedZone("ICT", 7*3600)
	due := time.Date(2026, 12, 19, 0, 0, 0, 0, loc)
	for k := range declared {
		shown, ok := petition.EventKinds[petition.EventKind(k)]
		if !ok {
			t.Errorf("event kind %q is not in petition.EventKinds", k)
			continue
		}
		for _, lang := range []string{"vi", "en"} {
			for _, public := range []bool{false, true} {
				if (public && shown&petition.Public == 0) || (!public && shown&petition.Internal == 0) {
					continue
				}
				e := petition.Event{Kind: petition.EventKind(k), Public: public, Note: "ghi chú", UnitName: "Phòng A", DueAt: &due}
				texts := []string{StaffEventText(cat, lang, e, loc)}
				if public {
					texts = append(texts, EventText(cat, lang, e, loc))
				}
				for _, s := range texts {
					if s == "" || strings.Contains(s, "event.") || s == k || strings.Contains(s, "<no value>") {
						t.Errorf("%s %s (public %v) renders %q", lang, k, public, s)
					}
				}
			}
		}
	}
}

// A refused extension says why in words: a time limit the law never
// extends says so, not "(0, each at most 0 days)".
func TestRefusedExtensionSaysWhy(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{"vi": "không cho phép gia hạn thời hạn này (pakn.answer)", "en": "allows no extension of this time limit (pakn.answer)"} {
		got := cat.T(lang, "workflow.extension_cap", map[string]any{"Max": 0, "MaxDays": 0, "Rule": "pakn.answer"})
		if !strings.Contains(got, want) || strings.Contains(got, "0 days") || strings.Contains(got, "0 ngày") {
			t.Errorf("%s: %q", lang, got)
		}
		if got := cat.T(lang, "workflow.extension_cap", map[string]any{"Max": 2, "MaxDays": 30}); !strings.Contains(got, "30") {
			t.Errorf("%s with a cap: %q", lang, got)
		}
	}
}

// Every kind of the staff trail reads as a sentence in vi and in en, with
// the facts of its note in words: a table over every internal kind, each
// with a note as the workflow stores it, that fails for a kind without a
// row, an untranslated message, or a code left in the text ("kind=…",
// "within_competence", "channel=…").
func TestTrailSentences(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	loc := time.FixedZone("ICT", 7*3600)
	due := time.Date(2026, 12, 19, 0, 0, 0, 0, loc)
	units := map[string]string{"PQLXD": "Phòng Quản lý xây dựng", "PQHKT": "Phòng Quy hoạch - Kiến trúc"}
	type row struct {
		note   string
		unit   string
		dueAt  *time.Time
		wantVI []string
		wantEN []string
	}
	rows := map[petition.EventKind]row{
		petition.EventIntake:     {note: petition.IntakeNote(petition.ChannelPost, 2, true), wantVI: []string{"Qua bưu điện", "kèm 2 tệp", "được giữ bí mật"}, wantEN: []string{"By post", "2 file(s)", "kept confidential"}},
		petition.EventRegistered: {wantVI: []string{"Văn phòng vào sổ"}, wantEN: []string{"Registered by the office"}},
		petition.EventClassified: {note: "kind=khieu_nai subtype=disciplinary not_eligible:not_signed within_competence complexity=complex criteria=a,dd — Đã xác minh tại chỗ",
			wantVI: []string{"Phân loại là Khiếu nại", "không đủ điều kiện xử lý (Đơn không có chữ ký", "thuộc thẩm quyền", "Phức tạp", "tiêu chí a, đ", "Ghi chú: Đã xác minh"},
			wantEN: []string{"Classified as Complaint", "not eligible (Not signed)", "within the agency's competence", "Complex", "Note: Đã xác minh"}},
		petition.EventFiled:              {note: "Lưu theo dõi", wantVI: []string{"Lưu đơn"}, wantEN: []string{"Filed"}},
		petition.EventCoordinating:       {note: "lead=PQLXD coordinating=PQHKT — Theo kế hoạch", wantVI: []string{"Giao Phòng Quản lý xây dựng chủ trì, Phòng Quy hoạch - Kiến trúc phối hợp; lý do: Theo kế hoạch"}, wantEN: []string{"Phòng Quản lý xây dựng leads, Phòng Quy hoạch - Kiến trúc coordinating; reason: Theo kế hoạch"}},
		petition.EventDrafted:            {note: "12/SXD", unit: "Phòng A", wantVI: []string{"Phòng A dự thảo trả lời"}, wantEN: []string{"Phòng A drafted the answer"}},
		petition.EventContributed:        {unit: "Phòng A", wantVI: []string{"Phòng A gửi ý kiến"}, wantEN: []string{"Phòng A sent its contribution"}},
		petition.EventExtensionRequested: {note: "Cần xác minh thêm", wantVI: []string{"Đề nghị gia hạn"}, wantEN: []string{"Extension requested"}},
		petition.EventExtensionRefused:   {note: "approve", wantVI: []string{"không còn cần xét", "Duyệt và phát hành trả lời"}, wantEN: []string{"lapsed", "Approve and publish the answer"}},
		petition.EventSuspended:          {note: "Chờ giám định", wantVI: []string{"Tạm đình chỉ"}, wantEN: []string{"Suspended"}},
		petition.EventResumed:            {note: "Đã có kết quả giám định", wantVI: []string{"Tiếp tục giải quyết"}, wantEN: []string{"Resumed"}},
		petition.EventWithdrawn:          {note: "Xin rút đơn", wantVI: []string{"Rút đơn: Xin rút đơn"}, wantEN: []string{"Withdrawn: Xin rút đơn"}},
		petition.EventWithdrawalContinues: {note: "signs_of_violation,coerced — Người tố cáo bị ép", wantVI: []string{"vẫn tiếp tục giải quyết vì: Có dấu hiệu vi phạm pháp luật, Rút đơn do bị đe dọa, ép buộc", "Lý do: Người tố cáo bị ép"},
			wantEN: []string{"resolution continues because: Signs of a violation, The withdrawal was coerced"}},
		petition.EventTerminated: {note: "Đình chỉ theo quyết định 5", wantVI: []string{"Đình chỉ giải quyết"}, wantEN: []string{"Terminated"}},
		petition.EventFollowUp:   {note: "follow_up:SXD-2026-000013", wantVI: []string{"Hồ sơ tiếp theo của SXD-2026-000013"}, wantEN: []string{"Follow-up of SXD-2026-000013"}},
		petition.EventDueMoved: {note: "24:00 18/12/2026 → 24:00 21/12/2026. " + petition.RecomputeReason("calendar", "account:2 canbo@sxd.test", "2026"), dueAt: &due,
			wantVI: []string{"Hạn được tính lại: 24:00 ngày 18/12/2026 →", "một cán bộ sửa lịch làm việc năm 2026"}, wantEN: []string{"Due time computed again", "a staff member edited the working-day calendar of 2026"}},
		petition.EventLate:                {note: petition.LateNote("answer", 42, due), wantVI: []string{"Bước “Giải quyết, trả lời” quá hạn (hạn 24:00", "18/12/2026"}, wantEN: []string{"The step “Resolve and answer” went late", "end of 18 December 2026"}},
		petition.EventEscalated:           {note: petition.LateNote("process", 7, due), wantVI: []string{"Bước “Xử lý đơn” quá hạn kéo dài", "Lãnh đạo Sở"}, wantEN: []string{"“Process the letter” has been late for long", "leadership"}},
		petition.EventPartiesNotified:     {note: "1/TB — đã gửi", wantVI: []string{"Đã thông báo thụ lý"}, wantEN: []string{"notified of the acceptance"}},
		petition.EventSuspensionSent:      {note: "2/CV", wantVI: []string{"Đã gửi quyết định tạm đình chỉ"}, wantEN: []string{"suspension decision was sent"}},
		petition.EventConclusionPublished: {note: "3/CV", wantVI: []string{"Đã công khai kết luận"}, wantEN: []string{"conclusion on the denunciation was published"}},
		petition.EventReportRequested:     {note: "4/TTr", wantVI: []string{"yêu cầu báo cáo"}, wantEN: []string{"asked for a report"}},
		petition.EventReportSent:          {note: "5/BC", wantVI: []string{"Đã báo cáo cơ quan cấp trên"}, wantEN: []string{"report was sent"}},
		petition.EventReportedBack:        {note: "6/BC", wantVI: []string{"Đã báo cáo kết quả"}, wantEN: []string{"result was reported"}},
		petition.EventReceptionRefused:    {note: "Say rượu", wantVI: []string{"Từ chối tiếp công dân"}, wantEN: []string{"Reception refused"}},
		petition.EventRefusalNoticeSent:   {note: "7/TB", wantVI: []string{"thông báo từ chối tiếp"}, wantEN: []string{"notice refusing reception"}},
		petition.EventDialogueScheduled:   {note: "09:00 15/12/2026, Phòng họp Sở — Ông A, bà B", wantVI: []string{"Lên lịch đối thoại: 09:00 15/12/2026"}, wantEN: []string{"Dialogue scheduled: 09:00 15/12/2026"}},
		petition.EventDialogueNoticeSent:  {note: "8/TB", wantVI: []string{"thông báo tổ chức đối thoại"}, wantEN: []string{"written notice of the dialogue was sent"}},
		petition.EventDialogueHeld:        {note: "9/BB", wantVI: []string{"Đã đối thoại"}, wantEN: []string{"Dialogue held"}},
		petition.EventDialogueAbsent:      {note: "10/BB", wantVI: []string{"vắng mặt không có lý do chính đáng"}, wantEN: []string{"did not come"}},
		petition.EventDialogueExcused:     {note: "11/BB", wantVI: []string{"vắng mặt có lý do chính đáng"}, wantEN: []string{"absent for a good reason"}},
		petition.EventChased:              {note: "Khẩn trương", unit: "Phòng A", wantVI: []string{"Đôn đốc Phòng A: Khẩn trương"}, wantEN: []string{"Phòng A chased: Khẩn trương"}},
		petition.EventStaffReopened:       {note: "Trả lời chưa đầy đủ", wantVI: []string{"Mở lại hồ sơ đã trả lời", "lý do: Trả lời chưa đầy đủ"}, wantEN: []string{"reopened", "reason: Trả lời chưa đầy đủ"}},
	}
	codes := regexp.MustCompile(`[a-z]+=|\b[a-z]+_[a-z_]+\b|not_eligible:`)
	for kind, shown := range petition.EventKinds {
		if shown&petition.Internal == 0 {
			continue
		}
		r, ok := rows[kind]
		if !ok {
			t.Errorf("the trail has no sentence test for %q: add its row with a note as the workflow writes it", kind)
			continue
		}
		e := petition.Event{Kind: kind, Note: r.note, UnitName: r.unit, DueAt: r.dueAt}
		texts := map[string]string{}
		for lang, want := range map[string][]string{"vi": r.wantVI, "en": r.wantEN} {
			s := StaffEventTextUnits(cat, lang, e, loc, func(code string) string { return units[code] })
			texts[lang] = s
			if s == "" || strings.Contains(s, "staff.event.") || strings.Contains(s, "<no value>") || codes.MatchString(s) {
				t.Errorf("%s %s reads %q", lang, kind, s)
			}
			for _, w := range want {
				if !strings.Contains(s, w) {
					t.Errorf("%s %s: %q lacks %q", lang, kind, s, w)
				}
			}
		}
		if texts["vi"] == texts["en"] {
			t.Errorf("%s reads the same in vi and en: %q", kind, texts["vi"])
		}
	}
	for kind := range rows {
		if petition.EventKinds[kind]&petition.Internal == 0 {
			t.Errorf("row %s is not an internal kind", kind)
		}
	}
}

// The trail names people, never their account label or the built-in
// tables' code: who changed the calendar or a rule is a colleague's name
// and unit, the software is "Hệ thống", in rows written before the reason
// was coded too.
func TestTrailNamesPeople(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	loc := time.FixedZone("ICT", 7*3600)
	due := time.Date(2026, 12, 22, 0, 0, 0, 0, loc)
	people := People{"account:2 canbo@sxd.test": {Name: "Nguyễn Văn An", Unit: "Văn phòng Sở"}}
	for _, c := range []struct {
		note, lang string
		want       []string
	}{
		{"24:00 18/12/2026 → 24:00 21/12/2026. " + petition.RecomputeReason("calendar", "account:2 canbo@sxd.test", "2026"), "vi",
			[]string{"Nguyễn Văn An (Văn phòng Sở) sửa lịch làm việc năm 2026"}},
		{"24:00 18/12/2026 → 24:00 21/12/2026. " + petition.RecomputeReason("rule_override", "account:2 canbo@sxd.test", "pakn.answer"), "en",
			[]string{"Nguyễn Văn An (Văn phòng Sở) adjusted the period “Answer a petition or feedback”"}},
		{"24:00 18/12/2026 → 24:00 21/12/2026. " + petition.RecomputeReason("builtin", "system", ""), "vi", []string{"phần mềm bổ sung"}},
		{"24:00 18/12/2026 → 24:00 21/12/2026. Lịch làm việc năm 2026 được sửa bởi account:2 canbo@sxd.test.", "vi",
			[]string{"được sửa bởi Nguyễn Văn An (Văn phòng Sở)."}},
		{"24:00 18/12/2026 → 24:00 21/12/2026. Bổ sung lịch làm việc hoặc quy định thời hạn dựng sẵn, bởi built-in.", "vi", []string{"bởi Hệ thống."}},
	} {
		s := StaffEventTextNamed(cat, c.lang, petition.Event{Kind: petition.EventDueMoved, Note: c.note, DueAt: &due}, loc, nil, people)
		for _, w := range c.want {
			if !strings.Contains(s, w) {
				t.Errorf("%s: %q lacks %q", c.lang, s, w)
			}
		}
		for _, raw := range []string{"account:", "canbo@", "built-in", "cause=", "subject="} {
			if strings.Contains(s, raw) {
				t.Errorf("%s: %q shows %q", c.lang, s, raw)
			}
		}
	}
	for label, want := range map[string]string{"account:2 canbo@sxd.test": "Nguyễn Văn An (Văn phòng Sở)", "account:9 x@y.z (token 3)": "một cán bộ",
		"system": "Hệ thống", "built-in": "Hệ thống", "petitioner": "Người gửi", "scheduler": "Hệ thống"} {
		if got := Who(cat, "vi", label, people); got != want {
			t.Errorf("Who(%q) = %q, want %q", label, got, want)
		}
	}
}
