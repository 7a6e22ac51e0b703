package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/access/accesshttp"
	"github.com/phucdap/phucdap/internal/download"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/present"
	"github.com/phucdap/phucdap/internal/report"
)

// The staff lists as files: the inbox (its filters and search) and a
// report's drill-down, each as CSV (UTF-8 with a BOM) and XLSX. Each
// export reads its list through the function the page reads it with
// (access.Cases.Each shares ListCases's query; report.Service.EachCase
// shares the drill-down's), streamed a chunk at a time, and is written to
// the audit trail before the file is.

// exportFormats are the formats a list downloads in, by route suffix.
var exportFormats = []string{report.TableCSV, report.TableXLSX}

// exportParams is what the audit trail keeps of a list's filters: the
// query string without the words searched for, which may be a
// petitioner's name (the trail is read by auditors, who may not see
// petitioners), replaced by a mark that there was a search.
func exportParams(v url.Values) string {
	out := url.Values{}
	for k, x := range v {
		if k == "page" {
			continue
		}
		out[k] = x
	}
	if out.Get("q") != "" {
		out.Set("q", access.Redaction)
	}
	return out.Encode()
}

// startTable starts a table in format; a CSV's download starts now (it
// streams), a workbook's when it is finished.
func startTable(c echo.Context, format, name, sheet string, header []string, widths []float64) (report.Table, error) {
	noStore(c)
	if format == report.TableXLSX {
		return report.NewTableXLSX(sheet, header, widths)
	}
	download.Start(c.Response(), download.File{Name: name, MediaType: report.MediaType(format)})
	return report.NewTableCSV(c.Response(), header)
}

// finishTable completes the file: a workbook is sent only now.
func finishTable(c echo.Context, t report.Table, format, name string) error {
	if format == report.TableXLSX {
		download.Start(c.Response(), download.File{Name: name, MediaType: report.MediaType(format)})
	}
	return t.Finish(c.Response())
}

// inboxExport downloads the inbox as the page lists it with the same
// query string, without the page's limit. The petitioner's name, phone and
// e-mail are columns only for someone who may read contacts, and filled
// only where ViewIdentity shows them (never a secret identity); the title
// of a denunciation is withheld, as in every export. A list longer than
// ExportInlineRows runs in the background for who may read reports.
func (s *Staff) inboxExport(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		lang := i18n.LangFrom(ctx)
		t := func(id string) string { return s.Pages.Catalog.T(lang, id, nil) }
		a := accesshttp.Actor(c)
		f, q := s.inboxQuery(c)
		if f.QError != "" {
			return s.Pages.RenderError(c, http.StatusUnprocessableEntity, "invalid", s.Pages.Catalog.T(lang, f.QError, map[string]any{"Max": 200}))
		}
		contacts := !access.ContactScope(a).None()
		header := []string{t("export.col.no"), t("inbox.code"), t("case.kind"), t("export.col.title"), t("inbox.lead_unit"),
			t("export.col.received"), t("inbox.due"), t("inbox.status"), t("export.col.urgency")}
		widths := []float64{6, 18, 14, 48, 26, 16, 22, 16, 14}
		if contacts {
			header = append(header, t("export.col.name"), t("export.col.phone"), t("export.col.email"))
			widths = append(widths, 24, 14, 26)
		}
		params := exportParams(c.QueryParams())
		if err := s.Cases.RecordExport(ctx, a, access.ListExport{List: "inbox", Params: params, Format: format, Contacts: contacts}); err != nil {
			return err
		}
		name := fmt.Sprintf("ho-so_%s.%s", s.Now().In(s.Location).Format("2006-01-02"), format)
		now, soonUntil := s.Now(), q.SoonUntil
		// fill writes the list's rows; it holds nothing of the request, so
		// that it can run after it.
		fill := func(ctx context.Context, row func([]any) error) error {
			n := 0
			return s.Cases.Each(ctx, a, q, func(r access.CaseRef, id access.IdentityView) error {
				n++
				title := r.Title
				if r.Scope.SecretIdentity() || r.Kind == access.KindDenunciation {
					title = access.Redaction
				}
				flag := ""
				switch r.UrgencyAt(now, soonUntil) {
				case access.UrgencyLate:
					flag = t("urgency.late")
				case access.UrgencyDueSoon:
					flag = t("urgency.due_soon")
				}
				due := ""
				if r.DueAt != nil {
					due = present.TimeIn(*r.DueAt, s.Location, lang, s.Pages.Catalog)
				}
				recv := r.ReceivedAt
				cells := []any{n, r.Code, t("staff.kind." + r.Kind), title, r.LeadUnitName, s.when(lang, &recv), due,
					t("staff.status." + r.Status), flag}
				if contacts {
					var who, phone, email string
					if id.Shown {
						who, phone, email = id.Identity.Name, id.Identity.Phone, id.Identity.Email
					}
					cells = append(cells, who, phone, email)
				}
				return row(cells)
			})
		}
		if access.Can(a, access.ActReportRead, nil) {
			total, err := s.Cases.Count(ctx, a, q)
			if err != nil {
				return err
			}
			if total > int64(s.ExportInlineRows) {
				id, err := s.Exporter.StartList(ctx, a, report.ListJob{Format: report.ExportFormat(format),
					Params: report.ExportParams{List: "inbox", Query: params}, Total: total, Name: name, Sheet: t("export.sheet.inbox"),
					Header: header, Widths: widths, Fill: fill})
				if err != nil {
					return err
				}
				return c.Redirect(http.StatusSeeOther, "/staff/reports/exports/"+strconv.FormatInt(id, 10))
			}
		}
		tab, err := startTable(c, format, name, t("export.sheet.inbox"), header, widths)
		if err != nil {
			return err
		}
		defer tab.Close()
		if err := fill(ctx, tab.Row); err != nil {
			return err
		}
		return finishTable(c, tab, format, name)
	}
}

// casesExport downloads a report's drill-down with the same query
// string, every page of it, in the columns of the report workbook's case
// sheet (titles of denunciations withheld, others scrubbed of the
// petitioner: report.ScrubTitle).
func (r *Reports) casesExport(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		lang := i18n.LangFrom(ctx)
		q, err := report.ParseDrill(c.QueryParams(), report.MonthOf(r.Service.Today()))
		if err != nil {
			return r.badRequest(c, err)
		}
		// The query is checked (a bad period, an unknown key) before
		// anything is recorded or sent.
		total, err := r.Service.CountCases(ctx, q)
		if err != nil {
			return r.badRequest(c, err)
		}
		a := accesshttp.Actor(c)
		params := exportParams(c.QueryParams())
		if err := r.Staff.Cases.RecordExport(ctx, a, access.ListExport{List: "report_cases", Params: params, Format: format}); err != nil {
			return err
		}
		loc := r.Service.Location()
		name := fmt.Sprintf("vu-viec_%s_%s.%s", q.Figure, r.Service.NowTime().In(loc).Format("2006-01-02"), format)
		t := r.t(c)
		due := func(d time.Time) string { return present.TimeIn(d, loc, lang, r.Staff.Pages.Catalog) }
		fill := func(ctx context.Context, row func([]any) error) error {
			n := 0
			return r.Service.EachCase(ctx, q, func(cr report.CaseRow) error {
				n++
				return row(report.CaseCells(n, cr, loc, t, due))
			})
		}
		widths := []float64{6, 18, 12, 14, 24, 10, 26, 48, 12, 12, 12, 12, 11, 9, 16, 9}
		if total > int64(r.Staff.ExportInlineRows) {
			id, err := r.Exporter.StartList(ctx, a, report.ListJob{Format: report.ExportFormat(format),
				Params: report.ExportParams{List: "report_cases", Query: params}, Total: total, Name: name, Sheet: t("report.xlsx.sheet_cases"),
				Header: report.CaseHeader(t), Widths: widths, Fill: fill})
			if err != nil {
				return err
			}
			return c.Redirect(http.StatusSeeOther, "/staff/reports/exports/"+strconv.FormatInt(id, 10))
		}
		tab, err := startTable(c, format, name, t("report.xlsx.sheet_cases"), report.CaseHeader(t), widths)
		if err != nil {
			return err
		}
		defer tab.Close()
		if err := fill(ctx, tab.Row); err != nil {
			return err
		}
		return finishTable(c, tab, format, name)
	}
}
