// Command table turns the raw figures deploy/bench/all.sh records into its
// one table: for each figure the floor, phucdap, the median of the
// per-pair ratios (phucdap / floor, each pair measured back to back), the
// goal and the verdict; printed, and written as JSON with every raw pair.
//
//	table -in raw.tsv -json results.json [-notes notes.txt]
//
// raw.tsv has one measurement a line: figure, side (floor or phucdap),
// round, value, load average when it started, tab-separated.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// figure says how to read one figure's pairs.
type figure struct {
	Name  string  `json:"figure"`
	Unit  string  `json:"unit"`
	Floor string  `json:"floor_is"`
	Goal  string  `json:"goal"`
	min   float64 // the ratio must be at least this (0: no lower bound)
	max   float64 // the ratio must be at most this (0: no upper bound)
	abs   float64 // phucdap's own median must be at most this (0: none)
}

var figures = []figure{
	{Name: "intake-pg req/s", Unit: "req/s", Floor: "bare echo+pgx single-row insert", Goal: "≥ 0.5", min: 0.5},
	{Name: "intake-pg p99", Unit: "ms", Floor: "its p99", Goal: "≤ 1.5", max: 1.5},
	{Name: "intake-pg vs pgbench 5 rows+counter", Unit: "req/s", Floor: "pgbench intake5_seqlast TPS", Goal: "(context)"},
	{Name: "intake-pg vs pgbench batch", Unit: "req/s", Floor: "pgbench intake_batch16.sql, petitions/s (TPS × 16)", Goal: "(context)"},
	{Name: "intake-pg vs pgbench phucdap's batch", Unit: "req/s", Floor: "pgbench intake_phucdap.sql on phucdap's schema, one client, petitions/s (TPS × 16)", Goal: "(context)"},
	{Name: "intake-pg app CPU µs/req", Unit: "µs", Floor: "the bare program's CPU per request", Goal: "(context)"},
	{Name: "intake-pg PostgreSQL CPU µs/req", Unit: "µs", Floor: "PostgreSQL's CPU per bare insert", Goal: "(context)"},
	{Name: "lookup req/s", Unit: "req/s", Floor: "bare GET by code over 1M rows", Goal: "≥ 0.7", min: 0.7},
	{Name: "lookup p99", Unit: "ms", Floor: "its p99", Goal: "(context)"},
	{Name: "lookup app CPU µs/req", Unit: "µs", Floor: "the bare program's CPU per request", Goal: "(context)"},
	{Name: "lookup PostgreSQL CPU µs/req", Unit: "µs", Floor: "PostgreSQL's CPU per bare GET", Goal: "(context)"},
	{Name: "intake-sqlite req/s", Unit: "req/s", Floor: "bare echo+glebarez insert", Goal: "≥ 0.8", min: 0.8},
	{Name: "intake-sqlite app CPU µs/req", Unit: "µs", Floor: "the bare program's CPU per request (SQLite in process)", Goal: "(context)"},
	{Name: "kpi month by unit", Unit: "ms", Floor: "bare GROUP BY over the same rows", Goal: "≤ 1.2", max: 1.2},
	{Name: "sweep 1M vs 20k", Unit: "ms", Floor: "the same sweep over 20k open", Goal: "≤ 1.5", max: 1.5},
	{Name: "sweep vs its writes in bare SQL", Unit: "ms", Floor: "the flags, events, alerts and queued e-mails of 20k newly late of 1M, in bare SQL, 1,000 a statement", Goal: "≤ 1.5", max: 1.5},
	// The bare UPDATE writes the flags alone, one row of the sweep's four
	// a clock: context, not the sweep's floor.
	{Name: "sweep vs bare UPDATE", Unit: "ms", Floor: "bare UPDATE of the flags of 20k newly late of 1M", Goal: "(context)"},
	// The recompute runs the deadline engine for every clock; its floor
	// moves the same due times by a day in SQL. No goal was set for it.
	{Name: "recompute vs its writes in bare SQL", Unit: "ms", Floor: "the due times, explanations and events of 100k moved clocks, in bare SQL, 1,000 a statement", Goal: "(context)"},
	{Name: "search name p95", Unit: "ms", Floor: "bare ILIKE on an unaccented trigram index (deploy/bench/search)", Goal: "≤ 1.5, ≤ 100 ms", max: 1.5, abs: 100},
	{Name: "search phrase p95", Unit: "ms", Floor: "bare ILIKE on an unaccented trigram index (deploy/bench/search)", Goal: "≤ 1.5, ≤ 100 ms", max: 1.5, abs: 100},
	{Name: "search code prefix p95", Unit: "ms", Floor: "bare code LIKE prefix", Goal: "≤ 1.5, ≤ 100 ms", max: 1.5, abs: 100},
	{Name: "search code start p95", Unit: "ms", Floor: "bare code LIKE start, fifty ids in no order (the page lists fifty full cases in order)", Goal: "(context)"},
	{Name: "peak RSS", Unit: "MB", Floor: "bare program's peak RSS", Goal: "≤ 100 MB", abs: 100},
	{Name: "cold start", Unit: "ms", Floor: "bare program, SQLite", Goal: "(context)"},
}

// fnum is a figure that may be missing (NaN), written as null in JSON.
type fnum float64

func (f fnum) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(f)) {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatFloat(float64(f), 'f', 3, 64)), nil
}

type pair struct {
	Round   int    `json:"round"`
	Floor   fnum   `json:"floor"`
	Phucdap fnum   `json:"phucdap"`
	Ratio   fnum   `json:"ratio"`
	Load    string `json:"load"`
}

type row struct {
	figure
	Floor   fnum   `json:"floor_median"`
	Phucdap fnum   `json:"phucdap_median"`
	Ratio   fnum   `json:"ratio_median"`
	Verdict string `json:"verdict"`
	Pairs   []pair `json:"pairs"`
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func main() {
	in := flag.String("in", "raw.tsv", "raw figures")
	out := flag.String("json", "results.json", "JSON output")
	notes := flag.String("notes", "", "file of notes (load waits, skipped figures) to print and keep")
	flag.Parse()
	f, err := os.Open(*in)
	if err != nil {
		log.Fatal(err)
	}
	type key struct {
		fig   string
		round int
	}
	type side struct {
		v    float64
		load string
		ok   bool
	}
	floors, ours := map[key]side{}, map[key]side{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p := strings.Split(sc.Text(), "\t")
		if len(p) < 4 {
			continue
		}
		r, _ := strconv.Atoi(p[2])
		v, err := strconv.ParseFloat(p[3], 64)
		if err != nil {
			continue
		}
		load := ""
		if len(p) > 4 {
			load = p[4]
		}
		k := key{p[0], r}
		if p[1] == "floor" {
			floors[k] = side{v, load, true}
		} else {
			ours[k] = side{v, load, true}
		}
	}
	var rows []row
	for _, fig := range figures {
		rw := row{figure: fig}
		var fv, pv, rv []float64
		for r := 1; r <= 100; r++ {
			k := key{fig.Name, r}
			fl, us := floors[k], ours[k]
			if !fl.ok && !us.ok {
				continue
			}
			pr := pair{Round: r, Floor: fnum(math.NaN()), Phucdap: fnum(math.NaN()), Ratio: fnum(math.NaN()), Load: strings.TrimSpace(fl.load + " " + us.load)}
			if fl.ok {
				fv = append(fv, fl.v)
				pr.Floor = fnum(fl.v)
			}
			if us.ok {
				pv = append(pv, us.v)
				pr.Phucdap = fnum(us.v)
			}
			if fl.ok && us.ok && fl.v > 0 {
				pr.Ratio = fnum(us.v / fl.v)
				rv = append(rv, us.v/fl.v)
			}
			rw.Pairs = append(rw.Pairs, pr)
		}
		rw.Floor, rw.Phucdap, rw.Ratio = fnum(median(fv)), fnum(median(pv)), fnum(median(rv))
		// A figure holds when every goal it has holds: an absolute limit
		// on phucdap's median, a least or a greatest ratio.
		ok, goals := true, 0
		if fig.abs > 0 && len(pv) > 0 {
			ok, goals = ok && float64(rw.Phucdap) <= fig.abs, goals+1
		}
		if fig.min > 0 && len(rv) > 0 {
			ok, goals = ok && float64(rw.Ratio) >= fig.min, goals+1
		}
		if fig.max > 0 && len(rv) > 0 {
			ok, goals = ok && float64(rw.Ratio) <= fig.max, goals+1
		}
		switch {
		case len(pv) == 0:
			rw.Verdict = "not measured"
		case goals > 0:
			rw.Verdict = verdict(ok)
		default:
			rw.Verdict = "reported"
		}
		rows = append(rows, rw)
	}
	var noteText string
	if *notes != "" {
		if b, err := os.ReadFile(*notes); err == nil {
			noteText = string(b)
		}
	}
	host, _ := os.Hostname()
	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(w, "\n| figure | floor | phucdap | ratio (median of pairs) | goal | verdict | pairs | load at each pair |\n|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		var loads []string
		for _, p := range r.Pairs {
			loads = append(loads, p.Load)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %d | %s |\n", r.Name, num(r.Floor, r.Unit), num(r.Phucdap, r.Unit), ratio(r.Ratio), r.Goal,
			r.Verdict, len(r.Pairs), strings.Join(loads, "; "))
	}
	if noteText != "" {
		fmt.Fprintf(w, "\nNotes:\n%s", noteText)
	}
	w.Flush()
	b, _ := json.MarshalIndent(map[string]any{"at": time.Now().UTC().Format(time.RFC3339), "host": host, "figures": rows,
		"notes": strings.Split(strings.TrimSpace(noteText), "\n")}, "", "  ")
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		log.Fatal(err)
	}
}

func verdict(ok bool) string {
	if ok {
		return "holds"
	}
	return "misses"
}

func num(f fnum, unit string) string {
	v := float64(f)
	if math.IsNaN(v) {
		return "–"
	}
	if v >= 100 {
		return fmt.Sprintf("%.0f %s", v, unit)
	}
	return fmt.Sprintf("%.1f %s", v, unit)
}

func ratio(f fnum) string {
	if math.IsNaN(float64(f)) {
		return "–"
	}
	return fmt.Sprintf("%.2f", float64(f))
}
