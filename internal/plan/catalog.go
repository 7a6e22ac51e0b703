package plan

import (
	"bytes"
	"context"
	"time"

	"github.com/phucdap/phucdap/internal/fault"
)

// Summary describes a stored plan without its tasks.
type Summary struct {
	ID             int64
	Number         string
	IssuedOn       string
	IssuingBody    string
	Title          string
	Appendix       string
	Year           int
	DimensionCount int
	TaskCount      int
	Source         string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Record is a stored plan: the plan itself plus the identifiers the
// database gave it. Cases and topics refer to tasks by TaskIDs[key].
type Record struct {
	Summary
	Plan    *Plan
	TaskIDs map[string]int64
}

// ImportStatus says what an import did to the plan as a whole.
type ImportStatus string

const (
	ImportCreated   ImportStatus = "created"
	ImportChanged   ImportStatus = "changed"
	ImportUnchanged ImportStatus = "unchanged"
)

// ImportReport says what an import created and what it changed.
type ImportReport struct {
	PlanID         int64
	Number         string
	Status         ImportStatus
	HeaderChanged  bool
	TasksCreated   []string // task keys
	TasksChanged   []string
	TasksRemoved   []string
	TasksUnchanged int
	UnitsCreated   []string // unit codes the directory did not have
}

// Store persists plans. Implementations must make SavePlan idempotent: the
// same plan number updates in place and never duplicates, and an identical
// plan writes nothing.
type Store interface {
	SavePlan(ctx context.Context, p *Plan, source string, now time.Time) (ImportReport, error)
	ListPlans(ctx context.Context) ([]Summary, error)
	PlanByID(ctx context.Context, id int64) (*Record, error)
	PlanByNumber(ctx context.Context, number string) (*Record, error)
}

// ErrPlanNotFound is returned when no plan has the requested id or number.
var ErrPlanNotFound = fault.New(fault.NotFound, "plan.not_found")

// UnitSource lists the units of the office's editable directory (package
// org), as the parser should recognise them.
type UnitSource func(ctx context.Context) ([]KnownUnit, error)

// Catalog is the plan service: import (appendix text or CSV), list, read.
type Catalog struct {
	store Store
	now   func() time.Time
	units UnitSource
}

// NewCatalog returns the plan service over a store. units may be nil; then
// imports recognise only the built-in table (KnownUnits).
func NewCatalog(store Store, now func() time.Time, units UnitSource) *Catalog {
	return &Catalog{store: store, now: now, units: units}
}

// Import parses data, in either the appendix text format or CSV, and saves
// the plan. Nothing is written when parsing or validation fails; the error
// names the line. Unit names are matched against the built-in written forms
// and the office's current directory, so a unit the office added (or
// renamed) is recognised instead of being created again.
func (c *Catalog) Import(ctx context.Context, data []byte, source string) (ImportReport, error) {
	dir, err := c.directory(ctx)
	if err != nil {
		return ImportReport{}, err
	}
	p, err := ParseAnyWith(data, dir)
	if err != nil {
		return ImportReport{}, err
	}
	return c.store.SavePlan(ctx, p, source, c.now())
}

// directory merges the built-in table with the stored units: a stored
// unit's name becomes one more written form of its code. A stored name that
// would make a written form ambiguous is left out rather than failing the
// import; the built-in forms win.
func (c *Catalog) directory(ctx context.Context) (*Directory, error) {
	if c.units == nil {
		return DefaultDirectory(), nil
	}
	stored, err := c.units(ctx)
	if err != nil {
		return nil, err
	}
	merged := KnownUnits()
	dir, err := NewDirectory(merged)
	if err != nil {
		return nil, err
	}
	for _, u := range stored {
		next := append([]KnownUnit(nil), merged...)
		found := false
		for i := range next {
			if next[i].Code == u.Code {
				next[i].Aliases = append(append([]string(nil), next[i].Aliases...), u.Name)
				found = true
			}
		}
		if !found {
			next = append(next, u)
		}
		if d, err := NewDirectory(next); err == nil {
			merged, dir = next, d
		}
	}
	return dir, nil
}

// ParseAny parses data in the format Detect recognises, with the built-in
// unit table.
func ParseAny(data []byte) (*Plan, error) { return ParseAnyWith(data, DefaultDirectory()) }

// ParseAnyWith parses data in the format Detect recognises, recognising
// units with dir.
func ParseAnyWith(data []byte, dir *Directory) (*Plan, error) {
	if Detect(data) == FormatCSV {
		return ParseCSVWith(bytes.NewReader(data), dir)
	}
	return ParseWith(bytes.NewReader(data), dir)
}

// List returns the stored plans, newest first.
func (c *Catalog) List(ctx context.Context) ([]Summary, error) { return c.store.ListPlans(ctx) }

// Get returns one plan by id.
func (c *Catalog) Get(ctx context.Context, id int64) (*Record, error) {
	return c.store.PlanByID(ctx, id)
}

// GetByNumber returns one plan by its number, e.g. "55/KH-SXD".
func (c *Catalog) GetByNumber(ctx context.Context, number string) (*Record, error) {
	return c.store.PlanByNumber(ctx, number)
}
