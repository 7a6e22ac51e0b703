package httpapi

import (
	"context"

	"github.com/phucdap/phucdap/internal/alert"
	"github.com/phucdap/phucdap/internal/i18n"
)

// ListAlerts implements GET /alerts: the caller's own inbox.
func (a *API) ListAlerts(ctx context.Context, req ListAlertsRequestObject) (ListAlertsResponseObject, error) {
	who := actor(ctx)
	limit := min(max(deref(req.Params.Limit), 0), 500)
	if limit == 0 {
		limit = 100
	}
	offset, err := listOffset(req.Params.Offset)
	if err != nil {
		return nil, err
	}
	unreadOnly := deref(req.Params.Unread)
	list, err := a.Jobs.Alerts.Inbox(ctx, who.AccountID, unreadOnly, limit, offset)
	if err != nil {
		return nil, err
	}
	total := int64(offset + len(list))
	if offset > 0 || len(list) == limit {
		if total, err = a.Jobs.Alerts.InboxCount(ctx, who.AccountID, unreadOnly); err != nil {
			return nil, err
		}
	}
	unread, err := a.Jobs.Alerts.Unread(ctx, who.AccountID)
	if err != nil {
		return nil, err
	}
	lang := i18n.LangFrom(ctx)
	alerts := mapped(list, func(al alert.Alert) Alert { return alertJSON(al, lang) })
	return ListAlerts200JSONResponse{Unread: unread, Alerts: alerts, Total: total, NextOffset: nextOffset(offset, len(list), total)}, nil
}

func alertJSON(al alert.Alert, lang string) Alert {
	p := al.Payload
	j := Alert{Id: al.ID, Kind: al.Kind, CreatedAt: al.CreatedAt.UTC(), ReadAt: al.ReadAt}
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	if al.CaseID != 0 {
		j.CaseId = ptr(al.CaseID)
	}
	j.CaseCode, j.CaseKind, j.Topic, j.Unit, j.Link = opt(p.CaseCode), opt(p.CaseKind), opt(p.Topic(lang)), opt(p.Unit(lang)), opt(p.Link)
	if p.ClockKind != "" {
		j.ClockKind = ptr(AlertClockKind(p.ClockKind))
	}
	if !p.DueAt.IsZero() {
		j.DueAt = ptr(p.DueAt.UTC())
	}
	if p.DaysLate > 0 {
		j.DaysLate = ptr(p.DaysLate)
	}
	if p.DaysLeft > 0 {
		j.DaysLeft = ptr(p.DaysLeft)
	}
	if p.Year > 0 {
		j.Year = ptr(p.Year)
	}
	return j
}

// MarkAlertsRead implements POST /alerts/read: only the caller's alerts
// change, whatever ids are sent.
func (a *API) MarkAlertsRead(ctx context.Context, req MarkAlertsReadRequestObject) (MarkAlertsReadResponseObject, error) {
	who := actor(ctx)
	var ids []int64
	if req.Body != nil && req.Body.Ids != nil {
		ids = *req.Body.Ids
		if len(ids) == 0 {
			ids = nil
		}
	}
	if len(ids) > 1000 {
		ids = ids[:1000]
	}
	n, err := a.Jobs.Alerts.MarkRead(ctx, who.AccountID, ids, a.Jobs.Now())
	if err != nil {
		return nil, err
	}
	unread, err := a.Jobs.Alerts.Unread(ctx, who.AccountID)
	if err != nil {
		return nil, err
	}
	return MarkAlertsRead200JSONResponse{Marked: n, Unread: unread}, nil
}
