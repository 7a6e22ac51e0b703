package report

import (
	"sort"

	"github.com/phucdap/phucdap/internal/calendar"
)

// DayPair is one group of the response-time histogram the Store returns:
// how many answers in a cell had their clock started on one local day and
// were published on another. A month has at most a few thousand such pairs whatever the
// number of cases, so the working-day arithmetic (which SQL cannot do: the
// calendar is a per-year table an admin edits) runs over groups, not rows.
type DayPair struct {
	Window   string
	Key      string
	Received calendar.Date
	Answered calendar.Date
	N        int64
}

// Response is the response time of a cell in working days: from the day
// the answer clock started (the receipt for petitions and feedback, the
// acceptance decision for complaints and denunciations: what the due time
// counts from) to the day the answer was published, counted as
// calendar.WorkingDaysBetween does (an answer the same day is 0, the next
// working day 1).
type Response struct {
	N      int64
	Median int // nearest rank: the smallest value with at least half the answers at or below it
	P90    int
}

// Defined says whether there were answers.
func (r Response) Defined() bool { return r.N > 0 }

// responses computes the nearest-rank median and 90th percentile of each
// (window, key) cell.
func responses(cal *calendar.Calendar, pairs []DayPair) map[cellKey]Response {
	type hist map[int]int64
	byCell := map[cellKey]hist{}
	for _, p := range pairs {
		k := cellKey{p.Window, p.Key}
		h := byCell[k]
		if h == nil {
			h = hist{}
			byCell[k] = h
		}
		d := cal.WorkingDaysBetween(p.Received, p.Answered)
		if d < 0 {
			d = 0
		}
		h[d] += p.N
	}
	out := make(map[cellKey]Response, len(byCell))
	for k, h := range byCell {
		out[k] = percentiles(h)
	}
	return out
}

func percentiles(h map[int]int64) Response {
	days := make([]int, 0, len(h))
	var n int64
	for d, c := range h {
		days = append(days, d)
		n += c
	}
	sort.Ints(days)
	r := Response{N: n}
	if n == 0 {
		return r
	}
	rank := func(p int64) int {
		// nearest rank: ceil(p/100 · n)
		want := (p*n + 99) / 100
		if want < 1 {
			want = 1
		}
		var seen int64
		for _, d := range days {
			seen += h[d]
			if seen >= want {
				return d
			}
		}
		return days[len(days)-1]
	}
	r.Median, r.P90 = rank(50), rank(90)
	return r
}
