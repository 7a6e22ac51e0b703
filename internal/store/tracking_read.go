package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/phucdap/phucdap/internal/petition"
)

// The tracking read is one statement, one round trip: a UNION ALL of
// typed rows, told apart by their first column, scanned with rows.Scan
// into plain fields (no reflection):
//
//	0  the case by its code (NULLs when none has it), with the failures
//	   counted against the code and against the client's address in their
//	   current windows: always exactly one row;
//	1  its public events;            2  the petitioner's files;
//	3  its latest published answer, with its rating and whether it is
//	   disputed;                     4  that answer's files.
//
// Parts 1–4 are read only when the caller presents a secret (full).
// Every row has the same columns: part, id, two integers, the two counts,
// 15 texts and 3 instants; a part fills those it needs and leaves NULLs.
const (
	trackInts  = 2
	trackTexts = 15
	trackTimes = 3
)

// trackBranch writes one SELECT of the union: the part, the id, then the
// given integers, counts, texts and instants, padded with NULLs.
func trackBranch(part int, id string, ints, counts, texts, times []string, from string) string {
	var b strings.Builder
	b.WriteString("SELECT " + strconv.Itoa(part) + ", " + id)
	pad := func(v []string, n int) {
		for i := range n {
			if i < len(v) {
				b.WriteString(", " + v[i])
			} else {
				b.WriteString(", NULL")
			}
		}
	}
	pad(ints, trackInts)
	pad(counts, 2)
	pad(texts, trackTexts)
	pad(times, trackTimes)
	b.WriteString(" " + from)
	return b.String()
}

// latestAnswerSQL is the case's latest published answer, as LatestAnswer
// picks it.
const latestAnswerSQL = "SELECT w.id, w.body, w.signer, w.published_at, w.letter_no, w.letter_date FROM answers w JOIN cases c ON c.id = w.case_id " +
	"WHERE c.code = ? AND w.published_at IS NOT NULL ORDER BY w.published_at DESC, w.id DESC LIMIT 1"

func trackSQL(pg, full bool) string {
	failures := "(SELECT COALESCE(SUM(hits), 0) FROM rate_counters WHERE bucket = ? AND window_start = ?)"
	parts := []string{trackBranch(0, "c.id", []string{"c.topic_id", "c.plan_task_id"}, []string{failures, failures},
		[]string{"c.code", "c.kind", "c.channel", "c.title", "c.content", "c.place", "c.lang", "c.secret_salt", "c.secret_hash", "c.status",
			"c.due_rule", "c.due_explanation_vi", "c.due_explanation_en", "i.phone_hash", "i.email_hash"},
		[]string{"c.received_at", "c.accepted_at", "c.due_at"},
		"FROM (SELECT 1 AS one) one LEFT JOIN cases c ON c.code = ? LEFT JOIN case_identities i ON i.case_id = c.id")}
	if full {
		parts = append(parts,
			trackBranch(1, "e.id", nil, nil, []string{"e.kind", "e.actor", "u.name", "e.note"}, []string{"e.created_at", "e.due_at"},
				"FROM cases c JOIN case_events e ON e.case_id = c.id LEFT JOIN units u ON u.id = e.unit_id WHERE c.code = ? AND e.public"),
			trackBranch(2, "a.id", []string{"a.size"}, nil, []string{"a.name", "a.media_type", "a.sha256", "a.storage_key"}, nil,
				"FROM cases c JOIN attachments a ON a.case_id = c.id WHERE c.code = ? AND a.answer_id IS NULL"),
			trackBranch(3, "w.id", []string{"r.stars", "(SELECT COUNT(*) FROM disputes d WHERE d.answer_id = w.id)"}, nil,
				[]string{"w.body", "w.signer", "w.letter_no", "w.letter_date", "r.comment"}, []string{"w.published_at", "r.updated_at"},
				"FROM ("+latestAnswerSQL+") w LEFT JOIN ratings r ON r.answer_id = w.id"),
			trackBranch(4, "a.id", []string{"a.size"}, nil, []string{"a.name", "a.media_type", "a.sha256", "a.storage_key"}, nil,
				"FROM attachments a WHERE a.answer_id = (SELECT w.id FROM ("+latestAnswerSQL+") w)"),
		)
	}
	q := strings.Join(parts, " UNION ALL ") + " ORDER BY 1, 2"
	if pg {
		return pgSQL(q)
	}
	return q
}

// trackQueries holds the statement for each dialect and depth, built once.
var trackQueries = map[[2]bool]string{
	{false, false}: trackSQL(false, false), {false, true}: trackSQL(false, true),
	{true, false}: trackSQL(true, false), {true, true}: trackSQL(true, true),
}

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

// TrackCase reads, in one statement, what tracking needs of the case with
// code: see petition.Store.
func (s *PetitionStore) TrackCase(ctx context.Context, q petition.TrackQuery) (petition.Tracked, error) {
	var out petition.Tracked
	bucket := func(l *petition.RateLimit) (string, time.Time) {
		if l == nil {
			return "", time.Time{}
		}
		return l.Bucket, windowStart(q.Now, l.Window)
	}
	cb, cw := bucket(q.CodeLimit)
	ib, iw := bucket(q.IPLimit)
	args := []any{cb, cw, ib, iw, q.Code}
	if q.Full {
		args = append(args, q.Code, q.Code, q.Code, q.Code)
	}
	rows, err := s.db.SQL.QueryContext(ctx, trackQueries[[2]bool{s.db.Dialect == Postgres, q.Full}], args...)
	if err != nil {
		return out, fmt.Errorf("track case: %w", s.db.unavailable(err))
	}
	s.db.answered()
	defer rows.Close()
	var (
		part             int
		id, i1, i2       sql.NullInt64
		codeFail, ipFail sql.NullInt64
		t                [trackTexts]sql.NullString
		ts               [trackTimes]scanTime
	)
	dest := []any{&part, &id, &i1, &i2, &codeFail, &ipFail}
	for i := range t {
		dest = append(dest, &t[i])
	}
	for i := range ts {
		dest = append(dest, &ts[i])
	}
	for rows.Next() {
		for i := range t {
			t[i] = sql.NullString{}
		}
		if err := rows.Scan(dest...); err != nil {
			return out, fmt.Errorf("track case: %w", s.db.unavailable(err))
		}
		switch part {
		case 0:
			out.CodeFailures, out.IPFailures = codeFail.Int64, ipFail.Int64
			if !id.Valid {
				continue
			}
			out.Found = true
			c := petition.Case{ID: id.Int64, Code: t[0].String, Kind: petition.Kind(t[1].String), Channel: petition.Channel(t[2].String),
				Title: t[3].String, Content: t[4].String, Place: t[5].String, Lang: t[6].String, Status: petition.Status(t[9].String),
				ReceivedAt: ts[0].t, AcceptedAt: ts[1].ptr(), TopicID: i1.Int64, PlanTaskID: i2.Int64,
				Due: petition.Due{RuleID: t[10].String, Explanation: petition.Explanation{VI: t[11].String, EN: t[12].String}}}
			if ts[2].valid {
				c.Due.At = ts[2].t
			}
			c.SetSecrets(petition.CaseSecrets{Salt: t[7].String, SecretHash: t[8].String, PhoneHash: t[13].String, EmailHash: t[14].String})
			out.Case = c
		case 1:
			out.Timeline = append(out.Timeline, petition.Event{Kind: petition.EventKind(t[0].String), Public: true, Actor: t[1].String,
				UnitName: t[2].String, Note: t[3].String, CreatedAt: ts[0].t, DueAt: ts[1].ptr()})
		case 2, 4:
			a := petition.Attachment{ID: id.Int64, Size: i1.Int64, Name: t[0].String, MediaType: t[1].String, SHA256: t[2].String, StorageKey: t[3].String}
			if part == 2 {
				out.Attachments = append(out.Attachments, a)
			} else if out.Answer != nil {
				out.Answer.Attachments = append(out.Answer.Attachments, a)
			}
		case 3:
			out.Answer = &petition.Answer{ID: id.Int64, Body: t[0].String, Signer: t[1].String, PublishedAt: ts[0].t,
				LetterNo: t[2].String, LetterDate: t[3].String}
			if i1.Valid {
				out.Rating = &petition.Rating{Stars: int(i1.Int64), Comment: t[4].String, At: ts[1].t}
			}
			out.Disputed = i2.Int64 > 0
		}
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("track case: %w", s.db.unavailable(err))
	}
	s.db.answered()
	return out, nil
}
