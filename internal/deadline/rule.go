package deadline

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/fault"
)

// Unit is what a limit counts.
type Unit string

// The law writes "ngày" for calendar days and "ngày làm việc" for working
// days; each rule stores which.
const (
	CalendarDays Unit = "calendar_days"
	WorkingDays  Unit = "working_days"
)

func (u Unit) valid() bool { return u == CalendarDays || u == WorkingDays }

// StartEvent is the event a period is counted from.
type StartEvent string

const (
	StartReceipt    StartEvent = "receipt"    // the letter or visit was received
	StartAcceptance StartEvent = "acceptance" // the case was accepted (thụ lý)
	// StartDecision: the complainant received or learned of the contested
	// decision or act (first complaint), or of the first-round decision, or
	// the first-round period ran out (second complaint). It starts the
	// filing window (thời hiệu), checked when a complaint is classified.
	StartDecision StartEvent = "decision"
	// The agency's own decisions that open a duty: the written acceptance
	// decision (a denunciation's parties are notified from it), a
	// suspension decision (sent from it), a denunciation's conclusion
	// (published from it).
	StartAcceptDecision StartEvent = "accept_decision"
	StartSuspension     StartEvent = "suspension"
	StartConclusion     StartEvent = "conclusion"
	// StartReportRequest: a superior asked the resolver for a report on
	// an overdue denunciation (the resolver reports from it).
	StartReportRequest StartEvent = "report_request"
	// StartResolved: the case was resolved (its answer or decision
	// issued); a body that forwarded it is told the result from then.
	StartResolved StartEvent = "resolved"
	// StartRefusal: the decision refusing to receive a visitor at the
	// citizen reception office.
	StartRefusal StartEvent = "refusal"
	// StartDialogue: the date of a scheduled dialogue with the
	// complainant. The notice of it is owed before it (Rule.Before).
	StartDialogue StartEvent = "dialogue"
)

// Complexity is the written classification of a case (NĐ 124/2020 Art. 3a
// as added by NĐ 155/2026; NĐ 31/2019 Art. 3). The empty value means None.
type Complexity string

const (
	ComplexityNone    Complexity = "none"
	Complex           Complexity = "complex"
	EspeciallyComplex Complexity = "especially" // tố cáo only: ≥ 2 criteria
)

func (c Complexity) valid() bool {
	return c == "" || c == ComplexityNone || c == Complex || c == EspeciallyComplex
}

func (c Complexity) complex() bool { return c == Complex || c == EspeciallyComplex }

// Kind is the kind of case a rule belongs to.
type Kind string

const (
	KindLetter       Kind = "letter"       // đơn thư, before classification
	KindPAKN         Kind = "pakn"         // phản ánh, kiến nghị
	KindComplaint    Kind = "complaint"    // khiếu nại
	KindDenunciation Kind = "denunciation" // tố cáo
	KindReception    Kind = "reception"    // tiếp công dân
)

// Step is the step of the case a rule times.
type Step string

const (
	StepProcess Step = "process" // xử lý đơn: classify, then accept, forward or guide
	StepForward Step = "forward" // chuyển đơn to the competent body
	StepAnswer  Step = "answer"  // trả lời
	StepAccept  Step = "accept"  // thụ lý
	StepResolve Step = "resolve" // giải quyết
	StepInitial Step = "initial" // xử lý ban đầu (tố cáo)
	StepFile    Step = "file"    // thời hiệu: the complainant's window to file
	// Duties: statutory acts owed besides the answer, each timed by its
	// own clock (caseclock.Duty).
	StepNotify       Step = "notify"          // thông báo cho các bên (tố cáo đã thụ lý)
	StepSendDecision Step = "send_decision"   // gửi quyết định tạm đình chỉ
	StepPublish      Step = "publish"         // công khai kết luận nội dung tố cáo
	StepReport       Step = "report"          // báo cáo cấp trên (tố cáo quá hạn)
	StepReportBack   Step = "report_back"     // báo cáo kết quả cho cơ quan dân cử đã chuyển đơn
	StepRefusalNote  Step = "refusal_notice"  // thông báo từ chối tiếp công dân (Mẫu 01/TCD)
	StepDialogueNote Step = "dialogue_notice" // thông báo tổ chức đối thoại (khiếu nại)
)

// Rule IDs shipped by DefaultRules.
const (
	LetterProcess       = "letter.process"
	PAKNForward         = "pakn.forward"
	PAKNAnswer          = "pakn.answer"
	ComplaintAccept     = "complaint.accept"
	ComplaintResolve    = "complaint.resolve"
	ComplaintFiling     = "complaint.filing"
	DenunciationInitial = "denunciation.initial"
	DenunciationForward = "denunciation.forward"
	DenunciationResolve = "denunciation.resolve"
	ReceptionAnswer     = "reception.answer"
	// A complaint against a disciplinary decision on an official (Luật
	// Khiếu nại Chapter IV) runs on its own limits, chosen when the office
	// classifies the complaint as such.
	DisciplineAccept  = "complaint.discipline.accept"
	DisciplineResolve = "complaint.discipline.resolve"
	// DisciplineFiling is the disciplinary complaint's own filing window
	// (Art. 48), which replaces Art. 9's 90 days; DismissalFiling is Art.
	// 48's for a dismissal (buộc thôi việc), whose second round has 30.
	DisciplineFiling = "complaint.discipline.filing"
	DismissalFiling  = "complaint.discipline.dismissal_filing"
	// Duties.
	DenunciationNotify  = "denunciation.notify"
	SuspensionSend      = "complaint.suspension_send"
	DenunciationPublish = "denunciation.publish"
	DenunciationReport  = "denunciation.superior_report"
	ElectedReportBack   = "reception.elected_report_back"
	ReceptionRefusal    = "reception.refusal_notice"
	DialogueNotice      = "complaint.dialogue_notice"
)

// MaxLimit bounds every limit and override (ten years of days). It keeps a
// mistyped admin value from turning one computation into a long loop.
const MaxLimit = 3650

// Rule is one statutory (or configured) time limit, in force from
// EffectiveFrom. Several versions of the same ID may exist, one per period.
//
// The variant limits mirror the two tables of the Luật Khiếu nại (Art. 28
// and 37): normal or remote area (vùng sâu, vùng xa) by normal or complex
// case, for the first and second round. A zero variant falls back: a
// remote-complex case to the larger of the remote and complex limits, a
// remote or complex case to the round's Limit, and a second round with no
// Round2Limit to the first round's limits.
type Rule struct {
	ID    string     `json:"id"`
	Kind  Kind       `json:"kind"`
	Step  Step       `json:"step"`
	Limit int        `json:"limit"`
	Unit  Unit       `json:"unit"`
	Start StartEvent `json:"start"`

	ComplexLimit       int `json:"complex_limit,omitempty"`
	RemoteLimit        int `json:"remote_limit,omitempty"`
	RemoteComplexLimit int `json:"remote_complex_limit,omitempty"`

	Round2Limit              int `json:"round2_limit,omitempty"`
	Round2ComplexLimit       int `json:"round2_complex_limit,omitempty"`
	Round2RemoteLimit        int `json:"round2_remote_limit,omitempty"`
	Round2RemoteComplexLimit int `json:"round2_remote_complex_limit,omitempty"`

	// Extension caps by complexity. The Luật Tố cáo allows none for a
	// normal case, one for a complex case and two for an especially
	// complex one (Art. 30), each of at most ExtensionLimit.
	MaxExtensions           int  `json:"max_extensions,omitempty"`
	ComplexMaxExtensions    int  `json:"complex_max_extensions,omitempty"`
	EspeciallyMaxExtensions int  `json:"especially_max_extensions,omitempty"`
	ExtensionLimit          int  `json:"extension_limit,omitempty"`
	ExtensionUnit           Unit `json:"extension_unit,omitempty"` // must equal Unit; kept explicit so stored rules read on their own

	// Before: the act is owed at least Limit units before the start event,
	// a period counted backwards (the notice of a dialogue, sent at least
	// 5 days before it: NĐ 124/2020 Art. 28(1) as amended by NĐ 155/2026
	// Art. 11). The event day itself is not counted, as a forward count
	// does not count the day of its event (Civil Code Art. 147(2)); the
	// last day is the Limit-th day before the event, and when it is not a
	// working day the period ends on the working day before it, never
	// after, so that the notice is never shorter than the law's minimum.
	// A backward period has no extensions and no suspensions.
	Before bool `json:"before,omitempty"`

	// PauseRestarts: after a suspension, the full limit counts again from
	// the resume decision (Luật Khiếu nại Art. 11a as added by Luật
	// 136/2025/QH15; NĐ 124/2020 Art. 28b as added by NĐ 155/2026 Art. 12).
	// Otherwise the paused days are simply not counted.
	PauseRestarts bool `json:"pause_restarts,omitempty"`
	// PauseRestartsFrom limits PauseRestarts to suspensions decided on or
	// after it; an earlier suspension only stops the clock. For
	// complaint.resolve it is 01/07/2026 whatever the acceptance date: NĐ
	// 155/2026 Art. 22(1) applies the new suspension rules to cases
	// accepted before that day and not yet decided. Zero means always.
	PauseRestartsFrom calendar.Date `json:"pause_restarts_from,omitzero"`
	// PauseBasis cites the restart rule in explanations.
	PauseBasis   string `json:"pause_basis,omitempty"`
	PauseBasisEN string `json:"pause_basis_en,omitempty"`

	// VersionBy is the event whose date decides which version of the rule
	// applies to a case. The engine picks the version in force on the date
	// of the clock's start event, so VersionBy is always Start; it is
	// stored, with VersionBasis citing the provision (a transition article,
	// or the article that counts the period from that event), so that each
	// rule says on its own why a case falls under it.
	VersionBy      StartEvent `json:"version_by,omitempty"`
	VersionBasis   string     `json:"version_basis,omitempty"`
	VersionBasisEN string     `json:"version_basis_en,omitempty"`

	EffectiveFrom calendar.Date `json:"effective_from"`
	// EffectiveTo is the first day the rule is no longer in force
	// (exclusive); the zero Date means until a later version replaces it.
	// A value, not a pointer, so a Rule handed out never aliases the
	// Engine's copy.
	EffectiveTo calendar.Date `json:"effective_to,omitzero"`

	LegalBasis   string `json:"legal_basis"`    // "Luật Khiếu nại 2011, Điều 28"
	LegalBasisEN string `json:"legal_basis_en"` // "Law on Complaints 2011, Art. 28"
	// Round2LegalBasis cites the second-round article where it differs.
	Round2LegalBasis   string `json:"round2_legal_basis,omitempty"`
	Round2LegalBasisEN string `json:"round2_legal_basis_en,omitempty"`

	// Confidence in the source: "A" read in the official text, "B" a
	// reputable secondary source, "C" weak, "?" unconfirmed (see the
	// project's reference/legal-deadlines.md).
	Confidence string `json:"confidence"`
	// Configurable rules may be overridden per scope by an admin; the
	// statutory ones may not, so the KPI always measures against the law.
	Configurable bool `json:"configurable"`
}

// LimitFor returns the limit of the variant for round (1 or 2), complexity
// and area, before overrides and extensions. The engine refuses
// EspeciallyComplex for complaints (the complaint laws know one level);
// here it counts as complex.
func (r Rule) LimitFor(round int, c Complexity, remote bool) int {
	base, cx, rm, rmcx := r.Limit, r.ComplexLimit, r.RemoteLimit, r.RemoteComplexLimit
	if round == 2 && r.Round2Limit > 0 {
		base, cx, rm, rmcx = r.Round2Limit, r.Round2ComplexLimit, r.Round2RemoteLimit, r.Round2RemoteComplexLimit
	}
	isComplex := c.complex()
	switch {
	case isComplex && remote && rmcx > 0:
		return rmcx
	case isComplex && remote:
		return max(base, cx, rm)
	case isComplex && cx > 0:
		return cx
	case remote && rm > 0:
		return rm
	}
	return base
}

// MaxExtensionsFor returns how many extensions the rule allows for c.
func (r Rule) MaxExtensionsFor(c Complexity) int {
	switch c {
	case EspeciallyComplex:
		return r.EspeciallyMaxExtensions
	case Complex:
		return r.ComplexMaxExtensions
	}
	return r.MaxExtensions
}

// RestartsAfter reports whether a suspension decided on d makes the full
// limit count again from the resume decision.
func (r Rule) RestartsAfter(d calendar.Date) bool {
	return r.PauseRestarts && !d.Before(r.PauseRestartsFrom)
}

// VersionEvent returns the event whose date selects r's version.
func (r Rule) VersionEvent() StartEvent {
	if r.VersionBy != "" {
		return r.VersionBy
	}
	return r.Start
}

// SinceAlways is the EffectiveFrom of a version that covers every date the
// engine is asked about: a limit the law did not change.
var SinceAlways = calendar.Date{Year: calendar.MinYear, Month: time.January, Day: 1}

// Always reports whether the version has no start that matters: it runs
// from SinceAlways (or earlier).
func (r Rule) Always() bool { return !SinceAlways.Before(r.EffectiveFrom) }

// InForce reports whether r applies to a case whose start event fell on d.
func (r Rule) InForce(d calendar.Date) bool {
	return !d.Before(r.EffectiveFrom) && (r.EffectiveTo.IsZero() || d.Before(r.EffectiveTo))
}

// LegalBasisFor returns the citation for round, in Vietnamese or English.
func (r Rule) LegalBasisFor(round int, en bool) string {
	switch {
	case round == 2 && en && r.Round2LegalBasisEN != "":
		return r.Round2LegalBasisEN
	case round == 2 && !en && r.Round2LegalBasis != "":
		return r.Round2LegalBasis
	case en:
		return r.LegalBasisEN
	}
	return r.LegalBasis
}

// Validate reports everything wrong with r, joined and wrapped in
// ErrInvalidConfig, inside a *fault.Error whose catalogued message lists the
// fields to correct.
func (r Rule) Validate() error {
	var errs []error
	var fields []string
	bad := func(field, format string, args ...any) {
		if !slices.Contains(fields, field) {
			fields = append(fields, field)
		}
		errs = append(errs, fmt.Errorf(format, args...))
	}
	if r.ID == "" {
		bad("id", "empty ID")
	}
	if r.Limit < 1 || r.Limit > MaxLimit {
		bad("limit", "limit %d out of 1..%d", r.Limit, MaxLimit)
	}
	for _, v := range []int{r.ComplexLimit, r.RemoteLimit, r.RemoteComplexLimit, r.Round2Limit,
		r.Round2ComplexLimit, r.Round2RemoteLimit, r.Round2RemoteComplexLimit, r.ExtensionLimit} {
		if v < 0 || v > MaxLimit {
			bad("limit", "variant or extension limit %d out of 0..%d", v, MaxLimit)
		}
	}
	if !r.Unit.valid() {
		bad("unit", "unit %q", r.Unit)
	}
	caps := []int{r.MaxExtensions, r.ComplexMaxExtensions, r.EspeciallyMaxExtensions}
	if !slices.Contains([]StartEvent{StartReceipt, StartAcceptance, StartDecision, StartAcceptDecision, StartSuspension, StartConclusion, StartReportRequest, StartResolved, StartRefusal, StartDialogue}, r.Start) {
		bad("start", "start event %q", r.Start)
	}
	if r.Before && (r.ExtensionLimit > 0 || r.PauseRestarts || slices.ContainsFunc(caps, func(n int) bool { return n > 0 })) {
		bad("before", "a period counted backwards has no extensions and no suspension restarts")
	}
	if r.VersionBy != "" && r.VersionBy != r.Start {
		bad("version_by", "version_by %q: the version is chosen by the start event %q", r.VersionBy, r.Start)
	}
	if !r.PauseRestartsFrom.IsZero() && !r.PauseRestartsFrom.Valid() {
		bad("pause_restarts_from", "pause_restarts_from %v", r.PauseRestartsFrom)
	}
	for _, n := range caps {
		if n < 0 || n > 10 {
			bad("max_extensions", "extension cap %d out of 0..10", n)
		}
		if n > 0 && r.ExtensionLimit < 1 {
			bad("extension_limit", "extensions allowed but extension limit is %d", r.ExtensionLimit)
		}
	}
	if r.ExtensionUnit != "" && r.ExtensionUnit != r.Unit {
		bad("unit", "extension unit %q differs from unit %q", r.ExtensionUnit, r.Unit)
	}
	if !r.EffectiveFrom.Valid() {
		bad("effective_from", "effective from %v", r.EffectiveFrom)
	}
	if !r.EffectiveTo.IsZero() && (!r.EffectiveTo.Valid() || !r.EffectiveTo.After(r.EffectiveFrom)) {
		bad("effective_to", "effective to %v is not after effective from %v", r.EffectiveTo, r.EffectiveFrom)
	}
	switch r.Confidence {
	case "A", "B", "C", "?":
	default:
		bad("confidence", "confidence %q, want A, B, C or ?", r.Confidence)
	}
	if r.LegalBasis == "" {
		bad("legal_basis", "no legal basis")
	}
	if len(errs) == 0 {
		return nil
	}
	return fault.Newf(fault.Invalid, "deadline.invalid_rule", map[string]any{"Fields": strings.Join(fields, ", ")}).
		Wrap(fmt.Errorf("%w: rule %q from %s: %w", ErrInvalidConfig, r.ID, r.EffectiveFrom, errors.Join(errs...)))
}

// Override replaces the limit of a Configurable rule for one scope, e.g.
// "topic:<id>" or "urgency:urgent", or for every case when Scope is "".
type Override struct {
	RuleID string `json:"rule_id"`
	Scope  string `json:"scope"`
	Limit  int    `json:"limit"`
	Unit   Unit   `json:"unit,omitempty"` // "" keeps the rule's unit
	Reason string `json:"reason"`         // shown in explanations: why this limit
}

// LawChangeDate returns 01/07/2026, when Luật 136/2025/QH15 and NĐ
// 154–156/2026 (the amended complaint, denunciation and citizen-reception
// rules) took effect.
func LawChangeDate() calendar.Date { return calendar.Date{Year: 2026, Month: time.July, Day: 1} }

// DefaultRules returns the limits of the project brief, before and after
// 01/07/2026, read from rules.yaml beside this file, in its order. Where
// the law did not change, one version from 1900 covers both sides. A
// fresh slice is returned each call.
//
// Where the law was unclear:
//   - letter.process: 10 working days is not confirmed from TT 05/2021
//     (confidence "?"): configurable.
//   - pakn.answer: NĐ 20/2008 sets no answer deadline; 10 working days
//     follows Luật Tiếp công dân Art. 28(1) by analogy: configurable.
//   - complaint.accept from 01/07/2026: NĐ 155/2026 sets 7 working days
//     for both rounds; whether the amended law also rewrote Art. 27/36 is
//     unknown, and the decree is the more specific text.
//   - denunciation.initial: the 10-working-day ceiling is modelled as one
//     extension of 3 working days (7 + 3).
//   - denunciation.resolve: suspended time is not counted (Luật Tố cáo
//     2018 Art. 35, from memory, not in the reference file).
//   - Statutory rules other than complaint.resolve do not restart on
//     resume: the paused days are not counted.
func DefaultRules() []Rule {
	rules, err := embeddedRules()
	if err != nil {
		// The file is embedded: a broken one is a defect of the build,
		// which TestDefaultRules reports.
		panic(fmt.Sprintf("deadline: the embedded rules.yaml: %v", err))
	}
	// A Rule holds only values (no slice, map or pointer), so a copy of
	// the slice is a copy of the rules.
	return slices.Clone(rules)
}

// defaultRules is the default rules as data, one entry per version, each
// with the reasoning behind its reading of the law.
//
//go:embed rules.yaml
var defaultRules []byte

// embeddedRules parses rules.yaml once: it does not change in a build,
// and its parse costs a millisecond and a half.
var embeddedRules = sync.OnceValues(func() ([]Rule, error) { return parseRules(defaultRules) })

// ruleKeys are the names a rule is written under in rules.yaml: the JSON
// names of Rule's fields, exactly (encoding/json alone would also take
// "LIMIT" for "limit"), except version_by, which is always the start
// event and so is not written.
var ruleKeys = func() map[string]bool {
	keys := map[string]bool{}
	t := reflect.TypeFor[Rule]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" && name != "version_by" {
			keys[name] = true
		}
	}
	return keys
}()

// parseRules reads rules written in YAML under the JSON names of Rule's
// fields (the form they are stored and served in); a name that is not
// one, in the same case, is an error, and so is version_by. VersionBy is
// set to Start: the version in force on the start event's date applies.
// A date is written quoted ("2026-07-01"); one written bare, which YAML
// reads as a timestamp, is taken as the same date.
func parseRules(b []byte) ([]Rule, error) {
	var doc []map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	for i, m := range doc {
		for k, v := range m {
			if !ruleKeys[k] {
				return nil, fmt.Errorf("rule %d (%v): unknown key %q", i+1, m["id"], k)
			}
			if ts, ok := v.(time.Time); ok {
				if ts.Hour() != 0 || ts.Minute() != 0 || ts.Second() != 0 || ts.Nanosecond() != 0 {
					return nil, fmt.Errorf("rule %d (%v): %s is a date, not a time: %v", i+1, m["id"], k, v)
				}
				m[k] = ts.Format(time.DateOnly)
			}
		}
	}
	j, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.DisallowUnknownFields()
	var rules []Rule
	if err := dec.Decode(&rules); err != nil {
		return nil, err
	}
	for i := range rules {
		rules[i].VersionBy = rules[i].Start
	}
	return rules, nil
}
