package httpapi

import (
	"context"
	"strings"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/reception"
)

// MaxReceptionDays bounds the range of ListReceptionDays: a year of the
// desk's working days is some 250 rows.
const MaxReceptionDays = 366

// defaultReceptionDays is the range read without from and to, as the
// public schedule page shows it.
const defaultReceptionDays = 45

// ListReceptionDays implements GET /reception/days.
func (a *API) ListReceptionDays(ctx context.Context, req ListReceptionDaysRequestObject) (ListReceptionDaysResponseObject, error) {
	today := a.Reception.Today()
	from, to := today, today.AddDays(defaultReceptionDays)
	var errs fault.List
	date := func(field string, v *string, d *calendar.Date) {
		if v == nil || strings.TrimSpace(*v) == "" {
			return
		}
		p, err := calendar.ParseDate(strings.TrimSpace(*v))
		if err != nil || !p.Valid() {
			errs = append(errs, fault.FieldError(field, "calendar.bad_date", map[string]any{"Value": *v}))
			return
		}
		*d = p
	}
	date("from", req.Params.From, &from)
	if req.Params.From != nil && req.Params.To == nil {
		to = from.AddDays(defaultReceptionDays)
	}
	date("to", req.Params.To, &to)
	if len(errs) == 0 && (to.Before(from) || from.AddDays(MaxReceptionDays-1).Before(to)) {
		errs = append(errs, fault.FieldError("to", "reception.range", map[string]any{"Max": MaxReceptionDays}))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	days, err := a.Reception.Published(ctx, from, to)
	if err != nil {
		return nil, err
	}
	loc := a.Reception.Location()
	out := ListReceptionDays200JSONResponse{From: from.String(), To: to.String(), Days: make([]ReceptionDay, 0, len(days))}
	for _, o := range days {
		d := ReceptionDay{ScheduleId: o.Schedule.ID, Kind: ReceptionDayKind(o.Schedule.Kind), Host: o.Schedule.Host, Day: o.Day.String(),
			RegularDay: o.Regular.String(), Start: o.Start(loc), End: o.End(loc), Place: o.Schedule.Place, OnlineUrl: optString(o.Schedule.OnlineURL),
			Capacity: ptr(o.Schedule.Capacity), Cancelled: o.Cancelled, Moved: o.Day != o.Regular}
		if o.Change != nil {
			d.Reason = ptr(o.Change.Reason)
		}
		out.Days = append(out.Days, d)
	}
	return out, nil
}

// ListReceptionSchedules implements GET /admin/reception/schedules.
func (a *API) ListReceptionSchedules(ctx context.Context, _ ListReceptionSchedulesRequestObject) (ListReceptionSchedulesResponseObject, error) {
	list, err := a.Reception.Schedules(ctx)
	if err != nil {
		return nil, err
	}
	return ListReceptionSchedules200JSONResponse{Schedules: mapped(list, scheduleJSON)}, nil
}

// GetReceptionSchedule implements GET /admin/reception/schedules/{id}.
func (a *API) GetReceptionSchedule(ctx context.Context, req GetReceptionScheduleRequestObject) (GetReceptionScheduleResponseObject, error) {
	s, err := a.Reception.Schedule(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	return GetReceptionSchedule200JSONResponse(scheduleJSON(s)), nil
}

// AddReceptionSchedule implements POST /admin/reception/schedules.
func (a *API) AddReceptionSchedule(ctx context.Context, req AddReceptionScheduleRequestObject) (AddReceptionScheduleResponseObject, error) {
	s, err := a.saveSchedule(ctx, 0, req.Body)
	if err != nil {
		return nil, err
	}
	return AddReceptionSchedule201JSONResponse(scheduleJSON(s)), nil
}

// UpdateReceptionSchedule implements PUT /admin/reception/schedules/{id}.
func (a *API) UpdateReceptionSchedule(ctx context.Context, req UpdateReceptionScheduleRequestObject) (UpdateReceptionScheduleResponseObject, error) {
	if req.Id <= 0 {
		return nil, reception.ErrNoSuchSchedule
	}
	s, err := a.saveSchedule(ctx, req.Id, req.Body)
	if err != nil {
		return nil, err
	}
	return UpdateReceptionSchedule200JSONResponse(scheduleJSON(s)), nil
}

// ChangeReceptionDay implements POST /admin/reception/schedules/{id}/changes.
func (a *API) ChangeReceptionDay(ctx context.Context, req ChangeReceptionDayRequestObject) (ChangeReceptionDayResponseObject, error) {
	if req.Body == nil {
		return nil, fault.New(fault.BadRequest, "error.bad_json")
	}
	var errs fault.List
	day, err := calendar.ParseDate(strings.TrimSpace(req.Body.Day))
	if err != nil {
		errs = append(errs, reception.ErrNotAReceptionDay)
	}
	var moved calendar.Date
	if req.Body.MovedTo != nil && strings.TrimSpace(*req.Body.MovedTo) != "" {
		if moved, err = calendar.ParseDate(strings.TrimSpace(*req.Body.MovedTo)); err != nil {
			errs = append(errs, fault.FieldError("moved_to", "reception.moved_to", nil))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	c, err := a.Reception.ChangeDay(ctx, actor(ctx), req.Id, day, moved, req.Body.Reason)
	if err != nil {
		return nil, err
	}
	out := ChangeReceptionDay201JSONResponse{ScheduleId: c.ScheduleID, Day: c.Day.String(), Cancelled: c.Cancelled, Reason: c.Reason, At: c.At.UTC()}
	if !c.MovedTo.IsZero() {
		out.MovedTo = ptr(c.MovedTo.String())
	}
	return out, nil
}

// saveSchedule reads the body into a schedule and saves it; every field
// that cannot be read, and every one the domain refuses, is named once.
func (a *API) saveSchedule(ctx context.Context, id int64, in *ReceptionScheduleInput) (reception.Schedule, error) {
	if in == nil {
		return reception.Schedule{}, fault.New(fault.BadRequest, "error.bad_json")
	}
	s := reception.Schedule{ID: id, Kind: reception.Kind(in.Kind), Host: in.Host, Repeat: reception.Repeat(in.Repeat), Place: in.Place,
		OnlineURL: deref(in.OnlineUrl), Capacity: in.Capacity, Active: in.Active}
	if in.DayOfMonth != nil {
		s.DayOfMonth = *in.DayOfMonth
	}
	if in.Weekday != nil {
		s.Weekday = time.Weekday(*in.Weekday)
	}
	var bad fault.List
	var ok1, ok2 bool
	s.StartMin, ok1 = reception.ParseClock(in.Start)
	s.EndMin, ok2 = reception.ParseClock(in.End)
	if !ok1 || !ok2 {
		bad = append(bad, fault.FieldError("end", "reception.hours", nil))
	}
	var err error
	if s.From, err = calendar.ParseDate(strings.TrimSpace(in.From)); err != nil {
		bad = append(bad, fault.FieldError("from", "reception.from", nil))
	}
	if u := strings.TrimSpace(deref(in.Until)); u != "" {
		if s.Until, err = calendar.ParseDate(u); err != nil {
			bad = append(bad, fault.FieldError("until", "reception.until", nil))
		}
	}
	if len(bad) > 0 {
		_, more := s.Check()
		seen := map[string]bool{}
		for _, fe := range bad {
			seen[fe.Field] = true
		}
		for _, fe := range more {
			if !seen[fe.Field] {
				bad = append(bad, fe)
			}
		}
		return reception.Schedule{}, bad
	}
	return a.Reception.SaveSchedule(ctx, actor(ctx), s)
}

func scheduleJSON(s reception.Schedule) ReceptionSchedule {
	out := ReceptionSchedule{Id: s.ID, Kind: ReceptionScheduleKind(s.Kind), Host: s.Host, Repeat: ReceptionScheduleRepeat(s.Repeat),
		Start: reception.Clock(s.StartMin), End: reception.Clock(s.EndMin), Place: s.Place, OnlineUrl: optString(s.OnlineURL),
		Capacity: s.Capacity, From: s.From.String(), Active: s.Active}
	switch s.Repeat {
	case reception.RepeatMonthly:
		out.DayOfMonth = ptr(s.DayOfMonth)
	case reception.RepeatWeekly:
		out.Weekday = ptr(int(s.Weekday))
	}
	if !s.Until.IsZero() {
		out.Until = ptr(s.Until.String())
	}
	return out
}

// optString is s, or nil when empty.
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
