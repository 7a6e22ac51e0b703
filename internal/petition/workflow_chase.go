package petition

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/phucdap/phucdap/internal/fault"
)

// MaxChaseKey bounds a chase's idempotency key (the API's Idempotency-Key,
// the form's one-time token).
const MaxChaseKey = 200

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
	// Key is the request's idempotency key for this case and unit ("" for
	// none): the store records it once and refuses a repeat with
	// ErrChaseRepeated, writing nothing.
	Key string
	// Notices are the unit's staff's in-app notices and e-mails, written
	// in the change's transaction.
	Notices []Notice
}

// ErrChaseRepeated is the store's answer to a chase whose key was already
// recorded; Do reports it as done (Result.Repeated).
var ErrChaseRepeated = errors.New("chase already recorded")

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
}

func (in ChaseInput) decide(d *decision) error {
	st := d.st
	var e errs
	note, fe := checkText("note", in.Note, 0, MaxNote)
	e.add(fe)
	key := strings.TrimSpace(in.Key)
	if len(key) > MaxChaseKey {
		e.add(fault.FieldError("key", "petition.too_long", map[string]any{"Max": MaxChaseKey, "Count": len(key)}))
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
	if key != "" {
		ch.Key = key + ":" + strconv.FormatInt(st.ID, 10) + ":" + strconv.FormatInt(unit, 10)
	}
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
