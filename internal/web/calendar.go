package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/i18n"
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
}

// builtinReviewer is the store's view of the versioned built-in years.
type builtinReviewer interface {
	BuiltinChange(ctx context.Context, year int) (calendar.TableDiff, bool, error)
}

func (p *Pages) calendarYear(c echo.Context) error {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil || year < 1900 || year > 2200 {
		return fault.New(fault.NotFound, "page.not_found")
	}
	ctx := c.Request().Context()
	v, err := p.Deadlines.Year(ctx, p.Tables, year)
	if err != nil {
		return err
	}
	lang := i18n.LangFrom(ctx)
	cal := p.Deadlines.Engine(ctx).Calendar()
	unsure := map[calendar.Date]bool{}
	for _, d := range v.Table.DaysOff {
		unsure[d.Date] = d.Unconfirmed
	}
	page := calendarPage{View: v, Prev: year - 1, Next: year + 1, CanEdit: access.Can(access.ActorFrom(ctx), access.ActCalendarManage, nil), Saved: c.QueryParam("saved") == "1"}
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
	return p.render(c, http.StatusOK, "calendar", "page.calendar.title", page)
}

// confirmCalendar stores the shown table (the stored one or the draft) as
// confirmed. Editing the entries themselves goes through the API.
func (p *Pages) confirmCalendar(c echo.Context) error {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil || year < 1900 || year > 2200 {
		return fault.New(fault.NotFound, "page.not_found")
	}
	ctx := c.Request().Context()
	v, err := p.Deadlines.Year(ctx, p.Tables, year)
	if err != nil {
		return err
	}
	t := v.Table.Clone()
	t.Confirmed = true
	actor := access.ActorFrom(ctx)
	by := deadline.Editor{Label: actor.Label()}
	if actor.AccountID != 0 {
		by.AccountID = &actor.AccountID
	}
	if _, err := p.Deadlines.SaveYear(ctx, p.Tables, t, by); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/calendar/"+strconv.Itoa(year)+"?saved=1")
}
