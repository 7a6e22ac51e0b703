package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

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
		t := petition.Topic{ID: r.ID, Slug: r.Slug, NameVI: r.NameVI, NameEN: r.NameEN, Position: r.Position, Active: r.Active}
		if r.PlanTaskID != nil {
			t.PlanTaskID = *r.PlanTaskID
		}
		out = append(out, t)
	}
	return out, nil
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
		for i, seed := range seeds {
			if slices.Contains(have, seed.Slug) {
				continue
			}
			r := topicRow{Slug: seed.Slug, NameVI: seed.NameVI, NameEN: seed.NameEN, Position: (i + 1) * 10,
				Active: true, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
			if id, ok := taskIDs[seed.TaskKey]; ok && seed.TaskKey != "" {
				r.PlanTaskID = &id
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
