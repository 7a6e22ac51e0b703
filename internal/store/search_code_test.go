package store_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
	"github.com/phucdap/phucdap/internal/textfold"
)

// A search by a code or its start finds exactly the cases whose code
// starts with it, as "code LIKE 'start%'" does, that the actor may see,
// in the codes' order, the highest first (not the order they were
// received in, which the cases here do not follow), each exactly as the
// plain list shows it (a sealed title stays sealed). Every start is looked
// up as a range of the code's index (codeRange): its bounds are tried here
// at their edges (…0999 and …1000, a last 9, a start ending in its dash),
// with codes of six and seven digits and of other years, typed in lower
// case and with spaces, for the office and for a unit officer, page by
// page, and in the page's count and the list's export.
func TestSearchByCodeFindsItsStart(t *testing.T) {
	eachIntake(t, petition.Limits{}, func(t *testing.T, ctx context.Context, db *store.DB, e *intakeEnv) {
		u := seedUnits(t, db)
		numbers := []string{"2026-000998", "2026-000999", "2026-001000", "2026-001001", "2026-0009990", "2026-0010000",
			"2025-000999", "2027-001000", "2026-009999", "2026-010000", "2026-099999", "2026-100000", "2026-000099"}
		var agency string
		base := time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)
		for i, n := range numbers {
			in := e.input(i)
			if i == 1 {
				// A sealed denunciation whose title names the denouncer.
				in.Kind, in.KeepSecret, in.Title, in.Address = petition.KindDenunciation, true, "Nguyễn Văn An tố cáo cán bộ", "Thôn Bản Lải"
			}
			rec, err := e.svc.Submit(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			agency = rec.Code[:strings.IndexByte(rec.Code, '-')]
			code := agency + "-" + n
			// Received out of the codes' order, two at the same time.
			received := base.Add(time.Duration((i*5)%len(numbers)) * time.Hour)
			if i == 3 {
				received = base.Add(time.Duration((2*5)%len(numbers)) * time.Hour)
			}
			if err := db.Gorm.Exec("UPDATE cases SET code = ?, received_at = ? WHERE code = ?", code, received, rec.Code).Error; err != nil {
				t.Fatal(err)
			}
		}
		// The unit leads some cases and coordinates one.
		for i, n := range numbers {
			lead := u["PQLXD"]
			if i%2 == 1 {
				lead = u["VP"]
			}
			if err := db.Gorm.Exec("UPDATE cases SET lead_unit_id = ? WHERE code = ?", lead, agency+"-"+n).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Gorm.Exec("INSERT INTO case_units (case_id, unit_id, role) SELECT id, ?, 'coordinate' FROM cases WHERE code = ?",
			u["PQLXD"], agency+"-2026-000999").Error; err != nil {
			t.Fatal(err)
		}

		cs := access.NewCases(store.NewCaseAccessStore(db), nil, func() time.Time { return intakeNow }, nil)
		office := access.Actor{AccountID: 1, UnitID: u["VP"], Roles: []access.Role{access.Office}}
		officer := access.Actor{AccountID: 3, UnitID: u["PQLXD"], Roles: []access.Role{access.UnitOfficer}}
		lower := strings.ToLower(agency)
		for _, a := range []access.Actor{office, officer} {
			// What the actor sees, as the plain list shows it.
			plain, err := cs.List(ctx, a, access.CaseQuery{Limit: access.MaxPage})
			if err != nil {
				t.Fatal(err)
			}
			for _, typed := range []string{
				agency + "-2026-0009", lower + "-2026-0009", " " + agency + "-2026-0009 ", agency + "-2026- 0009",
				agency + "-2026-0010", agency + "-2026-00099", agency + "-2026-000999", lower + "-2026-001000",
				agency + "-2025-000999", agency + "-2026-0099", agency + "-2026-0999", agency + "-2026-1000",
				agency + "-2026-0100", agency + "-2026-9999", agency + "-2026-00", agency + "-2026-", lower + "-2026",
			} {
				start := strings.ToUpper(strings.Join(strings.Fields(typed), ""))
				var want []access.CaseRef
				for _, r := range plain {
					if strings.HasPrefix(r.Code, start) {
						want = append(want, r)
					}
				}
				slices.SortFunc(want, func(x, y access.CaseRef) int { return strings.Compare(y.Code, x.Code) })
				sq, why := textfold.Parse(typed)
				if why != "" {
					t.Fatalf("parse %q: %s", typed, why)
				}
				for _, page := range []struct{ limit, offset int }{{50, 0}, {1, 0}, {2, 1}, {2, 3}} {
					got, err := cs.List(ctx, a, access.CaseQuery{Search: &sq, Limit: page.limit, Offset: page.offset})
					if err != nil {
						t.Fatalf("%q: %v", typed, err)
					}
					w := want[min(page.offset, len(want)):min(page.offset+page.limit, len(want))]
					if !sameRefs(got, w) {
						t.Errorf("%v %q limit %d offset %d:\n got %s\nwant %s", a.Roles, typed, page.limit, page.offset, codesOf(got), codesOf(w))
					}
				}
				// The page's count and the export count and list the same.
				if n, err := cs.Count(ctx, a, access.CaseQuery{Search: &sq}); err != nil || n != int64(len(want)) {
					t.Errorf("%v %q: count %d (%v), want %d", a.Roles, typed, n, err, len(want))
				}
				var each []access.CaseRef
				if err := cs.Each(ctx, a, access.CaseQuery{Search: &sq}, func(r access.CaseRef, _ access.IdentityView) error {
					each = append(each, r)
					return nil
				}); err != nil || !sameRefs(each, want) {
					t.Errorf("%v %q: export %s (%v), want %s", a.Roles, typed, codesOf(each), err, codesOf(want))
				}
			}
		}
		// The test proves something: the office finds the boundary's
		// codes, and the sealed title stays sealed.
		sq, _ := textfold.Parse(agency + "-2026-0009")
		got, err := cs.List(ctx, office, access.CaseQuery{Search: &sq})
		if err != nil {
			t.Fatal(err)
		}
		if c := codesOf(got); c != fmt.Sprintf("[%[1]s-2026-0009990 %[1]s-2026-000999 %[1]s-2026-000998]", agency) {
			t.Errorf("%s-2026-0009: %s", agency, c)
		}
		for _, r := range got {
			if strings.Contains(r.Title, "Nguyễn") {
				t.Errorf("a code search shows a sealed title: %q", r.Title)
			}
		}
	})
}

// sameRefs says whether got are want, in order, each as the plain list
// shows it (the search adds its snippet).
func sameRefs(got, want []access.CaseRef) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		g := got[i]
		g.Snippet, g.SnippetOfTitle, g.SnippetOfPetitioner = nil, false, false
		if !reflect.DeepEqual(g, want[i]) {
			return false
		}
	}
	return true
}

func codesOf(refs []access.CaseRef) string {
	var c []string
	for _, r := range refs {
		c = append(c, r.Code)
	}
	return "[" + strings.Join(c, " ") + "]"
}

// On PostgreSQL, the statement of a search by a code's start is planned
// once and kept (a generic plan), however many codes are searched, from
// a whole code to the year alone: the bounds are not parameters the
// planner sees (codeRangeCond).
func TestSearchByCodeKeepsItsPlan(t *testing.T) {
	// It reads plans and their costs (EXPLAIN, generic plans).
	storetest.Fresh(t)
	eachIntake(t, petition.Limits{}, func(t *testing.T, ctx context.Context, db *store.DB, e *intakeEnv) {
		if db.Dialect != store.Postgres {
			t.Skip("SQLite keeps no plans")
		}
		rec, err := e.svc.Submit(ctx, e.input(1))
		if err != nil {
			t.Fatal(err)
		}
		// Enough cases for a plan to depend on how many codes it expects:
		// with a few, planning for the bounds or not makes the same plan.
		if err := db.Gorm.Exec(`INSERT INTO cases (code, agency, year, seq, kind, channel, title, content, secret_salt, secret_hash,
			dedup_key, status, received_at, created_at, updated_at)
			SELECT 'SXD-2020-' || lpad(g::text, 6, '0'), 'SXD', 2020, g, 'phan_anh', 'web', 't', 'c', 's', 'h', 'k' || g, 'received',
				now(), now(), now() FROM generate_series(1, 20000) AS g`).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Gorm.Exec("ANALYZE cases").Error; err != nil {
			t.Fatal(err)
		}
		// One connection: prepared statements are a session's.
		db.SQL.SetMaxOpenConns(1)
		cs := store.NewCaseAccessStore(db)
		all := access.CaseFilter{All: true}
		for i := range 12 {
			// Another code or start each time, found or not, naming
			// one case, a few, or every case of a year.
			typed := []string{rec.Code, fmt.Sprintf("SXD-2020-00%d", 10+i), "SXD-2020", "SXD-2020-0"}[i%4]
			sq, _ := textfold.Parse(typed)
			if _, err := cs.ListCases(ctx, all, access.CaseQuery{Search: &sq, Contact: all, Limit: 50, Now: intakeNow}); err != nil {
				t.Fatal(err)
			}
		}
		var plans []struct {
			GenericPlans, CustomPlans int64
			Params, Statement         string
		}
		if err := db.Gorm.Raw("SELECT generic_plans, custom_plans, parameter_types::text AS params, statement FROM pg_prepared_statements "+
			"WHERE statement LIKE ? AND statement NOT LIKE ?", "%cases.code ~>=~%", "%pg_prepared_statements%").Scan(&plans).Error; err != nil {
			t.Fatal(err)
		}
		if len(plans) != 1 || plans[0].GenericPlans == 0 {
			t.Errorf("the code search's statement was planned on every search: %+v", plans)
		}
		// Its only parameters are the bounds: the page's cut is written in
		// it (over a million cases, PostgreSQL planned anew every search
		// whose LIMIT was a parameter; a test database is too small to
		// show it).
		if len(plans) == 1 && plans[0].Params != "{text,text}" {
			t.Errorf("the code search's statement takes %s, not the two bounds alone", plans[0].Params)
		}
		if len(plans) != 1 {
			return
		}
		// The kept plan reads the code's index backwards and stops at the
		// page, with no sort: the year alone, which names every case here,
		// costs what a whole code does (over a million cases a start of
		// the year's oldest codes, searched by code LIKE in received_at
		// order, took about a second).
		for _, q := range []string{"PREPARE code_search(text, text) AS " + plans[0].Statement, "SET plan_cache_mode = force_generic_plan"} {
			if err := db.Gorm.Exec(q).Error; err != nil {
				t.Fatal(err)
			}
		}
		var lines []string
		if err := db.Gorm.Raw("EXPLAIN EXECUTE code_search('SXD-2020', 'SXD-2021')").Scan(&lines).Error; err != nil {
			t.Fatal(err)
		}
		plan := strings.Join(lines, "\n")
		// The subplans (the running clock of each listed case) may sort.
		main, _, _ := strings.Cut(plan, "SubPlan")
		if !strings.Contains(main, "Index Scan Backward using cases_code_prefix") || strings.Contains(main, "Sort") {
			t.Errorf("the code search does not read the code's index in order:\n%s", plan)
		}
	})
}

// On PostgreSQL a word search reads its candidates from the index of the
// starts of the search rows' words (case_search_words, migrations 00043
// and 00045),
// for the office (contact searched) and leadership (not), both the ranked
// page and a filtered list, and the trigram index it replaced is gone.
func TestSearchReadsTheWordsIndex(t *testing.T) {
	// It rests on the planner's estimates.
	storetest.Fresh(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if db.Dialect != store.Postgres {
			t.Skip("SQLite has no index of the search rows")
		}
		ctx := context.Background()
		if err := db.Gorm.Exec(`INSERT INTO cases (code, agency, year, seq, kind, channel, title, content, secret_salt, secret_hash,
			dedup_key, status, received_at, created_at, updated_at)
			SELECT 'SXD-2020-' || lpad(g::text, 6, '0'), 'SXD', 2020, g, 'phan_anh', 'web', 't', 'c', 's', 'h', 'k' || g, 'received',
				now(), now(), now() FROM generate_series(1, 20000) AS g`).Error; err != nil {
			t.Fatal(err)
		}
		// The rows as the store writes them: their starts by textfold.Starts.
		var ids []int64
		if err := db.Gorm.Raw("SELECT id FROM cases ORDER BY id").Scan(&ids).Error; err != nil {
			t.Fatal(err)
		}
		var heads, bodies, contacts, starts []string
		for _, id := range ids {
			h, b, c := fmt.Sprintf("duong ngo %d", id%997), fmt.Sprintf("mat duong hong %x", id*7919), fmt.Sprintf("nguyen van %d", id%13)
			heads, bodies, contacts = append(heads, h), append(bodies, b), append(contacts, c)
			starts = append(starts, textfold.Starts(h+" "+b+" "+c))
		}
		if _, err := db.SQL.ExecContext(ctx, `INSERT INTO case_search (case_id, head, body, contact, revision, starts)
			SELECT v.id, v.h, v.b, v.c, 1, v.s FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[]) AS v(id, h, b, c, s)`,
			ids, heads, bodies, contacts, starts); err != nil {
			t.Fatal(err)
		}
		if err := db.Gorm.Exec("ANALYZE case_search").Error; err != nil {
			t.Fatal(err)
		}
		var doc int
		if err := db.Gorm.Raw("SELECT count(*) FROM pg_indexes WHERE indexname = 'case_search_doc'").Scan(&doc).Error; err != nil || doc != 0 {
			t.Errorf("the trigram index is still there (%d, %v)", doc, err)
		}
		// One connection: its index reads are flushed to the statistics
		// when asked.
		db.SQL.SetMaxOpenConns(1)
		scans := func() int64 {
			t.Helper()
			var n int64
			if err := db.Gorm.Exec("SELECT pg_stat_force_next_flush()").Error; err != nil {
				t.Fatal(err)
			}
			if err := db.Gorm.Raw("SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'case_search_words'").Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		cs := store.NewCaseAccessStore(db)
		sq, _ := textfold.Parse("duong ngo 99")
		for _, c := range []struct {
			name    string
			contact access.CaseFilter
			kind    string
		}{{"office", access.CaseFilter{All: true}, ""}, {"leadership", access.CaseFilter{}, ""}, {"office, filtered", access.CaseFilter{All: true}, "phan_anh"}} {
			before := scans()
			refs, err := cs.ListCases(ctx, access.CaseFilter{All: true}, access.CaseQuery{Search: &sq, Contact: c.contact, Kind: c.kind, Limit: 50, Now: intakeNow})
			if err != nil {
				t.Fatal(err)
			}
			if len(refs) == 0 {
				t.Errorf("%s: found nothing", c.name)
			}
			if after := scans(); after == before {
				t.Errorf("%s: the search did not read case_search_words", c.name)
			}
		}
	})
}
