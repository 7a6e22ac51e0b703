package httpapi

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/fault"
)

// ListAudit implements GET /audit.
func (a *API) ListAudit(ctx context.Context, req ListAuditRequestObject) (ListAuditResponseObject, error) {
	p := req.Params
	f := audit.Filter{Actor: deref(p.Actor), Action: deref(p.Action), Entity: deref(p.Entity), EntityID: deref(p.EntityId),
		BeforeID: deref(p.BeforeId), Limit: deref(p.Limit)}
	var err error
	if f.Offset, err = listOffset(p.Offset); err != nil {
		return nil, err
	}
	if p.From != nil {
		f.From = *p.From
	}
	if p.To != nil {
		f.To = *p.To
	}
	rows, total, err := a.Trail.Page(ctx, actor(ctx), f)
	if err != nil {
		return nil, err
	}
	out := ListAudit200JSONResponse{Entries: make([]AuditEntry, 0, len(rows)), Total: total, NextOffset: nextOffset(f.Offset, len(rows), total)}
	for _, r := range rows {
		e := AuditEntry{Id: r.ID, At: r.At, ActorId: r.ActorID, Actor: r.ActorLabel, Action: r.Action, Entity: r.Entity,
			EntityId: r.EntityID, RequestId: r.RequestID, Before: object(r.Before), After: object(r.After)}
		out.Entries = append(out.Entries, e)
	}
	return out, nil
}

// object decodes a stored JSON object; anything else (a list, a scalar) is
// wrapped as {"value": …} so the schema's object type holds.
func object(raw json.RawMessage) *map[string]any {
	if len(raw) == 0 {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err == nil {
		return &m
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil
	}
	return &map[string]any{"value": v}
}

// ListIdentityAccess implements GET /audit/identity-access.
func (a *API) ListIdentityAccess(ctx context.Context, req ListIdentityAccessRequestObject) (ListIdentityAccessResponseObject, error) {
	p := req.Params
	f := audit.Filter{Actor: deref(p.Actor), Limit: deref(p.Limit)}
	var err error
	if f.Offset, err = listOffset(p.Offset); err != nil {
		return nil, err
	}
	if p.CaseId != nil {
		f.EntityID = strconv.FormatInt(*p.CaseId, 10)
	}
	if p.From != nil {
		f.From = *p.From
	}
	if p.To != nil {
		f.To = *p.To
	}
	rows, total, err := a.Trail.AccessPage(ctx, actor(ctx), f)
	if err != nil {
		return nil, err
	}
	out := ListIdentityAccess200JSONResponse{Entries: make([]IdentityAccessEntry, 0, len(rows)), Total: total,
		NextOffset: nextOffset(f.Offset, len(rows), total)}
	for _, r := range rows {
		out.Entries = append(out.Entries, IdentityAccessEntry{At: r.At, AccountId: r.AccountID, Actor: r.ActorLabel,
			CaseId: r.CaseID, Reason: r.Reason, RequestId: r.RequestID})
	}
	return out, nil
}

// listOffset reads a list's offset parameter: absent is 0, a negative one
// is refused.
func listOffset(p *int) (int, error) {
	if p == nil {
		return 0, nil
	}
	if *p < 0 {
		return 0, fault.FieldError("offset", "list.bad_offset", nil)
	}
	return *p, nil
}

// nextOffset is a page's next_offset: where the next page starts, nil on
// the last page.
func nextOffset(offset, rows int, total int64) *int {
	if next := offset + rows; rows > 0 && int64(next) < total {
		return ptr(next)
	}
	return nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
