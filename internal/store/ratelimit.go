package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/petition"
)

func windowStart(at time.Time, w time.Duration) time.Time { return at.UTC().Truncate(w) }

const hitsConflict = "ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counters.hits + excluded.hits"

func upsertHits(tx *gorm.DB, rows [][]any) error {
	return insertRows(tx, "rate_counters", []string{"bucket", "window_start", "hits"}, rows, "", nil, hitsConflict)
}

// Exceeded reports whether any limit has reached its ceiling in its current
// window.
func (s *PetitionStore) Exceeded(ctx context.Context, limits []petition.RateLimit, now time.Time) (bool, error) {
	for _, l := range limits {
		var n int64
		if err := s.db.Gorm.WithContext(ctx).Raw("SELECT COALESCE(SUM(hits), 0) FROM rate_counters WHERE bucket = ? AND window_start = ?",
			l.Bucket, windowStart(now, l.Window)).Scan(&n).Error; err != nil {
			return false, fmt.Errorf("rate counter: %w", err)
		}
		if n >= int64(l.Max) {
			return true, nil
		}
	}
	return false, nil
}

// Hit counts one hit on every limit.
func (s *PetitionStore) Hit(ctx context.Context, limits []petition.RateLimit, now time.Time) error {
	if len(limits) == 0 {
		return nil
	}
	rows := make([][]any, 0, len(limits))
	for _, l := range limits {
		rows = append(rows, []any{l.Bucket, windowStart(now, l.Window), 1})
	}
	return s.db.Tx(ctx, func(tx *gorm.DB) error { return upsertHits(tx, rows) })
}

// Limiter is the rate counters for limits outside intake (the login's per
// address failures); it implements access.Limiter.
type Limiter struct{ s *PetitionStore }

// NewLimiter returns the counters over db.
func NewLimiter(db *DB) Limiter { return Limiter{s: NewPetitionStore(db)} }

// Over reports whether bucket has reached max in its current window.
func (l Limiter) Over(ctx context.Context, bucket string, window time.Duration, max int, now time.Time) (bool, error) {
	return l.s.Exceeded(ctx, []petition.RateLimit{{Bucket: bucket, Window: window, Max: max}}, now)
}

// Hit counts one more in bucket's current window.
func (l Limiter) Hit(ctx context.Context, bucket string, window time.Duration, now time.Time) error {
	return l.s.Hit(ctx, []petition.RateLimit{{Bucket: bucket, Window: window, Max: 1}}, now)
}
