package access

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// TokenPrefix marks phucdap API tokens, so a leaked one is recognisable by
// secret scanners and in support requests.
const TokenPrefix = "pdt_"

// NewSecret returns 32 random bytes, base64url-encoded: the value of a
// session cookie or (with TokenPrefix) an API token. Only its hash is
// stored.
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// HashSecret is what the database keeps of a session id or a token: its
// SHA-256. The secrets are 256 random bits, so a fast hash is enough; a
// stolen table gives no usable cookie or token.
func HashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// CSRFToken derives the synchronizer token of a session from its secret.
// Nothing more is stored: the server recomputes it from the cookie on each
// POST. The token cannot be turned back into the cookie, so a token that
// leaks in a page does not leak the session.
func CSRFToken(sessionSecret string) string {
	h := sha256.Sum256([]byte("phucdap-csrf\x00" + sessionSecret))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// CheckCSRF compares a submitted token with the session's in constant time.
func CheckCSRF(sessionSecret, submitted string) bool {
	if sessionSecret == "" || submitted == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(CSRFToken(sessionSecret)), []byte(strings.TrimSpace(submitted))) == 1
}
