package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/petition"
)

type topicRow struct {
	ID         int64 `gorm:"primaryKey"`
	Slug       string
	NameVI     string `gorm:"column:name_vi"`
	NameEN     string `gorm:"column:name_en"`
	PlanTaskID *int64
	Position   int
	Active     bool
	HintVI     string `gorm:"column:hint_vi"`
	HintEN     string `gorm:"column:hint_en"`
	LeadUnitID *int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (topicRow) TableName() string { return "topics" }

// ListTopics returns every topic in display order.
func (s *PetitionStore) ListTopics(ctx context.Context) ([]petition.Topic, error) {
	var rows []topicRow
	if err := s.db.Gorm.WithContext(ctx).Order("position, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list topics: %w", err)
	}
	out := make([]petition.Topic, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.topic())
	}
	return out, nil
}

func (r topicRow) topic() petition.Topic {
	t := petition.Topic{ID: r.ID, Slug: r.Slug, NameVI: r.NameVI, NameEN: r.NameEN, Position: r.Position, Active: r.Active,
		HintVI: r.HintVI, HintEN: r.HintEN}
	if r.PlanTaskID != nil {
		t.PlanTaskID = *r.PlanTaskID
	}
	if r.LeadUnitID != nil {
		t.LeadUnitID = *r.LeadUnitID
	}
	return t
}

// UpdateTopic implements petition.Store.
func (s *PetitionStore) UpdateTopic(ctx context.Context, id int64, e petition.TopicEdit, by access.Actor, now time.Time) (petition.Topic, error) {
	var out petition.Topic
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		var r topicRow
		if err := tx.Where("id = ?", id).Take(&r).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return petition.ErrNoSuchTopic
		} else if err != nil {
			return err
		}
		before := r.topic()
		var errs fault.List
		if e.LeadUnitID != 0 {
			var n int64
			if err := tx.Raw("SELECT COUNT(*) FROM units WHERE id = ? AND active = TRUE AND is_group = FALSE AND kind <> 'group'", e.LeadUnitID).
				Scan(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				errs = append(errs, fault.FieldError("lead_unit_id", "topic.unit_unknown", nil))
			}
		}
		if e.PlanTaskID != 0 {
			var n int64
			if err := tx.Raw("SELECT COUNT(*) FROM plan_tasks WHERE id = ?", e.PlanTaskID).Scan(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				errs = append(errs, fault.FieldError("plan_task_id", "topic.task_unknown", nil))
			}
		}
		if len(errs) > 0 {
			return errs
		}
		r.NameVI, r.NameEN, r.HintVI, r.HintEN, r.Active = e.NameVI, e.NameEN, e.HintVI, e.HintEN, e.Active
		r.LeadUnitID, r.PlanTaskID = optID(e.LeadUnitID), optID(e.PlanTaskID)
		r.UpdatedAt = now.UTC()
		if err := tx.Select("name_vi", "name_en", "hint_vi", "hint_en", "active", "lead_unit_id", "plan_task_id", "updated_at").
			Save(&r).Error; err != nil {
			return fmt.Errorf("update topic %d: %w", id, err)
		}
		out = r.topic()
		return recordAudit(ctx, tx, audit.Entry{At: now, ActorID: actorID(by), ActorLabel: by.Label(), Action: "topic.update",
			Entity: "topic", EntityID: strconv.FormatInt(id, 10), Before: before, After: out})
	})
	return out, err
}

func optID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// EnsureTopics adds the seed topics whose slug is missing, mapped through
// taskIDs (plan task key → id). Topics already present are left as the
// admins edited them. It returns how many it added.
func (s *PetitionStore) EnsureTopics(ctx context.Context, seeds []petition.TopicSeed, taskIDs map[string]int64, now time.Time) (int, error) {
	added := 0
	err := seedTx(ctx, s.db, func(tx *gorm.DB) error {
		added = 0
		var have []string
		if err := tx.Model(&topicRow{}).Pluck("slug", &have).Error; err != nil {
			return err
		}
		var units []struct {
			ID   int64
			Code string
		}
		if err := tx.Raw("SELECT id, code FROM units").Scan(&units).Error; err != nil {
			return err
		}
		for i, seed := range seeds {
			if slices.Contains(have, seed.Slug) {
				continue
			}
			pos := seed.Position
			if pos == 0 {
				pos = (i + 1) * 10
			}
			r := topicRow{Slug: seed.Slug, NameVI: seed.NameVI, NameEN: seed.NameEN, HintVI: seed.HintVI, HintEN: seed.HintEN,
				Position: pos, Active: true, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
			if id, ok := taskIDs[seed.TaskKey]; ok && seed.TaskKey != "" {
				r.PlanTaskID = &id
			}
			for _, u := range units {
				if seed.LeadUnit != "" && u.Code == seed.LeadUnit {
					r.LeadUnitID = &u.ID
				}
			}
			if err := tx.Create(&r).Error; err != nil {
				return fmt.Errorf("create topic %s: %w", seed.Slug, err)
			}
			added++
		}
		return nil
	})
	return added, err
}
