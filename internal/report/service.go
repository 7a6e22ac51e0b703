package report

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/fault"
)

// Config wires the service.
type Config struct {
	Store    Store
	Calendar func(context.Context) *calendar.Calendar
	Location *time.Location
	Now      func() time.Time
	// SmallCount marks rows whose on-time denominator is below it: a unit
	// with 2 cases is shown with its count, not ranked against one with
	// 200. Default 5.
	SmallCount int
	// AgeBuckets are the upper bounds, in working days since receipt, of
	// the backlog's age buckets; a last, open-ended bucket follows.
	// Default 5, 10, 20, 30.
	AgeBuckets []int
	// DueSoonDays is the horizon of "due soon" in working days. Default 3.
	DueSoonDays int
	// ChaseDays is the horizon of the cases to chase (the inbox's
	// proposal) in working days. Default 2.
	ChaseDays int
}

// Service computes the KPIs.
type Service struct {
	cfg    Config
	public *memo
}

// NewService checks the configuration and returns the service.
func NewService(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Calendar == nil || cfg.Location == nil || cfg.Now == nil {
		return nil, fmt.Errorf("report: Store, Calendar, Location and Now are required")
	}
	if cfg.SmallCount <= 0 {
		cfg.SmallCount = 5
	}
	if len(cfg.AgeBuckets) == 0 {
		cfg.AgeBuckets = []int{5, 10, 20, 30}
	}
	if cfg.DueSoonDays <= 0 {
		cfg.DueSoonDays = 3
	}
	if cfg.ChaseDays <= 0 {
		cfg.ChaseDays = 2
	}
	// The public figures' cache expires on wall time: its lifetime is not a
	// business time.
	return &Service{cfg: cfg, public: &memo{now: time.Now}}, nil
}

// AsOf is the service with its clock stopped at now: a report as it was
// (or will be) at that instant.
func (s *Service) AsOf(now time.Time) *Service { return s.at(now) }

// at is the service with its clock stopped at now.
func (s *Service) at(now time.Time) *Service {
	c := *s
	c.cfg.Now = func() time.Time { return now }
	return &c
}

// Location is the business time zone.
func (s *Service) Location() *time.Location { return s.cfg.Location }

// NowTime is the service's clock.
func (s *Service) NowTime() time.Time { return s.cfg.Now() }

// SmallCount is the threshold below which a row is marked small.
func (s *Service) SmallCount() int { return s.cfg.SmallCount }

// DueSoonDays is the due-soon horizon in working days.
func (s *Service) DueSoonDays() int { return s.cfg.DueSoonDays }

// ChaseDays is the chase horizon in working days.
func (s *Service) ChaseDays() int { return s.cfg.ChaseDays }

// AgeBuckets are the backlog's bucket bounds in working days.
func (s *Service) AgeBuckets() []int { return slices.Clone(s.cfg.AgeBuckets) }

// Today is the business date of now.
func (s *Service) Today() calendar.Date { return calendar.DateOf(s.cfg.Now(), s.cfg.Location) }

// Offset is the store's day offset for the business time zone.
func (s *Service) Offset() DayOffset {
	_, off := s.cfg.Now().In(s.cfg.Location).Zone()
	return DayOffset(off)
}

// Query asks for a report.
type Query struct {
	Period Period
	By     By
	Where  []Cond
}

// Row is one line of a report: a slice key (or a window, for a temporal
// report) with its figures, its response time and its targets.
type Row struct {
	Window string
	Key    string
	// Label and LabelEN name the row when it is an entity (unit, task,
	// dimension, topic, window); LabelID is the message id when it is a
	// code (a kind, a channel, "none").
	Label   string
	LabelEN string
	LabelID string
	// Code is the unit's code or the task's key, for exports.
	Code string
	Counts
	Response Response
	// OnTimeTarget and SatisfactionTarget are the plan's targets for the
	// row: the task's own for a plan task, the headline target (VII) for
	// the department and any other slice.
	OnTimeTarget       *Target
	SatisfactionTarget *Target
	// Small: fewer than SmallCount cases in the on-time denominator.
	Small bool
}

// Name is the row's label in lang; t translates a message id.
func (r Row) Name(lang string, t func(id string) string) string {
	switch {
	case r.LabelID != "":
		return t(r.LabelID)
	case lang == "en" && r.LabelEN != "":
		return r.LabelEN
	}
	return r.Label
}

// MeetsOnTimeTarget says whether the row reaches its on-time target.
func (r Row) MeetsOnTimeTarget() bool {
	return r.OnTimeTarget != nil && r.OnTime().MeetsTarget(r.OnTimeTarget.Value)
}

// Report is a computed report.
type Report struct {
	Query
	Windows []Window
	Rows    []Row
	Total   Row
	// Headline is the department-wide on-time target, if the plan has one.
	Headline *Target
	At       time.Time
	SmallN   int
}

type cellKey struct{ window, key string }

// Validate checks a query.
func (q Query) Validate() error {
	if err := q.Period.Validate(); err != nil {
		return err
	}
	if _, err := ParseBy(string(q.By)); err != nil {
		return err
	}
	for _, c := range q.Where {
		if c.By.Temporal() || c.By == ByTotal {
			return fault.FieldError("where", "report.bad_by", map[string]any{"Value": string(c.By)})
		}
	}
	return nil
}

// Report counts the figures of q.
func (s *Service) Report(ctx context.Context, q Query) (*Report, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	windows, err := q.Period.Windows(q.By, s.cfg.Location, now)
	if err != nil {
		return nil, err
	}
	spec := Spec{Windows: windows, By: q.By, Where: q.Where, Loc: s.cfg.Location}
	if q.By.Temporal() {
		spec.By = ByTotal
	}
	// The directory (names, plan tasks, targets: six small reads) is read
	// while the counts run, so that the report takes the time of its one
	// large statement, as the bare GROUP BY does.
	var (
		dir    *Directory
		dirErr error
		read   = make(chan struct{})
	)
	go func() {
		defer close(read)
		dir, dirErr = s.cfg.Store.Directory(ctx)
	}()
	cells, pairs, err := s.cfg.Store.Counts(ctx, spec, s.Offset())
	<-read
	if err != nil {
		return nil, err
	}
	if dirErr != nil {
		return nil, dirErr
	}
	cal := s.cfg.Calendar(ctx)
	rep := &Report{Query: q, Windows: windows, At: now, SmallN: s.cfg.SmallCount}
	if h, ok := dir.HeadlineTarget(); ok {
		rep.Headline = &h
	}
	byCell := map[cellKey]Counts{}
	for _, c := range cells {
		k := cellKey{c.Window, c.Key}
		cur := byCell[k]
		cur.Add(c.Counts)
		byCell[k] = cur
	}
	resp := responses(cal, pairs)

	// The total: every cell summed per window, then over windows (a
	// multi-window report's total counts each window's open-late at that
	// window's end, as its rows do).
	var total Counts
	for _, c := range byCell {
		total.Add(c)
	}
	rep.Total = Row{LabelID: "report.total", Counts: total}
	all := make([]DayPair, len(pairs))
	for i, p := range pairs {
		p.Window, p.Key = "", "*"
		all[i] = p
	}
	rep.Total.Response = responses(cal, all)[cellKey{"", "*"}]
	s.targets(dir, &rep.Total, q.By, "")

	if q.By.Temporal() {
		for _, w := range windows {
			r := Row{Window: w.Key, Key: w.Key, Label: w.Label(), LabelEN: w.Label(), Counts: byCell[cellKey{w.Key, ""}]}
			r.Response = resp[cellKey{w.Key, ""}]
			s.targets(dir, &r, q.By, "")
			rep.Rows = append(rep.Rows, r)
		}
		return rep, nil
	}
	if q.By == ByTotal {
		return rep, nil
	}
	w := windows[0].Key
	for _, key := range s.keys(dir, q.By, byCell) {
		r := Row{Window: w, Key: key, Counts: byCell[cellKey{w, key}]}
		r.Response = resp[cellKey{w, key}]
		label(dir, q.By, &r)
		s.targets(dir, &r, q.By, key)
		rep.Rows = append(rep.Rows, r)
	}
	return rep, nil
}

// RollupGrace is how long after midnight a day is left open for
// transactions that started before it to commit.
const RollupGrace = 15 * time.Minute

// Rollup rolls every closed day up to yesterday (as of now minus
// RollupGrace) into the store's daily facts: the nightly snapshot that
// makes past days cheap to report. It is idempotent and catches up after
// downtime.
func (s *Service) Rollup(ctx context.Context) (int, error) {
	now := s.cfg.Now()
	through := calendar.DateOf(now.Add(-RollupGrace), s.cfg.Location).AddDays(-1)
	return s.cfg.Store.Rollup(ctx, through, s.cfg.Location, now)
}

// Directory returns the names behind report keys.
func (s *Service) Directory(ctx context.Context) (*Directory, error) {
	return s.cfg.Store.Directory(ctx)
}

// LabelRow names a row of a slicing from the directory.
func LabelRow(dir *Directory, by By, r *Row) { label(dir, by, r) }

// targets sets the row's targets and small flag.
func (s *Service) targets(dir *Directory, r *Row, by By, key string) {
	// Small: some cases, but too few to rank; none at all reads "—".
	den := r.OnTime().Den
	r.Small = den > 0 && den < int64(s.cfg.SmallCount)
	if by == ByPlanTask {
		if t, ok := dir.Task(keyID(key)); ok {
			if g, ok := t.TaskTarget(MetricOnTimeRate); ok {
				r.OnTimeTarget = &g
			}
			if g, ok := t.TaskTarget(MetricSatisfactionRate); ok {
				r.SatisfactionTarget = &g
			}
		}
		return
	}
	if g, ok := dir.HeadlineTarget(); ok {
		r.OnTimeTarget = &g
	}
}

// keys lists the rows of a slicing: every entity of the directory that can
// have figures (so that a unit with no case shows as such), then any other
// key that has figures, then "" (none) if it has figures.
func (s *Service) keys(dir *Directory, by By, cells map[cellKey]Counts) []string {
	var keys []string
	seen := map[string]bool{}
	add := func(k string) {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	switch by {
	case ByUnit:
		for _, u := range dir.Units {
			if u.Active && u.Kind != "group" {
				add(idKey(u.ID))
			}
		}
	case ByPlanTask:
		for _, t := range dir.PlanTasks() {
			add(idKey(t.ID))
		}
	case ByDimension:
		for _, d := range dir.PlanDimensions() {
			add(idKey(d.ID))
		}
	case ByTopic:
		for _, t := range dir.Topics {
			add(idKey(t.ID))
		}
	case ByKind:
		for _, k := range Kinds {
			add(k)
		}
	}
	var rest []string
	for k := range cells {
		if !seen[k.key] && k.key != "" {
			rest = append(rest, k.key)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		add(k)
	}
	for k := range cells {
		if k.key == "" {
			add("")
			break
		}
	}
	return keys
}

// Kinds are the case kinds in display order (petition.Kinds; report does
// not import petition).
var Kinds = []string{"kien_nghi", "phan_anh", "khieu_nai", "to_cao"}

// Channels are the intake channels in display order (petition's).
var Channels = []string{"web", "api", "national_portal", "email", "phone", "hotline", "in_person", "post", "forwarded"}

// ElectronicChannels are the channels Plan 55 VII's target is about
// ("qua các kênh điện tử").
var ElectronicChannels = []string{"web", "api", "national_portal", "email"}

func label(dir *Directory, by By, r *Row) {
	if r.Key == "" {
		r.LabelID = "report.none." + string(by)
		return
	}
	switch by {
	case ByUnit:
		if u, ok := dir.Unit(keyID(r.Key)); ok {
			r.Label, r.LabelEN, r.Code = u.Name, u.NameEN, u.Code
		}
	case ByPlanTask:
		if t, ok := dir.Task(keyID(r.Key)); ok {
			r.Label, r.LabelEN, r.Code = t.Key+". "+t.Text, t.Key+". "+t.Text, t.Key
		}
	case ByDimension:
		if d, ok := dir.Dimension(keyID(r.Key)); ok {
			r.Label, r.LabelEN, r.Code = d.Numeral+". "+d.Title, d.Numeral+". "+d.Title, d.Numeral
		}
	case ByTopic:
		if t, ok := dir.Topic(keyID(r.Key)); ok {
			r.Label, r.LabelEN, r.Code = t.NameVI, t.NameEN, t.Slug
		}
	case ByKind:
		r.LabelID, r.Code = "report.kind."+r.Key, r.Key
	case ByChannel:
		r.LabelID, r.Code = "report.channel."+r.Key, r.Key
	}
	if r.Label == "" && r.LabelID == "" {
		r.Label, r.LabelEN = r.Key, r.Key
	}
}

// SortWorstFirst orders rows by on-time rate, lowest first; rows with no
// denominator go last, small rows after the others of the same rate, and
// ties keep their order.
func SortWorstFirst(rows []Row) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		ra, rb := a.OnTime(), b.OnTime()
		if ra.Defined() != rb.Defined() {
			return ra.Defined()
		}
		if !ra.Defined() {
			return false
		}
		// a.Num/a.Den < b.Num/b.Den, exactly.
		l, r := ra.Num*rb.Den, rb.Num*ra.Den
		if l != r {
			return l < r
		}
		return !a.Small && b.Small
	})
}
