package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/phucdap/phucdap/internal/store"
)

// A SQLite file is opened at its exact path, whatever the path holds:
// "#" and "?" end a URI's path and "%" starts an escape, so a data
// directory such as a test's "…/sqlite#01…/" opened "…/sqlite" instead, a
// file every run shared.
func TestSQLiteOpensTheExactPath(t *testing.T) {
	for _, name := range []string{"sqlite#01", "what?x=1", "100%25 sure", "thư mục có dấu"} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			path := filepath.Join(root, name, "phucdap.db")
			db, err := store.Open(context.Background(), store.Options{Dialect: store.SQLite, Path: path})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.Gorm.Exec("CREATE TABLE here (id INTEGER PRIMARY KEY)").Error; err != nil {
				t.Fatal(err)
			}
			var file string
			if err := db.Gorm.Raw("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&file).Error; err != nil {
				t.Fatal(err)
			}
			if file != path {
				t.Errorf("opened %q, want %q", file, path)
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("no file at the path: %v", err)
			}
			entries, _ := os.ReadDir(root)
			for _, e := range entries {
				if e.Name() != name {
					t.Errorf("%s written beside the data directory", e.Name())
				}
			}
		})
	}
}
