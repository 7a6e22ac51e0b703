package access

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/platform"
)

// Config holds the tunable parameters of authentication.
type Config struct {
	MinPasswordLength int
	// MaxFailures consecutive wrong passwords lock the account for
	// LockoutFor.
	MaxFailures int
	LockoutFor  time.Duration
	// IdleTimeout ends a session nobody used for that long; AbsoluteTimeout
	// ends it however busy it is.
	IdleTimeout     time.Duration
	AbsoluteTimeout time.Duration
	// PreLoginTimeout bounds the anonymous session that only carries the
	// login form's CSRF token.
	PreLoginTimeout time.Duration
	// IPFailures wrong logins from one client address within LockoutFor
	// (any accounts, known or not) refuse further tries from it until the
	// window ends; 0 switches the limit off. Counted in Limiter.
	IPFailures int
	Limiter    Limiter
	// Hashing is the cost of the password hashes written; the zero value
	// is the production cost.
	Hashing PasswordHashing
}

// Limiter counts failures in fixed windows (the database's rate counters,
// shared by replicas). Bucket is a hash, never a clear address.
type Limiter interface {
	Over(ctx context.Context, bucket string, window time.Duration, max int, now time.Time) (bool, error)
	Hit(ctx context.Context, bucket string, window time.Duration, now time.Time) error
}

// DefaultConfig is used for every zero field of a Config.
func DefaultConfig() Config {
	return Config{
		MinPasswordLength: MinPasswordLength,
		MaxFailures:       5,
		LockoutFor:        15 * time.Minute,
		IdleTimeout:       30 * time.Minute,
		AbsoluteTimeout:   12 * time.Hour,
		PreLoginTimeout:   time.Hour,
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.MinPasswordLength == 0 {
		c.MinPasswordLength = d.MinPasswordLength
	}
	if c.MaxFailures == 0 {
		c.MaxFailures = d.MaxFailures
	}
	if c.LockoutFor == 0 {
		c.LockoutFor = d.LockoutFor
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = d.IdleTimeout
	}
	if c.AbsoluteTimeout == 0 {
		c.AbsoluteTimeout = d.AbsoluteTimeout
	}
	if c.PreLoginTimeout == 0 {
		c.PreLoginTimeout = d.PreLoginTimeout
	}
	return c
}

// Service is the account, session and token logic over a Store.
type Service struct {
	store    Store
	now      func() time.Time
	log      *slog.Logger
	cfg      Config
	password PasswordPolicy
	// dummyHash is verified against for an unknown e-mail, at the cost of
	// the real hashes.
	dummyHash string
}

// NewService returns the service. now is the Clock's Now.
func NewService(store Store, now func() time.Time, log *slog.Logger, cfg Config) *Service {
	cfg = cfg.withDefaults()
	return &Service{store: store, now: now, log: log, cfg: cfg, password: NewPasswordPolicy(cfg.MinPasswordLength),
		dummyHash: cfg.Hashing.dummy()}
}

// Config returns the parameters in force.
func (s *Service) Config() Config { return s.cfg }

// Length caps, in characters: an account's or a token's name, and the
// reason given to reveal an identity (it is stored in the access log).
const (
	MaxNameLength   = 120
	MaxReasonLength = 1000
)

// tooLong refuses a value over max characters, naming its field.
func tooLong(field, v string, max int) *fault.Error {
	if utf8.RuneCountInString(v) > max {
		return fault.FieldError(field, "error.field_too_long", map[string]any{"Field": field, "Max": max})
	}
	return nil
}

// Errors a caller may switch on.
var (
	ErrBadCredentials = fault.New(fault.Unauthenticated, "login.bad_credentials")
	// ErrLocked says the same as ErrBadCredentials, so that a locked
	// account cannot be told from an unknown one or a wrong password.
	ErrLocked = fault.New(fault.Unauthenticated, "login.bad_credentials")
	// ErrLoginRateLimited: too many failures from the client's address.
	ErrLoginRateLimited = fault.New(fault.RateLimited, "login.rate_limited")
	ErrForbidden        = fault.New(fault.Forbidden, "error.forbidden")
	ErrSelfLockout      = fault.New(fault.Conflict, "account.self_lockout")
	ErrSelfGrant        = fault.New(fault.Forbidden, "identity.self_grant")
	ErrGrantBasis       = fault.New(fault.Conflict, "identity.grant_basis")
)

// allow is the service-level guard: the CLI (System) may manage accounts;
// anyone else needs the permission.
func allow(by Actor, act Action) error {
	if by.Via == "cli" && !by.Authenticated() {
		return nil
	}
	if !Can(by, act, nil) {
		return ErrForbidden
	}
	return nil
}

// CreateAccount adds a staff account. It returns the one-time password when
// n.Password is empty; the account must then change it at first login.
func (s *Service) CreateAccount(ctx context.Context, by Actor, n NewAccount) (Account, string, error) {
	if err := allow(by, ActAccountManage); err != nil {
		return Account{}, "", err
	}
	var errs fault.List
	email, err := normalizeEmail(n.Email)
	if err != nil {
		errs = append(errs, err.(*fault.Error))
	}
	n.Email = email
	n.Name = strings.TrimSpace(n.Name)
	if n.Name == "" {
		errs = append(errs, fault.FieldError("name", "account.name_required", nil))
	} else if err := tooLong("name", n.Name, MaxNameLength); err != nil {
		errs = append(errs, err)
	}
	n.Phone = strings.TrimSpace(n.Phone)
	n.UnitCode = strings.TrimSpace(n.UnitCode)
	n.Roles = NormalizeRoles(n.Roles)
	if err := validateRoles(n.Roles, n.UnitCode); err != nil {
		errs = append(errs, err.(*fault.Error))
	}
	oneTime := ""
	mustChange := false
	if n.Password == "" {
		if oneTime, err = GeneratePassword(); err != nil {
			return Account{}, "", err
		}
		n.Password, mustChange = oneTime, true
	} else if err := s.password.Check(n.Password, n.Email, n.Name); err != nil {
		errs = append(errs, err.(*fault.Error))
	}
	if len(errs) > 0 {
		return Account{}, "", errs
	}
	hash, err := s.cfg.Hashing.Hash(n.Password)
	if err != nil {
		return Account{}, "", err
	}
	n.Password = ""
	acc, err := s.store.InsertAccount(ctx, by, n, hash, mustChange, s.now())
	if err != nil {
		return Account{}, "", err
	}
	s.log.InfoContext(ctx, "account created", "account_id", acc.ID, "by", by.AccountID)
	return acc, oneTime, nil
}

// LoginResult is a successful login: the account and the new session's
// secret, which goes into the cookie.
type LoginResult struct {
	Account Account
	Secret  string
	Session Session
}

// Login checks the password and opens a fresh session. The session that
// carried the login form (oldSecret) is deleted in the same step, so a
// session id planted before login never becomes authenticated.
func (s *Service) Login(ctx context.Context, email, password, oldSecret string) (res LoginResult, err error) {
	now := s.now()
	if ip := platform.ClientIP(ctx); ip != "" && s.cfg.IPFailures > 0 && s.cfg.Limiter != nil {
		bucket := "login-fail:" + HashSecret("login-ip:" + ip)[:32]
		over, lerr := s.cfg.Limiter.Over(ctx, bucket, s.cfg.LockoutFor, s.cfg.IPFailures, now)
		if lerr != nil {
			return LoginResult{}, lerr
		}
		if over {
			s.log.WarnContext(ctx, "login refused: too many failures from the address")
			return LoginResult{}, fault.RateLimitedFor(ErrLoginRateLimited.MessageID,
				now.UTC().Truncate(s.cfg.LockoutFor).Add(s.cfg.LockoutFor).Sub(now))
		}
		defer func() {
			if fe, ok := fault.As(err); ok && fe.Code == fault.Unauthenticated {
				if herr := s.cfg.Limiter.Hit(ctx, bucket, s.cfg.LockoutFor, now); herr != nil {
					s.log.WarnContext(ctx, "count login failure", "err", herr)
				}
			}
		}()
	}
	email = strings.ToLower(strings.TrimSpace(email))
	if len(password) > MaxPasswordLength {
		return LoginResult{}, ErrBadCredentials
	}
	cred, err := s.store.Credentials(ctx, email)
	if errors.Is(err, ErrAccountNotFound) {
		// Spend the same time as a real check, so timing does not tell
		// which e-mails have accounts.
		VerifyPassword(s.dummyHash, password)
		return LoginResult{}, ErrBadCredentials
	}
	if err != nil {
		return LoginResult{}, err
	}
	acc := cred.Account
	if acc.Locked(now) {
		s.log.WarnContext(ctx, "login refused: account locked", "account_id", acc.ID, "locked_until", acc.LockedUntil)
		return LoginResult{}, ErrLocked
	}
	ok, err := VerifyPassword(cred.PasswordHash, password)
	if err != nil {
		s.log.ErrorContext(ctx, "stored password hash unreadable", "account_id", acc.ID, "err", err)
	}
	if !ok || !acc.Active {
		if !acc.Active {
			return LoginResult{}, ErrBadCredentials
		}
		locked, err := s.store.LoginFailed(ctx, acc.ID, s.cfg.MaxFailures, s.cfg.LockoutFor, now)
		if err != nil {
			return LoginResult{}, err
		}
		if locked {
			// The lock is logged and audited; the password never is.
			s.log.WarnContext(ctx, "account locked after repeated login failures",
				"account_id", acc.ID, "failures", s.cfg.MaxFailures, "locked_for", s.cfg.LockoutFor.String())
			return LoginResult{}, ErrLocked
		}
		s.log.InfoContext(ctx, "login failed", "account_id", acc.ID)
		return LoginResult{}, ErrBadCredentials
	}
	if err := s.store.LoginSucceeded(ctx, acc.ID, now); err != nil {
		return LoginResult{}, err
	}
	secret, err := NewSecret()
	if err != nil {
		return LoginResult{}, err
	}
	sess := Session{IDHash: HashSecret(secret), AccountID: acc.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.cfg.AbsoluteTimeout)}
	old := ""
	if oldSecret != "" {
		old = HashSecret(oldSecret)
	}
	if err := s.store.CreateSession(ctx, sess, old); err != nil {
		return LoginResult{}, err
	}
	if _, err := s.store.DeleteExpiredSessions(ctx, now); err != nil {
		s.log.WarnContext(ctx, "clean expired sessions", "err", err)
	}
	s.log.InfoContext(ctx, "login", "account_id", acc.ID)
	return LoginResult{Account: acc, Secret: secret, Session: sess}, nil
}

// StartPreLogin opens an anonymous session for the login form. Its only
// use is the CSRF token of that form; Login replaces it.
func (s *Service) StartPreLogin(ctx context.Context) (string, error) {
	now := s.now()
	secret, err := NewSecret()
	if err != nil {
		return "", err
	}
	sess := Session{IDHash: HashSecret(secret), CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.cfg.PreLoginTimeout)}
	return secret, s.store.CreateSession(ctx, sess, "")
}

// Authenticated is the outcome of a valid session cookie.
type Authenticated struct {
	Actor   Actor
	Account *Account // nil for a pre-login session
	Session Session
}

// Authenticate resolves a session cookie. Expired sessions (idle or
// absolute) are deleted and refused; a session of a disabled account is
// refused. A valid session is touched at most once a minute, which keeps the
// idle timeout within a minute of exact without a write per request.
func (s *Service) Authenticate(ctx context.Context, secret string) (Authenticated, error) {
	if secret == "" {
		return Authenticated{}, ErrSessionNotFound
	}
	now := s.now()
	hash := HashSecret(secret)
	sess, err := s.store.SessionByHash(ctx, hash)
	if err != nil {
		return Authenticated{}, err
	}
	idle := s.cfg.IdleTimeout
	if sess.AccountID == 0 {
		idle = s.cfg.PreLoginTimeout
	}
	if !now.Before(sess.ExpiresAt) || !now.Before(sess.LastSeenAt.Add(idle)) {
		if err := s.store.DeleteSession(ctx, hash); err != nil {
			return Authenticated{}, err
		}
		return Authenticated{}, ErrSessionNotFound
	}
	out := Authenticated{Session: sess}
	if sess.AccountID != 0 {
		acc, err := s.store.AccountByID(ctx, sess.AccountID)
		if errors.Is(err, ErrAccountNotFound) {
			return Authenticated{}, ErrSessionNotFound
		}
		if err != nil {
			return Authenticated{}, err
		}
		if !acc.Active {
			s.store.DeleteSession(ctx, hash)
			return Authenticated{}, ErrSessionNotFound
		}
		out.Account, out.Actor = &acc, acc.Actor("session")
	}
	if now.Sub(sess.LastSeenAt) >= time.Minute {
		if err := s.store.TouchSession(ctx, hash, now); err != nil {
			return Authenticated{}, err
		}
	}
	return out, nil
}

// Logout deletes the session row, so the cookie is dead even if a copy of
// it survives in a browser.
func (s *Service) Logout(ctx context.Context, secret string, by Actor) error {
	if secret == "" {
		return nil
	}
	if err := s.store.DeleteSession(ctx, HashSecret(secret)); err != nil {
		return err
	}
	if by.Authenticated() {
		return s.store.Audit(ctx, by, "account.logout", "account", by.AccountID, s.now())
	}
	return nil
}

// ChangePassword sets a new password for the actor's own account, after
// checking the current one, and ends the account's other sessions by
// deleting all of them; the caller then logs in again.
func (s *Service) ChangePassword(ctx context.Context, by Actor, current, next string) error {
	if !by.Authenticated() || by.Via != "session" {
		return ErrForbidden
	}
	cred, err := s.store.Credentials(ctx, by.Email)
	if err != nil {
		return err
	}
	if ok, _ := VerifyPassword(cred.PasswordHash, current); !ok {
		return fault.FieldError("current_password", "account.password_wrong", nil)
	}
	if current == next {
		return fault.FieldError("password", "account.password_same", nil)
	}
	if err := s.password.Check(next, cred.Account.Email, cred.Account.Name); err != nil {
		return err
	}
	hash, err := s.cfg.Hashing.Hash(next)
	if err != nil {
		return err
	}
	if err := s.store.SetPassword(ctx, by, by.AccountID, hash, false, s.now()); err != nil {
		return err
	}
	return s.store.DeleteAccountSessions(ctx, by.AccountID)
}

// ResetPassword gives an account a new one-time password (admin).
func (s *Service) ResetPassword(ctx context.Context, by Actor, id int64) (string, error) {
	if err := allow(by, ActAccountManage); err != nil {
		return "", err
	}
	pw, err := GeneratePassword()
	if err != nil {
		return "", err
	}
	hash, err := s.cfg.Hashing.Hash(pw)
	if err != nil {
		return "", err
	}
	if err := s.store.SetPassword(ctx, by, id, hash, true, s.now()); err != nil {
		return "", err
	}
	return pw, s.store.DeleteAccountSessions(ctx, id)
}

// ListAccounts lists every account (admin, and the office's head who grants
// identity.read).
func (s *Service) ListAccounts(ctx context.Context, by Actor) ([]Account, error) {
	if allow(by, ActAccountManage) != nil && !Can(by, ActIdentityGrant, nil) {
		return nil, ErrForbidden
	}
	return s.store.ListAccounts(ctx)
}

// Account returns one account by id (admin).
func (s *Service) Account(ctx context.Context, by Actor, id int64) (Account, error) {
	if err := allow(by, ActAccountManage); err != nil && by.AccountID != id {
		return Account{}, err
	}
	return s.store.AccountByID(ctx, id)
}

// UpdateAccount changes an account's name, phone, unit, roles or state
// (admin). Disabling ends its sessions at once. An admin cannot disable
// their own account or drop their own admin role, so the last admin cannot
// lock everyone out by a slip.
func (s *Service) UpdateAccount(ctx context.Context, by Actor, id int64, u AccountUpdate) (Account, error) {
	if err := allow(by, ActAccountManage); err != nil {
		return Account{}, err
	}
	cur, err := s.store.AccountByID(ctx, id)
	if err != nil {
		return Account{}, err
	}
	if id == by.AccountID {
		if (u.Active != nil && !*u.Active) || (u.Roles != nil && !slices.Contains(*u.Roles, Admin)) {
			return Account{}, ErrSelfLockout
		}
	}
	if u.Name != nil {
		n := strings.TrimSpace(*u.Name)
		if n == "" {
			return Account{}, fault.FieldError("name", "account.name_required", nil)
		}
		if err := tooLong("name", n, MaxNameLength); err != nil {
			return Account{}, err
		}
		u.Name = &n
	}
	unit := cur.UnitCode
	if u.UnitCode != nil {
		c := strings.TrimSpace(*u.UnitCode)
		u.UnitCode, unit = &c, c
	}
	roles := cur.Roles
	if u.Roles != nil {
		r := NormalizeRoles(*u.Roles)
		u.Roles, roles = &r, r
	}
	if err := validateRoles(roles, unit); err != nil {
		return Account{}, err
	}
	acc, err := s.store.UpdateAccount(ctx, by, id, u, s.now())
	if err != nil {
		return Account{}, err
	}
	if !acc.Active {
		if err := s.store.DeleteAccountSessions(ctx, id); err != nil {
			return Account{}, err
		}
	}
	if acc.IdentityGrant != nil && !(acc.Active && grantBasis(acc.Roles, acc.UnitID)) {
		// The grant was given to someone who works on cases; a role change
		// (or a disabled account) that removes that basis revokes it, with
		// its audit row.
		if err := s.store.SetIdentityGrant(ctx, by, id, false, s.now()); err != nil {
			return Account{}, err
		}
		acc.IdentityGrant = nil
	}
	return acc, nil
}

// grantBasis says whether an account with these roles and unit could hold
// identity.read: it must read cases (the office, leadership, or a unit's
// staff). No role holds identity.read by itself, admin included: the grant
// is a separate, per-person permission.
func grantBasis(roles []Role, unitID int64) bool {
	return Can(Actor{AccountID: 1, Roles: roles, UnitID: unitID}, ActInboxRead, nil)
}

// SetIdentityGrant gives or takes an account's identity.read. Only the
// office's head may; the grant names them and the time.
func (s *Service) SetIdentityGrant(ctx context.Context, by Actor, id int64, grant bool) error {
	if !Can(by, ActIdentityGrant, nil) {
		return ErrForbidden
	}
	acc, err := s.store.AccountByID(ctx, id)
	if err != nil {
		return err
	}
	if grant {
		// Grants need two people: nobody grants themselves, the office's
		// head included (nor an admin who made themselves that head).
		if id == by.AccountID {
			return ErrSelfGrant
		}
		if !acc.Active || !grantBasis(acc.Roles, acc.UnitID) {
			return ErrGrantBasis
		}
	}
	return s.store.SetIdentityGrant(ctx, by, id, grant, s.now())
}

// CreateToken issues an API token for the account with the given e-mail,
// limited to roles (all of the account's when empty; never more). The
// secret is returned once.
func (s *Service) CreateToken(ctx context.Context, by Actor, email, name string, roles []Role) (Token, string, error) {
	if err := allow(by, ActTokenManage); err != nil {
		return Token{}, "", err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return Token{}, "", fault.FieldError("name", "token.name_required", nil)
	}
	if err := tooLong("name", name, MaxNameLength); err != nil {
		return Token{}, "", err
	}
	acc, err := s.store.AccountByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return Token{}, "", err
	}
	if !acc.Active {
		return Token{}, "", fault.New(fault.Conflict, "token.account_disabled")
	}
	if len(roles) == 0 {
		roles = acc.Roles
	}
	roles = NormalizeRoles(roles)
	for _, r := range roles {
		if !slices.Contains(acc.Roles, r) {
			return Token{}, "", fault.Newf(fault.Invalid, "token.role_not_held", map[string]any{"Role": string(r)})
		}
	}
	raw, err := NewSecret()
	if err != nil {
		return Token{}, "", err
	}
	secret := TokenPrefix + raw
	t := Token{AccountID: acc.ID, AccountEmail: acc.Email, Name: name, Prefix: secret[:len(TokenPrefix)+6], Roles: roles,
		CreatedAt: s.now(), CreatedBy: by.Label()}
	t, err = s.store.InsertToken(ctx, by, t, HashSecret(secret))
	if err != nil {
		return Token{}, "", err
	}
	return t, secret, nil
}

// AuthenticateToken resolves a bearer token. The roles in force are the
// token's that the account still holds: removing a role from a person
// removes it from their tokens too.
func (s *Service) AuthenticateToken(ctx context.Context, secret string) (Actor, error) {
	if !strings.HasPrefix(secret, TokenPrefix) {
		return Actor{}, ErrSessionNotFound
	}
	t, err := s.store.TokenByHash(ctx, HashSecret(secret))
	if errors.Is(err, ErrTokenNotFound) || (err == nil && t.RevokedAt != nil) {
		return Actor{}, ErrSessionNotFound
	}
	if err != nil {
		return Actor{}, err
	}
	acc, err := s.store.AccountByID(ctx, t.AccountID)
	if err != nil || !acc.Active {
		return Actor{}, ErrSessionNotFound
	}
	a := acc.Actor("token")
	a.TokenID = t.ID
	// A token never carries identity.read: revealing a denouncer is a
	// person's act, with a reason they answer for, not an integration's.
	a.IdentityGrant = false
	var roles []Role
	for _, r := range t.Roles {
		if slices.Contains(acc.Roles, r) {
			roles = append(roles, r)
		}
	}
	a.Roles = roles
	now := s.now()
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= time.Minute {
		if err := s.store.TouchToken(ctx, t.ID, now); err != nil {
			return Actor{}, err
		}
	}
	return a, nil
}

// ListTokens lists tokens (admin); accountID 0 lists all.
func (s *Service) ListTokens(ctx context.Context, by Actor, accountID int64) ([]Token, error) {
	if err := allow(by, ActTokenManage); err != nil {
		return nil, err
	}
	return s.store.ListTokens(ctx, accountID)
}

// RevokeToken ends a token at once (admin).
func (s *Service) RevokeToken(ctx context.Context, by Actor, id int64) error {
	if err := allow(by, ActTokenManage); err != nil {
		return err
	}
	return s.store.RevokeToken(ctx, by, id, s.now())
}

// Person is how a colleague is named on staff pages: the account's display
// name and unit, never its id or e-mail.
type Person struct {
	Name, Unit string
}

// LabelAccount reads the account id of an actor label (Actor.Label,
// AuditLabel): "account:7 a@b" is 7. Other labels ("system", "petitioner",
// a CLI's name) are not an account's.
func LabelAccount(label string) (int64, bool) {
	rest, ok := strings.CutPrefix(label, "account:")
	if !ok {
		return 0, false
	}
	num, _, _ := strings.Cut(rest, " ")
	id, err := strconv.ParseInt(num, 10, 64)
	return id, err == nil && id > 0
}

// People names the accounts behind actor labels, keyed by label, for
// whoever reads a case's trail (staff who see cases): a trail says who did
// what by name and unit, as colleagues know each other.
func (s *Service) People(ctx context.Context, by Actor, labels []string) (map[string]Person, error) {
	if !Can(by, ActInboxRead, nil) {
		return nil, ErrForbidden
	}
	var ids []int64
	for _, l := range labels {
		if id, ok := LabelAccount(l); ok && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	out := map[string]Person{}
	if len(ids) == 0 {
		return out, nil
	}
	byID, err := s.store.People(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, l := range labels {
		if id, ok := LabelAccount(l); ok {
			if p, ok := byID[id]; ok {
				out[l] = p
			}
		}
	}
	return out, nil
}

// AuditLabel is an account's label in the audit trail.
func AuditLabel(id int64, email string) string {
	return "account:" + strconv.FormatInt(id, 10) + " " + email
}
