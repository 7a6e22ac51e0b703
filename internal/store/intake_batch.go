package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/petition"
)

type intakeReq struct {
	ctx    context.Context
	nc     petition.NewCase
	search *searchTexts // made before the batch (searchTextsOf)
	res    petition.IntakeResult
	err    error
	done   chan struct{}
	lead   chan struct{}
}

// Intake records a new case (see PetitionStore for the batching).
func (s *PetitionStore) Intake(ctx context.Context, nc petition.NewCase) (petition.IntakeResult, error) {
	// The search texts are made here, in the submission's own goroutine,
	// not by the batch's writer: they are most of intake's CPU.
	st := searchTextsOf(nc)
	r := &intakeReq{ctx: ctx, nc: nc, search: &st, done: make(chan struct{}), lead: make(chan struct{}, 1)}
	s.mu.Lock()
	if s.leaders < max(s.Writers, 1) {
		s.leaders++
		s.mu.Unlock()
	} else {
		s.queue = append(s.queue, r)
		s.mu.Unlock()
		select {
		case <-r.done:
			return r.res, r.err
		case <-r.lead:
			// A writer finished and handed its turn to r.
		}
	}
	s.mu.Lock()
	n := min(len(s.queue), max(s.MaxBatch, 1)-1)
	batch := append([]*intakeReq{r}, s.queue[:n]...)
	s.queue = s.queue[n:]
	s.mu.Unlock()

	s.runBatch(batch)

	s.mu.Lock()
	if len(s.queue) > 0 {
		next := s.queue[0]
		s.queue = s.queue[1:]
		next.lead <- struct{}{}
	} else {
		s.leaders--
	}
	s.mu.Unlock()
	return r.res, r.err
}

func (s *PetitionStore) runBatch(batch []*intakeReq) {
	defer func() {
		for _, r := range batch {
			close(r.done)
		}
	}()
	// The batch must not die with the leader's request: others wait on it.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(batch[0].ctx), 60*time.Second)
	defer cancel()
	err := s.db.Tx(ctx, func(tx *gorm.DB) error { return s.intakeTx(tx, batch) })
	if err == nil {
		return
	}
	if len(batch) == 1 {
		batch[0].err = err
		return
	}
	// Something in the batch broke the transaction: isolate it by writing
	// each submission on its own.
	for _, r := range batch {
		one := []*intakeReq{r}
		if err := s.db.Tx(ctx, func(tx *gorm.DB) error { return s.intakeTx(tx, one) }); err != nil {
			r.res, r.err = petition.IntakeResult{}, err
		}
	}
}
