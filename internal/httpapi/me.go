package httpapi

import (
	"context"

	"github.com/phucdap/phucdap/internal/access"
)

// GetMe implements GET /me: the caller's account, read fresh, with the
// roles in force for this request (a token's may be fewer).
func (a *API) GetMe(ctx context.Context, _ GetMeRequestObject) (GetMeResponseObject, error) {
	who := actor(ctx)
	acc, err := a.Accounts.Account(ctx, who, who.AccountID)
	if err != nil {
		return nil, err
	}
	out := GetMe200JSONResponse{Id: acc.ID, Email: acc.Email, Name: acc.Name, IdentityRead: who.IdentityGrant,
		MustChangePassword: acc.MustChangePassword, Via: MeVia(who.Via), Roles: make([]MeRoles, 0, len(who.Roles))}
	if out.Via != Token {
		out.Via = Session
	}
	for _, r := range access.NormalizeRoles(who.Roles) {
		out.Roles = append(out.Roles, MeRoles(r))
	}
	if acc.UnitID != 0 {
		out.Unit = &UnitRef{Code: acc.UnitCode, Name: acc.UnitName, Kind: acc.UnitKind}
	}
	return out, nil
}
