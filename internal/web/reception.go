package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/access/accesshttp"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/platform"
	"github.com/phucdap/phucdap/internal/present"
	"github.com/phucdap/phucdap/internal/reception"
	"github.com/phucdap/phucdap/internal/report"
)

// The public pages of citizen reception.
const (
	PathReception    = "/lich-tiep-cong-dan"
	PathReceptionICS = "/lich-tiep-cong-dan.ics"
)

// receptionWindow is how far ahead the public schedule and the feed
// list reception days; receptionPast how far back the feed keeps them.
const (
	receptionWindow = 90
	receptionPast   = 31
)

// Reception serves the citizen-reception pages: the public schedule and
// its iCalendar feed, and the office's page that keeps the schedule.
type Reception struct {
	Staff   *Staff
	Service *reception.Service
	// BaseURL makes the feed's links absolute.
	BaseURL string
}

// NewReception returns the pages over deps, every one of which is needed.
func NewReception(deps Reception) (*Reception, error) {
	r := &deps
	if err := platform.Needs("web reception pages", platform.Dep{Name: "Staff", Absent: r.Staff == nil},
		platform.Dep{Name: "Service", Absent: r.Service == nil}); err != nil {
		return nil, err
	}
	return r, nil
}

// Mount registers the routes.
func (r *Reception) Mount(e *echo.Echo) {
	req := r.Staff.Auth.Require
	e.GET(PathReception, r.public)
	e.GET(PathReceptionICS, r.feed)
	e.GET(PathBooking, r.bookingPage)
	e.POST(PathBooking, r.book)
	e.GET("/staff/reception/day", r.day, req(access.ActReceptionManage))
	e.POST("/staff/reception/sessions", r.recordSession, req(access.ActReceptionManage))
	e.POST("/staff/reception/sessions/:id/result", r.publishResult, req(access.ActReceptionManage))
	e.POST("/staff/reception/no-visitor", r.noVisitor, req(access.ActReceptionManage))
	e.GET("/staff/reception/sessions/:id/receipt", r.sessionReceipt, req(access.ActReceptionManage))
	e.GET(PathVisitRating+"/:id/:sig", r.ratingPage)
	e.POST(PathVisitRating+"/:id/:sig", r.rate)
	e.GET(PathBookingCancel+"/:id/:sig", r.cancelPage)
	e.POST(PathBookingCancel+"/:id/:sig", r.cancelBooking)
	e.GET("/staff/reception", r.office, req(access.ActReceptionManage))
	e.POST("/staff/reception/schedules", r.saveSchedule, req(access.ActReceptionManage))
	e.POST("/staff/reception/schedules/:id", r.saveSchedule, req(access.ActReceptionManage))
	e.POST("/staff/reception/schedules/:id/change", r.changeDay, req(access.ActReceptionManage))
}

// scheduleView is a schedule as people read it.
type scheduleView struct {
	reception.Schedule
	Recurrence, Hours string
	// Form values of the edit form.
	Start, End, From, Until string
	Failed                  bool
}

// dayView is one reception day as published.
type dayView struct {
	reception.Occurrence
	Date, Hours string
	// From is the regular day a moved day was moved from; Key is the
	// regular day as the change form names it.
	From, Key string
	Moved     bool
	Reason    string
	Past      bool
	// Bookable: a coming day of a schedule that takes bookings.
	Bookable bool
}

func (r *Reception) recurrence(lang string, s reception.Schedule) string {
	cat := r.Staff.Pages.Catalog
	switch s.Repeat {
	case reception.RepeatMonthly:
		return cat.T(lang, "reception.repeat.monthly_text", map[string]any{"Day": s.DayOfMonth})
	case reception.RepeatWeekly:
		return cat.T(lang, "reception.repeat.weekly_text", map[string]any{"Weekday": cat.T(lang, "reception.weekday."+strconv.Itoa(int(s.Weekday)), nil)})
	}
	return cat.T(lang, "reception.repeat.working_days_text", nil)
}

func (r *Reception) scheduleView(lang string, s reception.Schedule) scheduleView {
	v := scheduleView{Schedule: s, Recurrence: r.recurrence(lang, s), Hours: reception.Clock(s.StartMin) + "–" + reception.Clock(s.EndMin),
		Start: reception.Clock(s.StartMin), End: reception.Clock(s.EndMin), From: dateText(s.From), Until: dateText(s.Until)}
	return v
}

func dateText(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// dayText is "Thứ Năm, 17/12/2026" or "Thursday, 17/12/2026".
func (r *Reception) dayText(lang string, d calendar.Date) string {
	return r.Staff.Pages.Catalog.T(lang, "reception.weekday."+strconv.Itoa(int(d.Weekday())), nil) + ", " + d.VN()
}

func (r *Reception) dayViews(lang string, list []reception.Occurrence, today calendar.Date) []dayView {
	out := make([]dayView, 0, len(list))
	for _, o := range list {
		v := dayView{Occurrence: o, Date: r.dayText(lang, o.Day), Hours: reception.Clock(o.Schedule.StartMin) + "–" + reception.Clock(o.Schedule.EndMin),
			Past: o.Day.Before(today), Key: o.Regular.String(), Bookable: o.Schedule.Capacity > 0 && !o.Cancelled && o.Day.After(today)}
		if o.Change != nil {
			v.Reason = o.Change.Reason
			v.Moved = !o.Cancelled
			v.From = r.dayText(lang, o.Regular)
		}
		out = append(out, v)
	}
	return out
}

type receptionPublicData struct {
	Schedules []scheduleView
	Days      []dayView
	ICS       string
}

func (r *Reception) public(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.LangFrom(ctx)
	today := r.Service.Today()
	list, err := r.Service.Schedules(ctx)
	if err != nil {
		return err
	}
	d := receptionPublicData{ICS: PathReceptionICS}
	if lang == i18n.EN {
		d.ICS += "?lang=en"
	}
	for _, s := range list {
		if s.Active && (s.Until.IsZero() || !s.Until.Before(today)) {
			d.Schedules = append(d.Schedules, r.scheduleView(lang, s))
		}
	}
	days, err := r.Service.Published(ctx, today, today.AddDays(receptionWindow))
	if err != nil {
		return err
	}
	// The desk is open every working day: the list shows the
	// leadership's days and any change of the desk's.
	var shown []reception.Occurrence
	for _, o := range days {
		if o.Schedule.Kind == reception.KindLeadership || o.Change != nil {
			shown = append(shown, o)
		}
	}
	d.Days = r.dayViews(lang, shown, today)
	return r.Staff.Pages.render(c, http.StatusOK, "reception", "reception.title", d)
}

// feed is the schedule as an iCalendar feed (RFC 5545): one event per
// reception day from a month back to three months ahead, a cancelled day
// as a cancelled event with its reason, a moved day at its new date with
// the reason. The feed carries no citizen's data: only the schedule.
func (r *Reception) feed(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.VI
	if c.QueryParam("lang") == i18n.EN {
		lang = i18n.EN
	}
	cat := r.Staff.Pages.Catalog
	today := r.Service.Today()
	days, err := r.Service.Published(ctx, today.AddDays(-receptionPast), today.AddDays(receptionWindow))
	if err != nil {
		return err
	}
	loc := r.Service.Location()
	cal := ics.NewCalendarFor(r.Staff.Pages.AgencyName)
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(cat.T(lang, "reception.title", nil) + " · " + r.Staff.Pages.AgencyName)
	cal.SetXWRCalName(cat.T(lang, "reception.title", nil) + " · " + r.Staff.Pages.AgencyName)
	cal.SetXWRTimezone(loc.String())
	cal.SetRefreshInterval("PT12H")
	stamp := r.Staff.Now()
	for _, o := range days {
		ev := cal.AddEvent("reception-" + strconv.FormatInt(o.Schedule.ID, 10) + "-" + o.Regular.String() + "@phucdap")
		ev.SetDtStampTime(stamp)
		ev.SetStartAt(o.Start(loc))
		ev.SetEndAt(o.End(loc))
		ev.SetSummary(cat.T(lang, "reception.event_summary", map[string]any{"Host": o.Schedule.Host}))
		ev.SetLocation(o.Schedule.Place)
		desc := []string{r.recurrence(lang, o.Schedule)}
		if o.Schedule.OnlineURL != "" {
			ev.SetURL(o.Schedule.OnlineURL)
			desc = append(desc, cat.T(lang, "reception.online", nil)+": "+o.Schedule.OnlineURL)
		}
		if o.Change != nil {
			ev.SetSequence(1)
			ev.SetModifiedAt(o.Change.At)
			if o.Cancelled {
				ev.SetStatus(ics.ObjectStatusCancelled)
				desc = append(desc, cat.T(lang, "reception.cancelled_because", map[string]any{"Reason": o.Change.Reason}))
			} else {
				desc = append(desc, cat.T(lang, "reception.moved_because", map[string]any{"From": o.Regular, "Reason": o.Change.Reason}))
			}
		} else {
			ev.SetStatus(ics.ObjectStatusConfirmed)
		}
		if r.BaseURL != "" {
			desc = append(desc, r.BaseURL+PathReception)
		}
		ev.SetDescription(strings.Join(desc, "\n"))
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=900")
	return c.Blob(http.StatusOK, "text/calendar; charset=utf-8", []byte(cal.Serialize()))
}

type receptionOfficeData struct {
	// Month is this month's plan III.1 figures.
	Month reception.MonthFigures
	// Pending are the dialogues whose result is still to publish; Result
	// is the text typed for ResultFor when publishing it was refused.
	Pending []pendingView
	// Ratings words the month's visitor ratings, leadership and desk.
	Ratings string
	// Cases words the cases the month's sessions opened and their on-time
	// rate, the plan view's figures (MonthFigures.Cases).
	Cases     string
	ResultFor int64
	Result    string
	Schedules []scheduleView
	New       scheduleView
	Days      []dayView
	Today     string
	Notice    string
	Errors    []string
}

func (r *Reception) officeData(c echo.Context) (receptionOfficeData, error) {
	ctx := c.Request().Context()
	lang := i18n.LangFrom(ctx)
	today := r.Service.Today()
	d := receptionOfficeData{Today: today.String(),
		New: scheduleView{Schedule: reception.Schedule{Kind: reception.KindLeadership, Repeat: reception.RepeatMonthly, DayOfMonth: 15, Active: true},
			Start: "07:30", End: "11:30", From: today.String()}}
	list, err := r.Service.Schedules(ctx)
	if err != nil {
		return d, err
	}
	for _, s := range list {
		d.Schedules = append(d.Schedules, r.scheduleView(lang, s))
	}
	if d.Month, err = r.Service.Month(ctx, accesshttp.Actor(c), today.Year, today.Month); err != nil {
		return d, err
	}
	cat := r.Staff.Pages.Catalog
	ratings := func(f reception.RatingFigures) string {
		if f.Rated == 0 {
			return cat.T(lang, "reception.ratings_none", nil)
		}
		return cat.T(lang, "reception.ratings_mean", map[string]any{"Mean": report.FormatDays(f.Mean(), lang), "N": f.Rated, "Satisfied": f.Satisfied})
	}
	mc := d.Month.Cases
	d.Cases = cat.T(lang, "reception.figures_cases", map[string]any{"N": mc.Received, "Rate": mc.OnTime().In(lang),
		"OnTime": mc.AnsweredOnTime, "Late": mc.AnsweredLate, "OpenLate": mc.OpenLate})
	d.Ratings = cat.T(lang, "reception.figures_ratings", map[string]any{"Leadership": ratings(d.Month.LeadershipRatings), "Desk": ratings(d.Month.DeskRatings)})
	pending, err := r.Service.PendingResults(ctx, accesshttp.Actor(c))
	if err != nil {
		return d, err
	}
	for _, p := range pending {
		d.Pending = append(d.Pending, pendingView{PendingResult: p, Date: r.dayText(lang, p.Session.Day)})
	}
	days, err := r.Service.Published(ctx, today, today.AddDays(45))
	if err != nil {
		return d, err
	}
	d.Days = r.dayViews(lang, days, today)
	return d, nil
}

func (r *Reception) office(c echo.Context) error {
	d, err := r.officeData(c)
	if err != nil {
		return err
	}
	switch c.QueryParam("saved") {
	case "schedule":
		d.Notice = "reception.saved"
	case "change":
		d.Notice = "reception.change_saved"
	case "result":
		d.Notice = "reception.result_saved"
	case "sealed_result":
		d.Notice = "reception.result_sealed_saved"
	}
	return r.Staff.render(c, http.StatusOK, "staff_reception", "reception.office_title", d)
}

// pendingView is a dialogue waiting for its result, as the office reads
// it.
type pendingView struct {
	reception.PendingResult
	Date string
}

// publishResult publishes a dialogue's result from the office's page.
func (r *Reception) publishResult(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return reception.ErrNoSuchSession
	}
	text := c.FormValue("result")
	res, opErr := r.Service.PublishResult(c.Request().Context(), accesshttp.Actor(c), id, text)
	if opErr == nil {
		if res.Sealed {
			return c.Redirect(http.StatusSeeOther, "/staff/reception?saved=sealed_result#dialogues")
		}
		return c.Redirect(http.StatusSeeOther, "/staff/reception?saved=result#dialogues")
	}
	return r.officeRefused(c, opErr, func(d *receptionOfficeData) { d.ResultFor, d.Result = id, text })
}

// scheduleForm reads the schedule form; what cannot be read is named.
func scheduleForm(c echo.Context) (reception.Schedule, scheduleView, fault.List) {
	var bad fault.List
	s := reception.Schedule{Kind: reception.Kind(c.FormValue("kind")), Host: c.FormValue("host"), Repeat: reception.Repeat(c.FormValue("repeat")),
		Place: c.FormValue("place"), OnlineURL: c.FormValue("online_url"), Active: c.FormValue("active") != ""}
	v := scheduleView{Start: c.FormValue("start"), End: c.FormValue("end"), From: strings.TrimSpace(c.FormValue("from")),
		Until: strings.TrimSpace(c.FormValue("until")), Failed: true}
	num := func(field, id string, lo, hi int) int {
		t := strings.TrimSpace(c.FormValue(field))
		if t == "" {
			return 0
		}
		n, err := strconv.Atoi(t)
		if err != nil || n < lo || n > hi {
			bad = append(bad, fault.FieldError(field, id, map[string]any{"Max": hi}))
		}
		return n
	}
	if s.Repeat == reception.RepeatMonthly {
		s.DayOfMonth = num("day_of_month", "reception.day_of_month", 1, 31)
	}
	if s.Repeat == reception.RepeatWeekly {
		s.Weekday = time.Weekday(num("weekday", "reception.weekday", 1, 6))
	}
	s.Capacity = num("capacity", "reception.capacity", 0, reception.MaxCapacity)
	var ok1, ok2 bool
	s.StartMin, ok1 = reception.ParseClock(v.Start)
	s.EndMin, ok2 = reception.ParseClock(v.End)
	if !ok1 || !ok2 {
		bad = append(bad, fault.FieldError("end", "reception.hours", nil))
	}
	var err error
	if s.From, err = calendar.ParseDate(v.From); err != nil {
		bad = append(bad, fault.FieldError("from", "reception.from", nil))
	}
	if v.Until != "" {
		if s.Until, err = calendar.ParseDate(v.Until); err != nil {
			bad = append(bad, fault.FieldError("until", "reception.until", nil))
		}
	}
	v.Schedule = s
	return s, v, bad
}

// receptionFieldLabels name each field of the reception forms in errors.
var receptionFieldLabels = map[string]string{"kind": "reception.kind", "host": "reception.host", "repeat": "reception.repeat",
	"day_of_month": "reception.day_of_month_label", "weekday": "reception.weekday_label", "end": "reception.hours_label",
	"place": "reception.place", "online_url": "reception.online_url_label", "capacity": "reception.capacity_label",
	"from": "reception.from_label", "until": "reception.until_label", "day": "reception.day_label",
	"name": "reception.name", "phone": "reception.phone", "email": "reception.email", "description": "reception.description",
	"receiver": "reception.receiver", "content": "reception.content", "documents": "reception.documents", "headcount": "reception.headcount_label",
	"outcome": "reception.outcome", "refusal_reason": "reception.refusal_reason_label", "title": "reception.content",
	"moved_to": "reception.moved_to_label", "reason": "reception.reason", "result": "reception.result_label",
	"active": "reception.active"}

// fieldErrors words a refused form, each line led by its field's label.
func (r *Reception) fieldErrors(c echo.Context, opErr error) ([]string, error) {
	var list fault.List
	if !errors.As(opErr, &list) {
		if fe, ok := fault.As(opErr); ok && fe.Field != "" {
			list = fault.List{fe}
		} else {
			return r.Staff.messages(c, opErr)
		}
	}
	cat := r.Staff.Pages.Catalog
	lang := i18n.LangFrom(c.Request().Context())
	out := make([]string, 0, len(list))
	for _, fe := range list {
		line := present.Message(cat, lang, fe)
		if id, ok := receptionFieldLabels[fe.Field]; ok {
			line = cat.T(lang, id, nil) + ": " + line
		}
		out = append(out, line)
	}
	return out, nil
}

func (r *Reception) saveSchedule(c echo.Context) error {
	s, v, bad := scheduleForm(c)
	if idText := c.Param("id"); idText != "" {
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil || id <= 0 {
			return reception.ErrNoSuchSchedule
		}
		s.ID, v.ID = id, id
	}
	var opErr error
	if len(bad) > 0 {
		_, textErrs := s.Check()
		// Name every wrong field once: the form's own reading first.
		seen := map[string]bool{}
		for _, fe := range bad {
			seen[fe.Field] = true
		}
		for _, fe := range textErrs {
			if !seen[fe.Field] {
				bad = append(bad, fe)
			}
		}
		opErr = bad
	} else {
		_, opErr = r.Service.SaveSchedule(c.Request().Context(), accesshttp.Actor(c), s)
	}
	if opErr == nil {
		return c.Redirect(http.StatusSeeOther, "/staff/reception?saved=schedule")
	}
	v.Recurrence = r.recurrence(i18n.LangFrom(c.Request().Context()), v.Schedule)
	return r.officeRefused(c, opErr, func(d *receptionOfficeData) {
		if s.ID == 0 {
			d.New = v
			return
		}
		for i := range d.Schedules {
			if d.Schedules[i].ID == s.ID {
				d.Schedules[i] = v
			}
		}
	})
}

func (r *Reception) changeDay(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return reception.ErrNoSuchSchedule
	}
	var bad fault.List
	day, err := calendar.ParseDate(strings.TrimSpace(c.FormValue("day")))
	if err != nil {
		bad = append(bad, reception.ErrNotAReceptionDay)
	}
	var moved calendar.Date
	if t := strings.TrimSpace(c.FormValue("moved_to")); t != "" && c.FormValue("action") == "move" {
		if moved, err = calendar.ParseDate(t); err != nil {
			bad = append(bad, fault.FieldError("moved_to", "reception.moved_to", nil))
		}
	} else if c.FormValue("action") == "move" {
		bad = append(bad, fault.FieldError("moved_to", "reception.moved_to", nil))
	}
	var opErr error
	if len(bad) > 0 {
		opErr = bad
	} else {
		_, opErr = r.Service.ChangeDay(c.Request().Context(), accesshttp.Actor(c), id, day, moved, c.FormValue("reason"))
	}
	if opErr == nil {
		return c.Redirect(http.StatusSeeOther, "/staff/reception?saved=change")
	}
	return r.officeRefused(c, opErr, nil)
}

// PathBooking is the public booking form.
const PathBooking = "/lich-tiep-cong-dan/dang-ky"

type bookingForm struct {
	Day      dayView
	Left     int
	Input    reception.BookingInput
	Topics   []petition.Topic
	Kinds    []petition.Kind
	Errors   []string
	Booked   *reception.Booking
	DayParam string
	// CancelURL is the booked citizen's link that cancels the booking.
	CancelURL string
}

// bookable returns the occurrence a booking form is for, ErrNotBookable
// when it takes no booking.
func (r *Reception) bookable(c echo.Context, schedule, day string) (reception.Occurrence, error) {
	id, err := strconv.ParseInt(schedule, 10, 64)
	if err != nil {
		return reception.Occurrence{}, reception.ErrNotBookable
	}
	d, err := calendar.ParseDate(day)
	if err != nil {
		return reception.Occurrence{}, reception.ErrNotBookable
	}
	o, ok, err := r.Service.Occurrence(c.Request().Context(), id, d)
	if err != nil {
		return o, err
	}
	if !ok || o.Cancelled || o.Schedule.Capacity == 0 || !o.Day.After(r.Service.Today()) {
		return o, reception.ErrNotBookable
	}
	return o, nil
}

func (r *Reception) bookingData(c echo.Context, o reception.Occurrence) (bookingForm, error) {
	ctx := c.Request().Context()
	lang := i18n.LangFrom(ctx)
	topics, err := r.Staff.Pages.Intake.Service.Topics(ctx)
	if err != nil {
		return bookingForm{}, err
	}
	taken, err := r.Service.Places(ctx, o.Day)
	if err != nil {
		return bookingForm{}, err
	}
	return bookingForm{Day: r.dayViews(lang, []reception.Occurrence{o}, r.Service.Today())[0], Left: max(0, o.Schedule.Capacity-taken[o.Schedule.ID]),
		Topics: topics, Kinds: []petition.Kind{petition.KindPetition, petition.KindFeedback, petition.KindComplaint, petition.KindDenunciation},
		Input: reception.BookingInput{ScheduleID: o.Schedule.ID, Day: o.Day, Kind: petition.KindPetition}, DayParam: o.Day.String()}, nil
}

func (r *Reception) bookingPage(c echo.Context) error {
	o, err := r.bookable(c, c.QueryParam("lich"), c.QueryParam("ngay"))
	if err != nil {
		return err
	}
	d, err := r.bookingData(c, o)
	if err != nil {
		return err
	}
	return r.Staff.Pages.render(c, http.StatusOK, "reception_booking", "reception.booking_title", d)
}

func (r *Reception) book(c echo.Context) error {
	o, err := r.bookable(c, c.FormValue("lich"), c.FormValue("ngay"))
	if err != nil {
		return err
	}
	d, err := r.bookingData(c, o)
	if err != nil {
		return err
	}
	topic, topicErr := bookingTopic(c.FormValue("topic_id"), d.Topics)
	d.Input = reception.BookingInput{ScheduleID: o.Schedule.ID, Day: o.Day, Name: c.FormValue("name"), Phone: c.FormValue("phone"),
		Email: c.FormValue("email"), TopicID: topic, Kind: petition.Kind(c.FormValue("kind")), Description: c.FormValue("description"),
		Lang: i18n.LangFrom(c.Request().Context()), ClientIP: c.RealIP()}
	var b reception.Booking
	opErr := topicErr
	if opErr == nil {
		b, _, opErr = r.Service.Book(c.Request().Context(), d.Input)
	}
	if opErr != nil {
		if d.Errors, err = r.fieldErrors(c, opErr); err != nil {
			return err
		}
		var again *reception.AlreadyBooked
		if errors.As(opErr, &again) {
			cat, lang := r.Staff.Pages.Catalog, i18n.LangFrom(c.Request().Context())
			d.Errors = append(d.Errors, cat.T(lang, "reception.already_booked_code", map[string]any{"Code": again.Masked}))
			if again.Resent {
				d.Errors = append(d.Errors, cat.T(lang, "reception.already_booked_resent", nil))
			} else {
				d.Errors = append(d.Errors, cat.T(lang, "reception.already_booked_office", nil))
			}
		}
		present.SetRetryAfter(c.Response().Header(), opErr)
		return r.Staff.Pages.render(c, present.Status(opErr), "reception_booking", "reception.booking_title", d)
	}
	d.Booked = &b
	d.CancelURL = BookingCancelPath(b.ID, r.Service.BookingSig(b.ID)) + "?lang=" + i18n.LangFrom(c.Request().Context())
	return r.Staff.Pages.render(c, http.StatusOK, "reception_booking", "reception.booked_title", d)
}

// bookingTopic is the topic a booking names: none, or one of topics (a
// forged or stale id is the field's error, not a failed insert).
func bookingTopic(v string, topics []petition.Topic) (int64, error) {
	if v = strings.TrimSpace(v); v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err == nil {
		for _, t := range topics {
			if t.ID == id {
				return id, nil
			}
		}
	}
	return 0, fault.List{fault.FieldError(petition.FieldTopic, "petition.topic_invalid", nil)}
}

type receptionDayData struct {
	Day      string
	DayText  string
	Prev     string
	Next     string
	Days     []dayView
	Bookings []reception.DayBooking
	Sessions []reception.Session
	Session  sessionForm
	Topics   []petition.Topic
	Kinds    []petition.Kind
	Outcomes []reception.Outcome
	Notice   string
	Errors   []string
	// Key is the session form's one-time key (formKey).
	Key string
	// Saved is the session just recorded, whose receipt the notice links.
	Saved int64
	// NoVisitor are the schedules whose day was recorded as held with no
	// visitor; NoVisitorForm those whose day may be so recorded (the
	// leadership's, held, up to today, no session under it).
	NoVisitor, NoVisitorForm map[int64]bool
}

// sessionForm is the session form's values (typed back when refused).
type sessionForm struct {
	reception.SessionInput
	Headcount string
}

// day is the office's list of one day's bookings.
func (r *Reception) day(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.LangFrom(ctx)
	day := r.Service.Today()
	if q := c.QueryParam("d"); q != "" {
		if d, err := calendar.ParseDate(q); err == nil {
			day = d
		}
	}
	d, err := r.dayData(c, day)
	if err != nil {
		return err
	}
	switch c.QueryParam("saved") {
	case "":
	case "no_visitor":
		d.Notice = "reception.no_visitor_saved"
	default:
		d.Notice = "reception.session_saved"
		d.Saved, _ = strconv.ParseInt(c.QueryParam("s"), 10, 64)
	}
	_ = lang
	return r.Staff.render(c, http.StatusOK, "staff_reception_day", "reception.day_title", d)
}

func (r *Reception) dayData(c echo.Context, day calendar.Date) (receptionDayData, error) {
	ctx := c.Request().Context()
	lang := i18n.LangFrom(ctx)
	by := accesshttp.Actor(c)
	list, occ, err := r.Service.Day(ctx, by, day)
	if err != nil {
		return receptionDayData{}, err
	}
	sessions, err := r.Service.DaySessions(ctx, by, day)
	if err != nil {
		return receptionDayData{}, err
	}
	topics, err := r.Staff.Pages.Intake.Service.Topics(ctx)
	if err != nil {
		return receptionDayData{}, err
	}
	d := receptionDayData{Day: day.String(), DayText: r.dayText(lang, day), Prev: day.AddDays(-1).String(), Next: day.AddDays(1).String(),
		Days: r.dayViews(lang, occ, r.Service.Today()), Bookings: list, Sessions: sessions, Topics: topics,
		Kinds:    []petition.Kind{petition.KindPetition, petition.KindFeedback, petition.KindComplaint, petition.KindDenunciation},
		Outcomes: reception.Outcomes()}
	empty, err := r.Service.DayNoVisitor(ctx, by, day)
	if err != nil {
		return receptionDayData{}, err
	}
	withSession := map[int64]bool{}
	for _, se := range sessions {
		withSession[se.ScheduleID] = true
	}
	d.NoVisitor, d.NoVisitorForm = map[int64]bool{}, map[int64]bool{}
	for _, o := range occ {
		switch _, ok := empty[o.Schedule.ID]; {
		case ok:
			d.NoVisitor[o.Schedule.ID] = true
		case o.Schedule.Kind == reception.KindLeadership && !o.Cancelled && !o.Day.After(r.Service.Today()) && !withSession[o.Schedule.ID]:
			d.NoVisitorForm[o.Schedule.ID] = true
		}
	}
	d.Session.Day, d.Session.Kind, d.Session.Headcount, d.Key = day, petition.KindPetition, "1", formKey()
	for _, o := range occ {
		if !o.Cancelled {
			d.Session.ScheduleID, d.Session.Receiver = o.Schedule.ID, o.Schedule.Host
			break
		}
	}
	return d, nil
}

// recordSession records a visit from the day page's form.
func (r *Reception) recordSession(c echo.Context) error {
	var bad fault.List
	in := reception.SessionInput{Receiver: c.FormValue("receiver"), Kind: petition.Kind(c.FormValue("kind")), Name: c.FormValue("name"),
		Phone: c.FormValue("phone"), Group: c.FormValue("group") != "", Representatives: c.FormValue("representatives"),
		Content: c.FormValue("content"), Documents: c.FormValue("documents"), Outcome: reception.Outcome(c.FormValue("outcome")),
		RefusalReason: c.FormValue("refusal_reason"), Key: c.FormValue("key"), Dialogue: c.FormValue("dialogue") != ""}
	day, err := calendar.ParseDate(strings.TrimSpace(c.FormValue("day")))
	if err != nil {
		bad = append(bad, fault.FieldError("day", "reception.session_day", nil))
	}
	in.Day = day
	in.ScheduleID, _ = strconv.ParseInt(c.FormValue("schedule_id"), 10, 64)
	in.TopicID, _ = strconv.ParseInt(c.FormValue("topic_id"), 10, 64)
	hc := strings.TrimSpace(c.FormValue("headcount"))
	if in.Group {
		n, err := strconv.Atoi(hc)
		if err != nil {
			bad = append(bad, fault.FieldError("headcount", "reception.headcount", map[string]any{"Max": reception.MaxHeadcount}))
		}
		in.Headcount = n
	}
	var opErr error
	var sess reception.Session
	if len(bad) > 0 {
		opErr = bad
	} else {
		sess, opErr = r.Service.Record(c.Request().Context(), accesshttp.Actor(c), in)
	}
	if opErr == nil {
		// The day's list, which links the session's receipt (with the
		// visitor's rating link) to print.
		return c.Redirect(http.StatusSeeOther, "/staff/reception/day?saved=1&d="+day.String()+"&s="+strconv.FormatInt(sess.ID, 10)+"#session-"+strconv.FormatInt(sess.ID, 10))
	}
	if day.IsZero() {
		day = r.Service.Today()
	}
	return r.dayRefused(c, day, opErr, func(d *receptionDayData) { d.Session = sessionForm{SessionInput: in, Headcount: hc} })
}

// noVisitor records, from the day page, that a schedule's day was held
// and no citizen came.
func (r *Reception) noVisitor(c echo.Context) error {
	day, dayErr := calendar.ParseDate(strings.TrimSpace(c.FormValue("day")))
	id, _ := strconv.ParseInt(c.FormValue("schedule_id"), 10, 64)
	opErr := error(fault.List{reception.ErrNoVisitorDay})
	if dayErr == nil && id > 0 {
		opErr = r.Service.RecordNoVisitor(c.Request().Context(), accesshttp.Actor(c), id, day)
	}
	if opErr == nil {
		return c.Redirect(http.StatusSeeOther, "/staff/reception/day?saved=no_visitor&d="+day.String())
	}
	if dayErr != nil {
		day = r.Service.Today()
	}
	return r.dayRefused(c, day, opErr, nil)
}

// officeRefused shows the office's reception page again with opErr beside
// its fields; fill puts back what was typed.
func (r *Reception) officeRefused(c echo.Context, opErr error, fill func(*receptionOfficeData)) error {
	d, err := r.officeData(c)
	if err != nil {
		return err
	}
	if d.Errors, err = r.fieldErrors(c, opErr); err != nil {
		return err
	}
	if fill != nil {
		fill(&d)
	}
	return r.Staff.render(c, present.Status(opErr), "staff_reception", "reception.office_title", d)
}

// dayRefused shows a reception day's page again with opErr beside its
// fields; fill puts back what was typed.
func (r *Reception) dayRefused(c echo.Context, day calendar.Date, opErr error, fill func(*receptionDayData)) error {
	d, err := r.dayData(c, day)
	if err != nil {
		return err
	}
	if d.Errors, err = r.fieldErrors(c, opErr); err != nil {
		return err
	}
	if fill != nil {
		fill(&d)
	}
	return r.Staff.render(c, present.Status(opErr), "staff_reception_day", "reception.day_title", d)
}
