package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/report"
)

var _ report.PublicationStore = (*ReportStore)(nil)

// Publications implements report.PublicationStore. The petitioner's
// identity is read alongside each row only so that report.Publication's
// Redacted can remove it; it is never returned as such.
func (s *ReportStore) Publications(ctx context.Context, from, to time.Time, onlyPublishable bool, limit, offset int) ([]report.Publication, int64, error) {
	where := " FROM answers a JOIN cases c ON c.id = a.case_id WHERE a.published_at IS NOT NULL AND c.kind <> 'to_cao' AND c.identity_sealed = FALSE"
	var args []any
	if !from.IsZero() {
		where += " AND a.published_at >= ?"
		args = append(args, from.UTC())
	}
	if !to.IsZero() {
		where += " AND a.published_at < ?"
		args = append(args, to.UTC())
	}
	if onlyPublishable {
		where += " AND a.publishable = TRUE"
	}
	var total int64
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT count(*)"+where, args...).Scan(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("publications: %w", err)
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	q := "SELECT a.id, c.id, c.code, c.kind, COALESCE(t.name_vi, ''), COALESCE(t.name_en, ''), c.title, c.content, a.body, a.signer," +
		" a.published_at, a.publishable, a.publishable_by, a.publishable_at," +
		" COALESCE(i.name, ''), COALESCE(i.phone, ''), COALESCE(i.email, ''), COALESCE(i.address, ''), COALESCE(i.id_number, '')" +
		where[:len(" FROM answers a JOIN cases c ON c.id = a.case_id")] +
		" LEFT JOIN topics t ON t.id = c.topic_id LEFT JOIN case_identities i ON i.case_id = c.id" +
		where[len(" FROM answers a JOIN cases c ON c.id = a.case_id"):] +
		" ORDER BY a.published_at DESC, a.id DESC LIMIT " + strconv.Itoa(limit) + " OFFSET " + strconv.Itoa(max(offset, 0))
	rows, err := s.db.Gorm.WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, 0, fmt.Errorf("publications: %w", err)
	}
	defer rows.Close()
	var out []report.Publication
	for rows.Next() {
		var (
			p                                     report.Publication
			published, marked                     anyTime
			publishable                           sql.NullBool
			name, phone, email, address, idNumber string
		)
		if err := rows.Scan(&p.AnswerID, &p.CaseID, &p.CaseCode, &p.Kind, &p.TopicVI, &p.TopicEN, &p.Title, &p.Content, &p.Answer, &p.Signer,
			&published, &publishable, &p.MarkedBy, &marked, &name, &phone, &email, &address, &idNumber); err != nil {
			return nil, 0, fmt.Errorf("publications: %w", err)
		}
		p.PublishedAt = published.t
		p.Publishable = publishable.Bool
		p.MarkedAt = marked.ptr()
		p.SetIdentity(access.Identity{Name: name, Phone: phone, Email: email, Address: address, IDNumber: idNumber})
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// Publication implements report.PublicationStore: one published answer,
// with the identity read for the check only (a denunciation's or a sealed
// case's is not found: it is never a publication).
func (s *ReportStore) Publication(ctx context.Context, answerID int64) (report.Publication, error) {
	var rows []struct {
		AnswerID, CaseID                      int64
		Code, Kind, Title, Content, Body      string
		Name, Phone, Email, Address, IDNumber string
	}
	err := s.db.Gorm.WithContext(ctx).Raw("SELECT a.id AS answer_id, c.id AS case_id, c.code, c.kind, c.title, c.content, a.body,"+
		" COALESCE(i.name, '') AS name, COALESCE(i.phone, '') AS phone, COALESCE(i.email, '') AS email,"+
		" COALESCE(i.address, '') AS address, COALESCE(i.id_number, '') AS id_number"+
		" FROM answers a JOIN cases c ON c.id = a.case_id LEFT JOIN case_identities i ON i.case_id = c.id"+
		" WHERE a.id = ? AND a.published_at IS NOT NULL AND c.kind <> 'to_cao' AND c.identity_sealed = FALSE", answerID).Scan(&rows).Error
	if err != nil {
		return report.Publication{}, fmt.Errorf("publication: %w", err)
	}
	if len(rows) == 0 {
		return report.Publication{}, report.ErrPublicationNotFound
	}
	r := rows[0]
	p := report.Publication{AnswerID: r.AnswerID, CaseID: r.CaseID, CaseCode: r.Code, Kind: r.Kind, Title: r.Title, Content: r.Content, Answer: r.Body}
	p.SetIdentity(access.Identity{Name: r.Name, Phone: r.Phone, Email: r.Email, Address: r.Address, IDNumber: r.IDNumber})
	return p, nil
}

// SetPublishable implements report.PublicationStore, with its audit row in
// the same transaction.
func (s *ReportStore) SetPublishable(ctx context.Context, answerID int64, on bool, by report.Marker) error {
	at := by.At.UTC()
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		var rows []struct {
			Kind           string
			IdentitySealed bool
			PublishedAt    *time.Time
			Publishable    bool
		}
		if err := tx.Raw("SELECT c.kind, c.identity_sealed, a.published_at, a.publishable FROM answers a JOIN cases c ON c.id = a.case_id WHERE a.id = ?", answerID).
			Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return report.ErrPublicationNotFound
		}
		r := rows[0]
		if r.Kind == "to_cao" || r.IdentitySealed || r.PublishedAt == nil {
			return report.ErrNotPublishable
		}
		var markedAt any
		label := ""
		if on {
			markedAt, label = at, by.Actor.Label()
		}
		if err := tx.Exec("UPDATE answers SET publishable = ?, publishable_at = ?, publishable_by = ? WHERE id = ?", on, markedAt, label, answerID).Error; err != nil {
			return err
		}
		e := audit.Entry{At: at, ActorLabel: by.Actor.Label(), Action: "answer.publishable", Entity: "answer", EntityID: strconv.FormatInt(answerID, 10),
			Before: map[string]any{"publishable": r.Publishable}, After: map[string]any{"publishable": on}}
		if by.Actor.AccountID != 0 {
			id := by.Actor.AccountID
			e.ActorID = &id
		}
		return recordAudit(ctx, tx, e)
	})
}

// SaveSnapshot implements report.SnapshotStore: the night's rows replace
// any taken earlier the same day.
func (s *ReportStore) SaveSnapshot(ctx context.Context, snap report.Snapshot) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec("DELETE FROM report_snapshots WHERE day = ?", snap.Day).Error; err != nil {
			return err
		}
		cols := []string{"day", "slice", "slice_key", "period", "taken_at", "received", "carried_over", "eligible", "answered_on_time",
			"answered_late", "open_late", "extensions", "not_eligible", "forwarded", "guided", "withdrawn", "rated", "satisfied", "reopened",
			"contrib_on_time", "contrib_late", "contrib_open_late", "late_now", "due_soon", "open_now"}
		var rows [][]any
		for _, r := range snap.Rows {
			c := r.Counts
			rows = append(rows, []any{snap.Day, r.Slice, r.Key, snap.Period, snap.TakenAt.UTC(), c.Received, c.CarriedOver, c.Eligible,
				c.AnsweredOnTime, c.AnsweredLate, c.OpenLate, c.Extensions, c.NotEligible, c.Forwarded, c.Guided, c.Withdrawn, c.Rated,
				c.Satisfied, c.Reopened, c.ContribOnTime, c.ContribLate, c.ContribOpenLate, r.LateNow, r.DueSoon, r.OpenNow})
		}
		for len(rows) > 0 {
			n := min(len(rows), insertChunk/len(cols))
			if err := insertRows(tx, "report_snapshots", cols, rows[:n], "", nil); err != nil {
				return err
			}
			rows = rows[n:]
		}
		return nil
	})
}

// LastSnapshot implements report.SnapshotStore.
func (s *ReportStore) LastSnapshot(ctx context.Context) (report.Snapshot, error) {
	var rows []struct {
		Day     string
		Period  string
		TakenAt time.Time
	}
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT day, period, taken_at FROM report_snapshots WHERE slice = 'total' ORDER BY day DESC LIMIT 1").
		Scan(&rows).Error; err != nil {
		return report.Snapshot{}, fmt.Errorf("last snapshot: %w", err)
	}
	if len(rows) == 0 {
		return report.Snapshot{}, report.ErrNoSnapshot
	}
	var snap report.Snapshot
	snap.Day, snap.Period, snap.TakenAt = rows[0].Day, rows[0].Period, rows[0].TakenAt.UTC()
	var figs []struct {
		Slice, SliceKey                                                     string
		Received, CarriedOver, Eligible, AnsweredOnTime, AnsweredLate       int64
		OpenLate, Extensions, NotEligible, Forwarded, Guided, Withdrawn     int64
		Rated, Satisfied, Reopened, ContribOnTime, ContribLate, ContribOpen int64
		LateNow, DueSoon, OpenNow                                           int64
	}
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT slice, slice_key, received, carried_over, eligible, answered_on_time, answered_late, open_late,"+
		" extensions, not_eligible, forwarded, guided, withdrawn, rated, satisfied, reopened, contrib_on_time, contrib_late,"+
		" contrib_open_late AS contrib_open, late_now, due_soon, open_now FROM report_snapshots WHERE day = ? ORDER BY slice DESC, slice_key", snap.Day).
		Scan(&figs).Error; err != nil {
		return report.Snapshot{}, fmt.Errorf("last snapshot: %w", err)
	}
	for _, f := range figs {
		snap.Rows = append(snap.Rows, report.SnapshotRow{Slice: f.Slice, Key: f.SliceKey, LateNow: f.LateNow, DueSoon: f.DueSoon, OpenNow: f.OpenNow,
			Counts: report.Counts{Received: f.Received, CarriedOver: f.CarriedOver, Eligible: f.Eligible, AnsweredOnTime: f.AnsweredOnTime,
				AnsweredLate: f.AnsweredLate, OpenLate: f.OpenLate, Extensions: f.Extensions, NotEligible: f.NotEligible, Forwarded: f.Forwarded,
				Guided: f.Guided, Withdrawn: f.Withdrawn, Rated: f.Rated, Satisfied: f.Satisfied, Reopened: f.Reopened,
				ContribOnTime: f.ContribOnTime, ContribLate: f.ContribLate, ContribOpenLate: f.ContribOpen}})
	}
	return snap, nil
}
