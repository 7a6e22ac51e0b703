package store_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/org"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
	"gorm.io/gorm"
)

var accessNow = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)

func seedUnits(t *testing.T, db *store.DB) map[string]int64 {
	t.Helper()
	us := store.NewUnitStore(db, func() time.Time { return accessNow })
	if _, err := us.EnsureUnits(context.Background(), org.DefaultUnits()); err != nil {
		t.Fatal(err)
	}
	units, err := us.ListUnits(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, u := range units {
		ids[u.Code] = u.ID
	}
	return ids
}

// insertCase writes a bare case row (and its identity) the way intake
// would, with the assignment the test needs.
func insertCase(t *testing.T, db *store.DB, n int, kind string, lead int64, coord []int64, status string, due *time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	var leadID any
	if lead != 0 {
		leadID = lead
	}
	var dueAt any
	if due != nil {
		dueAt = due.UTC()
	}
	var id int64
	err := db.Gorm.WithContext(ctx).Raw(`INSERT INTO cases (code, agency, year, seq, kind, channel, title, content, secret_salt, secret_hash,
		dedup_key, status, received_at, due_at, lead_unit_id, created_at, updated_at)
		VALUES (?, 'SXD', 2026, ?, ?, 'web', ?, 'nội dung', 's', 'h', ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		fmt.Sprintf("SXD-2026-%05d", n), n, kind, fmt.Sprintf("case %d", n), fmt.Sprint(n), status, accessNow, dueAt, leadID, accessNow, accessNow).
		Scan(&id).Error
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Gorm.Exec(`INSERT INTO case_identities (case_id, name, phone, keep_secret, consent_at, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		id, fmt.Sprintf("Người %d", n), fmt.Sprintf("09%08d", n), true, accessNow, accessNow).Error; err != nil {
		t.Fatal(err)
	}
	for _, u := range coord {
		if err := db.Gorm.Exec(`INSERT INTO case_units (case_id, unit_id, role) VALUES (?, ?, 'coordinate')`, id, u).Error; err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// The SQL scope of a list and the policy function agree on every role and
// every shape of case: a list never shows a case Can refuses, nor hides one
// it allows.
func TestListScopeAgreesWithPolicy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		u := seedUnits(t, db)
		due := accessNow.Add(48 * time.Hour)
		insertCase(t, db, 1, "phan_anh", u["PQLXD"], nil, "received", &due)
		insertCase(t, db, 2, "to_cao", u["PQHKT"], []int64{u["PQLXD"]}, "received", nil)
		insertCase(t, db, 3, "kien_nghi", u["PQHKT"], nil, "received", &due)
		insertCase(t, db, 4, "khieu_nai", 0, nil, "received", nil)
		insertCase(t, db, 5, "phan_anh", u["PQHKT"], []int64{u["PPTDT"], u["PQLXD"]}, "received", &due)
		cs := store.NewCaseAccessStore(db)
		all, err := cs.ListCases(context.Background(), access.CaseFilter{All: true}, access.CaseQuery{Limit: 100})
		if err != nil || len(all) != 5 {
			t.Fatalf("all cases: %d %v", len(all), err)
		}
		actors := []access.Actor{
			{AccountID: 1, UnitID: u["PQLXD"], Roles: []access.Role{access.UnitOfficer}},
			{AccountID: 2, UnitID: u["PQHKT"], Roles: []access.Role{access.UnitHead}},
			{AccountID: 3, UnitID: u["PPTDT"], Roles: []access.Role{access.UnitOfficer}},
			{AccountID: 4, UnitID: u["TTRA"], Roles: []access.Role{access.UnitOfficer}},
			{AccountID: 5, UnitID: u["VP"], Roles: []access.Role{access.Office}},
			{AccountID: 6, Roles: []access.Role{access.Leadership}},
			{AccountID: 7, Roles: []access.Role{access.Admin}},
			{AccountID: 8, Roles: []access.Role{access.Auditor}},
			{AccountID: 9, Roles: []access.Role{access.UnitOfficer}}, // no unit
		}
		for _, a := range actors {
			got, err := cs.ListCases(context.Background(), access.ListScope(a), access.CaseQuery{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			var gotIDs, wantIDs []int64
			for _, c := range got {
				gotIDs = append(gotIDs, c.ID)
			}
			for _, c := range all {
				if access.Can(a, access.ActCaseRead, &c.Scope) {
					wantIDs = append(wantIDs, c.ID)
				}
			}
			slices.Sort(gotIDs)
			slices.Sort(wantIDs)
			if !slices.Equal(gotIDs, wantIDs) {
				t.Errorf("actor %d %v: list %v, policy %v", a.AccountID, a.Roles, gotIDs, wantIDs)
			}
		}
		// The PQLXD officer sees 1 (lead), 2 and 5 (coordinating): a real
		// check that the test above does not pass on empty lists.
		got, _ := cs.ListCases(context.Background(), access.ListScope(actors[0]), access.CaseQuery{Limit: 100})
		if len(got) != 3 {
			t.Errorf("PQLXD officer sees %d cases, want 3", len(got))
		}
		// Sorted by due time, undated last.
		if got[0].DueAt == nil || got[len(got)-1].DueAt != nil {
			t.Errorf("order: %+v", got)
		}
	})
}

func TestAuditTrailIsAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		err := db.Tx(ctx, func(tx *gorm.DB) error {
			if err := store.RecordAudit(ctx, tx, audit.Entry{At: accessNow, ActorLabel: "test", Action: "test.write", Entity: "thing", EntityID: "1",
				After: map[string]any{"x": 1}}); err != nil {
				return err
			}
			return store.LogIdentityAccess(ctx, tx, audit.IdentityAccess{At: accessNow, AccountID: 1, ActorLabel: "t", CaseID: 1, Reason: "xác minh"})
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"audit_log", "identity_access_log"} {
			for _, q := range []string{
				"UPDATE " + table + " SET actor_label = 'forged'",
				"DELETE FROM " + table,
			} {
				err := db.Gorm.Exec(q).Error
				if err == nil || !strings.Contains(err.Error(), "append-only") {
					t.Errorf("%s: err = %v, want the append-only refusal", q, err)
				}
			}
			if db.Dialect == store.Postgres {
				if err := db.Gorm.Exec("TRUNCATE " + table).Error; err == nil || !strings.Contains(err.Error(), "append-only") {
					t.Errorf("TRUNCATE %s: %v", table, err)
				}
			}
			var n int64
			if err := db.Gorm.Table(table).Count(&n).Error; err != nil || n != 1 {
				t.Errorf("%s: %d rows after the refused writes (%v)", table, n, err)
			}
		}
		var label string
		db.Gorm.Raw("SELECT actor_label FROM audit_log").Scan(&label)
		if label != "test" {
			t.Errorf("audit row changed: %q", label)
		}
		// A reason is required, in the code and in the table.
		err = db.Gorm.Exec("INSERT INTO identity_access_log (at, account_id, actor_label, case_id, reason) VALUES (?, 1, 'x', 1, '  ')", accessNow).Error
		if err == nil {
			t.Error("an identity access without a reason was stored")
		}
	})
}

func TestAccountStoreAuditsEveryChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		seedUnits(t, db)
		now := accessNow
		svc := access.NewService(store.NewAccountStore(db), func() time.Time { return now }, discardLogger(), access.Config{})
		cli := access.System("cli:test")
		admin, _, err := svc.CreateAccount(ctx, cli, access.NewAccount{Email: "Admin@SXD.vn", Name: "Quản trị", Roles: []access.Role{access.Admin}, Password: "đèo Mẫu Sơn mùa đông"})
		if err != nil {
			t.Fatal(err)
		}
		if admin.Email != "admin@sxd.vn" {
			t.Errorf("email not normalised: %s", admin.Email)
		}
		by := admin.Actor("session")
		off, pw, err := svc.CreateAccount(ctx, by, access.NewAccount{Email: "an@sxd.vn", Name: "An", UnitCode: "PQLXD", Roles: []access.Role{access.UnitOfficer}})
		if err != nil || pw == "" || !off.MustChangePassword || off.UnitCode != "PQLXD" {
			t.Fatalf("create officer: %+v %q %v", off, pw, err)
		}
		if _, _, err := svc.CreateAccount(ctx, by, access.NewAccount{Email: "an@sxd.vn", Name: "An 2", Roles: []access.Role{access.Office}}); err == nil {
			t.Error("duplicate e-mail accepted")
		}
		if _, _, err := svc.CreateAccount(ctx, by, access.NewAccount{Email: "b@sxd.vn", Name: "B", Roles: []access.Role{access.UnitHead}}); err == nil {
			t.Error("unit head without a unit accepted")
		}
		if _, _, err := svc.CreateAccount(ctx, off.Actor("session"), access.NewAccount{Email: "c@sxd.vn", Name: "C", Roles: []access.Role{access.Admin}}); err == nil {
			t.Error("an officer created an account")
		}
		unit := "PQHKT"
		if _, err := svc.UpdateAccount(ctx, by, off.ID, access.AccountUpdate{UnitCode: &unit}); err != nil {
			t.Fatal(err)
		}
		f := false
		if _, err := svc.UpdateAccount(ctx, by, off.ID, access.AccountUpdate{Active: &f}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.UpdateAccount(ctx, by, admin.ID, access.AccountUpdate{Active: &f}); err == nil {
			t.Error("an admin disabled themselves")
		}
		rows, err := audit.NewTrail(store.NewAuditStore(db)).List(ctx, by, audit.Filter{Entity: "account", EntityID: fmt.Sprint(off.ID)})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, r := range rows {
			actions = append(actions, r.Action)
			if strings.Contains(string(r.Before)+string(r.After), "argon2") {
				t.Errorf("a password hash in the audit trail: %s", r.After)
			}
		}
		if want := []string{"account.disable", "account.reassign", "account.create"}; !slices.Equal(actions, want) {
			t.Errorf("audit actions %v, want %v", actions, want)
		}
		if *rows[2].ActorID != admin.ID || !strings.Contains(rows[1].ActorLabel, "admin@sxd.vn") {
			t.Errorf("actor not recorded: %+v", rows[2])
		}
		if !strings.Contains(string(rows[1].Before), `"PQLXD"`) || !strings.Contains(string(rows[1].After), `"PQHKT"`) {
			t.Errorf("reassign before/after: %s → %s", rows[1].Before, rows[1].After)
		}
		// Filters: by actor id and by time.
		byActor, _ := audit.NewTrail(store.NewAuditStore(db)).List(ctx, by, audit.Filter{Actor: fmt.Sprint(admin.ID)})
		if len(byActor) != 3 {
			t.Errorf("by actor: %d rows", len(byActor))
		}
		later, _ := audit.NewTrail(store.NewAuditStore(db)).List(ctx, by, audit.Filter{From: now.Add(time.Second)})
		if len(later) != 0 {
			t.Errorf("from the future: %d rows", len(later))
		}
		inRange, _ := audit.NewTrail(store.NewAuditStore(db)).List(ctx, by, audit.Filter{From: now.Add(-time.Second), To: now.Add(time.Second)})
		if len(inRange) != 4 {
			t.Errorf("in range: %d rows, want 4", len(inRange))
		}
		if _, err := audit.NewTrail(store.NewAuditStore(db)).List(ctx, off.Actor("session"), audit.Filter{}); err == nil {
			t.Error("an officer read the audit trail")
		}
	})
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
