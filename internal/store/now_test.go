package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// The rows gorm stamps by itself (created_at and updated_at left zero) take
// the instant of Options.Now, the platform clock, not the wall clock.
func TestOpenStampsWithTheGivenClock(t *testing.T) {
	at := time.Date(2031, 3, 4, 5, 6, 7, 0, time.UTC)
	now := func() time.Time { return at.In(time.FixedZone("ICT", 7*3600)) }
	for _, tc := range []struct {
		name string
		opts func(t *testing.T) store.Options
		ddl  string
	}{
		{"sqlite", func(t *testing.T) store.Options {
			return store.Options{Dialect: store.SQLite, Path: filepath.Join(t.TempDir(), "now.db"), Now: now}
		}, "CREATE TABLE stamped (id INTEGER PRIMARY KEY, created_at DATETIME, updated_at DATETIME)"},
		{"postgres", func(t *testing.T) store.Options {
			return store.Options{Dialect: store.Postgres, URL: storetest.NewPostgresURL(t), Now: now}
		}, "CREATE TABLE stamped (id BIGSERIAL PRIMARY KEY, created_at TIMESTAMPTZ, updated_at TIMESTAMPTZ)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			db, err := store.Open(ctx, tc.opts(t))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.Gorm.Exec(tc.ddl).Error; err != nil {
				t.Fatal(err)
			}
			type stamped struct {
				ID        int64
				CreatedAt time.Time
				UpdatedAt time.Time
			}
			row := stamped{}
			if err := db.Gorm.Table("stamped").Create(&row).Error; err != nil {
				t.Fatal(err)
			}
			var got stamped
			if err := db.Gorm.Table("stamped").Where("id = ?", row.ID).Take(&got).Error; err != nil {
				t.Fatal(err)
			}
			if !got.CreatedAt.Equal(at) || !got.UpdatedAt.Equal(at) {
				t.Errorf("stamped created_at %s, updated_at %s; want %s", got.CreatedAt, got.UpdatedAt, at)
			}
		})
	}
}
