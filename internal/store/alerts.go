package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/alert"
	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/report"
)

// insertChunk bounds the rows of one multi-row INSERT, well under SQLite's
// limit of 32,766 bound parameters.
const insertChunk = 500

// UnitEmails implements alert.Store.
func (s *AlertStore) UnitEmails(ctx context.Context) (map[int64]string, error) {
	var rows []struct {
		ID    int64
		Email string
	}
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT id, email FROM units WHERE active = TRUE AND email <> ''").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("unit e-mails: %w", err)
	}
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Email
	}
	return out, nil
}

// Staff returns the active accounts with their roles and unit.
func (s *AlertStore) Staff(ctx context.Context) ([]alert.Staff, error) {
	var rows []struct {
		ID       int64
		Email    string
		UnitID   *int64
		UnitKind *string
		Role     string
	}
	err := s.db.Gorm.WithContext(ctx).Raw("SELECT a.id, a.email, a.unit_id, u.kind AS unit_kind, r.role FROM accounts a " +
		"JOIN account_roles r ON r.account_id = a.id LEFT JOIN units u ON u.id = a.unit_id " +
		"WHERE a.active = TRUE ORDER BY a.id, r.role").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("alert staff: %w", err)
	}
	var out []alert.Staff
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].AccountID != r.ID {
			st := alert.Staff{AccountID: r.ID, Email: r.Email}
			if r.UnitID != nil {
				st.UnitID = *r.UnitID
			}
			if r.UnitKind != nil {
				st.UnitKind = *r.UnitKind
			}
			out = append(out, st)
		}
		last := &out[len(out)-1]
		last.Roles = append(last.Roles, r.Role)
	}
	return out, nil
}

func (s *AlertStore) skipLocked() string {
	if s.db.Dialect == Postgres {
		// Two sweeps never hold the same tick, but a manual run may overlap
		// a scheduled one: each takes clocks the other has not locked.
		return " FOR UPDATE SKIP LOCKED"
	}
	return "" // SQLite: one writer at a time (BEGIN IMMEDIATE)
}

// pickThenUpdate builds "lock at most LIMIT ids first, then update exactly
// those": the picking SELECT (with its LIMIT and, on Postgres, FOR UPDATE
// SKIP LOCKED) runs once as a materialised CTE. Written as
// "UPDATE … WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)" the
// planner may re-run the subquery once per outer row (a nested-loop semi
// join), and each re-run skips the rows this statement just updated and
// locks the next ones: batch size 1 once flagged 1,000 clocks.
// Arguments: the pick's, then set's, then recheck's.
func pickThenUpdate(table, pick, set, recheck, returning string) string {
	return "WITH pick AS MATERIALIZED (" + pick + ") UPDATE " + table + " SET " + set +
		" WHERE id IN (SELECT id FROM pick) AND " + recheck + " RETURNING " + returning
}

// keyset is the "after the cursor" condition on (due_at, id).
func keyset(prefix string, c alert.Cursor) (string, []any) {
	if c.ID == 0 {
		return "", nil
	}
	return " AND (" + prefix + "due_at, " + prefix + "id) > (?, ?)", []any{c.DueAt.UTC(), c.ID}
}

type markedRow struct {
	ID     int64
	CaseID int64
	Kind   string
	UnitID *int64
	DueAt  time.Time
}

// FlagLate flags a batch of late clocks, appends their "late" events and
// raises plan's alerts, in one transaction.
func (s *AlertStore) FlagLate(ctx context.Context, now time.Time, after alert.Cursor, limit int, plan alert.Planner) (alert.Batch, error) {
	now = now.UTC()
	ks, kargs := keyset("", after)
	args := append([]any{now}, kargs...)
	args = append(args, limit, now, now, now)
	q := pickThenUpdate("case_clocks",
		"SELECT id FROM case_clocks WHERE "+caseclock.LateSQL("", "?")+" AND late_flagged_at IS NULL"+ks+
			" ORDER BY due_at, id LIMIT ?"+s.skipLocked(),
		"late_flagged_at = ?, updated_at = ?",
		// Checked again on the row itself: a concurrent sweep that flagged
		// it first makes this UPDATE skip it rather than flag it twice.
		"late_flagged_at IS NULL AND "+caseclock.LateSQL("", "?"),
		"id, case_id, kind, unit_id, due_at")
	return s.markBatch(ctx, q, args, now, string(petition.EventLate), plan)
}

// Escalate marks a batch of clocks late since cutoff or earlier as
// escalated, appends their events and raises plan's alerts.
func (s *AlertStore) Escalate(ctx context.Context, now, cutoff time.Time, after alert.Cursor, limit int, plan alert.Planner) (alert.Batch, error) {
	now, cutoff = now.UTC(), cutoff.UTC()
	ks, kargs := keyset("", after)
	args := append([]any{cutoff}, kargs...)
	args = append(args, limit, now, now, cutoff)
	q := pickThenUpdate("case_clocks",
		"SELECT id FROM case_clocks WHERE "+caseclock.LateSQL("", "?")+" AND late_flagged_at IS NOT NULL AND escalated_at IS NULL"+ks+
			" ORDER BY due_at, id LIMIT ?"+s.skipLocked(),
		"escalated_at = ?, updated_at = ?",
		"late_flagged_at IS NOT NULL AND escalated_at IS NULL AND "+caseclock.LateSQL("", "?"),
		"id, case_id, kind, unit_id, due_at")
	return s.markBatch(ctx, q, args, now, string(petition.EventEscalated), plan)
}

func (s *AlertStore) markBatch(ctx context.Context, update string, args []any, now time.Time, event string, plan alert.Planner) (alert.Batch, error) {
	var b alert.Batch
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		b = alert.Batch{}
		var rows []markedRow
		if err := tx.Raw(update, args...).Scan(&rows).Error; err != nil {
			return fmt.Errorf("mark %s clocks: %w", event, err)
		}
		if len(rows) == 0 {
			return nil
		}
		b.Clocks = len(rows)
		ids := make([]int64, len(rows))
		events := make([][]any, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
			due := r.DueAt.UTC()
			if due.After(b.Next.DueAt) || (due.Equal(b.Next.DueAt) && r.ID > b.Next.ID) {
				b.Next = alert.Cursor{DueAt: due, ID: r.ID}
			}
			var unit any
			if r.UnitID != nil {
				unit = *r.UnitID
			}
			// The internal trail, not the public timeline: the citizen sees
			// the answer's date, not the office's chasing.
			events[i] = []any{r.CaseID, event, false, "system", unit,
				petition.LateNote(r.Kind, r.ID, due), now}
		}
		for start := 0; start < len(events); start += insertChunk {
			end := min(start+insertChunk, len(events))
			if err := insertRows(tx, "case_events", []string{"case_id", "kind", "public", "actor", "unit_id", "note", "created_at"},
				events[start:end], "", nil); err != nil {
				return fmt.Errorf("%s events: %w", event, err)
			}
		}
		facts, err := clockFacts(tx, "k.id IN ?", "", ids)
		if err != nil {
			return err
		}
		if plan == nil {
			return nil
		}
		b.Alerts, b.Deliveries, err = insertAlerts(tx, plan(facts), now)
		return err
	})
	return b, err
}

const factCols = "k.id AS clock_id, k.case_id, k.kind AS clock_kind, k.unit_id, k.due_at, c.code AS case_code, c.kind AS case_kind, " +
	"t.name_vi AS topic_vi, t.name_en AS topic_en, u.code AS unit_code, u.name AS unit_vi, u.name_en AS unit_en"

const factFrom = " FROM case_clocks k JOIN cases c ON c.id = k.case_id LEFT JOIN topics t ON t.id = c.topic_id LEFT JOIN units u ON u.id = k.unit_id"

type factRow struct {
	ClockID   int64
	CaseID    int64
	ClockKind string
	UnitID    *int64
	DueAt     *time.Time
	CaseCode  string
	CaseKind  string
	TopicVI   *string
	TopicEN   *string
	UnitCode  *string
	UnitVI    *string
	UnitEN    *string
}

func (r factRow) facts() alert.ClockFacts {
	f := alert.ClockFacts{ClockID: r.ClockID, CaseID: r.CaseID, ClockKind: r.ClockKind, CaseCode: r.CaseCode, CaseKind: r.CaseKind,
		TopicVI: deref(r.TopicVI), TopicEN: deref(r.TopicEN), UnitCode: deref(r.UnitCode), UnitVI: deref(r.UnitVI), UnitEN: deref(r.UnitEN)}
	if r.UnitID != nil {
		f.UnitID = *r.UnitID
	}
	if r.DueAt != nil {
		f.DueAt = r.DueAt.UTC()
	}
	return f
}

// clockFacts reads clocks with what an alert may say of their case: no
// title, content or petitioner is selected.
func clockFacts(tx *gorm.DB, where, tail string, args ...any) ([]alert.ClockFacts, error) {
	var rows []factRow
	if err := tx.Raw("SELECT "+factCols+factFrom+" WHERE "+where+" ORDER BY k.due_at, k.id"+tail, args...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("clock facts: %w", err)
	}
	out := make([]alert.ClockFacts, len(rows))
	for i, r := range rows {
		out[i] = r.facts()
	}
	return out, nil
}

func alertKey(subject, recipient, kind string, due time.Time) string {
	return subject + "\x00" + recipient + "\x00" + kind + "\x00" + strconv.FormatInt(due.UTC().UnixMicro(), 10)
}

// insertAlerts writes alerts into the ledger, skipping those already there,
// and queues the deliveries of the new ones, in tx.
func insertAlerts(tx *gorm.DB, alerts []alert.NewAlert, now time.Time) (inserted, deliveries int, err error) {
	byKey := make(map[string]*alert.NewAlert, len(alerts))
	for i := range alerts {
		a := &alerts[i]
		// Postgres keeps microseconds; the key must match what comes back.
		a.DueAt = a.DueAt.UTC().Truncate(time.Microsecond)
		byKey[alertKey(a.Subject, a.Recipient, a.Kind, a.DueAt)] = a
	}
	for start := 0; start < len(alerts); start += insertChunk {
		end := min(start+insertChunk, len(alerts))
		rows := make([][]any, 0, end-start)
		for _, a := range alerts[start:end] {
			rows = append(rows, []any{a.Subject, nullID(a.CaseID), nullID(a.ClockID), a.Kind, a.Recipient, nullID(a.AccountID),
				nullID(a.BookingID), nullID(a.SessionID), a.DueAt, a.InApp, string(a.Payload), now})
		}
		var got []struct {
			ID        int64
			Subject   string
			Recipient string
			Kind      string
			DueAt     time.Time
		}
		if err := insertRows(tx, "alerts", []string{"subject", "case_id", "clock_id", "kind", "recipient", "account_id", "booking_id",
			"session_id", "due_at", "in_app", "payload", "created_at"}, rows, "id, subject, recipient, kind, due_at", &got,
			"ON CONFLICT (subject, recipient, kind, due_at) DO NOTHING"); err != nil {
			return inserted, deliveries, fmt.Errorf("insert alerts: %w", err)
		}
		inserted += len(got)
		var outbox [][]any
		for _, g := range got {
			a, ok := byKey[alertKey(g.Subject, g.Recipient, g.Kind, g.DueAt)]
			if !ok {
				return inserted, deliveries, fmt.Errorf("insert alerts: no match for alert %d", g.ID)
			}
			for _, d := range a.Deliveries {
				outbox = append(outbox, []any{g.ID, d.Channel, d.Target, d.Lang, "pending", 0, now, now, now})
			}
		}
		for o := 0; o < len(outbox); o += insertChunk {
			oe := min(o+insertChunk, len(outbox))
			if err := insertRows(tx, "outbox", []string{"alert_id", "channel", "target", "lang", "state", "attempts",
				"next_attempt_at", "created_at", "updated_at"}, outbox[o:oe], "", nil); err != nil {
				return inserted, deliveries, fmt.Errorf("queue deliveries: %w", err)
			}
		}
		deliveries += len(outbox)
	}
	return inserted, deliveries, nil
}

// Raise writes alerts and their deliveries in one transaction.
func (s *AlertStore) Raise(ctx context.Context, alerts []alert.NewAlert, now time.Time) (int, int, error) {
	if len(alerts) == 0 {
		return 0, 0, nil
	}
	var n, q int
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		var err error
		n, q, err = insertAlerts(tx, alerts, now.UTC())
		return err
	})
	return n, q, err
}

// Uncomputed counts the running clocks whose due time could not be
// computed (index case_clocks_uncomputed).
func (s *AlertStore) Uncomputed(ctx context.Context) (int, error) {
	var n int64
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT count(*) FROM case_clocks WHERE state = 'open' AND uncomputed <> ''").Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("uncomputed clocks: %w", err)
	}
	return int(n), nil
}

// DueBetween returns open, unflagged clocks with from < due_at <= to.
func (s *AlertStore) DueBetween(ctx context.Context, from, to time.Time, after alert.Cursor, limit int) ([]alert.ClockFacts, error) {
	ks, kargs := keyset("k.", after)
	args := append([]any{from.UTC(), to.UTC()}, kargs...)
	return clockFacts(s.db.Gorm.WithContext(ctx), caseclock.DueSoonSQL("k.", "?", "?")+" AND k.late_flagged_at IS NULL"+ks,
		" LIMIT "+strconv.Itoa(max(limit, 1)), args...)
}

// DigestClocks returns the open main clocks due at or before until; those
// late at now are the dashboard's "late now" (see ReportStore.Current).
func (s *AlertStore) DigestClocks(ctx context.Context, now, until time.Time) ([]alert.ClockFacts, error) {
	out, err := clockFacts(s.db.Gorm.WithContext(ctx), "k.kind IN "+caseclock.MainKindsSQL+" AND "+caseclock.LateSQL("k.", "?"), "", until.UTC())
	if err != nil {
		return nil, err
	}
	for i := range out {
		due := out[i].DueAt
		out[i].Late = caseclock.Clock{State: caseclock.Open, DueAt: &due}.LateAt(now)
	}
	return out, nil
}

// OnTime counts the report's figures of w by unit: the digest's on-time
// rate is the dashboard's, from the same statement.
func (s *AlertStore) OnTime(ctx context.Context, w report.Window, loc *time.Location) (map[int64]report.Counts, error) {
	_, off := w.AsOf.In(loc).Zone()
	cells, _, err := NewReportStore(s.db).Counts(ctx, report.Spec{Windows: []report.Window{w}, By: report.ByUnit, Loc: loc}, report.DayOffset(off))
	if err != nil {
		return nil, fmt.Errorf("on-time stats: %w", err)
	}
	out := map[int64]report.Counts{}
	for _, c := range cells {
		id, _ := strconv.ParseInt(c.Key, 10, 64)
		cur := out[id]
		cur.Add(c.Counts)
		out[id] = cur
	}
	return out, nil
}

// CalendarConfirmed says whether year's table is stored and confirmed, with
// no entry still unconfirmed (calendar.YearTable.FullyConfirmed).
func (s *AlertStore) CalendarConfirmed(ctx context.Context, year int) (bool, error) {
	var rows []bool
	err := s.db.Gorm.WithContext(ctx).Raw(`SELECT confirmed AND NOT EXISTS (
		SELECT 1 FROM calendar_entries e WHERE e.year = y.year AND e.unconfirmed)
		FROM calendar_years y WHERE y.year = ?`, year).Scan(&rows).Error
	if err != nil {
		return false, fmt.Errorf("calendar confirmed: %w", err)
	}
	return len(rows) > 0 && rows[0], nil
}

// QueueReceipts moves intake's unsent receipt e-mails (case_mail_queue)
// into the outbox, once each.
func (s *AlertStore) QueueReceipts(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC()
	res := s.db.Gorm.WithContext(ctx).Exec("INSERT INTO outbox (mail_queue_id, channel, target, lang, state, attempts, next_attempt_at, created_at, updated_at) "+
		"SELECT q.id, 'email', '', q.lang, 'pending', 0, ?, ?, ? FROM case_mail_queue q "+
		"WHERE q.sent_at IS NULL AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.mail_queue_id = q.id) "+
		// A citizen who turned notifications off before the receipt went
		// has it on screen already; nothing more is sent.
		"AND NOT EXISTS (SELECT 1 FROM case_notice_optouts x WHERE x.case_id = q.case_id) "+
		"ON CONFLICT (mail_queue_id) DO NOTHING", now, now, now)
	if res.Error != nil {
		return 0, fmt.Errorf("queue receipts: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

type leasedRow struct {
	ID          int64
	AlertID     *int64
	MailQueueID *int64
	Channel     string
	Target      string
	Lang        string
	Attempts    int
	CreatedAt   time.Time
}

// LeaseOutbox takes due deliveries and hides them for lease.
func (s *AlertStore) LeaseOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int, channels []string) ([]alert.OutboxMessage, error) {
	now = now.UTC()
	var out []alert.OutboxMessage
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		out = nil
		var rows []leasedRow
		err := tx.Raw(pickThenUpdate("outbox",
			"SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? AND channel IN ? ORDER BY next_attempt_at, id LIMIT ?"+s.skipLocked(),
			"attempts = attempts + 1, next_attempt_at = ?, updated_at = ?",
			"state = 'pending' AND next_attempt_at <= ?",
			"id, alert_id, mail_queue_id, channel, target, lang, attempts, created_at"),
			now, channels, limit, now.Add(lease), now, now).Scan(&rows).Error
		if err != nil {
			return fmt.Errorf("lease outbox: %w", err)
		}
		var alertIDs, queueIDs []int64
		for _, r := range rows {
			if r.AlertID != nil {
				alertIDs = append(alertIDs, *r.AlertID)
			}
			if r.MailQueueID != nil {
				queueIDs = append(queueIDs, *r.MailQueueID)
			}
		}
		type alertRow struct {
			ID        int64
			Kind      string
			CaseID    *int64
			BookingID *int64
			SessionID *int64
			Payload   string
			CreatedAt time.Time
		}
		alerts := map[int64]alertRow{}
		var citizenCases, bookingIDs, sessionIDs []int64
		if len(alertIDs) > 0 {
			var as []alertRow
			if err := tx.Raw("SELECT id, kind, case_id, booking_id, session_id, payload, created_at FROM alerts WHERE id IN ?", alertIDs).Scan(&as).Error; err != nil {
				return err
			}
			for _, a := range as {
				alerts[a.ID] = a
				if strings.HasPrefix(a.Kind, alert.KindCitizen) && a.CaseID != nil {
					citizenCases = append(citizenCases, *a.CaseID)
				}
				if a.BookingID != nil {
					bookingIDs = append(bookingIDs, *a.BookingID)
				}
				if a.SessionID != nil {
					sessionIDs = append(sessionIDs, *a.SessionID)
				}
			}
		}
		// A booking's message goes to the e-mail and phone the booking
		// holds, read here for this send only.
		// A reception session's message goes to the phone the visitor gave:
		// on the session, or, sealed, in its case's identity; read here for
		// this send only.
		// One whose session's case has turned notifications off since it
		// was queued is dropped, as a case's notice is.
		sessionContacts := map[int64]alert.Contact{}
		sessionOptedOut := map[int64]bool{}
		if len(sessionIDs) > 0 {
			var ss []struct {
				ID       int64
				Phone    string
				OptedOut bool
			}
			if err := tx.Raw("SELECT s.id, CASE WHEN s.phone <> '' THEN s.phone ELSE COALESCE(i.phone, '') END AS phone, "+
				"EXISTS (SELECT 1 FROM case_notice_optouts o WHERE o.case_id = s.case_id) AS opted_out "+
				"FROM reception_sessions s LEFT JOIN case_identities i ON i.case_id = s.case_id WHERE s.id IN ?", sessionIDs).Scan(&ss).Error; err != nil {
				return err
			}
			for _, x := range ss {
				sessionContacts[x.ID] = alert.Contact{Phone: x.Phone}
				sessionOptedOut[x.ID] = x.OptedOut
			}
		}
		// One whose booking the citizen has cancelled since it was queued
		// (a dead confirmation retried by an admin) is dropped, as a case's
		// notice is when notifications are turned off.
		bookingContacts := map[int64]alert.Contact{}
		bookingCancelled := map[int64]bool{}
		if len(bookingIDs) > 0 {
			var bs []struct {
				ID           int64
				Email, Phone string
				Cancelled    bool
			}
			if err := tx.Raw("SELECT id, email, phone, cancelled_at IS NOT NULL AS cancelled FROM reception_bookings WHERE id IN ?", bookingIDs).
				Scan(&bs).Error; err != nil {
				return err
			}
			for _, b := range bs {
				bookingContacts[b.ID] = alert.Contact{Email: b.Email, Phone: b.Phone}
				bookingCancelled[b.ID] = b.Cancelled
			}
		}
		// A citizen's notification goes to the address and phone of the
		// case's identity, read here for this send only; one whose case
		// has turned notifications off since it was queued is dropped.
		type contactRow struct {
			CaseID   int64
			Email    *string
			Phone    *string
			OptedOut bool
		}
		contacts := map[int64]contactRow{}
		if len(citizenCases) > 0 {
			var cs []contactRow
			if err := tx.Raw("SELECT c.id AS case_id, i.email, i.phone, EXISTS (SELECT 1 FROM case_notice_optouts o WHERE o.case_id = c.id) AS opted_out "+
				"FROM cases c LEFT JOIN case_identities i ON i.case_id = c.id WHERE c.id IN ?", citizenCases).Scan(&cs).Error; err != nil {
				return err
			}
			for _, c := range cs {
				contacts[c.CaseID] = c
			}
		}
		type receiptRow struct {
			ID         int64
			Template   string
			Code       string
			Kind       string
			ReceivedAt time.Time
			DueAt      *time.Time
			Email      *string
		}
		receipts := map[int64]receiptRow{}
		if len(queueIDs) > 0 {
			var rs []receiptRow
			// The petitioner's address is read here, for this send only.
			if err := tx.Raw("SELECT q.id, q.template, c.code, c.kind, c.received_at, c.due_at, i.email FROM case_mail_queue q "+
				"JOIN cases c ON c.id = q.case_id LEFT JOIN case_identities i ON i.case_id = q.case_id WHERE q.id IN ?", queueIDs).Scan(&rs).Error; err != nil {
				return err
			}
			for _, r := range rs {
				receipts[r.ID] = r
			}
		}
		for _, r := range rows {
			m := alert.OutboxMessage{ID: r.ID, Channel: r.Channel, Target: r.Target, Lang: r.Lang, Attempts: r.Attempts, CreatedAt: r.CreatedAt.UTC()}
			if r.AlertID != nil {
				a := alerts[*r.AlertID]
				m.AlertID, m.AlertKind, m.Payload = a.ID, a.Kind, alert.DecodePayload([]byte(a.Payload))
				m.CreatedAt = a.CreatedAt.UTC()
				if a.SessionID != nil {
					if sessionOptedOut[*a.SessionID] {
						if err := tx.Exec("DELETE FROM outbox WHERE id = ?", r.ID).Error; err != nil {
							return fmt.Errorf("drop visit notice %d: %w", r.ID, err)
						}
						continue
					}
					c := sessionContacts[*a.SessionID]
					m.Contact = &c
				}
				if a.BookingID != nil {
					if bookingCancelled[*a.BookingID] {
						if err := tx.Exec("DELETE FROM outbox WHERE id = ?", r.ID).Error; err != nil {
							return fmt.Errorf("drop cancelled booking's message %d: %w", r.ID, err)
						}
						continue
					}
					c := bookingContacts[*a.BookingID]
					m.Contact = &c
				}
				if strings.HasPrefix(a.Kind, alert.KindCitizen) && a.CaseID != nil {
					c := contacts[*a.CaseID]
					if c.OptedOut {
						if err := tx.Exec("DELETE FROM outbox WHERE id = ?", r.ID).Error; err != nil {
							return fmt.Errorf("drop notice %d: %w", r.ID, err)
						}
						continue
					}
					m.Contact = &alert.Contact{Email: deref(c.Email), Phone: deref(c.Phone)}
				}
			}
			if r.MailQueueID != nil {
				q := receipts[*r.MailQueueID]
				m.MailQueueID, m.AlertKind = *r.MailQueueID, alert.KindReceipt
				m.Receipt = &alert.Receipt{Template: q.Template, CaseCode: q.Code, CaseKind: q.Kind, ReceivedAt: q.ReceivedAt.UTC(),
					DueAt: utcPtr(q.DueAt), Email: deref(q.Email)}
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// Settle records the outcome of each delivery attempt, and mirrors a
// receipt's outcome into intake's case_mail_queue.
func (s *AlertStore) Settle(ctx context.Context, now time.Time, results []alert.Settlement) error {
	now = now.UTC()
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		for _, r := range results {
			var err error
			switch {
			case r.Sent:
				err = tx.Exec("UPDATE outbox SET state = 'sent', sent_at = ?, last_error = '', updated_at = ? WHERE id = ?", now, now, r.ID).Error
				if err == nil && r.MailQueueID != 0 {
					err = tx.Exec("UPDATE case_mail_queue SET sent_at = ?, attempts = ?, last_error = '' WHERE id = ?", now, r.Attempts, r.MailQueueID).Error
				}
			case r.Dead:
				err = tx.Exec("UPDATE outbox SET state = 'dead', last_error = ?, updated_at = ? WHERE id = ?", r.Error, now, r.ID).Error
			default:
				err = tx.Exec("UPDATE outbox SET next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ?", r.NextAttempt.UTC(), r.Error, now, r.ID).Error
			}
			if err == nil && !r.Sent && r.MailQueueID != 0 {
				err = tx.Exec("UPDATE case_mail_queue SET attempts = ?, last_error = ? WHERE id = ?", r.Attempts, r.Error, r.MailQueueID).Error
			}
			if err != nil {
				return fmt.Errorf("settle delivery %d: %w", r.ID, err)
			}
		}
		return nil
	})
}

// QueuedAfter counts the pending deliveries not due until after now and
// returns the earliest due time among them.
func (s *AlertStore) QueuedAfter(ctx context.Context, now time.Time) (int, time.Time, error) {
	var row struct{ N int }
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending' AND next_attempt_at > ?", now.UTC()).
		Scan(&row).Error; err != nil {
		return 0, time.Time{}, fmt.Errorf("queued deliveries: %w", err)
	}
	if row.N == 0 {
		return 0, time.Time{}, nil
	}
	// MIN over a SQLite DATETIME column comes back as text: order instead.
	var first []time.Time
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT next_attempt_at FROM outbox WHERE state = 'pending' AND next_attempt_at > ? "+
		"ORDER BY next_attempt_at LIMIT 1", now.UTC()).Scan(&first).Error; err != nil {
		return 0, time.Time{}, fmt.Errorf("queued deliveries: %w", err)
	}
	if len(first) > 0 {
		return row.N, first[0].UTC(), nil
	}
	return row.N, time.Time{}, nil
}

// DeadCount counts the deliveries that gave up.
func (s *AlertStore) DeadCount(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT count(*) FROM outbox WHERE state = 'dead'").Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("count dead messages: %w", err)
	}
	return n, nil
}

// DeadMessages lists a page of the deliveries that gave up, newest first.
// A petitioner's receipt shows no address.
func (s *AlertStore) DeadMessages(ctx context.Context, limit, offset int) ([]alert.DeadMessage, error) {
	var rows []struct {
		ID        int64
		Channel   string
		Target    string
		Kind      *string
		CaseCode  *string
		Attempts  int
		LastError string
		CreatedAt time.Time
		UpdatedAt time.Time
	}
	// A reception booking's message names the booking's code instead: the
	// admins can tell the office which citizen to call. A visit's rating
	// link names the case its session opened, or else the session's day and
	// who received (never the visitor).
	err := s.db.Gorm.WithContext(ctx).Raw("SELECT o.id, o.channel, o.target, COALESCE(a.kind, 'receipt') AS kind, "+
		"COALESCE(c.code, b.code, sc.code, rs.day || ' · ' || rs.receiver) AS case_code, "+
		"o.attempts, o.last_error, o.created_at, o.updated_at FROM outbox o LEFT JOIN alerts a ON a.id = o.alert_id "+
		"LEFT JOIN case_mail_queue q ON q.id = o.mail_queue_id LEFT JOIN cases c ON c.id = COALESCE(a.case_id, q.case_id) "+
		"LEFT JOIN reception_bookings b ON b.id = a.booking_id "+
		"LEFT JOIN reception_sessions rs ON rs.id = a.session_id LEFT JOIN cases sc ON sc.id = rs.case_id "+
		"WHERE o.state = 'dead' ORDER BY o.id DESC LIMIT ? OFFSET ?", max(limit, 1), max(offset, 0)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("dead messages: %w", err)
	}
	out := make([]alert.DeadMessage, len(rows))
	for i, r := range rows {
		out[i] = alert.DeadMessage{ID: r.ID, Channel: r.Channel, Target: r.Target, Kind: deref(r.Kind), CaseCode: deref(r.CaseCode),
			Attempts: r.Attempts, LastError: r.LastError, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	}
	return out, nil
}

// ErrNotDead is returned when retrying a delivery that is not dead.
var ErrNotDead = errors.New("delivery is not dead")

// ErrBookingCancelled is returned when retrying a dead message of a
// reception booking the citizen has cancelled: it would confirm or remind
// a booking that no longer exists.
var ErrBookingCancelled = errors.New("delivery's booking is cancelled")

// RetryDead puts a dead delivery back in the queue with a fresh count of
// attempts; not a cancelled booking's (ErrBookingCancelled).
func (s *AlertStore) RetryDead(ctx context.Context, id int64, now time.Time) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error { return retryDead(tx, id, now) })
}

// RetryDeadBy is RetryDead recorded in the audit trail.
func (s *AlertStore) RetryDeadBy(ctx context.Context, id int64, now time.Time, by audit.Entry) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := retryDead(tx, id, now); err != nil {
			return err
		}
		by.At, by.Action, by.Entity, by.EntityID = now, "outbox.retry", "outbox", strconv.FormatInt(id, 10)
		return recordAudit(ctx, tx, by)
	})
}

// retryDead re-queues dead delivery id in tx, unless its booking has been
// cancelled. A cancel committed between the check and the update leaves
// the row pending; LeaseOutbox drops it then.
func retryDead(tx *gorm.DB, id int64, now time.Time) error {
	var cancelled []int64
	if err := tx.Raw("SELECT o.id FROM outbox o JOIN alerts a ON a.id = o.alert_id JOIN reception_bookings b ON b.id = a.booking_id "+
		"WHERE o.id = ? AND o.state = 'dead' AND b.cancelled_at IS NOT NULL", id).Scan(&cancelled).Error; err != nil {
		return fmt.Errorf("retry delivery: %w", err)
	}
	if len(cancelled) > 0 {
		return ErrBookingCancelled
	}
	res := tx.Exec("UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ? WHERE id = ? AND state = 'dead'",
		now.UTC(), now.UTC(), id)
	if res.Error != nil {
		return fmt.Errorf("retry delivery: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotDead
	}
	return nil
}

type inboxRow struct {
	ID        int64
	Kind      string
	CaseID    *int64
	DueAt     time.Time
	CreatedAt time.Time
	ReadAt    *time.Time
	Payload   string
}

// inboxWhere is the WHERE of an account's in-app alerts.
func inboxWhere(unreadOnly bool) string {
	where := "account_id = ? AND in_app = TRUE"
	if unreadOnly {
		where += " AND read_at IS NULL"
	}
	return where
}

// InboxCount counts an account's in-app alerts (the unread ones only when
// unreadOnly).
func (s *AlertStore) InboxCount(ctx context.Context, accountID int64, unreadOnly bool) (int64, error) {
	var n int64
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT count(*) FROM alerts WHERE "+inboxWhere(unreadOnly), accountID).Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("count alert inbox: %w", err)
	}
	return n, nil
}

// Inbox returns a page of an account's in-app alerts, newest first.
func (s *AlertStore) Inbox(ctx context.Context, accountID int64, unreadOnly bool, limit, offset int) ([]alert.Alert, error) {
	var rows []inboxRow
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT id, kind, case_id, due_at, created_at, read_at, payload FROM alerts WHERE "+inboxWhere(unreadOnly)+
		" ORDER BY id DESC LIMIT ? OFFSET ?", accountID, max(limit, 1), max(offset, 0)).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("alert inbox: %w", err)
	}
	out := make([]alert.Alert, len(rows))
	for i, r := range rows {
		a := alert.Alert{ID: r.ID, Kind: r.Kind, DueAt: r.DueAt.UTC(), CreatedAt: r.CreatedAt.UTC(), ReadAt: utcPtr(r.ReadAt),
			Payload: alert.DecodePayload([]byte(r.Payload))}
		if r.CaseID != nil {
			a.CaseID = *r.CaseID
		}
		out[i] = a
	}
	return out, nil
}

// Unread counts an account's unread in-app alerts: the bell's number.
func (s *AlertStore) Unread(ctx context.Context, accountID int64) (int, error) {
	var n int64
	err := s.db.Gorm.WithContext(ctx).Raw("SELECT count(*) FROM alerts WHERE account_id = ? AND in_app = TRUE AND read_at IS NULL", accountID).Scan(&n).Error
	return int(n), err
}

// MarkRead marks the account's alerts in ids (all when empty) read.
func (s *AlertStore) MarkRead(ctx context.Context, accountID int64, ids []int64, now time.Time) (int, error) {
	q := "UPDATE alerts SET read_at = ? WHERE account_id = ? AND in_app = TRUE AND read_at IS NULL"
	args := []any{now.UTC(), accountID}
	if len(ids) > 0 {
		q += " AND id IN ?"
		args = append(args, ids)
	}
	res := s.db.Gorm.WithContext(ctx).Exec(q, args...)
	if res.Error != nil {
		return 0, fmt.Errorf("mark alerts read: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

// AlertCounts is for tests and the bench: ledger rows by kind.
func (s *AlertStore) AlertCounts(ctx context.Context) (map[string]int, error) {
	var rows []struct {
		Kind string
		N    int
	}
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT kind, count(*) AS n FROM alerts GROUP BY kind").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, r := range rows {
		out[strings.TrimSpace(r.Kind)] = r.N
	}
	return out, nil
}
