package petition

import (
	"context"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/fault"
)

// RateLimit is one counter with its ceiling: at most Max hits per fixed
// Window in Bucket. Bucket is a hash, never a clear IP or phone.
type RateLimit struct {
	Bucket string
	Window time.Duration
	Max    int
}

// NewCase is everything intake writes, computed by the Service before the
// store opens its transaction.
type NewCase struct {
	Agency     string
	Year       int
	Kind       Kind
	Channel    Channel
	TopicID    int64
	PlanTaskID int64
	Title      string
	Content    string
	Place      string
	Lang       string
	Secrets    CaseSecrets
	Identity   Identity
	Files      []Upload
	ReceivedAt time.Time
	Due        Due

	// DedupKey with DedupSince: a case with the same key received after
	// DedupSince makes this one a duplicate.
	DedupKey   string
	DedupSince time.Time
	// IdempotencyKey (optional) with RequestHash; Secret is kept with the
	// key so that a replay returns the first receipt.
	IdempotencyKey string
	RequestHash    string
	Secret         string
	// Limits are checked and counted in the same transaction.
	Limits []RateLimit
	// QueueMail queues the receipt e-mail.
	QueueMail bool
	// RegisteredBy is the account label of the staff member who typed the
	// case in; "" for the citizen's own submission.
	RegisteredBy string
	// RequestID names the request in the case's audit row: requests are
	// committed in batches, so it cannot come from the batch's context.
	RequestID string
	// Then (staff registration only) decides an action on the case as
	// registered, which the store writes in the registering transaction,
	// as Apply writes a decision; Linked is a record it writes there too.
	Then   func(*CaseState) (*Change, error)
	Linked Linked
}

// Outcome says what Intake did.
type Outcome int

const (
	Created   Outcome = iota + 1 // a new case
	Replayed                     // the Idempotency-Key was seen with the same body
	Duplicate                    // the same person said the same thing recently
)

// IntakeResult is the outcome of Intake.
type IntakeResult struct {
	Outcome    Outcome
	CaseID     int64
	Code       string
	Secret     string // Created and Replayed
	Status     Status
	ReceivedAt time.Time
	Due        Due
	// LinkedID is the id of NewCase.Linked, written with the case.
	LinkedID int64
}

// Intake errors the store returns.
var (
	ErrRateLimited         = fault.New(fault.RateLimited, "petition.rate_limited")
	ErrIdempotencyMismatch = fault.FieldError("Idempotency-Key", "petition.idempotency_mismatch", nil)
	ErrNotFound            = fault.New(fault.NotFound, "petition.not_found")
	ErrTopicNotFound       = fault.FieldError(FieldTopic, "petition.topic_invalid", nil)
	ErrAlreadyDisputed     = fault.New(fault.Conflict, "petition.already_disputed")
)

// DisputeRecord is a citizen's dispute of an answer. The dispute reopens
// the case as a follow-up: a new case linked to it, with its own first
// clock from the dispute, so that the first answer's on-time fact stays as
// it was frozen. The store copies the petitioner, the tracking secret (the
// citizen follows both with the same one) and the units from the disputed
// case.
type DisputeRecord struct {
	CaseID   int64
	AnswerID int64
	Reason   string
	At       time.Time
	FollowUp NewCase
}

// TrackQuery asks for a case by its code, for tracking.
type TrackQuery struct {
	Code string
	// CodeLimit and IPLimit are the failure limits whose counts in their
	// windows at Now are read; nil reads none.
	CodeLimit, IPLimit *RateLimit
	Now                time.Time
	// Full reads the public view too (timeline, files, answer): the
	// petitioner presented a secret.
	Full bool
	// Notices reads, with Full, when the citizen turned the case's
	// notifications off.
	Notices bool
}

// Tracked is what TrackCase read.
type Tracked struct {
	Found                    bool
	Case                     Case
	CodeFailures, IPFailures int64
	Timeline                 []Event
	Attachments              []Attachment
	Answer                   *Answer
	Rating                   *Rating
	Disputed                 bool
	// NoticesOff is when the citizen turned the case's notifications
	// off, or nil (read with Notices).
	NoticesOff *time.Time
}

// Store persists cases. Implementations must make Intake atomic: the case,
// its identity, its attachments' metadata, its first events, the sequence
// number, the idempotency record and the rate counters commit together or
// not at all, and the tracking numbers have no gaps.
type Store interface {
	ListTopics(ctx context.Context) ([]Topic, error)
	// UpdateTopic saves an edit checked by TopicEdit.Check, refusing a
	// lead unit that is not an active unit (a group cannot lead) and a plan
	// task that does not exist, and records it in the audit trail
	// ("topic.update") in the same transaction. ErrNoSuchTopic when id is
	// not a topic.
	UpdateTopic(ctx context.Context, id int64, e TopicEdit, by access.Actor, now time.Time) (Topic, error)
	Intake(ctx context.Context, c NewCase) (IntakeResult, error)
	// CaseByCode returns the case with its secrets set (SetSecrets), or
	// ErrNotFound.
	CaseByCode(ctx context.Context, code string) (Case, error)
	// TrackCase reads everything tracking needs in one round trip: the
	// failures counted against the code and the client's address, the
	// case with its secrets set, and with Full its public view and when
	// its notifications were turned off. Found is
	// false when no case has the code; the counts are read either way.
	TrackCase(ctx context.Context, q TrackQuery) (Tracked, error)
	PublicEvents(ctx context.Context, caseID int64) ([]Event, error)
	Attachments(ctx context.Context, caseID int64) ([]Attachment, error)
	// AttachmentByID returns one file of the case or of a published answer
	// of it, or ErrNotFound.
	AttachmentByID(ctx context.Context, caseID, id int64) (Attachment, error)
	// RecordFileDownload appends an audit row for a file handed to the
	// holder of the case's secret: actor "petitioner", the case and the
	// file's id; nothing that says who they are.
	RecordFileDownload(ctx context.Context, caseID, attachmentID int64, at time.Time) error
	// LatestAnswer returns the latest published answer with its files, or
	// nil.
	LatestAnswer(ctx context.Context, caseID int64) (*Answer, error)
	RatingOf(ctx context.Context, answerID int64) (*Rating, error)
	Disputed(ctx context.Context, answerID int64) (bool, error)
	SaveRating(ctx context.Context, caseID, answerID int64, r Rating) error
	// SetNoticesOff turns the case's notifications off (recording via and
	// at) or on again, with an audit entry, and reports whether anything
	// changed. Turning them off drops the case's notifications still
	// waiting in the outbox, in the same transaction.
	SetNoticesOff(ctx context.Context, caseID int64, off bool, via string, at time.Time) (bool, error)
	// SaveDispute records the dispute, marks the case reopened and makes
	// its follow-up case, or returns ErrAlreadyDisputed. It returns the
	// follow-up's code.
	SaveDispute(ctx context.Context, d DisputeRecord) (string, error)
	// Exceeded reports whether any limit is already reached at now; Hit
	// counts one more.
	Exceeded(ctx context.Context, limits []RateLimit, now time.Time) (bool, error)
	Hit(ctx context.Context, limits []RateLimit, now time.Time) error
	// KeysInUse says which storage keys attachments rows refer to.
	KeysInUse(ctx context.Context, keys []string) (map[string]bool, error)
	// Purge deletes idempotency records and rate counters older than
	// before.
	Purge(ctx context.Context, before time.Time) error
}
