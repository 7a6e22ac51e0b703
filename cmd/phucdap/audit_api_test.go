package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/httpapi"
)

// Account changes made on the admin pages land in the audit trail with the
// actor, before and after, and the request id of the page's request; the
// auditor reads them through the API with filters.
func TestAuditTrailThroughTheAPI(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		admin := ta.addStaff(t, "admin@sxd.test", "", access.Admin)
		ta.addStaff(t, "auditor@sxd.test", "", access.Auditor)
		head := ta.addStaff(t, "chanh@sxd.test", "VP", access.UnitHead)
		b := ta.browser(t)
		b.mustLogin("admin@sxd.test")
		res, body := b.post("/staff/admin/users", url.Values{"email": {"moi@sxd.test"}, "name": {"Người Mới"}, "unit": {"PQLXD"}, "role": {"unit_officer"}})
		if res.StatusCode != 200 || !strings.Contains(body, "Đã tạo tài khoản") {
			t.Fatalf("create: %d", res.StatusCode)
		}
		reqID := res.Header.Get("X-Request-Id")
		var created access.Account
		for _, a := range ta.mustAccounts(t) {
			if a.Email == "moi@sxd.test" {
				created = a
			}
		}
		// Reassign to another unit through the page.
		res, _ = b.post("/staff/admin/users/"+itoa(created.ID), url.Values{"unit": {"PQHKT"}, "role": {"unit_officer", "unit_head"}, "active": {"on"}})
		if res.StatusCode != 200 {
			t.Fatalf("reassign: %d", res.StatusCode)
		}
		// The office's head grants identity.read on the grants page.
		hb := ta.browser(t)
		hb.mustLogin(head.Email)
		res, body = hb.post("/staff/grants/"+itoa(created.ID), url.Values{"grant": {"1"}})
		if res.StatusCode != 200 || !strings.Contains(body, "Đã cho phép") {
			t.Fatalf("grant: %d", res.StatusCode)
		}

		ab := ta.browser(t)
		ab.mustLogin("auditor@sxd.test")
		get := func(q string) httpapi.ListAudit200JSONResponse {
			t.Helper()
			var out httpapi.ListAudit200JSONResponse
			res, body := ab.get("/api/v1/audit" + q)
			if res.StatusCode != 200 {
				t.Fatalf("GET /api/v1/audit%s: %d %s", q, res.StatusCode, body)
			}
			if err := jsonUnmarshal(body, &out); err != nil {
				t.Fatal(err)
			}
			return out
		}
		list := get("?action=account.create&actor=" + itoa(admin.ID))
		if len(list.Entries) != 1 {
			t.Fatalf("account.create by admin: %+v", list.Entries)
		}
		e := list.Entries[0]
		if e.EntityId != itoa(created.ID) || e.RequestId != reqID || reqID == "" || e.ActorId == nil || *e.ActorId != admin.ID ||
			e.After == nil || (*e.After)["unit"] != "PQLXD" || e.Before != nil {
			t.Errorf("create entry: %+v (request %s)", e, reqID)
		}
		list = get("?action=account.reassign")
		if len(list.Entries) != 1 || (*list.Entries[0].Before)["unit"] != "PQLXD" || (*list.Entries[0].After)["unit"] != "PQHKT" {
			t.Errorf("reassign entry: %+v", list.Entries)
		}
		list = get("?action=identity")
		if len(list.Entries) != 1 || list.Entries[0].Action != "identity.grant" || *list.Entries[0].ActorId != head.ID {
			t.Errorf("grant entry: %+v", list.Entries)
		}
		if got := get("?entity=account&entity_id=" + itoa(created.ID)); len(got.Entries) != 3 {
			t.Errorf("entity filter: %d entries", len(got.Entries))
		}
		if got := get("?from=2030-01-01T00:00:00Z"); len(got.Entries) != 0 {
			t.Errorf("from filter: %d entries", len(got.Entries))
		}
		if got := get("?actor=chanh@"); len(got.Entries) == 0 || !strings.Contains(got.Entries[0].Actor, "chanh@sxd.test") {
			t.Errorf("actor label filter: %+v", got.Entries)
		}
		res, _ = ab.get("/api/v1/audit?from=2030-01-01T00:00:00Z&to=2029-01-01T00:00:00Z")
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("inverted range: %d", res.StatusCode)
		}
		// The page shows the same trail.
		_, body = ab.get("/staff/audit?action=account.reassign")
		if !strings.Contains(body, "account.reassign") || strings.Contains(body, "account.create</code>") {
			t.Errorf("audit page filter")
		}
	})
}
