package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/org"
	"github.com/phucdap/phucdap/internal/plan"
	"github.com/phucdap/phucdap/internal/progress"
)

type planRow struct {
	ID          int64 `gorm:"primaryKey"`
	Number      string
	IssuedOn    string
	IssuingBody string
	Title       string
	Appendix    string
	Year        int
	Source      string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (planRow) TableName() string { return "plans" }

type dimensionRow struct {
	ID      int64 `gorm:"primaryKey"`
	PlanID  int64
	Numeral string
	Ordinal int
	Title   string
}

func (dimensionRow) TableName() string { return "plan_dimensions" }

type taskRow struct {
	ID             int64 `gorm:"primaryKey"`
	PlanID         int64
	DimensionID    int64
	Key            string
	Number         string
	Position       int
	Text           string
	Timeframe      string
	TimeframeText  string
	ExpectedResult string
}

func (taskRow) TableName() string { return "plan_tasks" }

type taskUnitRow struct {
	ID       int64 `gorm:"primaryKey"`
	TaskID   int64
	UnitID   int64
	Role     string
	Written  string
	Unknown  bool
	Position int
}

func (taskUnitRow) TableName() string { return "plan_task_units" }

type targetRow struct {
	ID       int64 `gorm:"primaryKey"`
	TaskID   int64
	Metric   string
	Value    float64
	Unit     string
	Text     string
	Position int
}

func (targetRow) TableName() string { return "plan_task_targets" }

// SavePlan creates or updates the plan with p.Number in one transaction.
// Tasks are matched by key so that their ids, which cases refer to, stay
// stable across re-imports.
func (s *PlanStore) SavePlan(ctx context.Context, p *plan.Plan, source string, now time.Time) (plan.ImportReport, error) {
	if err := p.Validate(); err != nil {
		return plan.ImportReport{}, err
	}
	var rep plan.ImportReport
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		rep = plan.ImportReport{Number: p.Number}
		if err := s.lockImports(tx); err != nil {
			return err
		}
		unitIDs, err := s.resolveUnits(tx, p)
		if err != nil {
			return err
		}
		var pr planRow
		err = tx.Where("number = ?", p.Number).Take(&pr).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			pr = planRow{Number: p.Number, IssuedOn: p.IssuedOn, IssuingBody: p.IssuingBody, Title: p.Title,
				Appendix: p.Appendix, Year: p.Year, Source: source, CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(&pr).Error; err != nil {
				return fmt.Errorf("insert plan: %w", err)
			}
			rep.Status = plan.ImportCreated
		case err != nil:
			return err
		default:
			rep.Status = plan.ImportUnchanged
			if pr.IssuedOn != p.IssuedOn || pr.IssuingBody != p.IssuingBody || pr.Title != p.Title ||
				pr.Appendix != p.Appendix || pr.Year != p.Year {
				rep.HeaderChanged = true
				pr.IssuedOn, pr.IssuingBody, pr.Title, pr.Appendix, pr.Year = p.IssuedOn, p.IssuingBody, p.Title, p.Appendix, p.Year
			}
		}
		rep.PlanID = pr.ID
		changed, err := s.syncTasks(tx, pr.ID, p, unitIDs, &rep)
		if err != nil {
			return err
		}
		if rep.Status != plan.ImportCreated && (changed || rep.HeaderChanged) {
			rep.Status = plan.ImportChanged
			pr.Source, pr.UpdatedAt = source, now
			if err := tx.Save(&pr).Error; err != nil {
				return fmt.Errorf("update plan: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return plan.ImportReport{}, err
	}
	return rep, nil
}

// lockImports serialises imports on Postgres, so that two replicas loading
// the seed on their first start cannot both insert it.
func (s *PlanStore) lockImports(tx *gorm.DB) error {
	if s.db.Dialect != Postgres {
		return nil // SQLite has one writer and BEGIN IMMEDIATE
	}
	return tx.Exec("SELECT pg_advisory_xact_lock(7092)").Error
}

// resolveUnits maps the plan's unit codes to the directory's active
// units. A code the directory does not have, or has retired, refuses the
// plan (plan.UnknownUnitsError): an import never adds units on its own.
func (s *PlanStore) resolveUnits(tx *gorm.DB, p *plan.Plan) (map[string]int64, error) {
	ids := map[string]int64{}
	var bad []plan.UnknownUnit
	at := map[string]int{}
	for _, t := range p.Tasks() {
		for _, u := range t.Units {
			if _, ok := ids[u.Unit]; ok {
				continue
			}
			if i, ok := at[u.Unit]; ok {
				if !slices.Contains(bad[i].Tasks, t.Key) {
					bad[i].Tasks = append(bad[i].Tasks, t.Key)
				}
				continue
			}
			var row unitRow
			err := tx.Where("code = ?", u.Unit).Take(&row).Error
			switch {
			case errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && !row.Active):
				at[u.Unit] = len(bad)
				uu := plan.UnknownUnit{Name: u.Name, Tasks: []string{t.Key}}
				if err == nil {
					uu.Retired = row.Code
				}
				bad = append(bad, uu)
			case err != nil:
				return nil, err
			default:
				ids[u.Unit] = row.ID
			}
		}
	}
	if len(bad) > 0 {
		return nil, &plan.UnknownUnitsError{Units: bad}
	}
	return ids, nil
}

func (s *PlanStore) syncTasks(tx *gorm.DB, planID int64, p *plan.Plan, unitIDs map[string]int64, rep *plan.ImportReport) (bool, error) {
	rp := progress.From(tx.Statement.Context)
	rp.Start("plan "+p.Number+": tasks", int64(len(p.Tasks())))
	defer rp.Done()
	old, err := s.load(tx, planID)
	if err != nil {
		return false, err
	}
	oldTasks := map[string]plan.PlanTask{}
	oldDims := map[string]dimensionRow{}
	for _, d := range old.dims {
		oldDims[d.Numeral] = d
	}
	if old.plan != nil {
		for _, d := range old.plan.Dimensions {
			for _, t := range d.Tasks {
				oldTasks[t.Key] = t
			}
		}
	}
	changed := false
	seenDims := map[string]bool{}
	seenTasks := map[string]bool{}
	pos := 0
	for _, d := range p.Dimensions {
		seenDims[d.Numeral] = true
		dr, ok := oldDims[d.Numeral]
		switch {
		case !ok:
			dr = dimensionRow{PlanID: planID, Numeral: d.Numeral, Ordinal: d.Ordinal, Title: d.Title}
			if err := tx.Create(&dr).Error; err != nil {
				return false, fmt.Errorf("insert dimension %s: %w", d.Numeral, err)
			}
			changed = true
		case dr.Title != d.Title || dr.Ordinal != d.Ordinal:
			dr.Title, dr.Ordinal = d.Title, d.Ordinal
			if err := tx.Save(&dr).Error; err != nil {
				return false, err
			}
			changed = true
		}
		for _, t := range d.Tasks {
			rp.Add(1)
			pos++
			seenTasks[t.Key] = true
			prev, existed := oldTasks[t.Key]
			id, had := old.taskIDs[t.Key]
			samePlace := had && old.taskDim[t.Key] == dr.ID && old.taskPos[t.Key] == pos
			if existed && reflect.DeepEqual(normTask(prev), normTask(t)) {
				rep.TasksUnchanged++
				if !samePlace {
					// Moved by rows added or removed around it: the task itself
					// did not change, only where it is listed.
					err := tx.Model(&taskRow{}).Where("id = ?", id).
						Updates(map[string]any{"dimension_id": dr.ID, "position": pos}).Error
					if err != nil {
						return false, err
					}
					changed = true
				}
				continue
			}
			changed = true
			row := taskRow{ID: id, PlanID: planID, DimensionID: dr.ID, Key: t.Key, Number: t.Number, Position: pos,
				Text: t.Text, Timeframe: string(t.Timeframe), TimeframeText: t.TimeframeText, ExpectedResult: t.ExpectedResult}
			if had {
				if err := tx.Save(&row).Error; err != nil {
					return false, fmt.Errorf("update task %s: %w", t.Key, err)
				}
				rep.TasksChanged = append(rep.TasksChanged, t.Key)
				if err := tx.Where("task_id = ?", id).Delete(&taskUnitRow{}).Error; err != nil {
					return false, err
				}
				if err := tx.Where("task_id = ?", id).Delete(&targetRow{}).Error; err != nil {
					return false, err
				}
			} else {
				if err := tx.Create(&row).Error; err != nil {
					return false, fmt.Errorf("insert task %s: %w", t.Key, err)
				}
				rep.TasksCreated = append(rep.TasksCreated, t.Key)
			}
			for i, u := range t.Units {
				ur := taskUnitRow{TaskID: row.ID, UnitID: unitIDs[u.Unit], Role: string(u.Role), Written: u.Name, Unknown: u.Unknown, Position: i}
				if err := tx.Create(&ur).Error; err != nil {
					return false, fmt.Errorf("task %s unit %s: %w", t.Key, u.Unit, err)
				}
			}
			for i, g := range t.Targets {
				gr := targetRow{TaskID: row.ID, Metric: g.Metric, Value: g.Value, Unit: g.Unit, Text: g.Text, Position: i}
				if err := tx.Create(&gr).Error; err != nil {
					return false, fmt.Errorf("task %s target %s: %w", t.Key, g.Metric, err)
				}
			}
		}
	}
	for key, id := range old.taskIDs {
		if !seenTasks[key] {
			if err := tx.Delete(&taskRow{}, id).Error; err != nil {
				return false, fmt.Errorf("remove task %s: %w", key, err)
			}
			rep.TasksRemoved = append(rep.TasksRemoved, key)
			changed = true
		}
	}
	for numeral, d := range oldDims {
		if !seenDims[numeral] {
			if err := tx.Delete(&dimensionRow{}, d.ID).Error; err != nil {
				return false, fmt.Errorf("remove dimension %s: %w", numeral, err)
			}
			changed = true
		}
	}
	return changed, nil
}

// normTask drops nil-versus-empty differences before comparing.
func normTask(t plan.PlanTask) plan.PlanTask {
	if len(t.Units) == 0 {
		t.Units = nil
	}
	if len(t.Targets) == 0 {
		t.Targets = nil
	}
	return t
}

type loaded struct {
	plan    *plan.Plan
	dims    []dimensionRow
	taskIDs map[string]int64
	taskDim map[string]int64
	taskPos map[string]int
}

func (s *PlanStore) load(tx *gorm.DB, planID int64) (loaded, error) {
	out := loaded{taskIDs: map[string]int64{}, taskDim: map[string]int64{}, taskPos: map[string]int{}}
	var pr planRow
	if err := tx.Take(&pr, planID).Error; err != nil {
		return out, err
	}
	if err := tx.Where("plan_id = ?", planID).Order("ordinal").Find(&out.dims).Error; err != nil {
		return out, err
	}
	var tasks []taskRow
	if err := tx.Where("plan_id = ?", planID).Order("position").Find(&tasks).Error; err != nil {
		return out, err
	}
	var units []struct {
		TaskID  int64
		Role    string
		Written string
		Unknown bool
		Code    string
		Kind    string
	}
	err := tx.Table("plan_task_units AS tu").
		Select("tu.task_id, tu.role, tu.written, tu.unknown, u.code, u.kind").
		Joins("JOIN units u ON u.id = tu.unit_id").
		Joins("JOIN plan_tasks t ON t.id = tu.task_id").
		Where("t.plan_id = ?", planID).
		Order("tu.task_id, tu.position").Scan(&units).Error
	if err != nil {
		return out, err
	}
	var targets []targetRow
	err = tx.Table("plan_task_targets AS g").Select("g.*").
		Joins("JOIN plan_tasks t ON t.id = g.task_id").
		Where("t.plan_id = ?", planID).Order("g.task_id, g.position").Scan(&targets).Error
	if err != nil {
		return out, err
	}
	unitsBy := map[int64][]plan.UnitRef{}
	for _, u := range units {
		unitsBy[u.TaskID] = append(unitsBy[u.TaskID], plan.UnitRef{
			Unit: u.Code, Name: u.Written, Group: u.Kind == string(org.KindGroup),
			Role: plan.Role(u.Role), Unknown: u.Unknown,
		})
	}
	targetsBy := map[int64][]plan.Target{}
	for _, g := range targets {
		targetsBy[g.TaskID] = append(targetsBy[g.TaskID], plan.Target{Metric: g.Metric, Value: g.Value, Unit: g.Unit, Text: g.Text})
	}
	p := &plan.Plan{Number: pr.Number, IssuedOn: pr.IssuedOn, IssuingBody: pr.IssuingBody, Title: pr.Title, Appendix: pr.Appendix, Year: pr.Year}
	dimIdx := map[int64]int{}
	for _, d := range out.dims {
		dimIdx[d.ID] = len(p.Dimensions)
		p.Dimensions = append(p.Dimensions, plan.Dimension{Numeral: d.Numeral, Ordinal: d.Ordinal, Title: d.Title})
	}
	for _, t := range tasks {
		i, ok := dimIdx[t.DimensionID]
		if !ok {
			continue
		}
		p.Dimensions[i].Tasks = append(p.Dimensions[i].Tasks, plan.PlanTask{
			Number: t.Number, Key: t.Key, Text: t.Text, Units: unitsBy[t.ID], Timeframe: plan.Timeframe(t.Timeframe),
			TimeframeText: t.TimeframeText, ExpectedResult: t.ExpectedResult, Targets: targetsBy[t.ID],
		})
		out.taskIDs[t.Key] = t.ID
		out.taskDim[t.Key] = t.DimensionID
		out.taskPos[t.Key] = t.Position
	}
	out.plan = p
	return out, nil
}

func summaryOf(pr planRow, dims, tasks int) plan.Summary {
	return plan.Summary{ID: pr.ID, Number: pr.Number, IssuedOn: pr.IssuedOn, IssuingBody: pr.IssuingBody, Title: pr.Title,
		Appendix: pr.Appendix, Year: pr.Year, DimensionCount: dims, TaskCount: tasks, Source: pr.Source,
		CreatedAt: pr.CreatedAt, UpdatedAt: pr.UpdatedAt}
}

// ListPlans returns every plan, newest first.
func (s *PlanStore) ListPlans(ctx context.Context) ([]plan.Summary, error) {
	tx := s.db.Gorm.WithContext(ctx)
	var rows []planRow
	if err := tx.Order("year DESC, issued_on DESC, id DESC").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list plans: %w", err)
	}
	type count struct {
		PlanID int64
		N      int
	}
	var dims, tasks []count
	if err := tx.Model(&dimensionRow{}).Select("plan_id, COUNT(*) AS n").Group("plan_id").Scan(&dims).Error; err != nil {
		return nil, err
	}
	if err := tx.Model(&taskRow{}).Select("plan_id, COUNT(*) AS n").Group("plan_id").Scan(&tasks).Error; err != nil {
		return nil, err
	}
	dn, tn := map[int64]int{}, map[int64]int{}
	for _, c := range dims {
		dn[c.PlanID] = c.N
	}
	for _, c := range tasks {
		tn[c.PlanID] = c.N
	}
	out := make([]plan.Summary, 0, len(rows))
	for _, r := range rows {
		out = append(out, summaryOf(r, dn[r.ID], tn[r.ID]))
	}
	return out, nil
}

// PlanByID returns one plan with its tasks.
func (s *PlanStore) PlanByID(ctx context.Context, id int64) (*plan.Record, error) {
	return s.record(ctx, "id = ?", id)
}

// PlanByNumber returns one plan by number.
func (s *PlanStore) PlanByNumber(ctx context.Context, number string) (*plan.Record, error) {
	return s.record(ctx, "number = ?", number)
}

func (s *PlanStore) record(ctx context.Context, where string, arg any) (*plan.Record, error) {
	tx := s.db.Gorm.WithContext(ctx)
	var pr planRow
	if err := tx.Where(where, arg).Take(&pr).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, plan.ErrPlanNotFound
		}
		return nil, err
	}
	l, err := s.load(tx, pr.ID)
	if err != nil {
		return nil, err
	}
	return &plan.Record{Summary: summaryOf(pr, len(l.dims), len(l.taskIDs)), Plan: l.plan, TaskIDs: l.taskIDs}, nil
}
