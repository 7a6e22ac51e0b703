package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/petition"
)

// CaseByCode returns a case with the hashes tracking checks; the clear
// identity is never read here.
func (s *PetitionStore) CaseByCode(ctx context.Context, code string) (petition.Case, error) {
	var rows []caseRow
	err := s.db.Gorm.WithContext(ctx).Raw("SELECT "+caseCols+", i.phone_hash, i.email_hash FROM cases c "+
		"LEFT JOIN case_identities i ON i.case_id = c.id WHERE c.code = ?", code).Scan(&rows).Error
	if err != nil {
		return petition.Case{}, fmt.Errorf("case by code: %w", err)
	}
	if len(rows) == 0 {
		return petition.Case{}, petition.ErrNotFound
	}
	r := rows[0]
	c := petition.Case{ID: r.ID, Code: r.Code, Kind: petition.Kind(r.Kind), Channel: petition.Channel(r.Channel),
		Title: r.Title, Content: r.Content, Place: r.Place, Lang: r.Lang, Status: petition.Status(r.Status),
		ReceivedAt: r.ReceivedAt.UTC(), AcceptedAt: r.AcceptedAt, Due: r.due()}
	if r.TopicID != nil {
		c.TopicID = *r.TopicID
	}
	if r.PlanTaskID != nil {
		c.PlanTaskID = *r.PlanTaskID
	}
	sec := petition.CaseSecrets{Salt: r.SecretSalt, SecretHash: r.SecretHash}
	if r.PhoneHash != nil {
		sec.PhoneHash = *r.PhoneHash
	}
	if r.EmailHash != nil {
		sec.EmailHash = *r.EmailHash
	}
	c.SetSecrets(sec)
	return c, nil
}

// PublicEvents returns the citizen's timeline, oldest first.
func (s *PetitionStore) PublicEvents(ctx context.Context, caseID int64) ([]petition.Event, error) {
	return caseEvents(s.db.Gorm.WithContext(ctx), caseID, true)
}

// caseEvents reads a case's events, oldest first, with the unit's name:
// only the public timeline, or the whole history.
func caseEvents(db *gorm.DB, caseID int64, publicOnly bool) ([]petition.Event, error) {
	var rows []struct {
		Kind      string
		Public    bool
		Actor     string
		UnitName  *string
		Note      string
		CreatedAt time.Time
		DueAt     *time.Time
	}
	q := "SELECT e.kind, e.public, e.actor, u.name AS unit_name, e.note, e.created_at, e.due_at " +
		"FROM case_events e LEFT JOIN units u ON u.id = e.unit_id WHERE e.case_id = ?"
	if publicOnly {
		q += " AND e.public"
	}
	if err := db.Raw(q+" ORDER BY e.id", caseID).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("case events: %w", err)
	}
	out := make([]petition.Event, 0, len(rows))
	for _, r := range rows {
		e := petition.Event{Kind: petition.EventKind(r.Kind), Public: r.Public, Actor: r.Actor, Note: r.Note, CreatedAt: r.CreatedAt.UTC(),
			DueAt: utcPtr(r.DueAt)}
		if r.UnitName != nil {
			e.UnitName = *r.UnitName
		}
		out = append(out, e)
	}
	return out, nil
}

type attachmentRow struct {
	ID         int64
	Name       string
	MediaType  string
	Size       int64
	SHA256     string `gorm:"column:sha256"`
	StorageKey string
}

func (r attachmentRow) domain() petition.Attachment {
	return petition.Attachment{ID: r.ID, Name: r.Name, MediaType: r.MediaType, Size: r.Size, SHA256: r.SHA256, StorageKey: r.StorageKey}
}

// Attachments returns the files the petitioner sent with a case.
func (s *PetitionStore) Attachments(ctx context.Context, caseID int64) ([]petition.Attachment, error) {
	var rows []attachmentRow
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT id, name, media_type, size, sha256, storage_key FROM attachments "+
		"WHERE case_id = ? AND answer_id IS NULL ORDER BY id", caseID).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("attachments: %w", err)
	}
	out := make([]petition.Attachment, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.domain())
	}
	return out, nil
}

// LatestAnswer returns the latest published answer with its files, or nil.
func (s *PetitionStore) LatestAnswer(ctx context.Context, caseID int64) (*petition.Answer, error) {
	db := s.db.Gorm.WithContext(ctx)
	var rows []struct {
		ID          int64
		Body        string
		Signer      string
		PublishedAt time.Time
		LetterNo    string
		LetterDate  string
	}
	if err := db.Raw("SELECT id, body, signer, published_at, letter_no, letter_date FROM answers WHERE case_id = ? AND published_at IS NOT NULL "+
		"ORDER BY published_at DESC, id DESC LIMIT 1", caseID).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("latest answer: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	a := &petition.Answer{ID: rows[0].ID, Body: rows[0].Body, Signer: rows[0].Signer, PublishedAt: rows[0].PublishedAt.UTC(),
		LetterNo: rows[0].LetterNo, LetterDate: rows[0].LetterDate}
	var files []attachmentRow
	if err := db.Raw("SELECT id, name, media_type, size, sha256, storage_key FROM attachments WHERE answer_id = ? ORDER BY id", a.ID).
		Scan(&files).Error; err != nil {
		return nil, err
	}
	for _, f := range files {
		a.Attachments = append(a.Attachments, f.domain())
	}
	return a, nil
}

// AttachmentByID returns one attachment of a case (of the case itself or of
// one of its published answers).
func (s *PetitionStore) AttachmentByID(ctx context.Context, caseID, id int64) (petition.Attachment, error) {
	var rows []attachmentRow
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT a.id, a.name, a.media_type, a.size, a.sha256, a.storage_key FROM attachments a "+
		"LEFT JOIN answers w ON w.id = a.answer_id WHERE a.case_id = ? AND a.id = ? AND (a.answer_id IS NULL OR w.published_at IS NOT NULL)",
		caseID, id).Scan(&rows).Error; err != nil {
		return petition.Attachment{}, err
	}
	if len(rows) == 0 {
		return petition.Attachment{}, petition.ErrNotFound
	}
	return rows[0].domain(), nil
}

// RecordFileDownload implements petition.Store: action
// attachment.download, actor "petitioner", as a dispute is audited.
func (s *PetitionStore) RecordFileDownload(ctx context.Context, caseID, attachmentID int64, at time.Time) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		return recordAudit(ctx, tx, audit.Entry{At: at.UTC(), ActorLabel: "petitioner", Action: "attachment.download", Entity: "case",
			EntityID: strconv.FormatInt(caseID, 10), After: map[string]any{"attachment_id": attachmentID, "via": "tracking"}})
	})
}

// PublishAnswer records a published answer and marks the case answered.
// It is the final write of the answer workflow (drafting, approval,
// signing), alone: tests use it to put a case in the answered state
// without walking the workflow.
func (s *PetitionStore) PublishAnswer(ctx context.Context, caseID int64, body, signer string, at time.Time) (int64, error) {
	at = at.UTC()
	var id int64
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		var ids []int64
		if err := insertRows(tx, "answers", []string{"case_id", "body", "signer", "published_at", "created_at"},
			[][]any{{caseID, body, signer, at, at}}, "id", &ids); err != nil {
			return err
		}
		if len(ids) != 1 {
			return errors.New("publish answer: no id returned")
		}
		id = ids[0]
		if err := tx.Exec("UPDATE cases SET status = ?, updated_at = ? WHERE id = ?", string(petition.StatusAnswered), at, caseID).Error; err != nil {
			return err
		}
		return insertRows(tx, "case_events", []string{"case_id", "kind", "public", "actor", "note", "created_at"},
			[][]any{{caseID, string(petition.EventAnswered), true, signer, "", at}}, "", nil)
	})
	return id, err
}
