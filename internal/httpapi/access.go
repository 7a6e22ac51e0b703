package httpapi

import (
	"context"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/access/accesshttp"
	"github.com/phucdap/phucdap/internal/fault"
)

// public marks an operation anyone may call.
const public access.Action = ""

// operationAccess is the route-level rule of every API operation: public,
// or the permission the caller needs on some case (handlers ask again with
// the case). An operation missing here is refused with a 500 that names it,
// so a new endpoint cannot ship unguarded by accident; the authorization
// matrix test in cmd/phucdap fails too.
var operationAccess = map[string]access.Action{
	"ListPlans": public,
	"GetPlan":   public,
	"ListUnits": public,

	// The working-day calendar and the deadline rules are public facts;
	// changing the calendar is the office's.
	"GetCalendarYear":   public,
	"ExplainDeadline":   public,
	"ListDeadlineRules": public,
	"PutCalendarYear":   access.ActCalendarManage,
	// Overrides shape every citizen's due time: public to read, the
	// admin's to change.
	"ListDeadlineOverrides":  public,
	"PutDeadlineOverride":    access.ActSettingsManage,
	"DeleteDeadlineOverride": access.ActSettingsManage,
	// A new rule version changes statutory limits: the admin's, audited.
	"AddDeadlineRuleVersion": access.ActSettingsManage,

	// Citizen intake: no account; tracking is guarded by the
	// case's secret and a rate limit instead.
	"ListTopics":      public,
	"SubmitPetition":  public,
	"TrackPetition":   public,
	"RatePetition":    public,
	"DisputePetition": public,
	"GetPetitionFile": public, // the secret is checked by the service
	// The office edits the topics citizens choose from.
	"ListAdminTopics": access.ActTopicManage,
	"UpdateTopic":     access.ActTopicManage,
	// The office and admins keep the unit directory.
	"ListAdminUnits": access.ActUnitManage,
	"AddUnit":        access.ActUnitManage,
	"UpdateUnit":     access.ActUnitManage,
	"MergeUnit":      access.ActUnitManage,
	"RetireUnit":     access.ActUnitManage,
	"RestoreUnit":    access.ActUnitManage,
	"ImportUnits":    access.ActUnitManage,

	"GetMe":              access.ActSelf,
	"ListAudit":          access.ActAuditRead,
	"ListIdentityAccess": access.ActAccessLogRead,
	"ListStaffCases":     access.ActInboxRead,
	"GetStaffCase":       access.ActCaseRead,
	"GetCaseAttachment":  access.ActCaseRead,
	"RevealIdentity":     access.ActIdentityRead,

	// The case workflow. Each action's rule is the permission
	// of its row in petition.Machine (a test checks they agree); the
	// workflow asks again with the case, its state and the actor's unit.
	"ListCases":       access.ActInboxRead,
	"GetCase":         access.ActCaseRead,
	"RegisterCase":    access.ActCaseRegister,
	"ClassifyCase":    access.ActCaseClassify,
	"AcceptCase":      access.ActCaseProcess,
	"ForwardCase":     access.ActCaseProcess,
	"GuideCase":       access.ActCaseProcess,
	"RejectCase":      access.ActCaseProcess,
	"FileCase":        access.ActCaseProcess,
	"AssignCase":      access.ActCaseAssign,
	"AnswerCase":      access.ActCaseAnswer,
	"ApproveAnswer":   access.ActAnswerApprove,
	"ContributeCase":  access.ActCaseContribute,
	"ExtendCase":      access.ActCaseExtend,
	"SuspendCase":     access.ActCaseDecide,
	"ResumeCase":      access.ActCaseDecide,
	"WithdrawCase":    access.ActCaseDecide,
	"TerminateCase":   access.ActCaseDecide,
	"CloseCase":       access.ActCaseDecide,
	"ChaseCase":       access.ActCaseChase,
	"StaffReopenCase": access.ActCaseReopen,
	"SplitCase":       access.ActCaseRegister,
	// Duties done: the office's, as the decisions that owe them.
	"NotifyParties":       access.ActCaseDecide,
	"SuspensionSent":      access.ActCaseDecide,
	"ConclusionPublished": access.ActCaseDecide,
	"ReportRequested":     access.ActCaseDecide,
	"ReportSent":          access.ActCaseDecide,
	"ReportedBack":        access.ActCaseDecide,
	"RefusalNoticeSent":   access.ActCaseDecide,
	"RefuseReception":     access.ActCaseProcess,
	"ScheduleDialogue":    access.ActCaseDecide,
	"DialogueNoticeSent":  access.ActCaseDecide,
	"RecordDialogue":      access.ActCaseDecide,

	// Scheduled work and alerts: everyone's own inbox; the jobs
	// are the admin's.
	"ListAlerts":     access.ActSelf,
	"MarkAlertsRead": access.ActSelf,
	"ListJobs":       access.ActJobManage,
	"RunJob":         access.ActJobManage,

	// The reception schedule is published; the office keeps it.
	"ListReceptionDays":       public,
	"ListReceptionSchedules":  access.ActReceptionManage,
	"GetReceptionSchedule":    access.ActReceptionManage,
	"AddReceptionSchedule":    access.ActReceptionManage,
	"UpdateReceptionSchedule": access.ActReceptionManage,
	"ChangeReceptionDay":      access.ActReceptionManage,

	// KPIs: the report is office's and leadership's; the open
	// data is public (counts only).
	"GetOnTimeReport":   access.ActReportRead,
	"GetPublicStats":    public,
	"GetPublicStatsCsv": public,
}

// OperationAccess returns the rule of an operation, for tests and docs.
func OperationAccess(op string) (access.Action, bool) {
	a, ok := operationAccess[op]
	return a, ok
}

// authorize is the strict-server middleware that applies operationAccess.
func authorize(f StrictHandlerFunc, operationID string) StrictHandlerFunc {
	act, ok := operationAccess[operationID]
	return func(c echo.Context, request any) (any, error) {
		if !ok {
			return nil, fault.New(fault.Internal, "error.internal").
				WithDetail("API operation %s has no entry in httpapi.operationAccess", operationID)
		}
		if act != public {
			if err := accesshttp.Check(c, act); err != nil {
				return nil, err
			}
		}
		return f(c, request)
	}
}

func actor(ctx context.Context) access.Actor { return access.ActorFrom(ctx) }

// cacheable are the operations whose answers are public facts with no case
// and no person in them; every other answer (a case, an identity, an
// account, an audit row, a tracking view, and every error) is sent with
// Cache-Control: no-store, so no browser or proxy keeps a copy.
var cacheable = map[string]bool{
	"ListPlans": true, "GetPlan": true, "ListUnits": true, "ListTopics": true,
	"GetCalendarYear": true, "ExplainDeadline": true, "ListDeadlineRules": true, "ListDeadlineOverrides": true,
	"GetPublicStats": true, "GetPublicStatsCsv": true,
}

// noStore is the strict-server middleware that applies cacheable.
func noStore(f StrictHandlerFunc, operationID string) StrictHandlerFunc {
	if cacheable[operationID] {
		return f
	}
	return func(c echo.Context, request any) (any, error) {
		c.Response().Header().Set("Cache-Control", "no-store")
		return f(c, request)
	}
}
