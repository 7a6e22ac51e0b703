package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/org"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// Replicas starting at once on one empty PostgreSQL database all seed the
// unit directory and the topics: each comes up, and each row is there once.
func TestConcurrentSeedsOnPostgres(t *testing.T) {
	storetest.Parallel(t)
	dsn := storetest.NewPostgresURL(t)
	const replicas = 6
	dbs := make([]*store.DB, replicas)
	for i := range dbs {
		db, err := store.Open(context.Background(), store.Options{Dialect: store.Postgres, URL: dsn, MaxOpenConns: 2})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	now := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, db := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if _, err := store.NewUnitStore(db, func() time.Time { return now }).EnsureUnits(context.Background(), org.DefaultUnits()); err != nil {
				t.Errorf("units: %v", err)
			}
			if _, err := store.NewPetitionStore(db).EnsureTopics(context.Background(), petition.DefaultTopics(), nil, now); err != nil {
				t.Errorf("topics: %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	var units, topics int64
	dbs[0].Gorm.Raw("SELECT count(*) FROM units").Scan(&units)
	dbs[0].Gorm.Raw("SELECT count(*) FROM topics").Scan(&topics)
	if units != int64(len(org.DefaultUnits())) || topics != int64(len(petition.DefaultTopics())) {
		t.Errorf("%d units, %d topics; want %d and %d", units, topics, len(org.DefaultUnits()), len(petition.DefaultTopics()))
	}
}
