package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/audit"
)

type accountRow struct {
	ID                 int64 `gorm:"primaryKey"`
	Email              string
	Name               string
	Phone              string
	UnitID             *int64
	Active             bool
	PasswordHash       string
	MustChangePassword bool
	FailedLogins       int
	LockedUntil        *time.Time
	LastLoginAt        *time.Time
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

func (accountRow) TableName() string { return "accounts" }

type accountRoleRow struct {
	AccountID int64
	Role      string
}

func (accountRoleRow) TableName() string { return "account_roles" }

type identityGrantRow struct {
	ID        int64 `gorm:"primaryKey"`
	AccountID int64
	GrantedBy int64
	GrantedAt time.Time
	RevokedBy *int64
	RevokedAt *time.Time
}

func (identityGrantRow) TableName() string { return "identity_grants" }

// accountSnapshot is what the audit trail keeps of an account: never the
// password hash, never the phone (personal data an auditor need not see).
type accountSnapshot struct {
	Email              string   `json:"email"`
	Name               string   `json:"name"`
	Unit               string   `json:"unit,omitempty"`
	Roles              []string `json:"roles"`
	Active             bool     `json:"active"`
	MustChangePassword bool     `json:"must_change_password,omitempty"`
}

func snapshot(a access.Account) accountSnapshot {
	roles := make([]string, 0, len(a.Roles))
	for _, r := range a.Roles {
		roles = append(roles, string(r))
	}
	return accountSnapshot{Email: a.Email, Name: a.Name, Unit: a.UnitCode, Roles: roles, Active: a.Active, MustChangePassword: a.MustChangePassword}
}

func actorID(a access.Actor) *int64 {
	if !a.Authenticated() {
		return nil
	}
	id := a.AccountID
	return &id
}

func recordAccount(ctx context.Context, tx *gorm.DB, by access.Actor, action string, id int64, before, after any, now time.Time) error {
	return recordAudit(ctx, tx, audit.Entry{At: now, ActorID: actorID(by), ActorLabel: by.Label(), Action: action,
		Entity: "account", EntityID: strconv.FormatInt(id, 10), Before: before, After: after})
}

// unitID resolves a unit code; groups cannot hold accounts.
func unitID(tx *gorm.DB, code string) (*int64, error) {
	if code == "" {
		return nil, nil
	}
	var u unitRow
	err := tx.Where("code = ? AND is_group = ?", code, false).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, access.ErrUnitNotFound
	}
	if err != nil {
		return nil, err
	}
	return &u.ID, nil
}

func setRoles(tx *gorm.DB, id int64, roles []access.Role) error {
	if err := tx.Where("account_id = ?", id).Delete(&accountRoleRow{}).Error; err != nil {
		return err
	}
	for _, r := range roles {
		if err := tx.Create(&accountRoleRow{AccountID: id, Role: string(r)}).Error; err != nil {
			return err
		}
	}
	return nil
}

// InsertAccount implements access.Store.
func (s *AccountStore) InsertAccount(ctx context.Context, by access.Actor, n access.NewAccount, hash string, mustChange bool, now time.Time) (access.Account, error) {
	var out access.Account
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		uid, err := unitID(tx, n.UnitCode)
		if err != nil {
			return err
		}
		r := accountRow{Email: n.Email, Name: n.Name, Phone: n.Phone, UnitID: uid, Active: true, PasswordHash: hash,
			MustChangePassword: mustChange, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&r).Error; err != nil {
			if isUniqueViolation(err) {
				return access.ErrEmailTaken
			}
			return fmt.Errorf("insert account: %w", err)
		}
		if err := setRoles(tx, r.ID, n.Roles); err != nil {
			return err
		}
		if out, err = loadAccount(tx, r.ID); err != nil {
			return err
		}
		return recordAccount(ctx, tx, by, "account.create", r.ID, nil, snapshot(out), now)
	})
	return out, err
}

// accountView is an account row joined with its unit, one of its roles and
// its live identity grant. A named struct with plain fields: gorm's Scan
// does not fill an embedded struct of a join.
type accountView struct {
	ID                 int64
	Email              string
	Name               string
	Phone              string
	UnitID             *int64
	Active             bool
	MustChangePassword bool
	LockedUntil        *time.Time
	LastLoginAt        *time.Time
	CreatedAt          time.Time
	UpdatedAt          time.Time
	UnitCode           *string
	UnitName           *string
	UnitKind           *string
	Role               *string
	GrantedBy          *int64
	GrantedAt          *time.Time
	GrantedByEmail     *string
}

// loadAccounts reads accounts with their unit, roles and live grant, in
// one query: an account comes back as one row per role (a live grant is
// one at most, by identity_grants_live). Every authenticated request
// loads its account, whose roles and grant decide what it may do; three
// queries for it were a twentieth of the test suite's CPU.
func loadAccounts(tx *gorm.DB, where string, args ...any) ([]access.Account, error) {
	var rows []accountView
	q := tx.Table("accounts a").Select("a.id, a.email, a.name, a.phone, a.unit_id, a.active, a.must_change_password, a.locked_until, a.last_login_at, a.created_at, a.updated_at, " +
		"u.code AS unit_code, u.name AS unit_name, u.kind AS unit_kind, r.role, g.granted_by, g.granted_at, ga.email AS granted_by_email").
		Joins("LEFT JOIN units u ON u.id = a.unit_id").
		Joins("LEFT JOIN account_roles r ON r.account_id = a.id").
		Joins("LEFT JOIN identity_grants g ON g.account_id = a.id AND g.revoked_at IS NULL").
		Joins("LEFT JOIN accounts ga ON ga.id = g.granted_by").
		Order("a.name, a.id")
	if where != "" {
		q = q.Where(where, args...)
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("load accounts: %w", err)
	}
	var out []access.Account
	var roles []access.Role
	for i, r := range rows {
		if r.Role != nil {
			roles = append(roles, access.Role(*r.Role))
		}
		if i+1 < len(rows) && rows[i+1].ID == r.ID {
			continue
		}
		a := access.Account{ID: r.ID, Email: r.Email, Name: r.Name, Phone: r.Phone, Active: r.Active,
			MustChangePassword: r.MustChangePassword, Roles: access.NormalizeRoles(roles),
			LockedUntil: utcPtr(r.LockedUntil), LastLoginAt: utcPtr(r.LastLoginAt), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
		roles = nil
		if r.UnitID != nil {
			a.UnitID = *r.UnitID
			a.UnitCode, a.UnitName, a.UnitKind = deref(r.UnitCode), deref(r.UnitName), deref(r.UnitKind)
		}
		if r.GrantedBy != nil && r.GrantedByEmail != nil && r.GrantedAt != nil {
			a.IdentityGrant = &access.Grant{GrantedBy: *r.GrantedBy, GrantedByEmail: *r.GrantedByEmail, GrantedAt: r.GrantedAt.UTC()}
		}
		out = append(out, a)
	}
	return out, nil
}

func loadAccount(tx *gorm.DB, id int64) (access.Account, error) {
	list, err := loadAccounts(tx, "a.id = ?", id)
	if err != nil {
		return access.Account{}, err
	}
	if len(list) == 0 {
		return access.Account{}, access.ErrAccountNotFound
	}
	return list[0], nil
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// AccountByID implements access.Store.
func (s *AccountStore) AccountByID(ctx context.Context, id int64) (access.Account, error) {
	return loadAccount(s.db.Gorm.WithContext(ctx), id)
}

// AccountByEmail implements access.Store.
func (s *AccountStore) AccountByEmail(ctx context.Context, email string) (access.Account, error) {
	list, err := loadAccounts(s.db.Gorm.WithContext(ctx), "a.email = ?", strings.ToLower(email))
	if err != nil {
		return access.Account{}, err
	}
	if len(list) == 0 {
		return access.Account{}, access.ErrAccountNotFound
	}
	return list[0], nil
}

// Credentials implements access.Store.
func (s *AccountStore) Credentials(ctx context.Context, email string) (access.Credentials, error) {
	tx := s.db.Gorm.WithContext(ctx)
	var r accountRow
	err := tx.Where("email = ?", strings.ToLower(email)).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return access.Credentials{}, access.ErrAccountNotFound
	}
	if err != nil {
		return access.Credentials{}, err
	}
	acc, err := loadAccount(tx, r.ID)
	if err != nil {
		return access.Credentials{}, err
	}
	return access.Credentials{Account: acc, PasswordHash: r.PasswordHash, FailedLogins: r.FailedLogins}, nil
}

// ListAccounts implements access.Store.
func (s *AccountStore) ListAccounts(ctx context.Context) ([]access.Account, error) {
	return loadAccounts(s.db.Gorm.WithContext(ctx), "")
}

// People implements access.Store.
func (s *AccountStore) People(ctx context.Context, ids []int64) (map[int64]access.Person, error) {
	var rows []struct {
		ID             int64
		Name, UnitName string
	}
	out := map[int64]access.Person{}
	if len(ids) == 0 {
		return out, nil
	}
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT a.id, a.name, COALESCE(u.name, '') AS unit_name FROM accounts a "+
		"LEFT JOIN units u ON u.id = a.unit_id WHERE a.id IN ?", ids).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("people: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = access.Person{Name: r.Name, Unit: r.UnitName}
	}
	return out, nil
}

// UpdateAccount implements access.Store.
func (s *AccountStore) UpdateAccount(ctx context.Context, by access.Actor, id int64, u access.AccountUpdate, now time.Time) (access.Account, error) {
	var out access.Account
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		before, err := loadAccount(tx, id)
		if err != nil {
			return err
		}
		set := map[string]any{"updated_at": now}
		if u.Name != nil {
			set["name"] = *u.Name
		}
		if u.Phone != nil {
			set["phone"] = strings.TrimSpace(*u.Phone)
		}
		if u.UnitCode != nil {
			uid, err := unitID(tx, *u.UnitCode)
			if err != nil {
				return err
			}
			set["unit_id"] = uid
		}
		if u.Active != nil {
			set["active"] = *u.Active
			if *u.Active {
				// Re-enabling also lifts a lockout.
				set["failed_logins"], set["locked_until"] = 0, nil
			}
		}
		if err := tx.Model(&accountRow{}).Where("id = ?", id).Updates(set).Error; err != nil {
			return fmt.Errorf("update account: %w", err)
		}
		if u.Roles != nil {
			if err := setRoles(tx, id, *u.Roles); err != nil {
				return err
			}
		}
		if out, err = loadAccount(tx, id); err != nil {
			return err
		}
		action := "account.update"
		switch {
		case u.Active != nil && before.Active && !out.Active:
			action = "account.disable"
		case u.Active != nil && !before.Active && out.Active:
			action = "account.enable"
		case u.UnitCode != nil && before.UnitCode != out.UnitCode:
			action = "account.reassign"
		}
		return recordAccount(ctx, tx, by, action, id, snapshot(before), snapshot(out), now)
	})
	return out, err
}

// SetPassword implements access.Store. The trail says the password changed,
// never what to.
func (s *AccountStore) SetPassword(ctx context.Context, by access.Actor, id int64, hash string, mustChange bool, now time.Time) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&accountRow{}).Where("id = ?", id).Updates(map[string]any{
			"password_hash": hash, "must_change_password": mustChange, "failed_logins": 0, "locked_until": nil, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return access.ErrAccountNotFound
		}
		action := "account.password_change"
		if mustChange {
			action = "account.password_reset"
		}
		return recordAccount(ctx, tx, by, action, id, nil, nil, now)
	})
}

// LoginFailed implements access.Store. The count and the lock are one
// UPDATE, so concurrent failures cannot skip the lock.
func (s *AccountStore) LoginFailed(ctx context.Context, id int64, max int, lockFor time.Duration, now time.Time) (bool, error) {
	locked := false
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		locked = false
		if err := tx.Model(&accountRow{}).Where("id = ?", id).
			Update("failed_logins", gorm.Expr("failed_logins + 1")).Error; err != nil {
			return err
		}
		var r accountRow
		if err := tx.Select("id, email, failed_logins").Where("id = ?", id).Take(&r).Error; err != nil {
			return err
		}
		if r.FailedLogins < max {
			return nil
		}
		until := now.Add(lockFor)
		if err := tx.Model(&accountRow{}).Where("id = ?", id).
			Updates(map[string]any{"failed_logins": 0, "locked_until": until}).Error; err != nil {
			return err
		}
		locked = true
		return recordAudit(ctx, tx, audit.Entry{At: now, ActorLabel: "system", Action: "account.locked", Entity: "account",
			EntityID: strconv.FormatInt(id, 10), After: map[string]any{"locked_until": until.UTC(), "failures": max}})
	})
	return locked, err
}

// LoginSucceeded implements access.Store.
func (s *AccountStore) LoginSucceeded(ctx context.Context, id int64, now time.Time) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&accountRow{}).Where("id = ?", id).
			Updates(map[string]any{"failed_logins": 0, "locked_until": nil, "last_login_at": now}).Error; err != nil {
			return err
		}
		var r accountRow
		if err := tx.Select("id, email").Where("id = ?", id).Take(&r).Error; err != nil {
			return err
		}
		return recordAudit(ctx, tx, audit.Entry{At: now, ActorID: &r.ID, ActorLabel: access.AuditLabel(r.ID, r.Email),
			Action: "account.login", Entity: "account", EntityID: strconv.FormatInt(id, 10)})
	})
}

// SetIdentityGrant implements access.Store.
func (s *AccountStore) SetIdentityGrant(ctx context.Context, by access.Actor, id int64, grant bool, now time.Time) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		var live []identityGrantRow
		if err := tx.Where("account_id = ? AND revoked_at IS NULL", id).Find(&live).Error; err != nil {
			return err
		}
		entity := strconv.FormatInt(id, 10)
		if grant {
			if len(live) > 0 {
				return nil
			}
			if err := tx.Create(&identityGrantRow{AccountID: id, GrantedBy: by.AccountID, GrantedAt: now}).Error; err != nil {
				return err
			}
			return recordAudit(ctx, tx, audit.Entry{At: now, ActorID: actorID(by), ActorLabel: by.Label(), Action: "identity.grant",
				Entity: "account", EntityID: entity, After: map[string]any{"identity_read": true}})
		}
		if len(live) == 0 {
			return nil
		}
		if err := tx.Model(&identityGrantRow{}).Where("account_id = ? AND revoked_at IS NULL", id).
			Updates(map[string]any{"revoked_by": actorID(by), "revoked_at": now}).Error; err != nil {
			return err
		}
		return recordAudit(ctx, tx, audit.Entry{At: now, ActorID: actorID(by), ActorLabel: by.Label(), Action: "identity.revoke",
			Entity: "account", EntityID: entity, Before: map[string]any{"identity_read": true}, After: map[string]any{"identity_read": false}})
	})
}

// Audit implements access.Store.
func (s *AccountStore) Audit(ctx context.Context, by access.Actor, action, entity string, entityID int64, now time.Time) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		return recordAudit(ctx, tx, audit.Entry{At: now, ActorID: actorID(by), ActorLabel: by.Label(), Action: action,
			Entity: entity, EntityID: strconv.FormatInt(entityID, 10)})
	})
}
