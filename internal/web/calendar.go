package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/present"
)

// calendarDay is one cell of the month grid.
type calendarDay struct {
	Date    calendar.Date
	Day     int
	Class   string // "work", "weekend", "off", "swap"
	Reason  string
	Unsure  bool
	InMonth bool
}

type calendarMonth struct {
	Month time.Month
	Weeks [][]calendarDay
}

// pageTitle names the year: each year's calendar is a tab of its own.
func (c calendarPage) pageTitle(base string) string {
	return base + " " + strconv.Itoa(c.View.Table.Year)
}

type calendarPage struct {
	View     deadline.YearView
	Months   []calendarMonth
	Prev     int
	Next     int
	CanEdit  bool
	Saved    bool
	Weekdays []string
	// Builtin: this release corrects its built-in table of the year (issue
	// 12); what accepting it would change.
	Builtin *calendar.TableDiff
	// Changes is the difference from the draft (Propose) the office
	// reviews before confirming; nil when the year is the draft.
	Changes []calendarChange
	// Edit pre-fills the entry form (?edit=DATE); Error is the refusal of
	// the last change, in the reader's language.
	Edit  calendarEntryForm
	Error string
}

// builtinReviewer is the store's view of the versioned built-in years.
type builtinReviewer interface {
	BuiltinChange(ctx context.Context, year int) (calendar.TableDiff, bool, error)
}

// calendarEntryForm is the add/edit form of one entry.
type calendarEntryForm struct {
	Date, Kind, Name, NameEN, SourceNo, SourceDate string
	Confirmed                                      bool
}

func (p *Pages) calendarYear(c echo.Context) error {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil || !calendar.EditableYear(year) {
		return fault.New(fault.NotFound, "page.not_found")
	}
	ctx := c.Request().Context()
	v, err := p.Deadlines.Year(ctx, p.Tables, year)
	if err != nil {
		return err
	}
	unsure := map[calendar.Date]bool{}
	for _, d := range v.Table.DaysOff {
		unsure[d.Date] = d.Unconfirmed
	}
	page := calendarPage{View: v, Prev: year - 1, Next: year + 1, CanEdit: access.Can(access.ActorFrom(ctx), access.ActCalendarManage, nil), Saved: c.QueryParam("saved") == "1"}
	return p.renderCalendar(c, http.StatusOK, page, unsure)
}

// calendarChange is a row of the difference from the draft, worded.
type calendarChange struct {
	Date     calendar.Date
	Kind     string
	Old, New string
}

// calendarEntry words what a table says about a day in lang: its name, the
// document that announced it, and whether it is confirmed.
func (p *Pages) calendarEntry(lang string, e calendar.Entry) string {
	if e.IsZero() {
		return ""
	}
	name := e.Name
	if lang == i18n.EN && e.NameEN != "" {
		name = e.NameEN
	}
	return p.Catalog.T(lang, "calendar.change.entry", map[string]any{"Name": name, "Source": e.Source, "Unconfirmed": e.Unconfirmed})
}

// calendarChanges words the difference from prev to next in lang. A day
// changed only in what lang does not read (its English name, on a
// Vietnamese page: a year imported without English names) reads the same
// on both sides and is not listed.
func (p *Pages) calendarChanges(lang string, prev, next calendar.YearTable) []calendarChange {
	var out []calendarChange
	for _, ch := range calendar.Changes(prev, next) {
		c := calendarChange{Date: ch.Date, Kind: ch.Kind, Old: p.calendarEntry(lang, ch.Old), New: p.calendarEntry(lang, ch.New)}
		if c.Kind == "changed" && c.Old == c.New {
			continue
		}
		out = append(out, c)
	}
	return out
}

// renderCalendar fills the month grid, the diff from the draft and the
// entry form, and renders the page.
func (p *Pages) renderCalendar(c echo.Context, status int, page calendarPage, unsure map[calendar.Date]bool) error {
	ctx := c.Request().Context()
	v := page.View
	year := v.Table.Year
	lang := i18n.LangFrom(ctx)
	cal := p.Deadlines.Engine(ctx).Calendar()
	if !v.Proposed {
		page.Changes = p.calendarChanges(lang, calendar.Propose(year), v.Table)
	}
	if page.Edit.Kind == "" {
		page.Edit.Kind, page.Edit.Confirmed = "day_off", true
	}
	if d, err := calendar.ParseDate(c.QueryParam("edit")); err == nil {
		page.Edit = entryForm(v.Table, d)
	}
	if br, ok := p.Tables.(builtinReviewer); ok {
		d, changed, err := br.BuiltinChange(ctx, year)
		if err != nil {
			return err
		}
		if changed {
			page.Builtin = &d
		}
	}
	for _, id := range []string{"weekday.mon", "weekday.tue", "weekday.wed", "weekday.thu", "weekday.fri", "weekday.sat", "weekday.sun"} {
		page.Weekdays = append(page.Weekdays, p.Catalog.T(lang, id, nil))
	}
	for m := time.January; m <= time.December; m++ {
		first := calendar.NewDate(year, m, 1)
		// Weeks start on Monday, as Vietnamese calendars print them.
		offset := (int(first.Weekday()) + 6) % 7
		start := first.AddDays(-offset)
		month := calendarMonth{Month: m}
		for w := 0; w < 6; w++ {
			var week []calendarDay
			for i := 0; i < 7; i++ {
				d := start.AddDays(w*7 + i)
				working, reasonVI, reasonEN := cal.DayInfo(d)
				reason := reasonVI
				if lang == i18n.EN {
					reason = reasonEN
				}
				plainWeekend := reasonVI == calendar.ReasonSaturday || reasonVI == calendar.ReasonSunday
				cell := calendarDay{Date: d, Day: d.Day, InMonth: d.Month == m, Unsure: unsure[d] || cal.DayUnconfirmed(d)}
				wk := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
				switch {
				case working && wk:
					cell.Class, cell.Reason = "swap", reason
				case working:
					cell.Class = "work"
				case wk && plainWeekend:
					cell.Class = "weekend"
				default:
					cell.Class, cell.Reason = "off", reason
				}
				week = append(week, cell)
			}
			if week[0].Date.Month != m && w > 0 {
				break
			}
			month.Weeks = append(month.Weeks, week)
		}
		page.Months = append(page.Months, month)
	}
	return p.render(c, status, "calendar", "page.calendar.title", page)
}

// entryForm pre-fills the form with the entry of d.
func entryForm(t calendar.YearTable, d calendar.Date) calendarEntryForm {
	f := calendarEntryForm{Date: d.String(), Kind: "day_off", Confirmed: true}
	split := func(src string) {
		no, date := calendar.SplitSource(src)
		f.SourceNo = no
		if !date.IsZero() {
			f.SourceDate = date.String()
		}
	}
	for _, o := range t.DaysOff {
		if o.Date == d {
			f.Name, f.NameEN, f.Confirmed = o.Name, o.NameEN, !o.Unconfirmed
			split(o.Source)
		}
	}
	for _, w := range t.WorkingSaturdays {
		if w.Date == d {
			f.Kind, f.Confirmed = "working_saturday", !w.Unconfirmed
			split(w.Source)
		}
	}
	return f
}

// editCalendar applies one change to the year shown (the stored table or
// the draft) and saves it; SaveYear validates and audits it
// (calendar.save, before and after). A refusal re-renders the page with
// the reason, in the reader's language, and changes nothing.
func (p *Pages) editCalendar(c echo.Context) error {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil || !calendar.EditableYear(year) {
		return fault.New(fault.NotFound, "page.not_found")
	}
	ctx := c.Request().Context()
	lang := i18n.LangFrom(ctx)
	v, err := p.Deadlines.Year(ctx, p.Tables, year)
	if err != nil {
		return err
	}
	t := v.Table.Clone()
	t.Year = year
	form := calendarEntryForm{
		Date: strings.TrimSpace(c.FormValue("date")), Kind: c.FormValue("kind"),
		Name: strings.TrimSpace(c.FormValue("name")), NameEN: strings.TrimSpace(c.FormValue("name_en")),
		SourceNo: strings.TrimSpace(c.FormValue("source_no")), SourceDate: strings.TrimSpace(c.FormValue("source_date")),
		Confirmed: c.FormValue("confirmed") != "",
	}
	refuse := func(id string, args map[string]any) error {
		page := calendarPage{View: v, Prev: year - 1, Next: year + 1, CanEdit: true, Edit: form,
			Error: p.Catalog.T(lang, id, args)}
		return p.renderCalendar(c, http.StatusUnprocessableEntity, page, nil)
	}
	// refuseErr shows an import or a table the office can correct; anything
	// else goes to the logged 500 page.
	refuseErr := func(err error) error {
		msg, ok := p.refusal(ctx, err)
		if !ok {
			return err
		}
		page := calendarPage{View: v, Prev: year - 1, Next: year + 1, CanEdit: true, Edit: form, Error: msg}
		return p.renderCalendar(c, present.Status(err), page, nil)
	}
	switch op := c.Param("op"); op {
	case "import":
		fh, err := c.FormFile("file")
		if err != nil {
			return refuse("calendar.import_no_file", nil)
		}
		f, err := fh.Open()
		if err != nil {
			return refuse("calendar.import_no_file", nil)
		}
		defer f.Close()
		var in calendar.YearTable
		if strings.HasSuffix(strings.ToLower(fh.Filename), ".ics") {
			in, err = calendar.ImportICal(f, year)
		} else {
			in, err = calendar.ImportCSV(f, year)
		}
		if err != nil {
			return refuseErr(err)
		}
		t = t.Merge(in)
	case "remove":
		d, err := calendar.ParseDate(form.Date)
		if err != nil {
			return refuse("calendar.bad_date", map[string]any{"Value": form.Date})
		}
		t = t.Remove(d)
	case "entry":
		d, err := calendar.ParseDate(form.Date)
		if err != nil {
			return refuse("calendar.bad_date", map[string]any{"Value": form.Date})
		}
		var srcDate calendar.Date
		if form.SourceDate != "" {
			if srcDate, err = calendar.ParseDate(form.SourceDate); err != nil {
				return refuse("calendar.bad_source_date", map[string]any{"Value": form.SourceDate})
			}
		}
		if form.SourceNo == "" {
			return refuse("calendar.source_required", nil)
		}
		src := calendar.Source(form.SourceNo, srcDate)
		if form.Kind == "working_saturday" {
			t = t.PutWorkingSaturday(calendar.WorkingSaturday{Date: d, Source: src, Unconfirmed: !form.Confirmed})
		} else {
			if form.Name == "" {
				return refuse("calendar.name_required", nil)
			}
			t = t.PutDayOff(calendar.DayOff{Date: d, Name: form.Name, NameEN: form.NameEN, Source: src, Unconfirmed: !form.Confirmed})
		}
	default:
		return fault.New(fault.NotFound, "page.not_found")
	}
	if _, err := p.Deadlines.SaveYear(ctx, p.Tables, t, editorOf(access.ActorFrom(ctx))); err != nil {
		return refuseErr(err)
	}
	return c.Redirect(http.StatusSeeOther, "/admin/calendar/"+strconv.Itoa(year)+"?saved=1")
}

func editorOf(actor access.Actor) deadline.Editor {
	by := deadline.Editor{Label: actor.Label()}
	if actor.AccountID != 0 {
		by.AccountID = &actor.AccountID
	}
	return by
}

// confirmCalendar stores the shown table (the stored one or the draft) as
// confirmed. Editing the entries themselves goes through the API.
func (p *Pages) confirmCalendar(c echo.Context) error {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil || !calendar.EditableYear(year) {
		return fault.New(fault.NotFound, "page.not_found")
	}
	ctx := c.Request().Context()
	v, err := p.Deadlines.Year(ctx, p.Tables, year)
	if err != nil {
		return err
	}
	t := v.Table.Clone()
	t.Confirmed = true
	if _, err := p.Deadlines.SaveYear(ctx, p.Tables, t, editorOf(access.ActorFrom(ctx))); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/calendar/"+strconv.Itoa(year)+"?saved=1")
}
