package store

import (
	"context"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/petition"
)

// PetitionStore is the gorm implementation of petition.Store.
//
// Intake is group-committed: submissions that arrive while writes are in
// flight queue up, and the next writer takes them all, up to MaxBatch, in
// one transaction. Each submission still gets its own outcome (created,
// replayed, duplicate, rate-limited), nothing is acknowledged before its
// transaction commits, and the sequence row is bumped once per transaction
// by the number of cases created, so numbers stay gap-free. Under load this
// turns one commit (and one wait on the sequence row) per case into one per
// batch; with no concurrency a batch is one submission. Writers is how many
// batches may be in flight at once in this process.
type PetitionStore struct {
	db       *DB
	MaxBatch int
	Writers  int
	// SearchCleanEvery is how many new cases a writer lets into the search
	// index's pending list before it merges the list (cleanSearchPending);
	// 0 leaves it to PostgreSQL.
	SearchCleanEvery int

	mu       sync.Mutex
	queue    []*intakeReq
	leaders  int
	unclean  int  // cases written since the last merge
	cleaning bool // a merge is running
}

// NewPetitionStore returns the store over db. One writer: on Postgres a
// second one mostly waits on the sequence row (measured slower).
func NewPetitionStore(db *DB) *PetitionStore {
	return &PetitionStore{db: db, MaxBatch: 64, Writers: 1, SearchCleanEvery: 256}
}

var _ petition.Store = (*PetitionStore)(nil)

// KeysInUse says which storage keys attachments refer to.
func (s *PetitionStore) KeysInUse(ctx context.Context, keys []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(keys) == 0 {
		return out, nil
	}
	var used []string
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT DISTINCT storage_key FROM attachments WHERE storage_key IN ?", keys).
		Scan(&used).Error; err != nil {
		return nil, err
	}
	for _, k := range used {
		out[k] = true
	}
	return out, nil
}

// Purge deletes idempotency records and rate counters older than before.
func (s *PetitionStore) Purge(ctx context.Context, before time.Time) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec("DELETE FROM idempotency_keys WHERE created_at < ?", before.UTC()).Error; err != nil {
			return err
		}
		return tx.Exec("DELETE FROM rate_counters WHERE window_start < ?", before.UTC()).Error
	})
}
