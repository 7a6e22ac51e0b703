package petition

import (
	"crypto/sha256"
	"encoding/hex"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/phucdap/phucdap/internal/fault"
)

// Field limits, in characters (runes after NFC). Chosen to fit a letter on a
// phone screen and the longest real addresses; the content minimum asks for
// at least a sentence.
const (
	MaxTitle    = 200
	MinContent  = 20
	MaxContent  = 10000
	MaxName     = 120
	MaxAddress  = 300
	MaxPlace    = 300
	MaxEmail    = 254
	MaxComment  = 2000
	MinReason   = 10
	MaxReason   = 5000
	MaxFiles    = 5
	MaxFileSize = 10 << 20 // 10 MB, inclusive
	MaxFileName = 200
	// MaxIdempotencyKey is the spec's bound on the Idempotency-Key header.
	MaxIdempotencyKey = 200
	maxFieldBytes     = 64 << 10
)

// SubmitInput is a submission as it arrives, from the web form or the API.
type SubmitInput struct {
	Kind    Kind
	TopicID int64
	Title   string
	Content string
	Place   string
	Name    string
	Phone   string
	Email   string
	Address string
	Consent bool
	// KeepSecret: a denouncer keeps identity secrecy unless false. Other
	// kinds are always kept confidential (NĐ 154/2026 Art. 12(2)).
	KeepSecret bool

	Channel     Channel
	Lang        string
	Attachments []Upload
	// IdempotencyKey makes a retried submission return the first receipt.
	IdempotencyKey string
	// ClientIP feeds the rate limits; it is hashed before it is stored.
	ClientIP string
}

// Field names, shared by the form, the API and the errors.
const (
	FieldKind    = "kind"
	FieldTopic   = "topic_id"
	FieldTitle   = "title"
	FieldContent = "content"
	FieldPlace   = "place"
	FieldName    = "name"
	FieldPhone   = "phone"
	FieldEmail   = "email"
	FieldAddress = "address"
	FieldConsent = "consent"
	FieldFiles   = "files"
)

// Vietnamese numbers after the national prefix 0: a mobile is 9 digits
// starting 3, 5, 7, 8 or 9 (the 2018 numbering plan); a landline is 10
// digits, the area code starting 2 (Lạng Sơn 205, Hà Nội 24, TP HCM 28)
// then the subscriber, e.g. 0205 3812 345.
var (
	mobileRe   = regexp.MustCompile(`^[35789]\d{8}$`)
	landlineRe = regexp.MustCompile(`^2\d{9}$`)
)

// NormalizePhone is the one reading of a Vietnamese phone number, mobile or
// landline: it drops spaces, dots, dashes and brackets, takes 0, +84, 84 or
// 0084 as the national prefix (and a "(0)" after +84), and returns the
// number as 0 + its national significant number, the form that is stored,
// hashed for tracking and counted by the rate limits. ok is false when it
// is not a Vietnamese mobile or landline.
func NormalizePhone(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '.', '-', '(', ')', '\u00a0', '\t':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	var national string
	switch {
	case strings.HasPrefix(s, "+84"):
		national = s[3:]
	case strings.HasPrefix(s, "0084"):
		national = s[4:]
	case strings.HasPrefix(s, "0"):
		national = s[1:]
	case strings.HasPrefix(s, "84"):
		national = s[2:]
	default:
		return "", false
	}
	if s[0] != '0' && strings.HasPrefix(national, "0") {
		// +84 (0) 912…: the trunk 0 written after the country code.
		national = national[1:]
	}
	if !mobileRe.MatchString(national) && !landlineRe.MatchString(national) {
		return "", false
	}
	return "0" + national, true
}

// NormalizeEmail lower-cases and checks an address. ok is false when it is
// not a plain address (no display name, a dot in the domain).
func NormalizeEmail(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > MaxEmail {
		return "", false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", false
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || !strings.Contains(s[at+1:], ".") || strings.HasSuffix(s, ".") {
		return "", false
	}
	return strings.ToLower(s), true
}

// cleanText makes typed text comparable and storable: NFC (phones often send
// NFD Vietnamese), no control characters (Postgres refuses NUL), no
// surrounding space. multiline keeps newlines and tabs.
func cleanText(s string, multiline bool) string {
	s = norm.NFC.String(s)
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return -1
		case multiline && (r == '\n' || r == '\t'):
			return r
		case r == '\n' || r == '\t':
			return ' '
		case unicode.IsControl(r) || r == utf8.RuneError:
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// normalized is the input after cleaning, ready to store.
type normalized struct {
	SubmitInput
	phone, email string
}

func (s *Service) normalize(in SubmitInput) (normalized, fault.List) {
	var errs fault.List
	add := func(field, id string, args map[string]any) { errs = append(errs, fault.FieldError(field, id, args)) }
	for field, v := range map[string]string{FieldTitle: in.Title, FieldContent: in.Content, FieldPlace: in.Place,
		FieldName: in.Name, FieldPhone: in.Phone, FieldEmail: in.Email, FieldAddress: in.Address} {
		if !utf8.ValidString(v) {
			add(field, "petition.not_utf8", nil)
		}
	}
	if len(in.IdempotencyKey) > MaxIdempotencyKey {
		add("Idempotency-Key", "petition.too_long", map[string]any{"Max": MaxIdempotencyKey})
	}
	if len(errs) > 0 {
		return normalized{}, sortErrors(errs)
	}
	n := normalized{SubmitInput: in}
	n.Title = cleanText(in.Title, false)
	n.Content = cleanText(in.Content, true)
	n.Place = cleanText(in.Place, false)
	n.Name = cleanText(in.Name, false)
	n.Address = cleanText(in.Address, false)
	n.Phone = cleanText(in.Phone, false)
	n.Email = cleanText(in.Email, false)
	if !n.Kind.Secret() {
		n.KeepSecret = true
	}

	if n.Kind == "" {
		add(FieldKind, "petition.kind_required", nil)
	} else if !n.Kind.Valid() {
		add(FieldKind, "petition.kind_invalid", nil)
	}
	if n.TopicID <= 0 {
		add(FieldTopic, "petition.topic_required", nil)
	}
	length := func(field, v string, min, max int, required bool) {
		c := utf8.RuneCountInString(v)
		switch {
		case c == 0 && required:
			add(field, "petition."+field+"_required", nil)
		case c == 0:
		case c < min:
			add(field, "petition.too_short", map[string]any{"Min": min, "Count": c})
		case c > max:
			add(field, "petition.too_long", map[string]any{"Max": max, "Count": c})
		}
	}
	length(FieldTitle, n.Title, 1, MaxTitle, true)
	length(FieldContent, n.Content, MinContent, MaxContent, true)
	length(FieldPlace, n.Place, 0, MaxPlace, false)
	length(FieldName, n.Name, 2, MaxName, true)
	length(FieldAddress, n.Address, 5, MaxAddress, n.Kind.NeedsAddress())
	if n.Phone == "" && n.Email == "" {
		add(FieldPhone, "petition.contact_required", nil)
	}
	if n.Phone != "" {
		if p, ok := NormalizePhone(n.Phone); ok {
			n.phone = p
		} else {
			add(FieldPhone, "petition.phone_invalid", nil)
		}
	}
	if n.Email != "" {
		if e, ok := NormalizeEmail(n.Email); ok {
			n.email = e
		} else {
			add(FieldEmail, "petition.email_invalid", nil)
		}
	}
	if !n.Consent {
		add(FieldConsent, "petition.consent_required", nil)
	}
	if len(n.Attachments) > MaxFiles {
		add(FieldFiles, "petition.too_many_files", map[string]any{"Max": MaxFiles})
	}
	return n, sortErrors(errs)
}

// fieldOrder is the order of the form, so errors read top to bottom.
var fieldOrder = map[string]int{FieldKind: 0, FieldTopic: 1, FieldTitle: 2, FieldContent: 3, FieldPlace: 4,
	FieldName: 5, FieldPhone: 6, FieldEmail: 7, FieldAddress: 8, FieldFiles: 9, FieldConsent: 10}

func sortErrors(l fault.List) fault.List {
	for i := 1; i < len(l); i++ {
		for j := i; j > 0 && fieldOrder[l[j].Field] < fieldOrder[l[j-1].Field]; j-- {
			l[j], l[j-1] = l[j-1], l[j]
		}
	}
	return l
}

// ContentKey is the normalised content the duplicate rule compares: NFC,
// lower case, runs of space collapsed.
func ContentKey(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(cleanText(s, true))), " ")
}

// dedupKey identifies "the same person saying the same thing": the phone
// (or the e-mail when there is no phone), the kind and the content.
func (n normalized) dedupKey() string {
	contact := n.phone
	if contact == "" {
		contact = "email:" + n.email
	}
	return hashHex("dedup", contact, string(n.Kind), ContentKey(n.Content))
}

// requestHash fingerprints a submission for Idempotency-Key: the same key
// with a different body is refused.
func (n normalized) requestHash() string {
	parts := []string{string(n.Kind), itoa(n.TopicID), n.Title, n.Content, n.Place, n.Name, n.phone, n.email, n.Address,
		boolStr(n.Consent), boolStr(n.KeepSecret), string(n.Channel)}
	for _, a := range n.Attachments {
		parts = append(parts, a.Name, a.Stored.SHA256)
	}
	return hashHex(append([]string{"request"}, parts...)...)
}

func hashHex(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

func boolStr(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// yearIn is the business year of t.
func yearIn(t time.Time, loc *time.Location) int { return t.In(loc).Year() }
