package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/store"
)

// Intake writes each case's seal and search row with the case, from what
// it was given, instead of reading the case back: they must be exactly what
// sealing and indexing derive from the stored case, for a denunciation
// whose denouncer keeps secrecy (sealed, nothing of the identity in the
// row), one who waived it, and feedback, in one batch.
func TestIntakeWritesTheSealAndSearchRowsIndexingWould(t *testing.T) {
	eachIntake(t, petition.Limits{}, func(t *testing.T, ctx context.Context, db *store.DB, e *intakeEnv) {
		type want struct {
			kind petition.Kind
			keep bool
		}
		cases := []want{{petition.KindDenunciation, true}, {petition.KindDenunciation, false}, {petition.KindFeedback, true}, {petition.KindFeedback, false}}
		ids := make([]int64, len(cases))
		done := make(chan error, len(cases))
		for i, c := range cases {
			go func() {
				res, err := e.store.Intake(ctx, petition.NewCase{Agency: "SXD", Year: 2026, Kind: c.kind, Channel: petition.ChannelAPI, TopicID: e.topic,
					Title: "Ông Trần Văn Bình 0912 345 678 nhận tiền", Content: fmt.Sprintf("Tôi là Trần Văn Bình, điện thoại 0912345678, tbinh@example.vn, số %d.", i),
					Place: "Phường Đông Kinh", Lang: "vi", Secrets: petition.CaseSecrets{Salt: "s", SecretHash: "h"},
					Identity: petition.Identity{Name: "Trần Văn Bình", Phone: "0912345678", Email: "tbinh@example.vn", Address: "12 Bà Triệu",
						IDNumber: "001099012345", KeepSecret: c.keep, ConsentAt: intakeNow},
					ReceivedAt: intakeNow, DedupKey: fmt.Sprintf("seal%d", i), DedupSince: intakeNow.Add(-24 * time.Hour), Secret: "S"})
				ids[i] = res.CaseID
				done <- err
			}()
		}
		for range cases {
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		}
		type row struct {
			CaseID              int64
			Sealed              bool
			Head, Body, Contact string
		}
		read := func() map[int64]row {
			var rows []row
			if err := db.Gorm.Raw("SELECT s.case_id, c.identity_sealed AS sealed, s.head, s.body, s.contact FROM case_search s JOIN cases c ON c.id = s.case_id WHERE s.case_id IN ?", ids).
				Scan(&rows).Error; err != nil {
				t.Fatal(err)
			}
			out := map[int64]row{}
			for _, r := range rows {
				out[r.CaseID] = r
			}
			return out
		}
		written := read()
		if err := store.Reindex(ctx, db, ids); err != nil {
			t.Fatal(err)
		}
		derived := read()
		for i, c := range cases {
			w, d := written[ids[i]], derived[ids[i]]
			if w != d {
				t.Errorf("%s keep=%v: intake wrote %+v, indexing derives %+v", c.kind, c.keep, w, d)
			}
			if w.Sealed != (c.kind == petition.KindDenunciation && c.keep) {
				t.Errorf("%s keep=%v: sealed %v", c.kind, c.keep, w.Sealed)
			}
		}
	})
}

// On PostgreSQL the writer merges the words index's pending list every
// SearchCleanEvery cases, so that the merge never falls on a batch's
// INSERT under the case number's lock; with it off the list keeps what the
// inserts left.
func TestIntakeMergesTheSearchPendingList(t *testing.T) {
	eachIntake(t, petition.Limits{}, func(t *testing.T, ctx context.Context, db *store.DB, e *intakeEnv) {
		if db.Dialect != store.Postgres {
			t.Skip("a PostgreSQL index")
		}
		pending := func() int64 {
			t.Helper()
			var pages int64
			if err := db.SQL.QueryRowContext(ctx, "SELECT gin_clean_pending_list('case_search_words'::regclass)").Scan(&pages); err != nil {
				t.Fatal(err)
			}
			return pages
		}
		submit := func(from, n int) {
			t.Helper()
			for i := from; i < from+n; i++ {
				if _, err := e.svc.Submit(ctx, e.input(i)); err != nil {
					t.Fatal(err)
				}
			}
		}
		e.store.SearchCleanEvery = 0
		submit(0, 2)
		if p := pending(); p == 0 {
			t.Fatal("with the merge off, the pending list is empty after two intakes: the check cannot see what the merge removes")
		}
		e.store.SearchCleanEvery = 3
		submit(2, 2)
		if p := pending(); p == 0 {
			t.Error("the pending list was merged after 2 of every 3 intakes")
		}
		submit(4, 1)
		if p := pending(); p != 0 {
			t.Errorf("%d pending pages left after the third intake's merge", p)
		}
		submit(5, 2)
		if p := pending(); p == 0 {
			t.Error("the pending list was merged again 2 intakes after a merge")
		}
	})
}
