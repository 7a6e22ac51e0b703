package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/org"
)

type unitRow struct {
	ID       int64 `gorm:"primaryKey"`
	Code     string
	Name     string
	NameEN   string `gorm:"column:name_en"`
	Kind     string
	ParentID *int64
	IsGroup  bool
	Example  bool
	Active   bool
	Email    string
	// MergedIntoID is the unit that took over a merged unit's work.
	MergedIntoID *int64
	RetiredAt    *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (unitRow) TableName() string { return "units" }

type unitAliasRow struct {
	UnitID   int64
	Alias    string
	Position int
}

func (unitAliasRow) TableName() string { return "unit_aliases" }

type groupMemberRow struct {
	GroupID int64
	UnitID  int64
}

func (groupMemberRow) TableName() string { return "unit_group_members" }

// UnitStore is the gorm implementation of org.UnitStore.
type UnitStore struct {
	db  *DB
	now func() time.Time
}

// NewUnitStore returns a unit store over db.
func NewUnitStore(db *DB, now func() time.Time) *UnitStore { return &UnitStore{db: db, now: now} }

var _ org.UnitStore = (*UnitStore)(nil)

// ErrUnitNotFound is returned for an unknown unit code.
var ErrUnitNotFound = org.ErrUnitNotFound

// ListUnits returns every unit, retired ones too, with group members, the
// groups each belongs to and its aliases, ordered by kind and name.
func (s *UnitStore) ListUnits(ctx context.Context) ([]org.Unit, error) {
	return listUnits(s.db.Gorm.WithContext(ctx))
}

func listUnits(tx *gorm.DB) ([]org.Unit, error) {
	var rows []unitRow
	if err := tx.Order("CASE kind WHEN 'office' THEN 0 WHEN 'service_centre' THEN 1 WHEN 'division' THEN 2 ELSE 3 END, name").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list units: %w", err)
	}
	var members []struct {
		GroupID int64
		UnitID  int64
		Code    string
	}
	if err := tx.Table("unit_group_members m").Select("m.group_id, m.unit_id, u.code").
		Joins("JOIN units u ON u.id = m.unit_id").Order("u.name").Scan(&members).Error; err != nil {
		return nil, err
	}
	var aliases []unitAliasRow
	if err := tx.Order("unit_id, position, alias").Find(&aliases).Error; err != nil {
		return nil, fmt.Errorf("list unit aliases: %w", err)
	}
	codeOf := map[int64]string{}
	for _, r := range rows {
		codeOf[r.ID] = r.Code
	}
	byGroup, groupsOf := map[int64][]string{}, map[int64][]string{}
	for _, m := range members {
		byGroup[m.GroupID] = append(byGroup[m.GroupID], m.Code)
		groupsOf[m.UnitID] = append(groupsOf[m.UnitID], codeOf[m.GroupID])
	}
	aliasesOf := map[int64][]string{}
	for _, a := range aliases {
		aliasesOf[a.UnitID] = append(aliasesOf[a.UnitID], a.Alias)
	}
	out := make([]org.Unit, 0, len(rows))
	for _, r := range rows {
		u := org.Unit{ID: r.ID, Code: r.Code, Name: r.Name, NameEN: r.NameEN, Kind: org.Kind(r.Kind),
			Example: r.Example, Active: r.Active, Members: byGroup[r.ID], Groups: groupsOf[r.ID], Email: r.Email,
			Aliases: aliasesOf[r.ID]}
		slices.Sort(u.Groups)
		if r.ParentID != nil {
			u.ParentCode = codeOf[*r.ParentID]
		}
		if r.MergedIntoID != nil {
			u.MergedInto = codeOf[*r.MergedIntoID]
		}
		out = append(out, u)
	}
	return out, nil
}

// UnitByCode returns one unit.
func (s *UnitStore) UnitByCode(ctx context.Context, code string) (org.Unit, error) {
	units, err := s.ListUnits(ctx)
	if err != nil {
		return org.Unit{}, err
	}
	for _, u := range units {
		if u.Code == code {
			return u, nil
		}
	}
	return org.Unit{}, ErrUnitNotFound
}

// EnsureUnits inserts missing units (by code) and their group memberships.
// Existing units are left as the office edited them.
func (s *UnitStore) EnsureUnits(ctx context.Context, units []org.Unit) (int, error) {
	created := 0
	err := seedTx(ctx, s.db, func(tx *gorm.DB) error {
		created = 0
		// Two replicas starting on an empty Postgres seed the directory
		// one after the other: the second finds every unit stored.
		if s.db.Dialect == Postgres {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(7094)").Error; err != nil {
				return err
			}
		}
		now := s.now()
		ids := map[string]int64{}
		fresh := map[string]bool{}
		for _, u := range units {
			if err := u.Validate(); err != nil {
				return err
			}
			var row unitRow
			err := tx.Where("code = ?", u.Code).Take(&row).Error
			if errors.Is(err, gorm.ErrRecordNotFound) {
				row = unitRow{Code: u.Code, Name: u.Name, NameEN: u.NameEN, Kind: string(u.Kind), IsGroup: u.IsGroup(),
					Example: u.Example, Active: u.Active, CreatedAt: now, UpdatedAt: now}
				if err := tx.Create(&row).Error; err != nil {
					return fmt.Errorf("create unit %s: %w", u.Code, err)
				}
				created++
				fresh[u.Code] = true
			} else if err != nil {
				return err
			}
			ids[u.Code] = row.ID
		}
		for _, u := range units {
			if !fresh[u.Code] {
				continue
			}
			if u.ParentCode != "" {
				if pid, ok := ids[u.ParentCode]; ok {
					if err := tx.Model(&unitRow{}).Where("id = ?", ids[u.Code]).Update("parent_id", pid).Error; err != nil {
						return err
					}
				}
			}
			for _, m := range u.Members {
				mid, ok := ids[m]
				if !ok {
					continue
				}
				if err := tx.Create(&groupMemberRow{GroupID: ids[u.Code], UnitID: mid}).Error; err != nil {
					return fmt.Errorf("group %s member %s: %w", u.Code, m, err)
				}
			}
		}
		return nil
	})
	return created, err
}
