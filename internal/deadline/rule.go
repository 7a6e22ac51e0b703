package deadline

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

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
// 01/07/2026. Where the law did not change, one version from 1900 covers
// both sides. A fresh slice is returned each call.
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
	past := SinceAlways
	lawChange := LawChangeDate()
	return []Rule{
		{
			ID: LetterProcess, Kind: KindLetter, Step: StepProcess,
			Limit: 10, Unit: WorkingDays, Start: StartReceipt, EffectiveFrom: past,
			LegalBasis:   "Quy định của cơ quan về thời hạn xử lý đơn theo quy trình tại Thông tư 05/2021/TT-TTCP",
			LegalBasisEN: "Agency rule on the time to process a letter under the procedure of Circular 05/2021/TT-TTCP",
			Confidence:   "?", Configurable: true,
			VersionBy:      StartReceipt,
			VersionBasis:   "ngày nhận đơn (Thông tư 05/2021/TT-TTCP; một phiên bản, không có quy định chuyển tiếp)",
			VersionBasisEN: "the date the letter was received (Circular 05/2021/TT-TTCP; one version, no transition provision)",
		},
		{
			ID: PAKNForward, Kind: KindPAKN, Step: StepForward,
			Limit: 5, Unit: WorkingDays, Start: StartReceipt, EffectiveFrom: past,
			LegalBasis:     "Nghị định 20/2008/NĐ-CP, Điều 9",
			LegalBasisEN:   "Decree 20/2008/ND-CP, Art. 9",
			Confidence:     "A",
			VersionBy:      StartReceipt,
			VersionBasis:   "ngày nhận phản ánh, kiến nghị (Nghị định 20/2008/NĐ-CP, Điều 9)",
			VersionBasisEN: "the date the feedback was received (Decree 20/2008/ND-CP, Art. 9)",
		},
		{
			ID: PAKNAnswer, Kind: KindPAKN, Step: StepAnswer,
			Limit: 10, Unit: WorkingDays, Start: StartReceipt, EffectiveFrom: past,
			LegalBasis:   "Quy định của cơ quan (Nghị định 20/2008/NĐ-CP không quy định thời hạn trả lời; tham chiếu Luật Tiếp công dân 2013, Điều 28(1))",
			LegalBasisEN: "Agency policy (Decree 20/2008/ND-CP sets no answer deadline; by analogy with the Law on Citizen Reception 2013, Art. 28(1))",
			Confidence:   "?", Configurable: true,
			VersionBy:      StartReceipt,
			VersionBasis:   "ngày nhận phản ánh, kiến nghị (Nghị định 20/2008/NĐ-CP, Điều 9)",
			VersionBasisEN: "the date the feedback was received (Decree 20/2008/ND-CP, Art. 9)",
		},
		{
			ID: ComplaintAccept, Kind: KindComplaint, Step: StepAccept,
			Limit: 10, Unit: CalendarDays, Start: StartReceipt,
			EffectiveFrom: past, EffectiveTo: lawChange,
			LegalBasis:         "Luật Khiếu nại 2011, Điều 27",
			LegalBasisEN:       "Law on Complaints 2011, Art. 27",
			Round2LegalBasis:   "Luật Khiếu nại 2011, Điều 36(1)",
			Round2LegalBasisEN: "Law on Complaints 2011, Art. 36(1)",
			Confidence:         "A",
			VersionBy:          StartReceipt,
			VersionBasis:       "Nghị định 155/2026/NĐ-CP, Điều 21(1): thời hạn mới áp dụng cho khiếu nại nhận từ ngày 01/07/2026; Điều 22 không có quy định chuyển tiếp về thụ lý",
			VersionBasisEN:     "Decree 155/2026/ND-CP, Art. 21(1): the new limit applies to complaints received from 01/07/2026; Art. 22 has no transition for acceptance",
		},
		{
			ID: ComplaintAccept, Kind: KindComplaint, Step: StepAccept,
			Limit: 7, Unit: WorkingDays, Start: StartReceipt, EffectiveFrom: lawChange,
			LegalBasis:     "Nghị định 155/2026/NĐ-CP, Điều 10 (sửa đổi Điều 16(1) Nghị định 124/2020/NĐ-CP)",
			LegalBasisEN:   "Decree 155/2026/ND-CP, Art. 10 (amending Art. 16(1) of Decree 124/2020/ND-CP)",
			Confidence:     "A",
			VersionBy:      StartReceipt,
			VersionBasis:   "ngày nhận khiếu nại (Nghị định 124/2020/NĐ-CP, Điều 16(1) sửa đổi bởi Nghị định 155/2026/NĐ-CP, Điều 10: \"kể từ ngày nhận được khiếu nại\"; hiệu lực từ 01/07/2026 theo Điều 21(1))",
			VersionBasisEN: "the date the complaint was received (Decree 124/2020/ND-CP, Art. 16(1) as amended by Decree 155/2026/ND-CP, Art. 10: \"from the date the complaint is received\"; in force from 01/07/2026 under Art. 21(1))",
		},
		{
			ID: ComplaintResolve, Kind: KindComplaint, Step: StepResolve,
			Limit: 30, ComplexLimit: 45, RemoteLimit: 45, RemoteComplexLimit: 60,
			Round2Limit: 45, Round2ComplexLimit: 60, Round2RemoteLimit: 60, Round2RemoteComplexLimit: 70,
			Unit: CalendarDays, Start: StartAcceptance, PauseRestarts: true, EffectiveFrom: past,
			LegalBasis:         "Luật Khiếu nại 2011, Điều 28",
			LegalBasisEN:       "Law on Complaints 2011, Art. 28",
			Round2LegalBasis:   "Luật Khiếu nại 2011, Điều 37",
			Round2LegalBasisEN: "Law on Complaints 2011, Art. 37",
			Confidence:         "A",
			PauseRestartsFrom:  lawChange,
			PauseBasis:         "Luật Khiếu nại 2011, Điều 11a (bổ sung bởi Luật 136/2025/QH15); Nghị định 124/2020/NĐ-CP, Điều 28b (bổ sung bởi Nghị định 155/2026/NĐ-CP, Điều 12)",
			PauseBasisEN:       "Law on Complaints 2011, Art. 11a (added by Law 136/2025/QH15); Decree 124/2020/ND-CP, Art. 28b (added by Decree 155/2026/ND-CP, Art. 12)",
			VersionBy:          StartAcceptance,
			VersionBasis:       "ngày thụ lý (Luật Khiếu nại 2011, Điều 28 và 37: thời hạn tính từ ngày thụ lý); riêng việc tạm đình chỉ theo ngày ra quyết định tạm đình chỉ: vụ việc đã thụ lý trước ngày 01/07/2026 mà chưa có quyết định giải quyết cũng áp dụng quy định mới (Nghị định 155/2026/NĐ-CP, Điều 22(1))",
			VersionBasisEN:     "the date of acceptance (Law on Complaints 2011, Art. 28 and 37: the period runs from acceptance); suspensions follow the date of the suspension decision: cases accepted before 01/07/2026 and not yet decided also fall under the new rules (Decree 155/2026/ND-CP, Art. 22(1))",
		},
		{
			// Thời hiệu: the window in which a complaint may be filed. Not a
			// clock of the agency's: classification checks the receipt
			// against it, and a complaint out of time is not eligible (Luật
			// Khiếu nại Art. 11(3)). Time lost to illness, disaster, travel
			// and the like is not counted (Art. 9): the office enters the
			// date the obstacle ended as the start.
			ID: ComplaintFiling, Kind: KindComplaint, Step: StepFile,
			Limit: 90, Round2Limit: 30, Round2RemoteLimit: 45,
			Unit: CalendarDays, Start: StartDecision, EffectiveFrom: past,
			LegalBasis:         "Luật Khiếu nại 2011, Điều 9",
			LegalBasisEN:       "Law on Complaints 2011, Art. 9",
			Round2LegalBasis:   "Luật Khiếu nại 2011, Điều 33",
			Round2LegalBasisEN: "Law on Complaints 2011, Art. 33",
			Confidence:         "A",
			VersionBy:          StartDecision,
			VersionBasis:       "ngày nhận được hoặc biết được quyết định, hành vi bị khiếu nại (Luật Khiếu nại 2011, Điều 9 và 33; một phiên bản)",
			VersionBasisEN:     "the date the contested decision or act was received or learned of (Law on Complaints 2011, Art. 9 and 33; one version)",
		},
		{
			// Luật Khiếu nại Art. 48: a complaint against a disciplinary
			// decision is filed within 15 days of receiving the decision;
			// the second within 10 days of receiving the first-round
			// decision (30 for a dismissal: DismissalFiling). No longer
			// period for remote areas. Luật 136/2025 is not known to have
			// changed it (its text was not found).
			ID: DisciplineFiling, Kind: KindComplaint, Step: StepFile,
			Limit: 15, Round2Limit: 10,
			Unit: CalendarDays, Start: StartDecision, EffectiveFrom: past,
			LegalBasis:     "Luật Khiếu nại 2011, Điều 48",
			LegalBasisEN:   "Law on Complaints 2011, Art. 48",
			Confidence:     "A",
			VersionBy:      StartDecision,
			VersionBasis:   "ngày cán bộ, công chức nhận được quyết định kỷ luật hoặc quyết định giải quyết khiếu nại lần đầu (Luật Khiếu nại 2011, Điều 48; một phiên bản)",
			VersionBasisEN: "the date the official received the disciplinary decision or the first-round decision (Law on Complaints 2011, Art. 48; one version)",
		},
		{
			ID: DismissalFiling, Kind: KindComplaint, Step: StepFile,
			Limit: 15, Round2Limit: 30,
			Unit: CalendarDays, Start: StartDecision, EffectiveFrom: past,
			LegalBasis:     "Luật Khiếu nại 2011, Điều 48 (kỷ luật buộc thôi việc)",
			LegalBasisEN:   "Law on Complaints 2011, Art. 48 (dismissal)",
			Confidence:     "A",
			VersionBy:      StartDecision,
			VersionBasis:   "ngày cán bộ, công chức nhận được quyết định kỷ luật buộc thôi việc hoặc quyết định giải quyết khiếu nại lần đầu (Luật Khiếu nại 2011, Điều 48; một phiên bản)",
			VersionBasisEN: "the date the official received the dismissal decision or the first-round decision (Law on Complaints 2011, Art. 48; one version)",
		},
		{
			// Luật Khiếu nại Art. 50 sets the disciplinary complaint's own
			// acceptance time, for both rounds, in calendar days from
			// receipt: 10 days, until 01/07/2026.
			ID: DisciplineAccept, Kind: KindComplaint, Step: StepAccept,
			Limit: 10, Unit: CalendarDays, Start: StartReceipt, EffectiveFrom: past, EffectiveTo: lawChange,
			LegalBasis:     "Luật Khiếu nại 2011, Điều 50",
			LegalBasisEN:   "Law on Complaints 2011, Art. 50",
			Confidence:     "A",
			VersionBy:      StartReceipt,
			VersionBasis:   "ngày nhận đơn khiếu nại quyết định kỷ luật (Nghị định 155/2026/NĐ-CP, Điều 21(1): thời hạn mới áp dụng cho khiếu nại nhận từ ngày 01/07/2026)",
			VersionBasisEN: "the date the complaint against the disciplinary decision was received (Decree 155/2026/ND-CP, Art. 21(1): the new limit applies to complaints received from 1 July 2026)",
		},
		{
			// NĐ 124/2020 Art. 16(1) as amended by NĐ 155/2026 Art. 10 names
			// the disciplinary decision on an official among what is
			// accepted within 07 working days of receipt, first or second
			// round ("khiếu nại quyết định hành chính, hành vi hành chính,
			// quyết định kỷ luật cán bộ, công chức"), as the general
			// complaint.accept from the same day.
			ID: DisciplineAccept, Kind: KindComplaint, Step: StepAccept,
			Limit: 7, Unit: WorkingDays, Start: StartReceipt, EffectiveFrom: lawChange,
			LegalBasis:     "Nghị định 155/2026/NĐ-CP, Điều 10 (sửa đổi Điều 16(1) Nghị định 124/2020/NĐ-CP: khiếu nại quyết định kỷ luật cán bộ, công chức)",
			LegalBasisEN:   "Decree 155/2026/ND-CP, Art. 10 (amending Art. 16(1) of Decree 124/2020/ND-CP: complaints against disciplinary decisions on officials)",
			Confidence:     "A",
			VersionBy:      StartReceipt,
			VersionBasis:   "ngày nhận khiếu nại quyết định kỷ luật (Nghị định 124/2020/NĐ-CP, Điều 16(1) sửa đổi bởi Nghị định 155/2026/NĐ-CP, Điều 10; hiệu lực từ 01/07/2026 theo Điều 21(1))",
			VersionBasisEN: "the date the complaint against the disciplinary decision was received (Decree 124/2020/ND-CP, Art. 16(1) as amended by Decree 155/2026/ND-CP, Art. 10; in force from 1 July 2026 under Art. 21(1))",
		},
		{
			// Art. 50 sets one period for both rounds ("Thời hạn thụ lý và
			// giải quyết khiếu nại lần đầu, lần hai như sau"): 30 days, 45 if
			// complex; no longer period for remote areas. (An earlier
			// version gave the second round 45/60, Art. 37's general limits,
			// which Art. 50 does not say.)
			ID: DisciplineResolve, Kind: KindComplaint, Step: StepResolve,
			Limit: 30, ComplexLimit: 45,
			Unit: CalendarDays, Start: StartAcceptance, PauseRestarts: true, EffectiveFrom: past,
			LegalBasis:        "Luật Khiếu nại 2011, Điều 50",
			LegalBasisEN:      "Law on Complaints 2011, Art. 50",
			Confidence:        "A",
			PauseRestartsFrom: lawChange,
			PauseBasis:        "Luật Khiếu nại 2011, Điều 11a (bổ sung bởi Luật 136/2025/QH15); Nghị định 124/2020/NĐ-CP, Điều 28b (bổ sung bởi Nghị định 155/2026/NĐ-CP, Điều 12)",
			PauseBasisEN:      "Law on Complaints 2011, Art. 11a (added by Law 136/2025/QH15); Decree 124/2020/ND-CP, Art. 28b (added by Decree 155/2026/ND-CP, Art. 12)",
			VersionBy:         StartAcceptance,
			VersionBasis:      "ngày thụ lý (Luật Khiếu nại 2011, Điều 50: thời hạn giải quyết tính từ ngày thụ lý; một phiên bản)",
			VersionBasisEN:    "the date of acceptance (Law on Complaints 2011, Art. 50: the period runs from acceptance; one version)",
		},
		{
			ID: DenunciationInitial, Kind: KindDenunciation, Step: StepInitial,
			Limit: 7, Unit: WorkingDays, Start: StartReceipt, EffectiveFrom: past,
			MaxExtensions: 1, ComplexMaxExtensions: 1, EspeciallyMaxExtensions: 1,
			ExtensionLimit: 3, ExtensionUnit: WorkingDays,
			LegalBasis:     "Luật Tố cáo 2018, Điều 24(1)",
			LegalBasisEN:   "Law on Denunciations 2018, Art. 24(1)",
			Confidence:     "A",
			VersionBy:      StartReceipt,
			VersionBasis:   "ngày nhận tố cáo (Luật Tố cáo 2018, Điều 24(1))",
			VersionBasisEN: "the date the denunciation was received (Law on Denunciations 2018, Art. 24(1))",
		},
		{
			ID: DenunciationForward, Kind: KindDenunciation, Step: StepForward,
			Limit: 5, Unit: WorkingDays, Start: StartReceipt, EffectiveFrom: past,
			LegalBasis:     "Luật Tố cáo 2018, Điều 24(2)",
			LegalBasisEN:   "Law on Denunciations 2018, Art. 24(2)",
			Confidence:     "A",
			VersionBy:      StartReceipt,
			VersionBasis:   "ngày nhận tố cáo (Luật Tố cáo 2018, Điều 24(2))",
			VersionBasisEN: "the date the denunciation was received (Law on Denunciations 2018, Art. 24(2))",
		},
		{
			ID: DenunciationResolve, Kind: KindDenunciation, Step: StepResolve,
			Limit: 30, Unit: CalendarDays, Start: StartAcceptance, EffectiveFrom: past,
			ComplexMaxExtensions: 1, EspeciallyMaxExtensions: 2,
			ExtensionLimit: 30, ExtensionUnit: CalendarDays,
			LegalBasis:     "Luật Tố cáo 2018, Điều 30",
			LegalBasisEN:   "Law on Denunciations 2018, Art. 30",
			Confidence:     "A",
			VersionBy:      StartAcceptance,
			VersionBasis:   "ngày thụ lý tố cáo (Luật Tố cáo 2018, Điều 30; chuyển tiếp theo Nghị định 156/2026/NĐ-CP, Điều 10)",
			VersionBasisEN: "the date the denunciation was accepted (Law on Denunciations 2018, Art. 30; transition under Decree 156/2026/ND-CP, Art. 10)",
		},
		{
			// Luật Tố cáo Art. 29(3); NĐ 31/2019 Art. 9(2): within 5
			// working days of the acceptance decision, notify the
			// denouncer and tell the person denounced the content (never
			// who denounced: Art. 8, 47, 56).
			ID: DenunciationNotify, Kind: KindDenunciation, Step: StepNotify,
			Limit: 5, Unit: WorkingDays, Start: StartAcceptDecision, EffectiveFrom: past,
			LegalBasis:     "Luật Tố cáo 2018, Điều 29(3); Nghị định 31/2019/NĐ-CP, Điều 9(2)",
			LegalBasisEN:   "Law on Denunciations 2018, Art. 29(3); Decree 31/2019/ND-CP, Art. 9(2)",
			Confidence:     "A",
			VersionBy:      StartAcceptDecision,
			VersionBasis:   "ngày ra quyết định thụ lý tố cáo (Luật Tố cáo 2018, Điều 29(3); một phiên bản)",
			VersionBasisEN: "the date of the decision accepting the denunciation (Law on Denunciations 2018, Art. 29(3); one version)",
		},
		{
			// Luật Khiếu nại Art. 11a (added by Luật 136/2025/QH15); NĐ
			// 124/2020 Art. 28b(1) (added by NĐ 155/2026 Art. 12; Art. 28a
			// defines force majeure): the suspension decision is sent
			// within 3 working days of its issue. The article exists from
			// 01/07/2026 only.
			ID: SuspensionSend, Kind: KindComplaint, Step: StepSendDecision,
			Limit: 3, Unit: WorkingDays, Start: StartSuspension, EffectiveFrom: lawChange,
			LegalBasis:     "Luật Khiếu nại 2011, Điều 11a (bổ sung bởi Luật 136/2025/QH15); Nghị định 124/2020/NĐ-CP, Điều 28b(1) (bổ sung bởi Nghị định 155/2026/NĐ-CP, Điều 12)",
			LegalBasisEN:   "Law on Complaints 2011, Art. 11a (added by Law 136/2025/QH15); Decree 124/2020/ND-CP, Art. 28b(1) (added by Decree 155/2026/ND-CP, Art. 12)",
			Confidence:     "A",
			VersionBy:      StartSuspension,
			VersionBasis:   "ngày ban hành quyết định tạm đình chỉ (Nghị định 155/2026/NĐ-CP, Điều 22(1): quy định mới áp dụng cho vụ việc chưa giải quyết xong)",
			VersionBasisEN: "the date of the suspension decision (Decree 155/2026/ND-CP, Art. 22(1): the new rules apply to cases not yet decided)",
		},
		{
			// Luật Tố cáo Art. 40: the conclusion is published within 7
			// working days of its issue.
			ID: DenunciationPublish, Kind: KindDenunciation, Step: StepPublish,
			Limit: 7, Unit: WorkingDays, Start: StartConclusion, EffectiveFrom: past,
			LegalBasis:     "Luật Tố cáo 2018, Điều 40",
			LegalBasisEN:   "Law on Denunciations 2018, Art. 40",
			Confidence:     "A",
			VersionBy:      StartConclusion,
			VersionBasis:   "ngày ban hành kết luận nội dung tố cáo (Luật Tố cáo 2018, Điều 40; một phiên bản)",
			VersionBasisEN: "the date of the conclusion on the denunciation (Law on Denunciations 2018, Art. 40; one version)",
		},
		{
			// Luật Tố cáo Art. 38: a denunciation not resolved in time may
			// be taken to the resolver's superior, who asks for a report;
			// the resolver reports within 5 working days of the request.
			ID: DenunciationReport, Kind: KindDenunciation, Step: StepReport,
			Limit: 5, Unit: WorkingDays, Start: StartReportRequest, EffectiveFrom: past,
			LegalBasis:     "Luật Tố cáo 2018, Điều 38",
			LegalBasisEN:   "Law on Denunciations 2018, Art. 38",
			Confidence:     "A",
			VersionBy:      StartReportRequest,
			VersionBasis:   "ngày cấp trên yêu cầu báo cáo (Luật Tố cáo 2018, Điều 38; một phiên bản)",
			VersionBasisEN: "the date the superior asked for the report (Law on Denunciations 2018, Art. 38; one version)",
		},
		{
			// Luật Tiếp công dân Art. 27(2): a case forwarded by a National
			// Assembly body or deputy, a People's Council deputy or a
			// citizen reception board is reported back within 7 working
			// days of its resolution.
			ID: ElectedReportBack, Kind: KindReception, Step: StepReportBack,
			Limit: 7, Unit: WorkingDays, Start: StartResolved, EffectiveFrom: past,
			LegalBasis:     "Luật Tiếp công dân 2013, Điều 27(2)",
			LegalBasisEN:   "Law on Citizen Reception 2013, Art. 27(2)",
			Confidence:     "A",
			VersionBy:      StartResolved,
			VersionBasis:   "ngày có kết quả giải quyết (Luật Tiếp công dân 2013, Điều 27(2); một phiên bản)",
			VersionBasisEN: "the date of the resolution (Law on Citizen Reception 2013, Art. 27(2); one version)",
		},
		{
			// NĐ 154/2026 Art. 4(3): a refusal to receive a visitor is
			// notified in writing (Mẫu 01/TCD) within 3 working days. The
			// decree is in force from 01/07/2026; the rule it replaced is
			// not in the reference, so no earlier version is shipped.
			ID: ReceptionRefusal, Kind: KindReception, Step: StepRefusalNote,
			Limit: 3, Unit: WorkingDays, Start: StartRefusal, EffectiveFrom: lawChange,
			LegalBasis:     "Nghị định 154/2026/NĐ-CP, Điều 4(3) (Mẫu số 01/TCD)",
			LegalBasisEN:   "Decree 154/2026/ND-CP, Art. 4(3) (Form 01/TCD)",
			Confidence:     "A",
			VersionBy:      StartRefusal,
			VersionBasis:   "ngày từ chối tiếp công dân (Nghị định 154/2026/NĐ-CP, Điều 4(3), hiệu lực từ 01/07/2026)",
			VersionBasisEN: "the date reception was refused (Decree 154/2026/ND-CP, Art. 4(3), in force from 1 July 2026)",
		},
		{
			// NĐ 124/2020 Art. 28(1) as amended by NĐ 155/2026 Art. 11: the
			// written notice of a dialogue (time, place, content) goes to the
			// complainant, the person complained against and the others
			// concerned at least 05 days before the dialogue. Calendar days
			// ("ngày"), counted backwards from the dialogue date. The old
			// Art. 28 and TT 07/2013 Art. 21 set no period, so the rule
			// exists from 01/07/2026; Art. 22(1) applies it to every
			// complaint not yet decided, so the dialogue's date decides.
			ID: DialogueNotice, Kind: KindComplaint, Step: StepDialogueNote,
			Limit: 5, Unit: CalendarDays, Start: StartDialogue, Before: true, EffectiveFrom: lawChange,
			LegalBasis:     "Nghị định 124/2020/NĐ-CP, Điều 28(1) (sửa đổi bởi Nghị định 155/2026/NĐ-CP, Điều 11)",
			LegalBasisEN:   "Decree 124/2020/ND-CP, Art. 28(1) (as amended by Decree 155/2026/ND-CP, Art. 11)",
			Confidence:     "A",
			VersionBy:      StartDialogue,
			VersionBasis:   "ngày đối thoại (Nghị định 155/2026/NĐ-CP, Điều 22(1): việc đối thoại đối với vụ việc đã thụ lý trước ngày 01/07/2026 mà chưa có quyết định giải quyết cũng thực hiện theo quy định mới)",
			VersionBasisEN: "the date of the dialogue (Decree 155/2026/ND-CP, Art. 22(1): dialogues in cases accepted before 1 July 2026 and not yet decided also follow the new rules)",
		},
		{
			ID: ReceptionAnswer, Kind: KindReception, Step: StepAnswer,
			Limit: 10, Unit: WorkingDays, Start: StartReceipt, EffectiveFrom: past,
			LegalBasis:     "Luật Tiếp công dân 2013, Điều 28(1)",
			LegalBasisEN:   "Law on Citizen Reception 2013, Art. 28(1)",
			Confidence:     "A",
			VersionBy:      StartReceipt,
			VersionBasis:   "ngày nhận nội dung tại nơi tiếp công dân (Luật Tiếp công dân 2013, Điều 28(1))",
			VersionBasisEN: "the date the content was received at the reception office (Law on Citizen Reception 2013, Art. 28(1))",
		},
	}
}
