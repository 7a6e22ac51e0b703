// Package config owns phucdap's typed configuration: defaults, then an
// optional YAML file, then PHUCDAP_* environment variables (with "__" for
// nesting), validated before anything starts.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"
)

// EnvPrefix is the prefix of every environment variable phucdap reads.
const EnvPrefix = "PHUCDAP_"

// Config is the whole configuration. Field tags name the koanf key; the
// environment name is PHUCDAP_ + the key upper-cased with "." → "__".
type Config struct {
	Listen      string `koanf:"listen"`
	BaseURL     string `koanf:"base_url"`
	DatabaseURL string `koanf:"database_url"`
	DataDir     string `koanf:"data_dir"`
	Env         string `koanf:"env"`
	Agency      string `koanf:"agency"`
	AgencyName  string `koanf:"agency_name"`
	TZ          string `koanf:"tz"`
	// ClockOffset shifts the server clock for demos and acceptance tests,
	// e.g. "+720h". Refused in production.
	ClockOffset string `koanf:"clock_offset"`

	Log  LogConfig  `koanf:"log"`
	DB   DBConfig   `koanf:"db"`
	HTTP HTTPConfig `koanf:"http"`
	Jobs JobsConfig `koanf:"jobs"`
	// Seed loads the embedded plan appendix and example units into an empty
	// database on start.
	Seed bool `koanf:"seed"`
	// CalendarEdit enables PUT /api/v1/calendar/{year}. Off by default until
	// staff accounts guard it.
	CalendarEdit bool `koanf:"calendar_edit"`

	// Location is TZ loaded; filled by Validate.
	Location *time.Location `koanf:"-"`
	// Offset is ClockOffset parsed; filled by Validate.
	Offset time.Duration `koanf:"-"`
}

// LogConfig controls slog.
type LogConfig struct {
	Level  string `koanf:"level"`
	Format string `koanf:"format"` // text | json; empty: json in production
}

// DBConfig tunes the connection pool.
type DBConfig struct {
	MaxOpenConns int `koanf:"max_open_conns"`
	MaxIdleConns int `koanf:"max_idle_conns"`
}

// HTTPConfig tunes the HTTP server.
type HTTPConfig struct {
	BodyLimit       string        `koanf:"body_limit"`
	ReadTimeout     time.Duration `koanf:"read_timeout"`
	WriteTimeout    time.Duration `koanf:"write_timeout"`
	ShutdownTimeout time.Duration `koanf:"shutdown_timeout"`
}

// JobsConfig controls the scheduler. Enabled=false makes a passive replica
// that serves HTTP but runs no jobs.
type JobsConfig struct {
	Enabled bool `koanf:"enabled"`
}

// Defaults returns the built-in configuration.
func Defaults() map[string]any {
	return map[string]any{
		"listen":                "127.0.0.1:8080",
		"base_url":              "",
		"database_url":          "",
		"data_dir":              "./data",
		"env":                   "development",
		"agency":                "SXD",
		"agency_name":           "Sở Xây dựng tỉnh Lạng Sơn",
		"tz":                    "Asia/Ho_Chi_Minh",
		"clock_offset":          "",
		"log.level":             "info",
		"log.format":            "",
		"db.max_open_conns":     16,
		"db.max_idle_conns":     16,
		"http.body_limit":       "60M",
		"http.read_timeout":     "60s",
		"http.write_timeout":    "120s",
		"http.shutdown_timeout": "20s",
		"jobs.enabled":          true,
		"seed":                  true,
		"calendar_edit":         false,
	}
}

// Load reads defaults, then the file (if path is not empty), then the
// environment from environ (os.Environ when nil), and validates the result.
func Load(path string, environ func() []string) (*Config, error) {
	k := koanf.New(".")
	if err := k.Load(confmap.Provider(Defaults(), "."), nil); err != nil {
		return nil, err
	}
	if path != "" {
		if err := k.Load(file.Provider(path), yaml.Parser()); err != nil {
			return nil, fmt.Errorf("config file %s: %w", path, err)
		}
	}
	if environ == nil {
		environ = os.Environ
	}
	err := k.Load(env.Provider(".", env.Opt{
		Prefix:        EnvPrefix,
		EnvironFunc:   environ,
		TransformFunc: envKey,
	}), nil)
	if err != nil {
		return nil, err
	}
	var c Config
	if err := k.UnmarshalWithConf("", &c, koanf.UnmarshalConf{Tag: "koanf"}); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// envKey maps PHUCDAP_LOG__LEVEL=debug to ("log.level", "debug").
func envKey(k, v string) (string, any) {
	k = strings.TrimPrefix(k, EnvPrefix)
	if k == "CONFIG" { // the file path itself, read by main
		return "", nil
	}
	return strings.ToLower(strings.ReplaceAll(k, "__", ".")), v
}

// EnvName returns the environment variable that sets key.
func EnvName(key string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "__"))
}

// KeyError names the invalid key and how to set it.
type KeyError struct {
	Key    string
	Value  string
	Reason string
}

func (e *KeyError) Error() string {
	return fmt.Sprintf("config: invalid %s (%s=%q): %s", e.Key, EnvName(e.Key), e.Value, e.Reason)
}

var agencyRe = regexp.MustCompile(`^[A-Z][A-Z0-9]{1,11}$`)

// Validate checks every value and fills the derived fields. It returns all
// problems at once, each naming its key.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, val, reason string) { errs = append(errs, &KeyError{key, val, reason}) }

	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		bad("listen", c.Listen, "want host:port, e.g. 127.0.0.1:8080")
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("base_url", c.BaseURL, "want an absolute http(s) URL")
		}
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") &&
		!strings.HasPrefix(c.DatabaseURL, "postgresql://") && !strings.HasPrefix(c.DatabaseURL, "sqlite:") {
		bad("database_url", redactURL(c.DatabaseURL), "want empty (embedded SQLite), postgres://… or sqlite:PATH")
	}
	if strings.TrimSpace(c.DataDir) == "" {
		bad("data_dir", c.DataDir, "must not be empty")
	}
	switch c.Env {
	case "development", "production", "test":
	default:
		bad("env", c.Env, "want development or production")
	}
	if !agencyRe.MatchString(c.Agency) {
		bad("agency", c.Agency, "want 2–12 upper-case letters or digits, starting with a letter, e.g. SXD")
	}
	loc, err := time.LoadLocation(c.TZ)
	if err != nil {
		bad("tz", c.TZ, "unknown time zone")
	}
	c.Location = loc
	if c.ClockOffset != "" {
		d, err := time.ParseDuration(strings.TrimPrefix(c.ClockOffset, "+"))
		switch {
		case err != nil:
			bad("clock_offset", c.ClockOffset, "want a duration such as +720h")
		case c.Env == "production":
			bad("clock_offset", c.ClockOffset, "refused in production")
		default:
			c.Offset = d
		}
	}
	switch strings.ToLower(c.Log.Level) {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", c.Log.Level, "want debug, info, warn or error")
	}
	switch c.Log.Format {
	case "":
		c.Log.Format = "text"
		if c.Env == "production" {
			c.Log.Format = "json"
		}
	case "text", "json":
	default:
		bad("log.format", c.Log.Format, "want text or json")
	}
	if c.DB.MaxOpenConns < 1 {
		bad("db.max_open_conns", fmt.Sprint(c.DB.MaxOpenConns), "must be at least 1")
	}
	if c.HTTP.ShutdownTimeout <= 0 {
		bad("http.shutdown_timeout", c.HTTP.ShutdownTimeout.String(), "must be positive")
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return nil
}

// Dialect says which database DatabaseURL selects: "sqlite" or "postgres".
func (c *Config) Dialect() string {
	if strings.HasPrefix(c.DatabaseURL, "postgres") {
		return "postgres"
	}
	return "sqlite"
}

// SQLitePath is the embedded database file.
func (c *Config) SQLitePath() string {
	if p, ok := strings.CutPrefix(c.DatabaseURL, "sqlite:"); ok && p != "" {
		return p
	}
	return filepath.Join(c.DataDir, "phucdap.db")
}

// DescribeDatabase names the database for logs, without credentials.
func (c *Config) DescribeDatabase() string {
	if c.Dialect() == "postgres" {
		return "postgres " + redactURL(c.DatabaseURL)
	}
	return "sqlite " + c.SQLitePath()
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
