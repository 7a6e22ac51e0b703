// Package config owns phucdap's typed configuration: defaults, then an
// optional YAML file, then PHUCDAP_* environment variables (with "__" for
// nesting), validated before anything starts.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
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

	// Database is the optional read replica.
	Database ReplicaConfig `koanf:"database"`

	Log  LogConfig  `koanf:"log"`
	DB   DBConfig   `koanf:"db"`
	HTTP HTTPConfig `koanf:"http"`
	// Metrics restricts the Prometheus endpoint.
	Metrics MetricsConfig `koanf:"metrics"`
	Jobs    JobsConfig    `koanf:"jobs"`
	// Alerts, SMTP and Webhook configure the due-soon and late alerts: the
	// escalation ladder and the e-mail and webhook channels.
	Alerts  AlertsConfig  `koanf:"alerts"`
	SMTP    SMTPConfig    `koanf:"smtp"`
	Webhook WebhookConfig `koanf:"webhook"`
	// Notify configures the citizen's notifications: the SMS and Zalo OA
	// gateway and the key of the unsubscribe links.
	Notify NotifyConfig `koanf:"notify"`
	// Intake tunes the public petition intake: abuse limits and windows.
	Intake IntakeConfig `koanf:"intake"`
	// Auth tunes staff logins and sessions.
	Auth AuthConfig `koanf:"auth"`
	// Workflow tunes the case workflow.
	Workflow WorkflowConfig `koanf:"workflow"`
	// Transparency is what the public transparency page says.
	Transparency TransparencyConfig `koanf:"transparency"`
	// Seed loads the embedded plan appendix and example units into an empty
	// database on start.
	Seed bool `koanf:"seed"`

	// Location is TZ loaded; filled by Validate.
	Location *time.Location `koanf:"-"`
	// Offset is ClockOffset parsed; filled by Validate.
	Offset time.Duration `koanf:"-"`
}

// ReplicaConfig names a PostgreSQL streaming replica that dashboards,
// reports, exports and public statistics read from while it is up and
// lags at most MaxLag; otherwise they read from the primary.
type ReplicaConfig struct {
	ReadURL string        `koanf:"read_url"`
	MaxLag  time.Duration `koanf:"max_lag"`
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
	// BusyTimeout is how long SQLite waits for another process's lock
	// before the request is answered 503.
	BusyTimeout time.Duration `koanf:"busy_timeout"`
}

// HTTPConfig tunes the HTTP server.
type HTTPConfig struct {
	BodyLimit       string        `koanf:"body_limit"`
	ReadTimeout     time.Duration `koanf:"read_timeout"`
	WriteTimeout    time.Duration `koanf:"write_timeout"`
	ShutdownTimeout time.Duration `koanf:"shutdown_timeout"`
	// ExportInlineRows: a staff list export of more rows than this runs
	// in the background, with a progress page (the report exports'), for
	// whoever may read reports; a download must end within WriteTimeout.
	ExportInlineRows int `koanf:"export_inline_rows"`
	// TrustedProxies are the addresses (CIDRs or single IPs) of the
	// reverse proxies in front of phucdap. Only a request arriving from one
	// of them has its X-Forwarded-For read; every other request's client is
	// the connection's address. Empty (the default): no proxy is trusted.
	TrustedProxies List `koanf:"trusted_proxies"`
	// TrustedNets is TrustedProxies parsed; filled by Validate.
	TrustedNets []*net.IPNet `koanf:"-"`
}

// MetricsConfig restricts GET /metrics. Listen: serve it on this address
// only (e.g. 127.0.0.1:9090), not on the public listener. Token: require
// "Authorization: Bearer TOKEN". Both empty: /metrics is on the public
// listener, open, as before.
type MetricsConfig struct {
	Listen string `koanf:"listen"`
	Token  string `koanf:"token"`
}

// JobsConfig controls the scheduler. Enabled=false makes a passive replica
// that serves HTTP but runs no jobs.
type JobsConfig struct {
	Enabled bool `koanf:"enabled"`
	// Replica names this process in job_runs; empty: the host name.
	Replica string `koanf:"replica"`
	// Lease is how long a run stays "running" without its process renewing
	// it; a run whose lease expired is shown as lost.
	Lease time.Duration `koanf:"lease"`
	// Per-job overrides; an empty field keeps the registry's
	// default. Keys use "_" for the job name's "-":
	// PHUCDAP_JOBS__OVERDUE_SWEEP__SCHEDULE="*/2 * * * *".
	OverdueSweep     JobConfig `koanf:"overdue_sweep"`
	DueSoon          JobConfig `koanf:"due_soon"`
	DailyDigest      JobConfig `koanf:"daily_digest"`
	KPISnapshot      JobConfig `koanf:"kpi_snapshot"`
	Outbox           JobConfig `koanf:"outbox"`
	CalendarReminder JobConfig `koanf:"calendar_reminder"`
	RecomputeClocks  JobConfig `koanf:"recompute_clocks"`
	// ReceptionReminder reminds the citizens who booked a reception day.
	ReceptionReminder JobConfig `koanf:"reception_reminder"`
	// ReceptionMissed tells the office of leadership reception days with
	// no session recorded.
	ReceptionMissed JobConfig `koanf:"reception_missed"`
	// SearchIndex writes the search rows of cases that have none or have
	// one of an older recipe.
	SearchIndex JobConfig `koanf:"search_index"`
}

// JobConfig overrides one job of the registry. Schedule is a cron spec in
// Asia/Ho_Chi_Minh ("*/5 * * * *", or six fields with seconds first);
// the flags are "true"/"false", empty for the default.
type JobConfig struct {
	Schedule        string `koanf:"schedule"`
	Enabled         string `koanf:"enabled"`
	WorkingDaysOnly string `koanf:"working_days_only"`
	RunAtStart      string `koanf:"run_at_start"`
}

// Jobs returns the overrides by job name ("overdue-sweep"), with the key
// of each under "jobs.".
func (j JobsConfig) Jobs() map[string]JobConfig {
	return map[string]JobConfig{"overdue-sweep": j.OverdueSweep, "due-soon": j.DueSoon, "daily-digest": j.DailyDigest,
		"kpi-snapshot": j.KPISnapshot, "outbox": j.Outbox, "calendar-reminder": j.CalendarReminder,
		"recompute-clocks": j.RecomputeClocks, "reception-reminder": j.ReceptionReminder,
		"reception-missed": j.ReceptionMissed, "search-index": j.SearchIndex}
}

// AlertsConfig is the escalation ladder and delivery.
type AlertsConfig struct {
	// Lang of staff e-mails and webhook texts: vi or en.
	Lang string `koanf:"lang"`
	// DueSoonDays: reminders this many working days before the due date.
	DueSoonDays List `koanf:"due_soon_days"`
	// The ladder's audiences, comma-separated among unit_officers,
	// unit_head, office, leadership, admins, webhooks.
	DueSoonTo     string `koanf:"due_soon_to"`
	LateTo        string `koanf:"late_to"`
	EscalateAfter int    `koanf:"escalate_after"` // working days late
	EscalateTo    string `koanf:"escalate_to"`
	// Retries of e-mails and webhooks: exponential backoff from
	// RetryBase, capped at RetryMax, with jitter; dead after MaxAttempts.
	MaxAttempts int           `koanf:"max_attempts"`
	RetryBase   time.Duration `koanf:"retry_base"`
	RetryMax    time.Duration `koanf:"retry_max"`
	// BatchSize is how many clocks one sweep transaction flags.
	BatchSize int `koanf:"batch_size"`
	// Parsed by Validate.
	DueSoonLeads []int `koanf:"-"`
}

// SMTPConfig is the mail server. An empty Host sends no e-mail (in-app
// alerts and webhooks still work).
type SMTPConfig struct {
	Host     string        `koanf:"host"`
	Port     int           `koanf:"port"`
	TLS      string        `koanf:"tls"`  // starttls (required) | opportunistic | tls (implicit) | none
	Auth     string        `koanf:"auth"` // none | plain | login | cram-md5 | auto
	Username string        `koanf:"username"`
	Password string        `koanf:"password"`
	From     string        `koanf:"from"`
	FromName string        `koanf:"from_name"`
	Timeout  time.Duration `koanf:"timeout"`
}

// WebhookConfig is where alerts are POSTed (e.g. a bridge to Zalo OA or
// Telegram) and the HMAC-SHA256 key that signs them.
type WebhookConfig struct {
	URLs    List          `koanf:"urls"`
	Secret  string        `koanf:"secret"`
	Timeout time.Duration `koanf:"timeout"`
}

// NotifyConfig tells the citizen of each step of their case. E-mail goes
// through smtp (as the receipt); SMS and Zalo OA go as one signed JSON
// POST (alert.GatewayMessage, signed as the webhooks are) to a gateway the
// province operates. An empty gateway_url sends no SMS and no Zalo.
type NotifyConfig struct {
	GatewayURL    string        `koanf:"gateway_url"`
	GatewaySecret string        `koanf:"gateway_secret"`
	Channels      List          `koanf:"channels"` // sms, zalo
	Timeout       time.Duration `koanf:"timeout"`
	// LinkKey signs the links sent or printed to citizens (notice
	// opt-out, booking cancel, a visit's rating). Empty: the
	// intake.form_key's, or, when that is empty too, a key generated on
	// the first start and stored in the database (stored_secrets), so
	// that links survive restarts and work on every replica.
	LinkKey string `koanf:"link_key"`
}

// List is a list of strings that may be given as a YAML list or as one
// comma-separated string (the environment's only form).
type List []string

// UnmarshalText splits a comma-separated value.
func (l *List) UnmarshalText(b []byte) error {
	*l = nil
	for _, p := range strings.Split(string(b), ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

// AuthConfig tunes staff authentication. Defaults: passwords of
// at least 10 characters; 5 wrong passwords in a row lock the account for
// 15 minutes; a session ends after 30 minutes unused or 12 hours in all.
type AuthConfig struct {
	PasswordMinLength int           `koanf:"password_min_length"`
	LockoutFailures   int           `koanf:"lockout_failures"`
	LockoutDuration   time.Duration `koanf:"lockout_duration"`
	// LoginIPFailures wrong logins from one client address within
	// LockoutDuration (whatever the accounts, known or not) make that
	// address wait for the window's end; 0 switches it off.
	LoginIPFailures int           `koanf:"login_ip_failures"`
	SessionIdle     time.Duration `koanf:"session_idle"`
	SessionMax      time.Duration `koanf:"session_max"`
	// PasswordHashCost is "standard" (argon2id at OWASP's cost) or
	// "minimal", which only env=test accepts: a test suite logs in
	// thousands of times.
	PasswordHashCost string `koanf:"password_hash_cost"`
}

// TransparencyConfig is what the public pages say about how to reach the
// department: its hotline (đường dây nóng, Plan 55 IV.3) with a note,
// its address, e-mail and office hours. They show in every page's footer,
// on the citizen's receipt and on /minh-bach; an empty value prints
// nothing.
type TransparencyConfig struct {
	Hotline     string `koanf:"hotline"`
	HotlineNote string `koanf:"hotline_note"`
	Address     string `koanf:"address"`
	Email       string `koanf:"email"`
	// Hours are the office hours in Vietnamese; HoursEN in English (the
	// Vietnamese shows when it is empty).
	Hours   string `koanf:"office_hours"`
	HoursEN string `koanf:"office_hours_en"`
}

// WorkflowConfig tunes the case workflow.
type WorkflowConfig struct {
	// ContributionLeadDays: a coordinating unit's part is due this many
	// working days before the lead unit's due date (default 3). An
	// assignment may set another number.
	ContributionLeadDays int `koanf:"contribution_lead_days"`
	// ChaseDays: the inbox proposes chasing the units of cases whose
	// answer is due within this many working days and has no draft
	// (default 2).
	ChaseDays int `koanf:"chase_days"`
}

// IntakeConfig tunes the public intake. A limit of 0 switches it off. The
// counters live in the database, so they hold across replicas.
type IntakeConfig struct {
	PerIPHour    int `koanf:"per_ip_hour"`    // accepted submissions per client IP per clock hour
	PerIPDay     int `koanf:"per_ip_day"`     // … per day (UTC)
	PerPhoneHour int `koanf:"per_phone_hour"` // accepted submissions per phone number, and per e-mail address, per hour
	PerPhoneDay  int `koanf:"per_phone_day"`
	// TrackFailures is how many wrong code/secret tries one IP may make
	// per TrackWindow before tracking answers "too many tries".
	TrackFailures int `koanf:"track_failures"`
	// TrackCodeFailures is how many wrong tries one code may take, from
	// any address, per TrackWindow; then the code answers "too many
	// tries" to everyone until the window ends.
	TrackCodeFailures int           `koanf:"track_code_failures"`
	TrackWindow       time.Duration `koanf:"track_window"`
	// MinFillTime is how long a person takes at least to fill the web
	// form; faster posts are refused as automated.
	MinFillTime time.Duration `koanf:"min_fill_time"`
	// DuplicateWindow: the same phone, kind and content within it links to
	// the first case instead of creating one.
	DuplicateWindow time.Duration `koanf:"duplicate_window"`
	// DisputeDays is how long after an answer the citizen may dispute it.
	DisputeDays int `koanf:"dispute_days"`
	// FormKey signs the web form's timestamp and token. Empty: a random key
	// per process, which is fine for one replica; set it for several.
	FormKey string `koanf:"form_key"`
}

// Defaults returns the built-in configuration.
func Defaults() map[string]any {
	return map[string]any{
		"listen":                  "127.0.0.1:8080",
		"base_url":                "",
		"database_url":            "",
		"data_dir":                "./data",
		"env":                     "development",
		"agency":                  "SXD",
		"agency_name":             "Sở Xây dựng tỉnh Lạng Sơn",
		"tz":                      "Asia/Ho_Chi_Minh",
		"clock_offset":            "",
		"log.level":               "info",
		"log.format":              "",
		"db.max_open_conns":       16,
		"db.max_idle_conns":       16,
		"db.busy_timeout":         "10s",
		"database.max_lag":        "30s",
		"jobs.lease":              "1m",
		"http.body_limit":         "60M",
		"http.read_timeout":       "60s",
		"http.write_timeout":      "120s",
		"http.shutdown_timeout":   "20s",
		"http.export_inline_rows": 20000,
		"http.trusted_proxies":    "",
		"metrics.listen":          "",
		"metrics.token":           "",
		"jobs.enabled":            true,

		// alerts, smtp, webhook: see AlertsConfig, SMTPConfig, WebhookConfig
		"alerts.lang":           "vi",
		"alerts.due_soon_days":  "3,1",
		"alerts.due_soon_to":    "unit_officers",
		"alerts.late_to":        "unit_head,office,webhooks",
		"alerts.escalate_after": 3,
		"alerts.escalate_to":    "leadership,webhooks",
		"alerts.max_attempts":   8,
		"alerts.retry_base":     "1m",
		"alerts.retry_max":      "6h",
		"alerts.batch_size":     1000,
		"smtp.host":             "",
		"smtp.port":             587,
		"smtp.tls":              "starttls",
		"smtp.auth":             "none",
		"smtp.username":         "",
		"smtp.password":         "",
		"smtp.from":             "",
		"smtp.from_name":        "phucdap",
		"smtp.timeout":          "30s",
		"webhook.urls":          "",
		"webhook.secret":        "",
		"webhook.timeout":       "15s",
		"notify.gateway_url":    "",
		"notify.gateway_secret": "",
		"notify.channels":       "sms,zalo",
		"notify.timeout":        "15s",
		"notify.link_key":       "",
		"seed":                  true,

		// auth: see AuthConfig
		"auth.password_min_length": 10,
		"auth.lockout_failures":    5,
		"auth.lockout_duration":    "15m",
		"auth.login_ip_failures":   20,
		"auth.session_idle":        "30m",
		"auth.session_max":         "12h",
		"auth.password_hash_cost":  "standard",

		// intake: see IntakeConfig
		"intake.per_ip_hour":         20,
		"intake.per_ip_day":          240,
		"intake.per_phone_hour":      5,
		"intake.per_phone_day":       20,
		"intake.track_failures":      10,
		"intake.track_code_failures": 10,
		"intake.track_window":        "15m",
		"intake.min_fill_time":       "3s",
		"intake.duplicate_window":    "24h",
		"intake.dispute_days":        30,
		"intake.form_key":            "",

		// workflow: see WorkflowConfig
		"workflow.contribution_lead_days": 3,
		"workflow.chase_days":             2,

		// transparency: see TransparencyConfig
		"transparency.hotline":         "",
		"transparency.hotline_note":    "",
		"transparency.address":         "",
		"transparency.email":           "",
		"transparency.office_hours":    "",
		"transparency.office_hours_en": "",
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
	if e := c.Transparency.Email; e != "" {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			bad("transparency.email", e, "want a plain address, e.g. vanphong@sxd.langson.gov.vn")
		}
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
	if c.Jobs.Lease < 3*time.Second {
		bad("jobs.lease", c.Jobs.Lease.String(), "must be at least 3s, e.g. 1m")
	}
	if c.Database.ReadURL != "" {
		if !strings.HasPrefix(c.Database.ReadURL, "postgres://") && !strings.HasPrefix(c.Database.ReadURL, "postgresql://") {
			bad("database.read_url", redactURL(c.Database.ReadURL), "want postgres://… (a streaming replica of database_url)")
		} else if c.Dialect() != "postgres" {
			bad("database.read_url", redactURL(c.Database.ReadURL), "a read replica needs database_url to be PostgreSQL")
		}
	}
	if c.Database.MaxLag <= 0 {
		bad("database.max_lag", c.Database.MaxLag.String(), "must be positive, e.g. 30s")
	}
	if c.DB.BusyTimeout <= 0 {
		bad("db.busy_timeout", c.DB.BusyTimeout.String(), "must be positive, e.g. 10s")
	}
	for _, kv := range []struct {
		key string
		v   int
	}{{"intake.per_ip_hour", c.Intake.PerIPHour}, {"intake.per_ip_day", c.Intake.PerIPDay},
		{"intake.per_phone_hour", c.Intake.PerPhoneHour}, {"intake.per_phone_day", c.Intake.PerPhoneDay},
		{"intake.track_failures", c.Intake.TrackFailures}, {"intake.track_code_failures", c.Intake.TrackCodeFailures}, {"intake.dispute_days", c.Intake.DisputeDays}} {
		if kv.v < 0 {
			bad(kv.key, fmt.Sprint(kv.v), "must be 0 (off) or more")
		}
	}
	if c.Intake.TrackWindow <= 0 || c.Intake.DuplicateWindow <= 0 || c.Intake.MinFillTime < 0 {
		bad("intake", fmt.Sprint(c.Intake.TrackWindow, c.Intake.DuplicateWindow, c.Intake.MinFillTime), "track_window and duplicate_window must be positive, min_fill_time not negative")
	}
	if c.Workflow.ContributionLeadDays < 0 || c.Workflow.ContributionLeadDays > 30 {
		bad("workflow.contribution_lead_days", fmt.Sprint(c.Workflow.ContributionLeadDays), "must be between 0 and 30 working days")
	}
	if c.Workflow.ChaseDays < 0 || c.Workflow.ChaseDays > 30 {
		bad("workflow.chase_days", fmt.Sprint(c.Workflow.ChaseDays), "must be between 0 and 30 working days")
	}
	if c.Auth.PasswordMinLength < 8 {
		bad("auth.password_min_length", fmt.Sprint(c.Auth.PasswordMinLength), "must be at least 8")
	}
	switch {
	case c.Auth.PasswordHashCost == "standard":
	case c.Auth.PasswordHashCost == "minimal" && c.Env == "test":
	case c.Auth.PasswordHashCost == "minimal":
		bad("auth.password_hash_cost", c.Auth.PasswordHashCost, "minimal is for test suites only (env=test)")
	default:
		bad("auth.password_hash_cost", c.Auth.PasswordHashCost, "want standard")
	}
	if c.Auth.LoginIPFailures < 0 {
		bad("auth.login_ip_failures", fmt.Sprint(c.Auth.LoginIPFailures), "must be 0 (off) or more")
	}
	if c.Auth.LockoutFailures < 1 || c.Auth.LockoutDuration <= 0 {
		bad("auth.lockout_failures", fmt.Sprint(c.Auth.LockoutFailures, " ", c.Auth.LockoutDuration), "lockout_failures must be at least 1 and lockout_duration positive")
	}
	if c.Auth.SessionIdle <= 0 || c.Auth.SessionMax < c.Auth.SessionIdle {
		bad("auth.session_idle", fmt.Sprint(c.Auth.SessionIdle, " ", c.Auth.SessionMax), "session_idle must be positive and session_max at least as long")
	}
	errs = append(errs, c.validateAlerts()...)
	c.HTTP.TrustedNets = nil
	for _, p := range c.HTTP.TrustedProxies {
		n, err := ParseCIDR(p)
		if err != nil {
			bad("http.trusted_proxies", p, "want IP addresses or CIDRs, comma-separated, e.g. 10.0.0.5,192.168.1.0/24")
			continue
		}
		c.HTTP.TrustedNets = append(c.HTTP.TrustedNets, n)
	}
	if c.Metrics.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Metrics.Listen); err != nil {
			bad("metrics.listen", c.Metrics.Listen, "want host:port, e.g. 127.0.0.1:9090")
		} else if c.Metrics.Listen == c.Listen && !strings.HasSuffix(c.Listen, ":0") {
			bad("metrics.listen", c.Metrics.Listen, "must differ from listen")
		}
	}
	if c.Metrics.Token != "" && len(c.Metrics.Token) < 16 {
		bad("metrics.token", "(hidden)", "want at least 16 characters")
	}
	if c.HTTP.ShutdownTimeout <= 0 {
		bad("http.shutdown_timeout", c.HTTP.ShutdownTimeout.String(), "must be positive")
	}
	if c.HTTP.ExportInlineRows < 0 {
		bad("http.export_inline_rows", fmt.Sprint(c.HTTP.ExportInlineRows), "must be 0 or more")
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return nil
}

// ParseCIDR reads "10.0.0.0/8" or a single address ("10.0.0.5", "::1") as
// a network.
func ParseCIDR(s string) (*net.IPNet, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		_, n, err := net.ParseCIDR(s)
		return n, err
	}
	ip := net.ParseIP(s)
	if ip == nil {
		return nil, fmt.Errorf("not an IP address: %q", s)
	}
	bits := 128
	if ip4 := ip.To4(); ip4 != nil {
		ip, bits = ip4, 32
	}
	return &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)}, nil
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

var cronFlag = regexp.MustCompile(`^(|true|false)$`)

// validateAlerts checks the jobs, alerts, SMTP and webhook settings that can
// be checked without the scheduler (which parses the schedules itself and
// names the key of a bad one).
func (c *Config) validateAlerts() []error {
	var errs []error
	bad := func(key, val, reason string) { errs = append(errs, &KeyError{key, val, reason}) }
	for name, j := range c.Jobs.Jobs() {
		key := "jobs." + strings.ReplaceAll(name, "-", "_")
		for _, f := range []struct{ k, v string }{{"enabled", j.Enabled}, {"working_days_only", j.WorkingDaysOnly}, {"run_at_start", j.RunAtStart}} {
			if !cronFlag.MatchString(strings.ToLower(f.v)) {
				bad(key+"."+f.k, f.v, "want true or false")
			}
		}
	}
	a := &c.Alerts
	if a.Lang != "vi" && a.Lang != "en" {
		bad("alerts.lang", a.Lang, "want vi or en")
	}
	a.DueSoonLeads = nil
	for _, d := range a.DueSoonDays {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > 60 {
			bad("alerts.due_soon_days", strings.Join(a.DueSoonDays, ","), "want working days between 0 and 60, comma-separated, e.g. 3,1")
			break
		}
		a.DueSoonLeads = append(a.DueSoonLeads, n)
	}
	audiences := map[string]bool{"unit_officers": true, "unit_head": true, "office": true, "leadership": true, "admins": true, "webhooks": true}
	for _, f := range []struct{ k, v string }{{"alerts.due_soon_to", a.DueSoonTo}, {"alerts.late_to", a.LateTo}, {"alerts.escalate_to", a.EscalateTo}} {
		for _, p := range strings.Split(f.v, ",") {
			if p = strings.TrimSpace(p); p != "" && !audiences[p] {
				bad(f.k, f.v, "unknown audience "+p+" (want unit_officers, unit_head, office, leadership, admins or webhooks)")
			}
		}
	}
	if a.EscalateAfter < 1 {
		bad("alerts.escalate_after", strconv.Itoa(a.EscalateAfter), "must be at least 1 working day")
	}
	if a.MaxAttempts < 1 || a.RetryBase <= 0 || a.RetryMax < a.RetryBase {
		bad("alerts.max_attempts", fmt.Sprint(a.MaxAttempts, " ", a.RetryBase, " ", a.RetryMax), "max_attempts must be at least 1, retry_base positive and retry_max at least retry_base")
	}
	if a.BatchSize < 1 || a.BatchSize > 5000 {
		bad("alerts.batch_size", strconv.Itoa(a.BatchSize), "want 1 to 5000")
	}
	m := c.SMTP
	if m.Host != "" {
		if m.From == "" || !strings.Contains(m.From, "@") {
			bad("smtp.from", m.From, "an e-mail address is required when smtp.host is set")
		}
		if m.Port < 1 || m.Port > 65535 {
			bad("smtp.port", strconv.Itoa(m.Port), "want 1 to 65535")
		}
	}
	switch m.TLS {
	case "starttls", "opportunistic", "tls", "none":
	default:
		bad("smtp.tls", m.TLS, "want starttls, opportunistic, tls or none")
	}
	switch strings.ToLower(m.Auth) {
	case "", "none", "plain", "login", "cram-md5", "auto":
	default:
		bad("smtp.auth", m.Auth, "want none, plain, login, cram-md5 or auto")
	}
	for _, u := range c.Webhook.URLs {
		pu, err := url.Parse(u)
		if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			bad("webhook.urls", u, "want absolute http(s) URLs, comma-separated")
		}
	}
	if len(c.Webhook.URLs) > 0 && len(c.Webhook.Secret) < 16 {
		bad("webhook.secret", "(hidden)", "a secret of at least 16 characters is required to sign webhooks")
	}
	if n := c.Notify; n.GatewayURL != "" {
		if pu, err := url.Parse(n.GatewayURL); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			bad("notify.gateway_url", n.GatewayURL, "want an absolute http(s) URL")
		}
		if len(n.GatewaySecret) < 16 {
			bad("notify.gateway_secret", "(hidden)", "a secret of at least 16 characters is required to sign the gateway's messages")
		}
		if len(n.Channels) == 0 {
			bad("notify.channels", "", "want sms, zalo or both when notify.gateway_url is set")
		}
	}
	for _, ch := range c.Notify.Channels {
		if ch != "sms" && ch != "zalo" {
			bad("notify.channels", strings.Join(c.Notify.Channels, ","), "want sms, zalo or both, comma-separated")
			break
		}
	}
	return errs
}
