package reception

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/petition"
)

// Errors of booking.
var (
	// ErrSlotFull: the day's capacity is taken (also when two citizens
	// book its last place at once: the store's conditional update decides).
	ErrSlotFull = fault.New(fault.Conflict, "reception.slot_full")
	// ErrAlreadyBooked: the same phone already holds a place that day.
	ErrAlreadyBooked = fault.New(fault.Conflict, "reception.already_booked")
	// ErrNotBookable: the day is not a coming reception day of a schedule
	// that takes bookings.
	ErrNotBookable = fault.New(fault.NotFound, "reception.not_bookable")
)

// AlreadyBooked is ErrAlreadyBooked as the citizen who posted the form is
// told it. The usual poster is the citizen whose first post's answer was
// lost (a dropped connection, a double tap): they need their code. But
// whoever knows a phone number can post it, so the page shows only the
// code's last two characters, enough to tell it apart in a message, and
// the confirmation goes again to the contact the booking holds, which only
// the citizen reads: at most once a day (the ledger's key is the booking,
// the channel and the day), and within the form's limits.
type AlreadyBooked struct {
	// Masked is the booking's code with all but its last two characters
	// hidden: "TCD-••••••K7".
	Masked string
	// Resent: a channel is configured, so the confirmation goes again to
	// whatever contact of the booking it reaches; false when no channel is
	// (the office has the booking under the phone). It never depends on
	// the contacts the booking holds, which whoever types the phone must
	// not learn.
	Resent bool
}

func (e *AlreadyBooked) Error() string { return "reception: already booked (" + e.Masked + ")" }

// Unwrap makes it ErrAlreadyBooked, for errors.Is and the fault mapping.
func (e *AlreadyBooked) Unwrap() error { return ErrAlreadyBooked }

// maskCode hides a booking's code but its last two characters.
func maskCode(code string) string {
	const prefix = "TCD-"
	rest := strings.TrimPrefix(code, prefix)
	if len(rest) <= 2 {
		return code
	}
	return prefix + strings.Repeat("•", len(rest)-2) + rest[len(rest)-2:]
}

// DayHasBookings refuses to cancel or move a reception day that n citizens
// have booked: the office contacts them first.
func DayHasBookings(n int) error {
	return fault.FieldError("day", "reception.day_has_bookings", map[string]any{"N": n})
}

// ScheduleHasBookings refuses to deactivate a schedule whose coming days n
// citizens have booked. Deactivating cancels every coming day at once,
// so it follows the rule of cancelling one day (DayHasBookings): the
// office contacts them first. Nothing would tell them otherwise: a
// booking of a schedule no longer published gets no reminder.
func ScheduleHasBookings(n int) error {
	return fault.FieldError("active", "reception.schedule_has_bookings", map[string]any{"N": n})
}

// ScheduleEditStrands refuses an edit of a schedule (its recurrence, dates
// or capacity) that would leave n citizens booked on coming days it no
// longer gives, or on a day with fewer places than its bookings: they
// would come, or be reminded to come, on a day nobody receives.
func ScheduleEditStrands(n int) error {
	return fault.FieldError("repeat", "reception.schedule_edit_strands", map[string]any{"N": n})
}

// Limits of a booking's texts.
const (
	MaxName        = 200
	MaxDescription = 1000
)

// BookingInput is what a citizen types to book a place.
type BookingInput struct {
	ScheduleID  int64
	Day         calendar.Date
	Name        string
	Phone       string
	Email       string
	TopicID     int64
	Kind        petition.Kind
	Description string
	Lang        string
	// ClientIP is the address the form was posted from, for the limits.
	ClientIP string
}

// rateLimitedID words a refusal for too many bookings from one address
// or one phone.
const rateLimitedID = "reception.rate_limited"

// Booking is a place held at one reception day. Name, Phone and Email are
// the citizen's identity: under a denouncer's secrecy (Sealed) they are
// shown to no one without the identity grant, and never leave the office.
type Booking struct {
	ID          int64
	Code        string
	ScheduleID  int64
	Day         calendar.Date
	Kind        petition.Kind
	TopicID     int64
	Description string
	Sealed      bool
	Name        string
	Phone       string
	Email       string
	// PhoneKey is the hash of the phone that makes a second booking of
	// the same day by the same phone a unique-key violation (see phoneKey:
	// unkeyed, a uniqueness key and not a secret).
	PhoneKey  string
	Lang      string
	CreatedAt time.Time
	// CancelledAt is when the citizen cancelled the booking through its
	// link; nil while it holds its place.
	CancelledAt *time.Time
}

// Cancelled says whether the citizen cancelled the booking.
func (b Booking) Cancelled() bool { return b.CancelledAt != nil }

// BookingStore keeps bookings.
type BookingStore interface {
	// Book holds a place: within one transaction it checks that the
	// schedule is still active and recurs as read, the schedule the
	// service found the day on (ErrNotBookable when it was deactivated or
	// its days edited since), takes one of the day's places, as many as
	// the stored capacity, by a conditional update (ErrSlotFull when none
	// is left), checks that its regular day is still held on b.Day
	// (ErrNotBookable when a change cancelled or moved the day since the
	// service looked), and inserts the booking (ErrAlreadyBooked when its
	// phone key holds the day already). It returns the booking with its id.
	Book(ctx context.Context, b Booking, read Schedule, regular calendar.Date) (Booking, error)
	// DayBookings returns the bookings of day, in booking order.
	DayBookings(ctx context.Context, day calendar.Date) ([]Booking, error)
	// Booked returns the places taken per schedule on day.
	Booked(ctx context.Context, day calendar.Date) (map[int64]int, error)
	// Rearm returns the booking phoneKey holds on the schedule's day and
	// marks its confirmation to be sent again (the ledger's key keeps it
	// to once a day).
	Rearm(ctx context.Context, scheduleID int64, day calendar.Date, phoneKey string) (Booking, error)
}

// Book validates a booking and holds a place. The phone is read by
// petition.NormalizePhone, the one reading of a phone number.
func (s *Service) Book(ctx context.Context, in BookingInput) (Booking, Occurrence, error) {
	var errs fault.List
	name := clean(in.Name)
	if n := utf8.RuneCountInString(name); n < 2 || n > MaxName {
		errs = append(errs, fault.FieldError("name", "reception.name_required", map[string]any{"Max": MaxName}))
	}
	phone, ok := petition.NormalizePhone(in.Phone)
	if !ok {
		errs = append(errs, fault.FieldError("phone", "petition.phone_invalid", nil))
	}
	var email string
	if m := strings.TrimSpace(in.Email); m != "" {
		if email, ok = petition.NormalizeEmail(m); !ok {
			errs = append(errs, fault.FieldError("email", "petition.email_invalid", nil))
		}
	}
	if !in.Kind.Valid() {
		errs = append(errs, fault.FieldError("kind", "petition.kind_invalid", nil))
	}
	desc := strings.TrimSpace(in.Description)
	if n := utf8.RuneCountInString(desc); n < 5 || n > MaxDescription {
		errs = append(errs, fault.FieldError("description", "reception.description_required", map[string]any{"Max": MaxDescription}))
	}
	if len(errs) > 0 {
		return Booking{}, Occurrence{}, errs
	}
	// Every valid post counts, booked or refused: a full day or a phone
	// already booked is an answer too, and the counters bound how many
	// phones one address may try, and how often one phone may be tried.
	if err := s.limit(ctx, in.ClientIP, phone); err != nil {
		return Booking{}, Occurrence{}, err
	}
	o, found, err := s.Occurrence(ctx, in.ScheduleID, in.Day)
	if err != nil {
		return Booking{}, Occurrence{}, err
	}
	if !found || o.Cancelled || o.Schedule.Capacity == 0 || !o.Day.After(s.Today()) {
		return Booking{}, Occurrence{}, ErrNotBookable
	}
	lang := in.Lang
	if lang != "en" {
		lang = "vi"
	}
	b := Booking{Code: newCode(), ScheduleID: o.Schedule.ID, Day: o.Day, Kind: in.Kind, TopicID: in.TopicID, Description: desc,
		Sealed: in.Kind.Secret(), Name: name, Phone: phone, Email: email, PhoneKey: s.phoneKey(phone), Lang: lang, CreatedAt: s.cfg.Now().UTC()}
	key := b.PhoneKey
	b, err = s.cfg.Bookings.Book(ctx, b, o.Schedule, o.Regular)
	if errors.Is(err, ErrAlreadyBooked) {
		held, rerr := s.cfg.Bookings.Rearm(ctx, o.Schedule.ID, o.Day, key)
		if rerr != nil {
			return Booking{}, o, rerr
		}
		// Whether the booking holds an e-mail address is the citizen's
		// business: the answer depends on the channels configured only.
		return Booking{}, o, &AlreadyBooked{Masked: maskCode(held.Code), Resent: s.cfg.Confirm.Phone || s.cfg.Confirm.Email}
	}
	return b, o, err
}

// limit refuses a post over one of the form's limits, with how long to
// wait, and otherwise counts it. The buckets are hashes, never a clear
// address or phone, and are the booking form's own: a citizen who sent
// petitions today may still book.
func (s *Service) limit(ctx context.Context, ip, phone string) error {
	l := s.cfg.Limits
	type counter struct {
		bucket string
		window time.Duration
		max    int
	}
	var cs []counter
	add := func(kind, value string, window time.Duration, max int) {
		if max > 0 && value != "" {
			sum := sha256.Sum256([]byte("phucdap reception rate\x00" + kind + "\x00" + value))
			cs = append(cs, counter{hex.EncodeToString(sum[:16]), window, max})
		}
	}
	add("ip/h", ip, time.Hour, l.PerIPHour)
	add("ip/d", ip, 24*time.Hour, l.PerIPDay)
	add("phone/h", phone, time.Hour, l.PerPhoneHour)
	add("phone/d", phone, 24*time.Hour, l.PerPhoneDay)
	now := s.cfg.Now()
	for _, c := range cs {
		over, err := s.cfg.Limiter.Over(ctx, c.bucket, c.window, c.max, now)
		if err != nil {
			return err
		}
		if over {
			return fault.RateLimitedFor(rateLimitedID, now.Truncate(c.window).Add(c.window).Sub(now))
		}
	}
	for _, c := range cs {
		if err := s.cfg.Limiter.Hit(ctx, c.bucket, c.window, now); err != nil {
			return err
		}
	}
	return nil
}

// phoneKey is the hash of a normalised phone that the unique index of a
// day's bookings is on: plain SHA-256, not keyed. It must be the same
// across restarts and replicas, and the only keys phucdap has are either
// random per process unless configured (intake.form_key,
// notify.link_key) or set by hand, so a key would break the index the day
// it changed. It protects nothing and is not meant to: Vietnamese phone
// numbers are few enough to hash them all, and the phone is stored in
// clear beside it, as the office must call the citizen.
func (s *Service) phoneKey(phone string) string {
	sum := sha256.Sum256([]byte("phucdap reception phone\x00" + phone))
	return hex.EncodeToString(sum[:])
}

// newCode is a booking's reference, given to the citizen: short, not
// guessable, and free of 0/O and 1/I.
func newCode() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "TCD-" + string(b)
}

// DayBooking is a booking as the office's day list shows it: the identity
// of a sealed booking is left out unless the actor holds the grant.
type DayBooking struct {
	Booking
	Occurrence Occurrence
	// Hidden: a sealed booking, identity and description withheld.
	Hidden bool
}

// Day returns the bookings of day for the office, with the sealed
// identities removed for an actor without the identity grant.
func (s *Service) Day(ctx context.Context, by access.Actor, day calendar.Date) ([]DayBooking, []Occurrence, error) {
	if !access.Can(by, access.ActReceptionManage, nil) {
		return nil, nil, fault.New(fault.Forbidden, "error.forbidden")
	}
	occ, err := s.Published(ctx, day, day)
	if err != nil {
		return nil, nil, err
	}
	list, err := s.cfg.Bookings.DayBookings(ctx, day)
	if err != nil {
		return nil, nil, err
	}
	byID := map[int64]Occurrence{}
	for _, o := range occ {
		byID[o.Schedule.ID] = o
	}
	out := make([]DayBooking, 0, len(list))
	for _, b := range list {
		db := DayBooking{Booking: b, Occurrence: byID[b.ScheduleID]}
		// A sealed booking shows neither identity nor description to
		// anyone, grant or not: the list has no reason or audit for a
		// reveal; the identity reaches staff through the sealed case
		// opened from the session, with its audited reveal.
		if b.Sealed {
			db.Hidden = true
			db.Name, db.Phone, db.Email, db.Description = "", "", "", ""
		}
		out = append(out, db)
	}
	return out, occ, nil
}

// Places returns the places left per schedule on day.
func (s *Service) Places(ctx context.Context, day calendar.Date) (map[int64]int, error) {
	return s.cfg.Bookings.Booked(ctx, day)
}
