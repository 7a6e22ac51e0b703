package store

import (
	"database/sql/driver"
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

// insertAll writes the parts: on Postgres in one statement (data-modifying
// WITH clauses, one round trip), on SQLite one statement each.
func (s *PetitionStore) insertAll(tx *gorm.DB, parts []insertPart) error {
	var live []insertPart
	for _, p := range parts {
		if len(p.rows) > 0 {
			live = append(live, p)
		}
	}
	if s.db.Dialect != Postgres {
		for _, p := range live {
			if err := insertRows(tx, p.table, p.cols, p.rows, "", nil, p.conflict); err != nil {
				return fmt.Errorf("insert %s: %w", p.table, err)
			}
		}
		return nil
	}
	var sb strings.Builder
	var args []any
	for i, p := range live {
		if i == 0 {
			sb.WriteString("WITH ")
		} else {
			sb.WriteString(", ")
		}
		q, a, err := s.partSQL(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(&sb, "w%d AS (%s)", i, q)
		args = append(args, a...)
	}
	if len(live) == 0 {
		return nil
	}
	sb.WriteString(" SELECT 1")
	if err := tx.Exec(sb.String(), args...).Error; err != nil {
		return fmt.Errorf("insert case records: %w", err)
	}
	return nil
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
// array per column through unnest, so that the statement text does not
// depend on the number of rows and its prepared statement is reused.
func (s *PetitionStore) partSQL(p insertPart) (string, []any, error) {
	if s.db.Dialect != Postgres {
		return insertSQL(p.table, p.cols, p.rows, p.conflict)
	}
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + p.table + " (" + strings.Join(p.cols, ", ") + ") SELECT * FROM unnest(")
	args := make([]any, len(p.cols))
	for j, c := range p.cols {
		typ, ok := pgColumnTypes[c]
		if !ok {
			return "", nil, fmt.Errorf("insert %s: no array type for column %s", p.table, c)
		}
		if j > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("CAST(? AS " + typ + "[])")
		elems := make(pgArray, len(p.rows))
		for i, r := range p.rows {
			if len(r) != len(p.cols) {
				return "", nil, fmt.Errorf("insert %s: %d values for %d columns", p.table, len(r), len(p.cols))
			}
			elems[i] = pgElem(r[j])
		}
		args[j] = elems
	}
	sb.WriteString(")")
	if p.conflict != "" {
		sb.WriteString(" " + p.conflict)
	}
	return sb.String(), args, nil
}

// pgColumnTypes are the Postgres types of the columns intake writes.
var pgColumnTypes = map[string]string{
	"id": "bigint", "case_id": "bigint", "topic_id": "bigint", "plan_task_id": "bigint", "seq": "bigint", "size": "bigint",
	"year": "integer", "hits": "integer", "keep_secret": "boolean", "public": "boolean",
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
	"request_id": "text",
}

// pgArray is a Postgres array literal of encoded elements; as a
// driver.Valuer it is one parameter (gorm would expand a slice).
type pgArray []string

// Value implements driver.Valuer.
func (a pgArray) Value() (driver.Value, error) { return "{" + strings.Join(a, ",") + "}", nil }

func textArray(v []string) pgArray {
	a := make(pgArray, len(v))
	for i, x := range v {
		a[i] = pgElem(x)
	}
	return a
}

// arrayEscaper escapes a string inside a quoted array element.
var arrayEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// pgElem encodes one array element.
func pgElem(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return `"` + arrayEscaper.Replace(x) + `"`
	case bool:
		if x {
			return "t"
		}
		return "f"
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case time.Time:
		return `"` + x.UTC().Format(time.RFC3339Nano) + `"`
	}
	return pgElem(fmt.Sprint(v))
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
