package petition

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// The citizen is told of each step of their case (received, accepted,
// forwarded or guided, extended, answered, late, closed) through the alert
// ledger and outbox (package alert); this file is the citizen's side of
// it: turning the notifications off and on again. Once off, nothing more
// is sent about the case; what was already shown on screen (the receipt)
// stays.

// Ways of turning notifications off, as the store records them.
const (
	NoticesViaLink = "link" // the signed link at the foot of each e-mail
	NoticesViaPage = "page" // the toggle on the tracking page
)

// NoticeEvents are the public events the citizen is told of, and the
// sweep's "late" mark (of the case's own step only): the one list the
// outbox job picks from (see the migration's case_events_to_notice).
var NoticeEvents = []EventKind{EventReceived, EventAccepted, EventForwarded, EventGuided, EventExtended, EventAnswered, EventLate, EventClosed}

// ErrBadNoticeLink: the unsubscribe link was altered or is not one of ours.
// It is ErrNotFound: it says no more than an unknown code would.
var ErrBadNoticeLink = ErrNotFound

// NoticeSig signs a case code for its unsubscribe link: anyone who holds
// the e-mail may stop the notifications of that one case, nobody can
// stop another's by changing the code.
func NoticeSig(key []byte, code string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("phucdap notices off\x00" + code))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// NoticesInput turns the notifications of a case off (Off) or on again,
// from the tracking page: the secret is required.
type NoticesInput struct {
	TrackInput
	Off bool
}

// SetNotices records the petitioner's choice, with its time, in the audit
// trail as well.
func (s *Service) SetNotices(ctx context.Context, in NoticesInput) error {
	c, acc, err := s.authorize(ctx, in.TrackInput)
	if err != nil {
		return err
	}
	if acc != accessFull {
		return ErrSecretRequired
	}
	_, err = s.cfg.Store.SetNoticesOff(ctx, c.ID, in.Off, NoticesViaPage, s.cfg.Now().UTC())
	return err
}

// Unsubscribe turns the notifications of the case off from the signed link
// of an e-mail. A wrong signature is ErrBadNoticeLink.
func (s *Service) Unsubscribe(ctx context.Context, code, sig string) error {
	code, ok := NormalizeCode(code)
	if !ok || len(s.cfg.NoticeKey) == 0 || !hmac.Equal([]byte(sig), []byte(NoticeSig(s.cfg.NoticeKey, code))) {
		return ErrBadNoticeLink
	}
	c, err := s.cfg.Store.CaseByCode(ctx, code)
	if err != nil {
		return err
	}
	_, err = s.cfg.Store.SetNoticesOff(ctx, c.ID, true, NoticesViaLink, s.cfg.Now().UTC())
	return err
}

// CheckNoticeLink says whether sig is the unsubscribe signature of code,
// for the confirmation page shown before the POST.
func (s *Service) CheckNoticeLink(code, sig string) bool {
	code, ok := NormalizeCode(code)
	return ok && len(s.cfg.NoticeKey) > 0 && hmac.Equal([]byte(sig), []byte(NoticeSig(s.cfg.NoticeKey, code)))
}
