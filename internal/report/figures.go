package report

import (
	"strconv"
	"strings"
)

// SatisfiedStars is the least rating, of 5 stars, that counts as satisfied
// (hài lòng): the one definition, for a case's answer and a visit alike.
const SatisfiedStars = 4

// Counts are the figures of one cell (a window, and a slice key within it).
// The Store counts every one of them in SQL; see the Store interface for
// the exact predicate of each.
type Counts struct {
	// Intake.
	Received    int64 // cases received in the window
	CarriedOver int64 // received before the window and still not finished at its start
	Eligible    int64 // accepted (thụ lý) in the window: eligible and within competence

	// The on-time rate's three terms, over answer clocks of eligible cases.
	AnsweredOnTime int64 // answer published in the window, by its due time (the frozen flag)
	AnsweredLate   int64 // answer published in the window, after its due time
	OpenLate       int64 // no answer yet at the window's end (AsOf), and already past due

	// Extensions: clocks answered in the window that had been extended,
	// and how many of them still made their (moved) due time; and the
	// extensions granted in the window.
	Extended       int64
	ExtendedOnTime int64
	Extensions     int64

	// Outcomes reported apart from the rate, never hidden.
	NotEligible int64
	Forwarded   int64
	Guided      int64
	Withdrawn   int64

	// The citizen's side: ratings given in the window; answers reopened
	// in the window, whoever reopened them (the citizen's dispute, or the
	// office's or leadership's decision).
	Rated     int64
	Satisfied int64 // rated SatisfiedStars or more
	StarsSum  int64
	Reopened  int64

	// Coordinating units' sub-deadlines (contribution clocks), counted like
	// the answer clocks.
	ContribOnTime   int64
	ContribLate     int64
	ContribOpenLate int64

	// Duties owed besides the answer (caseclock.Duty), counted like the
	// answer clocks.
	DutyOnTime   int64
	DutyLate     int64
	DutyOpenLate int64

	// Chased: units chased (đôn đốc) in the window, counted for the unit
	// chased.
	Chased int64
}

// Add sums two cells.
func (c *Counts) Add(o Counts) {
	c.Received += o.Received
	c.CarriedOver += o.CarriedOver
	c.Eligible += o.Eligible
	c.AnsweredOnTime += o.AnsweredOnTime
	c.AnsweredLate += o.AnsweredLate
	c.OpenLate += o.OpenLate
	c.Extended += o.Extended
	c.ExtendedOnTime += o.ExtendedOnTime
	c.Extensions += o.Extensions
	c.NotEligible += o.NotEligible
	c.Forwarded += o.Forwarded
	c.Guided += o.Guided
	c.Withdrawn += o.Withdrawn
	c.Rated += o.Rated
	c.Satisfied += o.Satisfied
	c.StarsSum += o.StarsSum
	c.Reopened += o.Reopened
	c.ContribOnTime += o.ContribOnTime
	c.ContribLate += o.ContribLate
	c.ContribOpenLate += o.ContribOpenLate
	c.DutyOnTime += o.DutyOnTime
	c.DutyLate += o.DutyLate
	c.DutyOpenLate += o.DutyOpenLate
	c.Chased += o.Chased
}

// Answered is every answer published in the window.
func (c Counts) Answered() int64 { return c.AnsweredOnTime + c.AnsweredLate }

// OnTime is the plan's measure: on time over on time, late and open late.
func (c Counts) OnTime() Rate {
	return Rate{Num: c.AnsweredOnTime, Den: c.AnsweredOnTime + c.AnsweredLate + c.OpenLate}
}

// Late is every case that missed its due time in the window: answered late
// or still open past due.
func (c Counts) Late() int64 { return c.AnsweredLate + c.OpenLate }

// Satisfaction is the share of ratings of 4 or 5 stars.
func (c Counts) Satisfaction() Rate { return Rate{Num: c.Satisfied, Den: c.Rated} }

// MeanRating is the average number of stars, 0 with no rating.
func (c Counts) MeanRating() float64 {
	if c.Rated == 0 {
		return 0
	}
	return float64(c.StarsSum) / float64(c.Rated)
}

// ReopenRate is the share of the window's answers that were reopened in
// it, by the citizen's dispute or the agency's decision.
func (c Counts) ReopenRate() Rate { return Rate{Num: c.Reopened, Den: c.Answered()} }

// ContribOnTimeRate is the coordinating units' sub-deadline on-time rate.
func (c Counts) ContribOnTimeRate() Rate {
	return Rate{Num: c.ContribOnTime, Den: c.ContribOnTime + c.ContribLate + c.ContribOpenLate}
}

// DutyOnTimeRate is the on-time rate of the duties owed besides the answer.
func (c Counts) DutyOnTimeRate() Rate {
	return Rate{Num: c.DutyOnTime, Den: c.DutyOnTime + c.DutyLate + c.DutyOpenLate}
}

// ExtendedOnTimeRate is how many extended clocks made their moved due time.
func (c Counts) ExtendedOnTimeRate() Rate { return Rate{Num: c.ExtendedOnTime, Den: c.Extended} }

// Rate is a share, kept as its two counts so that nothing is lost before
// display.
type Rate struct {
	Num, Den int64
}

// Defined says whether the rate has a denominator.
func (r Rate) Defined() bool { return r.Den > 0 }

// Tenths is the percentage in tenths, floored: 9,999 of 10,000 is 999
// (99.9%), never 1000. A month with one late case out of 10,000 must not
// read as 100%.
func (r Rate) Tenths() int64 {
	if r.Den <= 0 {
		return 0
	}
	return r.Num * 1000 / r.Den
}

// Percent is Tenths as a number (87.5), 0 when undefined.
func (r Rate) Percent() float64 { return float64(r.Tenths()) / 10 }

// Full says whether the rate is exactly 100%.
func (r Rate) Full() bool { return r.Den > 0 && r.Num == r.Den }

// VN formats the rate the Vietnamese way, "87,5%", or "—" when undefined.
func (r Rate) VN() string {
	if !r.Defined() {
		return "—"
	}
	return formatTenths(r.Tenths(), ",") + "%"
}

// EN formats the rate with a decimal point, "87.5%".
func (r Rate) EN() string {
	if !r.Defined() {
		return "—"
	}
	return formatTenths(r.Tenths(), ".") + "%"
}

// In formats the rate for lang.
func (r Rate) In(lang string) string {
	if lang == "en" {
		return r.EN()
	}
	return r.VN()
}

func formatTenths(t int64, sep string) string {
	s := strconv.FormatInt(t/10, 10)
	if d := t % 10; d != 0 {
		s += sep + strconv.FormatInt(d, 10)
	}
	return s
}

// FormatDays writes a number of working days with one decimal at most, in
// the Vietnamese (decimal comma) or English style.
func FormatDays(v float64, lang string) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// MeetsTarget says whether the rate reaches a target in percent. An
// undefined rate meets nothing.
func (r Rate) MeetsTarget(target float64) bool {
	if !r.Defined() {
		return false
	}
	// Compare exactly: num/den >= target/100  ⇔  100·num >= target·den.
	return float64(100*r.Num) >= target*float64(r.Den)
}
