package access

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/phucdap/phucdap/internal/fault"
)

// Argon2id parameters: OWASP's 2023 recommendation (19 MiB, 2 passes, 1
// lane). About 30 ms on the small servers a department runs, which keeps a
// login cheap for staff and an offline guess expensive. They are encoded in
// each hash, so raising them later re-hashes nothing that exists.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// PasswordHashing is the cost of the argon2id hashes a Service writes:
// passes over MemoryKiB of memory. The zero value is the production cost.
type PasswordHashing struct {
	Time      uint32
	MemoryKiB uint32
}

// MinimalPasswordHashing is the cheapest cost argon2id takes. Test suites
// use it (config auth.password_hash_cost=minimal, refused outside
// env=test), where each of thousands of logins would otherwise spend 19 MiB
// and tens of milliseconds.
var MinimalPasswordHashing = PasswordHashing{Time: 1, MemoryKiB: 8}

func (h PasswordHashing) orDefault() PasswordHashing {
	if h.Time == 0 || h.MemoryKiB == 0 {
		return PasswordHashing{Time: argonTime, MemoryKiB: argonMemory}
	}
	return h
}

// MinPasswordLength is the default shortest password, in characters. Ten
// characters without composition rules follows NIST SP 800-63B: length and
// a blocklist beat "one digit, one symbol".
const MinPasswordLength = 10

// MaxPasswordLength bounds the work a login request can cause.
const MaxPasswordLength = 256

//go:embed common_passwords.txt
var commonPasswordsText string

// commonPasswords is the blocklist, lower-cased. It is built per call of
// newPasswordPolicy, not at init, so the package has no mutable state.
func commonPasswords() map[string]bool {
	m := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsText))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l != "" && !strings.HasPrefix(l, "#") {
			m[strings.ToLower(l)] = true
		}
	}
	return m
}

// PasswordPolicy checks a new password.
type PasswordPolicy struct {
	MinLength int
	common    map[string]bool
}

// NewPasswordPolicy returns the policy with the embedded blocklist.
func NewPasswordPolicy(minLength int) PasswordPolicy {
	if minLength < 8 {
		minLength = MinPasswordLength
	}
	return PasswordPolicy{MinLength: minLength, common: commonPasswords()}
}

// Check refuses a password that is too short, too long, common, or made of
// the account's own e-mail or name.
func (p PasswordPolicy) Check(pw, email, name string) error {
	n := utf8.RuneCountInString(pw)
	if n < p.MinLength {
		return fault.FieldError("password", "account.password_too_short", map[string]any{"Min": p.MinLength})
	}
	if len(pw) > MaxPasswordLength {
		return fault.FieldError("password", "account.password_too_long", map[string]any{"Max": MaxPasswordLength})
	}
	low := strings.ToLower(pw)
	if p.common[low] || p.common[strings.TrimRight(low, "0123456789!.@#")] {
		return fault.FieldError("password", "account.password_common", nil)
	}
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	squash := func(s string) string { return strings.ReplaceAll(strings.ToLower(s), " ", "") }
	if (local != "" && strings.Contains(low, local) && len(local) >= 4) || (name != "" && squash(pw) == squash(name)) {
		return fault.FieldError("password", "account.password_personal", nil)
	}
	return nil
}

// HashPassword returns an argon2id hash in the PHC string format with a
// fresh random salt, at the production cost.
func HashPassword(pw string) (string, error) { return PasswordHashing{}.Hash(pw) }

// Hash returns an argon2id hash of pw at cost h in the PHC string format,
// with a fresh random salt.
func (h PasswordHashing) Hash(pw string) (string, error) {
	h = h.orDefault()
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, h.Time, h.MemoryKiB, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.MemoryKiB, h.Time, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// dummy is the hash verified against when the e-mail is unknown, at cost
// h, so that a login for a missing account takes as long as one for a
// real account.
func (h PasswordHashing) dummy() string {
	if h.orDefault() == (PasswordHashing{}).orDefault() {
		return dummyHash
	}
	d, err := h.Hash("no such account")
	if err != nil {
		return dummyHash
	}
	return d
}

var errBadHash = errors.New("malformed password hash")

// VerifyPassword reports whether pw matches hash, in constant time for a
// given hash. An empty or malformed hash never matches.
func VerifyPassword(hash, pw string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, errBadHash
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is verified against when the e-mail is unknown, so that a
// login for a missing account takes as long as one for a real account.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3Y9Lx8mB0a3J5m8V7gkq9n2dZc1qJtJmS6pQ0rX7u4A"

// GeneratePassword returns a random one-time password: 16 characters from
// an alphabet without look-alikes, about 85 bits.
func GeneratePassword() (string, error) {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = alphabet[int(c)%len(alphabet)]
	}
	return string(out), nil
}
