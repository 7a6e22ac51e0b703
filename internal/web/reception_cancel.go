package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/present"
	"github.com/phucdap/phucdap/internal/reception"
)

// PathBookingCancel is a booking's cancel link:
// PathBookingCancel/{booking}/{signature}.
const PathBookingCancel = "/lich-tiep-cong-dan/huy-dang-ky"

// BookingCancelPath is the path of a booking's cancel link.
func BookingCancelPath(bookingID int64, sig string) string {
	return PathBookingCancel + "/" + strconv.FormatInt(bookingID, 10) + "/" + sig
}

// bookingCancelData is the cancel page: the booking's code, day, hours,
// host and place (what its messages say), never what the citizen booked
// about; the button, or that it is cancelled.
type bookingCancelData struct {
	Code, Date, Hours, Host, Place string
	Action                         string
	Cancelled                      bool
	// Passed: the day has passed, nothing to cancel.
	Passed bool
	// Gone: the day is no longer held as booked (cancelled or moved by
	// the office, or its schedule withdrawn).
	Gone   bool
	Errors []string
}

func (r *Reception) cancelData(c echo.Context) (bookingCancelData, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return bookingCancelData{}, reception.ErrCancelLink
	}
	sig := c.Param("sig")
	b, o, found, err := r.Service.LinkedBooking(c.Request().Context(), id, sig)
	if err != nil {
		return bookingCancelData{}, err
	}
	lang := i18n.LangFrom(c.Request().Context())
	d := bookingCancelData{Code: b.Code, Date: r.dayText(lang, b.Day), Action: BookingCancelPath(b.ID, sig) + "?lang=" + lang,
		Cancelled: b.Cancelled(), Passed: b.Day.Before(r.Service.Today()), Gone: !found || o.Cancelled}
	if found {
		d.Hours, d.Host, d.Place = reception.Clock(o.Schedule.StartMin)+"–"+reception.Clock(o.Schedule.EndMin), o.Schedule.Host, o.Schedule.Place
	}
	return d, nil
}

// cancelPage shows the booking and the button that cancels it.
func (r *Reception) cancelPage(c echo.Context) error {
	d, err := r.cancelData(c)
	if err != nil {
		return err
	}
	noStore(c)
	return r.Staff.Pages.render(c, http.StatusOK, "reception_booking_cancel", "reception.cancel_title", d)
}

// cancelBooking cancels the link's booking, once, and shows it cancelled.
func (r *Reception) cancelBooking(c echo.Context) error {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	opErr := r.Service.CancelBooking(c.Request().Context(), id, c.Param("sig"))
	noStore(c)
	if opErr == nil {
		return c.Redirect(http.StatusSeeOther, BookingCancelPath(id, c.Param("sig"))+"?lang="+i18n.LangFrom(c.Request().Context()))
	}
	d, err := r.cancelData(c)
	if err != nil {
		return err
	}
	if d.Errors, err = r.Staff.messages(c, opErr); err != nil {
		return err
	}
	return r.Staff.Pages.render(c, present.Status(opErr), "reception_booking_cancel", "reception.cancel_title", d)
}
