package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// The tracking read decodes PostgreSQL's binary row itself (no scan
// plans): it must read every value as pgx does, NULLs, an int4 count,
// instants before 2000 and at infinity, and arrays of one and two
// dimensions with NULL and empty elements among them. SQLite has no
// binary rows: its read is database/sql's.
func TestTrackBinaryDecodingMatchesPgx(t *testing.T) {
	t.Parallel()
	db := storetest.NewPostgres(t)
	q := `SELECT 42::bigint, (-7)::int, NULL::bigint, 'Phản ánh'::text, NULL::text, ''::text, 'x'::varchar,
	       '2026-12-07 11:00:00.123456+07'::timestamptz, NULL::timestamptz, 'infinity'::timestamptz, '-infinity'::timestamptz,
	       '1999-12-31 23:59:59.999999+00'::timestamptz, '1970-01-01 00:00:00+00'::timestamptz,
	       ARRAY[ARRAY['a', NULL, 'c'], ARRAY['đ', 'e', '']]::text[], '{}'::text[], NULL::text[], ARRAY['x', NULL]::text[],
	       ARRAY(SELECT ARRAY[g::text, NULL] FROM generate_series(1, 0) g)`
	decoded, scanned, err := store.TrackScan(context.Background(), db, q, "iiitttt"+"TTTTTT"+"aaaaa")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(scanned, decoded); d != "" {
		t.Errorf("binary decoding differs from pgx's (-pgx +decoded):\n%s", d)
	}
}
