package main

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
)

// Every request reads its account afresh: a role taken away, a grant
// given, an account disabled each count from the very next request of a
// session or token opened before.
func TestAccountChangesCountFromTheNextRequest(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ctx := context.Background()
		acc := ta.addStaff(t, "kiemtra@sxd.test", "PQLXD", access.Auditor, access.UnitOfficer)
		_, secret, err := ta.accounts.CreateToken(ctx, access.System("test"), acc.Email, "test", nil)
		if err != nil {
			t.Fatal(err)
		}
		token := "Bearer " + secret
		b := ta.browser(t)
		b.mustLogin(acc.Email)
		type me struct {
			Roles        []string `json:"roles"`
			IdentityRead bool     `json:"identity_read"`
		}
		sessionMe := func() me {
			t.Helper()
			res, body := b.get("/api/v1/me")
			var m me
			if res.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &m) != nil {
				t.Fatalf("me: %d %s", res.StatusCode, body)
			}
			return m
		}
		if m := sessionMe(); len(m.Roles) != 2 || m.IdentityRead {
			t.Fatalf("me: %+v", m)
		}
		ta.getJSON(t, "/api/v1/audit", 200, nil, "Authorization", token)

		officer := []access.Role{access.UnitOfficer}
		if _, err := ta.accounts.UpdateAccount(ctx, access.System("test"), acc.ID, access.AccountUpdate{Roles: &officer}); err != nil {
			t.Fatal(err)
		}
		ta.getJSON(t, "/api/v1/audit", 403, nil, "Authorization", token)
		ta.grantIdentity(t, acc)
		if m := sessionMe(); len(m.Roles) != 1 || m.Roles[0] != string(access.UnitOfficer) || !m.IdentityRead {
			t.Errorf("after the change of roles and the grant: %+v", m)
		}

		off := false
		if _, err := ta.accounts.UpdateAccount(ctx, access.System("test"), acc.ID, access.AccountUpdate{Active: &off}); err != nil {
			t.Fatal(err)
		}
		ta.getJSON(t, "/api/v1/me", 401, nil, "Authorization", token)
		if res, body := b.get("/api/v1/me"); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("a disabled account's session: %d %s", res.StatusCode, body)
		}
	})
}
