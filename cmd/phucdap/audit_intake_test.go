package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/httpapi"
)

// A citizen's submission is a change to a case like any other: it is in the
// audit trail, with its request id, and without the petitioner's identity.
func TestIntakeIsAudited(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		res, b := ta.postJSON(t, "/api/v1/petitions", validPetition(ta, t))
		if res.StatusCode != 201 {
			t.Fatalf("submit: %d %s", res.StatusCode, b)
		}
		rec := decode[httpapi.PetitionReceipt](t, b)
		var trail struct{ Entries []httpapi.AuditEntry }
		raw := ta.getJSON(t, "/api/v1/audit?action=case.create", 200, &trail, "Authorization", ta.staffToken(t, "VP", access.Auditor))
		if len(trail.Entries) != 1 {
			t.Fatalf("audit rows for the creation: %s", raw)
		}
		e := trail.Entries[0]
		after, _ := json.Marshal(e.After)
		if e.Entity != "case" || e.RequestId == "" || e.RequestId != res.Header.Get("X-Request-Id") || !strings.Contains(string(after), rec.Code) {
			t.Errorf("audit row: %+v %s", e, after)
		}
		for _, secret := range []string{"Nguyễn Thị Hằng", "0912", "345 678", "hang@example.vn", "Bà Triệu, phường"} {
			if carries(string(raw), secret) {
				t.Errorf("the audit trail carries identity %q", secret)
			}
		}
	})
}
