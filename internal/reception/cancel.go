package reception

import (
	"context"
	"time"

	"github.com/phucdap/phucdap/internal/fault"
)

// A citizen cancels their own booking through a signed link that its
// confirmation and reminder carry, and the page shown after booking: the
// link opens a plain page on a phone, without JavaScript, that names the
// booking's code, day, hours, host and place (what the public schedule
// and the messages publish) and cancels on a button. Nothing of what the
// citizen brings is shown: a denunciation's booking reads like any other,
// as its messages do. Cancelling gives the place back to the day, is
// audited, and is done once: the link opened again says it is cancelled.

// Errors of cancelling a booking.
var (
	// ErrCancelLink: the link is not a booking's (a wrong signature reads
	// as no such booking).
	ErrCancelLink = fault.New(fault.NotFound, "reception.cancel_link")
	// ErrBookingPassed: the booking's day has passed.
	ErrBookingPassed = fault.New(fault.Conflict, "reception.booking_passed")
)

// BookingCancelStore cancels bookings.
type BookingCancelStore interface {
	// Booking returns one booking, ErrCancelLink when there is none.
	Booking(ctx context.Context, id int64) (Booking, error)
	// CancelBooking marks the booking cancelled at, gives its place back
	// to the day's slot, withdraws its messages not yet delivered and
	// audits it, in one transaction; false when it was cancelled already
	// (nothing changes).
	CancelBooking(ctx context.Context, id int64, at time.Time) (bool, error)
}

// BookingSig is the signature of a booking's cancel link under key (the
// key of the citizen's notice links), for whoever sends the link.
func BookingSig(key []byte, bookingID int64) string {
	return linkSig(key, "phucdap reception booking cancel", bookingID)
}

// BookingSig is the signature of a booking's cancel link.
func (s *Service) BookingSig(bookingID int64) string { return BookingSig(s.cfg.LinkKey, bookingID) }

// LinkedBooking returns the booking a cancel link names, with its
// occurrence as published (Found false when the day is no longer held);
// ErrCancelLink for a link that is not one. The booking carries no
// identity and no content: the page shows none.
func (s *Service) LinkedBooking(ctx context.Context, bookingID int64, sig string) (Booking, Occurrence, bool, error) {
	if !linkSigOK(bookingID, sig, s.BookingSig(bookingID)) {
		return Booking{}, Occurrence{}, false, ErrCancelLink
	}
	b, err := s.cfg.Cancels.Booking(ctx, bookingID)
	if err != nil {
		return Booking{}, Occurrence{}, false, err
	}
	o, found, err := s.Occurrence(ctx, b.ScheduleID, b.Day)
	if err != nil {
		return Booking{}, Occurrence{}, false, err
	}
	return Booking{ID: b.ID, Code: b.Code, ScheduleID: b.ScheduleID, Day: b.Day, Lang: b.Lang, CancelledAt: b.CancelledAt}, o, found, nil
}

// CancelBooking cancels the booking a link names. Cancelling a booking
// cancelled already changes nothing and is no error; a day that has passed
// is refused.
func (s *Service) CancelBooking(ctx context.Context, bookingID int64, sig string) error {
	b, _, _, err := s.LinkedBooking(ctx, bookingID, sig)
	if err != nil {
		return err
	}
	if b.Cancelled() {
		return nil
	}
	if b.Day.Before(s.Today()) {
		return ErrBookingPassed
	}
	_, err = s.cfg.Cancels.CancelBooking(ctx, b.ID, s.cfg.Now().UTC())
	return err
}
