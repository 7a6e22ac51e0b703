package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/petition"
)

// RatingOf returns the rating of an answer, or nil.
func (s *PetitionStore) RatingOf(ctx context.Context, answerID int64) (*petition.Rating, error) {
	var rows []struct {
		Stars     int
		Comment   string
		UpdatedAt time.Time
	}
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT stars, comment, updated_at FROM ratings WHERE answer_id = ?", answerID).
		Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return &petition.Rating{Stars: rows[0].Stars, Comment: rows[0].Comment, At: rows[0].UpdatedAt.UTC()}, nil
}

// Disputed reports whether an answer was disputed.
func (s *PetitionStore) Disputed(ctx context.Context, answerID int64) (bool, error) {
	var n int64
	err := s.db.Gorm.WithContext(ctx).Raw("SELECT COUNT(*) FROM disputes WHERE answer_id = ?", answerID).Scan(&n).Error
	return n > 0, err
}

// SaveRating records or replaces the rating of an answer.
func (s *PetitionStore) SaveRating(ctx context.Context, caseID, answerID int64, r petition.Rating) error {
	at := r.At.UTC()
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := insertRows(tx, "ratings", []string{"case_id", "answer_id", "stars", "comment", "created_at", "updated_at"},
			[][]any{{caseID, answerID, r.Stars, r.Comment, at, at}}, "", nil,
			"ON CONFLICT (answer_id) DO UPDATE SET stars = excluded.stars, comment = excluded.comment, updated_at = excluded.updated_at"); err != nil {
			return fmt.Errorf("save rating: %w", err)
		}
		return insertRows(tx, "case_events", []string{"case_id", "kind", "public", "actor", "note", "created_at"},
			[][]any{{caseID, string(petition.EventRated), true, "petitioner", strconv.Itoa(r.Stars), at}}, "", nil)
	})
}

// SaveDispute records the dispute of an answer, reopens the case and makes
// its follow-up, whose code the reopened event tells the citizen.
func (s *PetitionStore) SaveDispute(ctx context.Context, d petition.DisputeRecord) (string, error) {
	at := d.At.UTC()
	var code string
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		res := tx.Exec("INSERT INTO disputes (case_id, answer_id, reason, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (answer_id) DO NOTHING",
			d.CaseID, d.AnswerID, d.Reason, at)
		if res.Error != nil {
			return fmt.Errorf("save dispute: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return petition.ErrAlreadyDisputed
		}
		if err := tx.Exec("UPDATE cases SET status = ?, updated_at = ? WHERE id = ?", string(petition.StatusReopened), at, d.CaseID).Error; err != nil {
			return err
		}
		var err error
		if _, code, err = insertLinked(tx, d.CaseID, "follow_up", d.FollowUp, "", at); err != nil {
			return err
		}
		if err := insertRows(tx, "case_events", []string{"case_id", "kind", "public", "actor", "note", "created_at"},
			[][]any{{d.CaseID, string(petition.EventReopened), true, "petitioner", code, at}}, "", nil); err != nil {
			return err
		}
		return recordAudit(ctx, tx, audit.Entry{At: at, ActorLabel: "petitioner", Action: "case.reopen", Entity: "case",
			EntityID: strconv.FormatInt(d.CaseID, 10), Before: map[string]any{"status": "answered"},
			After: map[string]any{"status": string(petition.StatusReopened), "follow_up": code}})
	})
	return code, err
}
