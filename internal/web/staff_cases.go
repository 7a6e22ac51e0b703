package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/access/accesshttp"
)

type inboxRow struct {
	access.CaseRef
	Urgency access.Urgency
	Due     string
	Receive string
}

type inboxData struct {
	Rows    []inboxRow
	Late    int
	DueSoon int
}

func (s *Staff) when(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(s.Location).Format("15:04 02/01/2006")
}

func (s *Staff) inbox(c echo.Context) error {
	list, err := s.Cases.Inbox(c.Request().Context(), accesshttp.Actor(c), 0)
	if err != nil {
		return err
	}
	now := s.Now()
	d := inboxData{}
	for _, r := range list {
		row := inboxRow{CaseRef: r, Urgency: r.UrgencyAt(now, s.DueSoon), Due: s.when(r.DueAt), Receive: s.when(&r.ReceivedAt)}
		switch row.Urgency {
		case access.UrgencyLate:
			d.Late++
		case access.UrgencyDueSoon:
			d.DueSoon++
		}
		d.Rows = append(d.Rows, row)
	}
	return s.render(c, http.StatusOK, "inbox", "inbox.title", d)
}

type caseData struct {
	File     access.CaseFile
	Urgency  access.Urgency
	Due      string
	Receive  string
	Revealed *access.Identity
	Reason   string
	Errors   []string
}

func (s *Staff) loadCase(c echo.Context) (caseData, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return caseData{}, access.ErrCaseNotFound
	}
	f, err := s.Cases.File(c.Request().Context(), accesshttp.Actor(c), id)
	if err != nil {
		return caseData{}, err
	}
	return caseData{File: f, Urgency: f.UrgencyAt(s.Now(), s.DueSoon), Due: s.when(f.DueAt), Receive: s.when(&f.ReceivedAt)}, nil
}

func (s *Staff) caseFile(c echo.Context) error {
	d, err := s.loadCase(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "staff_case", "case.title", d)
}

// revealIdentity shows a denouncer's identity in the response to the POST
// that gave the reason: never in a URL, never cached, never redirected to.
func (s *Staff) revealIdentity(c echo.Context) error {
	d, err := s.loadCase(c)
	if err != nil {
		return err
	}
	d.Reason = c.FormValue("reason")
	id, err := s.Cases.RevealIdentity(c.Request().Context(), accesshttp.Actor(c), d.File.ID, d.Reason)
	if err != nil {
		msgs, ierr := s.messages(c, err)
		if ierr != nil {
			return ierr
		}
		d.Errors = msgs
		return s.render(c, statusOf(err), "staff_case", "case.title", d)
	}
	d.Revealed = &id
	return s.render(c, http.StatusOK, "staff_case", "case.title", d)
}
