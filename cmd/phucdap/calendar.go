package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"

	"github.com/phucdap/phucdap/internal/calendar"
)

func cmdCalendar(ctx context.Context, env *cliEnv, args []string) error {
	_, args, err := subcommand(env, "calendar", `Usage: phucdap calendar propose YEAR [--json]

propose  prints the draft working-day calendar of YEAR computed from the
         Labour Code (Art. 111, 112) and the Vietnamese lunar calendar:
         New Year, Tết (5 days), Hùng Kings, 30/4, 1/5, National Day and
         compensatory days. The government's announcement decides the real
         days each year; an admin reviews the draft, edits it and confirms
         it on the calendar page or with PUT /api/v1/calendar/YEAR.`, args, "propose")
	if err != nil {
		return err
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
	if err != nil || year < 1900 || year > 2200 {
		return usageError{fmt.Sprintf("YEAR must be between 1900 and 2200, got %q", pos[0])}
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
