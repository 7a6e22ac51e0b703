package access

import (
	"regexp"
	"strings"
)

// Identity is who filed a case: the fields the law keeps secret for a
// denouncer (Luật Tố cáo Art. 9(1)(b): name, address, handwriting and other
// personal information) and that NĐ 154/2026 Art. 12(2) keeps within the
// staff working on any case.
type Identity struct {
	Name     string
	Address  string
	Phone    string
	Email    string
	IDNumber string
}

// Values lists the non-empty fields, for scrubbing free text.
func (id Identity) Values() []string {
	var out []string
	for _, v := range []string{id.Name, id.Address, id.Phone, id.Email, id.IDNumber} {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// IdentityView is what an output path may show of an identity. Build it
// with [ViewIdentity] and nothing else: every page, API response, export,
// alert and log line that mentions a petitioner goes through it.
type IdentityView struct {
	// Shown: Identity is filled and may be displayed.
	Shown bool
	Identity
	// Secret: the case is a denunciation under secrecy.
	Secret bool
	// Waived: the denouncer waived secrecy; shown as a flag.
	Waived bool
	// CanReveal: the actor may reveal it, giving a reason that is logged.
	CanReveal bool
}

// ViewIdentity redacts id for the actor. A denouncer's identity under
// secrecy is never shown here, even to a permitted actor: reading it is a
// separate, logged act ([Service.RevealIdentity]). Other petitioners'
// contact shows only to staff who work on the case.
func ViewIdentity(a Actor, c CaseScope, id Identity) IdentityView {
	v := IdentityView{Secret: c.SecretIdentity(), Waived: c.Denunciation && c.SecrecyWaived}
	if v.Secret {
		v.CanReveal = Can(a, ActIdentityRead, &c)
		return v
	}
	if Can(a, ActContactRead, &c) {
		v.Shown, v.Identity = true, id
	}
	return v
}

// Redaction is what replaces identifying text.
const Redaction = "▇▇▇"

// ScrubText removes the identity's values from free text (the letter's
// content may name its author), case-insensitively and ignoring spacing in
// phone numbers. Art. 56(2) asks for exactly this before a file goes to the
// verifying unit.
func ScrubText(text string, id Identity) string {
	for _, v := range id.Values() {
		var pat string
		if isPhoneLike(v) {
			var b strings.Builder
			for i, r := range strings.Map(keepDigits, v) {
				if i > 0 {
					b.WriteString(`[\s.\-]*`)
				}
				b.WriteRune(r)
			}
			pat = b.String()
		} else {
			pat = regexp.QuoteMeta(v)
		}
		if re, err := regexp.Compile(`(?i)` + pat); err == nil {
			text = re.ReplaceAllString(text, Redaction)
		}
	}
	return text
}

func isPhoneLike(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '.' || r == '-' || r == '+' || r == '(' || r == ')':
		default:
			return false
		}
	}
	return digits >= 6
}

func keepDigits(r rune) rune {
	if r >= '0' && r <= '9' {
		return r
	}
	return -1
}
