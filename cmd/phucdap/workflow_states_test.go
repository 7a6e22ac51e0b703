package main

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/api"
	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/petition"
)

// The state machine is one table (petition.Machine). Every
// action that the table does not allow in a state is refused with a 409
// that names the action and the state, and writes nothing; so are the
// guards (accepting a case found not eligible, approving with no draft),
// the caps (extending a PAKN, whose rule allows no extension) and the
// unit roles.
func TestIllegalTransitionsChangeNothing(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office, officer, head := ta.caseTeam(t, "states")
		leadership := ta.staffActor(t, "leader@sxd.test", "", access.Leadership)
		coord := ta.staffActor(t, "coord@sxd.test", "PQHKT", access.UnitOfficer)
		ta.setLocal(t, "2026-09-01 09:00")

		type made struct {
			id           int64
			code, secret string
			kind         petition.Kind
		}
		register := func(kind petition.Kind) made {
			t.Helper()
			r := ta.register(t, office, petition.RegisterInput{Kind: kind, Channel: petition.ChannelPhone,
				ReceivedAt: ta.Clock.Now(), Title: "Vụ việc thử", Content: "Nội dung vụ việc dùng để thử máy trạng thái của quy trình.",
				Name: "Người Gửi Thử", Phone: "0911222333", Address: "Lạng Sơn"})
			// The units see the case from the start, so that their
			// refusals are about the state, not about visibility.
			ta.assign(t, r.CaseID, "PQLXD", "PQHKT")
			return made{r.CaseID, r.Code, r.Secret, kind}
		}
		classify := petition.ClassifyInput{Eligible: true, WithinCompetence: true}
		accept := petition.AcceptInput{DecisionNo: "1/QĐ-SXD"}
		assign := petition.AssignInput{Lead: "PQLXD", Coordinating: []string{"PQHKT"}, Reason: "Giao theo nhiệm vụ của kế hoạch"}
		draft := petition.AnswerInput{Body: "Sở Xây dựng trả lời nội dung đơn như sau: đã kiểm tra và xử lý."}
		decision := petition.DecisionInput{Reason: "Chờ kết quả giám định", DecisionNo: "2/QĐ-SXD"}
		steps := func(c made, ins ...petition.Input) made {
			t.Helper()
			for _, in := range ins {
				by := office
				switch in.Action() {
				case petition.ActAnswer:
					by = officer
				case petition.ActApprove:
					by = head
				}
				ta.act(t, by, c.id, in)
			}
			return c
		}
		post := func(path, secret string, body any) {
			t.Helper()
			res, b := ta.postJSON(t, path, body, "X-Tracking-Secret", secret)
			if res.StatusCode != http.StatusNoContent {
				t.Fatalf("%s: %d %s", path, res.StatusCode, b)
			}
		}
		complaint := petition.KindComplaint
		states := map[petition.Status]made{
			petition.StatusReceived:   register(complaint),
			petition.StatusClassified: steps(register(complaint), classify),
			petition.StatusAccepted:   steps(register(complaint), classify, accept),
			petition.StatusAssigned:   steps(register(complaint), classify, accept, assign),
			petition.StatusSuspended:  steps(register(complaint), classify, accept, assign, petition.SuspendInput(decision)),
			petition.StatusAnswered:   steps(register(complaint), classify, accept, assign, draft, petition.ApproveInput{}),
			petition.StatusForwarded: steps(register(complaint), petition.ClassifyInput{Eligible: true},
				petition.ForwardInput{To: "Ủy ban nhân dân huyện Cao Lộc"}),
			petition.StatusGuided:      steps(register(complaint), classify, petition.GuideInput{Note: "Đề nghị gửi đơn đến UBND huyện"}),
			petition.StatusNotEligible: steps(register(complaint), petition.ClassifyInput{IneligibleReason: "not_signed", WithinCompetence: true}, petition.RejectInput{Note: "Đơn không có chữ ký"}),
			petition.StatusFiled:       steps(register(complaint), classify, petition.FileInput{}),
			petition.StatusWithdrawn:   steps(register(complaint), petition.WithdrawInput{Reason: "Người khiếu nại xin rút đơn"}),
			petition.StatusTerminated:  steps(register(complaint), classify, accept, petition.TerminateInput(decision)),
			petition.StatusSplit: steps(register(complaint), petition.SplitInput{Parts: []petition.SplitPart{
				{Kind: petition.KindComplaint, Title: "Phần khiếu nại", Content: "Khiếu nại quyết định xử phạt số 12 của Thanh tra Sở."},
				{Kind: petition.KindFeedback, Title: "Phần phản ánh", Content: "Phản ánh đèn đường hỏng ở ngõ 4 phố Bà Triệu."}}}),
		}
		closed := steps(register(complaint), classify, accept, assign, draft, petition.ApproveInput{})
		post("/api/v1/petitions/"+closed.code+"/rating", closed.secret, map[string]any{"stars": 4})
		states[petition.StatusClosed] = steps(closed, petition.CloseInput{})
		reopened := steps(register(complaint), classify, accept, assign, draft, petition.ApproveInput{})
		post("/api/v1/petitions/"+reopened.code+"/dispute", reopened.secret, map[string]any{"reason": "Tôi không đồng ý với trả lời."})
		states[petition.StatusReopened] = reopened
		for s, c := range states {
			if got := ta.caseState(t, c.id).Status; got != s {
				t.Fatalf("setting up %s: the case is %s", s, got)
			}
		}
		if len(states) != len(petition.Statuses) {
			t.Fatalf("%d states set up, the workflow has %d", len(states), len(petition.Statuses))
		}

		inputs := map[petition.Action]petition.Input{
			petition.ActClassify:   classify,
			petition.ActAccept:     accept,
			petition.ActForward:    petition.ForwardInput{To: "Ủy ban nhân dân huyện Cao Lộc"},
			petition.ActGuide:      petition.GuideInput{Note: "Đề nghị gửi đơn đến UBND huyện"},
			petition.ActReject:     petition.RejectInput{Note: "Đơn không có chữ ký"},
			petition.ActFile:       petition.FileInput{},
			petition.ActAssign:     assign,
			petition.ActAnswer:     draft,
			petition.ActApprove:    petition.ApproveInput{},
			petition.ActContribute: petition.ContributeInput{Body: "Ý kiến của đơn vị phối hợp."},
			petition.ActExtend:     petition.ExtendInput{Reason: "Cần thêm thời gian xác minh"},
			petition.ActSuspend:    petition.SuspendInput(decision),
			petition.ActResume:     petition.ResumeInput(decision),
			petition.ActWithdraw:   petition.WithdrawInput{Reason: "Người khiếu nại xin rút đơn"},
			petition.ActTerminate:  petition.TerminateInput(decision),
			petition.ActClose:      petition.CloseInput{},
			petition.ActSplit: petition.SplitInput{Parts: []petition.SplitPart{
				{Kind: petition.KindComplaint, Title: "A", Content: "Nội dung phần thứ nhất của lá đơn."},
				{Kind: petition.KindPetition, Title: "B", Content: "Nội dung phần thứ hai của lá đơn."}}},
			petition.ActNotifyParties:       petition.DutyInput{Act: petition.ActNotifyParties, DocumentRef: "1/TB", AccusedNotice: "Nội dung tố cáo."},
			petition.ActSuspensionSent:      petition.DutyInput{Act: petition.ActSuspensionSent, DocumentRef: "2/CV"},
			petition.ActConclusionPublished: petition.DutyInput{Act: petition.ActConclusionPublished, DocumentRef: "3/CV"},
			petition.ActReportRequested:     petition.DutyInput{Act: petition.ActReportRequested, DocumentRef: "4/TTr"},
			petition.ActReportSent:          petition.DutyInput{Act: petition.ActReportSent, DocumentRef: "5/BC"},
			petition.ActReportedBack:        petition.DutyInput{Act: petition.ActReportedBack, DocumentRef: "6/BC"},
			petition.ActRefuseReception:     petition.RefuseReceptionInput(decision),
			petition.ActRefusalNoticeSent:   petition.DutyInput{Act: petition.ActRefusalNoticeSent, DocumentRef: "7/TB"},
			petition.ActChase:               petition.ChaseInput{Note: "Đề nghị khẩn trương dự thảo trả lời."},
			petition.ActStaffReopen:         petition.StaffReopenInput{Reason: "Trả lời chưa đầy đủ, cần xem xét lại."},
			petition.ActScheduleDialogue: petition.ScheduleDialogueInput{On: calendar.DateOf(ta.Clock.Now(), deadline.VietnamLocation()).AddDays(10),
				Place: "Phòng họp Sở", Participants: "Các bên"},
			petition.ActDialogueNoticeSent: petition.DutyInput{Act: petition.ActDialogueNoticeSent, DocumentRef: "8/TB"},
			petition.ActRecordDialogue:     petition.RecordDialogueInput{Outcome: petition.DialogueHeld, MinutesRef: "9/BB", Result: "Đã đối thoại."},
		}
		// Who may take each action, so that the refusal is the state's.
		actorFor := map[petition.Action]access.Actor{petition.ActAnswer: officer, petition.ActApprove: head,
			petition.ActContribute: coord, petition.ActExtend: leadership}
		seen := map[petition.Action]bool{}
		for _, tr := range petition.Machine {
			if tr.Action != petition.ActReopen {
				seen[tr.Action] = true
			}
		}
		if len(seen) != len(inputs) {
			t.Fatalf("%d actions in the machine, %d tested", len(seen), len(inputs))
		}
		refused := 0
		for _, s := range petition.Statuses {
			c := states[s]
			for act, in := range inputs {
				if petition.Legal(act, s, c.kind) {
					continue
				}
				by, ok := actorFor[act]
				if !ok {
					by = office
				}
				// An action the state allows for another kind (notifying a
				// denunciation's parties, on these complaints) says so.
				msg := "workflow.illegal"
				for _, tr := range petition.Machine {
					if tr.Action == act && slices.Contains(tr.From, s) {
						msg = "workflow.illegal_kind"
					}
				}
				t.Run(string(s)+"/"+string(act), func(t *testing.T) {
					ta.refuse(t, by, c.id, in, fault.Conflict, msg)
				})
				refused++
			}
		}
		if refused < 150 {
			t.Errorf("only %d illegal pairs tried", refused)
		}

		// An action that does not apply to the kind.
		pakn := steps(register(petition.KindFeedback), classify, accept)
		ta.refuse(t, office, pakn.id, petition.SuspendInput(decision), fault.Conflict, "workflow.illegal_kind")
		ta.refuse(t, office, pakn.id, petition.TerminateInput(decision), fault.Conflict, "workflow.illegal_kind")
		// Past the cap: a PAKN's answer time has no extension.
		steps(pakn, assign)
		ta.refuse(t, leadership, pakn.id, petition.ExtendInput{Reason: "Cần thêm thời gian"}, fault.Conflict, "workflow.extension_cap")
		// Guards.
		ta.refuse(t, head, pakn.id, petition.ApproveInput{}, fault.Conflict, "workflow.no_draft")
		notEligible := steps(register(complaint), petition.ClassifyInput{IneligibleReason: "anonymous", WithinCompetence: true})
		ta.refuse(t, office, notEligible.id, accept, fault.Conflict, "workflow.accept_not_eligible")
		competent := steps(register(complaint), classify)
		ta.refuse(t, office, competent.id, petition.ForwardInput{To: "UBND huyện Cao Lộc"}, fault.Conflict, "workflow.forward_competent")
		ta.refuse(t, office, competent.id, petition.RejectInput{Note: "Đơn không có chữ ký"}, fault.Conflict, "workflow.reject_eligible")
		// Roles and units.
		assigned := states[petition.StatusAssigned]
		ta.refuse(t, officer, assigned.id, petition.ApproveInput{}, fault.Forbidden, "error.forbidden")
		ta.refuse(t, coord, assigned.id, draft, fault.Forbidden, "workflow.not_lead_unit")
		ta.refuse(t, officer, assigned.id, petition.ContributeInput{Body: "Ý kiến"}, fault.Forbidden, "workflow.not_coordinating_unit")
		ta.refuse(t, officer, states[petition.StatusReceived].id, classify, fault.Forbidden, "error.forbidden")
		ta.refuse(t, office, competent.id, petition.ExtendInput{Reason: "Cần thêm thời gian"}, fault.Forbidden, "error.forbidden")
		// Input is checked after the state: a valid state, an invalid body.
		ta.refuse(t, office, states[petition.StatusClassified].id, petition.AcceptInput{}, fault.Invalid, "workflow.field_required")
	})
}

// The API guards each action's route with the permission of its row in
// the state machine, and every action has its route: the spec, the API and
// the staff pages cannot drift from the one table.
func TestOperationAccessFollowsTheMachine(t *testing.T) {
	ops := map[petition.Action]string{
		petition.ActClassify: "ClassifyCase", petition.ActAccept: "AcceptCase", petition.ActForward: "ForwardCase",
		petition.ActGuide: "GuideCase", petition.ActReject: "RejectCase", petition.ActFile: "FileCase", petition.ActAssign: "AssignCase",
		petition.ActAnswer: "AnswerCase", petition.ActApprove: "ApproveAnswer", petition.ActContribute: "ContributeCase",
		petition.ActExtend: "ExtendCase", petition.ActSuspend: "SuspendCase", petition.ActResume: "ResumeCase",
		petition.ActWithdraw: "WithdrawCase", petition.ActTerminate: "TerminateCase", petition.ActClose: "CloseCase",
		petition.ActSplit: "SplitCase", petition.ActNotifyParties: "NotifyParties", petition.ActSuspensionSent: "SuspensionSent",
		petition.ActConclusionPublished: "ConclusionPublished", petition.ActReportRequested: "ReportRequested", petition.ActReportSent: "ReportSent",
		petition.ActReportedBack: "ReportedBack", petition.ActRefuseReception: "RefuseReception", petition.ActRefusalNoticeSent: "RefusalNoticeSent",
		petition.ActChase: "ChaseCase", petition.ActStaffReopen: "StaffReopenCase",
		petition.ActScheduleDialogue: "ScheduleDialogue", petition.ActDialogueNoticeSent: "DialogueNoticeSent", petition.ActRecordDialogue: "RecordDialogue",
	}
	for _, row := range petition.Machine {
		if row.Action == petition.ActReopen {
			if row.Perm != "" {
				t.Errorf("reopen is the citizen's: %q", row.Perm)
			}
			continue
		}
		op, ok := ops[row.Action]
		if !ok {
			t.Errorf("action %s has no API operation", row.Action)
			continue
		}
		if got, ok := httpapi.OperationAccess(op); !ok || got != row.Perm {
			t.Errorf("%s: route guard %q, the machine says %q", op, got, row.Perm)
		}
		if !strings.Contains(string(api.Spec), "/cases/{code}/"+string(row.Action)+":") {
			t.Errorf("the spec lacks /cases/{code}/%s", row.Action)
		}
	}
}

// Every message id the workflow can return has a text in both languages,
// and an error names the state and the action in the reader's language.
func TestWorkflowMessagesExist(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	re := regexp.MustCompile(`"((?:workflow|petition)\.[a-z_]+(?:\.[a-z_]+)?)"`)
	for _, dir := range []string{"../../internal/petition", "../../internal/httpapi", "../../internal/web"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") || strings.HasSuffix(f, ".gen.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				ids[m[1]] = true
			}
		}
	}
	for _, a := range petition.Machine {
		ids["workflow.action."+string(a.Action)] = true
	}
	for _, s := range petition.Statuses {
		ids["staff.status."+string(s)], ids["petition.status."+string(s)] = true, true
	}
	if len(ids) < 100 {
		t.Fatalf("only %d message ids found: the scan is broken", len(ids))
	}
	for id := range ids {
		if strings.HasSuffix(id, ".") || strings.Count(id, ".") > 2 {
			continue
		}
		for _, lang := range []string{i18n.VI, i18n.EN} {
			if !cat.Has(lang, id) {
				t.Errorf("%s has no %s text", id, lang)
			}
		}
	}
	err = fault.Newf(fault.Conflict, "workflow.illegal", map[string]any{"Action": i18n.Ref("workflow.action.answer"), "Status": i18n.Ref("staff.status.received")})
	fe, _ := fault.As(err)
	if got := cat.T(i18n.VI, fe.MessageID, fe.Args); got != "Không thể “Dự thảo trả lời” khi hồ sơ đang ở trạng thái “Mới tiếp nhận”." {
		t.Errorf("vi: %q", got)
	}
	if got := cat.T(i18n.EN, fe.MessageID, fe.Args); got != "Cannot “Draft the answer” while the case is “Received”." {
		t.Errorf("en: %q", got)
	}
}
