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
	st := searchTextsOf(nc, s.db.Dialect == Postgres)
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
	clean := s.searchCleanDue(batch)
	s.mu.Unlock()
	if clean {
		s.cleanSearchPending(ctx)
	}
	return r.res, r.err
}

// searchCleanDue counts the search rows the batch wrote and says whether
// this writer should now move the search index's pending entries into the
// index (cleanSearchPending). Called with s.mu held.
func (s *PetitionStore) searchCleanDue(batch []*intakeReq) bool {
	if s.db.Dialect != Postgres || s.SearchCleanEvery <= 0 {
		return false
	}
	for _, r := range batch {
		if r.err == nil && r.res.Outcome == petition.Created {
			s.unclean++
		}
	}
	if s.unclean < s.SearchCleanEvery || s.cleaning {
		return false
	}
	s.unclean, s.cleaning = 0, true
	return true
}

// cleanSearchPending moves the entries new search rows left in the
// pending list of the index of their words' starts (case_search_words,
// migrations 00043 and 00045, a GIN index) into the index proper, on its own
// connection.
//
// PostgreSQL adds a row's words to that list (fastupdate), and the
// insert that finds the list past gin_pending_list_limit (4 MB, about a
// thousand cases' texts) merges the whole list before it returns: with
// intake that is the batch's INSERT, under the case number's row lock,
// so every submission queued behind it waited the merge out (up to
// 145 ms for a batch's statement where a median one takes 20). Autovacuum
// would merge it too, but on a large cases table only every 20% of
// growth. Here the writer that has just handed its turn on does it every
// SearchCleanEvery cases, while the next batch is written: inserts go on
// appending to the list during a merge, and an insert that finds the list
// full while a merge runs leaves it to that merge. It delays this one
// submission's answer by the merge (a few ms for a few hundred cases), not
// the queue. The submission's case is committed by then, so the merge is
// cut at cleanSearchWait: gin_clean_pending_list waits for a merge already
// running (autovacuum's, another replica's), and a client must not wait
// that out for its answer. A failure (cut short, or a role that does not
// own the index) is logged and left to the inline merge, which is still
// there.
func (s *PetitionStore) cleanSearchPending(ctx context.Context) {
	defer func() {
		s.mu.Lock()
		s.cleaning = false
		s.mu.Unlock()
	}()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanSearchWait)
	defer cancel()
	var pages int64
	err := s.db.SQL.QueryRowContext(ctx, "SELECT gin_clean_pending_list('case_search_words'::regclass)").Scan(&pages)
	if err != nil && s.db.outage != nil && s.db.outage.log != nil {
		s.db.outage.log.Warn("merging the search index's pending list failed; PostgreSQL merges it when the list is full", "err", err)
	}
}

// cleanSearchWait bounds the merge one submission's answer may wait for
// (cleanSearchPending): a few hundred cases' entries take a few ms.
const cleanSearchWait = 2 * time.Second

func (s *PetitionStore) runBatch(batch []*intakeReq) {
	defer func() {
		for _, r := range batch {
			close(r.done)
		}
	}()
	// The batch must not die with the leader's request: others wait on it.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(batch[0].ctx), 60*time.Second)
	defer cancel()
	err := s.writeBatch(ctx, batch)
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
		if err := s.writeBatch(ctx, one); err != nil {
			r.res, r.err = petition.IntakeResult{}, err
		}
	}
}

// writeBatch writes batch in one transaction: on Postgres a pgBatchTx, on
// SQLite a gorm one.
func (s *PetitionStore) writeBatch(ctx context.Context, batch []*intakeReq) error {
	if s.db.Dialect == Postgres {
		return s.writeBatchPG(ctx, batch)
	}
	return s.db.Tx(ctx, func(tx *gorm.DB) error { return s.intakeTx(tx, batch, nil) })
}
