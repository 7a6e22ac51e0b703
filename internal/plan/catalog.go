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

// Catalog is the plan service: import (appendix text or CSV), list, read.
type Catalog struct {
	store Store
	now   func() time.Time
}

// NewCatalog returns the plan service over a store.
func NewCatalog(store Store, now func() time.Time) *Catalog {
	return &Catalog{store: store, now: now}
}

// Import parses data, in either the appendix text format or CSV, and saves
// the plan. Nothing is written when parsing or validation fails; the error
// names the line.
func (c *Catalog) Import(ctx context.Context, data []byte, source string) (ImportReport, error) {
	p, err := ParseAny(data)
	if err != nil {
		return ImportReport{}, err
	}
	return c.store.SavePlan(ctx, p, source, c.now())
}

// ParseAny parses data in the format Detect recognises.
func ParseAny(data []byte) (*Plan, error) {
	if Detect(data) == FormatCSV {
		return ParseCSV(bytes.NewReader(data))
	}
	return Parse(bytes.NewReader(data))
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
