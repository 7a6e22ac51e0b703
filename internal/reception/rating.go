package reception

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/report"
)

// After the visit the visitor rates it (plan 55 III.1 is measured by the
// citizens the leadership received and their satisfaction): the session's
// receipt prints a short link, and the visitor's phone gets it, signed
// for that session alone. The link opens a plain form on a phone, without
// JavaScript: 1 to 5 stars, as the case rating, and an optional comment.
// It works once. The page shows the session's day only: nothing of the
// visitor, the content or the outcome, since anyone holding the link (a
// printed receipt left behind) can open it.

// Rating is a visitor's rating of a session.
type Rating struct {
	SessionID int64
	Stars     int
	Comment   string
	At        time.Time
}

// Errors of ratings.
var (
	// ErrRatingLink: the link is not a session's (a wrong signature reads
	// as no such session).
	ErrRatingLink = fault.New(fault.NotFound, "reception.rating_link")
	// ErrAlreadyRated: the session's link was used.
	ErrAlreadyRated = fault.New(fault.Conflict, "reception.already_rated")
)

// RatingStore keeps ratings.
type RatingStore interface {
	// AddRating stores r; ErrAlreadyRated when the session has one.
	AddRating(ctx context.Context, r Rating) error
}

// ratingSigLen is the signature's length in bytes: 80 bits, 16 letters
// and digits to type from a printed receipt.
const ratingSigLen = 10

var sigEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// RatingSig is the signature of a session's rating link.
func (s *Service) RatingSig(sessionID int64) string { return RatingSig(s.cfg.LinkKey, sessionID) }

// RatingSig is the signature of a session's rating link under key (the
// key of the citizen's notice links), for whoever sends the link.
func RatingSig(key []byte, sessionID int64) string {
	return linkSig(key, "phucdap reception rating", sessionID)
}

// linkSig signs id for the link of purpose under key: the first
// ratingSigLen bytes of an HMAC-SHA256, in lower-case base32.
func linkSig(key []byte, purpose string, id int64) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(purpose + "\x00" + strconv.FormatInt(id, 10)))
	return strings.ToLower(sigEncoding.EncodeToString(m.Sum(nil)[:ratingSigLen]))
}

// linkSigOK tells whether sig, as typed or pasted, is want, in constant
// time; no link names an id below 1.
func linkSigOK(id int64, sig, want string) bool {
	return id > 0 && hmac.Equal([]byte(strings.ToLower(strings.TrimSpace(sig))), []byte(want))
}

// RatingSession returns the session a rating link names, with its rating
// if it was rated; ErrRatingLink for a link that is not one.
func (s *Service) RatingSession(ctx context.Context, sessionID int64, sig string) (Session, error) {
	if !linkSigOK(sessionID, sig, s.RatingSig(sessionID)) {
		return Session{}, ErrRatingLink
	}
	se, err := s.cfg.Sessions.Session(ctx, sessionID)
	if err == ErrNoSuchSession {
		return Session{}, ErrRatingLink
	}
	return se, err
}

// Rate records the visitor's rating through the session's link, once.
func (s *Service) Rate(ctx context.Context, sessionID int64, sig string, stars int, comment string) error {
	se, err := s.RatingSession(ctx, sessionID, sig)
	if err != nil {
		return err
	}
	var errs fault.List
	if stars < 1 || stars > 5 {
		errs = append(errs, fault.FieldError("stars", "petition.stars_invalid", nil))
	}
	if !utf8.ValidString(comment) {
		errs = append(errs, fault.FieldError("comment", "petition.not_utf8", nil))
	} else if comment = strings.TrimSpace(comment); utf8.RuneCountInString(comment) > petition.MaxComment {
		errs = append(errs, fault.FieldError("comment", "petition.too_long", map[string]any{"Max": petition.MaxComment,
			"Count": utf8.RuneCountInString(comment)}))
	}
	if len(errs) > 0 {
		return errs
	}
	if se.Rating != nil {
		return ErrAlreadyRated
	}
	return s.cfg.Ratings.AddRating(ctx, Rating{SessionID: se.ID, Stars: stars, Comment: comment, At: s.cfg.Now().UTC()})
}

// RatingFigures are the visitors' ratings of a period's sessions: how many
// rated, their stars, and how many gave 4 or 5 (satisfied, as the case
// rating counts it).
type RatingFigures struct {
	Rated     int
	StarsSum  int
	Satisfied int
}

// Mean is the average of the stars, 0 with no rating.
func (r RatingFigures) Mean() float64 {
	if r.Rated == 0 {
		return 0
	}
	return float64(r.StarsSum) / float64(r.Rated)
}

// Satisfaction is the share of satisfied visitors among those who rated.
func (r RatingFigures) Satisfaction() report.Rate {
	return report.Rate{Num: int64(r.Satisfied), Den: int64(r.Rated)}
}

func (r *RatingFigures) add(stars int) {
	r.Rated++
	r.StarsSum += stars
	if stars >= report.SatisfiedStars {
		r.Satisfied++
	}
}

// SessionReceipt returns a session for its printed receipt: the office's.
func (s *Service) SessionReceipt(ctx context.Context, by access.Actor, id int64) (Session, error) {
	if !access.Can(by, access.ActReceptionManage, nil) {
		return Session{}, fault.New(fault.Forbidden, "error.forbidden")
	}
	se, err := s.cfg.Sessions.Session(ctx, id)
	if err != nil {
		return Session{}, err
	}
	return se.forStaff(), nil
}
