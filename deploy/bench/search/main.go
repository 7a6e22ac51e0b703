// Command search measures the case search on PostgreSQL over many cases:
// p95 per query (a name, a phrase, a code prefix) through the store's own
// search (store.CaseAccessStore.ListCases with a search, as GET
// /api/v1/cases?q= runs it), against a floor in the same run: a bare ILIKE
// over unaccent()ed text with a trigram index. Rounds interleave the two.
//
// A word search is bounded by more than its floor: the floor looks for the
// query as one phrase in one short column and stops at 50 rows in no
// order, while the search must find every word anywhere in the case's
// texts (title, content, contact) and rank all of those it finds. So the
// name and the phrase also run a bound: the bare condition the search
// runs (every folded word at a word's start in the search row: the
// index of the words' starts, then the LIKE that decides) with a cheap
// order that needs every match, as the rank does. It prints ours/bound and bound/floor: the part
// of the ratio no ranking could save. It prints the load average before
// and after the rounds: on a loaded machine the p95 of a few dozen rounds
// is the machine's, and the medians beside them say more.
//
//	go run ./deploy/bench/search -url 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable' -cases 1000000
//
// With -only "code prefix" it runs that query alone, whose rounds take
// a millisecond, so that a thousand of them give a steadier p95 than the
// forty the whole run affords.
//
// It creates (and with -drop drops) the database phucdap_bench_search. The
// texts are words drawn from the seed plan (Plan 55's appendix), by their
// frequency there; the names from common Vietnamese family, middle and
// given names.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/textfold"
)

const dbName = "phucdap_bench_search"

func main() {
	admin := flag.String("url", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "an existing database to create the bench database from")
	n := flag.Int("cases", 1000000, "cases to seed (skipped if the bench database already has them)")
	rounds := flag.Int("rounds", 60, "rounds; each runs every query once, phucdap then floor, alternately first")
	drop := flag.Bool("drop", false, "drop the bench database at the end")
	only := flag.String("only", "", "run only these queries (comma-separated names, e.g. \"code prefix\"), for more rounds of a quick one")
	seedFile := flag.String("seed", "internal/plan/seed/ke-hoach-55-phu-luc-III.txt", "the text the words are drawn from")
	tsv := flag.String("tsv", "", "also write each query's p95 and its floor's p95, in ms, to this file (query, phucdap, floor; tab-separated), for deploy/bench/all.sh")
	flag.Parse()
	ctx := context.Background()

	adm, err := store.Open(ctx, store.Options{Dialect: store.Postgres, URL: *admin})
	check(err)
	var exists bool
	check(adm.Gorm.Raw("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = ?)", dbName).Scan(&exists).Error)
	if !exists {
		check(adm.Gorm.Exec("CREATE DATABASE " + dbName).Error)
	}
	u, err := url.Parse(*admin)
	check(err)
	u.Path = "/" + dbName
	db, err := store.Open(ctx, store.Options{Dialect: store.Postgres, URL: u.String(), MaxOpenConns: 4})
	check(err)
	tm := time.Now()
	_, err = db.Migrate(ctx)
	check(err)
	log.Printf("migrated in %s", time.Since(tm).Round(time.Millisecond))

	var have int64
	check(db.Gorm.Raw("SELECT count(*) FROM cases").Scan(&have).Error)
	if have < int64(*n) {
		text, err := os.ReadFile(*seedFile)
		check(err)
		seed(ctx, db, *n, strings.Fields(string(text)))
	}
	floorIndexes(db)
	cs := store.NewCaseAccessStore(db)
	// The seed writes its search rows at revision 0 (the texts folded, no
	// phone forms): the search-index job's own pass (IndexSearch) rewrites
	// them as the store writes a case, here timed (over a million cases
	// about 9 minutes, once) and vacuumed, so that the rounds measure the
	// rows and index production has.
	t0 := time.Now()
	written, err := cs.IndexSearch(ctx)
	check(err)
	if written > 0 {
		log.Printf("the search-index job's pass wrote %d search rows in %s", written, time.Since(t0).Round(time.Second))
		check(db.Gorm.Exec("VACUUM case_search").Error)
	}
	check(db.Gorm.Exec("ANALYZE").Error)

	var code string
	check(db.Gorm.Raw("SELECT code FROM cases ORDER BY id DESC LIMIT 1").Scan(&code).Error)
	// The oldest codes' start: "SXD-2026-00" (the numbers have seven
	// digits here).
	start := code[:strings.LastIndexByte(code, '-')+1] + "00"
	type query struct {
		name, q string
		floor   string
		args    []any
		bound   string
	}
	queries := []query{
		{"name", "nguyen thi hang", "SELECT c.id FROM cases c JOIN case_identities ci ON ci.case_id = c.id WHERE bench_unaccent(ci.name) ILIKE ? LIMIT 50",
			[]any{"%nguyen thi hang%"}, bound("nguyen thi hang")},
		{"phrase", "cong khai minh bach", "SELECT id FROM cases WHERE bench_unaccent(title || ' ' || content) ILIKE ? LIMIT 50",
			[]any{"%cong khai minh bach%"}, bound("cong khai minh bach")},
		{"code prefix", code[:len(code)-2], "SELECT id FROM cases WHERE code LIKE ? LIMIT 50", []any{code[:len(code)-2] + "%"}, ""},
		// A start a clerk types before the number's digits: the year's
		// oldest tenth of the codes (over a million cases this took about
		// a second when it was searched by "code LIKE"), fifty of which
		// the page lists in full, where the floor reads fifty ids in no
		// order.
		{"code start", start, "SELECT id FROM cases WHERE code LIKE ? LIMIT 50", []any{start + "%"}, ""},
	}
	if *only != "" {
		var names []string
		for n := range strings.SplitSeq(*only, ",") {
			n = strings.TrimSpace(n)
			if !slices.ContainsFunc(queries, func(q query) bool { return q.name == n }) {
				log.Fatalf("-only: no query is named %q (the names: name, phrase, code prefix, code start)", n)
			}
			names = append(names, n)
		}
		queries = slices.DeleteFunc(queries, func(q query) bool { return !slices.Contains(names, q.name) })
	}
	office := access.CaseFilter{All: true}
	loadBefore := loadavg()
	ours := map[string][]time.Duration{}
	floor := map[string][]time.Duration{}
	bounds := map[string][]time.Duration{}
	found := map[string]int{}
	// Warm-up rounds, not measured: PostgreSQL plans a prepared statement
	// for its values on its first five runs in a session and only on the
	// sixth may keep one plan for every value (a generic plan), so the
	// rounds measure the steady state of a running server, not its first
	// six searches.
	const warmUp = 6
	for r := -warmUp; r < *rounds; r++ {
		for _, q := range queries {
			runOurs := func() {
				sq, why := textfold.Parse(q.q)
				if why != "" {
					log.Fatal(why)
				}
				t0 := time.Now()
				refs, err := cs.ListCases(ctx, office, access.CaseQuery{Search: &sq, Contact: office, Limit: 50, Now: time.Now()})
				d := time.Since(t0)
				check(err)
				found[q.name] = len(refs)
				if r >= 0 {
					ours[q.name] = append(ours[q.name], d)
				}
			}
			runFloor := func() {
				var ids []int64
				t0 := time.Now()
				check(db.Gorm.Raw(q.floor, q.args...).Scan(&ids).Error)
				if r >= 0 {
					floor[q.name] = append(floor[q.name], time.Since(t0))
				}
			}
			runBound := func() {
				if q.bound == "" {
					return
				}
				var ids []int64
				t0 := time.Now()
				check(db.Gorm.Raw(q.bound).Scan(&ids).Error)
				if r >= 0 {
					bounds[q.name] = append(bounds[q.name], time.Since(t0))
				}
			}
			runs := []func(){runOurs, runFloor, runBound}
			for i := range runs {
				runs[(i+r+warmUp)%len(runs)]()
			}
		}
	}
	fmt.Printf("%d cases, %d rounds, load average %s before, %s after\n", *n, *rounds, loadBefore, loadavg())
	// p95 is the figure; on a loaded machine its few slowest rounds are
	// the machine's, so the medians come beside it.
	fmt.Printf("%-12s %-22s %6s %9s %9s %6s %9s %6s %9s %6s %6s %9s %6s\n", "query", "q", "found", "p95", "floor p95", "ratio",
		"p50", "ratio", "bound p95", "/bound", "b/floor", "bound p50", "b/floor")
	ms := func(d time.Duration) time.Duration { return d.Round(100 * time.Microsecond) }
	var out strings.Builder
	for _, q := range queries {
		a, b := p95(ours[q.name]), p95(floor[q.name])
		fmt.Fprintf(&out, "%s\t%.3f\t%.3f\n", q.name, float64(a)/1e6, float64(b)/1e6)
		a50, b50 := pct(ours[q.name], 50), pct(floor[q.name], 50)
		fmt.Printf("%-12s %-22q %6d %9s %9s %6.2f %9s %6.2f", q.name, q.q, found[q.name], ms(a), ms(b), float64(a)/float64(b),
			ms(a50), float64(a50)/float64(b50))
		if q.bound != "" {
			c, c50 := p95(bounds[q.name]), pct(bounds[q.name], 50)
			fmt.Printf(" %9s %6.2f %6.2f %9s %6.2f", ms(c), float64(a)/float64(c), float64(c)/float64(b), ms(c50), float64(c50)/float64(b50))
		}
		fmt.Println()
	}
	if *tsv != "" {
		check(os.WriteFile(*tsv, []byte(out.String()), 0o644))
	}
	if *drop {
		sqlDB := db.SQL
		sqlDB.Close()
		check(adm.Gorm.Exec("DROP DATABASE " + dbName).Error)
	}
}

// bound is the bare form of the search's condition for q: every folded
// word the start of some word of the search row, on the index of the
// words' starts (migrations 00043, 00045), then at a word's start in the row (the
// exact condition), as the store writes them, ordered by whether the contact
// has the words together (a stand-in for the rank: an order that needs
// every match before the first 50).
func bound(q string) string {
	sq, why := textfold.Parse(q)
	if why != "" {
		log.Fatal(why)
	}
	var tq, where []string
	for _, w := range sq.Terms {
		tq = append(tq, "''"+w+"''") // the bench's terms are shorter than the index's prefixes
		where = append(where, "(' ' || s.head || ' ' || s.body || ' ' || s.contact) LIKE '% "+w+"%'")
	}
	return "SELECT s.case_id FROM case_search s WHERE array_to_tsvector(string_to_array(s.starts, ' ')) @@ '" +
		strings.Join(tq, " & ") + "'::tsquery AND " + strings.Join(where, " AND ") +
		" ORDER BY (' ' || s.contact) LIKE '% " + sq.Phrase + "%' DESC, s.case_id DESC LIMIT 50"
}

// loadavg is the machine's load average over 1, 5 and 15 minutes, which
// every figure is read beside (a loaded machine's p95 is its own).
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func p95(ds []time.Duration) time.Duration { return pct(ds, 95) }

func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[max(0, (len(s)*p+99)/100-1)]
}

// exec runs q on the driver directly, so slices bind as arrays.
func exec(db *store.DB, q string, args ...any) {
	_, err := db.SQL.Exec(q, args...)
	check(err)
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

var (
	family = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Hoàng", "Nông"}
	middle = []string{"Văn", "Thị", "Đức", "Minh", "Thu", "Hữu", "Ngọc", "Thanh"}
	given  = []string{"Hằng", "An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Lan", "Long", "Nam", "Ngọc", "Phương", "Quang", "Sơn", "Tâm",
		"Thảo", "Trang", "Tuấn", "Việt", "Yến", "Hùng", "Linh", "Mai", "Đạt", "Khánh", "Hiền", "Giang", "Thủy", "Hòa", "Lực"}
)

// seed writes n cases with their identities and search rows in batches of
// one statement per table, texts drawn at random; the search texts are
// folded by textfold.Fold, as the store wrote them before migration 00043
// (the search-index job's pass rewrites them, with the phone's forms,
// before the rounds).
func seed(ctx context.Context, db *store.DB, n int, words []string) {
	var vocab []string
	for _, w := range words {
		if f := textfold.Fold(w); f != "" && !strings.ContainsAny(w, "0123456789") {
			vocab = append(vocab, strings.Trim(w, ".,;:()\"“”"))
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(k int) string {
		out := make([]string, k)
		for i := range out {
			out[i] = vocab[rng.IntN(len(vocab))]
		}
		return strings.Join(out, " ")
	}
	// The index of the words' starts is built once at the end, as a
	// restore would.
	exec(db, "DROP INDEX IF EXISTS case_search_words")
	start := time.Now()
	const batch = 5000
	received := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for from := 1; from <= n; from += batch {
		to := min(n, from+batch-1)
		var ids []int64
		var codes, titles, contents, names, phones, heads, bodies, contacts, starts []string
		for i := from; i <= to; i++ {
			title, content := pick(6), pick(25)
			name := family[rng.IntN(len(family))] + " " + middle[rng.IntN(len(middle))] + " " + given[rng.IntN(len(given))]
			phone := fmt.Sprintf("09%08d", rng.IntN(100000000))
			ids = append(ids, int64(i))
			codes = append(codes, fmt.Sprintf("SXD-2026-%07d", i))
			titles, contents, names, phones = append(titles, title), append(contents, content), append(names, name), append(phones, phone)
			heads, bodies = append(heads, textfold.Fold(title)), append(bodies, textfold.Fold(content))
			contacts = append(contacts, textfold.Fold(name+" "+phone)+" "+phone)
			starts = append(starts, textfold.Starts(heads[len(heads)-1]+" "+bodies[len(bodies)-1]+" "+contacts[len(contacts)-1]))
		}
		exec(db, `INSERT INTO cases (id, code, agency, year, seq, kind, channel, title, content, secret_salt, secret_hash, dedup_key,
			status, received_at, created_at, updated_at)
			SELECT v.id, v.code, 'SXD', 2026, v.id, 'phan_anh', 'web', v.title, v.content, 's', 'h', v.code, 'received',
				$1::timestamptz + v.id * interval '30 seconds', now(), now()
			FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[]) AS v(id, code, title, content)`,
			received, ids, codes, titles, contents)
		exec(db, `INSERT INTO case_identities (case_id, name, phone, keep_secret, consent_at, created_at)
			SELECT v.id, v.name, v.phone, TRUE, now(), now() FROM unnest($1::bigint[], $2::text[], $3::text[]) AS v(id, name, phone)`,
			ids, names, phones)
		exec(db, `INSERT INTO case_search (case_id, head, body, contact, starts)
			SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[])`,
			ids, heads, bodies, contacts, starts)
		if to%100000 == 0 {
			log.Printf("seeded %d cases in %s", to, time.Since(start).Round(time.Second))
		}
	}
	check(db.Gorm.Exec("SELECT setval(pg_get_serial_sequence('cases', 'id'), ?)", n).Error)
	// The migration's index (00043, 00045), built in one session.
	conn, err := db.SQL.Conn(ctx)
	check(err)
	defer conn.Close()
	for _, q := range []string{"SET maintenance_work_mem = '256MB'",
		"CREATE INDEX case_search_words ON case_search USING gin (array_to_tsvector(string_to_array(starts, ' ')))"} {
		_, err := conn.ExecContext(ctx, q)
		check(err)
	}
	log.Printf("seeded and indexed %d cases in %s", n, time.Since(start).Round(time.Second))
}

// floorIndexes creates the floor's unaccent function and its trigram
// indexes: over the title and content, and over the petitioner's name.
func floorIndexes(db *store.DB) {
	conn, err := db.SQL.Conn(context.Background())
	check(err)
	defer conn.Close()
	for _, q := range []string{
		"CREATE EXTENSION IF NOT EXISTS unaccent",
		"CREATE OR REPLACE FUNCTION bench_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT public.unaccent('public.unaccent', $1) $$",
		"SET maintenance_work_mem = '256MB'",
		"CREATE INDEX IF NOT EXISTS bench_cases_text ON cases USING gin (bench_unaccent(title || ' ' || content) gin_trgm_ops)",
		"CREATE INDEX IF NOT EXISTS bench_identity_name ON case_identities USING gin (bench_unaccent(name) gin_trgm_ops)",
	} {
		t0 := time.Now()
		_, err := conn.ExecContext(context.Background(), q)
		check(err)
		if d := time.Since(t0); d > time.Second {
			log.Printf("%s: %s", q[:40], d.Round(time.Second))
		}
	}
}
