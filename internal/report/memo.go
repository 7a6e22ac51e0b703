package report

import (
	"context"
	"sync"
	"time"
)

// The public page and the open data need no login, so anyone can make the
// server count a month, a year's trend and the plan, again and again. Their
// results are kept for PublicTTL (wall-clock), per process: a burst of
// requests costs one computation, and the figures are at most a minute old
// (the page says when they were computed).

// PublicTTL is how long public figures are reused.
const PublicTTL = time.Minute

// memoMax bounds the entries kept (months × kinds of result).
const memoMax = 256

type memoEntry struct {
	until time.Time
	value any
}

type memo struct {
	mu      sync.Mutex
	entries map[string]memoEntry
	now     func() time.Time
}

func (m *memo) get(key string, fn func() (any, error)) (any, error) {
	now := m.now()
	m.mu.Lock()
	if e, ok := m.entries[key]; ok && now.Before(e.until) {
		m.mu.Unlock()
		return e.value, nil
	}
	m.mu.Unlock()
	v, err := fn()
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	if m.entries == nil || len(m.entries) >= memoMax {
		m.entries = map[string]memoEntry{}
	}
	m.entries[key] = memoEntry{until: now.Add(PublicTTL), value: v}
	m.mu.Unlock()
	return v, nil
}

// Public returns the public figures of a month (PublicStats), its
// twelve-month trend and its plan view, reused for PublicTTL.
func (s *Service) Public(ctx context.Context, month Period) (*PublicStats, *Report, *PlanView, error) {
	key := month.From.String()
	ps, err := s.public.get("stats:"+key, func() (any, error) { return s.PublicStats(ctx, month) })
	if err != nil {
		return nil, nil, nil, err
	}
	trend, err := s.public.get("trend:"+key, func() (any, error) {
		return s.Report(ctx, Query{Period: LastMonths(month.To, 12), By: ByMonth})
	})
	if err != nil {
		return nil, nil, nil, err
	}
	plan, err := s.public.get("plan:"+key, func() (any, error) { return s.Plan(ctx, month) })
	if err != nil {
		return nil, nil, nil, err
	}
	return ps.(*PublicStats), trend.(*Report), plan.(*PlanView), nil
}

// PublicStatsCached is PublicStats reused for PublicTTL (the open data).
func (s *Service) PublicStatsCached(ctx context.Context, month Period) (*PublicStats, error) {
	ps, err := s.public.get("stats:"+month.From.String(), func() (any, error) { return s.PublicStats(ctx, month) })
	if err != nil {
		return nil, err
	}
	return ps.(*PublicStats), nil
}

// PublicCached is fn's result under key, reused for PublicTTL as the
// public page's own figures are: another package's public figures (the
// citizen reception of plan III.1) cost one computation per burst too.
func (s *Service) PublicCached(key string, fn func() (any, error)) (any, error) {
	return s.public.get("ext:"+key, fn)
}
