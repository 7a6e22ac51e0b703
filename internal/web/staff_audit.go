package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/access/accesshttp"
	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/present"
)

type auditData struct {
	Filter    auditFilter
	Rows      []auditRow
	Access    []accessRow
	ShowAcces bool
	Errors    []string
}

type auditFilter struct{ Actor, Action, Entity, From, To string }

type auditRow struct {
	audit.Row
	When string
}

type accessRow struct {
	audit.IdentityAccess
	When string
}

// parseDay reads a civil date (YYYY-MM-DD) as the start of that day in
// Hà Nội.
func (s *Staff) parseDay(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	return time.ParseInLocation("2006-01-02", v, s.Location)
}

func (s *Staff) auditPage(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.LangFrom(ctx)
	a := accesshttp.Actor(c)
	d := auditData{Filter: auditFilter{Actor: strings.TrimSpace(c.QueryParam("actor")), Action: strings.TrimSpace(c.QueryParam("action")),
		Entity: strings.TrimSpace(c.QueryParam("entity")), From: c.QueryParam("from"), To: c.QueryParam("to")}}
	f := audit.Filter{Actor: d.Filter.Actor, Action: d.Filter.Action, Entity: d.Filter.Entity, Limit: 200}
	from, err1 := s.parseDay(d.Filter.From)
	to, err2 := s.parseDay(d.Filter.To)
	if err1 != nil || err2 != nil {
		d.Errors, _ = s.messages(c, fault.FieldError("from", "audit.bad_date", nil))
		return s.render(c, http.StatusUnprocessableEntity, "audit", "audit.title", d)
	}
	f.From = from
	if !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // the "to" day is included
	}
	rows, err := s.Trail.List(ctx, a, f)
	if err != nil {
		msgs, ierr := s.messages(c, err)
		if ierr != nil {
			return ierr
		}
		d.Errors = msgs
		return s.render(c, present.Status(err), "audit", "audit.title", d)
	}
	for _, r := range rows {
		d.Rows = append(d.Rows, auditRow{Row: r, When: present.MomentSeconds(r.At, s.Location, lang)})
	}
	if access.Can(a, access.ActAccessLogRead, nil) {
		d.ShowAcces = true
		acc, err := s.Trail.AccessLog(ctx, a, audit.Filter{Actor: f.Actor, From: f.From, To: f.To, Limit: 200})
		if err != nil {
			return err
		}
		for _, r := range acc {
			d.Access = append(d.Access, accessRow{IdentityAccess: r, When: present.MomentSeconds(r.At, s.Location, lang)})
		}
	}
	return s.render(c, http.StatusOK, "audit", "audit.title", d)
}
