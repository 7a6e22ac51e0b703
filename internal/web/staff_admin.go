package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/access/accesshttp"
	"github.com/phucdap/phucdap/internal/org"
	"github.com/phucdap/phucdap/internal/present"
)

type adminData struct {
	Accounts []access.Account
	Tokens   []access.Token
	Units    []org.Unit
	Roles    []access.Role
	Self     int64
	// Shown once, in the response that created it.
	OneTimePassword string
	PasswordFor     string
	TokenSecret     string
	Notice          string
	Errors          []string
}

func (s *Staff) adminData(c echo.Context) (adminData, error) {
	ctx := c.Request().Context()
	a := accesshttp.Actor(c)
	d := adminData{Roles: access.AllRoles(), Self: a.AccountID}
	var err error
	if d.Accounts, err = s.Accounts.ListAccounts(ctx, a); err != nil {
		return d, err
	}
	if access.Can(a, access.ActTokenManage, nil) {
		if d.Tokens, err = s.Accounts.ListTokens(ctx, a, 0); err != nil {
			return d, err
		}
	}
	units, err := s.Units.ListUnits(ctx)
	if err != nil {
		return d, err
	}
	for _, u := range units {
		if !u.IsGroup() && u.Active {
			d.Units = append(d.Units, u)
		}
	}
	return d, nil
}

func (s *Staff) adminUsers(c echo.Context) error {
	d, err := s.adminData(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "admin_users", "admin.title", d)
}

// adminResult re-renders the admin page after a POST, with the outcome.
func (s *Staff) adminResult(c echo.Context, opErr error, fill func(*adminData)) error {
	d, err := s.adminData(c)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if opErr != nil {
		if d.Errors, err = s.messages(c, opErr); err != nil {
			return err
		}
		status = present.Status(opErr)
	} else if fill != nil {
		fill(&d)
	}
	return s.render(c, status, "admin_users", "admin.title", d)
}

func formRoles(c echo.Context) ([]access.Role, error) {
	form, err := c.FormParams()
	if err != nil {
		return nil, err
	}
	var out []access.Role
	for _, v := range form["role"] {
		r, err := access.ParseRole(v)
		if err != nil {
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

func (s *Staff) createUser(c echo.Context) error {
	roles, err := formRoles(c)
	if err != nil {
		return err
	}
	n := access.NewAccount{Email: c.FormValue("email"), Name: c.FormValue("name"), Phone: c.FormValue("phone"),
		UnitCode: c.FormValue("unit"), Roles: roles}
	acc, pw, err := s.Accounts.CreateAccount(c.Request().Context(), accesshttp.Actor(c), n)
	return s.adminResult(c, err, func(d *adminData) {
		d.OneTimePassword, d.PasswordFor, d.Notice = pw, acc.Email, "admin.created"
	})
}

func pathID(c echo.Context) (int64, error) {
	return strconv.ParseInt(c.Param("id"), 10, 64)
}

func (s *Staff) updateUser(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return access.ErrAccountNotFound
	}
	roles, err := formRoles(c)
	if err != nil {
		return err
	}
	unit := c.FormValue("unit")
	active := c.FormValue("active") == "on"
	u := access.AccountUpdate{UnitCode: &unit, Roles: &roles, Active: &active}
	_, err = s.Accounts.UpdateAccount(c.Request().Context(), accesshttp.Actor(c), id, u)
	return s.adminResult(c, err, func(d *adminData) { d.Notice = "admin.saved" })
}

func (s *Staff) resetPassword(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return access.ErrAccountNotFound
	}
	ctx := c.Request().Context()
	a := accesshttp.Actor(c)
	pw, err := s.Accounts.ResetPassword(ctx, a, id)
	email := ""
	if err == nil {
		if acc, aerr := s.Accounts.Account(ctx, a, id); aerr == nil {
			email = acc.Email
		}
	}
	return s.adminResult(c, err, func(d *adminData) { d.OneTimePassword, d.PasswordFor, d.Notice = pw, email, "admin.reset" })
}

func (s *Staff) createToken(c echo.Context) error {
	roles, err := formRoles(c)
	if err != nil {
		return err
	}
	_, secret, err := s.Accounts.CreateToken(c.Request().Context(), accesshttp.Actor(c), c.FormValue("email"), c.FormValue("name"), roles)
	return s.adminResult(c, err, func(d *adminData) { d.TokenSecret, d.Notice = secret, "token.created" })
}

func (s *Staff) revokeToken(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return access.ErrTokenNotFound
	}
	err = s.Accounts.RevokeToken(c.Request().Context(), accesshttp.Actor(c), id)
	return s.adminResult(c, err, func(d *adminData) { d.Notice = "token.revoked" })
}

type grantsData struct {
	Accounts []access.Account
	Notice   string
	Errors   []string
}

func (s *Staff) grantsPage(c echo.Context, status int, notice string, opErr error) error {
	accs, err := s.Accounts.ListAccounts(c.Request().Context(), accesshttp.Actor(c))
	if err != nil {
		return err
	}
	d := grantsData{Notice: notice}
	for _, a := range accs {
		// Only people who can see cases at all can use the grant.
		if a.Active && access.Can(a.Actor("session"), access.ActCaseRead, nil) {
			d.Accounts = append(d.Accounts, a)
		}
	}
	if opErr != nil {
		if d.Errors, err = s.messages(c, opErr); err != nil {
			return err
		}
		status = present.Status(opErr)
	}
	return s.render(c, status, "staff_grants", "grants.title", d)
}

func (s *Staff) grants(c echo.Context) error { return s.grantsPage(c, http.StatusOK, "", nil) }

func (s *Staff) setGrant(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return access.ErrAccountNotFound
	}
	grant := c.FormValue("grant") == "1"
	err = s.Accounts.SetIdentityGrant(c.Request().Context(), accesshttp.Actor(c), id, grant)
	notice := "grants.revoked"
	if grant {
		notice = "grants.granted"
	}
	return s.grantsPage(c, http.StatusOK, notice, err)
}
