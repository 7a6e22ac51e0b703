package report

import (
	"context"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
)

// Figure names one count of a cell; drill-down lists the cases behind one.
type Figure string

// The figures, as the Store names its columns. Each is defined once, by the
// Store's row source for it; the count and the drill-down list of a figure
// read the same source, so they always agree.
const (
	FigReceived        Figure = "received"         // cases.received_at in the window
	FigCarriedOver     Figure = "carried_over"     // received before the window, a main clock (process, accept, answer) running at its start
	FigEligible        Figure = "eligible"         // cases.accepted_at in the window
	FigOnTime          Figure = "on_time"          // answer clock met in the window with the frozen on_time = true
	FigLate            Figure = "late"             // answer clock met in the window with on_time = false
	FigOpenLate        Figure = "open_late"        // answer clock running at AsOf with due_at <= AsOf
	FigExtended        Figure = "extended"         // answer clock met in the window after at least one extension
	FigExtendedOnTime  Figure = "extended_on_time" // … and still by its moved due time
	FigExtensions      Figure = "extensions"       // "extended" events (extensions granted) in the window
	FigNotEligible     Figure = "not_eligible"     // "not_eligible" events in the window
	FigForwarded       Figure = "forwarded"        // "forwarded" events in the window
	FigGuided          Figure = "guided"           // "guided" events in the window
	FigWithdrawn       Figure = "withdrawn"        // "withdrawn" events in the window (resolution stopped)
	FigRated           Figure = "rated"            // ratings given in the window
	FigSatisfied       Figure = "satisfied"        // … of 4 or 5 stars
	FigReopened        Figure = "reopened"         // answers reopened in the window: disputed, or reopened by the office or leadership
	FigContribOnTime   Figure = "contrib_on_time"  // contribution clock met in the window on time
	FigContribLate     Figure = "contrib_late"     // … late
	FigContribOpenLate Figure = "contrib_open_late"
	// Duties (caseclock.Duty: notifying a denunciation's parties, sending
	// a suspension decision, publishing a conclusion), counted like the
	// answer clocks.
	FigDutyOnTime   Figure = "duty_on_time" // duty clock met in the window on time
	FigDutyLate     Figure = "duty_late"    // … late
	FigDutyOpenLate Figure = "duty_open_late"
	// FigChased: chases (đôn đốc) in the window; by unit, the unit chased.
	FigChased Figure = "chased"

	// Figures of the present moment (Current), not of a window.
	FigLateNow Figure = "late_now" // case whose main clock (process, accept, answer) is open and late now: the inbox's "late"
	FigDueSoon Figure = "due_soon" // answer clock open, due within the horizon, no draft answer
	FigOpenNow Figure = "open_now" // a main clock open or suspended now
	FigAge     Figure = "age"      // open now, received in an age bucket (Drill.Bucket)
	// FigUncomputed: a running clock whose due time could not be computed
	// (no calendar year, a rule missing): the office's "clocks to fix".
	FigUncomputed Figure = "uncomputed"
)

// WindowFigures are the figures a window report has, in display order.
var WindowFigures = []Figure{FigReceived, FigCarriedOver, FigEligible, FigOnTime, FigLate, FigOpenLate, FigExtended,
	FigExtendedOnTime, FigExtensions, FigNotEligible, FigForwarded, FigGuided, FigWithdrawn, FigRated, FigSatisfied,
	FigReopened, FigContribOnTime, FigContribLate, FigContribOpenLate, FigDutyOnTime, FigDutyLate, FigDutyOpenLate, FigChased}

// CurrentFigures are the figures of the present moment.
var CurrentFigures = []Figure{FigLateNow, FigDueSoon, FigOpenNow, FigAge, FigUncomputed}

// ParseFigure checks a figure name.
func ParseFigure(s string) (Figure, bool) {
	for _, f := range WindowFigures {
		if string(f) == s {
			return f, true
		}
	}
	for _, f := range CurrentFigures {
		if string(f) == s {
			return f, true
		}
	}
	return "", false
}

// Current says whether the figure is of the present moment.
func (f Figure) Current() bool {
	for _, c := range CurrentFigures {
		if c == f {
			return true
		}
	}
	return false
}

// Cond narrows a query to one slice key: By's key equals Key. Key is what
// the Store returns for that slicing ("" for none: an unassigned case, a
// case with no plan task).
type Cond struct {
	By  By
	Key string
}

// Spec is what the Store counts: figures per window and per key of By
// (By temporal or total gives one key, ""), restricted by Where.
type Spec struct {
	Windows []Window
	By      By
	Where   []Cond
	// Loc is the business time zone (days of the rollup).
	Loc *time.Location
}

// Cell is one window's figures for one key.
type Cell struct {
	Window string
	Key    string
	Counts
}

// Now is the present moment's question: when is now, until when is "due
// soon", and the lower bounds of the age buckets (AgeBounds[i] is the
// earliest receipt instant of bucket i; a case received before the last
// bound is in the last bucket, which is open-ended).
type Now struct {
	At        time.Time
	SoonUntil time.Time
	AgeBounds []time.Time
}

// CurrentCell is the present state for one key.
type CurrentCell struct {
	Key        string
	LateNow    int64
	DueSoon    int64
	OpenNow    int64
	Uncomputed int64
	// Age counts the open cases per age bucket: len(AgeBounds)+1 entries.
	Age []int64
}

// Drill asks for the cases behind one figure of one cell.
type Drill struct {
	Figure Figure
	Window Window // for window figures
	Now    Now    // for current figures
	// Bucket is the age bucket of FigAge.
	Bucket int
	By     By
	Key    string
	Where  []Cond
}

// CaseRow is one case of a drill-down list or an export. It carries
// nothing that identifies the petitioner; Title is the staff title, which
// an export scrubs (see ScrubTitle).
type CaseRow struct {
	ID          int64
	Code        string
	Kind        string
	Channel     string
	Status      string
	Title       string
	TopicVI     string
	PlanTaskKey string
	UnitCode    string
	UnitName    string
	ReceivedAt  time.Time
	AcceptedAt  *time.Time
	DueAt       *time.Time // the figure's clock due time, else the case's
	ClosedAt    *time.Time // the figure's clock met/cancelled time
	OnTime      *bool
	Extensions  int
	AnsweredAt  *time.Time // the latest published answer
	Stars       int        // the latest rating, 0 for none
	Eligible    *bool
	// Sealed: the petitioner's identity is sealed (access.CaseScope.Sealed);
	// the title is withheld wherever this row is shown.
	Sealed   bool
	identity access.Identity
}

// SetIdentity is for Store implementations that read the petitioner's
// identity only so that ScrubTitle can remove it; it never leaves the row.
func (r *CaseRow) SetIdentity(id access.Identity) { r.identity = id }

// DayOffset is the Store's way of turning instants into local days: the
// number of seconds to add to a UTC instant before cutting days (25,200 for
// Asia/Ho_Chi_Minh, which has no daylight saving).
type DayOffset int

// Store counts. Every method aggregates in SQL and returns groups, never
// case rows, except Cases and EachCase, which are the lists behind a
// figure.
type Store interface {
	// Counts returns every cell of spec with at least one figure, and the
	// response-time histogram of the answers published in each window:
	// per key, local day the answer clock started and day it was met. Both
	// come from one statement, so they are of one snapshot and the answer
	// clocks are read once.
	Counts(ctx context.Context, spec Spec, off DayOffset) ([]Cell, []DayPair, error)
	// Rollup rolls the answers and contributions met on the closed days
	// up to and including through into the store's daily facts, from the
	// day after its watermark, and moves the watermark. It returns how
	// many days it rolled. Counts reads rolled days from the facts; the
	// result is the same, only cheaper.
	Rollup(ctx context.Context, through calendar.Date, loc *time.Location, now time.Time) (int, error)
	// Current returns the present state per key of by.
	Current(ctx context.Context, now Now, by By, where []Cond) ([]CurrentCell, error)
	// Cases lists the cases behind a figure, newest first, with the total.
	Cases(ctx context.Context, d Drill, limit, offset int) ([]CaseRow, int64, error)
	// EachCase streams the cases behind a figure (all received cases of a
	// window for FigReceived) to fn, in id order, for exports.
	EachCase(ctx context.Context, d Drill, fn func(CaseRow) error) error
	// CountCases counts what EachCase would stream.
	CountCases(ctx context.Context, d Drill) (int64, error)
	// Directory returns the names behind the keys.
	Directory(ctx context.Context) (*Directory, error)
	// TopicMonths counts the cases received per topic and local month
	// (YYYY-MM) in [from, to), for the "recurring topic" flag.
	TopicMonths(ctx context.Context, from, to time.Time, off DayOffset) ([]TopicMonth, error)
}

// TopicMonth is one topic's cases in one month.
type TopicMonth struct {
	TopicID int64
	Month   string
	N       int64
}
