package report

import (
	"strconv"

	"github.com/xuri/excelize/v2"
)

// ReceptionFigures are plan 55 III.1's citizen-reception figures of a
// period as the report shows them (the reception package computes them):
// reception days held against scheduled by person, citizens received by
// the leadership and at the desk, and the cases the sessions opened with
// their on-time figures, counted by this package's figures under
// ByOrigin.
type ReceptionFigures struct {
	Hosts              []ReceptionHost
	LeadershipCitizens int
	DeskCitizens       int
	Sessions           int
	// Cases are the report's counts of the cases sessions opened.
	Cases Counts
	// Satisfaction is the visitors' ratings, nil while there is none.
	Satisfaction *Rate
	// Dialogues are the sessions held as dialogues, DialoguesPublished
	// those whose result is published.
	Dialogues, DialoguesPublished int
	// Withheld: the public's figures of a month with too few visits to
	// show who came and what they thought (the citizens, the dialogues,
	// the satisfaction are zero); the days held and the cases remain.
	Withheld bool
}

// ReceptionHost is one schedule's days and citizens.
type ReceptionHost struct {
	Host       string
	Leadership bool
	Scheduled  int
	Held       int
	Citizens   int
}

// ReceptionCond narrows a report or a drill-down to the cases reception
// sessions opened.
func ReceptionCond() []Cond { return []Cond{{By: ByOrigin, Key: OriginReception}} }

// AddReception adds the citizen-reception sheet after the report sheet:
// the hosts' days and citizens, then one figure a row. Every label is the
// catalogue's (t).
func (x *XLSX) AddReception(fig ReceptionFigures, p Period) error {
	f, t := x.f, x.t
	sh := t("report.reception.sheet")
	if _, err := f.NewSheet(sh); err != nil {
		return err
	}
	if err := f.MoveSheet(sh, x.sheetCases); err != nil {
		return err
	}
	style := func(s *excelize.Style) int {
		id, _ := f.NewStyle(s)
		return id
	}
	title := style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}, Alignment: &excelize.Alignment{Horizontal: "center", WrapText: true}})
	head := style(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEF3F9"}}, Border: borders()})
	txt := style(&excelize.Style{Border: borders(), Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	num := style(&excelize.Style{Border: borders(), Alignment: &excelize.Alignment{Horizontal: "right"}})
	pct := style(&excelize.Style{Border: borders(), CustomNumFmt: ptrTo("0.0"), Alignment: &excelize.Alignment{Horizontal: "right"}})
	for col, wd := range map[string]float64{"A": 6, "B": 44, "C": 18, "D": 14, "E": 14, "F": 14} {
		f.SetColWidth(sh, col, col, wd)
	}
	set := func(cell string, v any, st int) {
		f.SetCellValue(sh, cell, v)
		f.SetCellStyle(sh, cell, cell, st)
	}
	f.MergeCell(sh, "A1", "F1")
	set("A1", t("report.reception.title"), title)
	f.SetRowHeight(sh, 1, 34)
	f.MergeCell(sh, "A2", "F2")
	f.SetCellValue(sh, "A2", t("report.reception.period")+": "+p.From.VN()+" – "+p.To.VN())

	row := 4
	cell := func(col string) string { return col + strconv.Itoa(row) }
	for i, h := range []string{"report.reception.no", "report.reception.host", "report.reception.kind", "report.reception.scheduled",
		"report.reception.held", "report.reception.citizens"} {
		set(cell(string(rune('A'+i))), t(h), head)
	}
	f.SetRowHeight(sh, row, 30)
	for i, h := range fig.Hosts {
		row++
		kind := "reception.kind.desk"
		if h.Leadership {
			kind = "reception.kind.leadership"
		}
		set(cell("A"), i+1, num)
		set(cell("B"), h.Host, txt)
		set(cell("C"), t(kind), txt)
		set(cell("D"), h.Scheduled, num)
		set(cell("E"), h.Held, num)
		set(cell("F"), h.Citizens, num)
	}

	row += 2
	c := fig.Cases
	line := func(id string, v any, st int) {
		f.MergeCell(sh, cell("A"), cell("B"))
		set(cell("A"), t(id), txt)
		f.SetCellStyle(sh, cell("B"), cell("B"), txt)
		set(cell("C"), v, st)
		row++
	}
	rate := func(r Rate) (any, int) {
		if !r.Defined() {
			return "—", num
		}
		return r.Percent(), pct
	}
	line("report.reception.leadership_citizens", fig.LeadershipCitizens, num)
	line("report.reception.desk_citizens", fig.DeskCitizens, num)
	line("report.reception.sessions", fig.Sessions, num)
	line("report.reception.dialogues", fig.Dialogues, num)
	line("report.reception.dialogues_published", fig.DialoguesPublished, num)
	line("report.reception.cases", c.Received, num)
	line("report.reception.on_time", c.AnsweredOnTime, num)
	line("report.reception.late", c.AnsweredLate, num)
	line("report.reception.open_late", c.OpenLate, num)
	v, st := rate(c.OnTime())
	line("report.reception.rate", v, st)
	if fig.Satisfaction != nil {
		v, st := rate(*fig.Satisfaction)
		line("report.reception.satisfaction", v, st)
	}
	row++
	f.MergeCell(sh, cell("A"), cell("F"))
	f.SetCellValue(sh, cell("A"), t("report.reception.rate_note"))
	f.SetCellStyle(sh, cell("A"), cell("A"), style(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}))
	f.SetRowHeight(sh, row, 45)
	return nil
}
