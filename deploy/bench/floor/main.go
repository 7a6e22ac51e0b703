// Command floor is the bare programs phucdap's figures are divided by
// (performance-floors.md): the least code that does the same work on the
// same machine, so that a ratio says how much phucdap adds.
//
//	floor serve -store pg -dsn URL -pool 16 -addr 127.0.0.1:18080   POST /p inserts one row, GET /p/:code reads one
//	floor serve -store sqlite -path FILE -addr …                     the same on SQLite (WAL, synchronous=FULL, one connection)
//	floor load -dsn URL -n 1000000 -codes FILE                        the table p with n rows, and 100k of its codes for GET
//	floor update -dsn URL -rounds 3                                   bare UPDATE of the newly late rows (20k of 1M), ms per round
//	floor groupby -dsn URL -rounds 3                                  bare per-unit on-time GROUP BY over p, ms per round
//
// It is not part of phucdap: it imports nothing of it.
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	_ "embed"
	"encoding/base32"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/labstack/echo/v4"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

//go:embed schema.sql
var schemaSQL string

//go:embed load.sql
var loadSQL string

func main() {
	if len(os.Args) < 2 {
		log.Fatal("usage: floor serve|load|update|groupby [flags]")
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	store := fs.String("store", "pg", "pg or sqlite")
	dsn := fs.String("dsn", "postgres://postgres@127.0.0.1:5432/phucdap_bench_floor?sslmode=disable", "PostgreSQL URL")
	path := fs.String("path", "floor.db", "SQLite file")
	pool := fs.Int("pool", 16, "pgxpool connections")
	addr := fs.String("addr", "127.0.0.1:18080", "listen address")
	n := fs.Int("n", 1_000_000, "rows to load")
	codes := fs.String("codes", "codes.txt", "file of codes GET draws from")
	rounds := fs.Int("rounds", 3, "rounds")
	_ = fs.Parse(os.Args[2:])
	ctx := context.Background()
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(ctx, *store, *dsn, *path, *pool, *addr)
	case "load":
		err = load(ctx, *dsn, *n, *codes)
	case "update":
		err = timed(ctx, *dsn, *rounds, "UPDATE p SET status = 'overdue' WHERE status = 'open' AND due_at < now()",
			"UPDATE p SET status = 'open' WHERE status = 'overdue'")
	case "groupby":
		err = timed(ctx, *dsn, *rounds, "SELECT unit_id, count(*), count(*) FILTER (WHERE answered_at <= due_at) FROM p GROUP BY unit_id", "")
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		log.Fatal(err)
	}
}

type petition struct {
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	Category string `json:"category"`
	Text     string `json:"text"`
}

func newCode() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)[:13]
}

func serve(ctx context.Context, store, dsn, path string, pool int, addr string) error {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/", func(c echo.Context) error { return c.NoContent(http.StatusOK) })
	switch store {
	case "pg":
		cfg, err := pgxpool.ParseConfig(dsn)
		if err != nil {
			return err
		}
		cfg.MaxConns, cfg.MinConns = int32(pool), int32(pool)
		db, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			return err
		}
		if _, err := db.Exec(ctx, schemaSQL); err != nil {
			return err
		}
		e.POST("/p", func(c echo.Context) error {
			var p petition
			if err := json.NewDecoder(c.Request().Body).Decode(&p); err != nil {
				return c.NoContent(http.StatusBadRequest)
			}
			body, _ := json.Marshal(p)
			code := newCode()
			var id int64
			if err := db.QueryRow(c.Request().Context(), "INSERT INTO p (code, body, due_at) VALUES ($1, $2, now() + interval '14 days') RETURNING id",
				code, body).Scan(&id); err != nil {
				return err
			}
			return c.JSON(http.StatusCreated, map[string]any{"id": id, "code": code})
		})
		e.GET("/p/:code", func(c echo.Context) error {
			var r struct {
				ID        int64     `json:"id"`
				Code      string    `json:"code"`
				Body      string    `json:"body"`
				CreatedAt time.Time `json:"created_at"`
				Status    string    `json:"status"`
				DueAt     time.Time `json:"due_at"`
			}
			err := db.QueryRow(c.Request().Context(), "SELECT id, code, body, created_at, status, due_at FROM p WHERE code = $1", c.Param("code")).
				Scan(&r.ID, &r.Code, &r.Body, &r.CreatedAt, &r.Status, &r.DueAt)
			if err != nil {
				return c.NoContent(http.StatusNotFound)
			}
			return c.JSON(http.StatusOK, r)
		})
	case "sqlite":
		g, err := gorm.Open(sqlite.Open("file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(FULL)&_txlock=immediate"),
			&gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true})
		if err != nil {
			return err
		}
		sdb, _ := g.DB()
		sdb.SetMaxOpenConns(1)
		if err := g.Exec(`CREATE TABLE IF NOT EXISTS p (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, body TEXT NOT NULL,
			created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, status TEXT NOT NULL DEFAULT 'open', due_at DATETIME)`).Error; err != nil {
			return err
		}
		e.POST("/p", func(c echo.Context) error {
			var p petition
			if err := json.NewDecoder(c.Request().Body).Decode(&p); err != nil {
				return c.NoContent(http.StatusBadRequest)
			}
			body, _ := json.Marshal(p)
			code := newCode()
			var id int64
			if err := g.WithContext(c.Request().Context()).Raw("INSERT INTO p (code, body, due_at) VALUES (?, ?, ?) RETURNING id",
				code, string(body), time.Now().Add(14*24*time.Hour)).Row().Scan(&id); err != nil {
				return err
			}
			return c.JSON(http.StatusCreated, map[string]any{"id": id, "code": code})
		})
	default:
		return fmt.Errorf("unknown store %q", store)
	}
	return e.Start(addr)
}

// load fills p with n rows (loadSQL) unless it holds them already, and
// writes 100k of its codes, one a line, for GET to draw from.
func load(ctx context.Context, dsn string, n int, codesPath string) error {
	db, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Exec(ctx, schemaSQL); err != nil {
		return err
	}
	var have int
	if err := db.QueryRow(ctx, "SELECT count(*) FROM p").Scan(&have); err != nil {
		return err
	}
	if have < n {
		t0 := time.Now()
		if _, err := db.Exec(ctx, strings.ReplaceAll(loadSQL, ":n", fmt.Sprint(n))); err != nil {
			return err
		}
		if _, err := db.Exec(ctx, "VACUUM ANALYZE p"); err != nil {
			return err
		}
		log.Printf("loaded %d rows into p in %s", n, time.Since(t0).Round(time.Millisecond))
	}
	rows, err := db.Query(ctx, "SELECT code FROM p ORDER BY random() LIMIT 100000")
	if err != nil {
		return err
	}
	var b strings.Builder
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return err
		}
		b.WriteString(c)
		b.WriteByte('\n')
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return os.WriteFile(codesPath, []byte(b.String()), 0o644)
}

// timed runs q rounds times and prints each time in ms, one a line; reset
// (untimed) puts the rows back between rounds.
func timed(ctx context.Context, dsn string, rounds int, q, reset string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	for range rounds {
		if reset != "" {
			if _, err := db.ExecContext(ctx, reset); err != nil {
				return err
			}
			if _, err := db.ExecContext(ctx, "VACUUM ANALYZE p"); err != nil {
				return err
			}
		}
		t0 := time.Now()
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "SET LOCAL jit = off"); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, q)
		if err != nil {
			return err
		}
		for rows.Next() {
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		fmt.Printf("%.1f\n", float64(time.Since(t0).Microseconds())/1000)
	}
	return nil
}
