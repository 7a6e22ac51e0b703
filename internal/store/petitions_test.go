package store_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/filestore"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/platform"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// intakeNow is Friday 27 November 2026, 09:00 in Hà Nội.
var intakeNow = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)

type intakeEnv struct {
	store *store.PetitionStore
	svc   *petition.Service
	clock *platform.FixedClock
	topic int64
}

func newIntakeEnv(t *testing.T, db *store.DB, limits petition.Limits) *intakeEnv {
	t.Helper()
	clock := platform.NewFixedClock(intakeNow)
	ps := store.NewPetitionStore(db)
	if _, err := ps.EnsureTopics(context.Background(), petition.DefaultTopics(), nil, intakeNow); err != nil {
		t.Fatal(err)
	}
	topics, err := ps.ListTopics(context.Background())
	if err != nil || len(topics) != len(petition.DefaultTopics()) {
		t.Fatalf("topics %v %v", topics, err)
	}
	files := filestore.NewDisk(t.TempDir(), clock.Now)
	svc := petition.NewService(petition.Config{Store: ps, Files: files, Now: clock.Now, Agency: "SXD", Limits: limits})
	return &intakeEnv{store: ps, svc: svc, clock: clock, topic: topics[0].ID}
}

// eachIntake runs test on both databases, each with its own intake
// environment (newIntakeEnv, with limits).
func eachIntake(t *testing.T, limits petition.Limits, test func(t *testing.T, ctx context.Context, db *store.DB, e *intakeEnv)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		test(t, context.Background(), db, newIntakeEnv(t, db, limits))
	})
}

func (e *intakeEnv) input(n int) petition.SubmitInput {
	return petition.SubmitInput{Kind: petition.KindFeedback, TopicID: e.topic, Title: "Đèn đường hỏng",
		Content: fmt.Sprintf("Đèn đường ở ngõ %d phố Bà Triệu đã hỏng hơn một tuần.", n),
		Name:    "Nguyễn Văn An", Phone: fmt.Sprintf("09%08d", n), Consent: true, Channel: petition.ChannelAPI, Lang: "vi"}
}

// Concurrent submissions get distinct, gap-free codes on both databases.
func TestIntakeConcurrentCodesAreGapFree(t *testing.T) {
	eachIntake(t, petition.Limits{}, func(t *testing.T, _ context.Context, db *store.DB, e *intakeEnv) {
		const n = 200
		codes := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rec, err := e.svc.Submit(context.Background(), e.input(i))
				codes[i], errs[i] = rec.Code, err
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("submission %d: %v", i, err)
			}
		}
		sort.Strings(codes)
		for i, c := range codes {
			if want := fmt.Sprintf("SXD-2026-%06d", i+1); c != want {
				t.Fatalf("code %d = %q, want %q (codes must be distinct and gap-free)", i, c, want)
			}
		}
	})
}

func TestIntakeReplayDuplicateAndLimits(t *testing.T) {
	eachIntake(t, petition.Limits{PerPhoneHour: 2}, func(t *testing.T, ctx context.Context, db *store.DB, e *intakeEnv) {
		in := e.input(1)
		in.IdempotencyKey = "k1"
		first, err := e.svc.Submit(ctx, in)
		if err != nil || first.Code != "SXD-2026-000001" || len(first.Secret) != 8 {
			t.Fatalf("first: %+v %v", first, err)
		}
		again, err := e.svc.Submit(ctx, in)
		if err != nil || !again.Replayed || again.Code != first.Code || again.Secret != first.Secret {
			t.Fatalf("replay: %+v %v", again, err)
		}
		other := in
		other.Title = "Khác"
		if _, err := e.svc.Submit(ctx, other); !errors.Is(err, petition.ErrIdempotencyMismatch) {
			var l fault.List
			if !errors.As(err, &l) || l[0].MessageID != "petition.idempotency_mismatch" {
				t.Fatalf("reused key with another body: %v", err)
			}
		}
		in.IdempotencyKey = ""
		dup, err := e.svc.Submit(ctx, in)
		if err != nil || dup.DuplicateOf != first.Code || dup.Secret != "" {
			t.Fatalf("duplicate: %+v %v", dup, err)
		}
		in.Content += " Rất mong được xử lý."
		if _, err := e.svc.Submit(ctx, in); err != nil {
			t.Fatalf("second case from the phone: %v", err)
		}
		in.Content += " Xin cảm ơn."
		if _, err := e.svc.Submit(ctx, in); fault.CodeOf(err) != fault.RateLimited {
			t.Fatalf("third case in the hour: %v", err)
		}
		e.clock.Advance(time.Hour)
		if _, err := e.svc.Submit(ctx, in); err != nil {
			t.Fatalf("next hour: %v", err)
		}
	})
}

// One submission that breaks the batch transaction (here a topic that no
// longer exists) fails alone; the others in its batch are written, and the
// numbers stay gap-free.
func TestIntakeBatchIsolatesAFailure(t *testing.T) {
	eachIntake(t, petition.Limits{}, func(t *testing.T, _ context.Context, db *store.DB, e *intakeEnv) {
		nc := func(i int, topic int64) petition.NewCase {
			return petition.NewCase{Agency: "SXD", Year: 2026, Kind: petition.KindFeedback, Channel: petition.ChannelAPI, TopicID: topic,
				Title: "t", Content: fmt.Sprintf("nội dung %d", i), Lang: "vi", Secrets: petition.CaseSecrets{Salt: "s", SecretHash: "h"},
				Identity: petition.Identity{Name: "A", KeepSecret: true, ConsentAt: intakeNow}, ReceivedAt: intakeNow,
				DedupKey: fmt.Sprintf("k%d", i), DedupSince: intakeNow.Add(-24 * time.Hour), Secret: "S"}
		}
		const n = 40
		errs := make([]error, n)
		codes := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				topic := e.topic
				if i == 17 {
					topic = 999999
				}
				res, err := e.store.Intake(context.Background(), nc(i, topic))
				codes[i], errs[i] = res.Code, err
			}()
		}
		wg.Wait()
		var ok []string
		for i, err := range errs {
			if (i == 17) != (err != nil) {
				t.Errorf("submission %d: %v", i, err)
			}
			if err == nil {
				ok = append(ok, codes[i])
			}
		}
		sort.Strings(ok)
		for i, c := range ok {
			if want := fmt.Sprintf("SXD-2026-%06d", i+1); c != want {
				t.Fatalf("code %d = %q, want %q", i, c, want)
			}
		}
	})
}

// The due time comes from the calculator the app wires; when it fails,
// intake still succeeds and the case says "not yet computed".
func TestIntakeDueTime(t *testing.T) {
	eachIntake(t, petition.Limits{}, func(t *testing.T, ctx context.Context, db *store.DB, e *intakeEnv) {
		due := time.Date(2026, 12, 11, 17, 0, 0, 0, time.UTC)
		var asked petition.DueQuery
		calc := petition.DueFunc(func(_ context.Context, q petition.DueQuery) (petition.Due, error) {
			asked = q
			if q.Kind == petition.KindComplaint {
				return petition.Due{}, errors.New("no rule")
			}
			return petition.Due{At: due, Explanation: petition.Explanation{VI: "10 ngày làm việc", EN: "10 working days"}}, nil
		})
		files := filestore.NewDisk(t.TempDir(), e.clock.Now)
		svc := petition.NewService(petition.Config{Store: e.store, Files: files, Now: e.clock.Now, Agency: "SXD", Due: calc})
		rec, err := svc.Submit(ctx, e.input(1))
		if err != nil || !rec.Due.At.Equal(due) || rec.Due.RuleID != "pakn.answer" || rec.Due.Explanation.EN != "10 working days" {
			t.Fatalf("receipt due: %+v %v", rec.Due, err)
		}
		if asked.RuleID != "pakn.answer" || !asked.ReceivedAt.Equal(intakeNow) || asked.TopicID != e.topic {
			t.Errorf("asked %+v", asked)
		}
		v, err := svc.Track(ctx, petition.TrackInput{Code: rec.Code, Secret: rec.Secret})
		if err != nil || !v.Case.Due.At.Equal(due) || v.Case.Due.Explanation.VI != "10 ngày làm việc" {
			t.Fatalf("tracked due: %+v %v", v, err)
		}
		in := e.input(2)
		in.Kind, in.Address = petition.KindComplaint, "Đường Bà Triệu, phường Đông Kinh"
		rec, err = svc.Submit(ctx, in)
		if err != nil || rec.Due.Computed() || rec.Due.RuleID != "complaint.accept" {
			t.Fatalf("failed calculator: %+v %v", rec.Due, err)
		}
	})
}
