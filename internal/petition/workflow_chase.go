package petition

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/phucdap/phucdap/internal/fault"
)

// MaxRequestKey bounds a request's idempotency key (the API's
// Idempotency-Key, the form's one-time token).
const MaxRequestKey = 200

// ChaseInput chases a unit on a case (đôn đốc): the office's role under
// Plan 55 VII ("Văn phòng Sở đôn đốc, theo dõi, tổng hợp"), and
// leadership's.
type ChaseInput struct {
	// Unit is the code of the unit chased: the lead unit or a coordinating
	// one; "" is the lead unit.
	Unit string
	// Note is optional. It stays on the internal trail: the notices sent
	// carry only the case's code, status, dates and link.
	Note string
	// Key makes a repeated request (a double-clicked submit, an API retry)
	// a no-op: one chase per key, case and unit.
	Key string
}

// Action implements Input.
func (ChaseInput) Action() Action { return ActChase }

// NewChase is a chase to record, with the notices it sends.
type NewChase struct {
	UnitID int64
	Note   string
	// Notices are the unit's staff's in-app notices and e-mails, written
	// in the change's transaction.
	Notices []Notice
}

// ErrRepeated is the answer to a request already done: the store's, for
// a request key already recorded (Change.RequestKey), or a decision's
// that finds the request changes nothing. Do reports it as done
// (Result.Repeated), with nothing written.
var ErrRepeated = errors.New("request already done")

// requestKey sets the change's request key from the caller's key: the key,
// the action and the case, and parts that tell apart what the same form
// may do more than once (a chase's unit). "" takes none.
func (d *decision) requestKey(key string, parts ...int64) *fault.Error {
	key = strings.TrimSpace(key)
	if len(key) > MaxRequestKey {
		return fault.FieldError("key", "petition.too_long", map[string]any{"Max": MaxRequestKey, "Count": len(key)})
	}
	if key == "" {
		return nil
	}
	k := key + ":" + string(d.ch.Action) + ":" + strconv.FormatInt(d.st.ID, 10)
	for _, p := range parts {
		k += ":" + strconv.FormatInt(p, 10)
	}
	d.ch.RequestKey = k
	return nil
}

// ChaseFacts is what the notices of a chase may say: the case's code,
// kind and status, its due time, the unit, and when. Never its title,
// content or petitioner: a denouncer's identity must not reach a mailbox.
type ChaseFacts struct {
	CaseID int64
	Code   string
	Kind   Kind
	Status Status
	UnitID int64
	// UnitCode, UnitVI and UnitEN name the unit chased.
	UnitCode, UnitVI, UnitEN string
	DueAt                    *time.Time
	At                       time.Time
}

// Notice is an in-app notification of one account, with its e-mail when
// Email is set. The store keys it in the alert ledger by the chase it is
// written with, its kind, recipient and Key.
type Notice struct {
	Kind      string
	CaseID    int64
	AccountID int64
	Email     string
	Lang      string
	// Key is the instant that, with the subject, recipient and kind, keys
	// the notice in the ledger; DueAt in Payload is the case's due time.
	Key     time.Time
	Payload []byte
}

// ChaseNotifier plans the notices of a chase (alert.Service): it reads the
// staff before the transaction and returns the pure planner the decision
// calls with the case as loaded in it.
type ChaseNotifier interface {
	ChasePlanner(ctx context.Context) (func(ChaseFacts) []Notice, error)
	// DraftPlanner plans the notices of a draft answer submitted for
	// approval: the lead unit's heads, in-app. The facts are the case's,
	// with the lead unit and the drafting time.
	DraftPlanner(ctx context.Context) (func(ChaseFacts) []Notice, error)
}

func (in ChaseInput) decide(d *decision) error {
	st := d.st
	var e errs
	note, fe := checkText("note", in.Note, 0, MaxNote)
	e.add(fe)
	if len(strings.TrimSpace(in.Key)) > MaxRequestKey {
		e.add(d.requestKey(in.Key))
	}
	unit := st.LeadUnitID
	if code := strings.TrimSpace(in.Unit); code != "" {
		u, ok := d.units.byCode[code]
		if !ok || (u.ID != st.LeadUnitID && !st.IsCoordinating(u.ID)) {
			e.add(fault.FieldError("unit", "workflow.chase_unit", nil))
		} else {
			unit = u.ID
		}
	}
	if err := e.err(); err != nil {
		return err
	}
	if unit == 0 {
		return fault.FieldError("unit", "workflow.chase_unit", nil)
	}
	ch := &NewChase{UnitID: unit, Note: note}
	_ = d.requestKey(in.Key, unit)
	if d.chasePlan != nil {
		u := d.units.byID[unit]
		facts := ChaseFacts{CaseID: st.ID, Code: st.Code, Kind: st.Kind, Status: st.Status, UnitID: unit, UnitCode: u.Code,
			UnitVI: u.Name, UnitEN: u.NameEN, At: d.now}
		if mc := st.MainClock(); mc != nil && mc.DueAt != nil {
			due := *mc.DueAt
			facts.DueAt = &due
		}
		ch.Notices = d.chasePlan(facts)
	}
	d.ch.Chase = ch
	ev := d.event(EventChased, false, note)
	ev.UnitID = unit
	d.ch.Audit["unit_id"] = unit
	d.ch.Audit["notified"] = len(ch.Notices)
	if note != "" {
		d.ch.Audit["note"] = note
	}
	return nil
}
