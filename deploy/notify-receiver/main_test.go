package main

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/alert"
)

// The example receiver takes a message signed as phucdap signs it, once
// per idempotency key, and refuses a bad signature, a stale timestamp and
// a Zalo message whose ZNS template is not mapped.
func TestReceiverVerifiesAndTakesOnce(t *testing.T) {
	const secret = "receiver-secret-0123456789"
	var forwarded []Outgoing
	adapter := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var o Outgoing
		_ = json.NewDecoder(r.Body).Decode(&o)
		forwarded = append(forwarded, o)
	}))
	defer adapter.Close()
	rc := &receiver{secret: secret, maxAge: 5 * time.Minute, forward: adapter.URL, seen: map[string]time.Time{},
		templates: map[string]map[string]string{alert.ChannelZalo: parseMap("phucdap_accepted=301234"), alert.ChannelSMS: {}},
		log:       slog.New(slog.DiscardHandler), client: adapter.Client()}
	post := func(m alert.GatewayMessage, key string, at time.Time) int {
		body, _ := json.Marshal(m)
		ts := strconv.FormatInt(at.Unix(), 10)
		req := httptest.NewRequest(http.MethodPost, "/notify", strings.NewReader(string(body)))
		req.Header.Set(alert.HeaderTimestamp, ts)
		req.Header.Set(alert.HeaderSignature, alert.Sign(key, ts, body))
		w := httptest.NewRecorder()
		rc.ServeHTTP(w, req)
		return w.Code
	}
	m := alert.GatewayMessage{IdempotencyKey: "SXD-2026-000001:accepted:7:zalo", Channel: alert.ChannelZalo, Recipient: "0912345678",
		Template: "phucdap_accepted", Language: "vi", Params: map[string]string{"code": "SXD-2026-000001"}}
	now := time.Now()
	for _, c := range []struct {
		name string
		m    alert.GatewayMessage
		key  string
		at   time.Time
		want int
	}{
		{"signed", m, secret, now, 200},
		{"the same message again", m, secret, now, 200},
		{"another secret", m, "another-secret-0123456789", now, 401},
		{"an old timestamp", m, secret, now.Add(-10 * time.Minute), 401},
		{"an unmapped ZNS template", alert.GatewayMessage{IdempotencyKey: "k:closed:8:zalo", Channel: alert.ChannelZalo, Recipient: "0912345678",
			Template: "phucdap_closed"}, secret, now, 503},
	} {
		if got := post(c.m, c.key, c.at); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
	if len(forwarded) != 1 || forwarded[0].ProviderTemplate != "301234" || forwarded[0].Recipient != "0912345678" {
		t.Errorf("forwarded %+v, want the one message with ZNS template 301234", forwarded)
	}
}
