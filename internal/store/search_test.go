package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
	"github.com/phucdap/phucdap/internal/textfold"
)

// searchCodes runs a search as actor and returns the codes found, best
// first, with their snippets marked [like this].
func searchCodes(t *testing.T, db *store.DB, a access.Actor, q string) ([]string, []string) {
	t.Helper()
	sq, why := textfold.Parse(q)
	if why != "" {
		t.Fatalf("parse %q: %s", q, why)
	}
	cs := access.NewCases(store.NewCaseAccessStore(db), nil, func() time.Time { return intakeNow }, nil)
	refs, err := cs.List(context.Background(), a, access.CaseQuery{Search: &sq, Limit: 50})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	var codes, snips []string
	for _, r := range refs {
		codes = append(codes, r.Code)
		var b strings.Builder
		if r.SnippetOfPetitioner {
			b.WriteString("petitioner: ")
		}
		for _, s := range r.Snippet {
			if s.Match {
				b.WriteString("[" + s.Text + "]")
			} else {
				b.WriteString(s.Text)
			}
		}
		snips = append(snips, b.String())
	}
	return codes, snips
}

func TestSearchCases(t *testing.T) {
	eachIntake(t, petition.Limits{}, func(t *testing.T, ctx context.Context, db *store.DB, e *intakeEnv) {
		u := seedUnits(t, db)
		submit := func(in petition.SubmitInput) string {
			t.Helper()
			rec, err := e.svc.Submit(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			return rec.Code
		}
		base := func(title, content, name, phone, email string) petition.SubmitInput {
			return petition.SubmitInput{Kind: petition.KindFeedback, TopicID: e.topic, Title: title, Content: content, Name: name,
				Phone: phone, Email: email, Consent: true, Channel: petition.ChannelAPI, Lang: "vi"}
		}
		road := submit(base("Sửa đường Đông Kinh", "Mặt đường bị lún sau mưa.", "Nguyễn Thị Hằng", "0912345678", "hang.nguyen@example.vn"))
		light := submit(base("Đèn chiếu sáng hỏng", "Đèn ở ngõ 5 phố Bà Triệu hỏng; đường tối.", "Trần Văn Bình", "0987654321", ""))
		other := submit(base("Cấp phép xây dựng", "Hồ sơ cấp phép nộp từ tháng 3 năm 2026, đã lâu chưa có kết quả.", "Lê Thị Thu Hằng", "0901111222", ""))
		den := base("Tố cáo cán bộ", "Tôi là Phạm Văn Đức, tố cáo cán bộ nhận tiền.", "Phạm Văn Đức", "0977000111", "thu.duc.pham@example.vn")
		den.Kind, den.KeepSecret, den.Address = petition.KindDenunciation, true, "Thôn Bản Lải, xã Hữu Kiên"
		secret := submit(den)

		office := access.Actor{AccountID: 1, UnitID: u["VP"], Roles: []access.Role{access.Office}}
		leader := access.Actor{AccountID: 2, Roles: []access.Role{access.Leadership}}

		for _, c := range []struct {
			q    string
			want []string
		}{
			{"nguyen thi hang", []string{road}},        // diacritics ignored
			{"NGUYỄN THỊ HẰNG", []string{road}},        // as typed, with them
			{"hang thi nguyen", []string{road}},        // word order free
			{"duong", []string{road, light}},           // đ folds to d; title first
			{"Đường", []string{road, light}},           // and Đ
			{"ĐÔNG KINH", []string{road}},              // upper-case Đ
			{"ba trieu", []string{light}},              // content
			{"0912345678", []string{road}},             // phone
			{"0912 345 678", []string{road}},           // phone as written
			{"+84 912 345 678", []string{road}},        // in its international form
			{"912345678", []string{road}},              // without its 0
			{"84912345678", []string{road}},            // nor the +
			{"nguyen thi ha", []string{road}},          // a last word typed in part
			{"guyen", []string{}},                      // a word's start, not its middle
			{"345678", []string{}},                     // nor a number's
			{"hang.nguyen@example.vn", []string{road}}, // e-mail
			{road[:len(road)-2], nil},                  // code prefix: checked below
		} {
			got, _ := searchCodes(t, db, office, c.q)
			if c.want == nil {
				continue
			}
			if strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Errorf("office %q: %v, want %v", c.q, got, c.want)
			}
		}
		// Ranking: the words together, in order, beat the words apart
		// ("thu" is also in the topic of every case).
		got, _ := searchCodes(t, db, office, "hang")
		if len(got) != 2 {
			t.Errorf("hang: %v", got)
		}
		got, _ = searchCodes(t, db, office, "thu hang")
		if len(got) != 2 || got[0] != other {
			t.Errorf("thu hang: %v", got)
		}
		// A code prefix finds the case, first.
		got, _ = searchCodes(t, db, office, strings.ToLower(road))
		if len(got) == 0 || got[0] != road {
			t.Errorf("code %s: %v", road, got)
		}
		// The highlight marks the words as written.
		_, snips := searchCodes(t, db, office, "duong dong")
		if len(snips) != 1 || snips[0] != "Sửa [đường] [Đông] Kinh" {
			t.Errorf("snippet: %q", snips)
		}
		_, snips = searchCodes(t, db, office, "trieu")
		if len(snips) != 1 || !strings.Contains(snips[0], "Bà [Triệu]") {
			t.Errorf("content snippet: %q", snips)
		}

		// Words found only in the petitioner's contact show it, marked,
		// to whoever may read it on the case.
		_, snips = searchCodes(t, db, office, "nguyen thi hang")
		if len(snips) != 1 || snips[0] != "petitioner: [Nguyễn] [Thị] [Hằng] · 0912345678 · [hang].[nguyen]@example.vn" {
			t.Errorf("petitioner snippet: %q", snips)
		}
		// "thu" is in every case's topic and in one petitioner's name:
		// the office sees the name marked; leadership, who does not read
		// contacts, finds the cases by their topic and sees no name.
		codes, snips := searchCodes(t, db, office, "thu")
		if i := slices.Index(codes, other); i < 0 || snips[i] != "petitioner: Lê Thị [Thu] Hằng · 0901111222" {
			t.Errorf("office thu: %v %q", codes, snips)
		}
		// The denunciation is found by "thu" too, through its topic, and
		// its secret denouncer's e-mail has the word: it is never shown.
		if i := slices.Index(codes, secret); i < 0 || snips[i] != "" {
			t.Errorf("office thu, the denunciation: %v %q", codes, snips)
		}
		for _, s := range snips {
			if strings.Contains(s, "Đức") || strings.Contains(s, "0977") || strings.Contains(s, "thu.duc") {
				t.Errorf("the office saw the secret denouncer in %q", snips)
			}
		}
		// One word in the topic, the other in the contact.
		codes, snips = searchCodes(t, db, office, "thu binh")
		if len(codes) != 1 || codes[0] != light || snips[0] != "petitioner: Trần Văn [Bình] · 0987654321" {
			t.Errorf("office thu binh: %v %q", codes, snips)
		}
		// A code search has no snippet: the code is what it found (its
		// digits are in the phones too).
		codes, snips = searchCodes(t, db, office, road[:len(road)-2])
		if len(codes) == 0 || strings.Join(snips, "") != "" {
			t.Errorf("code search snippets: %v %q", codes, snips)
		}
		codes, snips = searchCodes(t, db, leader, "thu")
		if i := slices.Index(codes, other); i < 0 || snips[i] != "" {
			t.Errorf("leadership thu: %v %q", codes, snips)
		}
		for _, s := range snips {
			if strings.Contains(s, "petitioner") || strings.Contains(s, "Đức") || strings.Contains(s, "0977") {
				t.Errorf("leadership saw a contact in %q", snips)
			}
		}

		// A secret denouncer's name, phone (in any of its forms) or
		// e-mail finds nothing, for anyone, though the name is in the
		// letter's own text.
		for _, q := range []string{"pham van duc", "Phạm Văn Đức", "0977000111", "977000111", "+84 977 000 111", "84977000111",
			"thu.duc.pham@example.vn", "duc"} {
			for _, a := range []access.Actor{office, leader} {
				if got, _ := searchCodes(t, db, a, q); len(got) != 0 {
					t.Errorf("%v found the secret denouncer by %q: %v", a.Roles, q, got)
				}
			}
		}
		// The denunciation itself is found by its other words.
		if got, _ := searchCodes(t, db, office, "nhan tien"); len(got) != 1 || got[0] != secret {
			t.Errorf("denunciation by content: %v", got)
		}
		// Leadership does not read contacts, so does not search them.
		if got, _ := searchCodes(t, db, leader, "0912345678"); len(got) != 0 {
			t.Errorf("leadership found by phone: %v", got)
		}
		if got, _ := searchCodes(t, db, leader, "sua duong"); len(got) != 1 {
			t.Errorf("leadership by title: %v", got)
		}

		// A unit officer finds only the cases of their unit, and their
		// petitioners' contacts.
		if err := db.Gorm.Exec("UPDATE cases SET lead_unit_id = ? WHERE code = ?", u["PQLXD"], road).Error; err != nil {
			t.Fatal(err)
		}
		officer := access.Actor{AccountID: 3, UnitID: u["PQLXD"], Roles: []access.Role{access.UnitOfficer}}
		if got, _ := searchCodes(t, db, officer, "duong"); len(got) != 1 || got[0] != road {
			t.Errorf("unit officer duong: %v", got)
		}
		if got, snips := searchCodes(t, db, officer, "0912345678"); len(got) != 1 || snips[0] != "petitioner: Nguyễn Thị Hằng · [0912345678] · hang.nguyen@example.vn" {
			t.Errorf("unit officer by its petitioner's phone: %v %q", got, snips)
		}
		if got, _ := searchCodes(t, db, officer, "0987654321"); len(got) != 0 {
			t.Errorf("unit officer found another unit's case: %v", got)
		}
		// A code's start down to its year lists the codes, as typed, and
		// only those in scope.
		year := strings.ToLower(road[:strings.LastIndex(road, "-")])
		if got, _ := searchCodes(t, db, office, " "+year+" "); len(got) != 4 {
			t.Errorf("office %q: %v, want the four cases", year, got)
		}
		if got, _ := searchCodes(t, db, officer, year+"-"); len(got) != 1 || got[0] != road {
			t.Errorf("unit officer %q: %v, want only %s", year+"-", got, road)
		}
	})
}

// What a search finds is what textfold.Matches says of the search rows,
// on both databases: PostgreSQL's candidates (the rows whose index of
// words' starts, case_search_prefixes, holds each term's first eight
// characters) miss none of the matches, for words mixing letters and
// digits ("12e3x", "3e4abc", "0x1f"), for long numbers and terms longer
// than eight characters (left to the exact condition), and for letters
// outside a-z; nothing is found inside a word.
func TestSearchWordStartsOnBothDatabases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		titles := []string{"abc123 12abc", "12e3x 3e4abc", "1e5 0x1f a1b2c3", "Số 0912345678 năm 2026", "123456789012345678901234567890",
			"Thanh An", "Bàn án xyz", "Дом αβγ", "Nguyễn Thị Hằng"}
		codes := map[int64]string{}
		for i, title := range titles {
			id := insertCase(t, db, i+1, "phan_anh", 0, nil, "received", nil)
			if err := db.Gorm.Exec("UPDATE cases SET title = ? WHERE id = ?", title, id).Error; err != nil {
				t.Fatal(err)
			}
			codes[id] = fmt.Sprintf("SXD-2026-%05d", i+1)
		}
		office := access.Actor{AccountID: 1, Roles: []access.Role{access.Office}}
		indexSearch(t, db)
		var rows []struct {
			CaseID              int64
			Head, Body, Contact string
		}
		if err := db.Gorm.Raw("SELECT case_id, head, body, contact FROM case_search").Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(titles) {
			t.Fatalf("%d search rows, want %d", len(rows), len(titles))
		}
		for _, q := range []string{"abc", "abc1", "abc123", "bc", "123", "12", "12a", "12abc", "12e", "12e3", "12e3x", "e3x", "x", "3e4",
			"3e4a", "3e4abc", "1e", "1e5", "e5", "0x", "0x1", "x1f", "a1b", "b2", "0912", "912", "2026", "20", "123456789012345",
			"456", "123456789099", "0912345678", "09123456789", "an", "th", "hanh", "ban", "an xyz", "до", "ом", "αβ", "βγ", "до abc", "nguyen thi ha", "hang thi", "uyen", "so 09"} {
			sq, _ := textfold.Parse(q)
			var want []string
			for _, r := range rows {
				text := r.Head + " " + r.Body + " " + r.Contact
				if !slices.ContainsFunc(sq.Terms, func(w string) bool { return !textfold.Matches(text, w) }) {
					want = append(want, codes[r.CaseID])
				}
			}
			got, _ := searchCodes(t, db, office, q)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%q: %v, textfold.Matches: %v", q, got, want)
			}
		}
	})
}

// Digit groups that do not look like a phone number (textfold.Parse) are
// searched as words, so a document's number and date are found as typed;
// a phone number typed in groups finds the petitioner's phone.
func TestSearchDigitGroups(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		id := insertCase(t, db, 1, "phan_anh", 0, nil, "received", nil)
		if err := db.Gorm.Exec("UPDATE cases SET title = ? WHERE id = ?", "Công văn số 15/2026/QĐ-SXD ngày 07/12/2026", id).Error; err != nil {
			t.Fatal(err)
		}
		indexSearch(t, db)
		office := access.Actor{AccountID: 1, Roles: []access.Role{access.Office}}
		for q, want := range map[string]string{
			"15 2026":        "Công văn số [15]/[2026]/QĐ-SXD ngày 07/12/[2026]",
			"15/2026":        "Công văn số [15]/[2026]/QĐ-SXD ngày 07/12/[2026]",
			"07 12 2026":     "Công văn số 15/[2026]/QĐ-SXD ngày [07]/[12]/[2026]",
			"07/12/2026":     "Công văn số 15/[2026]/QĐ-SXD ngày [07]/[12]/[2026]",
			"15/2026/QĐ-SXD": "Công văn số [15]/[2026]/[QĐ]-[SXD] ngày 07/12/[2026]",
			"0900 000 001":   "petitioner: Người 1 · [0900000001]",
		} {
			got, snips := searchCodes(t, db, office, q)
			if len(got) != 1 || (want != "" && snips[0] != want) {
				t.Errorf("%q: %v %q, want %q", q, got, snips, want)
			}
		}
	})
}

// A phone found through one of its forms (phoneForms), or typed without
// the spaces it is written with, is marked whole in the petitioner's
// snippet, as the search found it.
func TestSearchSnippetPhoneForms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		insertCase(t, db, 1, "phan_anh", 0, nil, "received", nil)
		spaced := insertCase(t, db, 2, "phan_anh", 0, nil, "received", nil)
		if err := db.Gorm.Exec("UPDATE case_identities SET phone = '0912 345 678' WHERE case_id = ?", spaced).Error; err != nil {
			t.Fatal(err)
		}
		indexSearch(t, db)
		office := access.Actor{AccountID: 1, Roles: []access.Role{access.Office}}
		for q, want := range map[string]string{
			"0900000001":      "petitioner: Người 1 · [0900000001]",
			"900000001":       "petitioner: Người 1 · [0900000001]",
			"+84 900 000 001": "petitioner: Người 1 · [0900000001]",
			"84900000001":     "petitioner: Người 1 · [0900000001]",
			"nguoi 900000001": "petitioner: [Người] 1 · [0900000001]",
			"0912 345 678":    "petitioner: Người 2 · [0912 345 678]",
			"+84 912 345 678": "petitioner: Người 2 · [0912 345 678]",
			"345":             "petitioner: Người 2 · 0912 [345] 678",
		} {
			if got, snips := searchCodes(t, db, office, q); len(got) != 1 || snips[0] != want {
				t.Errorf("%q: %v %q, want %q", q, got, snips, want)
			}
		}
	})
}

// indexSearch runs what the search-index job runs, IndexSearch, and
// returns how many rows it wrote.
func indexSearch(t *testing.T, db *store.DB) int {
	t.Helper()
	n, err := store.NewCaseAccessStore(db).IndexSearch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Search rows written by an older recipe (case_search.revision) are
// rewritten by the search-index job (IndexSearch), not by a search, which
// meanwhile answers from the rows it has: here the contact gains the
// phone's national forms.
func TestSearchRewritesOldRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		insertCase(t, db, 1, "phan_anh", 0, nil, "received", nil)
		insertCase(t, db, 2, "phan_anh", 0, nil, "received", nil)
		if n := indexSearch(t, db); n != 2 {
			t.Fatalf("indexed %d cases, want 2", n)
		}
		office := access.Actor{AccountID: 1, Roles: []access.Role{access.Office}}
		if got, _ := searchCodes(t, db, office, "+84 900 000 001"); len(got) != 1 {
			t.Fatalf("by the international form: %v", got)
		}
		if err := db.Gorm.Exec("UPDATE case_search SET contact = 'nguoi 1 0900000001', revision = 0 WHERE case_id = (SELECT id FROM cases WHERE seq = 1)").Error; err != nil {
			t.Fatal(err)
		}
		// The search does not wait for the rewrite: the old row has the
		// number as written, not its other forms.
		if got, _ := searchCodes(t, db, office, "0900000001"); len(got) != 1 {
			t.Errorf("the old row is not searched as it is: %v", got)
		}
		if got, _ := searchCodes(t, db, office, "900000001"); len(got) != 0 {
			t.Errorf("a search rewrote the old row: %v", got)
		}
		if n := indexSearch(t, db); n != 1 {
			t.Errorf("rewrote %d rows, want the one old row", n)
		}
		if got, _ := searchCodes(t, db, office, "900000001"); len(got) != 1 {
			t.Errorf("the old row was not rewritten: %v", got)
		}
		if n := indexSearch(t, db); n != 0 {
			t.Errorf("a second pass rewrote %d rows", n)
		}
		// The same store (the job's, kept for the process) looks afresh
		// on every run: a row of an older recipe written after a pass (a
		// replica of the older build, a restore) is rewritten by the next.
		cs := store.NewCaseAccessStore(db)
		for i, want := range []int{0, 1} {
			if i == 1 {
				if err := db.Gorm.Exec("UPDATE case_search SET revision = 0 WHERE case_id = (SELECT id FROM cases WHERE seq = 2)").Error; err != nil {
					t.Fatal(err)
				}
			}
			if n, err := cs.IndexSearch(context.Background()); err != nil || n != want {
				t.Errorf("run %d of one store: wrote %d (%v), want %d", i+1, n, err, want)
			}
		}
	})
}

// The search-index job reads a case without locking it, then writes its
// row: a seal committed in between (a kind change to a denunciation,
// which writes the row with no contact at the current revision) must
// stand, or the office would find the sealed denouncer's case by their
// phone. Here the seal runs just before the job's INSERT: on PostgreSQL
// on another connection, committed (the race); on SQLite, whose writers
// take turns (BEGIN IMMEDIATE) so that the race cannot happen there, in
// the job's own transaction, which its statement meets the same way.
func TestSearchIndexRaceKeepsSeal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		office := access.Actor{AccountID: 1, Roles: []access.Role{access.Office}}
		// The case sealed has a row of an older revision (as after an
		// upgrade), or none (the seal's write inserts it); the other case
		// has none, and the job writes it in the same statement.
		for i, before := range []string{"UPDATE case_search SET revision = 0 WHERE case_id = ?", "DELETE FROM case_search WHERE case_id = ?"} {
			id := insertCase(t, db, 2*i+1, "phan_anh", 0, nil, "received", nil)
			other := insertCase(t, db, 2*i+2, "phan_anh", 0, nil, "received", nil)
			phone, otherPhone := fmt.Sprintf("09%08d", 2*i+1), fmt.Sprintf("09%08d", 2*i+2)
			if n := indexSearch(t, db); n != 2 {
				t.Fatalf("indexed %d cases, want 2", n)
			}
			if got, _ := searchCodes(t, db, office, phone); len(got) != 1 {
				t.Fatalf("before the seal, by phone: %v", got)
			}
			if err := db.Gorm.Exec(before, id).Error; err != nil {
				t.Fatal(err)
			}
			if err := db.Gorm.Exec("DELETE FROM case_search WHERE case_id = ?", other).Error; err != nil {
				t.Fatal(err)
			}
			var sealed atomic.Bool
			name := fmt.Sprintf("test:seal%d", i)
			err := db.Gorm.Callback().Raw().Before("gorm:raw").Register(name, func(d *gorm.DB) {
				if !strings.HasPrefix(d.Statement.SQL.String(), "INSERT INTO case_search") || !sealed.CompareAndSwap(false, true) {
					return
				}
				seal := func(tx *gorm.DB) error {
					if err := tx.Exec("UPDATE cases SET kind = ? WHERE id = ?", access.KindDenunciation, id).Error; err != nil {
						return err
					}
					return store.ReindexTx(tx, []int64{id})
				}
				var err error
				if db.Dialect == store.Postgres {
					err = db.Tx(context.Background(), seal)
				} else {
					err = seal(d.Session(&gorm.Session{NewDB: true}))
				}
				if err != nil {
					t.Errorf("seal: %v", err)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			n := indexSearch(t, db)
			if err := db.Gorm.Callback().Raw().Remove(name); err != nil {
				t.Fatal(err)
			}
			if !sealed.Load() {
				t.Fatal("the seal did not run")
			}
			if n != 1 {
				t.Errorf("%s: the job wrote %d rows, want the other case's alone", before, n)
			}
			var contact []string
			if err := db.Gorm.Raw("SELECT contact FROM case_search WHERE case_id = ?", id).Scan(&contact).Error; err != nil {
				t.Fatal(err)
			}
			if len(contact) != 1 || contact[0] != "" {
				t.Errorf("%s: the sealed case's search contact: %q", before, contact)
			}
			for _, q := range []string{phone, fmt.Sprintf("nguoi %d", 2*i+1)} {
				if got, snips := searchCodes(t, db, office, q); len(got) != 0 {
					t.Errorf("%s: the sealed case found by %q: %v %q", before, q, got, snips)
				}
			}
			if got, _ := searchCodes(t, db, office, otherPhone); len(got) != 1 {
				t.Errorf("%s: the other case, written by the job: %v", before, got)
			}
		}
	})
}

// Cases written before the search table existed (here: straight into
// the tables) are indexed by the search-index job, with their unit and
// their answer's letter number; until then a search does not find them.
func TestSearchBackfillAndLetterNumber(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		u := seedUnits(t, db)
		id := insertCase(t, db, 7, "phan_anh", u["PQLXD"], nil, "answered", nil)
		if err := db.Gorm.Exec("INSERT INTO answers (case_id, body, signer, letter_no, letter_date, drafted_by_label, created_at) "+
			"VALUES (?, 'Trả lời', 'Giám đốc', '123/SXD-QLXD', '2026-11-20', 't', ?)", id, accessNow).Error; err != nil {
			t.Fatal(err)
		}
		office := access.Actor{AccountID: 1, Roles: []access.Role{access.Office}}
		if got, _ := searchCodes(t, db, office, "nguoi 7"); len(got) != 0 {
			t.Errorf("found before it was indexed: %v", got)
		}
		if n := indexSearch(t, db); n != 1 {
			t.Errorf("indexed %d cases, want 1", n)
		}
		for _, q := range []string{"123/sxd", "123 SXD QLXD", "Người 7", "nguoi 7"} {
			if got, _ := searchCodes(t, db, office, q); len(got) != 1 {
				t.Errorf("%q: %v", q, got)
			}
		}
	})
}

// A page of a search over every case is ranked and cut inside case_search
// (searchWhere's top): it must be exactly the head of the whole list, in
// its order (rank, then received_at and id, received out of id order here),
// with the groups tied at the cut, for the office (contact searched) and
// leadership (contact not searched), whatever the page's size; the
// second page (Offset) is the run that follows it.
func TestSearchPageIsTheListsHead(t *testing.T) {
	eachIntake(t, petition.Limits{}, func(t *testing.T, ctx context.Context, db *store.DB, e *intakeEnv) {
		titles := []string{"Đường ngõ hỏng", "Đèn đường hỏng", "Cống thoát nước tắc", "Đường Đông Kinh ngập", "Vỉa hè lấn chiếm"}
		contents := []string{"Mặt đường hỏng nặng sau mưa, đề nghị sửa chữa.", "Đèn đường tắt cả tuần, ngõ rất tối vào buổi tối.",
			"Cống thoát nước trên đường tắc, nước tràn vào nhà dân.", "Nguyễn Thị Hằng phản ánh đường ngập sâu khi mưa lớn."}
		names := []string{"Nguyễn Thị Hằng", "Trần Văn Đường", "Lê Thị Hồng", "Nguyễn Văn Hải"}
		for i := 0; i < 36; i++ {
			rec, err := e.svc.Submit(ctx, petition.SubmitInput{Kind: petition.KindFeedback, TopicID: e.topic, Title: titles[i%len(titles)],
				Content: contents[i%len(contents)], Name: names[i%len(names)], Phone: fmt.Sprintf("09123456%02d", i), Consent: true,
				Channel: petition.ChannelAPI, Lang: "vi"})
			if err != nil {
				t.Fatal(err)
			}
			// Received out of id order, with ties.
			if err := db.Gorm.Exec("UPDATE cases SET received_at = received_at - ? * INTERVAL '1 hour' WHERE code = ?", (i*7)%5, rec.Code).Error; err != nil {
				// SQLite has no INTERVAL.
				if err := db.Gorm.Exec("UPDATE cases SET received_at = datetime(received_at, ?) WHERE code = ?", fmt.Sprintf("-%d hours", (i*7)%5), rec.Code).Error; err != nil {
					t.Fatal(err)
				}
			}
		}
		cs := store.NewCaseAccessStore(db)
		all := access.CaseFilter{All: true}
		stop := errors.New("stop")
		for _, q := range []string{"duong", "duong hong", "nguyen thi hang", "den duong", "hang", "SXD-2026", "nuoc tac duong"} {
			sq, why := textfold.Parse(q)
			if why != "" {
				t.Fatal(why)
			}
			for _, contact := range []access.CaseFilter{all, {}} {
				var whole []int64
				if err := cs.EachCase(ctx, all, access.CaseQuery{Search: &sq, Contact: contact, Now: intakeNow}, func(r access.CaseRef, _ access.Identity) error {
					whole = append(whole, r.ID)
					return nil
				}); err != nil && !errors.Is(err, stop) {
					t.Fatal(err)
				}
				if len(whole) < 3 {
					t.Fatalf("%q finds %d cases: the test proves little", q, len(whole))
				}
				for _, n := range []int{1, 2, 3, 5, 8, 13, 50} {
					// The first page and the second (Offset n), each the
					// list's run of n from there.
					for _, off := range []int{0, n} {
						refs, err := cs.ListCases(ctx, all, access.CaseQuery{Search: &sq, Contact: contact, Limit: n, Offset: off, Now: intakeNow})
						if err != nil {
							t.Fatal(err)
						}
						var got []int64
						for _, r := range refs {
							got = append(got, r.ID)
						}
						if want := whole[min(off, len(whole)):min(off+n, len(whole))]; !slices.Equal(got, want) {
							t.Errorf("%q (contact %v) limit %d offset %d: %v, the list's run %v", q, contact.All, n, off, got, want)
						}
					}
				}
			}
		}
	})
}
