package reception

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/petition"
)

// Outcome is what came of a visit: one of the four answers of Luật Tiếp
// công dân Art. 28(1), or a refusal to receive (NĐ 154/2026 Art. 4(3)).
type Outcome string

const (
	// OutcomeAccepted (a): accepted for resolution (thụ lý).
	OutcomeAccepted Outcome = "accepted"
	// OutcomeVerify (b): acceptance needs more time for verification.
	OutcomeVerify Outcome = "verify"
	// OutcomeGuided (c): not within competence or not eligible; the
	// visitor was answered and guided at the session.
	OutcomeGuided Outcome = "guided"
	// OutcomeForwarded (d): forwarded to the competent body.
	OutcomeForwarded Outcome = "forwarded"
	// OutcomeRefused: reception refused (NĐ 154/2026 Art. 4(3)); the
	// written notice (Mẫu 01/TCD) is owed within 3 working days.
	OutcomeRefused Outcome = "refused"
)

// Outcomes lists the outcomes in the law's order.
func Outcomes() []Outcome {
	return []Outcome{OutcomeAccepted, OutcomeVerify, OutcomeGuided, OutcomeForwarded, OutcomeRefused}
}

// FollowUp says whether the outcome opens a case: everything but an
// answer given at the session. The case carries the answer to the visitor
// (reception.answer, 10 working days) or, refused, the refusal notice.
func (o Outcome) FollowUp() bool { return o != OutcomeGuided }

// Limits of a session's texts.
const (
	MaxContent   = 10000
	MaxDocuments = 2000
	// documentsRoom is kept in a case's content for the documents' label
	// when the documents join the content.
	documentsRoom = 100
	MaxHeadcount  = 10000
)

// SessionInput is the record of one visit.
type SessionInput struct {
	// ScheduleID is the schedule the visit was received under.
	ScheduleID int64
	Day        calendar.Date
	// Receiver is who received (the leader, the desk's officer).
	Receiver string
	Kind     petition.Kind
	TopicID  int64
	// The visitor; for a group visit (đoàn đông người) the
	// representatives and the headcount.
	Name, Phone     string
	Group           bool
	Headcount       int
	Representatives string
	Content         string
	Documents       string
	Outcome         Outcome
	RefusalReason   string
	// Dialogue: the session is a dialogue (đối thoại), whose result the
	// office then publishes (PublishResult).
	Dialogue bool
	// ReceivedAt is when the content was received (the session's hour).
	ReceivedAt time.Time
	// Key is the form's one-time key: a repeated submit records nothing
	// again (Request).
	Key string
}

// Request is what a session form's key has recorded so far.
type Request struct {
	// Claimed: the key is new, this submit records.
	Claimed bool
	// CaseID, CaseCode: the case the key's first submit opened.
	CaseID   int64
	CaseCode string
	// SessionID: the session it recorded (the submit is a repeat).
	SessionID int64
	// Claim is when this submit took the claim (Claimed): ReleaseRequest
	// frees the claim only while it is still this one, never one another
	// submit took over since.
	Claim time.Time
}

// StaleRequest is how long a form's claim may record nothing before
// another submit of the form takes it: far longer than recording takes.
const StaleRequest = 2 * time.Minute

// ErrRequestInFlight: the same form is being recorded by another submit.
var ErrRequestInFlight = fault.New(fault.Conflict, "reception.session_in_flight")

// ErrRequestRecorded: another submit of the same form recorded it while
// this one was on its way; this one wrote nothing.
var ErrRequestRecorded = fault.New(fault.Conflict, "reception.session_recorded")

// Session is a recorded visit. Under a denouncer's secrecy (Sealed) the
// session keeps no identity and no content: both are in the case it
// opened, under the case's seal.
type Session struct {
	ID              int64
	ScheduleID      int64
	Day             calendar.Date
	Receiver        string
	Leadership      bool
	Kind            petition.Kind
	Sealed          bool
	Name, Phone     string
	Group           bool
	Headcount       int
	Representatives string
	Content         string
	Documents       string
	Outcome         Outcome
	RefusalReason   string
	Dialogue        bool
	// ResultPublished: a dialogue whose result is published.
	ResultPublished bool
	// Rating is the visitor's rating, nil until they rate.
	Rating    *Rating
	CaseID    int64
	CaseCode  string
	CreatedAt time.Time
	CreatedBy string
	// RequestKey is the form's key the session was recorded with.
	RequestKey string
	// Repeated: a repeat of a submit already recorded; nothing new.
	Repeated bool
}

// OpenCase is the case a session opens.
type OpenCase struct {
	Kind    petition.Kind
	TopicID int64
	Title   string
	Content string
	// Documents the visitor handed over, kept in the case file with the
	// content (a sealed session keeps none of its own).
	Documents  string
	Name       string
	Phone      string
	ReceivedAt time.Time
	// Refusal is the reason reception was refused ("" when it was not),
	// refused as of RefusedOn, the session's day: the notice's clock runs
	// from the refusal, not from when the office typed it in.
	Refusal   string
	RefusedOn calendar.Date
	// Session is the session the case is opened from, stored with it.
	Session Session
}

// Opened is what opening a session's case wrote.
type Opened struct {
	CaseID    int64
	Code      string
	SessionID int64
}

// Cases opens the case of a session through the case workflow: registered
// in person with the reception.answer clock, refused at once when
// reception was refused (its notice clock), and stored with the session,
// all in one transaction: no crash leaves a case without its session, a
// session without its case, or a refused visit's case without the
// refusal.
type Cases interface {
	OpenFromReception(ctx context.Context, by access.Actor, c OpenCase) (Opened, error)
}

// SessionStore keeps sessions.
type SessionStore interface {
	// AddSession records s, audited. A session under a schedule on a day
	// recorded as held with no visitor is refused
	// (ErrSessionOnNoVisitorDay), checked in the transaction that writes
	// it.
	AddSession(ctx context.Context, s Session, by access.Actor) (Session, error)
	DaySessions(ctx context.Context, day calendar.Date) ([]Session, error)
	// ClaimRequest records key as this submit's, or returns what its
	// first submit recorded. A claim that recorded nothing for
	// StaleRequest (its process died) is this submit's again.
	ClaimRequest(ctx context.Context, key string, now time.Time) (Request, error)
	// ReleaseRequest frees a claim that recorded nothing (its submit
	// failed), so that the same form can be submitted again: only the
	// claim taken at claim (Request.Claim), not one another submit took
	// over since.
	ReleaseRequest(ctx context.Context, key string, claim time.Time) error
	// Sessions returns the sessions of days in [from, to].
	Sessions(ctx context.Context, from, to calendar.Date) ([]Session, error)
	DialogueStore
	NoVisitorStore
}

// ErrDenunciationNeedsCase: a denunciation received at reception is
// registered as a case, where its denouncer's identity is sealed; an answer
// at the session alone would leave the identity nowhere under seal.
var ErrDenunciationNeedsCase = fault.FieldError("outcome", "reception.denunciation_case", nil)

// Record records a visit. An outcome that needs follow-up opens a case
// through the workflow, refused at once when reception was refused, and
// the session is stored with it, in one transaction (Cases): a failure
// leaves neither, and the form, whose claim is released, can be submitted
// again.
func (s *Service) Record(ctx context.Context, by access.Actor, in SessionInput) (Session, error) {
	var claimed Request
	sess, err := s.record(ctx, by, in, &claimed)
	if err != nil && claimed.Claimed {
		if rerr := s.cfg.Sessions.ReleaseRequest(context.WithoutCancel(ctx), strings.TrimSpace(in.Key), claimed.Claim); rerr != nil {
			return Session{}, errors.Join(err, rerr)
		}
	}
	return sess, err
}

// record is Record; claimed is set to the form's claim once this submit
// holds it.
func (s *Service) record(ctx context.Context, by access.Actor, in SessionInput, claimed *Request) (Session, error) {
	if !access.Can(by, access.ActReceptionManage, nil) {
		return Session{}, fault.New(fault.Forbidden, "error.forbidden")
	}
	var errs fault.List
	in.Receiver, in.Name, in.Representatives = clean(in.Receiver), clean(in.Name), clean(in.Representatives)
	in.Content, in.Documents, in.RefusalReason = strings.TrimSpace(in.Content), strings.TrimSpace(in.Documents), clean(in.RefusalReason)
	if n := utf8.RuneCountInString(in.Receiver); n < 2 || n > MaxHost {
		errs = append(errs, fault.FieldError("receiver", "reception.receiver_required", map[string]any{"Max": MaxHost}))
	}
	if !in.Kind.Valid() {
		errs = append(errs, fault.FieldError("kind", "petition.kind_invalid", nil))
	}
	if n := utf8.RuneCountInString(in.Content); n < petition.MinContent || n > MaxContent {
		errs = append(errs, fault.FieldError("content", "reception.content_required", map[string]any{"Min": petition.MinContent, "Max": MaxContent}))
	}
	if n := utf8.RuneCountInString(in.Content) + utf8.RuneCountInString(in.Documents); in.Outcome.FollowUp() && in.Documents != "" && n > MaxContent-documentsRoom {
		errs = append(errs, fault.FieldError("content", "petition.too_long", map[string]any{"Max": MaxContent - documentsRoom, "Count": n}))
	} else if utf8.RuneCountInString(in.Documents) > MaxDocuments {
		errs = append(errs, fault.FieldError("documents", "petition.too_long", map[string]any{"Max": MaxDocuments, "Count": utf8.RuneCountInString(in.Documents)}))
	}
	if utf8.RuneCountInString(in.Name) > MaxName || utf8.RuneCountInString(in.Representatives) > MaxDocuments {
		errs = append(errs, fault.FieldError("name", "reception.name_required", map[string]any{"Max": MaxName}))
	}
	var phone string
	if p := strings.TrimSpace(in.Phone); p != "" {
		var ok bool
		if phone, ok = petition.NormalizePhone(p); !ok {
			errs = append(errs, fault.FieldError("phone", "petition.phone_invalid", nil))
		}
	}
	if in.Group && (in.Headcount < 2 || in.Headcount > MaxHeadcount) {
		errs = append(errs, fault.FieldError("headcount", "reception.headcount", map[string]any{"Max": MaxHeadcount}))
	}
	if !in.Group {
		in.Headcount, in.Representatives = 1, ""
	}
	switch in.Outcome {
	case OutcomeAccepted, OutcomeVerify, OutcomeGuided, OutcomeForwarded:
	case OutcomeRefused:
		if n := utf8.RuneCountInString(in.RefusalReason); n < 5 || n > MaxReason {
			errs = append(errs, fault.FieldError("refusal_reason", "reception.refusal_reason", map[string]any{"Max": MaxReason}))
		}
	default:
		errs = append(errs, fault.FieldError("outcome", "reception.outcome_required", nil))
	}
	sealed := in.Kind.Secret()
	if sealed && in.Outcome == OutcomeGuided {
		errs = append(errs, ErrDenunciationNeedsCase)
	}
	if len(strings.TrimSpace(in.Key)) > petition.MaxRequestKey {
		errs = append(errs, fault.FieldError("key", "petition.too_long", map[string]any{"Max": petition.MaxRequestKey, "Count": len(in.Key)}))
	}
	if !in.Day.Valid() || in.Day.After(s.Today()) {
		errs = append(errs, fault.FieldError("day", "reception.session_day", nil))
	}
	leadership := false
	if in.ScheduleID != 0 {
		sc, err := s.Schedule(ctx, in.ScheduleID)
		if err != nil {
			errs = append(errs, fault.FieldError("schedule_id", "reception.not_found", nil))
		}
		leadership = sc.Kind == KindLeadership
	}
	if len(errs) > 0 {
		return Session{}, errs
	}
	if in.Outcome != OutcomeRefused {
		in.RefusalReason = ""
	}
	received := in.ReceivedAt
	if received.IsZero() || calendar.DateOf(received, s.cfg.Location) != in.Day {
		received = in.Day.Time(s.cfg.Location).Add(8 * time.Hour)
		if now := s.cfg.Now(); received.After(now) {
			received = now
		}
	}
	sess := Session{ScheduleID: in.ScheduleID, Day: in.Day, Receiver: in.Receiver, Leadership: leadership, Kind: in.Kind, Sealed: sealed,
		Name: in.Name, Phone: phone, Group: in.Group, Headcount: in.Headcount, Representatives: in.Representatives,
		Content: in.Content, Documents: in.Documents, Outcome: in.Outcome, RefusalReason: in.RefusalReason, Dialogue: in.Dialogue,
		CreatedAt: s.cfg.Now().UTC(), CreatedBy: by.Label(), RequestKey: strings.TrimSpace(in.Key)}
	var reuse Request
	if sess.RequestKey != "" {
		q, err := s.cfg.Sessions.ClaimRequest(ctx, sess.RequestKey, s.cfg.Now())
		if err != nil {
			return Session{}, err
		}
		switch {
		case q.SessionID != 0:
			return Session{ID: q.SessionID, Day: in.Day, CaseID: q.CaseID, CaseCode: q.CaseCode, Repeated: true}, nil
		case !q.Claimed && q.CaseID == 0:
			return Session{}, ErrRequestInFlight
		}
		reuse = q
		if q.Claimed {
			*claimed = q
		}
	}
	if sealed {
		// The identity, the content and the refusal's reason (which may
		// name the denounced) are the case's, under its seal.
		sess.Name, sess.Phone, sess.Representatives, sess.Content, sess.Documents = "", "", "", "", ""
		sess.RefusalReason = ""
	}
	switch {
	case in.Outcome.FollowUp() && reuse.CaseID != 0:
		// A retry of a submit whose case was opened apart from its session
		// (before both were one transaction): the same case, no second
		// clock.
		sess.CaseID, sess.CaseCode = reuse.CaseID, reuse.CaseCode
	case in.Outcome.FollowUp():
		name := in.Name
		if name == "" && in.Group {
			name = in.Representatives
		}
		caseTitle, content, documents := title(in.Content), in.Content, in.Documents
		if sealed && in.Group {
			// The case's scrubber knows one name, and the list of
			// representatives is none of them: each is scrubbed here from
			// what the office sees; the list stays the identity's name.
			for _, rep := range representatives(in.Representatives) {
				id := access.Identity{Name: rep}
				caseTitle, content, documents = access.ScrubText(caseTitle, id), access.ScrubText(content, id), access.ScrubText(documents, id)
			}
		}
		oc := OpenCase{Kind: in.Kind, TopicID: in.TopicID, Title: caseTitle, Content: content, Documents: documents,
			Name: truncate(name, MaxName), Phone: phone, ReceivedAt: received, Session: sess}
		if in.Outcome == OutcomeRefused {
			oc.Refusal, oc.RefusedOn = in.RefusalReason, in.Day
		}
		opened, err := s.cfg.Cases.OpenFromReception(ctx, by, oc)
		if err != nil {
			return Session{}, err
		}
		sess.ID, sess.CaseID, sess.CaseCode = opened.SessionID, opened.CaseID, opened.Code
		return sess, nil
	}
	return s.cfg.Sessions.AddSession(ctx, sess, by)
}

// DaySessions returns the sessions of day for the office.
func (s *Service) DaySessions(ctx context.Context, by access.Actor, day calendar.Date) ([]Session, error) {
	if !access.Can(by, access.ActReceptionManage, nil) {
		return nil, fault.New(fault.Forbidden, "error.forbidden")
	}
	list, err := s.cfg.Sessions.DaySessions(ctx, day)
	for i := range list {
		list[i] = list[i].forStaff()
	}
	return list, err
}

// forStaff is a session as the office's views show it. A sealed session
// shows no refusal reason (sessions recorded before the reason was kept
// off them) and no rating comment: the denouncer may have named
// themselves or the denounced in it (Luật Tố cáo Art. 8); the stars
// count.
func (se Session) forStaff() Session {
	if !se.Sealed {
		return se
	}
	se.RefusalReason = ""
	if se.Rating != nil {
		r := *se.Rating
		r.Comment = ""
		se.Rating = &r
	}
	return se
}

// representatives splits a group's representatives as the office types
// them: "Nguyễn Văn An, Trần Thị Bình", "An; Bình", "An và Bình".
func representatives(list string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		for _, name := range strings.Split(part, " và ") {
			if name = strings.TrimSpace(name); name != "" {
				out = append(out, name)
			}
		}
	}
	return out
}

// title is a case's title from the content's first words.
func title(content string) string {
	t := clean(content)
	return truncate(t, 120)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// LinkedKind makes a session a petition.Linked: the session a case is
// opened from is written in the transaction that registers the case.
func (Session) LinkedKind() string { return "reception session" }
