package main

import (
	"testing"

	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// TestRatingLinkSurvivesRestart: with no notify.link_key nor
// intake.form_key, the key of the links printed on a visit's receipt is
// generated once and stored, so a second start over the same database
// (a restart, or another replica) signs the same link.
func TestRatingLinkSurvivesRestart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		first := newTestApp(t, db)
		second := newTestApp(t, db)
		if a, b := first.reception.RatingSig(42), second.reception.RatingSig(42); a != b {
			t.Errorf("the rating link's signature changed across starts: %s, %s", a, b)
		}
		if n := second.count(t, "SELECT COUNT(*) FROM stored_secrets WHERE name = 'notice_links'"); n != 1 {
			t.Errorf("%d stored link keys", n)
		}
	})
}
