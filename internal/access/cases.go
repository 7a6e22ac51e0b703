package access

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/textfold"
)

// KindDenunciation is the stored kind of a tố cáo (petition.KindDenunciation;
// access does not import petition, which is a sibling domain).
const KindDenunciation = "to_cao"

// CaseRef is what staff lists show of a case. It carries nothing that
// identifies the petitioner, so any list may render it whole.
type CaseRef struct {
	ID         int64
	Code       string
	Kind       string
	Title      string
	Status     string
	ReceivedAt time.Time
	DueAt      *time.Time
	// ClockDueAt is the due time of the case's running main clock
	// (process, accept or answer; caseclock.MainKindsSQL), nil when none
	// runs: urgency is that clock's, so the inbox's "late" is the
	// dashboard's "late now".
	ClockDueAt   *time.Time
	LeadUnitCode string
	LeadUnitName string
	TopicID      int64
	Scope        CaseScope
	// Snippet is, for a search, the title or a piece of the content with
	// the words found marked; the content is scrubbed of the petitioner's
	// identity as on a case page the petitioner is not shown on.
	Snippet []textfold.Segment
	// SnippetOfTitle: the Snippet is the title, not the content.
	SnippetOfTitle bool
	// SnippetOfPetitioner: the words are in neither the title nor the
	// content but in the petitioner's name, phone or e-mail, and the
	// Snippet is those, for a viewer who may read them on this case
	// (CaseQuery.Contact covers it; never a secret identity).
	SnippetOfPetitioner bool
}

// Urgency says how a case stands against its due time.
type Urgency string

const (
	UrgencyNone    Urgency = ""         // no due time yet, or closed
	UrgencyOK      Urgency = "ok"       // comfortably ahead
	UrgencyDueSoon Urgency = "due_soon" // sắp đến hạn
	UrgencyLate    Urgency = "late"     // quá hạn
)

// closedStatuses are the states in which a case no longer runs late: the
// terminal states of the workflow (petition.Status; access does not import
// petition). "reopened" and "split" hand the work on to linked cases. Any
// status not listed here counts as open.
var closedStatuses = []string{"answered", "closed", "withdrawn", "terminated", "forwarded", "guided", "rejected",
	"not_eligible", "filed", "reopened", "split"}

// ClosedStatuses lists them for the store's queries.
func ClosedStatuses() []string { return append([]string(nil), closedStatuses...) }

// Open says whether the case still runs against its due time.
func (c CaseRef) Open() bool {
	for _, s := range closedStatuses {
		if c.Status == s {
			return false
		}
	}
	return true
}

// UrgencyAt classifies the case at now; a running main clock due by
// soonUntil is due soon.
func (c CaseRef) UrgencyAt(now, soonUntil time.Time) Urgency {
	if c.ClockDueAt == nil || !c.Open() {
		return UrgencyNone
	}
	k := caseclock.Clock{State: caseclock.Open, DueAt: c.ClockDueAt}
	switch {
	case k.LateAt(now):
		return UrgencyLate
	case k.DueSoonAt(now, soonUntil.Sub(now)):
		return UrgencyDueSoon
	}
	return UrgencyOK
}

// CaseFile is one case for a staff page: its summary and content. The
// content of a secret denunciation is scrubbed of the denouncer's identity
// before it leaves this package.
type CaseFile struct {
	CaseRef
	Content  string
	Place    string
	Identity IdentityView
}

// CaseQuery narrows a staff list of cases (the inbox's filters, GET
// /cases). Zero values do not filter. It is applied in SQL together with
// the actor's CaseFilter.
type CaseQuery struct {
	OpenOnly bool
	Status   string
	Kind     string
	TopicID  int64
	// UnitID: cases where this unit is lead or coordinating.
	UnitID int64
	// Urgency: UrgencyLate or UrgencyDueSoon at Now, due soon meaning due
	// by SoonUntil; both imply open cases.
	Urgency Urgency
	Now     time.Time
	// SoonUntil ends the due-soon horizon (report.Service.SoonUntil: a
	// number of working days from today), the same for every surface.
	SoonUntil time.Time
	// ToChase: the cases whose units the office should chase now: an
	// answer due by ChaseUntil (due soon, not late, at Now) with no draft
	// answer, the dashboard's "due soon" over the chase horizon.
	ToChase    bool
	ChaseUntil time.Time
	// AwaitingApproval: the cases whose draft answer waits for approval,
	// of the lead units in the filter (a unit head's own unit; every case
	// for leadership and the office).
	AwaitingApproval bool
	// Limit and Offset: the page, in the list's order (List caps Limit
	// at MaxPage, PageSize when unset).
	Limit  int
	Offset int
	// Search: only the cases matching these words, best match first
	// (code prefix, title, topic, units, letter numbers, content, and the
	// petitioner's contact where ContactScope allows), each with a
	// highlighted Snippet.
	Search *textfold.Query
	// Contact: the cases whose petitioner's contact the search may match
	// (ContactScope of the actor; List sets it). The zero value matches
	// no contact.
	Contact CaseFilter
}

// CaseStore reads cases for staff. ListCases must apply the filter in SQL.
type CaseStore interface {
	ListCases(ctx context.Context, f CaseFilter, q CaseQuery) ([]CaseRef, error)
	// EachCase calls fn with every case ListCases would list without a
	// limit, in its order, and the case's identity record (for
	// ViewIdentity alone), streaming: never the whole list in memory.
	EachCase(ctx context.Context, f CaseFilter, q CaseQuery, fn func(CaseRef, Identity) error) error
	// CountCases counts what EachCase would call fn with.
	CountCases(ctx context.Context, f CaseFilter, q CaseQuery) (int64, error)
	// RecordExport appends an audit row for a list taken out of the
	// system: who, which list, with what filters, in which format.
	RecordExport(ctx context.Context, by Actor, e ListExport, now time.Time) error
	CaseFile(ctx context.Context, id int64) (CaseRef, string, string, Identity, error)
	// RevealIdentity appends the identity access log row and reads the
	// identity in one transaction.
	RevealIdentity(ctx context.Context, by Actor, caseID int64, reason string, now time.Time) (Identity, error)
	// RecordRevealRefused appends an audit row for a refused reveal: who,
	// which case, why (RefusedNoGrant...). It never records an identity.
	RecordRevealRefused(ctx context.Context, by Actor, caseID int64, why string, now time.Time) error
	// Attachments lists a case's files and its answers' files, oldest
	// first.
	Attachments(ctx context.Context, caseID int64) ([]Attachment, error)
	// RecordDownload appends an audit row for a file of a case handed to
	// a member of staff, or refused: who, which case, which file (its id,
	// never its name, which may carry the petitioner's), when.
	RecordDownload(ctx context.Context, by Actor, d Download, now time.Time) error
}

// Download is a staff download of a case's file, as the audit trail
// records it: action attachment.download, or attachment.download_refused
// with Refused saying why (RefusedNotVisible).
type Download struct {
	CaseID       int64
	AttachmentID int64
	AnswerID     int64 // the answer the file belongs to; 0 for the case's own
	MediaType    string
	Size         int64
	Refused      string
}

// Attachment is a file of a case (AnswerID 0) or of one of its answers.
// StorageKey names it in the file store and never leaves the server.
type Attachment struct {
	ID         int64
	CaseID     int64
	AnswerID   int64
	Name       string
	MediaType  string
	Size       int64
	StorageKey string
}

// FileOpener reads stored attachment content (the file store).
type FileOpener interface {
	Open(ctx context.Context, key string) (io.ReadCloser, error)
}

// ErrAttachmentNotFound: no such attachment on this case (or a case the
// actor may not see).
var ErrAttachmentNotFound = fault.New(fault.NotFound, "case.attachment_not_found")

// Why a reveal was refused, as the audit trail records it.
const (
	// RefusedNoGrant: the actor holds no identity.read grant (the route
	// guard's refusal).
	RefusedNoGrant = "no_grant"
	// RefusedNotVisible: the actor may not read the case at all.
	RefusedNotVisible = "case_not_visible"
	// RefusedNotSealed: the case's identity is not under secrecy, so
	// there is nothing to reveal (its contact shows to those who may see
	// it).
	RefusedNotSealed = "not_sealed"
	// RefusedNoRole: the actor's roles read no case at all (the route
	// guard's refusal of a case's file).
	RefusedNoRole = "no_role"
)

// ErrCaseNotFound is returned for a missing case and for one the actor may
// not see, so that a refusal does not confirm the case exists.
var ErrCaseNotFound = fault.New(fault.NotFound, "case.not_found")

// Cases is the staff read side of cases, with the policy applied.
type Cases struct {
	store CaseStore
	now   func() time.Time
	log   *slog.Logger
	files FileOpener
}

// Attachments lists a case's attachments for an actor who may read the
// case. The files of a case whose identity is sealed are sealed like it:
// their names are scrubbed of the identity (a scan is often named after
// its author), and reading them needs what reading the case needs.
func (s *Cases) Attachments(ctx context.Context, by Actor, caseID int64) ([]Attachment, error) {
	ref, _, _, id0, err := s.store.CaseFile(ctx, caseID)
	if errors.Is(err, ErrCaseNotFound) || (err == nil && !Can(by, ActCaseRead, &ref.Scope)) {
		return nil, ErrCaseNotFound
	}
	if err != nil {
		return nil, err
	}
	list, err := s.store.Attachments(ctx, caseID)
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i].Name = AttachmentName(ref.Scope, list[i].Name, id0)
	}
	return list, nil
}

// AttachmentName is the name an attachment is shown and served under: a
// sealed case's is scrubbed like its title.
func AttachmentName(c CaseScope, name string, id Identity) string {
	if !c.SecretIdentity() {
		return name
	}
	return ScrubShapes(ScrubText(name, id))
}

// OpenAttachment opens one attachment of a case for an actor who may read
// the case, with its (scrubbed) name and stored type. The caller closes it.
// Every file handed out is audited before it is opened, and so is a
// refusal to an actor who may not read the case (as a refused reveal is);
// a case or file that does not exist is not.
func (s *Cases) OpenAttachment(ctx context.Context, by Actor, caseID, attachmentID int64) (Attachment, io.ReadCloser, error) {
	list, err := s.Attachments(ctx, by, caseID)
	if errors.Is(err, ErrCaseNotFound) {
		if rerr := s.RefuseDownload(ctx, by, caseID, attachmentID, RefusedNotVisible); rerr != nil {
			return Attachment{}, nil, rerr
		}
		return Attachment{}, nil, ErrCaseNotFound
	}
	if err != nil {
		return Attachment{}, nil, err
	}
	for _, a := range list {
		if a.ID != attachmentID {
			continue
		}
		if err := s.store.RecordDownload(ctx, by, Download{CaseID: caseID, AttachmentID: a.ID, AnswerID: a.AnswerID, MediaType: a.MediaType, Size: a.Size},
			s.now()); err != nil {
			return Attachment{}, nil, err
		}
		rc, err := s.files.Open(ctx, a.StorageKey)
		if err != nil {
			return Attachment{}, nil, fmt.Errorf("open attachment %d: %w", a.ID, err)
		}
		return a, rc, nil
	}
	return Attachment{}, nil, ErrAttachmentNotFound
}

// RefuseDownload records a refused download of a case's file (why:
// RefusedNotVisible, RefusedNoRole), as a refused reveal is recorded; for
// a case that does not exist it records nothing.
func (s *Cases) RefuseDownload(ctx context.Context, by Actor, caseID, attachmentID int64, why string) error {
	_, _, _, _, err := s.store.CaseFile(ctx, caseID)
	if errors.Is(err, ErrCaseNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.store.RecordDownload(ctx, by, Download{CaseID: caseID, AttachmentID: attachmentID, Refused: why}, s.now())
}

// NewCases returns the service; attachments are read from files.
func NewCases(store CaseStore, files FileOpener, now func() time.Time, log *slog.Logger) *Cases {
	return &Cases{store: store, files: files, now: now, log: log}
}

// List lists the cases the actor may see that match q, soonest due first.
// The inbox, its filters and GET /cases all come through here, so there is
// one scoped case query.
func (s *Cases) List(ctx context.Context, by Actor, q CaseQuery) ([]CaseRef, error) {
	if !Can(by, ActInboxRead, nil) {
		return nil, ErrForbidden
	}
	q.Limit, q.Offset = pageLimit(q.Limit), max(q.Offset, 0)
	if q.Now.IsZero() {
		q.Now = s.now()
	}
	// The contact scope is the actor's, whatever the caller set.
	q.Contact = ContactScope(by)
	return s.store.ListCases(ctx, ListScope(by), q)
}

// PageSize is a staff list's page unless asked otherwise; MaxPage the
// largest page List gives. A list longer than its page says so and pages
// on (Page); an export takes every row (Each).
const (
	PageSize = 200
	MaxPage  = 500
)

// pageLimit is the page List reads for a requested limit.
func pageLimit(limit int) int {
	if limit <= 0 || limit > MaxPage {
		return PageSize
	}
	return limit
}

// Page is one page of List with the count of every case it pages over.
func (s *Cases) Page(ctx context.Context, by Actor, q CaseQuery) ([]CaseRef, int64, error) {
	list, err := s.List(ctx, by, q)
	if err != nil {
		return nil, 0, err
	}
	// A first page that is not full is the whole list: no count needed.
	if q.Offset <= 0 && len(list) < pageLimit(q.Limit) {
		return list, int64(len(list)), nil
	}
	n, err := s.Count(ctx, by, q)
	if err != nil {
		return nil, 0, err
	}
	return list, n, nil
}

// Each calls fn with every case List would list without its limit, in the
// same order, from the same query (an export of the list reads exactly
// what the page shows), with the petitioner's identity as ViewIdentity
// lets the actor see it: shown only to who may read the contact, and
// never for a secret identity.
func (s *Cases) Each(ctx context.Context, by Actor, q CaseQuery, fn func(CaseRef, IdentityView) error) error {
	if !Can(by, ActInboxRead, nil) {
		return ErrForbidden
	}
	if q.Now.IsZero() {
		q.Now = s.now()
	}
	q.Contact = ContactScope(by)
	return s.store.EachCase(ctx, ListScope(by), q, func(c CaseRef, id Identity) error {
		return fn(c, ViewIdentity(by, c.Scope, id))
	})
}

// Count counts the cases Each would list.
func (s *Cases) Count(ctx context.Context, by Actor, q CaseQuery) (int64, error) {
	if !Can(by, ActInboxRead, nil) {
		return 0, ErrForbidden
	}
	if q.Now.IsZero() {
		q.Now = s.now()
	}
	q.Contact = ContactScope(by)
	return s.store.CountCases(ctx, ListScope(by), q)
}

// ListExport is a staff list downloaded as a file, as the audit trail
// records it.
type ListExport struct {
	// List names the list ("inbox", "report_cases"); Params are its
	// filters as the page's query string.
	List, Params string
	Format       string
	// Contacts: the file has the petitioner's contact columns.
	Contacts bool
}

// RecordExport writes to the audit trail that the actor took a list out
// (action list.export), before the file is written: as a report export
// is recorded, a list leaving the system is on record even if the download
// breaks off.
func (s *Cases) RecordExport(ctx context.Context, by Actor, e ListExport) error {
	return s.store.RecordExport(ctx, by, e, s.now())
}

// File returns one case for the actor, identity redacted by ViewIdentity.
func (s *Cases) File(ctx context.Context, by Actor, id int64) (CaseFile, error) {
	ref, content, place, id0, err := s.store.CaseFile(ctx, id)
	if errors.Is(err, ErrCaseNotFound) || (err == nil && !Can(by, ActCaseRead, &ref.Scope)) {
		return CaseFile{}, ErrCaseNotFound
	}
	if err != nil {
		return CaseFile{}, err
	}
	f := CaseFile{CaseRef: ref, Content: content, Place: place, Identity: ViewIdentity(by, ref.Scope, id0)}
	if !f.Identity.Shown {
		// The letter may name its author (Art. 56(2): redact before the
		// file goes to the verifying unit).
		f.Content, f.Place = ScrubText(content, id0), ScrubText(place, id0)
	}
	return f, nil
}

// Scrubber returns what removes a case's petitioner identity from free
// text (ScrubText with the case's own identity record), for views of a
// sealed case's answers, notes and trail. The identity itself never leaves
// this package.
func (s *Cases) Scrubber(ctx context.Context, caseID int64) (func(string) string, error) {
	_, _, _, id, err := s.store.CaseFile(ctx, caseID)
	if err != nil {
		return nil, err
	}
	return Scrubber(id), nil
}

// RefuseReveal records a refused attempt to reveal a case's identity in
// the audit trail (who, which case, why) and the log. Both the route guard
// (no grant at all) and the per-case check call it. A case id of 0 (an
// unparsable path) is recorded as such.
func (s *Cases) RefuseReveal(ctx context.Context, by Actor, caseID int64, why string) error {
	s.log.WarnContext(ctx, "identity reveal refused", "account_id", by.AccountID, "case_id", caseID, "why", why)
	return s.store.RecordRevealRefused(ctx, by, caseID, why, s.now())
}

// RevealIdentity shows a denouncer's identity to a permitted actor. The
// reason is required and logged with who and when, in the same transaction
// as the read.
func (s *Cases) RevealIdentity(ctx context.Context, by Actor, caseID int64, reason string) (Identity, error) {
	ref, _, _, _, err := s.store.CaseFile(ctx, caseID)
	if errors.Is(err, ErrCaseNotFound) {
		return Identity{}, ErrCaseNotFound
	}
	if err != nil {
		return Identity{}, err
	}
	if !Can(by, ActCaseRead, &ref.Scope) {
		if rerr := s.RefuseReveal(ctx, by, caseID, RefusedNotVisible); rerr != nil {
			return Identity{}, rerr
		}
		return Identity{}, ErrCaseNotFound
	}
	if !Can(by, ActIdentityRead, &ref.Scope) {
		why := RefusedNoGrant
		if !ref.Scope.SecretIdentity() {
			why = RefusedNotSealed
		}
		if rerr := s.RefuseReveal(ctx, by, caseID, why); rerr != nil {
			return Identity{}, rerr
		}
		return Identity{}, ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) < 5 {
		return Identity{}, fault.FieldError("reason", "identity.reason_required", nil)
	}
	if err := tooLong("reason", reason, MaxReasonLength); err != nil {
		return Identity{}, err
	}
	id, err := s.store.RevealIdentity(ctx, by, caseID, reason, s.now())
	if err != nil {
		return Identity{}, err
	}
	s.log.InfoContext(ctx, "identity revealed", "account_id", by.AccountID, "case_id", caseID)
	return id, nil
}
