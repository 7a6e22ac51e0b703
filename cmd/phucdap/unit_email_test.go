package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/alert/alerttest"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// A unit's e-mail for alerts hears what its head hears: the office sets
// the division's address, one of its cases goes late, and the sweep's late
// alert reaches that mailbox through mailpit once, without the
// petitioner.
func TestUnitEmailGetsTheUnitsAlerts(t *testing.T) {
	mp := alerttest.SharedMailpit(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		box := "qlxd-" + token() + "@sxd.test"
		ta := newTestApp(t, db, withSMTP(mp))
		in := ta.unitNow(t, "PQLXD").Input()
		in.Email = box
		if _, err := ta.directory.Update(ctx, access.System("test"), in); err != nil {
			t.Fatal(err)
		}
		f := alerttest.New(t, ta.db)
		now := ta.Clock.Now()
		received := now.AddDate(0, 0, -20)
		id, code := f.Case(t, petition.KindPetition, received, alerttest.Petitioner{Name: "Đặng Thị Kiến Nghị", Phone: "0912000111"})
		f.Clock(t, id, caseclock.Answer, "PQLXD", received, now.Add(-time.Hour))
		ta.runJob(t, "overdue-sweep", time.Time{})
		ta.runJob(t, "outbox", time.Time{})
		n, list := mp.WaitFor(t, `to:"`+box+`"`, 1, 10*time.Second)
		if n != 1 {
			t.Fatalf("%d messages to the unit's address, want 1", n)
		}
		msg := mp.Message(t, list[0].ID)
		if !strings.Contains(msg.Subject, code) || strings.Contains(msg.Text+msg.HTML, "Kiến Nghị") || strings.Contains(msg.Text, "0912000111") {
			t.Errorf("the unit's alert: %q\n%s", msg.Subject, msg.Text)
		}
		ta.runJob(t, "overdue-sweep", time.Time{})
		ta.runJob(t, "outbox", time.Time{})
		if n, _ := mp.Search(t, `to:"`+box+`"`); n != 1 {
			t.Errorf("%d messages after a rerun", n)
		}
	})
}
