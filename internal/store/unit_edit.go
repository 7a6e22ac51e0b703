package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/org"
	"github.com/phucdap/phucdap/internal/plan"
)

var _ org.EditStore = (*UnitStore)(nil)

// errDryRun rolls back a dry-run import after it has done everything.
var errDryRun = errors.New("dry run")

func recordUnit(ctx context.Context, tx *gorm.DB, by access.Actor, action, code string, before, after any, now time.Time) error {
	return recordAudit(ctx, tx, audit.Entry{At: now, ActorID: actorID(by), ActorLabel: by.Label(), Action: action,
		Entity: "unit", EntityID: code, Before: before, After: after})
}

// unitSnapshot is a unit as the audit trail records it.
func unitSnapshot(tx *gorm.DB, code string) (any, error) {
	units, err := listUnits(tx)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		if u.Code == code {
			u.ID, u.Members = 0, nil
			return u, nil
		}
	}
	return nil, nil
}

func unitByCodeTx(tx *gorm.DB, code string) (unitRow, error) {
	var r unitRow
	err := tx.Where("code = ?", code).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, org.ErrUnitNotFound
	}
	return r, err
}

// AddUnit implements org.EditStore.
func (s *UnitStore) AddUnit(ctx context.Context, in org.UnitInput, by access.Actor, now time.Time) (org.Unit, error) {
	var out org.Unit
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		if _, err := unitByCodeTx(tx, in.Code); err == nil {
			return fault.List{fault.FieldError("code", "unit.code_taken", map[string]any{"Unit": in.Code})}
		} else if !errors.Is(err, org.ErrUnitNotFound) {
			return err
		}
		if err := createUnitRow(tx, in, now); err != nil {
			return err
		}
		if err := applyUnit(tx, in, now, true); err != nil {
			return err
		}
		after, err := unitSnapshot(tx, in.Code)
		if err != nil {
			return err
		}
		out = after.(org.Unit)
		return recordUnit(ctx, tx, by, "unit.create", in.Code, nil, after, now)
	})
	if err != nil {
		return org.Unit{}, err
	}
	return s.UnitByCode(ctx, out.Code)
}

func createUnitRow(tx *gorm.DB, in org.UnitInput, now time.Time) error {
	r := unitRow{Code: in.Code, Name: in.Name, NameEN: in.NameEN, Kind: string(in.Kind), IsGroup: in.Kind == org.KindGroup,
		Active: true, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
	if err := tx.Create(&r).Error; err != nil {
		return fmt.Errorf("create unit %s: %w", in.Code, err)
	}
	return nil
}

// UpdateUnit implements org.EditStore.
func (s *UnitStore) UpdateUnit(ctx context.Context, in org.UnitInput, by access.Actor, now time.Time) (org.Unit, error) {
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		_, err := updateUnitTx(ctx, tx, in, by, now, false)
		return err
	})
	if err != nil {
		return org.Unit{}, err
	}
	return s.UnitByCode(ctx, in.Code)
}

// updateUnitTx applies an edit and records it, unless nothing changed;
// it says whether anything did. keepAliases adds in's aliases to the
// stored ones instead of replacing them (a directory file, which lists
// the names it knows and must not drop the old names a rename kept).
func updateUnitTx(ctx context.Context, tx *gorm.DB, in org.UnitInput, by access.Actor, now time.Time, keepAliases bool) (bool, error) {
	r, err := unitByCodeTx(tx, in.Code)
	if err != nil {
		return false, err
	}
	if r.MergedIntoID != nil {
		return false, org.ErrUnitMerged
	}
	before, err := unitSnapshot(tx, in.Code)
	if err != nil {
		return false, err
	}
	b := before.(org.Unit)
	if keepAliases {
		for _, a := range b.Aliases {
			if !slices.Contains(in.Aliases, a) && a != in.Name {
				in.Aliases = append(in.Aliases, a)
			}
		}
	}
	// A rename keeps the old name as a written form, so that a plan
	// appendix written before it (55/KH-SXD) still names the unit.
	if b.Name != in.Name && !slices.Contains(in.Aliases, b.Name) {
		in.Aliases = append(in.Aliases, b.Name)
	}
	if !unitChanged(b, in) {
		return false, nil
	}
	if err := applyUnit(tx, in, now, false); err != nil {
		return false, err
	}
	after, err := unitSnapshot(tx, in.Code)
	if err != nil {
		return false, err
	}
	return true, recordUnit(ctx, tx, by, "unit.update", in.Code, before, after, now)
}

// unitChanged says whether the edit changes the stored unit; an unchanged
// seeded example stays marked as one.
func unitChanged(b org.Unit, in org.UnitInput) bool {
	same := func(a, c []string) bool {
		a, c = slices.Clone(a), slices.Clone(c)
		slices.Sort(a)
		slices.Sort(c)
		return slices.Equal(a, c)
	}
	return b.Name != in.Name || b.NameEN != in.NameEN || b.Kind != in.Kind || b.ParentCode != in.ParentCode ||
		b.Email != in.Email || !same(b.Groups, in.Groups) || !same(b.Aliases, in.Aliases)
}

// applyUnit writes in onto the stored unit in.Code: names, kind, parent,
// groups, e-mail, aliases, and clears the example marker. It checks first
// what needs the directory: the parent exists and is not below the unit,
// the groups are active groups, and no alias or name names another
// active unit (the plan parser could not tell them apart).
func applyUnit(tx *gorm.DB, in org.UnitInput, now time.Time, created bool) error {
	units, err := listUnits(tx)
	if err != nil {
		return err
	}
	byCode := map[string]org.Unit{}
	for _, u := range units {
		byCode[u.Code] = u
	}
	self := byCode[in.Code]
	var errs fault.List
	var parentID *int64
	if in.ParentCode != "" {
		p, ok := byCode[in.ParentCode]
		switch {
		case !ok:
			errs = append(errs, fault.FieldError("parent", "unit.parent_unknown", map[string]any{"Unit": in.ParentCode}))
		case p.IsGroup():
			errs = append(errs, fault.FieldError("parent", "unit.parent_group", map[string]any{"Unit": in.ParentCode}))
		default:
			// The parent may not sit below the unit.
			for c, n := in.ParentCode, 0; c != "" && n <= len(units); c, n = byCode[c].ParentCode, n+1 {
				if c == in.Code {
					errs = append(errs, fault.FieldError("parent", "unit.parent_cycle", map[string]any{"Unit": in.ParentCode}))
					break
				}
			}
			id := p.ID
			parentID = &id
		}
	}
	var groupIDs []int64
	for _, g := range in.Groups {
		gu, ok := byCode[g]
		if !ok || !gu.IsGroup() || !gu.Active {
			errs = append(errs, fault.FieldError("groups", "unit.group_unknown", map[string]any{"Unit": g}))
			continue
		}
		groupIDs = append(groupIDs, gu.ID)
	}
	if in.Kind == org.KindGroup && !self.IsGroup() && !created {
		errs = append(errs, fault.FieldError("kind", "unit.kind_change", nil))
	}
	if in.Kind != org.KindGroup && self.IsGroup() {
		errs = append(errs, fault.FieldError("kind", "unit.kind_change", nil))
	}
	// The written forms of the other active units, folded as the plan
	// parser compares them.
	owner := map[string]string{}
	for _, u := range units {
		if u.Code == in.Code || !u.Active {
			continue
		}
		for _, f := range append([]string{u.Name}, u.Aliases...) {
			owner[plan.FoldName(f)] = u.Code
		}
	}
	if other, taken := owner[plan.FoldName(in.Name)]; taken {
		errs = append(errs, fault.FieldError("name", "unit.name_taken", map[string]any{"Unit": other}))
	}
	for _, a := range in.Aliases {
		if other, taken := owner[plan.FoldName(a)]; taken {
			errs = append(errs, fault.FieldError("aliases", "unit.alias_taken", map[string]any{"Alias": a, "Unit": other}))
			break
		}
	}
	if len(errs) > 0 {
		return errs
	}
	set := map[string]any{"name": in.Name, "name_en": in.NameEN, "kind": string(in.Kind), "is_group": in.Kind == org.KindGroup,
		"parent_id": parentID, "email": in.Email, "example": false, "updated_at": now.UTC()}
	if err := tx.Model(&unitRow{}).Where("id = ?", self.ID).Updates(set).Error; err != nil {
		return fmt.Errorf("update unit %s: %w", in.Code, err)
	}
	if err := tx.Where("unit_id = ?", self.ID).Delete(&groupMemberRow{}).Error; err != nil {
		return err
	}
	for _, g := range groupIDs {
		if err := tx.Create(&groupMemberRow{GroupID: g, UnitID: self.ID}).Error; err != nil {
			return fmt.Errorf("unit %s group: %w", in.Code, err)
		}
	}
	if err := tx.Where("unit_id = ?", self.ID).Delete(&unitAliasRow{}).Error; err != nil {
		return err
	}
	for i, a := range in.Aliases {
		if err := tx.Create(&unitAliasRow{UnitID: self.ID, Alias: a, Position: i}).Error; err != nil {
			return fmt.Errorf("unit %s alias: %w", in.Code, err)
		}
	}
	return nil
}

// openWork counts what a unit still holds: the open cases it leads or
// coordinates, and its running or suspended deadlines.
func openWork(tx *gorm.DB, unitID int64) (org.OpenWork, error) {
	var w struct{ Lead, Coordinating, Deadlines int }
	closed := access.ClosedStatuses()
	err := tx.Raw(`SELECT
		(SELECT COUNT(*) FROM cases WHERE lead_unit_id = ? AND status NOT IN ?) AS lead,
		(SELECT COUNT(*) FROM case_units cu JOIN cases c ON c.id = cu.case_id WHERE cu.unit_id = ? AND c.status NOT IN ?) AS coordinating,
		(SELECT COUNT(*) FROM case_clocks WHERE unit_id = ? AND state IN ('open', 'suspended')) AS deadlines`,
		unitID, closed, unitID, closed, unitID).Scan(&w).Error
	return org.OpenWork{Lead: w.Lead, Coordinating: w.Coordinating, Deadlines: w.Deadlines}, err
}

// RetireUnit implements org.EditStore.
func (s *UnitStore) RetireUnit(ctx context.Context, code string, by access.Actor, now time.Time) (org.Unit, error) {
	err := s.db.Tx(ctx, func(tx *gorm.DB) error { return retireTx(ctx, tx, code, by, now) })
	if err != nil {
		return org.Unit{}, err
	}
	return s.UnitByCode(ctx, code)
}

func retireTx(ctx context.Context, tx *gorm.DB, code string, by access.Actor, now time.Time) error {
	r, err := unitByCodeTx(tx, code)
	if err != nil {
		return err
	}
	if !r.Active {
		return nil
	}
	w, err := openWork(tx, r.ID)
	if err != nil {
		return err
	}
	if err := w.Err(code); err != nil {
		return err
	}
	before, err := unitSnapshot(tx, code)
	if err != nil {
		return err
	}
	if err := tx.Model(&unitRow{}).Where("id = ?", r.ID).
		Updates(map[string]any{"active": false, "retired_at": now.UTC(), "example": false, "updated_at": now.UTC()}).Error; err != nil {
		return err
	}
	after, err := unitSnapshot(tx, code)
	if err != nil {
		return err
	}
	return recordUnit(ctx, tx, by, "unit.retire", code, before, after, now)
}

// RestoreUnit implements org.EditStore.
func (s *UnitStore) RestoreUnit(ctx context.Context, code string, by access.Actor, now time.Time) (org.Unit, error) {
	err := s.db.Tx(ctx, func(tx *gorm.DB) error { return restoreTx(ctx, tx, code, by, now) })
	if err != nil {
		return org.Unit{}, err
	}
	return s.UnitByCode(ctx, code)
}

func restoreTx(ctx context.Context, tx *gorm.DB, code string, by access.Actor, now time.Time) error {
	r, err := unitByCodeTx(tx, code)
	if err != nil {
		return err
	}
	if r.MergedIntoID != nil {
		return org.ErrUnitMerged
	}
	if r.Active {
		return nil
	}
	before, err := unitSnapshot(tx, code)
	if err != nil {
		return err
	}
	// Its names come back into use: no active unit may hold them now.
	u := before.(org.Unit)
	if err := applyUnit(tx, u.Input(), now, false); err != nil {
		return err
	}
	if err := tx.Model(&unitRow{}).Where("id = ?", r.ID).
		Updates(map[string]any{"active": true, "retired_at": nil, "updated_at": now.UTC()}).Error; err != nil {
		return err
	}
	after, err := unitSnapshot(tx, code)
	if err != nil {
		return err
	}
	return recordUnit(ctx, tx, by, "unit.restore", code, before, after, now)
}

// MergeUnit implements org.EditStore.
func (s *UnitStore) MergeUnit(ctx context.Context, from, into string, by access.Actor, now time.Time) (org.MergeReport, error) {
	var rep org.MergeReport
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		rep = org.MergeReport{From: from, Into: into}
		a, err := unitByCodeTx(tx, from)
		if err != nil {
			return err
		}
		b, err := unitByCodeTx(tx, into)
		if errors.Is(err, org.ErrUnitNotFound) {
			return fault.List{fault.FieldError("into", "unit.merge_into_unknown", map[string]any{"Unit": into})}
		} else if err != nil {
			return err
		}
		switch {
		case a.MergedIntoID != nil:
			return org.ErrUnitMerged
		case a.IsGroup || b.IsGroup:
			return fault.List{fault.FieldError("into", "unit.merge_group", nil)}
		case !b.Active:
			return fault.List{fault.FieldError("into", "unit.merge_into_unknown", map[string]any{"Unit": into})}
		}
		before, err := unitSnapshot(tx, from)
		if err != nil {
			return err
		}
		closed := access.ClosedStatuses()
		// The open cases it leads or coordinates, by code for the trail.
		var cases []struct {
			ID   int64
			Code string
		}
		if err := tx.Raw(`SELECT id, code FROM cases WHERE status NOT IN ? AND (lead_unit_id = ? OR id IN (SELECT case_id FROM case_units WHERE unit_id = ?)) ORDER BY id`,
			closed, a.ID, a.ID).Scan(&cases).Error; err != nil {
			return err
		}
		for _, c := range cases {
			rep.Cases = append(rep.Cases, c.Code)
		}
		steps := []struct {
			sql  string
			args []any
			n    *int
		}{
			{"UPDATE cases SET lead_unit_id = ? WHERE lead_unit_id = ? AND status NOT IN ?", []any{b.ID, a.ID, closed}, nil},
			// A coordinating part moves unless into already leads or
			// coordinates the case.
			{`DELETE FROM case_units WHERE unit_id = ? AND case_id IN (SELECT id FROM cases WHERE status NOT IN ?)
				AND (case_id IN (SELECT case_id FROM case_units WHERE unit_id = ?) OR case_id IN (SELECT id FROM cases WHERE lead_unit_id = ?))`,
				[]any{a.ID, closed, b.ID, b.ID}, nil},
			{"UPDATE case_units SET unit_id = ? WHERE unit_id = ? AND case_id IN (SELECT id FROM cases WHERE status NOT IN ?)", []any{b.ID, a.ID, closed}, nil},
			{"UPDATE case_clocks SET unit_id = ?, updated_at = ? WHERE unit_id = ? AND state IN ('open', 'suspended')", []any{b.ID, now.UTC(), a.ID}, &rep.Deadlines},
			{"UPDATE answers SET unit_id = ? WHERE unit_id = ? AND published_at IS NULL AND superseded_at IS NULL", []any{b.ID, a.ID}, nil},
			{"UPDATE accounts SET unit_id = ?, updated_at = ? WHERE unit_id = ?", []any{b.ID, now.UTC(), a.ID}, &rep.Accounts},
			{"UPDATE topics SET lead_unit_id = ?, updated_at = ? WHERE lead_unit_id = ?", []any{b.ID, now.UTC(), a.ID}, &rep.Topics},
			{`DELETE FROM plan_task_units WHERE unit_id = ? AND EXISTS (SELECT 1 FROM plan_task_units o
				WHERE o.task_id = plan_task_units.task_id AND o.role = plan_task_units.role AND o.unit_id = ?)`, []any{a.ID, b.ID}, nil},
			{"UPDATE plan_task_units SET unit_id = ? WHERE unit_id = ?", []any{b.ID, a.ID}, &rep.PlanTasks},
			{`INSERT INTO unit_group_members (group_id, unit_id) SELECT group_id, ? FROM unit_group_members m
				WHERE m.unit_id = ? AND NOT EXISTS (SELECT 1 FROM unit_group_members o WHERE o.group_id = m.group_id AND o.unit_id = ?)`, []any{b.ID, a.ID, b.ID}, nil},
			{"UPDATE units SET active = FALSE, merged_into_id = ?, retired_at = ?, example = FALSE, updated_at = ? WHERE id = ?", []any{b.ID, now.UTC(), now.UTC(), a.ID}, nil},
		}
		for _, st := range steps {
			res := tx.Exec(st.sql, st.args...)
			if res.Error != nil {
				return fmt.Errorf("merge %s into %s: %w", from, into, res.Error)
			}
			if st.n != nil {
				*st.n = int(res.RowsAffected)
			}
		}
		after, err := unitSnapshot(tx, from)
		if err != nil {
			return err
		}
		return recordUnit(ctx, tx, by, "unit.merge", from, before, map[string]any{"unit": after, "into": into, "moved": rep}, now)
	})
	return rep, err
}

// ImportUnits implements org.EditStore.
func (s *UnitStore) ImportUnits(ctx context.Context, rows []org.ImportRow, dryRun bool, by access.Actor, now time.Time) (org.ImportReport, error) {
	var rep org.ImportReport
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		rep = org.ImportReport{DryRun: dryRun}
		var bad []org.LineError
		lineErr := func(line int, err error) error {
			var list fault.List
			switch {
			case errors.As(err, &list):
				for _, fe := range list {
					bad = append(bad, org.LineError{Line: line, Err: fe})
				}
			default:
				fe, ok := fault.As(err)
				if !ok {
					return err
				}
				if fe.Field == "" {
					fe = &fault.Error{Code: fe.Code, Field: "code", MessageID: fe.MessageID, Args: fe.Args}
				}
				bad = append(bad, org.LineError{Line: line, Err: fe})
			}
			return nil
		}
		// First every new code, so that a line may name as parent or
		// group a unit that a later line adds.
		fresh := map[string]bool{}
		for _, r := range rows {
			if _, err := unitByCodeTx(tx, r.Input.Code); errors.Is(err, org.ErrUnitNotFound) {
				if err := createUnitRow(tx, r.Input, now); err != nil {
					return err
				}
				fresh[r.Input.Code] = true
			} else if err != nil {
				return err
			}
		}
		// Then each line in full, retiring last: a line may move the work
		// a retired one held only through a merge, never here.
		for _, r := range rows {
			in := r.Input
			cur, err := unitByCodeTx(tx, in.Code)
			if err != nil {
				return err
			}
			if cur.MergedIntoID != nil {
				if err := lineErr(r.Line, org.ErrUnitMerged); err != nil {
					return err
				}
				continue
			}
			if fresh[in.Code] {
				if err := applyUnit(tx, in, now, true); err != nil {
					if err := lineErr(r.Line, err); err != nil {
						return err
					}
					continue
				}
				after, err := unitSnapshot(tx, in.Code)
				if err != nil {
					return err
				}
				if err := recordUnit(ctx, tx, by, "unit.create", in.Code, nil, after, now); err != nil {
					return err
				}
				rep.Created = append(rep.Created, in.Code)
				continue
			}
			if r.Active && !cur.Active {
				if err := restoreTx(ctx, tx, in.Code, by, now); err != nil {
					if err := lineErr(r.Line, err); err != nil {
						return err
					}
					continue
				}
				rep.Restored = append(rep.Restored, in.Code)
			}
			changed, err := updateUnitTx(ctx, tx, in, by, now, true)
			if err != nil {
				if err := lineErr(r.Line, err); err != nil {
					return err
				}
				continue
			}
			switch {
			case slices.Contains(rep.Restored, in.Code):
			case changed:
				rep.Changed = append(rep.Changed, in.Code)
			case r.Active || !cur.Active:
				rep.Unchanged = append(rep.Unchanged, in.Code)
			}
		}
		for _, r := range rows {
			cur, err := unitByCodeTx(tx, r.Input.Code)
			if err != nil {
				return err
			}
			if r.Active || !cur.Active || cur.MergedIntoID != nil {
				continue
			}
			if err := retireTx(ctx, tx, r.Input.Code, by, now); err != nil {
				if err := lineErr(r.Line, err); err != nil {
					return err
				}
				continue
			}
			rep.Retired = append(rep.Retired, r.Input.Code)
		}
		if len(bad) > 0 {
			slices.SortStableFunc(bad, func(x, y org.LineError) int { return x.Line - y.Line })
			return &org.ImportError{Lines: bad}
		}
		if len(rep.Created)+len(rep.Changed)+len(rep.Retired)+len(rep.Restored) > 0 {
			if err := recordUnit(ctx, tx, by, "unit.import", "", nil, rep, now); err != nil {
				return err
			}
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		return rep, nil
	}
	if err != nil {
		return org.ImportReport{}, err
	}
	return rep, nil
}
