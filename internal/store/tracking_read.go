package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/phucdap/phucdap/internal/petition"
)

// The tracking read is one statement, one round trip. On SQLite the case
// is found once, by its code, in a materialized CTE; a UNION ALL of typed
// rows, told apart by their first column, reads what hangs off it by its
// id (on PostgreSQL, trackRowSQL reads the same parts into one row and
// trackPG hands the reader the same rows):
//
//	0  the case (NULLs when none has the code) and the failures counted
//	   against the code in its current window: always exactly one row;
//	   without a secret also its identity's contact hashes and the
//	   failures counted against the client's address; with one, when the
//	   citizen turned notifications off;
//	1  its public events;
//	2  its files, the petitioner's (no answer) and the answers';
//	3  its latest published answer, with its rating and whether it is
//	   disputed.
//
// Parts 1–3 are read only when the caller presents a secret (full). Rows
// come in no particular order: the reader sorts events and files by id and
// keeps the files of the latest answer. Every row has the same columns: part, id, three integers, the two
// counts, 15 texts and 4 instants; a part fills those it needs and leaves
// NULLs.
const (
	trackInts  = 3
	trackTexts = 15
	trackTimes = 4
)

// trackBranch writes one SELECT of the union: the part, the id, then the
// given integers, counts, texts and instants, padded with NULLs (typed, so
// that the first branch fixes the column types on PostgreSQL).
func trackBranch(part int, id string, ints, counts, texts, times []string, from string) string {
	var b strings.Builder
	b.WriteString("SELECT " + strconv.Itoa(part) + ", " + id)
	pad := func(v []string, n int, null string) {
		for i := range n {
			if i < len(v) {
				b.WriteString(", " + v[i])
			} else {
				b.WriteString(", " + null)
			}
		}
	}
	pad(ints, trackInts, "CAST(NULL AS BIGINT)")
	pad(counts, 2, "CAST(NULL AS BIGINT)")
	pad(texts, trackTexts, "CAST(NULL AS TEXT)")
	pad(times, trackTimes, "NULL")
	b.WriteString(" " + from)
	return b.String()
}

// trackSQL is the SQLite statement for what is read: with full, the
// public view (a secret opens the case: the contact hashes are not
// needed); with ip, the address's failures (no secret was presented);
// with notices (and full), when notifications were turned off (NULL
// otherwise). PostgreSQL reads the same in one row: see trackRowSQL.
func trackSQL(full, ip, notices bool) string {
	failures := "(SELECT COALESCE(SUM(hits), 0) FROM rate_counters WHERE bucket = ? AND window_start = ?)"
	counts := []string{failures}
	if ip {
		counts = append(counts, failures)
	}
	texts := []string{"c.code", "c.kind", "c.channel", "c.title", "c.content", "c.place", "c.lang", "c.secret_salt", "c.secret_hash", "c.status",
		"c.due_rule", "c.due_explanation_vi", "c.due_explanation_en"}
	from := "FROM (SELECT 1 AS one) one LEFT JOIN c ON true"
	times := []string{"c.received_at", "c.accepted_at", "c.due_at"}
	if full && notices {
		times = append(times, "(SELECT o.opted_out_at FROM case_notice_optouts o WHERE o.case_id = c.id)")
	}
	if !full {
		texts = append(texts, "i.phone_hash", "i.email_hash")
		from += " LEFT JOIN case_identities i ON i.case_id = c.id"
	}
	parts := []string{trackBranch(0, "c.id", []string{"c.topic_id", "c.plan_task_id"}, counts, texts, times, from)}
	if full {
		parts = append(parts,
			trackBranch(1, "e.id", nil, nil, []string{"e.kind", "e.actor", "u.name", "e.note"}, []string{"e.created_at", "e.due_at"},
				"FROM c JOIN case_events e ON e.case_id = c.id LEFT JOIN units u ON u.id = e.unit_id WHERE e.public"),
			trackBranch(2, "a.id", []string{"a.size", "a.answer_id"}, nil, []string{"a.name", "a.media_type", "a.sha256", "a.storage_key"}, nil,
				"FROM c JOIN attachments a ON a.case_id = c.id"),
			trackBranch(3, "w.id", []string{"r.stars", "(SELECT COUNT(*) FROM disputes d WHERE d.answer_id = w.id)"}, nil,
				[]string{"w.body", "w.signer", "w.letter_no", "w.letter_date", "r.comment"}, []string{"w.published_at", "r.updated_at"},
				"FROM (SELECT w.id, w.body, w.signer, w.published_at, w.letter_no, w.letter_date FROM c JOIN answers w ON w.case_id = c.id "+
					"WHERE w.published_at IS NOT NULL ORDER BY w.published_at DESC, w.id DESC LIMIT 1) w LEFT JOIN ratings r ON r.answer_id = w.id"),
		)
	}
	return "WITH c AS MATERIALIZED (SELECT id, topic_id, plan_task_id, code, kind, channel, title, content, place, lang, secret_salt, secret_hash, " +
		"status, due_rule, due_explanation_vi, due_explanation_en, received_at, accepted_at, due_at FROM cases WHERE code = ?) " +
		strings.Join(parts, " UNION ALL ")
}

// trackRowSQL is the PostgreSQL statement: one row, whatever the case has.
// Its leading columns are the case's (NULLs when none has the code) and
// the failure counts, as in part 0 of trackSQL; with full, four more
// columns carry the rest, so that the plan has no union, no CTE and no
// padded columns to build at every execution (PostgreSQL spent more
// time setting that plan up than reading the rows):
//
//   - when the citizen turned notifications off (NULL without notices);
//   - the public events, a two-dimensional text array, one row of
//     trackEventCols per event;
//   - the files, one row of trackFileCols each;
//   - the latest published answer, trackAnswerCols, or NULL.
//
// Instants in the arrays are microseconds since the epoch, so that
// reading them depends on no session setting.
func trackRowSQL(full, ip, notices bool) string {
	us := func(col string) string { return "(extract(epoch FROM " + col + ") * 1000000)::bigint::text" }
	// (bucket, window_start) is rate_counters' key: one row at most, read
	// without an aggregate, whose set-up at every execution cost more
	// than the read.
	failures := "COALESCE((SELECT hits FROM rate_counters WHERE bucket = ? AND window_start = ?), 0)"
	cols := []string{"c.id", "c.topic_id", "c.plan_task_id", "c.code", "c.kind", "c.channel", "c.title", "c.content", "c.place", "c.lang",
		"c.secret_salt", "c.secret_hash", "c.status", "c.due_rule", "c.due_explanation_vi", "c.due_explanation_en",
		"c.received_at", "c.accepted_at", "c.due_at", failures}
	if ip {
		cols = append(cols, failures)
	}
	from := " FROM (SELECT 1 AS one) one LEFT JOIN cases c ON c.code = ?"
	if full {
		optout := "CAST(NULL AS timestamptz)"
		if notices {
			optout = "(SELECT o.opted_out_at FROM case_notice_optouts o WHERE o.case_id = c.id)"
		}
		cols = append(cols, optout,
			"ARRAY(SELECT ARRAY[e.id::text, e.kind, e.actor, (SELECT u.name FROM units u WHERE u.id = e.unit_id), e.note, "+
				us("e.created_at")+", "+us("e.due_at")+"] FROM case_events e WHERE e.case_id = c.id AND e.public)",
			"ARRAY(SELECT ARRAY[a.id::text, a.size::text, a.answer_id::text, a.name, a.media_type, a.sha256, a.storage_key] "+
				"FROM attachments a WHERE a.case_id = c.id)",
			"(SELECT ARRAY[w.id::text, w.body, w.signer, w.letter_no, w.letter_date, "+us("w.published_at")+", r.stars::text, r.comment, "+
				us("r.updated_at")+", CASE WHEN EXISTS (SELECT 1 FROM disputes d WHERE d.answer_id = w.id) THEN '1' ELSE '0' END] "+
				"FROM answers w LEFT JOIN ratings r ON r.answer_id = w.id WHERE w.case_id = c.id AND w.published_at IS NOT NULL "+
				"ORDER BY w.published_at DESC, w.id DESC LIMIT 1)")
	} else {
		cols = append(cols, "i.phone_hash", "i.email_hash")
		from += " LEFT JOIN case_identities i ON i.case_id = c.id"
	}
	return pgSQL("SELECT " + strings.Join(cols, ", ") + from)
}

// The widths of the rows of trackRowSQL's arrays.
const (
	trackEventCols  = 7
	trackFileCols   = 7
	trackAnswerCols = 10
)

// trackQueries holds the statements, built once: by dialect, full, ip,
// notices. On PostgreSQL the failure counts' arguments come before the
// code.
var trackQueries = func() map[[4]bool]string {
	m := map[[4]bool]string{}
	for _, full := range []bool{false, true} {
		for _, ip := range []bool{false, true} {
			for _, notices := range []bool{false, true} {
				m[[4]bool{false, full, ip, notices}] = trackSQL(full, ip, notices)
				m[[4]bool{true, full, ip, notices}] = trackRowSQL(full, ip, notices)
			}
		}
	}
	return m
}()

// scanTime reads an instant as the driver gives it: a time.Time, or text
// where SQLite's driver does not know the column's type.
type scanTime struct {
	t     time.Time
	valid bool
}

func (s *scanTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		s.valid = false
		return nil
	case time.Time:
		s.t, s.valid = x.UTC(), true
		return nil
	case string:
		return s.parse(x)
	case []byte:
		return s.parse(string(x))
	}
	return fmt.Errorf("instant: cannot read %T", v)
}

func (s *scanTime) parse(v string) error {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, v); err == nil {
			s.t, s.valid = t.UTC(), true
			return nil
		}
	}
	return fmt.Errorf("instant: cannot parse %q", v)
}

func (s scanTime) ptr() *time.Time {
	if !s.valid {
		return nil
	}
	t := s.t
	return &t
}

// trackRow is one row of the union, whichever driver read it.
type trackRow struct {
	part             int
	id               sql.NullInt64
	ints             [trackInts]sql.NullInt64
	codeFail, ipFail int64
	t                [trackTexts]string
	ts               [trackTimes]scanTime
}

// trackReader folds the rows into a petition.Tracked.
type trackReader struct {
	out    petition.Tracked
	events []trackEvent
	files  []trackFile
}

type trackEvent struct {
	id int64
	e  petition.Event
}

type trackFile struct {
	answer sql.NullInt64
	a      petition.Attachment
}

func (r *trackReader) add(x *trackRow) {
	t, ts := &x.t, &x.ts
	switch x.part {
	case 0:
		r.out.CodeFailures, r.out.IPFailures = x.codeFail, x.ipFail
		if !x.id.Valid {
			return
		}
		r.out.Found = true
		c := petition.Case{ID: x.id.Int64, Code: t[0], Kind: petition.Kind(t[1]), Channel: petition.Channel(t[2]),
			Title: t[3], Content: t[4], Place: t[5], Lang: t[6], Status: petition.Status(t[9]),
			ReceivedAt: ts[0].t, AcceptedAt: ts[1].ptr(), TopicID: x.ints[0].Int64, PlanTaskID: x.ints[1].Int64,
			Due: petition.Due{RuleID: t[10], Explanation: petition.Explanation{VI: t[11], EN: t[12]}}}
		if ts[2].valid {
			c.Due.At = ts[2].t
		}
		c.SetSecrets(petition.CaseSecrets{Salt: t[7], SecretHash: t[8], PhoneHash: t[13], EmailHash: t[14]})
		r.out.Case = c
		r.out.NoticesOff = ts[3].ptr()
	case 1:
		r.events = append(r.events, trackEvent{id: x.id.Int64, e: petition.Event{Kind: petition.EventKind(t[0]), Public: true, Actor: t[1],
			UnitName: t[2], Note: t[3], CreatedAt: ts[0].t, DueAt: ts[1].ptr()}})
	case 2:
		r.files = append(r.files, trackFile{answer: x.ints[1],
			a: petition.Attachment{ID: x.id.Int64, Size: x.ints[0].Int64, Name: t[0], MediaType: t[1], SHA256: t[2], StorageKey: t[3]}})
	case 3:
		r.out.Answer = &petition.Answer{ID: x.id.Int64, Body: t[0], Signer: t[1], PublishedAt: ts[0].t, LetterNo: t[2], LetterDate: t[3]}
		if x.ints[0].Valid {
			r.out.Rating = &petition.Rating{Stars: int(x.ints[0].Int64), Comment: t[4], At: ts[1].t}
		}
		r.out.Disputed = x.ints[1].Int64 > 0
	}
}

// done puts the events and files in id order and hands the files of the
// latest published answer to it; files of older or draft answers are not
// shown.
func (r *trackReader) done() petition.Tracked {
	slices.SortFunc(r.events, func(a, b trackEvent) int { return cmp.Compare(a.id, b.id) })
	for _, e := range r.events {
		r.out.Timeline = append(r.out.Timeline, e.e)
	}
	slices.SortFunc(r.files, func(a, b trackFile) int { return cmp.Compare(a.a.ID, b.a.ID) })
	for _, f := range r.files {
		switch {
		case !f.answer.Valid:
			r.out.Attachments = append(r.out.Attachments, f.a)
		case r.out.Answer != nil && f.answer.Int64 == r.out.Answer.ID:
			r.out.Answer.Attachments = append(r.out.Answer.Attachments, f.a)
		}
	}
	return r.out
}

// TrackCase reads, in one statement, what tracking needs of the case with
// code: see petition.Store.
func (s *PetitionStore) TrackCase(ctx context.Context, q petition.TrackQuery) (petition.Tracked, error) {
	bucket := func(l *petition.RateLimit) (string, time.Time) {
		if l == nil {
			return "", time.Time{}
		}
		return l.Bucket, windowStart(q.Now, l.Window)
	}
	pg := s.db.Dialect == Postgres
	cb, cw := bucket(q.CodeLimit)
	args := make([]any, 0, 5)
	if !pg {
		args = append(args, q.Code)
	}
	args = append(args, cb, cw)
	if q.IPLimit != nil {
		ib, iw := bucket(q.IPLimit)
		args = append(args, ib, iw)
	}
	query := trackQueries[[4]bool{pg, q.Full, q.IPLimit != nil, q.Notices}]
	var (
		r   trackReader
		err error
	)
	if pg {
		err = s.trackPG(ctx, query, q.Full, &r, append(args, q.Code)...)
	} else {
		err = s.trackSQL(ctx, query, &r, args...)
	}
	if err != nil {
		return petition.Tracked{}, fmt.Errorf("track case: %w", s.db.unavailable(err))
	}
	s.db.answered()
	return r.done(), nil
}

// trackPG runs trackRowSQL on the pgx connection under database/sql's
// pool, scanning with pgx into typed fields (no database/sql conversion,
// no reflection), and hands the reader the same rows as trackSQL's union.
func (s *PetitionStore) trackPG(ctx context.Context, query string, full bool, r *trackReader, args ...any) error {
	conn, err := s.db.SQL.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("not a pgx connection: %T", dc)
		}
		var (
			ints                 [3]pgtype.Int8
			t                    [trackTexts]pgtype.Text
			ts                   [trackTimes]pgtype.Timestamptz
			codeFail, ipFail     pgtype.Int8
			events, files, reply pgtype.Array[pgtype.Text]
		)
		dest := make([]any, 0, 32)
		for i := range ints {
			dest = append(dest, &ints[i])
		}
		for i := range 13 {
			dest = append(dest, &t[i])
		}
		dest = append(dest, &ts[0], &ts[1], &ts[2], &codeFail)
		if len(args) == 5 {
			dest = append(dest, &ipFail)
		}
		if full {
			dest = append(dest, &ts[3], &events, &files, &reply)
		} else {
			dest = append(dest, &t[13], &t[14])
		}
		if err := pc.Conn().QueryRow(ctx, query, args...).Scan(dest...); err != nil {
			return err
		}
		x := trackRow{part: 0, id: sql.NullInt64{Int64: ints[0].Int64, Valid: ints[0].Valid}, codeFail: codeFail.Int64, ipFail: ipFail.Int64}
		x.ints[0] = sql.NullInt64{Int64: ints[1].Int64, Valid: ints[1].Valid}
		x.ints[1] = sql.NullInt64{Int64: ints[2].Int64, Valid: ints[2].Valid}
		for i := range t {
			x.t[i] = t[i].String
		}
		for i := range ts {
			x.ts[i] = scanTime{t: ts[i].Time.UTC(), valid: ts[i].Valid}
		}
		r.add(&x)
		if !full || !x.id.Valid {
			return nil
		}
		rows := func(a pgtype.Array[pgtype.Text], width int, add func(e []pgtype.Text) error) error {
			if len(a.Elements)%width != 0 {
				return fmt.Errorf("track: %d values do not make rows of %d", len(a.Elements), width)
			}
			for i := 0; i < len(a.Elements); i += width {
				if err := add(a.Elements[i : i+width]); err != nil {
					return err
				}
			}
			return nil
		}
		err := rows(events, trackEventCols, func(e []pgtype.Text) error {
			x = trackRow{part: 1}
			var err error
			if x.id, err = textInt(e[0]); err != nil {
				return err
			}
			x.t[0], x.t[1], x.t[2], x.t[3] = e[1].String, e[2].String, e[3].String, e[4].String
			if x.ts[0], err = textMicros(e[5]); err != nil {
				return err
			}
			if x.ts[1], err = textMicros(e[6]); err != nil {
				return err
			}
			r.add(&x)
			return nil
		})
		if err != nil {
			return err
		}
		err = rows(files, trackFileCols, func(e []pgtype.Text) error {
			x = trackRow{part: 2}
			var err error
			if x.id, err = textInt(e[0]); err != nil {
				return err
			}
			if x.ints[0], err = textInt(e[1]); err != nil {
				return err
			}
			if x.ints[1], err = textInt(e[2]); err != nil {
				return err
			}
			x.t[0], x.t[1], x.t[2], x.t[3] = e[3].String, e[4].String, e[5].String, e[6].String
			r.add(&x)
			return nil
		})
		if err != nil || !reply.Valid {
			return err
		}
		return rows(reply, trackAnswerCols, func(e []pgtype.Text) error {
			x = trackRow{part: 3}
			var err error
			if x.id, err = textInt(e[0]); err != nil {
				return err
			}
			x.t[0], x.t[1], x.t[2], x.t[3], x.t[4] = e[1].String, e[2].String, e[3].String, e[4].String, e[7].String
			if x.ts[0], err = textMicros(e[5]); err != nil {
				return err
			}
			if x.ints[0], err = textInt(e[6]); err != nil {
				return err
			}
			if x.ts[1], err = textMicros(e[8]); err != nil {
				return err
			}
			if x.ints[1], err = textInt(e[9]); err != nil {
				return err
			}
			r.add(&x)
			return nil
		})
	})
}

// textInt reads an integer that trackRowSQL wrote as text.
func textInt(v pgtype.Text) (sql.NullInt64, error) {
	if !v.Valid {
		return sql.NullInt64{}, nil
	}
	n, err := strconv.ParseInt(v.String, 10, 64)
	if err != nil {
		return sql.NullInt64{}, fmt.Errorf("track: %w", err)
	}
	return sql.NullInt64{Int64: n, Valid: true}, nil
}

// textMicros reads an instant that trackRowSQL wrote as microseconds
// since the epoch.
func textMicros(v pgtype.Text) (scanTime, error) {
	n, err := textInt(v)
	if err != nil || !n.Valid {
		return scanTime{}, err
	}
	return scanTime{t: time.UnixMicro(n.Int64).UTC(), valid: true}, nil
}

// trackSQL runs the statement through database/sql (SQLite).
func (s *PetitionStore) trackSQL(ctx context.Context, query string, r *trackReader, args ...any) error {
	rows, err := s.db.SQL.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		x                trackRow
		codeFail, ipFail sql.NullInt64
		t                [trackTexts]sql.NullString
	)
	dest := []any{&x.part, &x.id}
	for i := range x.ints {
		dest = append(dest, &x.ints[i])
	}
	dest = append(dest, &codeFail, &ipFail)
	for i := range t {
		dest = append(dest, &t[i])
	}
	for i := range x.ts {
		dest = append(dest, &x.ts[i])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		x.codeFail, x.ipFail = codeFail.Int64, ipFail.Int64
		for i := range t {
			x.t[i] = t[i].String
		}
		r.add(&x)
	}
	return rows.Err()
}
