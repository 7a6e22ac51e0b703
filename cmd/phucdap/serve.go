package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/phucdap/phucdap/internal/config"
)

func cmdServe(ctx context.Context, env *cliEnv, args []string) error {
	fs, cfgPath := newFlagSet(env, "serve", "[serve] [flags]\n\nStarts the HTTP server. On first start with an empty database it loads the\nembedded seed plan. Listens on PHUCDAP_LISTEN (default 127.0.0.1:8080; port 0\npicks a free port) and prints the address to open.")
	passive := fs.Bool("passive", false, "serve HTTP but run no scheduled jobs (same as PHUCDAP_JOBS__ENABLED=false)")
	if err := parseFlags(env, fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	a, err := open(ctx, env, *cfgPath, true, func(c *config.Config) {
		if *passive {
			c.Jobs.Enabled = false
		}
	})
	if err != nil {
		return err
	}
	// Closed last: the scheduler stops after the HTTP server has drained,
	// then the database closes.
	defer a.Close()
	if a.cfg.Seed {
		if err := a.seed(ctx); err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", a.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.Listen, err)
	}
	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       a.cfg.HTTP.ReadTimeout,
		WriteTimeout:      a.cfg.HTTP.WriteTimeout,
		IdleTimeout:       120 * time.Second,
	}
	url := publicURL(a.cfg.BaseURL, ln.Addr())
	a.log.Info("phucdap listening", "url", url, "database", a.cfg.DescribeDatabase(), "env", a.cfg.Env, "jobs", a.cfg.Jobs.Enabled)
	fmt.Fprintf(env.stdout, "phucdap is running: open %s (database: %s). Stop with Ctrl+C.\n", url, a.cfg.DescribeDatabase())

	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	if ml := a.cfg.Metrics.Listen; ml != "" {
		mln, err := net.Listen("tcp", ml)
		if err != nil {
			return fmt.Errorf("listen on %s (metrics.listen): %w", ml, err)
		}
		msrv := &http.Server{Handler: metricsMux(a.metrics), ReadHeaderTimeout: 10 * time.Second}
		a.log.Info("metrics listening", "addr", mln.Addr().String())
		go func() {
			if err := msrv.Serve(mln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("metrics listener: %w", err)
			}
		}()
		defer msrv.Close()
	}
	if err := a.Start(ctx); err != nil {
		return err
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Stop accepting, let in-flight requests finish, then the deferred
	// Close stops the scheduler and shuts the database.
	a.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.HTTP.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	a.log.Info("stopped")
	return nil
}

// metricsMux serves only GET /metrics on the metrics listener.
func metricsMux(h http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	return mux
}

// publicURL is where a person should open the service: the configured base
// URL, or the listen address with a wildcard host made clickable.
func publicURL(base string, addr net.Addr) string {
	if base != "" {
		return strings.TrimRight(base, "/") + "/"
	}
	host, port, _ := net.SplitHostPort(addr.String())
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
