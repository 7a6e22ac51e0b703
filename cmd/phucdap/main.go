// Command phucdap is the whole service in one binary: the HTTP server (the
// default), migrations, plan import and export, and operator commands.
// Wiring happens here and nowhere else.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Environ)
	stop()
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(os.Stderr, "phucdap:", err)
			os.Exit(2)
		}
		if !errors.Is(err, errHelp) {
			fmt.Fprintln(os.Stderr, "phucdap:", err)
			os.Exit(1)
		}
	}
}

// usageError is a mistake on the command line; it exits with status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// errHelp ends a run that only printed help.
var errHelp = errors.New("help requested")

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *cliEnv, args []string) error
}

// cliEnv is what every subcommand gets: its streams and the environment.
type cliEnv struct {
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	environ func() []string
}

func commands() []command {
	return []command{
		{"serve", "start the HTTP server and the scheduler (the default)", cmdServe},
		{"migrate", "apply database migrations (up) or list them (status)", cmdMigrate},
		{"plan", "import a plan (appendix text or CSV) or export one as CSV", cmdPlan},
		{"user", "add a staff account (the first admin included)", cmdUser},
		{"unit", "list and edit the unit directory, or import it from CSV", cmdUnit},
		{"token", "create, list or revoke API tokens", cmdToken},
		{"calendar", "print the draft working-day calendar of a year", cmdCalendar},
		{"rules", "review the built-in deadline rules this release corrects", cmdRules},
		{"jobs", "list the scheduled jobs, or run one now or as of an instant", cmdJobs},
		{"version", "print the version", cmdVersion},
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, environ func() []string) error {
	env := &cliEnv{stdin: os.Stdin, stdout: stdout, stderr: stderr, environ: environ}
	if len(args) == 0 || (len(args[0]) > 0 && args[0][0] == '-' && args[0] != "-h" && args[0] != "--help" && args[0] != "-help") {
		return cmdServe(ctx, env, args)
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" || name == "-help" {
		usage(stdout)
		return errHelp
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, env, args[1:])
		}
	}
	usage(stderr)
	return usageError{fmt.Sprintf("unknown command %q", name)}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, `phucdap tracks citizens' petitions, who must answer them, and by when.

Usage: phucdap [command] [flags]

Commands:`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, `
Run "phucdap COMMAND --help" for the flags of a command.
Configuration: defaults, then --config FILE (or PHUCDAP_CONFIG), then PHUCDAP_* environment variables.`)
}
