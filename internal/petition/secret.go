package petition

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
)

// SecretAlphabet has no characters that read alike: no 0/O, no 1/l/I.
const SecretAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// SecretLength is the number of characters of a tracking secret: 31^8 ≈
// 8.5e11 possibilities, behind a rate limit.
const SecretLength = 8

// NewSecret returns a random tracking secret from crypto/rand.
func NewSecret() string {
	b := make([]byte, SecretLength)
	// Rejection sampling keeps every character equally likely.
	limit := byte(256 - 256%len(SecretAlphabet))
	out := make([]byte, 0, SecretLength)
	for len(out) < SecretLength {
		if _, err := rand.Read(b); err != nil {
			panic(fmt.Sprintf("crypto/rand: %v", err)) // never happens on supported systems
		}
		for _, c := range b {
			if c < limit && len(out) < SecretLength {
				out = append(out, SecretAlphabet[int(c)%len(SecretAlphabet)])
			}
		}
	}
	return string(out)
}

// NormalizeSecret upper-cases what a person typed and drops spaces and
// dashes, so "abcd efgh" and "ABCD-EFGH" match.
func NormalizeSecret(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(s)))
}

func newSalt() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	return hex.EncodeToString(b)
}

// hashSecret is SHA-256 over a per-case salt. A secret has ~40 bits, so the
// online rate limit, not the hash, is what protects it; the hash keeps the
// clear secret out of the database and its backups.
func hashSecret(salt, what, value string) string { return hashHex("secret", salt, what, value) }

func equalHash(a, b string) bool {
	return len(a) > 0 && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// FormatCode builds a tracking code, e.g. SXD-2026-000123.
func FormatCode(agency string, year int, seq int64) string {
	return fmt.Sprintf("%s-%04d-%06d", agency, year, seq)
}

var codeRe = regexp.MustCompile(`^[A-Z][A-Z0-9]{1,11}-\d{4}-\d{6,9}$`)

// codePrefixRe is the start of a tracking code at least to its year.
var codePrefixRe = regexp.MustCompile(`^[A-Z][A-Z0-9]{1,11}-\d{4}(?:-\d{0,9})?$`)

// IsCodePrefix says whether s, as NormalizeCode leaves it, is a tracking
// code or its start down to the year ("SXD-2026", "SXD-2026-0001"): a
// search for it is a search for codes.
func IsCodePrefix(s string) bool { return codePrefixRe.MatchString(s) }

// NormalizeCode upper-cases a typed code; ok is false when it cannot be one.
func NormalizeCode(s string) (string, bool) {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	return s, codeRe.MatchString(s)
}
