package main

import (
	"net/http"
	"testing"

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
