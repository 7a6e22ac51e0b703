package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/present"
)

// rulesPage lists every statutory rule version, with the event that
// decides which version a case gets, and lets an admin add a version.
type rulesPage struct {
	Rules  []deadline.Rule
	IDs    []string
	CanAdd bool
	Added  bool
	Form   map[string]string
	Error  string
	// Builtin are the built-in rule versions this release corrects,
	// waiting for an admin to accept or keep them; Reviewed is "accepted"
	// or "kept" after a decision.
	Builtin  []deadline.RuleChange
	Reviewed string
}

func (p *Pages) rulesList(c echo.Context) error {
	page := rulesPage{Added: c.QueryParam("added") == "1", Form: map[string]string{}}
	if r := c.QueryParam("builtin"); r == "accepted" || r == "kept" {
		page.Reviewed = r
	}
	return p.renderRules(c, http.StatusOK, page)
}

// resolveBuiltinRule accepts or keeps the offered correction of one
// built-in rule version; the store audits the decision and, on accept,
// asks for the open clocks to be recomputed.
func (p *Pages) resolveBuiltinRule(c echo.Context) error {
	ctx := c.Request().Context()
	br, ok := p.Tables.(deadline.BuiltinRuleStore)
	if !ok {
		return echo.ErrForbidden
	}
	accept := c.FormValue("decision") == "accept"
	if _, err := p.Deadlines.ResolveBuiltinRule(ctx, br, strings.TrimSpace(c.FormValue("item")), accept, editorOf(access.ActorFrom(ctx))); err != nil {
		msg, ok := p.refusal(ctx, err)
		if !ok {
			return err
		}
		return p.renderRules(c, present.Status(err), rulesPage{Form: map[string]string{}, Error: msg})
	}
	if accept {
		return c.Redirect(http.StatusSeeOther, "/admin/rules?builtin=accepted")
	}
	return c.Redirect(http.StatusSeeOther, "/admin/rules?builtin=kept")
}

func (p *Pages) renderRules(c echo.Context, status int, page rulesPage) error {
	ctx := c.Request().Context()
	page.Rules = p.Deadlines.Engine(ctx).Rules()
	seen := map[string]bool{}
	for _, r := range page.Rules {
		if !seen[r.ID] {
			seen[r.ID] = true
			page.IDs = append(page.IDs, r.ID)
		}
	}
	_, storeOK := p.Tables.(deadline.RuleStore)
	page.CanAdd = storeOK && access.Can(access.ActorFrom(ctx), access.ActSettingsManage, nil)
	if br, ok := p.Tables.(deadline.BuiltinRuleStore); ok && page.CanAdd {
		changes, err := br.BuiltinRuleChanges(ctx)
		if err != nil {
			return err
		}
		page.Builtin = changes
	}
	return p.render(c, status, "rules", "page.rules.title", page)
}

// addRuleVersion adds a rule version from the form; the service checks it
// against every version and the store audits it (deadline.rule.add).
func (p *Pages) addRuleVersion(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.LangFrom(ctx)
	form := map[string]string{}
	for _, k := range []string{"id", "effective_from", "effective_to", "limit", "unit", "legal_basis", "legal_basis_en", "version_basis", "confidence", "reason"} {
		form[k] = strings.TrimSpace(c.FormValue(k))
	}
	refuse := func(id string, args map[string]any) error {
		return p.renderRules(c, http.StatusUnprocessableEntity, rulesPage{Form: form, Error: p.Catalog.T(lang, id, args)})
	}
	store, ok := p.Tables.(deadline.RuleStore)
	if !ok {
		return echo.ErrForbidden
	}
	r := deadline.Rule{ID: form["id"], Unit: deadline.Unit(form["unit"]), LegalBasis: form["legal_basis"], LegalBasisEN: form["legal_basis_en"],
		VersionBasis: form["version_basis"], Confidence: form["confidence"]}
	var err error
	if r.EffectiveFrom, err = calendar.ParseDate(form["effective_from"]); err != nil {
		return refuse("deadline.bad_date", map[string]any{"Value": form["effective_from"]})
	}
	if form["effective_to"] != "" {
		if r.EffectiveTo, err = calendar.ParseDate(form["effective_to"]); err != nil {
			return refuse("deadline.bad_date", map[string]any{"Value": form["effective_to"]})
		}
	}
	if r.Limit, err = strconv.Atoi(form["limit"]); err != nil || r.Limit < 1 || r.Limit > deadline.MaxLimit {
		return refuse("deadline.bad_limit", map[string]any{"Max": deadline.MaxLimit})
	}
	if len(r.LegalBasis) < 3 {
		return refuse("deadline.legal_basis_required", nil)
	}
	if len(form["reason"]) < 3 {
		return refuse("deadline.reason_required", nil)
	}
	if _, err := p.Deadlines.AddRuleVersion(ctx, store, r, form["reason"], editorOf(access.ActorFrom(ctx))); err != nil {
		msg, ok := p.refusal(ctx, err)
		if !ok {
			return err
		}
		return p.renderRules(c, present.Status(err), rulesPage{Form: form, Error: msg})
	}
	return c.Redirect(http.StatusSeeOther, "/admin/rules?added=1")
}
