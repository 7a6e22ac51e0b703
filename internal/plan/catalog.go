package plan

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
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
// names the line. Unit names are matched against the office's current
// directory (see directory): a renamed unit still answers to its old
// names, a merged one's names lead to the unit that took it over, and a
// retired unit matches nothing. A name the directory does not know is
// never added to it: the import is refused with an UnknownUnitsError that
// lists each such name and its tasks, for the office to add the unit or
// the name as another written form of one.
func (c *Catalog) Import(ctx context.Context, data []byte, source string) (ImportReport, error) {
	dir, retired, err := c.directory(ctx)
	if err != nil {
		return ImportReport{}, err
	}
	p, err := ParseAnyWith(data, dir)
	if err != nil {
		return ImportReport{}, err
	}
	if err := unknownUnits(p, retired); err != nil {
		return ImportReport{}, err
	}
	return c.store.SavePlan(ctx, p, source, c.now())
}

// UnknownUnit is a name in a plan's unit cells that names no active unit.
type UnknownUnit struct {
	Name  string   // as written
	Tasks []string // the keys of the tasks that name it
	// Retired is the code of the retired unit the name belongs to, if any.
	Retired string
}

// UnknownUnitsError refuses an import whose unit cells name units the
// directory does not have (or has retired). Nothing was written.
type UnknownUnitsError struct{ Units []UnknownUnit }

func (e *UnknownUnitsError) Error() string {
	var b strings.Builder
	b.WriteString("plan: units not in the directory (add each on the units page, or add the name to a unit's other names, then import again): ")
	for i, u := range e.Units {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%q in task %s", u.Name, strings.Join(u.Tasks, ", "))
		if u.Retired != "" {
			fmt.Fprintf(&b, " (unit %s is retired)", u.Retired)
		}
	}
	return b.String()
}

// Messages words the error from the message catalogue: the heading
// (plan.unknown_units), then one message a name (plan.unknown_unit, or
// plan.unknown_unit_retired with the retired unit's code).
func (e *UnknownUnitsError) Messages() (heading string, units []*fault.Error) {
	for _, u := range e.Units {
		args := map[string]any{"Name": u.Name, "Tasks": strings.Join(u.Tasks, ", ")}
		id := "plan.unknown_unit"
		if u.Retired != "" {
			id, args["Code"] = "plan.unknown_unit_retired", u.Retired
		}
		units = append(units, fault.Newf(fault.Invalid, id, args))
	}
	return "plan.unknown_units", units
}

func unknownUnits(p *Plan, retired map[string]string) error {
	var out []UnknownUnit
	at := map[string]int{}
	for _, t := range p.Tasks() {
		for _, u := range t.Units {
			if !u.Unknown {
				continue
			}
			i, ok := at[u.Unit]
			if !ok {
				i = len(out)
				at[u.Unit] = i
				out = append(out, UnknownUnit{Name: u.Name, Retired: retired[FoldName(u.Name)]})
			}
			if !slices.Contains(out[i].Tasks, t.Key) {
				out[i].Tasks = append(out[i].Tasks, t.Key)
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return &UnknownUnitsError{Units: out}
}

// directory builds the parser's directory from the office's stored units:
// each active unit answers to its name and its other written forms (old
// names, abbreviations), plus the built-in written forms of its code
// (KnownUnits); a merged unit's forms go to the unit that took it over;
// a retired unit's forms name nothing and are returned apart (folded form
// → code) so that the refusal can say why. A written form two units claim
// goes to the first: built-in forms, then names, then other names. With
// no unit source, the built-in table alone.
func (c *Catalog) directory(ctx context.Context) (*Directory, map[string]string, error) {
	if c.units == nil {
		return DefaultDirectory(), nil, nil
	}
	stored, err := c.units(ctx)
	if err != nil {
		return nil, nil, err
	}
	return BuildDirectory(stored)
}

// BuildDirectory is the directory of stored units, as Import uses it; see
// Catalog.directory. The second result maps each retired unit's folded
// written forms to its code.
func BuildDirectory(stored []KnownUnit) (*Directory, map[string]string, error) {
	byCode := map[string]KnownUnit{}
	for _, u := range stored {
		byCode[u.Code] = u
	}
	// target follows merges to the active unit that holds the work now;
	// "" for a retired unit (or a chain that ends in one).
	target := func(code string) string {
		for range len(stored) + 1 {
			u, ok := byCode[code]
			switch {
			case !ok:
				return ""
			case !u.Retired:
				return code
			case u.MergedInto == "":
				return ""
			}
			code = u.MergedInto
		}
		return ""
	}
	builtin := map[string][]string{}
	for _, k := range KnownUnits() {
		builtin[k.Code] = append([]string{k.Name}, k.Aliases...)
	}
	type form struct{ code, text string }
	var first, rest []form
	retired := map[string]string{}
	for _, u := range stored {
		to := target(u.Code)
		forms := append(append([]string{u.Name}, u.Aliases...), builtin[u.Code]...)
		if to == "" {
			for _, f := range forms {
				if k := FoldName(f); k != "" {
					retired[k] = u.Code
				}
			}
			continue
		}
		for _, f := range builtin[u.Code] {
			first = append(first, form{to, f})
		}
		rest = append(rest, form{to, u.Name})
		for _, f := range u.Aliases {
			rest = append(rest, form{to, f})
		}
	}
	owner := map[string]string{}
	aliases := map[string][]string{}
	for _, f := range append(first, rest...) {
		k := FoldName(f.text)
		if k == "" {
			continue
		}
		if _, taken := owner[k]; taken {
			continue
		}
		owner[k] = f.code
		aliases[f.code] = append(aliases[f.code], f.text)
	}
	var units []KnownUnit
	for _, u := range stored {
		if u.Retired || len(aliases[u.Code]) == 0 {
			continue
		}
		units = append(units, KnownUnit{Code: u.Code, Name: aliases[u.Code][0], Kind: u.Kind, Example: u.Example,
			Aliases: aliases[u.Code][1:]})
	}
	for k := range retired {
		if _, active := owner[k]; active {
			delete(retired, k)
		}
	}
	dir, err := NewDirectory(units)
	return dir, retired, err
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
