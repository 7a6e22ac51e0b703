package store

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// insertPart is one multi-row INSERT.
type insertPart struct {
	table    string
	cols     []string
	rows     [][]any
	conflict string
}

// insertAll writes the parts: on Postgres in one statement (insertAllSQL),
// on SQLite one statement each.
func (s *PetitionStore) insertAll(tx *gorm.DB, parts []insertPart) error {
	if s.db.Dialect != Postgres {
		for _, p := range parts {
			if len(p.rows) == 0 {
				continue
			}
			if err := insertRows(tx, p.table, p.cols, p.rows, "", nil, p.conflict); err != nil {
				return fmt.Errorf("insert %s: %w", p.table, err)
			}
		}
		return nil
	}
	q, args, err := s.insertAllSQL(parts)
	if err != nil || q == "" {
		return err
	}
	if err := s.db.pgExec(tx, q, args...); err != nil {
		return fmt.Errorf("insert case records: %w", err)
	}
	return nil
}

// insertAllSQL is the one Postgres statement that writes the parts that
// have rows, as data-modifying WITH clauses (one round trip); "" when none
// has.
func (s *PetitionStore) insertAllSQL(parts []insertPart) (string, []any, error) {
	var sb strings.Builder
	var args []any
	n := 0
	for _, p := range parts {
		if len(p.rows) == 0 {
			continue
		}
		if n == 0 {
			sb.WriteString("WITH ")
		} else {
			sb.WriteString(", ")
		}
		q, a, err := s.partSQL(p)
		if err != nil {
			return "", nil, err
		}
		fmt.Fprintf(&sb, "w%d AS (%s)", n, q)
		args = append(args, a...)
		n++
	}
	if n == 0 {
		return "", nil, nil
	}
	sb.WriteString(" SELECT 1")
	return sb.String(), args, nil
}

// insertRows writes rows in one INSERT … VALUES (…), (…) statement, with an
// optional conflict clause and RETURNING list scanned into dest.
func insertRows(tx *gorm.DB, table string, cols []string, rows [][]any, returning string, dest any, conflict ...string) error {
	q, args, err := insertSQL(table, cols, rows, strings.Join(conflict, " "))
	if err != nil {
		return err
	}
	if returning != "" {
		return scanRows(tx.Raw(q+" RETURNING "+returning, args...), dest)
	}
	return tx.Exec(q, args...).Error
}

func insertSQL(table string, cols []string, rows [][]any, conflict string) (string, []any, error) {
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	ph := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	args := make([]any, 0, len(rows)*len(cols))
	for i, r := range rows {
		if len(r) != len(cols) {
			return "", nil, fmt.Errorf("insert %s: %d values for %d columns", table, len(r), len(cols))
		}
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(ph)
		args = append(args, r...)
	}
	if conflict != "" {
		sb.WriteString(" " + conflict)
	}
	return sb.String(), args, nil
}

// partSQL is the INSERT of a part: VALUES lists on SQLite; on Postgres one
// typed array per column ([]*string, []*int64…, bound as binary arrays by
// pgx) through unnest, so that the statement text does not depend on the
// number of rows, its prepared statement is reused, and no value is
// written out as text and parsed back. Postgres statements run through
// pgExec/pgQuery, which pass the slices as they are.
func (s *PetitionStore) partSQL(p insertPart) (string, []any, error) {
	if s.db.Dialect != Postgres {
		return insertSQL(p.table, p.cols, p.rows, p.conflict)
	}
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + p.table + " (" + strings.Join(p.cols, ", ") + ") SELECT * FROM unnest(")
	args := make([]any, len(p.cols))
	for _, r := range p.rows {
		if len(r) != len(p.cols) {
			return "", nil, fmt.Errorf("insert %s: %d values for %d columns", p.table, len(r), len(p.cols))
		}
	}
	for j, c := range p.cols {
		typ, ok := pgColumnTypes[c]
		if !ok {
			return "", nil, fmt.Errorf("insert %s: no array type for column %s", p.table, c)
		}
		if j > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("CAST(? AS " + typ + "[])")
		a, err := pgColumn(typ, p.rows, j)
		if err != nil {
			return "", nil, fmt.Errorf("insert %s.%s: %w", p.table, c, err)
		}
		args[j] = a
	}
	sb.WriteString(")")
	if p.conflict != "" {
		sb.WriteString(" " + p.conflict)
	}
	return sb.String(), args, nil
}

// pgColumn gathers column j of rows into the typed slice pgx binds as an
// array of typ; nil values are NULLs.
func pgColumn(typ string, rows [][]any, j int) (any, error) {
	switch typ {
	case "bigint", "integer":
		out := make([]*int64, len(rows))
		for i, r := range rows {
			switch x := r[j].(type) {
			case nil:
			case int:
				v := int64(x)
				out[i] = &v
			case int64:
				out[i] = &x
			default:
				return nil, fmt.Errorf("%T for an integer", x)
			}
		}
		return out, nil
	case "boolean":
		out := make([]*bool, len(rows))
		for i, r := range rows {
			switch x := r[j].(type) {
			case nil:
			case bool:
				out[i] = &x
			default:
				return nil, fmt.Errorf("%T for a boolean", x)
			}
		}
		return out, nil
	case "timestamptz":
		out := make([]*time.Time, len(rows))
		for i, r := range rows {
			switch x := r[j].(type) {
			case nil:
			case time.Time:
				x = x.UTC()
				out[i] = &x
			default:
				return nil, fmt.Errorf("%T for an instant", x)
			}
		}
		return out, nil
	}
	out := make([]*string, len(rows))
	for i, r := range rows {
		switch x := r[j].(type) {
		case nil:
		case string:
			out[i] = &x
		default:
			v := fmt.Sprint(x)
			out[i] = &v
		}
	}
	return out, nil
}

// pgSQL numbers the "?" placeholders of q for Postgres ($1, $2…).
func pgSQL(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// pgExec runs q in tx on Postgres straight through the driver: gorm would
// expand the slice arguments into lists. Like a gorm call, it records the
// round trip for the outage log, and a lost connection comes back as
// ErrUnavailable.
func (db *DB) pgExec(tx *gorm.DB, q string, args ...any) error {
	_, err := tx.Statement.ConnPool.ExecContext(tx.Statement.Context, pgSQL(q), args...)
	return db.roundTrip(err)
}

// pgQuery is pgExec for a statement that returns rows.
func (db *DB) pgQuery(tx *gorm.DB, q string, args ...any) (*sql.Rows, error) {
	rows, err := tx.Statement.ConnPool.QueryContext(tx.Statement.Context, pgSQL(q), args...)
	return rows, db.roundTrip(err)
}

// roundTrip records the outcome of a call made outside gorm's callbacks.
func (db *DB) roundTrip(err error) error {
	if err == nil {
		db.answered()
		return nil
	}
	return db.unavailable(err)
}

// pgColumnTypes are the Postgres types of the columns intake writes.
var pgColumnTypes = map[string]string{
	"id": "bigint", "case_id": "bigint", "topic_id": "bigint", "plan_task_id": "bigint", "seq": "bigint", "size": "bigint",
	"year": "integer", "hits": "integer", "keep_secret": "boolean", "public": "boolean", "identity_sealed": "boolean",
	"received_at": "timestamptz", "due_at": "timestamptz", "created_at": "timestamptz", "updated_at": "timestamptz",
	"consent_at": "timestamptz", "window_start": "timestamptz",
	"code": "text", "agency": "text", "kind": "text", "channel": "text", "title": "text", "content": "text", "place": "text",
	"lang": "text", "secret_salt": "text", "secret_hash": "text", "dedup_key": "text", "status": "text", "due_rule": "text",
	"due_explanation_vi": "text", "due_explanation_en": "text", "name": "text", "phone": "text", "email": "text",
	"address": "text", "id_number": "text", "phone_hash": "text", "email_hash": "text", "media_type": "text",
	"sha256": "text", "storage_key": "text", "actor": "text", "note": "text", "key": "text", "request_hash": "text",
	"secret": "text", "template": "text", "bucket": "text", "registered_by": "text",
	"rule_id": "text", "started_at": "timestamptz", "state": "text", "clock": "text", "explanation_vi": "text", "explanation_en": "text", "uncomputed": "text",
	"at": "timestamptz", "actor_label": "text", "action": "text", "entity": "text", "entity_id": "text", "after_json": "jsonb",
	"request_id": "text", "head": "text", "body": "text", "contact": "text", "revision": "integer", "starts": "text",
}

// scanRows runs a raw query and scans every row into dest (a slice). It
// avoids gorm's Raw().Scan(), which renders the SQL with its values for the
// logger: that text would carry what people typed.
func scanRows(q *gorm.DB, dest any) error {
	rows, err := q.Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := q.ScanRows(rows, dest); err != nil {
			return err
		}
	}
	return rows.Err()
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}
