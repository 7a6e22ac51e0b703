package web

import (
	"bytes"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/access/accesshttp"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/org"
	"github.com/phucdap/phucdap/internal/present"
)

// unitCard is one unit's card on the directory page: what is stored, or
// what was typed when the edit was refused (Failed).
type unitCard struct {
	Unit   org.Unit
	Edit   org.UnitInput
	Failed bool
	// Parent and MergedInto name the stored parent and the unit that took
	// a merged one over, in the reader's language.
	Parent, MergedInto string
	InGroup            map[string]bool
	AliasText          string
}

// unitImportView is the outcome of a preview or an import of a file.
type unitImportView struct {
	Report org.ImportReport
	// CSV carries a previewed file to the "import" button, so that the
	// office does not choose it again.
	CSV string
}

type unitsData struct {
	Cards []unitCard
	// Parents are the units one may sit under; Groups the groups one may
	// join; Targets the units one may be merged into.
	Parents, Groups, Targets []org.Unit
	Kinds                    []org.Kind
	New                      org.UnitInput
	NewFailed                bool
	Import                   *unitImportView
	Notice                   string
	Errors                   []string
}

func (s *Staff) unitsData(c echo.Context) (unitsData, error) {
	ctx := c.Request().Context()
	lang := i18n.LangFrom(ctx)
	d := unitsData{Kinds: []org.Kind{org.KindDivision, org.KindOffice, org.KindServiceCentre, org.KindGroup},
		New: org.UnitInput{Kind: org.KindDivision}}
	units, err := s.Directory.List(ctx, accesshttp.Actor(c))
	if err != nil {
		return d, err
	}
	byCode := map[string]org.Unit{}
	for _, u := range units {
		byCode[u.Code] = u
		if !u.Active {
			continue
		}
		if u.IsGroup() {
			d.Groups = append(d.Groups, u)
		} else {
			d.Parents = append(d.Parents, u)
			d.Targets = append(d.Targets, u)
		}
	}
	for _, u := range units {
		card := unitCard{Unit: u, InGroup: map[string]bool{}}
		card.setEdit(u.Input())
		if p, ok := byCode[u.ParentCode]; ok {
			card.Parent = p.DisplayName(lang)
		}
		if m, ok := byCode[u.MergedInto]; ok {
			card.MergedInto = m.DisplayName(lang)
		}
		d.Cards = append(d.Cards, card)
	}
	return d, nil
}

func (c *unitCard) setEdit(in org.UnitInput) {
	c.Edit, c.AliasText, c.InGroup = in, strings.Join(in.Aliases, "\n"), map[string]bool{}
	for _, g := range in.Groups {
		c.InGroup[g] = true
	}
}

func (s *Staff) unitsPage(c echo.Context) error {
	d, err := s.unitsData(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "admin_units", "units.title", d)
}

// unitForm reads the unit form.
func unitForm(c echo.Context, code string) org.UnitInput {
	form, _ := c.FormParams()
	var aliases []string
	for _, a := range strings.Split(c.FormValue("aliases"), "\n") {
		aliases = append(aliases, strings.TrimSpace(a))
	}
	return org.UnitInput{Code: code, Name: c.FormValue("name"), NameEN: c.FormValue("name_en"), Kind: org.Kind(c.FormValue("kind")),
		ParentCode: c.FormValue("parent"), Groups: form["groups"], Email: c.FormValue("email"), Aliases: aliases}
}

// unitOutcome renders the page after an action: its notice, or the
// refusal worded field by field with the typed form kept in place.
func (s *Staff) unitOutcome(c echo.Context, opErr error, notice string, keep func(d *unitsData)) error {
	d, err := s.unitsData(c)
	if err != nil {
		return err
	}
	if opErr != nil {
		lines, ok := present.UnitErrors(s.Pages.Catalog, i18n.LangFrom(c.Request().Context()), opErr)
		if !ok {
			return opErr
		}
		d.Errors = lines
		if keep != nil {
			keep(&d)
		}
		return s.render(c, present.Status(opErr), "admin_units", "units.title", d)
	}
	d.Notice = notice
	return s.render(c, http.StatusOK, "admin_units", "units.title", d)
}

func (s *Staff) unitNotice(c echo.Context, id string, args map[string]any) string {
	return s.Pages.Catalog.T(i18n.LangFrom(c.Request().Context()), id, args)
}

func (s *Staff) addUnit(c echo.Context) error {
	in := unitForm(c, c.FormValue("code"))
	u, err := s.Directory.Add(c.Request().Context(), accesshttp.Actor(c), in)
	return s.unitOutcome(c, err, s.unitNotice(c, "units.added", map[string]any{"Unit": u.Code}), func(d *unitsData) {
		d.New, d.NewFailed = in, true
	})
}

func (s *Staff) keepCard(code string, in org.UnitInput) func(d *unitsData) {
	return func(d *unitsData) {
		for i := range d.Cards {
			if d.Cards[i].Unit.Code == code {
				d.Cards[i].setEdit(in)
				d.Cards[i].Failed = true
			}
		}
	}
}

func (s *Staff) updateUnit(c echo.Context) error {
	code := c.Param("code")
	in := unitForm(c, code)
	_, err := s.Directory.Update(c.Request().Context(), accesshttp.Actor(c), in)
	return s.unitOutcome(c, err, s.unitNotice(c, "units.saved", map[string]any{"Unit": code}), s.keepCard(code, in))
}

func (s *Staff) unitAction(c echo.Context) error {
	ctx, by, code := c.Request().Context(), accesshttp.Actor(c), c.Param("code")
	var err error
	var notice string
	switch c.Param("op") {
	case "merge":
		var rep org.MergeReport
		rep, err = s.Directory.Merge(ctx, by, code, c.FormValue("into"))
		notice = s.unitNotice(c, "units.merged_done", map[string]any{"From": rep.From, "Into": rep.Into, "Cases": len(rep.Cases),
			"Deadlines": rep.Deadlines, "Accounts": rep.Accounts})
	case "retire":
		_, err = s.Directory.Retire(ctx, by, code)
		notice = s.unitNotice(c, "units.retired_done", map[string]any{"Unit": code})
	case "restore":
		_, err = s.Directory.Restore(ctx, by, code)
		notice = s.unitNotice(c, "units.restored", map[string]any{"Unit": code})
	default:
		return echo.ErrNotFound
	}
	return s.unitOutcome(c, err, notice, func(d *unitsData) {
		for i := range d.Cards {
			d.Cards[i].Failed = d.Cards[i].Unit.Code == code
		}
	})
}

// importUnits previews (mode=preview, the default) or applies a directory
// file, uploaded or carried over from the preview.
func (s *Staff) importUnits(c echo.Context) error {
	var data []byte
	if fh, err := c.FormFile("file"); err == nil {
		f, err := fh.Open()
		if err != nil {
			return s.unitOutcome(c, fault.List{fault.FieldError("file", "unit.csv_missing", nil)}, "", nil)
		}
		defer f.Close()
		if data, err = io.ReadAll(io.LimitReader(f, org.MaxCSVBytes+1)); err != nil {
			return err
		}
	} else {
		data = []byte(c.FormValue("csv"))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return s.unitOutcome(c, fault.List{fault.FieldError("file", "unit.csv_missing", nil)}, "", nil)
	}
	dry := c.FormValue("mode") != "apply"
	rep, err := s.Directory.Import(c.Request().Context(), accesshttp.Actor(c), bytes.NewReader(data), dry)
	notice := ""
	if !dry {
		notice = s.unitNotice(c, "units.import_done", nil)
	}
	if err != nil {
		return s.unitOutcome(c, err, "", nil)
	}
	d, err := s.unitsData(c)
	if err != nil {
		return err
	}
	d.Notice, d.Import = notice, &unitImportView{Report: rep}
	if dry {
		d.Import.CSV = string(data)
	}
	return s.render(c, http.StatusOK, "admin_units", "units.title", d)
}

// exportUnits downloads the directory in the form the import reads.
func (s *Staff) exportUnits(c echo.Context) error {
	units, err := s.Directory.List(c.Request().Context(), accesshttp.Actor(c))
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString("\ufeff")
	if err := org.WriteCSV(&b, units); err != nil {
		return err
	}
	noStore(c)
	c.Response().Header().Set("Content-Disposition", `attachment; filename="don-vi.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
}

func (s *Staff) mountUnits(e *echo.Echo) {
	req := s.Auth.Require(access.ActUnitManage)
	e.GET("/staff/admin/units", s.unitsPage, req)
	e.GET("/staff/admin/units.csv", s.exportUnits, req)
	e.POST("/staff/admin/units", s.addUnit, req)
	e.POST("/staff/admin/units/import", s.importUnits, req)
	e.POST("/staff/admin/units/:code", s.updateUnit, req)
	e.POST("/staff/admin/units/:code/:op", s.unitAction, req)
}
