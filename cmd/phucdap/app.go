package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/org"
	"github.com/phucdap/phucdap/internal/plan"
	"github.com/phucdap/phucdap/internal/platform"
	"github.com/phucdap/phucdap/internal/present"
	"github.com/phucdap/phucdap/internal/progress"
	"github.com/phucdap/phucdap/internal/store"
)

// newFlagSet returns a flag set whose --help prints the command's usage and
// which accepts --config.
func newFlagSet(env *cliEnv, name, synopsis string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	cfgPath := fs.String("config", "", "configuration file (YAML); also PHUCDAP_CONFIG")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: phucdap %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs, cfgPath
}

// parseFlags parses args and turns -h into errHelp with the usage on stdout.
func parseFlags(env *cliEnv, fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return usageError{err.Error()}
	}
	return nil
}

// subcommand picks the verb of a command group ("plan import"): it prints
// the group's help for no verb, -h or --help, and refuses an unknown verb.
// It returns the verb and the arguments after it.
func subcommand(env *cliEnv, group, help string, args []string, verbs ...string) (string, []string, error) {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		fmt.Fprintln(env.stdout, help)
		if len(args) == 0 {
			return "", nil, usageError{fmt.Sprintf("%s needs a command: %s", group, strings.Join(verbs, ", "))}
		}
		return "", nil, errHelp
	}
	for _, v := range verbs {
		if args[0] == v {
			return v, args[1:], nil
		}
	}
	return "", nil, usageError{fmt.Sprintf("unknown %s command %q (want %s)", group, args[0], strings.Join(verbs, ", "))}
}

// parseArgs parses flags that may stand before or after the positional
// arguments ("plan export 55/KH-SXD -o x.csv"), which the flag package
// alone does not allow, and returns the positional ones.
func parseArgs(env *cliEnv, fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(env, fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func loadConfig(env *cliEnv, path string) (*config.Config, error) {
	if path == "" {
		for _, kv := range env.environ() {
			if v, ok := strings.CutPrefix(kv, "PHUCDAP_CONFIG="); ok {
				path = v
			}
		}
	}
	return config.Load(path, env.environ)
}

// process is what a command starts from: the configuration, the log, the
// clock and the database.
type process struct {
	cfg   *config.Config
	log   *slog.Logger
	clock platform.Clock
	db    *store.DB
}

// openDB loads the configuration and connects to the database, whose
// automatic timestamps come from the platform clock; with migrate it
// applies the pending migrations, and if that fails nothing else starts.
// opts adjust the configuration (serve --passive).
func openDB(ctx context.Context, env *cliEnv, cfgPath string, migrate bool, opts ...func(*config.Config)) (process, error) {
	cfg, err := loadConfig(env, cfgPath)
	if err != nil {
		return process{}, err
	}
	for _, o := range opts {
		o(cfg)
	}
	log := platform.NewLogger(env.stderr, cfg.Log.Format, cfg.Log.Level)
	clock := platform.SystemClock{Offset: cfg.Offset}
	db, err := store.Open(ctx, store.Options{
		Dialect: store.Dialect(cfg.Dialect()), URL: cfg.DatabaseURL, Path: cfg.SQLitePath(),
		MaxOpenConns: cfg.DB.MaxOpenConns, MaxIdleConns: cfg.DB.MaxIdleConns, BusyTimeout: cfg.DB.BusyTimeout, Logger: log,
		Now: clock.Now,
	})
	if err != nil {
		return process{}, err
	}
	if migrate {
		res, err := db.Migrate(ctx)
		if err != nil {
			db.Close()
			return process{}, err
		}
		for _, r := range res {
			log.Info("migration applied", "version", r.Version, "name", r.Name, "duration", r.Duration)
		}
	}
	return process{cfg: cfg, log: log, clock: clock, db: db}, nil
}

// open is openDB, then build: the app of every command that touches data.
// Close it.
func open(ctx context.Context, env *cliEnv, cfgPath string, migrate bool, opts ...func(*config.Config)) (*app, error) {
	p, err := openDB(ctx, env, cfgPath, migrate, opts...)
	if err != nil {
		return nil, err
	}
	a, err := build(ctx, p.cfg, p.db, p.clock, p.log)
	if err != nil {
		p.db.Close()
		return nil, err
	}
	return a, nil
}

// seed loads the example unit directory and the embedded plan into an empty
// database. It is idempotent: units are added only where their code is
// missing, and a plan already present is left as it is.
func (a *app) seed(ctx context.Context) error {
	if err := a.seedPlan(ctx); err != nil {
		return err
	}
	return a.seedTopics(ctx)
}

func (a *app) seedPlan(ctx context.Context) error {
	n, err := a.units.EnsureUnits(ctx, org.DefaultUnits())
	if err != nil {
		return fmt.Errorf("seed units: %w", err)
	}
	if n > 0 {
		a.log.Info("seeded unit directory", "units", n)
	}
	list, err := a.plans.List(ctx)
	if err != nil {
		return err
	}
	if len(list) > 0 {
		return nil
	}
	rep, err := a.plans.Import(ctx, plan.SeedAppendix(), "seed:"+plan.SeedName)
	if err != nil {
		return fmt.Errorf("seed plan: %w", err)
	}
	if rep.Status != plan.ImportUnchanged {
		a.log.Info("loaded seed plan", "plan", rep.Number, "tasks", len(rep.TasksCreated))
	}
	return nil
}

func cmdVersion(_ context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: phucdap version\n\nPrints the version and the source revision.")
	}
	if err := parseFlags(env, fs, args); err != nil {
		return err
	}
	v, rev := platform.BuildInfo()
	if rev != "" {
		v += " (" + rev + ")"
	}
	fmt.Fprintln(env.stdout, "phucdap", v)
	return nil
}

func cmdMigrate(ctx context.Context, env *cliEnv, args []string) error {
	fs, cfgPath := newFlagSet(env, "migrate", "migrate [up|status] [flags]\n\nup (the default) applies pending migrations; on Postgres under an advisory\nlock, so replicas may run it at once. status lists every migration.")
	if err := parseFlags(env, fs, args); err != nil {
		return err
	}
	sub := "up"
	if fs.NArg() > 0 {
		sub = fs.Arg(0)
	}
	if sub != "up" && sub != "status" {
		fs.Usage()
		return usageError{fmt.Sprintf("unknown migrate command %q (want up or status)", sub)}
	}
	p, err := openDB(ctx, env, *cfgPath, sub == "up")
	if err != nil {
		return err
	}
	defer p.db.Close()
	st, err := p.db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	for _, s := range st {
		state := "pending"
		if s.Applied {
			state = "applied " + s.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
		}
		fmt.Fprintf(env.stdout, "%05d  %-40s %s\n", s.Version, s.Name, state)
	}
	return nil
}

func cmdPlan(ctx context.Context, env *cliEnv, args []string) error {
	sub, rest, err := subcommand(env, "plan", `Usage: phucdap plan import FILE | plan export PLAN_NUMBER [-o FILE]

import  reads a plan appendix (the tab-indented text export of the Word
        table) or a CSV (UTF-8, with a header), and creates or updates the
        plan with that number. Nothing is written if the file is malformed.
export  writes the plan as CSV, to stdout or -o FILE.`, args, "import", "export")
	if err != nil {
		return err
	}
	if sub == "import" {
		return cmdPlanImport(ctx, env, rest)
	}
	return cmdPlanExport(ctx, env, rest)
}

func cmdPlanImport(ctx context.Context, env *cliEnv, args []string) error {
	fs, cfgPath := newFlagSet(env, "plan import", "plan import FILE [flags]\n\nImports a plan appendix (text) or CSV. Same plan number: updated, never duplicated.")
	if err := parseFlags(env, fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError{"plan import needs exactly one FILE"}
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	a, err := open(ctx, env, *cfgPath, true)
	if err != nil {
		return err
	}
	defer a.Close()
	if _, err := a.units.EnsureUnits(ctx, org.DefaultUnits()); err != nil {
		return err
	}
	rep, err := a.plans.Import(progress.With(ctx, progress.For(env.stderr)), data, fs.Arg(0))
	if err != nil {
		var pe *plan.ParseError
		if errors.As(err, &pe) {
			return fmt.Errorf("%s: %w", fs.Arg(0), err)
		}
		if cat, cerr := messageCatalog(); cerr == nil {
			if vi, ok := present.PlanUnknownUnits(cat, i18n.VI, err); ok {
				return fmt.Errorf("%s: %w\n%s", fs.Arg(0), err, vi)
			}
		}
		return err
	}
	printReport(env.stdout, rep)
	return nil
}

func printReport(w io.Writer, rep plan.ImportReport) {
	fmt.Fprintf(w, "plan %s: %s (id %d)\n", rep.Number, rep.Status, rep.PlanID)
	list := func(label string, keys []string) {
		if len(keys) > 0 {
			fmt.Fprintf(w, "  %s: %d (%s)\n", label, len(keys), strings.Join(keys, ", "))
		}
	}
	list("tasks created", rep.TasksCreated)
	list("tasks changed", rep.TasksChanged)
	list("tasks removed", rep.TasksRemoved)
	if rep.TasksUnchanged > 0 {
		fmt.Fprintf(w, "  tasks unchanged: %d\n", rep.TasksUnchanged)
	}
	if rep.HeaderChanged {
		fmt.Fprintln(w, "  heading changed")
	}
}

func cmdPlanExport(ctx context.Context, env *cliEnv, args []string) error {
	fs, cfgPath := newFlagSet(env, "plan export", "plan export PLAN_NUMBER [-o FILE] [flags]\n\nWrites the plan as CSV (UTF-8); importing it again gives the same plan.")
	out := fs.String("o", "", "write to FILE instead of stdout")
	pos, err := parseArgs(env, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return usageError{"plan export needs exactly one PLAN_NUMBER, e.g. 55/KH-SXD"}
	}
	a, err := open(ctx, env, *cfgPath, true)
	if err != nil {
		return err
	}
	defer a.Close()
	rec, err := a.plans.GetByNumber(ctx, pos[0])
	if err != nil {
		if errors.Is(err, plan.ErrPlanNotFound) {
			return fmt.Errorf("no plan numbered %q", pos[0])
		}
		return err
	}
	var w io.Writer = env.stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	return plan.WriteCSV(w, rec.Plan)
}
