package main

import (
	"context"
	"fmt"

	"github.com/phucdap/phucdap/internal/deadline"
)

// cmdRules is "rules diff [RULE] | accept-builtin RULE | keep RULE": the
// versioned built-in rules, as "calendar diff|accept-builtin|keep" is for
// the built-in years.
func cmdRules(ctx context.Context, env *cliEnv, args []string) error {
	verb, args, err := subcommand(env, "rules", `Usage: phucdap rules diff [RULE] | accept-builtin RULE | keep RULE

diff            lists the built-in rule versions this release corrects since
                the database's version was built from or reviewed against
                them, field by field. A correction is never applied by
                itself: the stored version stays in force until
accept-builtin  replaces the stored version by the corrected built-in
                (audited; the open cases' due times are then computed
                again), or
keep            keeps the stored version and marks the correction reviewed.

RULE is a rule id (every offered version of it), e.g. pakn.answer, or one
version, e.g. complaint.resolve@2026-07-01. Versions an admin added are
never offered.`, args, "diff", "accept-builtin", "keep")
	if err != nil {
		return err
	}
	fs, cfgPath := newFlagSet(env, "rules "+verb, "rules "+verb+" RULE [flags]")
	pos, err := parseArgs(env, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 || (verb != "diff" && len(pos) != 1) {
		fs.Usage()
		return usageError{"rules " + verb + " needs one RULE, e.g. pakn.answer"}
	}
	item := ""
	if len(pos) == 1 {
		item = pos[0]
	}
	a, err := open(ctx, env, *cfgPath, true)
	if err != nil {
		return err
	}
	defer a.Close()
	if verb == "diff" {
		changes, err := a.deadlineStore.BuiltinRuleChanges(ctx)
		if err != nil {
			return err
		}
		shown := 0
		for _, c := range changes {
			if item != "" && c.Builtin.ID != item && c.Builtin.Key() != item {
				continue
			}
			shown++
			fmt.Fprintf(env.stdout, "Quy định dựng sẵn %s đã được đính chính: cần xem lại / the built-in rule %s changed: review.\n", c.Builtin.Key(), c.Builtin.Key())
			if c.Edited {
				fmt.Fprintln(env.stdout, "  Phiên bản đang lưu đã khác bản dựng sẵn ban đầu / the stored version differs from the built-in it came from.")
			}
			for _, f := range c.Fields {
				fmt.Fprintf(env.stdout, "  %s: - %s  + %s\n", f.Field, f.Stored, f.Builtin)
			}
			fmt.Fprintf(env.stdout, "  phucdap rules accept-builtin %s | phucdap rules keep %s\n", c.Builtin.Key(), c.Builtin.Key())
		}
		if shown == 0 {
			fmt.Fprintln(env.stdout, "Không có quy định dựng sẵn nào thay đổi / no built-in rule changed.")
		}
		return nil
	}
	by := deadline.Editor{Label: "cli"}
	done, err := a.deadlineStore.ResolveBuiltinRule(ctx, item, verb == "accept-builtin", by, a.clock.Now())
	if err != nil {
		return err
	}
	for _, c := range done {
		if verb == "accept-builtin" {
			fmt.Fprintf(env.stdout, "Đã cập nhật %s theo bản dựng sẵn; hạn của hồ sơ đang giải quyết sẽ được tính lại / %s updated; open due times will be recomputed.\n", c.Builtin.Key(), c.Builtin.Key())
		} else {
			fmt.Fprintf(env.stdout, "Giữ nguyên %s / kept the stored %s.\n", c.Builtin.Key(), c.Builtin.Key())
		}
	}
	return nil
}
