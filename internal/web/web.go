// Package web owns the server-rendered HTML pages, Vietnamese first with
// English:
//   - the public pages: the plan and its commitment, the unit directory,
//     the petition form, tracking with rating and dispute, the deadline
//     calculator, the working-day calendar and the statutory rules, and the
//     transparency page (Pages, Intake, Reports);
//   - the staff pages: login, the inbox and case pages with the workflow's
//     actions and the denouncer's secrecy, registering cases from other
//     channels, the KPI dashboard, reports, drill-downs and exports
//     (Staff, Reports);
//   - the admin pages: accounts, tokens, identity grants, the calendar and
//     rule editors, the jobs with "run now", alerts and dead deliveries, and
//     the audit trail (Staff, Alerts).
//
// Handlers read the form, call the domain service and render; wording of
// errors, times and case events comes from package present, shared with the
// JSON API. Templates and static assets are embedded: offices may have no
// Internet, so there is no CDN. Pages work without JavaScript.
package web

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/access/accesshttp"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/org"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/plan"
	"github.com/phucdap/phucdap/internal/platform"
	"github.com/phucdap/phucdap/internal/present"
	"github.com/phucdap/phucdap/internal/textfold"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Pages renders the HTML pages.
type Pages struct {
	Plans      *plan.Catalog
	Units      org.UnitStore
	Catalog    *i18n.Catalog
	AgencyName string
	// Contact is how citizens reach the department; empty fields print
	// nothing.
	Contact Contact
	// BaseURL is where citizens reach phucdap (config base_url, no
	// trailing slash), for the addresses printed on a receipt; empty,
	// the request's own host is used (a local run).
	BaseURL    string
	Logger     *slog.Logger
	Production bool
	// Intake serves the public petition form and tracking.
	Intake *Intake

	// The working-day calendar and the deadline calculator.
	Deadlines *deadline.Service
	Tables    deadline.TableStore
	// Require guards a route with a staff permission (accesshttp.Auth.Require).
	Require func(access.Action) echo.MiddlewareFunc
	// Bell counts a staff member's unread alerts for the top bar (Bell).
	Bell func(ctx context.Context, accountID int64) int
	// Approvals counts the drafts awaiting the staff member's approval,
	// shown on the menu's inbox link (Approvals).
	Approvals func(ctx context.Context, a access.Actor) int

	// tmpl holds each page parsed, shared by every Pages of the process
	// (parsedPages); byLang holds each page's clone with T bound to one
	// language, keyed lang+"/"+name, escaped at its first execution.
	tmpl   map[string]*template.Template
	byLang *sync.Map
}

// Page is what every template receives.
type Page struct {
	Lang       string
	OtherLang  string
	Path       string
	Title      string
	AgencyName string
	// Contact is how citizens reach the department (footer, receipt,
	// transparency page).
	Contact Contact
	Data    any
	// LangURL is this page in the other language (the language link);
	// with LangPost, the link is a form that posts LangFields to LangPost
	// (a tracked case, whose secret stays out of addresses).
	LangURL    string
	LangPost   string
	LangFields map[string]string
	// Actor is the signed-in staff member (zero for citizens); the top bar
	// shows their name, unit and roles. CSRF goes into every staff form.
	Actor access.Actor
	CSRF  string
	// Unread is the number on the bell of the staff top bar: the signed-in
	// person's unread alerts.
	Unread int
	// Awaiting is the number on the menu's inbox link: the drafts waiting
	// for the signed-in head's approval.
	Awaiting int
	// Notices ask the office and admins to confirm a year's calendar: a
	// banner on each of their pages while it holds.
	Notices []deadline.CalendarNotice
}

// NewPages returns the pages over deps, every one of which is needed, with
// the templates parsed: a broken template fails at start-up, not at the
// first request.
func NewPages(deps Pages) (*Pages, error) {
	p := &deps
	if err := platform.Needs("web pages",
		platform.Dep{Name: "Plans", Absent: p.Plans == nil}, platform.Dep{Name: "Units", Absent: p.Units == nil},
		platform.Dep{Name: "Catalog", Absent: p.Catalog == nil}, platform.Dep{Name: "Logger", Absent: p.Logger == nil},
		platform.Dep{Name: "Intake", Absent: p.Intake == nil || p.Intake.Service == nil || p.Intake.Files == nil || p.Intake.Now == nil || p.Intake.Location == nil || len(p.Intake.FormKey) == 0},
		platform.Dep{Name: "Deadlines", Absent: p.Deadlines == nil}, platform.Dep{Name: "Tables", Absent: p.Tables == nil},
		platform.Dep{Name: "Require", Absent: p.Require == nil}, platform.Dep{Name: "Bell", Absent: p.Bell == nil},
		platform.Dep{Name: "Approvals", Absent: p.Approvals == nil},
	); err != nil {
		return nil, err
	}
	if err := p.parse(); err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	return p, nil
}

func (p *Pages) parse() error {
	tmpl, err := parsedPages()
	p.tmpl, p.byLang = tmpl, &sync.Map{}
	return err
}

// parsedPages parses the embedded page templates once per process: they
// are never changed after parsing (render executes clones), so every Pages
// shares them, and a process that builds many (a test suite) parses once.
var parsedPages = sync.OnceValues(func() (map[string]*template.Template, error) {
	tmpl := map[string]*template.Template{}
	pages, err := fs.Glob(templateFS, "templates/page_*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range pages {
		t := template.New("layout.html").Funcs(templateFuncs())
		t, err := t.ParseFS(templateFS, "templates/layout.html", name)
		if err != nil {
			return nil, err
		}
		key := strings.TrimSuffix(strings.TrimPrefix(name, "templates/page_"), ".html")
		tmpl[key] = t
	}
	return tmpl, nil
})

// page returns the template of page name with T bound to lang. It is
// cloned from the parsed set once per language and page, not per request:
// html/template escapes a template at its first execution, so a clone per
// request escaped the whole page again every time. An executed template
// may be executed by many requests at once.
func (p *Pages) page(name, lang string) (*template.Template, error) {
	key := lang + "/" + name
	if t, ok := p.byLang.Load(key); ok {
		return t.(*template.Template), nil
	}
	base, ok := p.tmpl[name]
	if !ok {
		return nil, echo.NewHTTPError(http.StatusInternalServerError, "no template "+name)
	}
	t, err := base.Clone()
	if err != nil {
		return nil, err
	}
	t.Funcs(template.FuncMap{"T": func(id string, args ...any) string { return p.Catalog.T(lang, id, argMap(args)) },
		"date": func(v any) string { return formatDate(v, lang) },
		// who names an actor label without reading accounts: "Hệ thống"
		// for the software, "a staff member" for an account.
		"who": func(label string) string { return present.Who(p.Catalog, lang, label, nil) }})
	got, _ := p.byLang.LoadOrStore(key, t)
	return got.(*template.Template), nil
}

func templateFuncs() template.FuncMap {
	return template.FuncMap{
		// T is replaced per request; this stub lets templates parse.
		"T":     func(id string, args ...any) string { return id },
		"who":   func(label string) string { return label },
		"lower": strings.ToLower,
		// date is replaced per request, as T is.
		"date": func(v any) string { return formatDate(v, i18n.VI) },
		// can asks the access policy whether the actor may do an action on
		// some case: for menus; routes and handlers ask again.
		"can": func(a access.Actor, act string) bool { return access.Can(a, access.Action(act), nil) },
		// unitChoices pairs the assign forms' units with the ticked codes
		// (template unit_choices).
		"unitChoices": func(g []unitChoiceGroup, ticked map[string]bool) any {
			return struct {
				Groups []unitChoiceGroup
				Ticked map[string]bool
			}{g, ticked}
		},
		// regField is one field of the register form for its error
		// templates: the data, the field's name and its input's id.
		"regField": func(d registerData, field, id string) any {
			return struct {
				D         registerData
				Field, ID string
			}{d, field, id}
		},
		// list builds a list in a template (the workflow's repeated forms).
		"list": func(v ...string) []string { return v },
		// deref reads an optional yes/no (nil is no).
		"deref": func(b *bool) bool { return b != nil && *b },
		// limit is the longest text a field takes, from the rule that
		// checks it, so a form's maxlength cannot disagree with the server.
		"limit": func(field string) (int, error) {
			switch field {
			case "q":
				return textfold.MaxQuery, nil
			case "title":
				return petition.MaxTitle, nil
			}
			return 0, fmt.Errorf("web: no length limit for field %q", field)
		},
	}
}

// guard returns the route guard for act.
func (p *Pages) guard(act access.Action) echo.MiddlewareFunc { return p.Require(act) }

// Mount registers the pages and the static assets.
func (p *Pages) Mount(e *echo.Echo) {
	static, _ := fs.Sub(staticFS, "static")
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", cacheForever(http.FileServer(http.FS(static))))))
	e.GET("/", p.home)
	e.GET("/units", p.units)
	p.mountIntake(e)
	e.GET("/tinh-han", p.deadlineCalculator)
	e.GET("/admin/calendar", func(c echo.Context) error {
		return c.Redirect(http.StatusFound, "/admin/calendar/"+strconv.Itoa(p.Deadlines.Today().Year))
	})
	e.GET("/admin/calendar/:year", p.calendarYear)
	// Confirming the calendar is the office's (and needs the CSRF token).
	e.POST("/admin/calendar/:year/confirm", p.confirmCalendar, p.guard(access.ActCalendarManage))
	// Editing one entry, removing one, importing a file: the
	// office's, each save audited.
	e.POST("/admin/calendar/:year/:op", p.editCalendar, p.guard(access.ActCalendarManage))
	// The statutory rules and their versions are public facts; adding a
	// version is the admin's.
	e.GET("/admin/rules", p.rulesList)
	e.POST("/admin/rules", p.addRuleVersion, p.guard(access.ActSettingsManage))
	e.POST("/admin/rules/builtin", p.resolveBuiltinRule, p.guard(access.ActSettingsManage))
}

func cacheForever(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// render executes a page template with T bound to the request's language.
func (p *Pages) render(c echo.Context, status int, name, titleID string, data any) error {
	lang := i18n.LangFrom(c.Request().Context())
	if q := c.QueryParam("lang"); q != "" && q == lang {
		c.SetCookie(&http.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: p.Production})
	}
	t, err := p.page(name, lang)
	if err != nil {
		return err
	}
	other := i18n.EN
	if lang == i18n.EN {
		other = i18n.VI
	}
	page := Page{Lang: lang, OtherLang: other, Path: c.Request().URL.Path, Title: p.Catalog.T(lang, titleID, nil), AgencyName: p.AgencyName, Contact: p.Contact, Data: data,
		Actor: accesshttp.Actor(c), CSRF: accesshttp.CSRF(c)}
	// A page about one thing (a case) names it in its title, so that
	// several open tabs can be told apart.
	if tt, ok := data.(interface{ pageTitle(base string) string }); ok {
		page.Title = tt.pageTitle(page.Title)
	}
	// The language link keeps the page: its query (a calculation, the
	// inbox's filters) or, for a case shown after a post, the post.
	q := c.Request().URL.Query()
	q.Set("lang", other)
	page.LangURL = page.Path + "?" + q.Encode()
	if s, ok := data.(interface {
		langSwitch() (string, map[string]string)
	}); ok {
		if action, fields := s.langSwitch(); action != "" {
			page.LangPost, page.LangFields, page.LangURL = action+"?lang="+other, fields, ""
		}
	}
	if page.Actor.Authenticated() {
		page.Unread = p.Bell(c.Request().Context(), page.Actor.AccountID)
		page.Awaiting = p.Approvals(c.Request().Context(), page.Actor)
	}
	if page.Actor.Has(access.Office, access.Admin) {
		page.Notices = p.Deadlines.CalendarNotices(c.Request().Context())
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", page); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// argMap turns T's variadic key, value pairs into template data.
func argMap(args []any) map[string]any {
	if len(args) == 0 {
		return nil
	}
	m := map[string]any{}
	for i := 0; i+1 < len(args); i += 2 {
		if k, ok := args[i].(string); ok {
			m[k] = args[i+1]
		}
	}
	return m
}

// formatDate words a civil date, a calendar.Date or its ISO text
// ("2026-12-18"), in lang as every page does (present.Date); other text is
// shown as it is.
func formatDate(v any, lang string) string {
	switch d := v.(type) {
	case calendar.Date:
		return present.Date(d, lang)
	case string:
		if cd, err := calendar.ParseDate(d); err == nil {
			return present.Date(cd, lang)
		}
		return d
	}
	return fmt.Sprint(v)
}

// RenderError draws an error page in the user's language.
func (p *Pages) RenderError(c echo.Context, status int, code, message string) error {
	return p.render(c, status, "error", "error."+code, map[string]any{"Status": status, "Message": message})
}

type homeData struct {
	Plan  *plan.Record
	Units map[string]org.Unit
}

func (p *Pages) home(c echo.Context) error {
	ctx := c.Request().Context()
	list, err := p.Plans.List(ctx)
	if err != nil {
		return err
	}
	d := homeData{Units: map[string]org.Unit{}}
	if len(list) > 0 {
		if d.Plan, err = p.Plans.Get(ctx, list[0].ID); err != nil {
			return err
		}
	}
	units, err := p.Units.ListUnits(ctx)
	if err != nil {
		return err
	}
	for _, u := range units {
		d.Units[u.Code] = u
	}
	return p.render(c, http.StatusOK, "home", "page.home.title", d)
}

// units is the public directory: the units at work now (a merged or
// retired unit stays on its closed cases, not here).
func (p *Pages) units(c echo.Context) error {
	all, err := p.Units.ListUnits(c.Request().Context())
	if err != nil {
		return err
	}
	units := make([]org.Unit, 0, len(all))
	for _, u := range all {
		if u.Active {
			units = append(units, u)
		}
	}
	return p.render(c, http.StatusOK, "units", "page.units.title", units)
}
