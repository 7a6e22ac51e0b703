package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/access/accesshttp"
	"github.com/phucdap/phucdap/internal/present"
	"github.com/phucdap/phucdap/internal/report"
)

// Saved views: a user names a list's filters and opens the list with them
// later. A view is the list's query string made canonical by the list's
// own reading of it (inboxFilterOf, report.ParseDrill), so a saved view
// opens exactly the list it was saved from.

// viewRow is a saved view as a list page links it.
type viewRow struct {
	ID   int64
	Name string
	Href template.URL
}

// viewForm is the save form's state on a list page.
type viewForm struct {
	Views  []viewRow
	Name   string
	Errors []string
	Saved  bool
	// Notice is the message key of what the last delete did.
	Notice string
	// Query is the list's current filters, which the form saves.
	Query string
}

// listPaths are the pages of the lists views are saved for.
var listPaths = map[string]string{access.ListInbox: "/staff/inbox", access.ListReportCases: "/staff/reports/cases"}

// views lists the actor's views of a list for its page.
func (s *Staff) views(c echo.Context, list, query string) (viewForm, error) {
	vs, err := s.Views.List(c.Request().Context(), accesshttp.Actor(c), list)
	if err != nil {
		return viewForm{}, err
	}
	f := viewForm{Query: query, Saved: c.QueryParam("view") == "saved"}
	switch c.QueryParam("view") {
	case "deleted":
		f.Notice = "view.deleted"
	case "missing":
		f.Notice = "view.not_found"
	}
	for _, v := range vs {
		f.Views = append(f.Views, viewRow{ID: v.ID, Name: v.Name, Href: template.URL(listPaths[list] + "?" + v.Query)})
	}
	return f, nil
}

// canonicalQuery reads a list's query string as its page does and writes
// it back: only what the page reads, in one order.
func (s *Staff) canonicalQuery(list, raw string) (string, error) {
	v, err := url.ParseQuery(raw)
	if err != nil {
		v = url.Values{}
	}
	switch list {
	case access.ListInbox:
		return inboxFilterOf(v).Values().Encode(), nil
	case access.ListReportCases:
		q, err := report.ParseDrill(v, report.Period{})
		if err != nil {
			return "", err
		}
		return q.Values().Encode(), nil
	}
	return "", nil
}

func (s *Staff) saveView(c echo.Context) error {
	ctx := c.Request().Context()
	list, name := c.FormValue("list"), c.FormValue("name")
	query, err := s.canonicalQuery(list, c.FormValue("query"))
	if err == nil {
		_, err = s.Views.Save(ctx, accesshttp.Actor(c), list, name, query)
	}
	if err == nil {
		return c.Redirect(http.StatusSeeOther, listPaths[list]+"?"+query+"&view=saved")
	}
	msgs, ierr := s.messages(c, err)
	if ierr != nil {
		return ierr
	}
	if list == access.ListInbox {
		// The inbox again, with the filters being saved, the refusal and
		// the name typed.
		c.Request().URL.RawQuery = query
		return s.showInbox(c, nil, &viewForm{Name: name, Errors: msgs}, present.Status(err))
	}
	return s.Pages.RenderError(c, present.Status(err), "invalid", strings.Join(msgs, " "))
}

// deleteView deletes one of the user's views and goes back to the list.
// Another user's view, or none, is left alone: the list says that no such
// view was found, as for one that never existed.
func (s *Staff) deleteView(c echo.Context) error {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	// Back to the inbox, or to the reports a drill-down is reached from.
	to := "/staff/inbox"
	if c.FormValue("list") == access.ListReportCases {
		to = "/staff/reports"
	}
	err := s.Views.Delete(c.Request().Context(), accesshttp.Actor(c), id)
	if errors.Is(err, access.ErrViewNotFound) {
		return c.Redirect(http.StatusSeeOther, to+"?view=missing")
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, to+"?view=deleted")
}
