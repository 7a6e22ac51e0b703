package web

import (
	"net/http"
	"net/url"
	"strconv"
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
	// Each log's place in its pages; the links keep the filters and the
	// other log's page.
	Pager       Pager
	AccessPager Pager
}

type auditFilter struct{ Actor, Action, Entity, From, To string }

// Values is the filter as a query string's values (empty ones left out).
func (f auditFilter) Values() url.Values {
	v := url.Values{}
	for _, kv := range [][2]string{{"actor", f.Actor}, {"action", f.Action}, {"entity", f.Entity}, {"from", f.From}, {"to", f.To}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	return v
}

// auditPageSize is a page of either log on the audit page.
const auditPageSize = 200

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

// auditPage shows the audit trail and, to those who may read it, the
// identity access log, each newest first and paged (?page=, ?access_page=)
// with how many rows the filters match: an auditor can read all of both.
func (s *Staff) auditPage(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.LangFrom(ctx)
	a := accesshttp.Actor(c)
	d := auditData{Filter: auditFilter{Actor: strings.TrimSpace(c.QueryParam("actor")), Action: strings.TrimSpace(c.QueryParam("action")),
		Entity: strings.TrimSpace(c.QueryParam("entity")), From: c.QueryParam("from"), To: c.QueryParam("to")}}
	f := audit.Filter{Actor: d.Filter.Actor, Action: d.Filter.Action, Entity: d.Filter.Entity, Limit: auditPageSize}
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
	page, accessPage := pageParam(c, "page"), pageParam(c, "access_page")
	// Each log's links keep the filters and where the other log is.
	links := func(other string, otherPage int) url.Values {
		v := d.Filter.Values()
		if otherPage > 1 {
			v.Set(other, strconv.Itoa(otherPage))
		}
		return v
	}
	rows, total, err := pageOrLast(&page, auditPageSize, func(offset int) ([]audit.Row, int64, error) {
		f.Offset = offset
		return s.Trail.Page(ctx, a, f)
	})
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
		af := audit.Filter{Actor: f.Actor, From: f.From, To: f.To, Limit: auditPageSize}
		acc, accTotal, err := pageOrLast(&accessPage, auditPageSize, func(offset int) ([]audit.IdentityAccess, int64, error) {
			af.Offset = offset
			return s.Trail.AccessPage(ctx, a, af)
		})
		if err != nil {
			return err
		}
		for _, r := range acc {
			d.Access = append(d.Access, accessRow{IdentityAccess: r, When: present.MomentSeconds(r.At, s.Location, lang)})
		}
		d.AccessPager = pagerFor(lang, "audit.access_showing", "/staff/audit", links("page", page), "access_page", "access-log",
			accessPage, auditPageSize, len(acc), accTotal)
	} else {
		accessPage = 1 // the link must not carry a page of a log this reader is not shown
	}
	d.Pager = pagerFor(lang, "audit.showing", "/staff/audit", links("access_page", accessPage), "page", "audit-trail", page, auditPageSize, len(rows), total)
	return s.render(c, http.StatusOK, "audit", "audit.title", d)
}
