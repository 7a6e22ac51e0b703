package main

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
)

// runCLIWithStdin runs a subcommand with stdin, as "echo pw | phucdap …".
func runCLIWithStdin(t *testing.T, env []string, stdin string, cmd func(context.Context, *cliEnv, []string) error, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &cliEnv{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, environ: func() []string { return env }}
	err := cmd(context.Background(), e, args)
	return out.String(), errb.String(), err
}

func TestUserAndTokenHelp(t *testing.T) {
	env := []string{"PHUCDAP_DATA_DIR=" + t.TempDir()}
	for _, args := range [][]string{{"user", "--help"}, {"user", "add", "--help"}, {"token", "--help"}, {"token", "create", "--help"}, {"token", "list", "--help"}, {"token", "revoke", "--help"}} {
		out, errOut, err := runCLI(t, env, args...)
		if err != errHelp {
			t.Errorf("%v: err = %v", args, err)
		}
		if !strings.Contains(out+errOut, "Usage: phucdap") {
			t.Errorf("%v printed no usage: %q %q", args, out, errOut)
		}
	}
	out, _, _ := runCLI(t, env, "user", "add", "--help")
	_, errOut, _ := runCLI(t, env, "user", "add", "--help")
	for _, flag := range []string{"--email", "--name", "--role", "--unit", "--password-stdin"} {
		if !strings.Contains(out+errOut, strings.TrimPrefix(flag, "-")) {
			t.Errorf("user add --help does not mention %s", flag)
		}
	}
	for _, args := range [][]string{
		{"user", "add", "--email", "a@b.vn", "--name", "A"},                       // no role
		{"user", "add", "--email", "a@b.vn", "--name", "A", "--role", "overlord"}, // unknown role
		{"user", "remove"},
		{"token", "create", "--user", "a@b.vn"},
		{"token", "revoke", "x"},
	} {
		var ue usageError
		if _, _, err := runCLI(t, env, args...); !errors.As(err, &ue) {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
	}
}

var otpLine = regexp.MustCompile(`one-time password \(shown once; it must be changed at first login\): (\S+)`)
var tokenLine = regexp.MustCompile(`token \(shown once\): (pdt_\S+)`)

func TestUserAddAndTokenCreate(t *testing.T) {
	eachCLI(t, func(t *testing.T, env []string) {
		// The first admin, on a fresh database: a one-time password.
		out, errOut, err := runCLI(t, env, "user", "add", "--email", "Admin@SXD.vn", "--name", "Quản trị viên", "--role", "admin", "--role", "auditor")
		if err != nil {
			t.Fatalf("user add: %v\n%s", err, errOut)
		}
		if !strings.Contains(out, "<admin@sxd.vn>, roles admin,auditor") || otpLine.FindStringSubmatch(out) == nil {
			t.Errorf("user add printed:\n%s", out)
		}
		// A password from stdin: nothing to print, and it works at once.
		out, errOut, err = runCLIWithStdin(t, env, testPassword+"\n", cmdUser, "add", "--email", "an@sxd.vn", "--name", "Nguyễn Văn An",
			"--role", "unit_officer,unit_head", "--unit", "PQLXD", "--password-stdin")
		if err != nil {
			t.Fatalf("user add --password-stdin: %v\n%s", err, errOut)
		}
		if strings.Contains(out, "one-time") || strings.Contains(out, testPassword) || !strings.Contains(out, "unit PQLXD") {
			t.Errorf("user add --password-stdin printed:\n%s", out)
		}
		// Refusals name the problem.
		_, _, err = runCLIWithStdin(t, env, "matkhau123456\n", cmdUser, "add", "--email", "b@sxd.vn", "--name", "B", "--role", "office", "--password-stdin")
		if err == nil || !strings.Contains(err.Error(), "too common") {
			t.Errorf("common password: %v", err)
		}
		_, _, err = runCLI(t, env, "user", "add", "--email", "c@sxd.vn", "--name", "C", "--role", "unit_officer")
		if err == nil || !strings.Contains(err.Error(), "needs a unit") {
			t.Errorf("unit officer without unit: %v", err)
		}
		_, _, err = runCLI(t, env, "user", "add", "--email", "an@sxd.vn", "--name", "Again", "--role", "office")
		if err == nil || !strings.Contains(err.Error(), "already") {
			t.Errorf("duplicate: %v", err)
		}

		out, errOut, err = runCLI(t, env, "token", "create", "--user", "an@sxd.vn", "--name", "đồng bộ", "--role", "unit_officer")
		if err != nil {
			t.Fatalf("token create: %v\n%s", err, errOut)
		}
		m := tokenLine.FindStringSubmatch(out)
		if m == nil || !strings.Contains(out, "roles unit_officer") {
			t.Fatalf("token create printed:\n%s", out)
		}
		secret := m[1]
		if _, _, err := runCLI(t, env, "token", "create", "--user", "an@sxd.vn", "--name", "x", "--role", "admin"); err == nil {
			t.Error("a token with a role the account lacks")
		}
		out, _, err = runCLI(t, env, "token", "list", "--user", "an@sxd.vn")
		if err != nil || !strings.Contains(out, secret[:10]) || strings.Contains(out, secret) || !strings.Contains(out, "active") {
			t.Errorf("token list: %v\n%s", err, out)
		}
		id := strings.Fields(out)[0]
		if out, _, err = runCLI(t, env, "token", "revoke", id); err != nil || !strings.Contains(out, "revoked") {
			t.Errorf("revoke: %v %s", err, out)
		}
		out, _, _ = runCLI(t, env, "token", "list")
		if !strings.Contains(out, "revoked") {
			t.Errorf("after revoke: %s", out)
		}

		// The accounts exist as printed and the token is stored hashed:
		// open the same database the CLI used.
		a, err := open(context.Background(), &cliEnv{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, environ: func() []string { return env }}, "", false)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		res, err := a.accounts.Login(context.Background(), "an@sxd.vn", testPassword, "")
		if err != nil || access.JoinRoles(res.Account.Roles) != "unit_officer,unit_head" || res.Account.MustChangePassword {
			t.Errorf("login with the stdin password: %+v %v", res.Account, err)
		}
		var n int64
		a.db.Gorm.Table("api_tokens").Where("token_hash = ?", access.HashSecret(secret)).Count(&n)
		if n != 1 {
			t.Error("the token is not stored by its hash")
		}
		rows, err := a.trail.List(context.Background(), access.Actor{AccountID: -1, Roles: []access.Role{access.Auditor}}, auditFilterAction("account.create"))
		if err != nil || len(rows) != 2 || !strings.HasPrefix(rows[0].ActorLabel, "cli") {
			t.Errorf("account.create audit rows: %+v %v", rows, err)
		}
	})
}
