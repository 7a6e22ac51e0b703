// Package alerttest builds the world the alert and job tests need on a real
// database: the unit directory, staff accounts, cases submitted through the
// petition intake service, and their statutory clocks through the clock
// store. It is for tests only.
package alerttest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/filestore"
	"github.com/phucdap/phucdap/internal/org"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/platform"
	"github.com/phucdap/phucdap/internal/store"
)

// Fixture is a seeded database.
type Fixture struct {
	DB        *store.DB
	Units     map[string]int64
	Petitions *store.PetitionStore
	Clocks    *store.ClockStore
	Accounts  *store.AccountStore
	Topic     int64

	clock *platform.FixedClock
	svc   *petition.Service
	mu    sync.Mutex // Submit runs at the clock's instant; one instant at a time
	seq   atomic.Int64
}

// New seeds the units and topics of db.
func New(t testing.TB, db *store.DB) *Fixture {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	units := store.NewUnitStore(db, func() time.Time { return now })
	if _, err := units.EnsureUnits(ctx, org.DefaultUnits()); err != nil {
		t.Fatal(err)
	}
	list, err := units.ListUnits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f := &Fixture{DB: db, Units: map[string]int64{}, Petitions: store.NewPetitionStore(db), Clocks: store.NewClockStore(db),
		Accounts: store.NewAccountStore(db), clock: platform.NewFixedClock(now)}
	for _, u := range list {
		f.Units[u.Code] = u.ID
	}
	if _, err := f.Petitions.EnsureTopics(ctx, petition.DefaultTopics(), nil, now); err != nil {
		t.Fatal(err)
	}
	topics, err := f.Petitions.ListTopics(ctx)
	if err != nil || len(topics) == 0 {
		t.Fatalf("topics: %v %v", topics, err)
	}
	f.Topic = topics[0].ID
	f.svc = petition.NewService(petition.Config{Store: f.Petitions, Files: filestore.NewDisk(t.TempDir(), f.clock.Now), Now: f.clock.Now,
		Agency: "SXD", Limits: petition.Limits{DuplicateWindow: time.Nanosecond}})
	return f
}

// Account adds an active staff account and returns its id.
func (f *Fixture) Account(t testing.TB, email, unit string, roles ...access.Role) int64 {
	t.Helper()
	acc, err := f.Accounts.InsertAccount(context.Background(), access.System("test"),
		access.NewAccount{Email: email, Name: "Cán bộ " + email, UnitCode: unit, Roles: roles}, "x", false, time.Now().UTC())
	if err != nil {
		t.Fatalf("account %s: %v", email, err)
	}
	return acc.ID
}

// Petitioner is who files a case in a test.
type Petitioner struct {
	Name, Phone, Email, Address string
	KeepSecret                  bool
}

// Case submits a case of kind through the intake service at received and
// returns its id and code.
func (f *Fixture) Case(t testing.TB, kind petition.Kind, received time.Time, who Petitioner) (int64, string) {
	t.Helper()
	n := f.seq.Add(1)
	if who.Name == "" {
		who.Name = "Trần Thị Bình"
	}
	if who.Phone == "" {
		who.Phone = fmt.Sprintf("09%08d", n)
	}
	if who.Address == "" {
		who.Address = fmt.Sprintf("Số %d đường Lê Lợi, TP Lạng Sơn", n)
	}
	in := petition.SubmitInput{Kind: kind, TopicID: f.Topic, Title: fmt.Sprintf("Hồ sơ thử số %d", n),
		Content: fmt.Sprintf("Nội dung hồ sơ thử số %d: đề nghị cơ quan xem xét, trả lời.", n),
		Name:    who.Name, Phone: who.Phone, Email: who.Email, Address: who.Address, KeepSecret: who.KeepSecret,
		Consent: true, Channel: petition.ChannelAPI, Lang: "vi"}
	f.mu.Lock()
	f.clock.Set(received)
	rec, err := f.svc.Submit(context.Background(), in)
	f.mu.Unlock()
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	c, err := f.Petitions.CaseByCode(context.Background(), rec.Code)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.dropIntakeClock(c.ID); err != nil {
		t.Fatal(err)
	}
	return c.ID, rec.Code
}

// dropIntakeClock removes the first clock intake opened (uncomputed: the
// fixture has no deadline engine), so that a test's clocks are the ones it
// opens with Clock.
func (f *Fixture) dropIntakeClock(caseID int64) error {
	return f.DB.Gorm.Exec("DELETE FROM case_clocks WHERE case_id = ?", caseID).Error
}

// Clock opens a clock of kind on a case for unit ("" for the office) due
// at due.
func (f *Fixture) Clock(t testing.TB, caseID int64, kind caseclock.Kind, unit string, started, due time.Time) int64 {
	t.Helper()
	var uid int64
	if unit != "" {
		var ok bool
		if uid, ok = f.Units[unit]; !ok {
			t.Fatalf("no unit %s", unit)
		}
	}
	id, err := f.Clocks.OpenClock(context.Background(), caseclock.New{CaseID: caseID, Kind: kind, RuleID: "test", UnitID: uid,
		Started: started, DueAt: due})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// LateCases creates n cases received at received, each with one answer
// clock of unit due at dueAt(i), submitting concurrently (intake
// group-commits). It returns the case ids in order.
func (f *Fixture) LateCases(t testing.TB, n int, unit string, received time.Time, dueAt func(i int) time.Time) []int64 {
	t.Helper()
	ids := make([]int64, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	errs := make(chan string, n)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			id, _ := f.caseNoFatal(errs, received)
			if id == 0 {
				return
			}
			ids[i] = id
			var uid int64
			if unit != "" {
				uid = f.Units[unit]
			}
			if _, err := f.Clocks.OpenClock(context.Background(), caseclock.New{CaseID: id, Kind: caseclock.Answer, RuleID: "test",
				UnitID: uid, Started: received, DueAt: dueAt(i)}); err != nil {
				errs <- err.Error()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	return ids
}

func (f *Fixture) caseNoFatal(errs chan<- string, received time.Time) (int64, string) {
	n := f.seq.Add(1)
	in := petition.SubmitInput{Kind: petition.KindFeedback, TopicID: f.Topic, Title: fmt.Sprintf("Hồ sơ thử số %d", n),
		Content: fmt.Sprintf("Nội dung hồ sơ thử số %d: đề nghị cơ quan xem xét, trả lời.", n),
		Name:    "Lê Văn Cường", Phone: fmt.Sprintf("08%08d", n), Consent: true, Channel: petition.ChannelAPI, Lang: "vi"}
	// The intake service reads the clock once per submission; all these
	// cases share one instant, so concurrent submits are fine.
	f.mu.Lock()
	f.clock.Set(received)
	f.mu.Unlock()
	rec, err := f.svc.Submit(context.Background(), in)
	if err != nil {
		errs <- "submit: " + err.Error()
		return 0, ""
	}
	c, err := f.Petitions.CaseByCode(context.Background(), rec.Code)
	if err != nil {
		errs <- err.Error()
		return 0, ""
	}
	if err := f.dropIntakeClock(c.ID); err != nil {
		errs <- err.Error()
		return 0, ""
	}
	return c.ID, rec.Code
}
