package org

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/fault"
)

// UnitInput is what the office sets on a unit. Every field is set: an edit
// replaces the unit's editable part whole (the code never changes; merge
// a unit into a new one instead).
type UnitInput struct {
	Code   string
	Name   string // Vietnamese
	NameEN string
	Kind   Kind
	// ParentCode is the unit above this one; "" for none.
	ParentCode string
	// Groups are the codes of the groups the unit belongs to, e.g.
	// DIVISIONS, which plan tasks expand to. A group belongs to none.
	Groups []string
	// Email receives the unit's alerts; "" for none.
	Email string
	// Aliases are other written forms of the unit's name that a plan
	// appendix may use (abbreviations, old names). A rename adds the old
	// name by itself.
	Aliases []string
}

// Limits of a unit's fields, in characters.
const (
	MaxUnitName    = 200
	MaxUnitAliases = 20
	MaxUnitCode    = 32
)

var codeShape = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_-]*$`)

// The directory's errors. Field errors name the field of UnitInput as the
// form and the API spell it (code, name, name_en, kind, parent, groups,
// email, aliases).
var (
	ErrUnitNotFound = fault.New(fault.NotFound, "unit.not_found")
	// ErrUnitHasOpenWork refuses to retire a unit that still leads or
	// coordinates open cases or owes running deadlines; Args say how many.
	ErrUnitHasOpenWork = fault.New(fault.Conflict, "unit.open_work")
	ErrUnitMerged      = fault.New(fault.Conflict, "unit.merged")
	ErrCSVInvalid      = fault.New(fault.Invalid, "unit.csv_invalid")
)

// OpenWork is what a unit still holds: open cases it leads or coordinates
// and its running (or suspended) deadlines.
type OpenWork struct {
	Lead, Coordinating, Deadlines int
}

// Any says whether the unit holds any open work.
func (w OpenWork) Any() bool { return w.Lead+w.Coordinating+w.Deadlines > 0 }

// Err is ErrUnitHasOpenWork with the counts, or nil.
func (w OpenWork) Err(code string) error {
	if !w.Any() {
		return nil
	}
	return fault.Newf(fault.Conflict, "unit.open_work", map[string]any{"Unit": code, "Lead": w.Lead,
		"Coordinating": w.Coordinating, "Deadlines": w.Deadlines})
}

// cleanText is NFC, control characters dropped, spaces trimmed.
func cleanText(s string) string {
	s = norm.NFC.String(s)
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return ' '
		case unicode.IsControl(r) || r == utf8.RuneError:
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

func cleanCodes(in []string) []string {
	var out []string
	for _, c := range in {
		c = strings.ToUpper(strings.TrimSpace(c))
		if c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// Check cleans the input (codes upper-cased, text NFC and trimmed, the
// e-mail lower-cased) and returns the field errors it can tell without the
// directory: whether the parent, the groups and the aliases fit the other
// units is the store's to check, in the transaction that saves.
func (in UnitInput) Check() (UnitInput, fault.List) {
	var errs fault.List
	in.Code = strings.ToUpper(strings.TrimSpace(in.Code))
	in.Name, in.NameEN = cleanText(in.Name), cleanText(in.NameEN)
	in.Kind = Kind(strings.TrimSpace(string(in.Kind)))
	in.ParentCode = strings.ToUpper(strings.TrimSpace(in.ParentCode))
	in.Groups = cleanCodes(in.Groups)
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	var aliases []string
	for _, a := range in.Aliases {
		if a = cleanText(a); a != "" && a != in.Name && !slices.Contains(aliases, a) {
			aliases = append(aliases, a)
		}
	}
	in.Aliases = aliases
	if in.Code == "" || len(in.Code) > MaxUnitCode || !codeShape.MatchString(in.Code) {
		errs = append(errs, fault.FieldError("code", "unit.code_invalid", map[string]any{"Max": MaxUnitCode}))
	}
	if utf8.RuneCountInString(in.Name) < 2 {
		errs = append(errs, fault.FieldError("name", "unit.name_required", nil))
	}
	for _, f := range []struct{ field, v string }{{"name", in.Name}, {"name_en", in.NameEN}} {
		if n := utf8.RuneCountInString(f.v); n > MaxUnitName {
			errs = append(errs, fault.FieldError(f.field, "unit.too_long", map[string]any{"Max": MaxUnitName, "Count": n}))
		}
	}
	switch in.Kind {
	case KindOffice, KindDivision, KindServiceCentre, KindGroup:
	default:
		errs = append(errs, fault.FieldError("kind", "unit.kind_invalid", nil))
	}
	if in.ParentCode != "" && in.ParentCode == in.Code {
		errs = append(errs, fault.FieldError("parent", "unit.parent_self", nil))
	}
	if in.Kind == KindGroup && len(in.Groups) > 0 {
		errs = append(errs, fault.FieldError("groups", "unit.group_in_group", nil))
	}
	if slices.Contains(in.Groups, in.Code) {
		errs = append(errs, fault.FieldError("groups", "unit.group_unknown", map[string]any{"Unit": in.Code}))
	}
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || !strings.Contains(in.Email, ".") {
			errs = append(errs, fault.FieldError("email", "unit.email_invalid", nil))
		}
	}
	if len(in.Aliases) > MaxUnitAliases {
		errs = append(errs, fault.FieldError("aliases", "unit.aliases_many", map[string]any{"Max": MaxUnitAliases}))
	}
	for _, a := range in.Aliases {
		if n := utf8.RuneCountInString(a); n < 2 || n > MaxUnitName {
			errs = append(errs, fault.FieldError("aliases", "unit.alias_invalid", map[string]any{"Alias": a, "Max": MaxUnitName}))
			break
		}
	}
	return in, errs
}

// Input returns the unit's editable part, for an edit that changes some
// fields and keeps the rest.
func (u Unit) Input() UnitInput {
	return UnitInput{Code: u.Code, Name: u.Name, NameEN: u.NameEN, Kind: u.Kind, ParentCode: u.ParentCode,
		Groups: append([]string(nil), u.Groups...), Email: u.Email, Aliases: append([]string(nil), u.Aliases...)}
}

// MergeReport says what a merge moved from one unit to the other.
type MergeReport struct {
	From, Into string
	// Cases are the codes of the open cases whose lead or coordinating
	// unit moved; Deadlines the running deadlines; Accounts the staff;
	// Topics and PlanTasks the default leads and plan roles.
	Cases                                  []string
	Deadlines, Accounts, Topics, PlanTasks int
}

// ImportRow is one line of a directory file.
type ImportRow struct {
	Line   int
	Input  UnitInput
	Active bool
}

// ImportReport says what an import did, or would do (a dry run).
type ImportReport struct {
	DryRun                                         bool
	Created, Changed, Unchanged, Retired, Restored []string // unit codes
}

// LineError is one refused field of one line of a directory file.
type LineError struct {
	Line int
	Err  *fault.Error
}

// ImportError refuses a directory file: every bad line, with its field.
// Nothing was written. It is a fault of code invalid (ErrCSVInvalid), so
// an edge that does not list the lines still answers 422.
type ImportError struct{ Lines []LineError }

func (e *ImportError) Error() string {
	var b strings.Builder
	b.WriteString("unit import refused:")
	for _, l := range e.Lines {
		fmt.Fprintf(&b, " line %d: %s;", l.Line, l.Err.Error())
	}
	return b.String()
}

func (e *ImportError) Unwrap() error { return ErrCSVInvalid }

// CSVHeader is the first line of a directory file.
var CSVHeader = []string{"code", "name", "name_en", "kind", "parent", "groups", "email", "aliases", "active"}

// MaxCSVBytes bounds a directory file.
const MaxCSVBytes = 2 << 20

// ReadCSV reads a directory file: the header CSVHeader (columns after code
// and name may be left out), then one unit per line; groups and aliases
// are separated by ";", active is true unless it says false, 0, no or
// "không". A UTF-8 BOM (Excel) is skipped. Lines that cannot be read are
// refused with their number; Check and the store check the rest.
func ReadCSV(r io.Reader) ([]ImportRow, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxCSVBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxCSVBytes {
		return nil, &ImportError{Lines: []LineError{{Line: 0, Err: fault.Newf(fault.Invalid, "unit.csv_large", map[string]any{"Max": MaxCSVBytes >> 20})}}}
	}
	if !utf8.Valid(data) {
		return nil, &ImportError{Lines: []LineError{{Line: 0, Err: fault.New(fault.Invalid, "unit.csv_encoding")}}}
	}
	s := strings.TrimPrefix(string(data), "\ufeff")
	cr := csv.NewReader(strings.NewReader(s))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil, &ImportError{Lines: []LineError{{Line: 1, Err: fault.New(fault.Invalid, "unit.csv_header")}}}
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	_, hasCode := col["code"]
	_, hasName := col["name"]
	for h := range col {
		if !slices.Contains(CSVHeader, h) {
			hasCode = false
		}
	}
	if !hasCode || !hasName {
		return nil, &ImportError{Lines: []LineError{{Line: 1, Err: fault.Newf(fault.Invalid, "unit.csv_header",
			map[string]any{"Columns": strings.Join(CSVHeader, ",")})}}}
	}
	var rows []ImportRow
	var bad []LineError
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			bad = append(bad, LineError{Line: line, Err: fault.New(fault.Invalid, "unit.csv_line_unreadable")})
			continue
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if strings.Join(rec, "") == "" {
			continue
		}
		row := ImportRow{Line: line, Active: true, Input: UnitInput{Code: get("code"), Name: get("name"), NameEN: get("name_en"),
			Kind: Kind(get("kind")), ParentCode: get("parent"), Groups: strings.Split(get("groups"), ";"), Email: get("email"),
			Aliases: strings.Split(get("aliases"), ";")}}
		if row.Input.Kind == "" {
			row.Input.Kind = KindDivision
		}
		switch strings.ToLower(get("active")) {
		case "", "true", "1", "yes", "có", "x":
		case "false", "0", "no", "không":
			row.Active = false
		default:
			bad = append(bad, LineError{Line: line, Err: fault.FieldError("active", "unit.csv_active", nil)})
		}
		rows = append(rows, row)
	}
	if len(bad) > 0 {
		return nil, &ImportError{Lines: bad}
	}
	if len(rows) == 0 {
		return nil, &ImportError{Lines: []LineError{{Line: 2, Err: fault.New(fault.Invalid, "unit.csv_empty")}}}
	}
	return rows, nil
}

// WriteCSV writes units in the form ReadCSV reads, so that the office can
// export the directory, edit it in a spreadsheet and import it back.
func WriteCSV(w io.Writer, units []Unit) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, u := range units {
		active := "true"
		if !u.Active {
			active = "false"
		}
		if err := cw.Write([]string{u.Code, u.Name, u.NameEN, string(u.Kind), u.ParentCode, strings.Join(u.Groups, ";"), u.Email,
			strings.Join(u.Aliases, ";"), active}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// EditStore changes the directory. Each change is one transaction with
// its audit row (unit.create, unit.update, unit.merge, unit.retire,
// unit.restore, unit.import), written by the store.
type EditStore interface {
	UnitStore
	// AddUnit stores a new unit; the code must be free.
	AddUnit(ctx context.Context, in UnitInput, by access.Actor, now time.Time) (Unit, error)
	// UpdateUnit replaces the editable part of the unit in.Code. A changed
	// name keeps the old one as an alias; any edit clears the seed's
	// example marker.
	UpdateUnit(ctx context.Context, in UnitInput, by access.Actor, now time.Time) (Unit, error)
	// MergeUnit moves from's open work (the open cases it leads or
	// coordinates, its running deadlines, its draft answers), its staff,
	// its topics' default lead, its plan roles and its group memberships
	// to into, and retires from, marked as merged into it. Closed cases
	// keep from.
	MergeUnit(ctx context.Context, from, into string, by access.Actor, now time.Time) (MergeReport, error)
	// RetireUnit retires a unit that holds no open work.
	RetireUnit(ctx context.Context, code string, by access.Actor, now time.Time) (Unit, error)
	// RestoreUnit makes a retired (not merged) unit active again.
	RestoreUnit(ctx context.Context, code string, by access.Actor, now time.Time) (Unit, error)
	// ImportUnits creates the units of rows whose codes are new and
	// updates, retires or restores the others, in one transaction: a file
	// with any bad line writes nothing (ImportError). A dry run checks and
	// reports the same, then rolls back.
	ImportUnits(ctx context.Context, rows []ImportRow, dryRun bool, by access.Actor, now time.Time) (ImportReport, error)
}

// Service is the office's edit of the unit directory: it checks who may
// edit and the input, and leaves the rest to the store.
type Service struct {
	store EditStore
	now   func() time.Time
}

// NewService returns the directory service over store.
func NewService(store EditStore, now func() time.Time) (*Service, error) {
	if store == nil || now == nil {
		return nil, errors.New("org: NewService needs a store and a clock")
	}
	return &Service{store: store, now: now}, nil
}

// allow lets the office and admins, and the operator's CLI, edit.
func allow(by access.Actor) error {
	if by.Via == "cli" && !by.Authenticated() {
		return nil
	}
	if !access.Can(by, access.ActUnitManage, nil) {
		return fault.New(fault.Forbidden, "error.forbidden")
	}
	return nil
}

// List returns every unit, retired ones too, for the office.
func (s *Service) List(ctx context.Context, by access.Actor) ([]Unit, error) {
	if err := allow(by); err != nil {
		return nil, err
	}
	return s.store.ListUnits(ctx)
}

// Get returns one unit.
func (s *Service) Get(ctx context.Context, by access.Actor, code string) (Unit, error) {
	if err := allow(by); err != nil {
		return Unit{}, err
	}
	return s.store.UnitByCode(ctx, strings.ToUpper(strings.TrimSpace(code)))
}

// Add adds a unit.
func (s *Service) Add(ctx context.Context, by access.Actor, in UnitInput) (Unit, error) {
	if err := allow(by); err != nil {
		return Unit{}, err
	}
	in, errs := in.Check()
	if len(errs) > 0 {
		return Unit{}, errs
	}
	return s.store.AddUnit(ctx, in, by, s.now())
}

// Update replaces a unit's editable part: rename, regroup (parent and
// groups), e-mail, aliases.
func (s *Service) Update(ctx context.Context, by access.Actor, in UnitInput) (Unit, error) {
	if err := allow(by); err != nil {
		return Unit{}, err
	}
	in, errs := in.Check()
	if len(errs) > 0 {
		return Unit{}, errs
	}
	return s.store.UpdateUnit(ctx, in, by, s.now())
}

// Merge merges the unit from into the unit into.
func (s *Service) Merge(ctx context.Context, by access.Actor, from, into string) (MergeReport, error) {
	if err := allow(by); err != nil {
		return MergeReport{}, err
	}
	from, into = strings.ToUpper(strings.TrimSpace(from)), strings.ToUpper(strings.TrimSpace(into))
	if into == "" {
		return MergeReport{}, fault.List{fault.FieldError("into", "unit.merge_into_required", nil)}
	}
	if from == into {
		return MergeReport{}, fault.List{fault.FieldError("into", "unit.merge_self", nil)}
	}
	return s.store.MergeUnit(ctx, from, into, by, s.now())
}

// Retire retires a unit that holds no open work.
func (s *Service) Retire(ctx context.Context, by access.Actor, code string) (Unit, error) {
	if err := allow(by); err != nil {
		return Unit{}, err
	}
	return s.store.RetireUnit(ctx, strings.ToUpper(strings.TrimSpace(code)), by, s.now())
}

// Restore makes a retired unit active again.
func (s *Service) Restore(ctx context.Context, by access.Actor, code string) (Unit, error) {
	if err := allow(by); err != nil {
		return Unit{}, err
	}
	return s.store.RestoreUnit(ctx, strings.ToUpper(strings.TrimSpace(code)), by, s.now())
}

// Import reads a directory file and applies it (or, dryRun, reports what
// it would do). Every line's field errors are collected before anything is
// written.
func (s *Service) Import(ctx context.Context, by access.Actor, r io.Reader, dryRun bool) (ImportReport, error) {
	if err := allow(by); err != nil {
		return ImportReport{}, err
	}
	rows, err := ReadCSV(r)
	if err != nil {
		return ImportReport{}, err
	}
	var bad []LineError
	seen := map[string]int{}
	for i := range rows {
		in, errs := rows[i].Input.Check()
		rows[i].Input = in
		for _, fe := range errs {
			bad = append(bad, LineError{Line: rows[i].Line, Err: fe})
		}
		if first, dup := seen[in.Code]; dup && in.Code != "" {
			bad = append(bad, LineError{Line: rows[i].Line, Err: fault.FieldError("code", "unit.csv_duplicate", map[string]any{"Line": first})})
		} else {
			seen[in.Code] = rows[i].Line
		}
	}
	if len(bad) > 0 {
		return ImportReport{}, &ImportError{Lines: bad}
	}
	return s.store.ImportUnits(ctx, rows, dryRun, by, s.now())
}
