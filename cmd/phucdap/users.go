package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/i18n"
)

// stringList is a repeatable flag (--role a --role b, or --role a,b).
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

func parseRoles(names []string) ([]access.Role, error) {
	var out []access.Role
	for _, n := range names {
		r, err := access.ParseRole(n)
		if err != nil {
			return nil, usageError{err.Error()}
		}
		out = append(out, r)
	}
	return out, nil
}

// cliActor names the operator in the audit trail: the CLI runs with the
// database's credentials, so it acts as the system, labelled with the OS
// user who ran it.
func cliActor() access.Actor {
	name := "cli"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = "cli:" + u.Username
	}
	return access.System(name)
}

// describe renders a domain error for the terminal, in Vietnamese and
// English, since an operator may read either.
func describe(err error) error {
	cat, cerr := i18n.Load()
	if cerr != nil {
		return err
	}
	var list fault.List
	if errors.As(err, &list) {
		var b strings.Builder
		for i, fe := range list {
			if i > 0 {
				b.WriteString("; ")
			}
			fmt.Fprintf(&b, "%s: %s", fe.Field, cat.T(i18n.EN, fe.MessageID, fe.Args))
		}
		return errors.New(b.String())
	}
	if fe, ok := fault.As(err); ok && fe.Code != fault.Internal {
		msg := cat.T(i18n.EN, fe.MessageID, fe.Args)
		if fe.Field != "" {
			msg = fe.Field + ": " + msg
		}
		return errors.New(msg)
	}
	return err
}

func cmdUser(ctx context.Context, env *cliEnv, args []string) error {
	_, args, err := subcommand(env, "user", `Usage: phucdap user add --email E --name N --role R [--role R2] [--unit CODE] [--password-stdin]

add  creates a staff account (the first admin included). It prints a
     one-time password that must be changed at first login, or, with
     --password-stdin, reads the password from the first line of stdin.

Roles: unit_officer, unit_head (both need --unit), office, leadership,
admin, auditor. Units are the codes of "phucdap" /units, e.g. VP, PQLXD.`, args, "add")
	if err != nil {
		return err
	}
	fs, cfgPath := newFlagSet(env, "user add", "user add --email E --name N --role R [--role R2] [--unit CODE] [--phone P] [--password-stdin] [flags]\n\nCreates a staff account and prints its one-time password (or reads one from stdin).")
	email := fs.String("email", "", "e-mail address, the login name (required)")
	name := fs.String("name", "", "full name (required)")
	phone := fs.String("phone", "", "phone number")
	unit := fs.String("unit", "", "code of the unit the person belongs to, e.g. PQLXD (required for unit_officer and unit_head)")
	var roles stringList
	fs.Var(&roles, "role", "a role; repeat for several: unit_officer, unit_head, office, leadership, admin, auditor")
	stdin := fs.Bool("password-stdin", false, "read the password from the first line of stdin instead of generating a one-time one")
	if err := parseFlags(env, fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if *email == "" || *name == "" || len(roles) == 0 {
		fs.Usage()
		return usageError{"user add needs --email, --name and at least one --role"}
	}
	rs, err := parseRoles(roles)
	if err != nil {
		return err
	}
	n := access.NewAccount{Email: *email, Name: *name, Phone: *phone, UnitCode: *unit, Roles: rs}
	if *stdin {
		pw, err := readPassword(env.stdin)
		if err != nil {
			return err
		}
		n.Password = pw
	}
	a, err := open(ctx, env, *cfgPath, true)
	if err != nil {
		return err
	}
	defer a.Close()
	// A fresh database has no units yet; the account may name one.
	if a.cfg.Seed {
		if err := a.seed(ctx); err != nil {
			return err
		}
	}
	acc, pw, err := a.accounts.CreateAccount(ctx, cliActor(), n)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(env.stdout, "account %d created: %s <%s>, roles %s", acc.ID, acc.Name, acc.Email, access.JoinRoles(acc.Roles))
	if acc.UnitCode != "" {
		fmt.Fprintf(env.stdout, ", unit %s", acc.UnitCode)
	}
	fmt.Fprintln(env.stdout)
	if pw != "" {
		fmt.Fprintf(env.stdout, "one-time password (shown once; it must be changed at first login): %s\n", pw)
	}
	return nil
}

func readPassword(r io.Reader) (string, error) {
	if r == nil {
		r = os.Stdin
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", usageError{"--password-stdin: stdin is empty"}
	}
	return line, nil
}

func cmdToken(ctx context.Context, env *cliEnv, args []string) error {
	sub, rest, err := subcommand(env, "token", `Usage: phucdap token create --user E --name N [--role R]...
       phucdap token list [--user E]
       phucdap token revoke ID

create  issues an API token for the account E, limited to the given roles
        (default: all of the account's). The token is printed once and only
        its hash is stored. Send it as "Authorization: Bearer TOKEN".
list    shows tokens (never their secret).
revoke  ends a token at once.`, args, "create", "list", "revoke")
	if err != nil {
		return err
	}
	switch sub {
	case "create":
		return cmdTokenCreate(ctx, env, rest)
	case "list":
		return cmdTokenList(ctx, env, rest)
	}
	return cmdTokenRevoke(ctx, env, rest)
}

func cmdTokenCreate(ctx context.Context, env *cliEnv, args []string) error {
	fs, cfgPath := newFlagSet(env, "token create", "token create --user E --name N [--role R]... [flags]\n\nIssues an API token and prints it once.")
	email := fs.String("user", "", "e-mail of the account the token acts as (required)")
	name := fs.String("name", "", "what the token is for, e.g. \"national portal sync\" (required)")
	var roles stringList
	fs.Var(&roles, "role", "limit the token to this role (repeat); default: all of the account's roles")
	if err := parseFlags(env, fs, args); err != nil {
		return err
	}
	if *email == "" || *name == "" || fs.NArg() > 0 {
		fs.Usage()
		return usageError{"token create needs --user and --name"}
	}
	rs, err := parseRoles(roles)
	if err != nil {
		return err
	}
	a, err := open(ctx, env, *cfgPath, true)
	if err != nil {
		return err
	}
	defer a.Close()
	t, secret, err := a.accounts.CreateToken(ctx, cliActor(), *email, *name, rs)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(env.stdout, "token %d created for %s (%s), roles %s\n", t.ID, t.AccountEmail, t.Name, access.JoinRoles(t.Roles))
	fmt.Fprintf(env.stdout, "token (shown once): %s\n", secret)
	return nil
}

func cmdTokenList(ctx context.Context, env *cliEnv, args []string) error {
	fs, cfgPath := newFlagSet(env, "token list", "token list [--user E] [flags]")
	email := fs.String("user", "", "only this account's tokens")
	if err := parseFlags(env, fs, args); err != nil {
		return err
	}
	a, err := open(ctx, env, *cfgPath, true)
	if err != nil {
		return err
	}
	defer a.Close()
	var id int64
	if *email != "" {
		list, err := a.accounts.ListAccounts(ctx, cliActor())
		if err != nil {
			return err
		}
		for _, acc := range list {
			if strings.EqualFold(acc.Email, *email) {
				id = acc.ID
			}
		}
		if id == 0 {
			return fmt.Errorf("no account %s", *email)
		}
	}
	list, err := a.accounts.ListTokens(ctx, cliActor(), id)
	if err != nil {
		return err
	}
	for _, t := range list {
		state := "active"
		if t.RevokedAt != nil {
			state = "revoked " + t.RevokedAt.Format("2006-01-02 15:04Z")
		}
		fmt.Fprintf(env.stdout, "%d\t%s…\t%s\t%s\t%s\t%s\n", t.ID, t.Prefix, t.AccountEmail, t.Name, access.JoinRoles(t.Roles), state)
	}
	return nil
}

func cmdTokenRevoke(ctx context.Context, env *cliEnv, args []string) error {
	fs, cfgPath := newFlagSet(env, "token revoke", "token revoke ID [flags]")
	if err := parseFlags(env, fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError{"token revoke needs exactly one ID"}
	}
	var id int64
	if _, err := fmt.Sscan(fs.Arg(0), &id); err != nil || id <= 0 {
		return usageError{fmt.Sprintf("bad token id %q", fs.Arg(0))}
	}
	a, err := open(ctx, env, *cfgPath, true)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.accounts.RevokeToken(ctx, cliActor(), id); err != nil {
		return describe(err)
	}
	fmt.Fprintf(env.stdout, "token %d revoked\n", id)
	return nil
}

// passwordHashing is the cost of the password hashes accounts get:
// production's, unless the config asks for the minimal one (env=test only;
// config.Validate refuses it elsewhere).
func passwordHashing(c config.AuthConfig) access.PasswordHashing {
	if c.PasswordHashCost == "minimal" {
		return access.MinimalPasswordHashing
	}
	return access.PasswordHashing{}
}
