package fault

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want time.Duration
		ok   bool
	}{
		{"rounded to the second", RateLimitedFor("x", 1500*time.Millisecond), 2 * time.Second, true},
		{"never under a second", RateLimitedFor("x", 10*time.Millisecond), time.Second, true},
		{"wrapped", fmt.Errorf("login: %w", RateLimitedFor("x", time.Minute)), time.Minute, true},
		{"rate limited without a wait", New(RateLimited, "x"), 0, false},
		{"another code with a wait", Newf(Conflict, "x", map[string]any{RetryAfterArg: time.Minute}), 0, false},
		{"a wait of the wrong type", Newf(RateLimited, "x", map[string]any{RetryAfterArg: 60}), 0, false},
		{"not a fault", errors.New("x"), 0, false},
	} {
		got, ok := RetryAfter(tc.err)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: got %v %v, want %v %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}
