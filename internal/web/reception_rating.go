package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access/accesshttp"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/present"
	"github.com/phucdap/phucdap/internal/reception"
)

// PathVisitRating is the visitor's rating link of a session:
// PathVisitRating/{session}/{signature}.
const PathVisitRating = "/lich-tiep-cong-dan/danh-gia"

// VisitRatingPath is the path of a session's rating link.
func VisitRatingPath(sessionID int64, sig string) string {
	return PathVisitRating + "/" + strconv.FormatInt(sessionID, 10) + "/" + sig
}

// visitRatingData is the rating page: the session's day only (whoever
// holds the link sees it), the form, or the thanks once rated.
type visitRatingData struct {
	Day      string
	Action   string
	Rated    *reception.Rating
	Stars    int
	Comment  string
	FieldErr map[string]string
	Errors   []string
}

func (r *Reception) ratingSession(c echo.Context) (reception.Session, string, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return reception.Session{}, "", reception.ErrRatingLink
	}
	sig := c.Param("sig")
	se, err := r.Service.RatingSession(c.Request().Context(), id, sig)
	return se, sig, err
}

func (r *Reception) ratingData(c echo.Context, se reception.Session, sig string) visitRatingData {
	lang := i18n.LangFrom(c.Request().Context())
	return visitRatingData{Day: r.dayText(lang, se.Day), Action: VisitRatingPath(se.ID, sig) + "?lang=" + lang, Rated: se.Rating,
		FieldErr: map[string]string{}}
}

// ratingPage shows the rating form of the link's session, or the thanks
// when it was rated.
func (r *Reception) ratingPage(c echo.Context) error {
	se, sig, err := r.ratingSession(c)
	if err != nil {
		return err
	}
	noStore(c)
	return r.Staff.Pages.render(c, http.StatusOK, "reception_rating", "reception.rating_title", r.ratingData(c, se, sig))
}

// rate records the rating, once; a refused form is shown again with its
// fields' errors.
func (r *Reception) rate(c echo.Context) error {
	se, sig, err := r.ratingSession(c)
	if err != nil {
		return err
	}
	noStore(c)
	stars, _ := strconv.Atoi(c.FormValue("stars"))
	opErr := r.Service.Rate(c.Request().Context(), se.ID, sig, stars, c.FormValue("comment"))
	if opErr == nil {
		return c.Redirect(http.StatusSeeOther, VisitRatingPath(se.ID, sig)+"?lang="+i18n.LangFrom(c.Request().Context()))
	}
	d := r.ratingData(c, se, sig)
	d.Stars, d.Comment = stars, c.FormValue("comment")
	var list fault.List
	if errors.As(opErr, &list) {
		lang := i18n.LangFrom(c.Request().Context())
		for _, fe := range list {
			d.FieldErr[fe.Field] = present.Message(r.Staff.Pages.Catalog, lang, fe)
		}
	} else if d.Errors, err = r.Staff.messages(c, opErr); err != nil {
		return err
	}
	return r.Staff.Pages.render(c, present.Status(opErr), "reception_rating", "reception.rating_title", d)
}

// sessionReceiptData is the session's receipt handed to the visitor: what
// was received, by whom, the outcome and the case it opened, and the
// rating link. It names nobody: the paper may be left behind.
type sessionReceiptData struct {
	Session   reception.Session
	Day       string
	RatingURL string
}

// sessionReceipt is the printable receipt of a session.
func (r *Reception) sessionReceipt(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return reception.ErrNoSuchSession
	}
	se, err := r.Service.SessionReceipt(c.Request().Context(), accesshttp.Actor(c), id)
	if err != nil {
		return err
	}
	lang := i18n.LangFrom(c.Request().Context())
	base := r.Staff.Pages.BaseURL
	if base == "" {
		base = c.Scheme() + "://" + c.Request().Host
	}
	d := sessionReceiptData{Session: se, Day: r.dayText(lang, se.Day), RatingURL: base + VisitRatingPath(se.ID, r.Service.RatingSig(se.ID))}
	return r.Staff.render(c, http.StatusOK, "staff_reception_receipt", "reception.receipt_title", d)
}
