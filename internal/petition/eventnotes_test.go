package petition

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phucdap/phucdap/internal/deadline"
)

// Every coded note reads back as the facts it was written from, and a
// person's words (or a note of another shape) stay words.
func TestCodedNotesReadBack(t *testing.T) {
	due := time.Date(2026, 12, 18, 17, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		kind EventKind
		note string
		want NoteFacts
	}{
		{EventIntake, IntakeNote(ChannelPost, 2, true), NoteFacts{Coded: true, Channel: ChannelPost, Files: 2, KeepSecret: true}},
		{EventClassified, classifyNote(KindComplaint, SubtypeDisciplinary, false, "not_signed", true, deadline.Complex, []string{"a", "dd"}, "Đã xác minh"),
			NoteFacts{Coded: true, Words: "Đã xác minh", Kind: KindComplaint, Subtype: SubtypeDisciplinary, IneligibleReason: "not_signed", Competent: true,
				Complexity: string(deadline.Complex), Criteria: []string{"a", "dd"}}},
		{EventClassified, classifyNote(KindFeedback, "", true, "", false, deadline.ComplexityNone, nil, ""),
			NoteFacts{Coded: true, Kind: KindFeedback, Eligible: true, Complexity: string(deadline.ComplexityNone)}},
		{EventCoordinating, assignNote("PQLXD", []string{"PQHKT", "TTPVHCC"}, "Theo kế hoạch"),
			NoteFacts{Coded: true, Words: "Theo kế hoạch", Lead: "PQLXD", Coordinating: []string{"PQHKT", "TTPVHCC"}}},
		{EventCoordinating, assignNote("PQLXD", nil, ""), NoteFacts{Coded: true, Lead: "PQLXD"}},
		{EventWithdrawalContinues, continuesNote([]string{"signs_of_violation", "coerced"}, "Người tố cáo bị ép"),
			NoteFacts{Coded: true, Words: "Người tố cáo bị ép", Grounds: []string{"signs_of_violation", "coerced"}}},
		{EventFollowUp, linkNote("split", "SXD-2026-000012"), NoteFacts{Coded: true, Relation: "split", Parent: "SXD-2026-000012"}},
		{EventFollowUp, linkNote("follow_up", "SXD-2026-000013"), NoteFacts{Coded: true, Relation: "follow_up", Parent: "SXD-2026-000013"}},
		{EventLate, LateNote("answer", 42, due), NoteFacts{Coded: true, Clock: "answer", Due: due}},
		{EventEscalated, LateNote("process", 7, due), NoteFacts{Coded: true, Clock: "process", Due: due}},
		{EventExtensionRefused, string(ActApprove), NoteFacts{Coded: true, MootBy: ActApprove}},
		// Words stay words.
		{EventExtensionRefused, "Chưa đủ căn cứ gia hạn", NoteFacts{Words: "Chưa đủ căn cứ gia hạn"}},
		{EventIntake, "Đơn nhận tại bộ phận một cửa", NoteFacts{Words: "Đơn nhận tại bộ phận một cửa"}},
		{EventClassified, "Phân loại lại theo ý kiến lãnh đạo", NoteFacts{Words: "Phân loại lại theo ý kiến lãnh đạo"}},
		{EventFollowUp, "SXD-2026-000001", NoteFacts{Words: "SXD-2026-000001"}},
		{EventLate, "clock=answer", NoteFacts{Words: "clock=answer"}},
		{EventSuspended, "kind=x", NoteFacts{Words: "kind=x"}},
	} {
		if d := cmp.Diff(c.want, ParseNote(c.kind, c.note)); d != "" {
			t.Errorf("%s %q (-want +got):\n%s", c.kind, c.note, d)
		}
	}
}
