package access

import (
	"context"
	"net/mail"
	"strings"
	"time"

	"github.com/phucdap/phucdap/internal/fault"
)

// Account is a staff account as the rest of phucdap sees it. The password
// hash never leaves the store except through [Credentials].
type Account struct {
	ID       int64
	Email    string
	Name     string
	Phone    string
	UnitID   int64
	UnitCode string
	UnitName string
	UnitKind string
	Roles    []Role
	Active   bool
	// MustChangePassword is set while the account still has a one-time
	// password printed by the CLI or an admin reset.
	MustChangePassword bool
	IdentityGrant      *Grant
	LockedUntil        *time.Time
	LastLoginAt        *time.Time
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Grant is an explicit identity.read permission: who gave it, and when.
type Grant struct {
	GrantedBy      int64
	GrantedByEmail string
	GrantedAt      time.Time
}

// Actor is the account acting through via ("session", "token").
func (a Account) Actor(via string) Actor {
	return Actor{
		AccountID: a.ID, Email: a.Email, Name: a.Name,
		UnitID: a.UnitID, UnitCode: a.UnitCode, UnitName: a.UnitName, UnitKind: a.UnitKind,
		Roles: append([]Role(nil), a.Roles...), IdentityGrant: a.IdentityGrant != nil && a.Active, Via: via,
	}
}

// Locked says whether the account is locked out at now.
func (a Account) Locked(now time.Time) bool {
	return a.LockedUntil != nil && now.Before(*a.LockedUntil)
}

// Credentials is what login needs and nothing else reads.
type Credentials struct {
	Account      Account
	PasswordHash string
	FailedLogins int
}

// NewAccount is the input of [Service.CreateAccount].
type NewAccount struct {
	Email    string
	Name     string
	Phone    string
	UnitCode string
	Roles    []Role
	// Password, when empty, is generated and returned once; the account
	// must change it at first login.
	Password string
}

// AccountUpdate changes an account; nil fields stay as they are.
type AccountUpdate struct {
	Name     *string
	Phone    *string
	UnitCode *string
	Roles    *[]Role
	Active   *bool
}

// normalizeEmail lower-cases and trims, and checks the address parses.
func normalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || !strings.Contains(s, "@") {
		return "", fault.FieldError("email", "account.email_invalid", nil)
	}
	return s, nil
}

// validateRoles checks the roles against the account's unit.
func validateRoles(roles []Role, unitCode string) error {
	if len(roles) == 0 {
		return fault.FieldError("roles", "account.role_required", nil)
	}
	for _, r := range roles {
		if r.UnitScoped() && unitCode == "" {
			return fault.FieldError("unit", "account.unit_required", map[string]any{"Role": string(r)})
		}
	}
	return nil
}

// Session is a server-side session row. AccountID 0 is a pre-login
// session, which only carries the login form's CSRF token.
type Session struct {
	IDHash     string
	AccountID  int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// Token is an API token. Its secret is shown once and stored hashed.
type Token struct {
	ID           int64
	AccountID    int64
	AccountEmail string
	Name         string
	// Prefix is the first characters of the secret, to recognise a token
	// in a list without storing it.
	Prefix     string
	Roles      []Role
	CreatedAt  time.Time
	CreatedBy  string
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Store persists accounts, sessions, tokens and grants. Every method that
// changes an account, a token or a grant appends an audit row in the same
// transaction, with by as the actor.
type Store interface {
	InsertAccount(ctx context.Context, by Actor, n NewAccount, passwordHash string, mustChange bool, now time.Time) (Account, error)
	AccountByID(ctx context.Context, id int64) (Account, error)
	AccountByEmail(ctx context.Context, email string) (Account, error)
	Credentials(ctx context.Context, email string) (Credentials, error)
	ListAccounts(ctx context.Context) ([]Account, error)
	// People names the accounts ids, with their units; an unknown id is
	// left out.
	People(ctx context.Context, ids []int64) (map[int64]Person, error)
	UpdateAccount(ctx context.Context, by Actor, id int64, u AccountUpdate, now time.Time) (Account, error)
	SetPassword(ctx context.Context, by Actor, id int64, hash string, mustChange bool, now time.Time) error
	// LoginFailed counts a failure and locks the account for lockFor once
	// the count reaches max. It returns whether this failure locked it.
	LoginFailed(ctx context.Context, id int64, max int, lockFor time.Duration, now time.Time) (locked bool, err error)
	LoginSucceeded(ctx context.Context, id int64, now time.Time) error
	SetIdentityGrant(ctx context.Context, by Actor, id int64, grant bool, now time.Time) error

	// CreateSession stores s; when replace is not empty, that session row
	// is deleted in the same transaction (rotation at login).
	CreateSession(ctx context.Context, s Session, replace string) error
	SessionByHash(ctx context.Context, hash string) (Session, error)
	TouchSession(ctx context.Context, hash string, now time.Time) error
	DeleteSession(ctx context.Context, hash string) error
	DeleteAccountSessions(ctx context.Context, accountID int64) error
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error)

	InsertToken(ctx context.Context, by Actor, t Token, hash string) (Token, error)
	TokenByHash(ctx context.Context, hash string) (Token, error)
	ListTokens(ctx context.Context, accountID int64) ([]Token, error)
	RevokeToken(ctx context.Context, by Actor, id int64, now time.Time) error
	TouchToken(ctx context.Context, id int64, now time.Time) error

	// Audit appends a security event (login, logout, lockout) that is not
	// itself a change of a row.
	Audit(ctx context.Context, by Actor, action, entity string, entityID int64, now time.Time) error
}

// Not-found errors the store returns.
var (
	ErrAccountNotFound = fault.New(fault.NotFound, "account.not_found")
	ErrSessionNotFound = fault.New(fault.Unauthenticated, "error.unauthenticated")
	ErrTokenNotFound   = fault.New(fault.NotFound, "token.not_found")
	ErrUnitNotFound    = fault.FieldError("unit", "account.unit_unknown", nil)
	ErrEmailTaken      = fault.FieldError("email", "account.email_taken", nil)
)
