package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/platform"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// BenchmarkLookup measures the Go side of a lookup by tracking code with
// its secret: the real router, every middleware, the one tracking
// statement on PostgreSQL, the view and its JSON, called in process (no
// sockets), so that a CPU profile shows what phucdap itself spends:
//
//	go test ./cmd/phucdap -run '^$' -bench BenchmarkLookup -benchtime 5000x -cpuprofile /tmp/lookup.prof
//
// The throughput against the bare GET is deploy/bench/all.sh's figure.
func BenchmarkLookup(b *testing.B) {
	db, h, topic := benchApp(b, "PHUCDAP_INTAKE__PER_IP_HOUR=1000000", "PHUCDAP_INTAKE__PER_IP_DAY=1000000")
	type tracked struct{ code, secret string }
	var cases []tracked
	for i := range 200 {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/petitions", benchPetition(topic, int64(i)))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var out struct{ Code, Secret string }
		if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
			b.Fatalf("submit: %d %s", rec.Code, rec.Body.Bytes())
		}
		cases = append(cases, tracked{out.Code, out.Secret})
	}
	if err := db.Gorm.Exec("ANALYZE").Error; err != nil {
		b.Fatal(err)
	}
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c := cases[int(n.Add(1))%len(cases)]
			req := httptest.NewRequest(http.MethodGet, "/api/v1/petitions/"+c.code, nil)
			req.Header.Set("X-Tracking-Secret", c.secret)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Errorf("lookup %s: %d %s", c.code, rec.Code, rec.Body.Bytes())
				return
			}
		}
	})
}

// BenchmarkSubmitInProcess is BenchmarkLookup for intake: POST
// /api/v1/petitions on PostgreSQL through the real router, in process,
// for a CPU profile of what phucdap spends on a submission:
//
//	go test ./cmd/phucdap -run '^$' -bench BenchmarkSubmitInProcess -benchtime 2000x -cpuprofile /tmp/submit.prof
func BenchmarkSubmitInProcess(b *testing.B) {
	_, h, topic := benchApp(b, "PHUCDAP_INTAKE__PER_IP_HOUR=1000000000", "PHUCDAP_INTAKE__PER_IP_DAY=1000000000",
		"PHUCDAP_INTAKE__PER_PHONE_HOUR=1000000000", "PHUCDAP_INTAKE__PER_PHONE_DAY=1000000000")
	var n atomic.Int64
	b.SetParallelism(16)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			req := httptest.NewRequest(http.MethodPost, "/api/v1/petitions", benchPetition(topic, i))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusCreated {
				b.Errorf("submit: %d %s", rec.Code, rec.Body.Bytes())
				return
			}
		}
	})
}

// benchApp builds the app on a PostgreSQL database of its own with the
// seed loaded and env on top of the test settings, and returns its
// database, its handler and the first topic's id.
func benchApp(b *testing.B, env ...string) (*store.DB, http.Handler, int64) {
	b.Helper()
	db := storetest.NewPostgres(b)
	cfg, err := config.Load("", func() []string {
		return append([]string{"PHUCDAP_ENV=test", "PHUCDAP_LOG__LEVEL=warn"}, env...)
	})
	if err != nil {
		b.Fatal(err)
	}
	a, err := build(context.Background(), cfg, db, platform.NewFixedClock(testNow), platform.NewLogger(&bytes.Buffer{}, "json", "warn"))
	if err != nil {
		b.Fatal(err)
	}
	if err := a.seed(context.Background()); err != nil {
		b.Fatal(err)
	}
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/topics", nil))
	var topics struct{ Topics []struct{ Id int64 } }
	if err := json.Unmarshal(rec.Body.Bytes(), &topics); err != nil || len(topics.Topics) == 0 {
		b.Fatalf("topics: %v %s", err, rec.Body.Bytes())
	}
	return db, a.handler, topics.Topics[0].Id
}

// benchPetition is the JSON body of the i-th submission, each with its own
// phone number.
func benchPetition(topic, i int64) *bytes.Reader {
	body, _ := json.Marshal(map[string]any{"kind": "phan_anh", "topic_id": topic, "title": "Đèn đường hỏng",
		"content": fmt.Sprintf("Đèn đường ở ngõ %d phố Bà Triệu đã hỏng hơn một tuần.", i), "place": "Phố Bà Triệu",
		"name": "Nguyễn Thị Hằng", "phone": fmt.Sprintf("09%08d", i), "consent": true})
	return bytes.NewReader(body)
}
