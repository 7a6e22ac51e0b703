package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"time"

	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/filestore"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/web"
)

// intake is the citizen intake wiring (issue 4): the petition service over
// its store, and attachments on disk under the data directory.
type intake struct {
	store   *store.PetitionStore
	files   *filestore.Disk
	service *petition.Service
	formKey []byte
}

func newIntake(cfg *config.Config, a *app) *intake {
	in := &intake{store: store.NewPetitionStore(a.db)}
	in.files = filestore.NewDisk(filepath.Join(cfg.DataDir, "attachments"), a.clock.Now)
	in.service = petition.NewService(petition.Config{
		Store: in.store, Files: in.files, Now: a.clock.Now, Log: a.log,
		Agency: cfg.Agency, Location: cfg.Location, Limits: intakeLimits(cfg.Intake),
		Due: petition.DueFunc(a.dueOfNewCase),
	})
	if cfg.Intake.FormKey != "" {
		k := sha256.Sum256([]byte("phucdap form key\x00" + cfg.Intake.FormKey))
		in.formKey = k[:]
	} else {
		in.formKey = web.NewFormKey()
	}
	return in
}

func intakeLimits(c config.IntakeConfig) petition.Limits {
	return petition.Limits{
		PerIPHour: c.PerIPHour, PerIPDay: c.PerIPDay, PerPhoneHour: c.PerPhoneHour, PerPhoneDay: c.PerPhoneDay,
		TrackFailures: c.TrackFailures, TrackCodeFailures: c.TrackCodeFailures, TrackWindow: c.TrackWindow, DuplicateWindow: c.DuplicateWindow,
		DisputeWindow: time.Duration(c.DisputeDays) * 24 * time.Hour,
	}
}

func (a *app) webIntake() *web.Intake {
	return &web.Intake{Service: a.intake.service, Files: a.intake.files, Now: a.clock.Now, Location: a.cfg.Location,
		FormKey: a.intake.formKey, MinFillTime: a.cfg.Intake.MinFillTime}
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

// dueOfNewCase computes the first due time of a case from the deadline
// engine (petition.FirstClock: the rule of its kind, counted from receipt,
// with the topic as the override scope), with the clock it replays for
// extensions and suspensions (issue 6).
func (a *app) dueOfNewCase(ctx context.Context, q petition.DueQuery) (petition.Due, error) {
	if a.deadlines == nil {
		return petition.Due{}, fmt.Errorf("deadline engine not started")
	}
	return petition.FirstClock(a.deadlines.Engine(ctx), q.Kind, q.TopicID, q.ReceivedAt)
}
