package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/org"
	"github.com/phucdap/phucdap/internal/present"
)

const unitHelp = `Usage: phucdap unit list [--all]
       phucdap unit add --code C --name N [--name-en E] [--kind K] [--parent P] [--group G]... [--email E] [--alias A]...
       phucdap unit rename CODE --name N [--name-en E] [--alias A]...
       phucdap unit regroup CODE [--parent P] [--group G]... [--no-groups]
       phucdap unit set-email CODE EMAIL
       phucdap unit merge CODE --into CODE2
       phucdap unit retire CODE | unit restore CODE
       phucdap unit import FILE [--dry-run]

The office's unit directory (also /staff/admin/units and /api/v1/admin/units).
Every change is audited.

list       prints the units (active ones; --all adds the retired).
add        adds a unit. Kinds: division (the default), office, service_centre, group.
rename     renames a unit; the old name is kept as another name, so a plan
           written before (55/KH-SXD) still matches. Clears the example marker.
regroup    sets the parent unit ("" for none) and the groups (e.g. DIVISIONS).
set-email  sets the e-mail address of the unit's alerts ("" clears it).
merge      moves the unit's open cases, running deadlines, drafts, staff,
           topics and plan roles to CODE2 and retires it, marked as merged.
retire     retires a unit with no open work; restore undoes it.
import     reads a CSV file: code,name,name_en,kind,parent,groups,email,aliases,active
           (groups and aliases separated by ";"). Same code: updated (the file's
           aliases are added, old names kept); new code: added; the same file
           again changes nothing. Any bad line refuses the
           whole file, named by line; --dry-run only says what would change.`

func cmdUnit(ctx context.Context, env *cliEnv, args []string) error {
	sub, rest, err := subcommand(env, "unit", unitHelp, args,
		"list", "add", "rename", "regroup", "set-parent", "set-email", "merge", "retire", "restore", "import")
	if err != nil {
		return err
	}
	fs, cfgPath := newFlagSet(env, "unit "+sub, "unit "+sub+" [ARGS] [flags]\n\n"+unitHelp[strings.Index(unitHelp, "\n\n")+2:])
	all := fs.Bool("all", false, "list: the retired units too")
	code := fs.String("code", "", "add: the unit's code, e.g. PKHTC")
	name := fs.String("name", "", "the Vietnamese name")
	nameEN := fs.String("name-en", "", "the English name")
	kind := fs.String("kind", string(org.KindDivision), "add: division, office, service_centre or group")
	parent := fs.String("parent", "", "the parent unit's code")
	email := fs.String("email", "", "add: the e-mail address of the unit's alerts")
	into := fs.String("into", "", "merge: the code of the unit that takes the work over")
	dry := fs.Bool("dry-run", false, "import: say what would change, write nothing")
	noGroups := fs.Bool("no-groups", false, "regroup: leave every group")
	var groups, aliases stringList
	fs.Var(&groups, "group", "a group the unit belongs to (repeat), e.g. DIVISIONS")
	fs.Var(&aliases, "alias", "another written form of the name (repeat), e.g. an abbreviation")
	pos, err := parseArgs(env, fs, rest)
	if err != nil {
		return err
	}
	flagSet := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { flagSet[f.Name] = true })
	need := func(n int, what string) error {
		if len(pos) != n {
			fs.Usage()
			return usageError{fmt.Sprintf("unit %s needs %s", sub, what)}
		}
		return nil
	}
	switch sub {
	case "list":
		err = need(0, "no argument")
	case "add":
		if err = need(0, "no argument"); err == nil && (*code == "" || *name == "") {
			fs.Usage()
			err = usageError{"unit add needs --code and --name"}
		}
	case "rename":
		if err = need(1, "the unit's CODE"); err == nil && *name == "" {
			fs.Usage()
			err = usageError{"unit rename needs --name"}
		}
	case "regroup", "set-parent", "retire", "restore":
		err = need(1, "the unit's CODE")
	case "set-email":
		err = need(2, "the unit's CODE and the EMAIL (\"\" to clear it)")
	case "merge":
		if err = need(1, "the unit's CODE"); err == nil && *into == "" {
			fs.Usage()
			err = usageError{"unit merge needs --into"}
		}
	case "import":
		err = need(1, "a FILE")
	}
	if err != nil {
		return err
	}
	var file []byte
	if sub == "import" {
		if file, err = os.ReadFile(pos[0]); err != nil {
			return err
		}
	}
	a, err := open(ctx, env, *cfgPath, true)
	if err != nil {
		return err
	}
	defer a.Close()
	if a.cfg.Seed {
		if err := a.seed(ctx); err != nil {
			return err
		}
	}
	d, by := a.directory, cliActor()
	// edit changes some fields of a stored unit and keeps the rest.
	edit := func(change func(in *org.UnitInput)) error {
		u, err := d.Get(ctx, by, pos[0])
		if err != nil {
			return describeUnits(err)
		}
		in := u.Input()
		change(&in)
		u, err = d.Update(ctx, by, in)
		if err != nil {
			return describeUnits(err)
		}
		printUnit(env.stdout, u)
		return nil
	}
	switch sub {
	case "list":
		units, err := d.List(ctx, by)
		if err != nil {
			return err
		}
		for _, u := range units {
			if u.Active || *all {
				printUnit(env.stdout, u)
			}
		}
		return nil
	case "add":
		u, err := d.Add(ctx, by, org.UnitInput{Code: *code, Name: *name, NameEN: *nameEN, Kind: org.Kind(*kind), ParentCode: *parent,
			Groups: groups, Email: *email, Aliases: aliases})
		if err != nil {
			return describeUnits(err)
		}
		printUnit(env.stdout, u)
		return nil
	case "rename":
		return edit(func(in *org.UnitInput) {
			in.Name = *name
			if flagSet["name-en"] {
				in.NameEN = *nameEN
			}
			in.Aliases = append(in.Aliases, aliases...)
		})
	case "regroup", "set-parent":
		return edit(func(in *org.UnitInput) {
			if flagSet["parent"] {
				in.ParentCode = *parent
			}
			if *noGroups {
				in.Groups = nil
			} else if len(groups) > 0 {
				in.Groups = groups
			}
		})
	case "set-email":
		return edit(func(in *org.UnitInput) { in.Email = pos[1] })
	case "merge":
		rep, err := d.Merge(ctx, by, pos[0], *into)
		if err != nil {
			return describeUnits(err)
		}
		fmt.Fprintf(env.stdout, "unit %s merged into %s: %d open cases (%s), %d deadlines, %d accounts, %d topics, %d plan roles moved\n",
			rep.From, rep.Into, len(rep.Cases), strings.Join(rep.Cases, ", "), rep.Deadlines, rep.Accounts, rep.Topics, rep.PlanTasks)
		return nil
	case "retire", "restore":
		op := d.Retire
		if sub == "restore" {
			op = d.Restore
		}
		u, err := op(ctx, by, pos[0])
		if err != nil {
			return describeUnits(err)
		}
		printUnit(env.stdout, u)
		return nil
	}
	rep, err := d.Import(ctx, by, strings.NewReader(string(file)), *dry)
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], describeUnits(err))
	}
	verb := "imported"
	if rep.DryRun {
		verb = "dry run, nothing written"
	}
	fmt.Fprintf(env.stdout, "%s: %s\n", pos[0], verb)
	for _, l := range []struct {
		label string
		codes []string
	}{{"created", rep.Created}, {"changed", rep.Changed}, {"retired", rep.Retired}, {"restored", rep.Restored}, {"unchanged", rep.Unchanged}} {
		fmt.Fprintf(env.stdout, "  %s: %d", l.label, len(l.codes))
		if len(l.codes) > 0 && l.label != "unchanged" {
			fmt.Fprintf(env.stdout, " (%s)", strings.Join(l.codes, ", "))
		}
		fmt.Fprintln(env.stdout)
	}
	return nil
}

func printUnit(w io.Writer, u org.Unit) {
	fmt.Fprintf(w, "%-10s %-15s %s", u.Code, u.Kind, u.Name)
	if u.NameEN != "" {
		fmt.Fprintf(w, " / %s", u.NameEN)
	}
	if u.ParentCode != "" {
		fmt.Fprintf(w, "; parent %s", u.ParentCode)
	}
	if len(u.Groups) > 0 {
		fmt.Fprintf(w, "; groups %s", strings.Join(u.Groups, ","))
	}
	if u.Email != "" {
		fmt.Fprintf(w, "; e-mail %s", u.Email)
	}
	if len(u.Aliases) > 0 {
		fmt.Fprintf(w, "; also %s", strings.Join(u.Aliases, " | "))
	}
	switch {
	case u.MergedInto != "":
		fmt.Fprintf(w, "; merged into %s", u.MergedInto)
	case !u.Active:
		fmt.Fprint(w, "; retired")
	case u.Example:
		fmt.Fprint(w, "; example")
	}
	fmt.Fprintln(w)
}

// describeUnits words a refused edit of the directory for the terminal,
// in Vietnamese and in English, each problem with its field and, for a
// file, its line.
func describeUnits(err error) error {
	cat, cerr := i18n.Load()
	if cerr != nil {
		return err
	}
	vi, ok := present.UnitErrors(cat, i18n.VI, err)
	if !ok {
		return err
	}
	en, _ := present.UnitErrors(cat, i18n.EN, err)
	return errors.New(strings.Join(en, "\n") + "\n" + strings.Join(vi, "\n"))
}
