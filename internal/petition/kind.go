package petition

// Kind is the legal kind of a case. Each has its own rules and clock.
type Kind string

const (
	KindPetition     Kind = "kien_nghi" // kiến nghị: proposes a solution or a rule (NĐ 20/2008)
	KindFeedback     Kind = "phan_anh"  // phản ánh: reports a problem (NĐ 20/2008)
	KindComplaint    Kind = "khieu_nai" // khiếu nại: against an administrative decision or act (Luật Khiếu nại)
	KindDenunciation Kind = "to_cao"    // tố cáo: denounces a violation by an official (Luật Tố cáo)
)

// Kinds lists every kind in the order the form shows them.
var Kinds = []Kind{KindPetition, KindFeedback, KindComplaint, KindDenunciation}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	switch k {
	case KindPetition, KindFeedback, KindComplaint, KindDenunciation:
		return true
	}
	return false
}

// NeedsAddress: complaints and denunciations must give an address (Luật
// Khiếu nại Art. 8, Luật Tố cáo Art. 23; TT 05/2021 eligibility).
func (k Kind) NeedsAddress() bool { return k == KindComplaint || k == KindDenunciation }

// Secret: a denouncer's identity is secret unless they waive it, and tracking
// by phone is refused for denunciations so that nobody can confirm that a
// known phone number filed one.
func (k Kind) Secret() bool { return k == KindDenunciation }

// DueRule names the deadline rule that sets the first due time of a case of
// this kind (see internal/deadline).
func (k Kind) DueRule() string {
	switch k {
	case KindComplaint:
		return "complaint.accept"
	case KindDenunciation:
		return "denunciation.initial"
	default:
		return "pakn.answer"
	}
}

// Complaint sub-types, chosen at classification. An administrative
// complaint (the default, stored as "") runs on the general limits of the
// Luật Khiếu nại (Art. 27-28, 36-37); a complaint against a disciplinary
// decision on an official runs on Art. 50's (Chapter IV).
const (
	SubtypeAdministrative = "administrative"
	SubtypeDisciplinary   = "disciplinary"
)

// ComplaintSubtypes lists the sub-types the office may choose.
var ComplaintSubtypes = []string{SubtypeAdministrative, SubtypeDisciplinary}

// FirstRule names the rule of the first clock of a case of this kind and
// sub-type: Art. 50's acceptance time for a disciplinary complaint, else
// DueRule.
func (k Kind) FirstRule(subtype string) string {
	if k == KindComplaint && subtype == SubtypeDisciplinary {
		return "complaint.discipline.accept"
	}
	return k.DueRule()
}

// Channel is how a case reached the agency.
type Channel string

const (
	ChannelWeb            Channel = "web"
	ChannelAPI            Channel = "api"
	ChannelInPerson       Channel = "in_person"
	ChannelPost           Channel = "post"
	ChannelPhone          Channel = "phone"
	ChannelEmail          Channel = "email"
	ChannelForwarded      Channel = "forwarded"
	ChannelNationalPortal Channel = "national_portal"
)

// Status is where a case stands. Intake only creates received cases; the
// workflow adds accepted, assigned, forwarded, closed….
type Status string

const (
	StatusReceived Status = "received"
	StatusAnswered Status = "answered"
	StatusReopened Status = "reopened"
)

// EventKind names an entry of a case's history.
type EventKind string

const (
	EventReceived EventKind = "received" // public: the case was registered
	EventIntake   EventKind = "intake"   // internal: channel and what came with it
	EventAnswered EventKind = "answered" // public
	EventRated    EventKind = "rated"    // public
	EventReopened EventKind = "reopened" // public: the citizen disputed the answer
)
