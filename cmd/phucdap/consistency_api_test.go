package main

import (
	"net/http"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/httpapi"
)

// The lead unit has one shape, {code, name},
// in the case list and the case detail, and the list names the
// coordinating units too.
func TestCaseListUnitsShapeOverAPI(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffToken(t, "VP", access.Office)
		coord := ta.staffToken(t, "PQHKT", access.UnitOfficer)
		var reg httpapi.RegisteredCase
		ta.callJSON(t, "POST", "/api/v1/cases", office, map[string]any{"kind": "phan_anh", "channel": "hotline", "received_at": ta.Clock.Now(),
			"topic_id": firstTopic(t, ta), "title": "Vỉa hè bị chiếm dụng", "content": "Vỉa hè số 3 phố Hàng Gà bị chiếm dụng làm nơi để vật liệu xây dựng.",
			"name": "Tạ Văn Đơn", "phone": "0915 444 555"}, 201, &reg)
		base := "/api/v1/cases/" + reg.Code
		ta.callJSON(t, "POST", base+"/classify", office, map[string]any{"eligible": true, "within_competence": true}, 200, nil)
		ta.callJSON(t, "POST", base+"/accept", office, map[string]any{}, 200, nil)
		var cd httpapi.CaseDetail
		ta.callJSON(t, "POST", base+"/assign", office, map[string]any{"lead": "PQLXD", "coordinating": []string{"PQHKT", "TTRA"}}, 200, &cd)
		if cd.LeadUnit == nil || cd.LeadUnit.Code != "PQLXD" || cd.LeadUnit.Name == "" || len(cd.CoordinatingUnits) != 2 {
			t.Fatalf("detail: %+v %+v", cd.LeadUnit, cd.CoordinatingUnits)
		}
		same := func(where string, lead *httpapi.CaseUnit, coordinating []httpapi.CaseUnit) {
			t.Helper()
			if lead == nil || *lead != *cd.LeadUnit {
				t.Errorf("%s: lead %+v, detail says %+v", where, lead, *cd.LeadUnit)
			}
			got := map[httpapi.CaseUnit]bool{}
			for _, u := range coordinating {
				got[u] = true
			}
			for _, u := range cd.CoordinatingUnits {
				if !got[u] || u.Name == "" {
					t.Errorf("%s: coordinating %+v, detail says %+v", where, coordinating, cd.CoordinatingUnits)
				}
			}
			if len(coordinating) != len(cd.CoordinatingUnits) {
				t.Errorf("%s: %d coordinating units, detail %d", where, len(coordinating), len(cd.CoordinatingUnits))
			}
		}
		// The list's JSON itself: lead_unit an object, coordinating_units
		// an array of objects.
		var raw struct {
			Cases []struct {
				LeadUnit          map[string]any   `json:"lead_unit"`
				CoordinatingUnits []map[string]any `json:"coordinating_units"`
			}
		}
		ta.callJSON(t, "GET", "/api/v1/cases", office, nil, 200, &raw)
		if len(raw.Cases) != 1 || raw.Cases[0].LeadUnit["code"] != "PQLXD" || raw.Cases[0].LeadUnit["name"] != cd.LeadUnit.Name ||
			len(raw.Cases[0].CoordinatingUnits) != 2 {
			t.Errorf("list JSON: %+v", raw.Cases)
		}
		// Every list: /cases (office and a coordinating unit) and the inbox,
		// and the staff file.
		for _, who := range []string{office, coord} {
			var list httpapi.ListCases200JSONResponse
			ta.callJSON(t, "GET", "/api/v1/cases", who, nil, 200, &list)
			if len(list.Cases) != 1 {
				t.Fatalf("list: %+v", list.Cases)
			}
			same("/cases", list.Cases[0].LeadUnit, list.Cases[0].CoordinatingUnits)
			var inbox httpapi.ListStaffCases200JSONResponse
			ta.callJSON(t, "GET", "/api/v1/staff/cases", who, nil, 200, &inbox)
			if len(inbox.Cases) != 1 {
				t.Fatalf("inbox: %+v", inbox.Cases)
			}
			same("/staff/cases", inbox.Cases[0].LeadUnit, inbox.Cases[0].CoordinatingUnits)
		}
		var file httpapi.StaffCaseFile
		ta.callJSON(t, "GET", "/api/v1/staff/cases/"+itoa(cd.Id), office, nil, 200, &file)
		same("/staff/cases/{id}", file.LeadUnit, file.CoordinatingUnits)

		// An unassigned case: no lead, an empty (not null) list.
		ta.callJSON(t, "POST", "/api/v1/cases", office, map[string]any{"kind": "kien_nghi", "channel": "post", "received_at": ta.Clock.Now(),
			"topic_id": firstTopic(t, ta), "title": "Kiến nghị lắp đèn", "content": "Kiến nghị lắp đèn chiếu sáng ngõ 12 phố Hàng Gà.",
			"name": "Tạ Văn Đơn", "phone": "0915 444 555"}, 201, nil)
		var rawAll []map[string]any
		var wrap struct{ Cases *[]map[string]any }
		wrap.Cases = &rawAll
		ta.callJSON(t, "GET", "/api/v1/cases?status=received", office, nil, 200, &wrap)
		if len(rawAll) != 1 || rawAll[0]["lead_unit"] != nil {
			t.Fatalf("unassigned: %+v", rawAll)
		}
		if cu, ok := rawAll[0]["coordinating_units"].([]any); !ok || len(cu) != 0 {
			t.Errorf("unassigned coordinating_units: %#v", rawAll[0]["coordinating_units"])
		}
	})
}

// One name for a clock's rule. The receipt says rule_id, as the
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

// An officer's extension request (202) returns the request's id,
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
