package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/access/accesshttp"
	"github.com/phucdap/phucdap/internal/download"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/org"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/present"
	"github.com/phucdap/phucdap/internal/textfold"
)

type inboxRow struct {
	access.CaseRef
	Urgency access.Urgency
	Due     string
	Receive string
}

type inboxData struct {
	Rows []inboxRow
	// Late and DueSoon count the whole list, not only this page.
	Late    int64
	DueSoon int64
	// The page's place in the list, its links keeping the filters.
	Pager
	// The filters and what they may take.
	Filter   inboxFilter
	Statuses []petition.Status
	Kinds    []petition.Kind
	Topics   []petition.Topic
	// Bulk assignment, for the office.
	Bulk bool
	// Chase: the actor may chase (the office, leadership); ChaseKey is the
	// bulk chase form's one-time key; ToChase counts the cases the inbox
	// proposes to chase (due within ChaseDays working days, no draft).
	Chase     bool
	ChaseKey  string
	ToChase   int
	ChaseDays int
	// Approve: the actor approves drafts (Approves); Awaiting counts
	// those waiting, whatever the filters.
	Approve  bool
	Awaiting int
	Units    []org.Unit
	Choices  []unitChoiceGroup
	Result   *bulkResult
	// ExportQuery is the filters' query string for the CSV and XLSX.
	ExportQuery template.URL
	// Views are the user's saved views of the inbox, and the save form.
	Views viewForm
}

type inboxFilter struct {
	Status, Kind, Urgency string
	TopicID               int64
	All                   bool
	// Q is the search typed in the staff bar's box; it searches closed
	// cases too.
	Q string
	// QError is the message key of a refused search (textfold.Parse).
	QError string
}

// dueText shows a due time as the law reads it: "24:00 ngày 11/12/2026"
// rather than 00:00 of the next day.
func (s *Staff) dueText(c echo.Context, t *time.Time) string {
	if t == nil {
		return ""
	}
	return present.TimeIn(*t, s.Location, i18n.LangFrom(c.Request().Context()), s.Pages.Catalog)
}

func (s *Staff) when(lang string, t *time.Time) string {
	if t == nil {
		return ""
	}
	return present.Moment(*t, s.Location, lang)
}

func (s *Staff) inbox(c echo.Context) error { return s.renderInbox(c, nil) }

// urgencyChase is the inbox's filter of the cases to chase,
// urgencyApproval of the drafts awaiting approval.
const (
	urgencyChase    = "chase"
	urgencyApproval = "approval"
)

// Approves says whether the actor's inbox offers the drafts awaiting
// approval: a unit head approves their unit's, leadership watches all.
func Approves(a access.Actor) bool {
	return access.Can(a, access.ActAnswerApprove, nil) || a.Has(access.Leadership)
}

// Approvals counts the drafts awaiting the actor's approval, for the
// staff menu: 0 for who approves none, or when the count fails (the
// menu is a hint; a page must not fail for it).
func Approvals(cases *access.Cases) func(ctx context.Context, a access.Actor) int {
	return func(ctx context.Context, a access.Actor) int {
		if !Approves(a) {
			return 0
		}
		n, err := cases.Count(ctx, a, access.CaseQuery{AwaitingApproval: true})
		if err != nil {
			return 0
		}
		return int(n)
	}
}

func (s *Staff) renderInbox(c echo.Context, res *bulkResult) error {
	return s.showInbox(c, res, nil, http.StatusOK)
}

// showInbox lists the cases the actor may see, filtered by the query
// (status, kind, topic, late or due soon; closed cases with all=1), through
// the one scoped case query.
func (s *Staff) showInbox(c echo.Context, res *bulkResult, vf *viewForm, status int) error {
	ctx := c.Request().Context()
	a := accesshttp.Actor(c)
	f, q := s.inboxQuery(c)
	page := pageParam(c, "page")
	q.Limit = access.PageSize
	// A refused search lists nothing; the page says why.
	var list []access.CaseRef
	var total int64
	var err error
	if f.QError == "" {
		// Past the last page (a link kept while the list shrank): the
		// last page.
		list, total, err = pageOrLast(&page, access.PageSize, func(offset int) ([]access.CaseRef, int64, error) {
			q.Offset = offset
			return s.Cases.Page(ctx, a, q)
		})
		if err != nil {
			return err
		}
	}
	now, soonUntil := s.Now(), q.SoonUntil
	d := inboxData{Filter: f, Statuses: petition.Statuses, Kinds: petition.Kinds, Result: res,
		Bulk: access.Can(a, access.ActCaseAssign, nil), ExportQuery: template.URL(f.Values().Encode()),
		Chase: access.Can(a, access.ActCaseChase, nil), ChaseDays: s.ChaseDays}
	if d.Chase {
		d.ChaseKey = formKey()
		// The proposal: how many cases are due within the chase horizon
		// with no draft answer, whatever the filters. Counted, not
		// listed: a list stops at a page, the count does not.
		n, err := s.Cases.Count(ctx, a, access.CaseQuery{ToChase: true, ChaseUntil: s.ChaseUntil(ctx)})
		if err != nil {
			return err
		}
		d.ToChase = int(n)
	}
	if d.Approve = Approves(a); d.Approve {
		n, err := s.Cases.Count(ctx, a, access.CaseQuery{AwaitingApproval: true})
		if err != nil {
			return err
		}
		d.Awaiting = int(n)
	}
	if d.Topics, err = s.Pages.Intake.Service.Topics(ctx); err != nil {
		return err
	}
	if d.Bulk {
		units, err := s.Units.ListUnits(ctx)
		if err != nil {
			return err
		}
		for _, u := range units {
			if u.Active && !u.IsGroup() {
				d.Units = append(d.Units, u)
			}
		}
		d.Choices = unitChoices(units)
	}
	lang := i18n.LangFrom(ctx)
	for _, r := range list {
		row := inboxRow{CaseRef: r, Urgency: r.UrgencyAt(now, soonUntil), Due: s.dueText(c, r.DueAt), Receive: s.when(lang, &r.ReceivedAt)}
		switch row.Urgency {
		case access.UrgencyLate:
			d.Late++
		case access.UrgencyDueSoon:
			d.DueSoon++
		}
		d.Rows = append(d.Rows, row)
	}
	if err := s.inboxPages(c, &d, q, page, total); err != nil {
		return err
	}
	views, err := s.views(c, access.ListInbox, string(d.ExportQuery))
	if err != nil {
		return err
	}
	if vf != nil {
		views.Name, views.Errors = vf.Name, vf.Errors
	}
	d.Views = views
	return s.render(c, status, "inbox", "inbox.title", d)
}

// inboxPages sets the page's place in the list: which rows of how many,
// the links before and after (the filters kept, no script needed), and
// the late and due-soon counts of the whole list when it is longer than
// the page.
func (s *Staff) inboxPages(c echo.Context, d *inboxData, q access.CaseQuery, page int, total int64) error {
	ctx := c.Request().Context()
	d.Pager = pagerFor(i18n.LangFrom(ctx), "inbox.showing", "/staff/inbox", d.Filter.Values(), "page", "", page, access.PageSize, len(d.Rows), total)
	if d.To-d.From+1 >= total {
		return nil // the page is the whole list: its rows were counted
	}
	a := accesshttp.Actor(c)
	for _, u := range []struct {
		urgency access.Urgency
		n       *int64
	}{{access.UrgencyLate, &d.Late}, {access.UrgencyDueSoon, &d.DueSoon}} {
		if q.Urgency != access.UrgencyNone && q.Urgency != u.urgency {
			*u.n = 0
			continue
		}
		uq := q
		uq.Urgency = u.urgency
		n, err := s.Cases.Count(ctx, a, uq)
		if err != nil {
			return err
		}
		*u.n = n
	}
	return nil
}

// inboxQuery reads the inbox's filters from the query string: the one
// reading of them, which the page, its CSV and XLSX exports and a saved
// view share.
func (s *Staff) inboxQuery(c echo.Context) (inboxFilter, access.CaseQuery) {
	f := inboxFilterOf(c.QueryParams())
	q := access.CaseQuery{OpenOnly: !f.All && f.Status == "" && f.Q == "", Status: f.Status, Kind: f.Kind, TopicID: f.TopicID,
		SoonUntil: s.SoonUntil(c.Request().Context())}
	switch f.Urgency {
	case urgencyChase:
		q.ToChase, q.ChaseUntil = true, s.ChaseUntil(c.Request().Context())
	case urgencyApproval:
		q.AwaitingApproval = true
	default:
		q.Urgency = access.Urgency(f.Urgency)
	}
	if f.Q != "" {
		sq, why := textfold.Parse(f.Q)
		f.QError = why
		q.Search = &sq
	}
	return f, q
}

// inboxFilterOf reads the filters of an inbox query string.
func inboxFilterOf(v url.Values) inboxFilter {
	f := inboxFilter{Status: v.Get("status"), Kind: v.Get("kind"), Urgency: v.Get("urgency"), All: v.Get("all") == "1"}
	f.TopicID, _ = strconv.ParseInt(v.Get("topic"), 10, 64)
	if f.Urgency != string(access.UrgencyLate) && f.Urgency != string(access.UrgencyDueSoon) && f.Urgency != urgencyChase && f.Urgency != urgencyApproval {
		f.Urgency = ""
	}
	f.Q = strings.TrimSpace(v.Get("q"))
	return f
}

// Values is the filter as the inbox's query string, only what is set.
func (f inboxFilter) Values() url.Values {
	v := url.Values{}
	for k, x := range map[string]string{"status": f.Status, "kind": f.Kind, "urgency": f.Urgency, "q": f.Q} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if f.TopicID != 0 {
		v.Set("topic", strconv.FormatInt(f.TopicID, 10))
	}
	if f.All {
		v.Set("all", "1")
	}
	return v
}

// pageTitle puts the case's code first in the tab's title.
func (d caseData) pageTitle(base string) string { return d.File.Code + " · " + base }

type caseData struct {
	File     access.CaseFile
	Urgency  access.Urgency
	Due      string
	Receive  string
	Revealed *access.Identity
	Reason   string
	// Attachments are the case's and its answers' files, names scrubbed
	// for a sealed case.
	Attachments []access.Attachment
	Errors      []string
	// The workflow's sections; nil without a workflow.
	Workflow *caseWorkflow
	// Done names the action just taken (?done=), for the confirmation.
	Done string
	// Form and FormAction refill the form of a refused action.
	Form       url.Values
	FormAction string
	// FieldErr are the refused action's messages by field, shown beside
	// the field (and in the summary, Errors).
	FieldErr map[string]string
	// Registered carries the code and the secret of a case the office just
	// registered: shown once.
	Registered *petition.Result
	// Receipt is the registered letter's receipt for the citizen, printed
	// at the counter; TrackURL is where they follow the case.
	Receipt  *receiptData
	TrackURL string
}

// E returns a refused form's message about field, "" for none.
func (d caseData) E(action, field string) string {
	if d.FormAction != action {
		return ""
	}
	return d.FieldErr[field]
}

// V returns a refused form's value for field, so what was typed stays.
func (d caseData) V(action, field string) string {
	if d.FormAction != action || d.Form == nil {
		return ""
	}
	return d.Form.Get(field)
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
	d := caseData{File: f, Urgency: f.UrgencyAt(s.Now(), s.SoonUntil(c.Request().Context())), Due: s.dueText(c, f.DueAt), Receive: s.when(i18n.LangFrom(c.Request().Context()), &f.ReceivedAt)}
	if d.Attachments, err = s.Cases.Attachments(c.Request().Context(), accesshttp.Actor(c), id); err != nil {
		return caseData{}, err
	}
	if d.Workflow, err = s.caseWorkflow(c, id); err != nil {
		return caseData{}, err
	}
	switch done := c.QueryParam("done"); {
	case done == "register", done == "extend_requested":
		d.Done = done
	case len(petition.TransitionsOf(petition.Action(done))) > 0:
		d.Done = done
	}
	return d, nil
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
		return s.render(c, present.Status(err), "staff_case", "case.title", d)
	}
	d.Revealed = &id
	return s.render(c, http.StatusOK, "staff_case", "case.title", d)
}

// attachment serves one attachment of a case to whoever may read the case:
// as a download, the same as the API serves it.
func (s *Staff) attachment(c echo.Context) error {
	id, err1 := strconv.ParseInt(c.Param("id"), 10, 64)
	att, err2 := strconv.ParseInt(c.Param("att"), 10, 64)
	if err1 != nil || err2 != nil {
		return access.ErrCaseNotFound
	}
	a, rc, err := s.Cases.OpenAttachment(c.Request().Context(), accesshttp.Actor(c), id, att)
	if err != nil {
		return err
	}
	defer rc.Close()
	return download.Serve(c.Response(), download.File{Name: a.Name, MediaType: a.MediaType, Size: a.Size}, rc)
}
