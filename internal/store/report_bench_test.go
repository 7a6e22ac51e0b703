package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/org"
	"github.com/phucdap/phucdap/internal/plan"
	"github.com/phucdap/phucdap/internal/report"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// BenchmarkReportMonthByUnit measures the heaviest report: on Postgres with
// 1M seeded cases (a year of intake, one answer clock each, a coordinating
// unit's clock on one in five, outcomes, ratings and disputes), the
// month-by-unit report, all of report.Service.Report (every figure,
// response percentiles, names and targets), against its floor, measured
// in the same run and interleaved as performance-floors.md §5–6 asks. It
// reports the median of the per-round ratios, which must be at most 1.2.
//
// The floor is bareMonthByUnit: the same figures over the same rows in
// the same groups (the report's 24 counts per unit and its response-time
// histogram per unit and pair of days), written once here as bare SQL,
// scanned with database/sql. It reads what the report reads, the days the
// nightly job rolled up (report_facts) for the answers met in the month,
// the tables for the rest; its due, late and on-time conditions are
// caseclock's, the one definition. The bench checks that it gives the
// report's figures, so the two do the same work.
//
// Both sides are warmed the same way, the rounds alternate which side
// goes first, and the garbage collector runs before each timed call, so
// neither pays for the other's garbage. For context it also times
// bare-table, the floor document's per-unit on-time GROUP BY over the
// whole clock table (1.2M rows).
//
//	go test ./internal/store -run '^$' -bench BenchmarkReportMonthByUnit -benchtime 1x -timeout 30m
//
// (deploy/bench/report.sh runs it and prints the figures.) It never runs
// in a plain go test: benchmarks run only with -bench.
func BenchmarkReportMonthByUnit(b *testing.B) {
	ctx, now, db, svc := benchReports(b, nil)
	q := report.Query{Period: report.Period{From: calendar.NewDate(2026, 11, 1), To: calendar.NewDate(2026, 11, 30)}, By: report.ByUnit}
	bareTable := func() time.Duration {
		t0 := time.Now()
		if err := benchRead(ctx, db, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, "SELECT unit_id, count(*) AS n, count(*) FILTER (WHERE on_time) AS on_time FROM case_clocks GROUP BY unit_id")
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
			}
			return rows.Err()
		}); err != nil {
			b.Fatal(err)
		}
		return time.Since(t0)
	}
	var fl monthByUnit
	floor := func() time.Duration {
		runtime.GC()
		t0 := time.Now()
		fl = bareMonthByUnit(ctx, b, db, now)
		return time.Since(t0)
	}
	var rep *report.Report
	runReport := func() time.Duration {
		runtime.GC()
		t0 := time.Now()
		var err error
		if rep, err = svc.Report(ctx, q); err != nil {
			b.Fatal(err)
		}
		return time.Since(t0)
	}
	// Warm the caches the same way for both sides (the tables fit in RAM,
	// as in the floors), then check that they computed the same figures.
	for range 3 {
		floor()
		runReport()
		bareTable()
	}
	fl.sameAs(b, rep)
	rounds := benchRounds()
	var reps, floors, table, ratios []float64
	b.ResetTimer()
	for range b.N {
		for i := range rounds {
			var f, r time.Duration
			if i%2 == 0 {
				f, r = floor(), runReport()
			} else {
				r, f = runReport(), floor()
			}
			t := bareTable()
			floors, reps, table, ratios = append(floors, ms(f)), append(reps, ms(r)), append(table, ms(t)), append(ratios, ms(r)/ms(f))
			b.Logf("round %d: floor %.1f ms, report %.1f ms, ratio %.3f (bare-table %.1f ms)", len(reps), ms(f), ms(r), ms(r)/ms(f), ms(t))
		}
	}
	b.StopTimer()
	b.ReportMetric(median(reps), "report-ms")
	b.ReportMetric(median(floors), "floor-ms")
	b.ReportMetric(median(table), "bare-table-ms")
	b.ReportMetric(median(ratios), "ratio")
	verdict := "PASS"
	if median(ratios) > 1.2 {
		verdict = "FAIL"
	}
	b.Logf("November 2026, %d cases received. Medians of %d interleaved rounds: report %.1f ms; floor (the same figures in bare SQL) %.1f ms; "+
		"ratio %.3f (per-round ratios %.2f–%.2f), limit 1.2: %s; load average %s; the whole clock table's GROUP BY %.1f ms",
		rep.Total.Received, rounds, median(reps), median(floors), median(ratios), slices.Min(ratios), slices.Max(ratios), verdict, loadAvg(), median(table))
	if verdict != "PASS" {
		b.Errorf("the month-by-unit report takes %.2f× its floor, the same figures in bare SQL (limit 1.2)", median(ratios))
	}
}

// monthByUnit is what bareMonthByUnit computes: the figures per unit
// (0 for none), and the answers met per unit and pair of local days
// (days since 1970-01-01).
type monthByUnit struct {
	counts map[int64]report.Counts
	met    map[[3]int64]int64 // unit, received day, answered day → answers
}

// bareMonthByUnit is the floor of the month-by-unit report: the same
// figures over the same rows, in bare SQL, one statement in a read-only
// transaction with the report's session settings (JIT off, the same
// work_mem), scanned with database/sql.
func bareMonthByUnit(ctx context.Context, b *testing.B, db *store.DB, now time.Time) monthByUnit {
	b.Helper()
	out := monthByUnit{counts: map[int64]report.Counts{}, met: map[[3]int64]int64{}}
	err := benchRead(ctx, db, func(tx *sql.Tx) error {
		// The rows the report reads: the facts of the days rolled up, the
		// clocks met after the watermark.
		var through string
		if err := tx.QueryRowContext(ctx, "SELECT through FROM report_rollup WHERE id = 1").Scan(&through); err != nil {
			return err
		}
		rolled, err := calendar.ParseDate(through)
		if err != nil {
			return err
		}
		from, to := calendar.NewDate(2026, 11, 1), calendar.NewDate(2026, 11, 30)
		last := to
		if rolled.Before(to) {
			last = rolled
		}
		live := from.Time(hanoi)
		if t := rolled.AddDays(1).Time(hanoi); t.After(live) {
			live = t
		}
		ws, we := from.Time(hanoi).UTC(), to.AddDays(1).Time(hanoi).UTC()
		_, off := now.In(hanoi).Zone()
		rows, err := tx.QueryContext(ctx, bareMonthByUnitSQL(off), ws, we, live.UTC(), from.String(), last.String())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var unit, rd, ad sql.NullInt64
			var met int64
			var c report.Counts
			dest := []any{&unit, &rd, &ad, &met}
			for _, f := range bareFigures {
				dest = append(dest, f.Field(&c))
			}
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			if rd.Valid {
				out.met[[3]int64{unit.Int64, rd.Int64, ad.Int64}] += met
			}
			sum := out.counts[unit.Int64]
			sum.Add(c)
			out.counts[unit.Int64] = sum
		}
		return rows.Err()
	})
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// bareFigures are the floor's columns, each a report figure: the store's
// own list of the count columns and the report.Counts field each is read
// into (store.FigureColumns), so that the floor and the report agree on
// which column is which figure by construction.
var bareFigures = store.FigureColumns()

// bareMonthByUnitSQL is the floor's statement over the month [$1, $2):
// each table read once over its index range and counted per unit, the
// answers met before $3 from the rolled days $4..$5. off is the local
// zone's offset in seconds, for the days of the answers met live. The
// conditions of due, late and on time are caseclock's.
func bareMonthByUnitSQL(off int) string {
	counted := " AND " + caseclock.CountedSQL("k.case_id")
	day := func(col string) string {
		return "CASE WHEN k.kind = 'answer' THEN floor((extract(epoch FROM k." + col + ") + " + strconv.Itoa(off) + ") / 86400)::bigint END"
	}
	onTime, late := caseclock.AnsweredOnTimeSQL("k."), caseclock.AnsweredLateSQL("k.")
	type part struct {
		unit, rd, ad, met string
		figs              map[string]string // column → count(*) FILTER condition, or an aggregate
		from              string
	}
	openLate := map[string]string{"open_late": "k.kind = 'answer'", "contrib_open_late": "k.kind = 'contribution'", "duty_open_late": "k.kind = 'duty'"}
	parts := []part{
		{unit: "lead_unit_id", figs: map[string]string{"received": "TRUE"},
			from: "cases WHERE received_at >= $1 AND received_at < $2"},
		{unit: "lead_unit_id", figs: map[string]string{"eligible": "TRUE"},
			from: "cases WHERE accepted_at >= $1 AND accepted_at < $2"},
		{unit: "unit_id", figs: map[string]string{"carried_over": "TRUE"},
			from: "case_clocks WHERE kind IN " + caseclock.MainKindsSQL + " AND state IN ('open', 'suspended') AND started_at < $1"},
		{unit: "unit_id", figs: map[string]string{"carried_over": "TRUE"},
			from: "case_clocks WHERE kind IN " + caseclock.MainKindsSQL + " AND closed_at >= $1 AND started_at < $1"},
		{unit: "NULLIF(slice_key, '')::bigint", rd: "rd", ad: "ad", met: "sum(met)::bigint",
			figs: map[string]string{"on_time": "sum(on_time)::bigint", "late": "sum(late)::bigint", "extended": "sum(extended)::bigint",
				"extended_on_time": "sum(extended_on_time)::bigint", "contrib_on_time": "sum(contrib_on_time)::bigint",
				"contrib_late": "sum(contrib_late)::bigint"},
			from: "report_facts WHERE slice = 'unit' AND day >= $4 AND day <= $5"},
		{unit: "k.unit_id", rd: day("started_at"), ad: day("closed_at"), met: "count(*) FILTER (WHERE k.kind = 'answer')",
			figs: map[string]string{"on_time": "k.kind = 'answer' AND " + onTime, "late": "k.kind = 'answer' AND " + late,
				"extended": "k.kind = 'answer' AND k.extensions > 0", "extended_on_time": "k.kind = 'answer' AND k.extensions > 0 AND " + onTime,
				"contrib_on_time": "k.kind = 'contribution' AND " + onTime, "contrib_late": "k.kind = 'contribution' AND " + late},
			from: "case_clocks k WHERE k.kind IN ('answer', 'contribution') AND k.state = 'met' AND k.closed_at >= $3 AND k.closed_at < $2" + counted},
		{unit: "k.unit_id", figs: map[string]string{"duty_on_time": onTime, "duty_late": late},
			from: "case_clocks k WHERE k.kind = 'duty' AND k.state = 'met' AND k.closed_at >= $1 AND k.closed_at < $2" + counted},
		{unit: "k.unit_id", figs: openLate,
			from: "case_clocks k WHERE k.kind IN ('answer', 'contribution', 'duty') AND k.state = 'open' AND " + caseclock.LateAtRunningSQL("k.", "$2") + counted},
		{unit: "k.unit_id", figs: openLate,
			from: "case_clocks k WHERE k.kind IN ('answer', 'contribution', 'duty') AND " + caseclock.ClosedSinceLateSQL("k.", "$2") +
				" AND " + caseclock.LateAtRunningSQL("k.", "$2") + counted},
		{unit: "c.lead_unit_id", figs: map[string]string{"reopened": "e.kind IN ('reopened', 'staff_reopened')", "not_eligible": "e.kind = 'not_eligible'",
			"forwarded": "e.kind = 'forwarded'", "guided": "e.kind = 'guided'", "withdrawn": "e.kind = 'withdrawn'", "extensions": "e.kind = 'extended'"},
			from: "case_events e JOIN cases c ON c.id = e.case_id WHERE e.kind IN ('not_eligible', 'forwarded', 'guided', 'withdrawn', 'extended', 'reopened', 'staff_reopened')" +
				" AND e.created_at >= $1 AND e.created_at < $2"},
		{unit: "c.lead_unit_id", figs: map[string]string{"rated": "TRUE", "satisfied": "r.stars >= " + strconv.Itoa(report.SatisfiedStars), "stars": "sum(r.stars)"},
			from: "ratings r JOIN cases c ON c.id = r.case_id WHERE r.created_at >= $1 AND r.created_at < $2"},
		{unit: "unit_id", figs: map[string]string{"chased": "TRUE"},
			from: "case_chases WHERE created_at >= $1 AND created_at < $2"},
	}
	var sb strings.Builder
	sb.WriteString("SELECT unit, rd, ad, sum(met)::bigint")
	for _, f := range bareFigures {
		sb.WriteString(", sum(" + f.Col + ")::bigint")
	}
	sb.WriteString(" FROM (")
	for i, p := range parts {
		if i > 0 {
			sb.WriteString(" UNION ALL ")
		}
		rd, ad, met := "NULL::bigint", "NULL::bigint", "0::bigint"
		if p.rd != "" {
			rd, ad, met = p.rd, p.ad, p.met
		}
		sb.WriteString("SELECT " + p.unit + " AS unit, " + rd + " AS rd, " + ad + " AS ad, " + met + " AS met")
		for _, f := range bareFigures {
			e, ok := p.figs[f.Col]
			switch {
			case !ok:
				e = "0::bigint"
			case e == "TRUE":
				e = "count(*)"
			case !strings.HasPrefix(e, "sum("):
				e = "count(*) FILTER (WHERE " + e + ")"
			}
			sb.WriteString(", " + e + " AS " + f.Col)
		}
		sb.WriteString(" FROM " + p.from + " GROUP BY 1")
		if p.rd != "" {
			sb.WriteString(", 2, 3")
		}
	}
	sb.WriteString(") s GROUP BY unit, rd, ad")
	return sb.String()
}

// sameAs fails the bench unless the report rep has the floor's figures
// and response-time histogram, unit by unit.
func (m monthByUnit) sameAs(b *testing.B, rep *report.Report) {
	b.Helper()
	var total report.Counts
	var answers int64
	for _, c := range m.counts {
		total.Add(c)
	}
	for _, n := range m.met {
		answers += n
	}
	if rep.Total.Counts != total || rep.Total.Response.N != answers {
		b.Fatalf("the floor computes other figures than the report:\nfloor  %+v, %d answers\nreport %+v, %d answers", total, answers, rep.Total.Counts, rep.Total.Response.N)
	}
	for _, r := range rep.Rows {
		var unit int64 // none: the floor's NULL unit
		if r.Key != "" {
			var err error
			if unit, err = strconv.ParseInt(r.Key, 10, 64); err != nil {
				b.Fatalf("report row %q: %v", r.Key, err)
			}
		}
		if m.counts[unit] != r.Counts {
			b.Fatalf("unit %d: floor %+v, report %+v", unit, m.counts[unit], r.Counts)
		}
	}
}

// benchRead runs fn in a read-only transaction with the report's session
// settings, as report reads run (ReportStore.read).
func benchRead(ctx context.Context, db *store.DB, fn func(tx *sql.Tx) error) error {
	tx, err := db.SQL.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SELECT set_config('jit', 'off', true), set_config('work_mem', '32MB', true)"); err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// loadAvg is the machine's load average (1, 5, 15 minutes), "?" where
// there is none to read.
func loadAvg() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// benchCases is how many cases the bench database holds:
// PHUCDAP_BENCH_CASES, 1,000,000 unless set (deploy/bench/all.sh -quick
// sets a small number).
func benchCases(b *testing.B) int {
	n := 1_000_000
	if v := os.Getenv("PHUCDAP_BENCH_CASES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1000 {
			b.Fatalf("PHUCDAP_BENCH_CASES=%q: want a number of at least 1000", v)
		}
	}
	return n
}

// benchSecretSQL is the tracking secret of seeded case g: the seed hashes
// it as intake does, and benchDB writes it beside the code for the lookup
// bench to present.
const benchSecretSQL = "upper(substr(md5('secret' || g), 1, 8))"

func benchDB(b *testing.B, now time.Time) *store.DB {
	ctx := context.Background()
	n := benchCases(b)
	var db *store.DB
	if dsn := os.Getenv("PHUCDAP_BENCH_REPORT_DSN"); dsn != "" {
		var err error
		if db, err = store.Open(ctx, store.Options{Dialect: store.Postgres, URL: dsn}); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
	} else {
		db = storetest.NewPostgres(b)
	}
	var have int64
	if err := db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM cases WHERE agency = 'BENCH'").Scan(&have); err != nil {
		b.Fatal(err)
	}
	if have < int64(n) {
		if have > 0 {
			b.Fatalf("the bench database holds %d seeded cases, want %d: drop it or point PHUCDAP_BENCH_REPORT_DSN elsewhere", have, n)
		}
		units := store.NewUnitStore(db, func() time.Time { return now })
		if _, err := units.EnsureUnits(ctx, org.DefaultUnits()); err != nil {
			b.Fatal(err)
		}
		if _, err := plan.NewCatalog(store.NewPlanStore(db), func() time.Time { return now }, nil).Import(ctx, plan.SeedAppendix(), "seed"); err != nil {
			b.Fatal(err)
		}
		began := time.Now()
		seedMillion(b, db, n, now)
		b.Logf("seeded %d cases in %s", n, time.Since(began).Round(time.Second))
	}
	if path := os.Getenv("PHUCDAP_BENCH_CODES"); path != "" {
		writeBenchCodes(b, db, path)
	}
	return db
}

// writeBenchCodes writes 100k seeded codes with their secrets, "CODE
// SECRET" a line, in random order.
func writeBenchCodes(b *testing.B, db *store.DB, path string) {
	b.Helper()
	rows, err := db.SQL.Query("SELECT code || ' ' || " + strings.ReplaceAll(benchSecretSQL, " g)", " seq)") +
		" FROM cases WHERE agency = 'BENCH' ORDER BY random() LIMIT 100000")
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var out strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			b.Fatal(err)
		}
		out.WriteString(line + "\n")
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
		b.Fatal(err)
	}
}

// benchReports is the seeded bench database (benchDB) at 10:00 on
// 01/12/2026, once seed (nil: nothing) has added to it, and a report
// service over it whose nightly job has rolled the closed days up, as in
// production.
func benchReports(b *testing.B, seed func(db *store.DB)) (ctx context.Context, now time.Time, db *store.DB, svc *report.Service) {
	ctx = context.Background()
	now = time.Date(2026, 12, 1, 10, 0, 0, 0, hanoi)
	db = benchDB(b, now)
	if seed != nil {
		seed(db)
	}
	svc = newReportService(b, db, func() time.Time { return now })
	t0 := time.Now()
	days, err := svc.Rollup(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("rollup: %d days in %s", days, time.Since(t0).Round(time.Millisecond))
	return ctx, now, db, svc
}

// benchRounds is how many interleaved rounds a bench measures:
// PHUCDAP_BENCH_ROUNDS, 21 by default (with 9 the month-by-unit median
// moved by 0.2 from run to run on a shared 2-vCPU machine).
func benchRounds() int {
	if v, _ := strconv.Atoi(os.Getenv("PHUCDAP_BENCH_ROUNDS")); v > 0 {
		return v
	}
	return 21
}

// timeReport times one run of the report q, and keeps the number of cases
// it counts received in *received.
func timeReport(ctx context.Context, b *testing.B, svc *report.Service, q report.Query, received *int64) time.Duration {
	t0 := time.Now()
	rep, err := svc.Report(ctx, q)
	if err != nil {
		b.Fatal(err)
	}
	d := time.Since(t0)
	*received = rep.Total.Received
	return d
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

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

// seedMillion writes n cases received evenly over the year before now, set
// based (INSERT … SELECT generate_series), with their clocks and the
// workflow's facts:
//   - cases received in the last 14 days are open and not yet due;
//   - of the older ones, 2% are still open and late, 1% were found not
//     eligible (clock cancelled), the rest were answered between 0 and 20
//     days after receipt against a 14-day due time (about 70% on time);
//   - one case in five has a coordinating unit's clock; one answered case
//     in three is rated; one in fifty is disputed.
func seedMillion(b *testing.B, db *store.DB, n int, now time.Time) {
	b.Helper()
	ctx := context.Background()
	exec := func(q string, args ...any) {
		b.Helper()
		t0 := time.Now()
		if _, err := db.SQL.ExecContext(ctx, q, args...); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
		b.Logf("%6.1fs  %.70s", time.Since(t0).Seconds(), q)
	}
	start := now.AddDate(-1, 0, 0)
	exec(`CREATE TEMP TABLE seed_units AS SELECT row_number() OVER (ORDER BY id) - 1 AS i, id FROM units WHERE kind IN ('office', 'division', 'service_centre')`)
	exec(`CREATE TEMP TABLE seed_tasks AS SELECT row_number() OVER (ORDER BY id) - 1 AS i, id FROM plan_tasks`)
	exec(`INSERT INTO cases (code, agency, year, seq, kind, channel, plan_task_id, title, content, secret_salt, secret_hash, dedup_key,
	        status, received_at, accepted_at, due_at, lead_unit_id, eligible, within_competence, created_at, updated_at)
	      SELECT 'BENCH-2026-' || lpad(g::text, 7, '0'), 'BENCH', 2026, g,
	             (ARRAY['kien_nghi', 'phan_anh', 'khieu_nai', 'to_cao'])[1 + g % 4],
	             (ARRAY['web', 'api', 'national_portal', 'email', 'phone', 'hotline', 'in_person', 'post'])[1 + (g / 4) % 8],
	             (SELECT id FROM seed_tasks WHERE seed_tasks.i = g % (SELECT count(*) FROM seed_tasks)),
	             'Phản ánh số ' || g, repeat('nội dung ', 40), k.salt,
	             encode(sha256(convert_to('secret', 'UTF8') || '\x00'::bytea || convert_to(k.salt, 'UTF8') || '\x00'::bytea ||
	               convert_to('code', 'UTF8') || '\x00'::bytea || convert_to(k.secret, 'UTF8') || '\x00'::bytea), 'hex'),
	             'bench' || g,
	             CASE WHEN r.at > $2::timestamptz - interval '14 days' OR g % 50 = 0 THEN 'assigned'
	                  WHEN g % 100 = 7 THEN 'not_eligible' ELSE 'answered' END,
	             r.at, CASE WHEN g % 100 = 7 THEN NULL ELSE r.at + interval '1 day' END, r.at + interval '14 days',
	             (SELECT id FROM seed_units WHERE seed_units.i = (g::bigint * 7919) % (SELECT count(*) FROM seed_units)),
	             g % 100 <> 7, TRUE, r.at, r.at
	      FROM generate_series(1, $1::int) AS g,
	           LATERAL (SELECT $3::timestamptz + (g::float8 / $1::int) * ($2::timestamptz - $3::timestamptz) AS at) r,
	           LATERAL (SELECT md5('salt' || g) AS salt, `+benchSecretSQL+` AS secret) k`, n, now.UTC(), start.UTC())
	// Answer clocks: the answer time is received + U(0, 20) days,
	// deterministic per case; on_time frozen as the workflow does.
	exec(`INSERT INTO case_clocks (case_id, kind, rule_id, unit_id, started_at, due_at, state, closed_at, on_time, extensions, created_at, updated_at)
	      SELECT c.id, 'answer', 'pakn.answer', c.lead_unit_id, c.received_at, c.due_at,
	             CASE WHEN c.status = 'assigned' THEN 'open' WHEN c.status = 'not_eligible' THEN 'cancelled' ELSE 'met' END,
	             CASE WHEN c.status = 'assigned' THEN NULL WHEN c.status = 'not_eligible' THEN c.received_at + interval '2 days'
	                  ELSE c.received_at + ((c.seq * 7919) % 2000) / 100.0 * interval '1 day' END,
	             CASE WHEN c.status = 'answered' THEN c.received_at + ((c.seq * 7919) % 2000) / 100.0 * interval '1 day' < c.due_at END,
	             CASE WHEN c.seq % 40 = 3 THEN 1 ELSE 0 END, c.received_at, c.received_at
	      FROM cases c WHERE c.agency = 'BENCH'`)
	exec(`INSERT INTO case_clocks (case_id, kind, rule_id, unit_id, started_at, due_at, state, closed_at, on_time, created_at, updated_at)
	      SELECT c.id, 'contribution', 'contribution', (SELECT id FROM seed_units WHERE seed_units.i = (c.seq * 31) % (SELECT count(*) FROM seed_units)),
	             c.received_at, c.received_at + interval '10 days',
	             CASE WHEN c.status = 'answered' THEN 'met' ELSE 'open' END,
	             CASE WHEN c.status = 'answered' THEN c.received_at + ((c.seq * 31) % 1400) / 100.0 * interval '1 day' END,
	             CASE WHEN c.status = 'answered' THEN ((c.seq * 31) % 1400) / 100.0 < 10 END, c.received_at, c.received_at
	      FROM cases c WHERE c.seq % 5 = 0 AND c.agency = 'BENCH'`)
	exec(`INSERT INTO case_events (case_id, kind, public, actor, note, created_at)
	      SELECT c.id, CASE WHEN c.status = 'not_eligible' THEN 'not_eligible' WHEN c.seq % 40 = 3 THEN 'extended' ELSE 'forwarded' END,
	             TRUE, 'bench', '', c.received_at + interval '2 days'
	      FROM cases c WHERE (c.status = 'not_eligible' OR c.seq % 40 = 3 OR c.seq % 97 = 5) AND c.agency = 'BENCH'`)
	exec(`INSERT INTO answers (case_id, body, signer, published_at, created_at)
	      SELECT k.case_id, 'Trả lời', 'Trưởng phòng', k.closed_at, k.closed_at FROM case_clocks k
	      WHERE k.kind = 'answer' AND k.state = 'met' AND k.case_id % 3 = 0`)
	exec(`INSERT INTO ratings (case_id, answer_id, stars, comment, created_at, updated_at)
	      SELECT a.case_id, a.id, 1 + a.case_id % 5, '', a.published_at + interval '1 day', a.published_at + interval '1 day' FROM answers a`)
	exec(`INSERT INTO disputes (case_id, answer_id, reason, created_at)
	      SELECT a.case_id, a.id, 'Chưa thỏa đáng', a.published_at + interval '2 days' FROM answers a WHERE a.case_id % 47 = 0`)
	exec(`INSERT INTO case_events (case_id, kind, public, actor, note, created_at)
	      SELECT d.case_id, 'reopened', TRUE, 'petitioner', '', d.created_at FROM disputes d`)
	for _, t := range []string{"cases", "case_clocks", "case_events", "answers", "ratings", "disputes"} {
		exec("VACUUM ANALYZE " + t)
	}
	var nc, nk int64
	db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM cases").Scan(&nc)
	db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM case_clocks").Scan(&nk)
	if nc < int64(n) {
		b.Fatalf("seeded %d cases, want %d", nc, n)
	}
	b.Logf("%s cases, %s clocks", fmt.Sprint(nc), fmt.Sprint(nk))
}
