package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/filestore"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/web"
)

// intake is the citizen intake: the petition service over its store, and
// attachments on disk under the data directory.
type intake struct {
	store   *store.PetitionStore
	files   *filestore.Disk
	service *petition.Service
	formKey []byte
}

// formKey is the key of the public form's tokens: derived from the
// configured one, so that replicas share it, else random per process.
func formKey(configured string) []byte {
	if configured == "" {
		return web.NewFormKey()
	}
	k := sha256.Sum256([]byte("phucdap form key\x00" + configured))
	return k[:]
}

// noticeKey is the key that signs the links sent or printed to citizens
// (notice opt-out, booking cancel, a visit's rating): notify.link_key,
// else intake.form_key, else nil: the caller then uses the key stored in
// the database (noticeLinksSecret), so that a printed receipt's link
// survives a restart and works on every replica.
// noticeLinksSecret names the stored key of the citizens' links.
const noticeLinksSecret = "notice_links"

func noticeKey(linkKey, formKey string) []byte {
	k := linkKey
	if k == "" {
		k = formKey
	}
	if k == "" {
		return nil
	}
	sum := sha256.Sum256([]byte("phucdap notice links\x00" + k))
	return sum[:]
}

func intakeLimits(c config.IntakeConfig) petition.Limits {
	return petition.Limits{
		PerIPHour: c.PerIPHour, PerIPDay: c.PerIPDay, PerPhoneHour: c.PerPhoneHour, PerPhoneDay: c.PerPhoneDay,
		TrackFailures: c.TrackFailures, TrackCodeFailures: c.TrackCodeFailures, TrackWindow: c.TrackWindow, DuplicateWindow: c.DuplicateWindow,
		DisputeWindow: time.Duration(c.DisputeDays) * 24 * time.Hour,
	}
}

// seedTopics adds the default topics that are missing, mapped to the tasks
// of the newest plan (the seed plan 55/KH-SXD on a fresh install).
func (a *app) seedTopics(ctx context.Context) error {
	taskIDs := map[string]int64{}
	list, err := a.plans.List(ctx)
	if err != nil {
		return err
	}
	if len(list) > 0 {
		rec, err := a.plans.Get(ctx, list[0].ID)
		if err != nil {
			return err
		}
		taskIDs = rec.TaskIDs
	}
	n, err := a.intake.store.EnsureTopics(ctx, petition.DefaultTopics(), taskIDs, a.clock.Now())
	if err != nil {
		return fmt.Errorf("seed topics: %w", err)
	}
	if n > 0 {
		a.log.Info("seeded petition topics", "topics", n)
	}
	return nil
}
