package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/present"
)

// The public deadline calculator: anyone can see how a statutory due date
// is counted, with the days skipped and the legal basis.

type calculatorForm struct {
	Rule    string
	Start   string
	Complex string
	Remote  bool
	Round   string
}

type calculatorPage struct {
	Form   calculatorForm
	Rules  []string
	Result *deadline.Result
	Text   string
	DueAt  string
	Error  string
}

func (p *Pages) deadlineCalculator(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.LangFrom(ctx)
	eng := p.Deadlines.Engine(ctx)
	f := calculatorForm{Rule: c.QueryParam("rule"), Start: c.QueryParam("start"), Complex: c.QueryParam("complex"),
		Remote: c.QueryParam("remote") == "1" || c.QueryParam("remote") == "true", Round: c.QueryParam("round")}
	page := calculatorPage{Form: f}
	seen := map[string]bool{}
	for _, r := range eng.Rules() {
		if !seen[r.ID] {
			seen[r.ID] = true
			page.Rules = append(page.Rules, r.ID)
		}
	}
	if f.Start == "" {
		page.Form.Start = p.Deadlines.Today().String()
	}
	if f.Rule != "" && f.Start != "" {
		start, err := calendar.ParseDate(f.Start)
		if err != nil {
			page.Error = p.Catalog.T(lang, "deadline.bad_start", map[string]any{"Value": f.Start})
		} else {
			req := deadline.Request{RuleID: f.Rule, StartDate: start, Complexity: deadline.Complexity(f.Complex), Remote: f.Remote, Round: 1}
			if f.Round == "2" {
				req.Round = 2
			}
			res, err := eng.Compute(req)
			switch msg, refused := p.refusal(c.Request().Context(), err); {
			case refused:
				page.Error = msg
			case err != nil:
				return err
			default:
				page.Result = &res
				page.Text = eng.Explain(res, lang)
				page.DueAt = present.TimeIn(res.DueAt, eng.Location(), lang, p.Catalog)
			}
		}
	}
	return p.render(c, http.StatusOK, "deadline", "page.deadline.title", page)
}
