// Command notify-receiver is an example receiver of phucdap's citizen
// notifications: the one signed JSON POST (alert.GatewayMessage) that
// phucdap sends for each SMS and Zalo OA message. It checks the signature
// and the timestamp, drops a retry of a message it already took (by its
// idempotency key), maps phucdap's template id to the provider's (an SMS
// brand-name template, a Zalo ZNS template id), then logs the message or
// forwards it to the provider's adapter. It is a starting point for the
// province's gateway, not a gateway: it keeps the keys it took in memory
// only.
//
//	NOTIFY_SECRET=… go run ./deploy/notify-receiver -listen :8090 \
//	    -zns phucdap_accepted=301234,phucdap_answered=301235 \
//	    -forward https://sms-adapter.internal/send
//
// and in phucdap: notify.gateway_url: http://gateway:8090/notify,
// notify.gateway_secret: the same secret.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/phucdap/phucdap/internal/alert"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "notify-receiver:", err)
		os.Exit(1)
	}
}

func run() error {
	listen := flag.String("listen", ":8090", "address to listen on")
	zns := flag.String("zns", "", "phucdap template id = Zalo ZNS template id, comma-separated")
	sms := flag.String("sms", "", "phucdap template id = SMS brand-name template id, comma-separated (empty: send the message's text)")
	forward := flag.String("forward", "", "POST each verified message, with the provider's template id, to this URL (empty: log only)")
	maxAge := flag.Duration("max-age", 5*time.Minute, "refuse a timestamp further than this from now (replays)")
	flag.Parse()
	secret := os.Getenv("NOTIFY_SECRET")
	if len(secret) < 16 {
		return errors.New("set NOTIFY_SECRET to phucdap's notify.gateway_secret (at least 16 characters)")
	}
	r := &receiver{secret: secret, maxAge: *maxAge, forward: *forward, seen: map[string]time.Time{},
		templates: map[string]map[string]string{alert.ChannelZalo: parseMap(*zns), alert.ChannelSMS: parseMap(*sms)},
		log:       slog.New(slog.NewJSONHandler(os.Stdout, nil)), client: &http.Client{Timeout: 10 * time.Second}}
	mux := http.NewServeMux()
	mux.Handle("POST /notify", r)
	srv := &http.Server{Addr: *listen, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	r.log.Info("listening", "addr", *listen)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func parseMap(s string) map[string]string {
	m := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(kv), "="); ok {
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return m
}

type receiver struct {
	secret    string
	maxAge    time.Duration
	forward   string
	templates map[string]map[string]string // channel → phucdap template → provider template
	log       *slog.Logger
	client    *http.Client

	mu   sync.Mutex
	seen map[string]time.Time // idempotency keys taken (a real gateway persists them)
}

// Outgoing is what the example forwards to the provider's adapter.
type Outgoing struct {
	alert.GatewayMessage
	ProviderTemplate string `json:"provider_template"`
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 64<<10))
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	// 1. The signature: HMAC-SHA256 over timestamp + "." + the raw body,
	// and a timestamp close to now.
	ts, sig := req.Header.Get(alert.HeaderTimestamp), req.Header.Get(alert.HeaderSignature)
	if !alert.Verify(rc.secret, ts, sig, body, time.Now(), rc.maxAge) {
		rc.log.Warn("refused: bad signature or stale timestamp", "delivery", req.Header.Get(alert.HeaderDelivery))
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var m alert.GatewayMessage
	if err := json.Unmarshal(body, &m); err != nil || m.IdempotencyKey == "" || m.Recipient == "" {
		http.Error(w, "bad message", http.StatusBadRequest)
		return
	}
	// 2. Once per idempotency key: phucdap retries until it gets a 2xx,
	// so a message taken but not acknowledged comes again.
	rc.mu.Lock()
	_, dup := rc.seen[m.IdempotencyKey]
	if !dup {
		rc.seen[m.IdempotencyKey] = time.Now() // taken; released below if it fails
	}
	rc.mu.Unlock()
	if dup {
		w.WriteHeader(http.StatusOK)
		return
	}
	release := func() {
		rc.mu.Lock()
		delete(rc.seen, m.IdempotencyKey)
		rc.mu.Unlock()
	}
	// 3. The provider's template: a ZNS template id for Zalo; for SMS a
	// brand-name template, or the message's own text.
	out := Outgoing{GatewayMessage: m, ProviderTemplate: rc.templates[m.Channel][m.Template]}
	if m.Channel == alert.ChannelZalo && out.ProviderTemplate == "" {
		rc.log.Error("no ZNS template for this message; map it with -zns", "template", m.Template)
		release()
		http.Error(w, "no template", http.StatusServiceUnavailable) // phucdap retries, then shows it dead to admins
		return
	}
	if err := rc.send(req.Context(), out); err != nil {
		rc.log.Error("forward failed", "key", m.IdempotencyKey, "err", err)
		release()
		http.Error(w, "forward failed", http.StatusBadGateway)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (rc *receiver) send(ctx context.Context, out Outgoing) error {
	// Never log the recipient's phone: it may be a denouncer's.
	rc.log.Info("message", "key", out.IdempotencyKey, "channel", out.Channel, "template", out.Template,
		"provider_template", out.ProviderTemplate, "language", out.Language, "params", out.Params)
	if rc.forward == "" {
		return nil
	}
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rc.forward, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", out.IdempotencyKey)
	res, err := rc.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 4096))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("adapter answered %s", res.Status)
	}
	return nil
}
