package store_test

import (
	"context"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// The two dialect folders must carry the same versions with the same names,
// so a schema change is never made on one database only.
func TestMigrationFoldersMatch(t *testing.T) {
	list := func(d store.Dialect) []string {
		fsys, err := store.MigrationsFS(d)
		if err != nil {
			t.Fatal(err)
		}
		ents, err := fs.ReadDir(fsys, ".")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".sql") {
				names = append(names, e.Name())
			}
		}
		sort.Strings(names)
		return names
	}
	pg, lite := list(store.Postgres), list(store.SQLite)
	if len(pg) == 0 {
		t.Fatal("no migrations")
	}
	if diff := cmp.Diff(pg, lite); diff != "" {
		t.Errorf("migration folders differ (-postgres +sqlite):\n%s", diff)
	}
	// Two files of one version stop goose at start: two changes written side
	// by side both took the next free number.
	seen := map[string]string{}
	for _, name := range pg {
		version, _, _ := strings.Cut(name, "_")
		if other, ok := seen[version]; ok {
			t.Errorf("migrations %s and %s share version %s: give the later one the next free number", other, name, version)
		}
		seen[version] = name
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		res, err := db.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 0 {
			t.Errorf("second migrate applied %d migrations", len(res))
		}
		pending, err := db.Pending(ctx)
		if err != nil || pending {
			t.Errorf("pending=%v err=%v", pending, err)
		}
		st, err := db.MigrationStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range st {
			if !s.Applied {
				t.Errorf("%s not applied", s.Name)
			}
		}
	})
}

// Two replicas starting at once against one empty database: both succeed and
// every migration is applied exactly once.
func TestConcurrentMigrateOnPostgres(t *testing.T) {
	dsn := storetest.NewEmptyPostgresURL(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	applied := make([]int, 4)
	errs := make([]error, 4)
	for i := range applied {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := store.Open(ctx, store.Options{Dialect: store.Postgres, URL: dsn})
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			res, err := db.Migrate(ctx)
			applied[i], errs[i] = len(res), err
		}()
	}
	wg.Wait()
	total := 0
	for i := range applied {
		if errs[i] != nil {
			t.Errorf("replica %d: %v", i, errs[i])
		}
		total += applied[i]
	}
	fsys, _ := store.MigrationsFS(store.Postgres)
	ents, _ := fs.ReadDir(fsys, ".")
	if total != len(ents) {
		t.Errorf("migrations applied %d times in total, want %d (once each)", total, len(ents))
	}
}
