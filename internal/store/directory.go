package store

import (
	"context"
	"fmt"

	"github.com/phucdap/phucdap/internal/report"
)

// Directory implements report.Store.
func (s *ReportStore) Directory(ctx context.Context) (*report.Directory, error) {
	g := s.db.Gorm.WithContext(ctx)
	d := &report.Directory{}
	if err := g.Raw("SELECT id, code, name, name_en, kind, active FROM units ORDER BY CASE kind WHEN 'office' THEN 0 WHEN 'division' THEN 1 " +
		"WHEN 'service_centre' THEN 2 ELSE 3 END, id").Scan(&d.Units).Error; err != nil {
		return nil, fmt.Errorf("report directory: %w", err)
	}
	if err := g.Raw("SELECT id, number, year, title FROM plans ORDER BY year DESC, id DESC").Scan(&d.Plans).Error; err != nil {
		return nil, fmt.Errorf("report directory: %w", err)
	}
	if err := g.Raw("SELECT id, plan_id, numeral, ordinal, title FROM plan_dimensions ORDER BY plan_id, ordinal").Scan(&d.Dimensions).Error; err != nil {
		return nil, fmt.Errorf("report directory: %w", err)
	}
	var tasks []struct {
		ID          int64
		PlanID      int64
		DimensionID int64
		Key         string
		Number      string
		Text        string
		Position    int
	}
	if err := g.Raw("SELECT t.id, t.plan_id, t.dimension_id, t.key, t.number, t.text, t.position FROM plan_tasks t " +
		"JOIN plan_dimensions d ON d.id = t.dimension_id ORDER BY t.plan_id, d.ordinal, t.position, t.id").Scan(&tasks).Error; err != nil {
		return nil, fmt.Errorf("report directory: %w", err)
	}
	for _, t := range tasks {
		d.Tasks = append(d.Tasks, report.TaskInfo{ID: t.ID, PlanID: t.PlanID, DimensionID: t.DimensionID, Key: t.Key, Number: t.Number,
			Text: t.Text, Position: t.Position})
	}
	var targets []struct {
		TaskID int64
		Key    string
		Metric string
		Value  float64
	}
	if err := g.Raw("SELECT g.task_id, t.key, g.metric, g.value FROM plan_task_targets g JOIN plan_tasks t ON t.id = g.task_id " +
		"ORDER BY g.task_id, g.position").Scan(&targets).Error; err != nil {
		return nil, fmt.Errorf("report directory: %w", err)
	}
	for _, g := range targets {
		for i := range d.Tasks {
			if d.Tasks[i].ID == g.TaskID {
				d.Tasks[i].Targets = append(d.Tasks[i].Targets, report.Target{TaskKey: g.Key, Metric: g.Metric, Value: g.Value})
			}
		}
	}
	var topics []struct {
		ID         int64
		Slug       string
		NameVI     string `gorm:"column:name_vi"`
		NameEN     string `gorm:"column:name_en"`
		PlanTaskID *int64
		Position   int
	}
	if err := g.Raw("SELECT id, slug, name_vi, name_en, plan_task_id, position FROM topics WHERE active = TRUE ORDER BY position, id").
		Scan(&topics).Error; err != nil {
		return nil, fmt.Errorf("report directory: %w", err)
	}
	for _, t := range topics {
		ti := report.TopicInfo{ID: t.ID, Slug: t.Slug, NameVI: t.NameVI, NameEN: t.NameEN, Position: t.Position}
		if t.PlanTaskID != nil {
			ti.PlanTaskID = *t.PlanTaskID
		}
		d.Topics = append(d.Topics, ti)
	}
	return d, nil
}
