package main

import (
	"net/http"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/httpapi"
)

// Issue 12: one name for a clock's rule. The receipt says rule_id, as the
// clocks do; due_rule stays as a deprecated alias with the same value.
func TestReceiptRuleIDOverAPI(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		res, b := ta.postJSON(t, "/api/v1/petitions", validPetition(ta, t))
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("status %d: %s", res.StatusCode, b)
		}
		rec := decode[httpapi.PetitionReceipt](t, b)
		if rec.RuleId == nil || *rec.RuleId != "pakn.answer" || rec.DueRule == nil || *rec.DueRule != *rec.RuleId {
			t.Fatalf("receipt: %s", b)
		}
		// The same name and value as the case's clock.
		var rule string
		ta.db.Gorm.Raw("SELECT k.rule_id FROM case_clocks k JOIN cases c ON c.id = k.case_id WHERE c.code = ?", rec.Code).Scan(&rule)
		if rule != *rec.RuleId {
			t.Errorf("clock rule %q, receipt %q", rule, *rec.RuleId)
		}
	})
}

// Issue 12: an officer's extension request (202) returns the request's id,
// which the head then decides with.
func TestExtensionRequestIDOverAPI(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffToken(t, "VP", access.Office)
		officer := ta.staffToken(t, "PQLXD", access.UnitOfficer)
		head := ta.staffToken(t, "PQLXD", access.UnitHead)
		var reg httpapi.RegisteredCase
		ta.callJSON(t, "POST", "/api/v1/cases", office, map[string]any{"kind": "khieu_nai", "channel": "in_person", "received_at": ta.Clock.Now(),
			"topic_id": firstTopic(t, ta), "title": "Khiếu nại quyết định xử phạt", "content": "Tôi khiếu nại Quyết định xử phạt số 7/QĐ-XPHC về trật tự xây dựng.",
			"name": "Tạ Văn Đơn", "phone": "0915 444 555", "address": "12 Hàng Gà, Hoàn Kiếm, Hà Nội"}, 201, &reg)
		base := "/api/v1/cases/" + reg.Code
		ta.callJSON(t, "POST", base+"/classify", office, map[string]any{"eligible": true, "within_competence": true, "round": 1}, 200, nil)
		ta.callJSON(t, "POST", base+"/accept", office, map[string]any{"decision_no": "12/QĐ-SXD"}, 200, nil)
		ta.callJSON(t, "POST", base+"/assign", office, map[string]any{"lead": "PQLXD"}, 200, nil)

		var req httpapi.ExtensionRequested
		b := ta.callJSON(t, "POST", base+"/extend", officer, map[string]any{"reason": "Vụ việc phức tạp, cần xác minh nhiều nơi",
			"complexity": "complex", "criteria": []string{"a"}, "document_ref": "BB 02/BB-PQLXD"}, 202, &req)
		var pending []int64
		ta.db.Gorm.Raw("SELECT e.id FROM case_extensions e JOIN cases c ON c.id = e.case_id WHERE c.code = ? AND e.state = 'pending'", reg.Code).Scan(&pending)
		if len(pending) != 1 || req.RequestId != pending[0] {
			t.Fatalf("request_id %d, pending %v: %s", req.RequestId, pending, b)
		}
		if req.Code != reg.Code || len(req.Extensions) != 1 || req.Extensions[0].Id != req.RequestId || req.Extensions[0].State != "pending" {
			t.Errorf("the 202 body is not the case with its request: %s", b)
		}
		var cd httpapi.CaseDetail
		ta.callJSON(t, "POST", base+"/extend", head, map[string]any{"request_id": req.RequestId, "decision_no": "05/QĐ-SXD"}, 200, &cd)
		if len(cd.Extensions) != 1 || cd.Extensions[0].Id != req.RequestId || cd.Extensions[0].State != "approved" {
			t.Errorf("decided with the returned id: %+v", cd.Extensions)
		}
	})
}
