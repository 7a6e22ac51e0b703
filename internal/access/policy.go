package access

import (
	"slices"
	"strconv"
)

// Actor is who is asking: an account, with the roles in force for this
// request (a token may carry fewer than its account holds).
type Actor struct {
	AccountID int64
	Email     string
	Name      string
	// UnitID is the account's unit, 0 when it has none. UnitKind says
	// whether it is the office, a division or the service centre.
	UnitID   int64
	UnitCode string
	UnitName string
	UnitKind string
	Roles    []Role
	// IdentityGrant is the explicit, per-person permission to read a
	// denouncer's identity, given by the office's head. It is not a role.
	IdentityGrant bool
	// Via says how the actor authenticated: "session", "token" or "cli".
	Via string
	// TokenID is set when Via is "token".
	TokenID int64
}

// System is the actor of operator commands run on the server (phucdap user
// add, token create). It holds no roles: the CLI is trusted because it runs
// with the database's credentials, not because of a permission.
func System(label string) Actor { return Actor{Name: label, Via: "cli"} }

// Authenticated says whether the actor is a signed-in account.
func (a Actor) Authenticated() bool { return a.AccountID != 0 }

// Has says whether the actor holds any of the roles.
func (a Actor) Has(roles ...Role) bool {
	for _, r := range roles {
		if slices.Contains(a.Roles, r) {
			return true
		}
	}
	return false
}

// IsOfficeHead says whether the actor heads the office (Chánh Văn phòng):
// a unit head whose unit is the office. Only they grant identity.read.
func (a Actor) IsOfficeHead() bool { return a.Has(UnitHead) && a.UnitKind == "office" && a.UnitID != 0 }

// Label names the actor in the audit trail: account id and e-mail, never a
// citizen's data.
func (a Actor) Label() string {
	if !a.Authenticated() {
		if a.Name != "" {
			return a.Name
		}
		return "anonymous"
	}
	l := "account:" + strconv.FormatInt(a.AccountID, 10) + " " + a.Email
	if a.Via == "token" {
		l += " (token " + strconv.FormatInt(a.TokenID, 10) + ")"
	}
	return l
}

// Action is something an actor may do. Case actions are decided against a
// [CaseScope]; the others against the actor alone.
type Action string

const (
	// ActSelf is what every signed-in account may do: read its own
	// account, change its password, log out.
	ActSelf Action = "self"

	// ActInboxRead opens the staff inbox: any role that sees cases.
	ActInboxRead Action = "inbox.read"
	// ActCaseRead sees a case (alone or in a list).
	ActCaseRead Action = "case.read"
	// ActContactRead sees the petitioner's contact data of a case that is
	// not under a denouncer's secrecy: only staff who work on the case (NĐ
	// 154/2026 Art. 12(2)).
	ActContactRead Action = "case.contact.read"
	// ActIdentityRead reveals a denouncer's identity, with a reason that is
	// logged: only holders of the explicit grant who also see the case.
	ActIdentityRead Action = "identity.read"
	// ActIdentityGrant gives or takes identity.read: only the office's head.
	ActIdentityGrant Action = "identity.grant"

	ActCaseAnswer             Action = "case.answer"
	ActCaseNote               Action = "case.note"
	ActExtensionRequest       Action = "case.extension.request"
	ActAnswerApprove          Action = "case.answer.approve"
	ActExtensionApprove       Action = "case.extension.approve"
	ActExtensionApproveBeyond Action = "case.extension.approve_beyond"
	ActCaseRegister           Action = "case.register"
	ActCaseClassify           Action = "case.classify"
	ActCaseAssign             Action = "case.assign"
	ActCaseChase              Action = "case.chase"
	ActCalendarManage         Action = "calendar.manage"
	ActTopicManage            Action = "topic.manage"
	// ActReceptionManage keeps the citizen-reception schedule, its
	// changes, the day's bookings and the session records: the office's
	// (it runs the reception desk and the leadership's reception days).
	ActReceptionManage Action = "reception.manage"
	// ActUnitManage edits the unit directory: add, rename, regroup, merge,
	// retire, import. The office keeps the directory, as it keeps the
	// topics; admins too, who set up accounts against it.
	ActUnitManage     Action = "unit.manage"
	ActReportRead     Action = "report.read"
	ActAccountManage  Action = "account.manage"
	ActTokenManage    Action = "token.manage"
	ActJobManage      Action = "job.manage"
	ActSettingsManage Action = "settings.manage"
	ActAuditRead      Action = "audit.read"
	ActAccessLogRead  Action = "access_log.read"
	// ActCaseReopen reopens an answered case on the agency's own decision.
	ActCaseReopen Action = "case.reopen"
)

// The case workflow's actions.
const (
	// ActCaseProcess records the outcome of processing
	// a classified letter (accept, forward, guide, not eligible, file);
	// ActCaseDecide records the office's other decisions on a case
	// (suspend, resume, withdrawal, termination, closing). Both are the
	// office's: leadership signs decisions on paper but, apart from
	// extensions, only reads in phucdap.
	ActCaseProcess Action = "case.process"
	ActCaseDecide  Action = "case.decide"
	// ActCaseContribute posts a coordinating unit's contribution; the
	// workflow also checks that the actor's unit coordinates the case.
	ActCaseContribute Action = "case.contribute"
	// ActCaseExtend is the route-level question "may this person take part
	// in an extension at all": request it, or decide it. The workflow then
	// asks the precise action (request, approve, approve_beyond) with the
	// case.
	ActCaseExtend Action = "case.extend"
)

// ActPublicationManage marks published answers publishable on the public
// transparency page: the office's decision, audited.
const ActPublicationManage Action = "publication.manage"

// CaseScope is what the policy needs to know about a case.
type CaseScope struct {
	CaseID int64
	Kind   string
	// LeadUnitID is 0 while the case is unassigned.
	LeadUnitID          int64
	CoordinatingUnitIDs []int64
	// Denunciation: the case is a tố cáo, whose denouncer's identity is
	// secret by law unless they waived it (SecrecyWaived).
	Denunciation  bool
	SecrecyWaived bool
	// Sealed: the identity was sealed when the case was received as a
	// denunciation under secrecy (or became one, or was made from one), and
	// stays sealed whatever the case's kind is now (cases.identity_sealed).
	Sealed bool
}

// SecretIdentity says whether the petitioner's identity is under a
// denouncer's secrecy: never shown without a logged reveal. It is the one
// place every visibility decision reads (ViewIdentity, Can, titles,
// attachments, exports). The seal follows the case's history: a case
// reclassified away from a denunciation, or split from one, stays secret.
// A denouncer who waived secrecy (NĐ 156/2026 Art. 6: "unless the
// denouncer declined the secrecy measure") is treated like any other
// citizen, whose contact only the staff working on the case see.
func (c CaseScope) SecretIdentity() bool { return c.Sealed || (c.Denunciation && !c.SecrecyWaived) }

// involves says whether unit is the case's lead or one of its coordinators.
func (c CaseScope) involves(unit int64) bool {
	return unit != 0 && (c.LeadUnitID == unit || slices.Contains(c.CoordinatingUnitIDs, unit))
}

// Can is the one place that decides a permission. For a case action, c is
// the case; a nil c asks whether the actor could do it on some case (the
// route guard's question), and the handler asks again with the case.
func Can(a Actor, act Action, c *CaseScope) bool {
	if !a.Authenticated() {
		return false
	}
	// onCase: the actor's unit works on the case (or, with no case given,
	// the actor has a unit at all).
	onCase := func() bool {
		if c == nil {
			return a.UnitID != 0
		}
		return c.involves(a.UnitID)
	}
	unitWorker := a.Has(UnitOfficer, UnitHead) && onCase()
	headOnCase := a.Has(UnitHead) && onCase()
	switch act {
	case ActSelf:
		return true
	case ActInboxRead:
		return a.Has(Office, Leadership) || (a.Has(UnitOfficer, UnitHead) && a.UnitID != 0)
	case ActCaseRead:
		return a.Has(Office, Leadership) || unitWorker
	case ActContactRead:
		// Staff who work on the case: the office (it receives, registers
		// and chases every case) and the units assigned to it. Leadership
		// reads the file but not the citizen's contact.
		if c != nil && c.SecretIdentity() {
			return false
		}
		return a.Has(Office) || unitWorker
	case ActIdentityRead:
		if c != nil && !c.SecretIdentity() {
			return false
		}
		return a.IdentityGrant && Can(a, ActCaseRead, c)
	case ActIdentityGrant:
		return a.IsOfficeHead()
	case ActCaseAnswer, ActCaseNote, ActExtensionRequest, ActCaseContribute:
		return unitWorker
	case ActAnswerApprove, ActExtensionApprove:
		return headOnCase
	case ActExtensionApproveBeyond:
		return a.Has(Leadership)
	case ActCaseExtend:
		return Can(a, ActExtensionRequest, c) || Can(a, ActExtensionApprove, c) || Can(a, ActExtensionApproveBeyond, c)
	case ActCaseRegister, ActCaseClassify, ActCaseAssign, ActCalendarManage, ActTopicManage,
		ActCaseProcess, ActCaseDecide, ActReceptionManage:
		return a.Has(Office)
	case ActUnitManage:
		return a.Has(Office, Admin)
	case ActCaseChase, ActCaseReopen:
		// Plan 55 VII: the office chases (đôn đốc), monitors and compiles;
		// leadership directs the same.
		return a.Has(Office, Leadership)
	case ActReportRead:
		return a.Has(Office, Leadership)
	case ActPublicationManage:
		return a.Has(Office)
	case ActAccountManage, ActTokenManage, ActJobManage, ActSettingsManage:
		return a.Has(Admin)
	case ActAuditRead:
		return a.Has(Auditor, Admin)
	case ActAccessLogRead:
		// Who read which denouncer's identity is itself sensitive; only the
		// auditor reads it.
		return a.Has(Auditor)
	}
	return false
}

// CaseFilter is the set of cases a list query may return for an actor. The
// store turns it into a WHERE clause, so a case the actor may not see never
// leaves the database.
type CaseFilter struct {
	// All: every case (office, leadership).
	All bool
	// UnitIDs: the cases where one of these units is lead or coordinating.
	// Empty with All false means no case at all.
	UnitIDs []int64
}

// None says whether the filter matches nothing.
func (f CaseFilter) None() bool { return !f.All && len(f.UnitIDs) == 0 }

// Covers says whether the filter takes in the case c: every case, or one
// that one of its units leads or coordinates. It is the filter's own
// condition (the store's scopeCond) for one case in hand.
func (f CaseFilter) Covers(c CaseScope) bool {
	return f.All || slices.ContainsFunc(f.UnitIDs, c.involves)
}

// ContactScope is the filter of the cases whose petitioner's contact the
// actor may read (Can(ActContactRead)), for searching by name, phone or
// e-mail: the office every case, unit staff their unit's cases, anyone
// else none. A case whose identity is secret is never among them: the
// store keeps no searchable contact for it at all. A test checks it
// agrees with Can.
func ContactScope(a Actor) CaseFilter {
	switch {
	case Can(a, ActContactRead, &CaseScope{}):
		return CaseFilter{All: true}
	case Can(a, ActContactRead, nil):
		return CaseFilter{UnitIDs: []int64{a.UnitID}}
	}
	return CaseFilter{}
}

// ListScope derives the list filter from the same rules as Can(ActCaseRead).
// A test checks the two agree on every role and case shape.
func ListScope(a Actor) CaseFilter {
	switch {
	case !a.Authenticated():
		return CaseFilter{}
	case a.Has(Office, Leadership):
		return CaseFilter{All: true}
	case a.Has(UnitOfficer, UnitHead) && a.UnitID != 0:
		return CaseFilter{UnitIDs: []int64{a.UnitID}}
	}
	return CaseFilter{}
}
