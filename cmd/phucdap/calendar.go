package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/deadline"
)

func cmdCalendar(ctx context.Context, env *cliEnv, args []string) error {
	verb, args, err := subcommand(env, "calendar", `Usage: phucdap calendar propose YEAR [--json]
       phucdap calendar diff YEAR | accept-builtin YEAR | keep YEAR

propose  prints the draft working-day calendar of YEAR computed from the
         Labour Code (Art. 111, 112) and the Vietnamese lunar calendar:
         New Year, Tết (5 days), Hùng Kings, 30/4, 1/5, National Day and
         compensatory days. The government's announcement decides the real
         days each year; an admin reviews the draft, edits it and confirms
         it on the calendar page or with PUT /api/v1/calendar/YEAR.
diff     says whether this release corrects its built-in table of YEAR
         since the database's year was built from or reviewed against it,
         and what accepting the correction would change. A correction is
         never applied by itself: the office's edits are kept until
accept-builtin  replaces the stored year by the corrected built-in (the
         open cases' due times are then computed again), or
keep     keeps the stored year and marks the correction reviewed.`, args, "propose", "diff", "accept-builtin", "keep")
	if err != nil {
		return err
	}
	if verb != "propose" {
		return cmdCalendarBuiltin(ctx, env, verb, args)
	}
	fs := flag.NewFlagSet("calendar propose", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	asJSON := fs.Bool("json", false, "print JSON (the shape PUT /api/v1/calendar/YEAR takes)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: phucdap calendar propose YEAR [--json]\n\nFlags:")
		fs.PrintDefaults()
	}
	pos, err := parseArgs(env, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return usageError{"calendar propose needs one YEAR, e.g. 2027"}
	}
	year, err := strconv.Atoi(pos[0])
	if err != nil || !calendar.EditableYear(year) {
		return usageError{fmt.Sprintf("YEAR must be between %d and %d, got %q", calendar.MinYear, calendar.MaxYear, pos[0])}
	}
	t := calendar.Propose(year)
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(t)
	}
	cal := calendar.New(nil)
	fmt.Fprintf(env.stdout, "Lịch làm việc đề xuất năm %d (draft for %d, not confirmed)\n\n", year, year)
	fmt.Fprintln(env.stdout, "Ngày nghỉ / days off:")
	for _, d := range t.DaysOff {
		mark := ""
		if d.Unconfirmed {
			mark = "  [chưa xác nhận / unconfirmed]"
		}
		fmt.Fprintf(env.stdout, "  %s  %-9s  %s (%s)%s\n", d.Date, d.Date.Weekday(), d.Name, d.NameEN, mark)
	}
	if len(t.WorkingSaturdays) > 0 {
		fmt.Fprintln(env.stdout, "\nNgày cuối tuần làm việc / weekend days worked:")
		for _, w := range t.WorkingSaturdays {
			fmt.Fprintf(env.stdout, "  %s  %s\n", w.Date, w.Date.Weekday())
		}
	}
	fmt.Fprintf(env.stdout, "\nSố ngày làm việc / working days: %d\nNguồn / source: %s\n", cal.WorkingDaysInYear(year), calendar.SourceProposal)
	return nil
}

// cmdCalendarBuiltin is "calendar diff|accept-builtin|keep YEAR": the
// versioned built-in years.
func cmdCalendarBuiltin(ctx context.Context, env *cliEnv, verb string, args []string) error {
	fs, cfgPath := newFlagSet(env, "calendar "+verb, "calendar "+verb+" YEAR [flags]")
	pos, err := parseArgs(env, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return usageError{"calendar " + verb + " needs one YEAR, e.g. 2026"}
	}
	year, err := strconv.Atoi(pos[0])
	if err != nil || !calendar.EditableYear(year) {
		return usageError{fmt.Sprintf("YEAR must be between %d and %d, got %q", calendar.MinYear, calendar.MaxYear, pos[0])}
	}
	a, err := open(ctx, env, *cfgPath, true)
	if err != nil {
		return err
	}
	defer a.Close()
	d, changed, err := a.deadlineStore.BuiltinChange(ctx, year)
	if err != nil {
		return err
	}
	if !changed {
		fmt.Fprintf(env.stdout, "Lịch dựng sẵn năm %d không thay đổi / the built-in %d is unchanged.\n", year, year)
		return nil
	}
	switch verb {
	case "diff":
		fmt.Fprintf(env.stdout, "Lịch dựng sẵn năm %d đã được đính chính: cần xem lại / the built-in %d changed: review.\n", year, year)
		if d.Empty() {
			fmt.Fprintln(env.stdout, "Bảng đang lưu đã khớp bản đính chính / the stored table already matches it.")
		}
		for _, o := range d.DaysOffAdded {
			fmt.Fprintf(env.stdout, "+ nghỉ / day off  %s  %s  %s\n", o.Date, o.Name, o.Source)
		}
		for _, o := range d.DaysOffRemoved {
			fmt.Fprintf(env.stdout, "- nghỉ / day off  %s  %s\n", o.Date, o.Name)
		}
		for _, w := range d.WorkingAdded {
			fmt.Fprintf(env.stdout, "+ làm bù / worked %s  %s\n", w.Date, w.Source)
		}
		for _, w := range d.WorkingRemoved {
			fmt.Fprintf(env.stdout, "- làm bù / worked %s\n", w.Date)
		}
		fmt.Fprintf(env.stdout, "phucdap calendar accept-builtin %d | phucdap calendar keep %d\n", year, year)
		return nil
	}
	by := deadline.Editor{Label: "cli"}
	if err := a.deadlineStore.ResolveBuiltin(ctx, year, verb == "accept-builtin", by, a.clock.Now()); err != nil {
		return err
	}
	if verb == "accept-builtin" {
		fmt.Fprintf(env.stdout, "Đã cập nhật năm %d theo bản dựng sẵn; hạn của hồ sơ đang giải quyết sẽ được tính lại / %d updated; open due times will be recomputed.\n", year, year)
	} else {
		fmt.Fprintf(env.stdout, "Giữ nguyên bảng đang lưu năm %d / kept the stored %d.\n", year, year)
	}
	return nil
}
