package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func environ(kv ...string) func() []string { return func() []string { return kv } }

func TestDefaults(t *testing.T) {
	c, err := Load("", environ())
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:8080" || c.DataDir != "./data" || c.Agency != "SXD" || c.TZ != "Asia/Ho_Chi_Minh" || c.Env != "development" {
		t.Errorf("defaults: %+v", c)
	}
	if c.Dialect() != "sqlite" || c.SQLitePath() != filepath.Join("data", "phucdap.db") {
		t.Errorf("database: %s %s", c.Dialect(), c.SQLitePath())
	}
	if c.Location == nil || c.Location.String() != "Asia/Ho_Chi_Minh" || c.Log.Format != "text" || !c.Jobs.Enabled {
		t.Errorf("derived: %+v", c)
	}
}

func TestLayering(t *testing.T) {
	file := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(file, []byte("listen: 0.0.0.0:9000\nagency: XD\nlog:\n  level: debug\ndb:\n  max_open_conns: 4\n"), 0o600)
	c, err := Load(file, environ("PHUCDAP_AGENCY=SXDLS", "PHUCDAP_DB__MAX_OPEN_CONNS=32", "PHUCDAP_DATABASE_URL=postgres://u:secret@h/db", "PHUCDAP_ENV=production", "PHUCDAP_JOBS__ENABLED=false", "OTHER=1"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "0.0.0.0:9000" || c.Agency != "SXDLS" || c.Log.Level != "debug" || c.DB.MaxOpenConns != 32 || c.Jobs.Enabled {
		t.Errorf("layering: %+v", c)
	}
	if c.Dialect() != "postgres" || strings.Contains(c.DescribeDatabase(), "secret") {
		t.Errorf("describe leaks the password: %s", c.DescribeDatabase())
	}
	if c.Log.Format != "json" {
		t.Errorf("production logs should be JSON, got %s", c.Log.Format)
	}
}

func TestInvalidValuesNameTheirKey(t *testing.T) {
	cases := []struct{ env, key string }{
		{"PHUCDAP_LISTEN=8080", "PHUCDAP_LISTEN"},
		{"PHUCDAP_BASE_URL=ftp://x", "PHUCDAP_BASE_URL"},
		{"PHUCDAP_DATABASE_URL=mysql://x", "PHUCDAP_DATABASE_URL"},
		{"PHUCDAP_ENV=staging", "PHUCDAP_ENV"},
		{"PHUCDAP_AGENCY=sxd", "PHUCDAP_AGENCY"},
		{"PHUCDAP_TZ=Mars/Olympus", "PHUCDAP_TZ"},
		{"PHUCDAP_LOG__LEVEL=loud", "PHUCDAP_LOG__LEVEL"},
		{"PHUCDAP_CLOCK_OFFSET=soon", "PHUCDAP_CLOCK_OFFSET"},
		{"PHUCDAP_DB__MAX_OPEN_CONNS=0", "PHUCDAP_DB__MAX_OPEN_CONNS"},
		{"PHUCDAP_TRANSPARENCY__EMAIL=Văn phòng <vp@sxd.vn>", "PHUCDAP_TRANSPARENCY__EMAIL"},
	}
	for _, c := range cases {
		_, err := Load("", environ(c.env))
		if err == nil || !strings.Contains(err.Error(), c.key) {
			t.Errorf("%s: err = %v, want it to name %s", c.env, err, c.key)
		}
	}
	_, err := Load("", environ("PHUCDAP_ENV=production", "PHUCDAP_CLOCK_OFFSET=+720h"))
	if err == nil || !strings.Contains(err.Error(), "refused in production") {
		t.Errorf("clock offset in production: %v", err)
	}
	c, err := Load("", environ("PHUCDAP_CLOCK_OFFSET=+720h"))
	if err != nil || c.Offset != 720*time.Hour {
		t.Errorf("clock offset: %v %v", c, err)
	}
	// The minimal password hash cost is for test suites: refused in
	// production and development, taken with env=test.
	for _, env := range []string{"production", "development"} {
		_, err := Load("", environ("PHUCDAP_ENV="+env, "PHUCDAP_AUTH__PASSWORD_HASH_COST=minimal"))
		if err == nil || !strings.Contains(err.Error(), "PHUCDAP_AUTH__PASSWORD_HASH_COST") {
			t.Errorf("minimal hash cost with env=%s: %v", env, err)
		}
	}
	if c, err := Load("", environ("PHUCDAP_ENV=test", "PHUCDAP_AUTH__PASSWORD_HASH_COST=minimal")); err != nil || c.Auth.PasswordHashCost != "minimal" {
		t.Errorf("minimal hash cost with env=test: %v", err)
	}
	if c, err := Load("", environ()); err != nil || c.Auth.PasswordHashCost != "standard" {
		t.Errorf("default hash cost: %v", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml"), environ()); err == nil {
		t.Error("a missing config file was accepted")
	}
}

func TestTrustedProxiesAndMetrics(t *testing.T) {
	c, err := Load("", environ())
	if err != nil {
		t.Fatal(err)
	}
	if len(c.HTTP.TrustedNets) != 0 || c.Metrics.Listen != "" || c.Metrics.Token != "" {
		t.Errorf("defaults trust a proxy or restrict metrics: %+v %+v", c.HTTP, c.Metrics)
	}
	c, err = Load("", environ("PHUCDAP_HTTP__TRUSTED_PROXIES=10.0.0.5, 192.168.1.0/24,::1",
		"PHUCDAP_METRICS__LISTEN=127.0.0.1:9090", "PHUCDAP_METRICS__TOKEN=0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range c.HTTP.TrustedNets {
		got = append(got, n.String())
	}
	if strings.Join(got, " ") != "10.0.0.5/32 192.168.1.0/24 ::1/128" {
		t.Errorf("trusted nets: %v", got)
	}
	for _, bad := range []struct{ env, key string }{
		{"PHUCDAP_HTTP__TRUSTED_PROXIES=10.0.0.0/33", "PHUCDAP_HTTP__TRUSTED_PROXIES"},
		{"PHUCDAP_HTTP__TRUSTED_PROXIES=proxy.local", "PHUCDAP_HTTP__TRUSTED_PROXIES"},
		{"PHUCDAP_METRICS__LISTEN=9090", "PHUCDAP_METRICS__LISTEN"},
		{"PHUCDAP_METRICS__TOKEN=short", "PHUCDAP_METRICS__TOKEN"},
	} {
		if _, err := Load("", environ(bad.env)); err == nil || !strings.Contains(err.Error(), bad.key) {
			t.Errorf("%s: err = %v, want it to name %s", bad.env, err, bad.key)
		}
	}
}
