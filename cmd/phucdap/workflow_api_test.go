package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/petition"
)

// callJSON sends a JSON request with a token and decodes the answer into
// out when the status is the wanted one.
func (ta *testApp) callJSON(t *testing.T, method, path, token string, body any, want int, out any) []byte {
	t.Helper()
	var r *strings.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = strings.NewReader(string(b))
	} else {
		r = strings.NewReader("")
	}
	res, b := ta.do(t, method, path, r, "Authorization", token, "Content-Type", "application/json")
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, res.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode: %v", method, path, err)
		}
	}
	return b
}

// The browser scenario over the JSON API, every action in
// the spec: the office registers a phone case, classifies, accepts and
// assigns it; a unit officer drafts the answer, the unit head approves it;
// the citizen reads it with the tracking code and secret.
func TestWorkflowOverAPI(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffToken(t, "VP", access.Office)
		officer := ta.staffToken(t, "PQLXD", access.UnitOfficer)
		head := ta.staffToken(t, "PQLXD", access.UnitHead)
		other := ta.staffToken(t, "PQHKT", access.UnitOfficer)
		topic := firstTopic(t, ta)

		// A call at 08:40, typed in at 10:15: the clock counts from the call.
		called := ta.Clock.Now().Add(-95 * time.Minute)
		var reg httpapi.RegisteredCase
		ta.callJSON(t, "POST", "/api/v1/cases", office, map[string]any{"kind": "phan_anh", "channel": "hotline", "received_at": called,
			"topic_id": topic, "title": "Công trình lấn chiếm vỉa hè", "content": "Công trình xây dựng số 18 phố Tam Thanh lấn chiếm vỉa hè, gây mất an toàn.",
			"name": "Đinh Thị Gọi", "phone": "0915 222 333"}, 201, &reg)
		if reg.Secret == "" || reg.Case.Channel != "hotline" || !reg.Case.ReceivedAt.Equal(called) || reg.Case.Status != "received" {
			t.Fatalf("registered: %+v", reg.Case)
		}
		if len(reg.Case.Clocks) != 1 || !reg.Case.Clocks[0].StartedAt.Equal(called) || reg.Case.Clocks[0].RuleId != "pakn.answer" {
			t.Fatalf("first clock: %+v", reg.Case.Clocks)
		}
		code := reg.Code
		base := "/api/v1/cases/" + code

		// A unit cannot see the case before it is assigned; answering a case
		// that was never accepted is refused, in Vietnamese, naming why.
		ta.callJSON(t, "GET", base, other, nil, 404, nil)
		ta.callJSON(t, "POST", base+"/answer?lang=vi", office, map[string]any{"body": "Trả lời thử nội dung phản ánh của bà."}, 403, nil)
		var cd httpapi.CaseDetail
		ta.callJSON(t, "GET", base, office, nil, 200, &cd)
		if !contains(cd.AllowedActions, "classify") || contains(cd.AllowedActions, "accept") {
			t.Errorf("allowed before classification: %v", cd.AllowedActions)
		}
		b := ta.callJSON(t, "POST", base+"/accept", office, map[string]any{}, 409, nil)
		if !strings.Contains(string(b), "Không thể “Thụ lý” khi hồ sơ đang ở trạng thái “Mới tiếp nhận”") {
			t.Errorf("409 message: %s", b)
		}

		ta.callJSON(t, "POST", base+"/classify", office, map[string]any{"eligible": true, "within_competence": true}, 200, &cd)
		ta.callJSON(t, "POST", base+"/accept", office, map[string]any{"note": "Thuộc lĩnh vực quản lý trật tự xây dựng"}, 200, &cd)
		if cd.Status != "accepted" || cd.AcceptedAt == nil {
			t.Fatalf("after accept: %s", cd.Status)
		}
		// The topic's plan task (II.1) names the office as lead and every
		// division as coordinating: the group expands to its members.
		if len(cd.Proposal.LeadCandidates) != 1 || cd.Proposal.LeadCandidates[0].Code != "VP" || len(cd.Proposal.Coordinating) != 6 {
			t.Errorf("proposal: %+v", cd.Proposal)
		}
		ta.callJSON(t, "POST", base+"/assign", office, map[string]any{"lead": "PQLXD", "coordinating": []string{"PQHKT"}}, 200, &cd)
		if cd.LeadUnit == nil || cd.LeadUnit.Code != "PQLXD" || len(cd.CoordinatingUnits) != 1 || cd.Status != "assigned" {
			t.Fatalf("after assign: %+v %+v", cd.LeadUnit, cd.CoordinatingUnits)
		}

		// The inbox filters, through the one scoped query.
		var list httpapi.ListCases200JSONResponse
		ta.callJSON(t, "GET", "/api/v1/cases?kind=phan_anh&status=assigned", officer, nil, 200, &list)
		if len(list.Cases) != 1 || list.Cases[0].Code != code {
			t.Errorf("officer's filtered list: %+v", list.Cases)
		}
		ta.callJSON(t, "GET", "/api/v1/cases?kind=khieu_nai", officer, nil, 200, &list)
		if len(list.Cases) != 0 {
			t.Errorf("kind filter: %+v", list.Cases)
		}
		ta.callJSON(t, "GET", "/api/v1/cases?urgency=late", office, nil, 200, &list)
		if len(list.Cases) != 0 {
			t.Errorf("late filter: %+v", list.Cases)
		}
		ta.callJSON(t, "GET", "/api/v1/cases?unit=PQHKT", office, nil, 200, &list)
		if len(list.Cases) != 1 {
			t.Errorf("unit filter: %+v", list.Cases)
		}

		// A PAKN's answer time has no extension, and the refusal says so in
		// words, not as "(0, each at most 0 days)".
		if b := ta.callJSON(t, "POST", base+"/extend?lang=vi", head, map[string]any{"reason": "Cần thêm thời gian"}, 409, nil); !strings.Contains(string(b), "không cho phép gia hạn thời hạn này") {
			t.Errorf("refused extension: %s", b)
		}

		ta.Clock.Advance(24 * time.Hour)
		ta.callJSON(t, "POST", base+"/contribute", other, map[string]any{"body": "Phòng Quy hoạch xác nhận vị trí vỉa hè thuộc lộ giới."}, 200, nil)
		ta.callJSON(t, "POST", base+"/answer", officer, map[string]any{"body": "Sở Xây dựng đã kiểm tra, lập biên bản và yêu cầu chủ công trình tháo dỡ phần lấn chiếm.",
			"letter_no": "412/SXD-QLXD", "letter_date": ta.Clock.Now().In(hanoi).Format("2006-01-02"), "signer": "Trưởng phòng Quản lý xây dựng"}, 200, &cd)
		if len(cd.Answers) != 1 || cd.Answers[0].PublishedAt != nil {
			t.Fatalf("draft: %+v", cd.Answers)
		}
		// Before approval the citizen sees no answer.
		var v httpapi.PetitionView
		ta.getJSON(t, "/api/v1/petitions/"+code, 200, &v, "X-Tracking-Secret", reg.Secret)
		if v.Answer != nil {
			t.Fatal("a draft reached the citizen")
		}
		ta.callJSON(t, "POST", base+"/approve", officer, map[string]any{}, 403, nil)
		ta.callJSON(t, "POST", base+"/approve", head, map[string]any{"answer_id": cd.Answers[0].Id}, 200, &cd)
		if cd.Status != "answered" {
			t.Fatalf("after approve: %s", cd.Status)
		}
		for _, c := range cd.Clocks {
			if c.Kind == "answer" && (c.OnTime == nil || !*c.OnTime || c.State != "met") {
				t.Errorf("answer clock: %+v", c)
			}
			if c.Kind == "contribution" && (c.OnTime == nil || !*c.OnTime) {
				t.Errorf("contribution clock: %+v", c)
			}
		}
		var trail []string
		for _, h := range cd.History {
			trail = append(trail, h.Kind)
		}
		if !strings.Contains(strings.Join(trail, ","), "received,intake,classified,accepted,assigned,coordinating,contributed,drafted,answered") {
			t.Errorf("staff trail: %v", trail)
		}

		ta.getJSON(t, "/api/v1/petitions/"+code, 200, &v, "X-Tracking-Secret", reg.Secret)
		if v.Answer == nil || !strings.Contains(v.Answer.Body, "tháo dỡ phần lấn chiếm") || v.Answer.LetterNo == nil || *v.Answer.LetterNo != "412/SXD-QLXD" {
			t.Fatalf("citizen's answer: %+v", v.Answer)
		}
		var kinds []string
		for _, e := range v.Timeline {
			kinds = append(kinds, e.Kind)
		}
		if strings.Join(kinds, ",") != "received,accepted,assigned,answered" {
			t.Errorf("citizen timeline: %v", kinds)
		}
	})
}

// A mixed letter is split into linked cases, one per kind, each on its own
// kind's clock from the letter's receipt; the citizen follows them with the
// same secret. A disputed answer makes a follow-up case with its own clock,
// and the first answer's on-time fact stays.
func TestSplitAndFollowUp(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffToken(t, "VP", access.Office)
		officer := ta.staffToken(t, "PQLXD", access.UnitOfficer)
		head := ta.staffToken(t, "PQLXD", access.UnitHead)
		received := ta.Clock.Now().Add(-48 * time.Hour)
		var reg httpapi.RegisteredCase
		ta.callJSON(t, "POST", "/api/v1/cases", office, map[string]any{"kind": "phan_anh", "channel": "post", "received_at": received,
			"title": "Đơn nhiều nội dung", "content": "Tôi khiếu nại quyết định xử phạt và phản ánh việc đèn đường hỏng nhiều ngày.",
			"name": "Vi Văn Gửi", "address": "Cao Lộc, Lạng Sơn"}, 201, &reg)
		var cd httpapi.CaseDetail
		ta.callJSON(t, "POST", "/api/v1/cases/"+reg.Code+"/split", office, map[string]any{"parts": []map[string]any{
			{"kind": "khieu_nai", "title": "Khiếu nại quyết định xử phạt", "content": "Tôi khiếu nại Quyết định xử phạt số 7/QĐ-XPHC."},
			{"kind": "phan_anh", "title": "Đèn đường hỏng", "content": "Đèn đường ở thôn Pác Luống đã hỏng nhiều ngày."}}}, 200, &cd)
		if cd.Status != "split" || len(cd.Children) != 2 {
			t.Fatalf("after split: %s %+v", cd.Status, cd.Children)
		}
		for _, ch := range cd.Children {
			var child httpapi.CaseDetail
			ta.callJSON(t, "GET", "/api/v1/cases/"+ch.Code, office, nil, 200, &child)
			want := petition.Kind(child.Kind).DueRule()
			if len(child.Clocks) != 1 || child.Clocks[0].RuleId != want || !child.Clocks[0].StartedAt.Equal(received) || child.Parent == nil || child.Parent.Code != reg.Code {
				t.Errorf("child %s: clocks %+v parent %+v", ch.Code, child.Clocks, child.Parent)
			}
			// The citizen's secret opens the parts too.
			ta.getJSON(t, "/api/v1/petitions/"+ch.Code, 200, nil, "X-Tracking-Secret", reg.Secret)
		}
		var v httpapi.PetitionView
		ta.getJSON(t, "/api/v1/petitions/"+reg.Code, 200, &v, "X-Tracking-Secret", reg.Secret)
		if last := v.Timeline[len(v.Timeline)-1]; last.Kind != "split" || !strings.Contains(last.Text, cd.Children[0].Code) {
			t.Errorf("split entry: %+v", last)
		}

		// The PAKN part is answered, then disputed.
		pakn := cd.Children[1].Code
		base := "/api/v1/cases/" + pakn
		ta.callJSON(t, "POST", base+"/classify", office, map[string]any{"eligible": true, "within_competence": true}, 200, nil)
		ta.callJSON(t, "POST", base+"/accept", office, map[string]any{}, 200, nil)
		ta.callJSON(t, "POST", base+"/assign", office, map[string]any{"lead": "PQLXD"}, 200, nil)
		ta.callJSON(t, "POST", base+"/answer", officer, map[string]any{"body": "Điện lực đã thay bóng đèn thôn Pác Luống."}, 200, nil)
		ta.callJSON(t, "POST", base+"/approve", head, map[string]any{}, 200, &cd)
		var frozen *bool
		for _, c := range cd.Clocks {
			if c.Kind == "answer" {
				frozen = c.OnTime
			}
		}
		ta.Clock.Advance(72 * time.Hour)
		res, b := ta.postJSON(t, "/api/v1/petitions/"+pakn+"/dispute", map[string]any{"reason": "Đèn lại hỏng sau hai ngày."}, "X-Tracking-Secret", reg.Secret)
		if res.StatusCode != http.StatusNoContent {
			t.Fatalf("dispute: %d %s", res.StatusCode, b)
		}
		ta.callJSON(t, "GET", base, office, nil, 200, &cd)
		if cd.Status != "reopened" || len(cd.Children) != 1 || cd.Children[0].Relation != "follow_up" {
			t.Fatalf("after dispute: %s %+v", cd.Status, cd.Children)
		}
		for _, c := range cd.Clocks {
			if c.Kind == "answer" && (c.OnTime == nil || frozen == nil || *c.OnTime != *frozen) {
				t.Errorf("the first answer's on-time fact changed: %v → %v", frozen, c.OnTime)
			}
		}
		var follow httpapi.CaseDetail
		ta.callJSON(t, "GET", "/api/v1/cases/"+cd.Children[0].Code, officer, nil, 200, &follow)
		if follow.Status != "received" || len(follow.Clocks) != 1 || follow.Clocks[0].State != "open" || follow.LeadUnit == nil ||
			!follow.Clocks[0].StartedAt.Equal(ta.Clock.Now()) || follow.Clocks[0].Unit == nil || *follow.Clocks[0].Unit != "PQLXD" {
			t.Errorf("follow-up: %s %+v %+v", follow.Status, follow.Clocks, follow.LeadUnit)
		}
		ta.getJSON(t, "/api/v1/petitions/"+follow.Code, 200, nil, "X-Tracking-Secret", reg.Secret)
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
