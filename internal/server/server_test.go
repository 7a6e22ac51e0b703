package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/phucdap/phucdap/internal/i18n"
)

// A request whose client went away is logged as 499 at INFO, not as a
// 500 at ERROR; a handler's own failure with a live client is still a 500.
func TestClientGoneIsNotAServerError(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	e := New(Options{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Catalog: cat, BodyLimit: "1M", Registry: prometheus.NewRegistry()})
	e.GET("/api/v1/slow", func(c echo.Context) error {
		if c.QueryParam("gone") != "" {
			return fmt.Errorf("read the case: %w", context.Canceled)
		}
		return errors.New("a bug")
	})
	for _, tc := range []struct {
		name      string
		gone      bool
		status    int
		errorLine bool
	}{
		{"client gone", true, StatusClientClosedRequest, false},
		{"our failure", false, http.StatusInternalServerError, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logs.Reset()
			target := "/api/v1/slow"
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.gone {
				target += "?gone=1"
				cancel()
			}
			req := httptest.NewRequest(http.MethodGet, target, nil).WithContext(ctx)
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Errorf("status %d, want %d", rec.Code, tc.status)
			}
			if got := strings.Contains(logs.String(), "level=ERROR"); got != tc.errorLine {
				t.Errorf("an ERROR line: %v, want %v\n%s", got, tc.errorLine, logs.String())
			}
			if want := fmt.Sprintf("status=%d", tc.status); !strings.Contains(logs.String(), want) {
				t.Errorf("the access log does not say %s:\n%s", want, logs.String())
			}
		})
	}
}
