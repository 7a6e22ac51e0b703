package petition

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/platform"
)

// Limits are the abuse and workflow limits. A count of 0 switches a limit
// off.
type Limits struct {
	PerIPHour, PerIPDay       int
	PerPhoneHour, PerPhoneDay int
	// TrackFailures: wrong tries per client address per TrackWindow;
	// TrackCodeFailures: wrong tries on one code per TrackWindow, from any
	// address.
	TrackFailures     int
	TrackCodeFailures int
	TrackWindow       time.Duration
	DuplicateWindow   time.Duration
	DisputeWindow     time.Duration
}

// DefaultLimits are the built-in limits (Zammad's 20/hour and 240/day per
// IP for the form).
func DefaultLimits() Limits {
	return Limits{PerIPHour: 20, PerIPDay: 240, PerPhoneHour: 5, PerPhoneDay: 20, TrackFailures: 10, TrackCodeFailures: 10,
		TrackWindow: 15 * time.Minute, DuplicateWindow: 24 * time.Hour, DisputeWindow: 30 * 24 * time.Hour}
}

// Config wires a Service.
type Config struct {
	Store    Store
	Files    Files
	Due      DueCalculator // nil: due times are "not yet computed"
	Now      func() time.Time
	Log      *slog.Logger
	Agency   string         // the code prefix, e.g. SXD
	Location *time.Location // where the code's year is counted
	Limits   Limits
	// NoticeKey signs the unsubscribe links of the citizen's e-mails
	// (NoticeSig); empty: Unsubscribe refuses every link.
	NoticeKey []byte
}

// Service is the petition service: intake, tracking, rating, disputes.
type Service struct {
	cfg Config

	topicsMu  sync.Mutex
	topics    []Topic
	topicsAt  time.Time
	lastPurge atomic.Int64
}

// NewService returns the service. Zero limits windows take the defaults.
func NewService(c Config) *Service {
	d := DefaultLimits()
	if c.Limits.TrackWindow <= 0 {
		c.Limits.TrackWindow = d.TrackWindow
	}
	if c.Limits.DuplicateWindow <= 0 {
		c.Limits.DuplicateWindow = d.DuplicateWindow
	}
	if c.Limits.DisputeWindow <= 0 {
		c.Limits.DisputeWindow = d.DisputeWindow
	}
	if c.Location == nil {
		c.Location = time.FixedZone("ICT", 7*3600)
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: c}
}

// Limits returns the limits in force.
func (s *Service) Limits() Limits { return s.cfg.Limits }

// Receipt is what the petitioner gets back.
type Receipt struct {
	Code       string
	Secret     string
	Kind       Kind
	Status     Status
	ReceivedAt time.Time
	Due        Due
	// Replayed: the same Idempotency-Key and body were seen; this is the
	// first receipt again.
	Replayed bool
	// DuplicateOf is set, and nothing else, when the same person sent the
	// same content within the duplicate window: no case was created.
	DuplicateOf string
}

// Topics returns the active topics in order. They change rarely, so they are
// cached for a minute.
func (s *Service) Topics(ctx context.Context) ([]Topic, error) {
	s.topicsMu.Lock()
	defer s.topicsMu.Unlock()
	if s.topics != nil && s.cfg.Now().Sub(s.topicsAt) < time.Minute && s.cfg.Now().After(s.topicsAt.Add(-time.Second)) {
		return s.topics, nil
	}
	all, err := s.cfg.Store.ListTopics(ctx)
	if err != nil {
		return nil, err
	}
	active := make([]Topic, 0, len(all))
	for _, t := range all {
		if t.Active {
			active = append(active, t)
		}
	}
	s.topics, s.topicsAt = active, s.cfg.Now()
	return active, nil
}

// AllTopics returns every topic, retired ones too, for the office that
// edits them.
func (s *Service) AllTopics(ctx context.Context, by access.Actor) ([]Topic, error) {
	if !access.Can(by, access.ActTopicManage, nil) {
		return nil, fault.New(fault.Forbidden, "error.forbidden")
	}
	return s.cfg.Store.ListTopics(ctx)
}

// UpdateTopic replaces the editable part of a topic, for the office; the
// store checks the unit and the task and records the change in the audit
// trail in the same transaction. The cached list is dropped so that this
// replica's form shows the edit at once (others within the minute).
func (s *Service) UpdateTopic(ctx context.Context, by access.Actor, id int64, e TopicEdit) (Topic, error) {
	if !access.Can(by, access.ActTopicManage, nil) {
		return Topic{}, fault.New(fault.Forbidden, "error.forbidden")
	}
	e, errs := e.Check()
	if len(errs) > 0 {
		return Topic{}, errs
	}
	t, err := s.cfg.Store.UpdateTopic(ctx, id, e, by, s.cfg.Now())
	if err != nil {
		return Topic{}, err
	}
	s.topicsMu.Lock()
	s.topics = nil
	s.topicsMu.Unlock()
	return t, nil
}

// Topic returns one active topic.
func (s *Service) Topic(ctx context.Context, id int64) (Topic, bool, error) {
	ts, err := s.Topics(ctx)
	if err != nil {
		return Topic{}, false, err
	}
	for _, t := range ts {
		if t.ID == id {
			return t, true, nil
		}
	}
	return Topic{}, false, nil
}

// Submit validates a submission and records it. The case, its identity, its
// attachments' metadata and its first events are committed in one
// transaction before Submit returns. Files in in.Attachments are kept when
// the case is created and discarded otherwise.
func (s *Service) Submit(ctx context.Context, in SubmitInput) (rec Receipt, err error) {
	committed := false
	defer func() { s.settle(ctx, in.Attachments, committed) }()

	n, errs := s.normalize(in)
	var topic Topic
	if n.TopicID > 0 {
		t, ok, err := s.Topic(ctx, n.TopicID)
		if err != nil {
			return Receipt{}, err
		}
		if !ok {
			errs = sortErrors(append(errs, ErrTopicNotFound))
		}
		topic = t
	}
	if len(errs) > 0 {
		return Receipt{}, errs
	}
	now := s.cfg.Now().UTC()
	secret, salt := NewSecret(), newSalt()
	nc := NewCase{
		Agency: s.cfg.Agency, Year: yearIn(now, s.cfg.Location), RequestID: platform.RequestID(ctx),
		Kind: n.Kind, Channel: n.Channel, TopicID: topic.ID, PlanTaskID: topic.PlanTaskID,
		Title: n.Title, Content: n.Content, Place: n.Place, Lang: n.Lang,
		Secrets: CaseSecrets{Salt: salt, SecretHash: hashSecret(salt, "code", secret)},
		Identity: Identity{Name: n.Name, Phone: n.phone, Email: n.email, Address: n.Address,
			KeepSecret: n.KeepSecret, ConsentAt: now},
		Files: n.Attachments, ReceivedAt: now,
		Due:      s.computeDue(ctx, n.Kind, topic, now),
		DedupKey: n.dedupKey(), DedupSince: now.Add(-s.cfg.Limits.DuplicateWindow),
		Secret:    secret,
		Limits:    s.intakeLimits(n),
		QueueMail: n.email != "",
	}
	if n.phone != "" {
		nc.Identity.PhoneHash = hashSecret(salt, "phone", n.phone)
	}
	if n.email != "" {
		nc.Identity.EmailHash = hashSecret(salt, "email", n.email)
	}
	if in.IdempotencyKey != "" {
		nc.IdempotencyKey = string(n.Channel) + ":" + in.IdempotencyKey
		nc.RequestHash = n.requestHash()
	}
	res, err := s.cfg.Store.Intake(ctx, nc)
	if err != nil {
		return Receipt{}, err
	}
	switch res.Outcome {
	case Duplicate:
		s.cfg.Log.InfoContext(ctx, "petition duplicate", "duplicate_of", res.Code, "kind", string(n.Kind), "channel", string(n.Channel))
		return Receipt{DuplicateOf: res.Code, Kind: n.Kind}, nil
	case Replayed:
		s.cfg.Log.InfoContext(ctx, "petition replayed", "code", res.Code)
	default:
		committed = true
		s.cfg.Log.InfoContext(ctx, "petition received", "code", res.Code, "kind", string(n.Kind),
			"channel", string(n.Channel), "topic_id", topic.ID, "files", len(n.Attachments), "due_computed", res.Due.Computed())
		s.maybePurge(ctx, now)
	}
	return Receipt{Code: res.Code, Secret: res.Secret, Kind: n.Kind, Status: res.Status, ReceivedAt: res.ReceivedAt,
		Due: res.Due, Replayed: res.Outcome == Replayed}, nil
}

func (s *Service) computeDue(ctx context.Context, kind Kind, topic Topic, now time.Time) Due {
	none := Due{RuleID: kind.DueRule(), Error: "no deadline calculator"}
	if s.cfg.Due == nil {
		return none
	}
	d, err := s.cfg.Due.Due(ctx, DueQuery{Kind: kind, RuleID: kind.DueRule(), TopicID: topic.ID, PlanTaskID: topic.PlanTaskID, ReceivedAt: now})
	if err != nil {
		// The case is still acknowledged, with its first clock stored
		// uncomputed and listed for the office.
		s.cfg.Log.WarnContext(ctx, "due time not computed", "rule", kind.DueRule(), "err", err)
		none.Error = err.Error()
		return none
	}
	if d.RuleID == "" {
		d.RuleID = kind.DueRule()
	}
	d.At = d.At.UTC()
	return d
}

// bucket hashes what a counter counts, so that no clear IP or phone number
// is stored.
func bucket(kind, value string) string { return hashHex("rate", kind, value)[:32] }

func (s *Service) intakeLimits(n normalized) []RateLimit {
	l := s.cfg.Limits
	var out []RateLimit
	add := func(kind, value string, window time.Duration, max int) {
		if max > 0 && value != "" {
			out = append(out, RateLimit{Bucket: bucket(kind, value), Window: window, Max: max})
		}
	}
	add("ip/h", n.ClientIP, time.Hour, l.PerIPHour)
	add("ip/d", n.ClientIP, 24*time.Hour, l.PerIPDay)
	// Per contact: the phone, and the e-mail too, so that a submission
	// with only an e-mail address is limited like one with a phone.
	add("phone/h", n.phone, time.Hour, l.PerPhoneHour)
	add("phone/d", n.phone, 24*time.Hour, l.PerPhoneDay)
	add("email/h", n.email, time.Hour, l.PerPhoneHour)
	add("email/d", n.email, 24*time.Hour, l.PerPhoneDay)
	return out
}

// Settle is settle for the staff pages: an answer's files are kept when the
// draft was saved (kept) and discarded otherwise.
func (s *Service) Settle(ctx context.Context, ups []Upload, kept bool) { s.settle(ctx, ups, kept) }

// settle keeps the files of a created case and discards the others, unless
// another case already refers to the same content.
func (s *Service) settle(ctx context.Context, ups []Upload, committed bool) {
	if len(ups) == 0 {
		return
	}
	if committed {
		for _, u := range ups {
			s.cfg.Files.Release(u.Stored)
		}
		return
	}
	ctx = context.WithoutCancel(ctx)
	var keys []string
	for _, u := range ups {
		keys = append(keys, u.Stored.Key)
	}
	inUse, err := s.cfg.Store.KeysInUse(ctx, keys)
	if err != nil {
		s.cfg.Log.WarnContext(ctx, "attachment cleanup skipped", "err", err)
	}
	for _, u := range ups {
		if err != nil || inUse[u.Stored.Key] {
			s.cfg.Files.Release(u.Stored)
			continue
		}
		if derr := s.cfg.Files.Discard(ctx, u.Stored); derr != nil {
			s.cfg.Log.WarnContext(ctx, "attachment cleanup failed", "key", u.Stored.Key, "err", derr)
		}
	}
}

// maybePurge drops expired idempotency records and counters at most once an
// hour, so that no job is needed for it.
func (s *Service) maybePurge(ctx context.Context, now time.Time) {
	last := s.lastPurge.Load()
	if now.Unix()-last < 3600 || !s.lastPurge.CompareAndSwap(last, now.Unix()) {
		return
	}
	keep := 48 * time.Hour
	if s.cfg.Limits.DuplicateWindow > keep {
		keep = s.cfg.Limits.DuplicateWindow
	}
	if err := s.cfg.Store.Purge(ctx, now.Add(-keep)); err != nil {
		s.cfg.Log.WarnContext(ctx, "purge of intake records failed", "err", err)
	}
}

// TrackInput identifies a case for its petitioner: the code with the secret
// (everything), or the code with the phone number or e-mail used (the
// status only; never for denunciations).
type TrackInput struct {
	Code     string
	Secret   string
	Contact  string
	ClientIP string
	// NoNotices leaves out when the case's notifications were turned
	// off, for a caller that does not show it (the JSON view): the read
	// then touches one table less.
	NoNotices bool
}

// Tracking errors.
var (
	ErrTrackRateLimited    = fault.New(fault.RateLimited, "petition.track_rate_limited")
	ErrNoAnswer            = fault.New(fault.Conflict, "petition.no_answer_yet")
	ErrDisputeWindowClosed = fault.New(fault.Conflict, "petition.dispute_window_closed")
	// ErrSecretRequired: the phone or e-mail shows the status only; the
	// content, the answer and the actions on it need the secret.
	ErrSecretRequired = fault.New(fault.Forbidden, "petition.secret_required")
)

// MaxSecretInput bounds what is hashed as a secret or contact.
const MaxSecretInput = 254

// trackAccess is what a tracking credential opened.
type trackAccess int

const (
	accessStatus trackAccess = iota + 1 // code + phone or e-mail
	accessFull                          // code + secret
)

// authorize finds the case and checks the secret or contact. Every failure
// looks the same (ErrNotFound) and counts against the client's address and
// against the code. Failures are limited, not successes: once an address
// has too many failures it may still present a right secret (so that a
// citizen behind a shared address is not locked out by someone else's
// guesses), but not a contact, and a wrong secret from it answers 429. Once
// a code has too many failures, it answers 429 to everyone until the window
// ends: a secret has ~40 bits, so a handful of tries per code and window
// makes guessing hopeless.
func (s *Service) authorize(ctx context.Context, in TrackInput) (Case, trackAccess, error) {
	t, acc, err := s.track(ctx, in, false)
	return t.Case, acc, err
}

// track is authorize reading the public view with the case when view is
// set and a secret is presented, all in one round trip (Store.TrackCase).
// The view is dropped unless the secret opened the case.
func (s *Service) track(ctx context.Context, in TrackInput, view bool) (Tracked, trackAccess, error) {
	now := s.cfg.Now().UTC()
	l := s.cfg.Limits
	code, codeOK := NormalizeCode(in.Code)
	q := TrackQuery{Code: code, Now: now}
	// The address's bucket is a hash: made only when it is read or hit.
	ipLimit := func() *RateLimit {
		if l.TrackFailures > 0 && in.ClientIP != "" {
			return &RateLimit{Bucket: bucket("track-fail", in.ClientIP), Window: l.TrackWindow, Max: l.TrackFailures}
		}
		return nil
	}
	if l.TrackCodeFailures > 0 && codeOK {
		q.CodeLimit = &RateLimit{Bucket: bucket("track-fail-code", code), Window: l.TrackWindow, Max: l.TrackCodeFailures}
	}
	limited := func() error {
		return fault.RateLimitedFor(ErrTrackRateLimited.MessageID, now.Truncate(l.TrackWindow).Add(l.TrackWindow).Sub(now))
	}
	secret := NormalizeSecret(in.Secret)
	valid := codeOK && len(in.Secret) <= MaxSecretInput && len(in.Contact) <= MaxSecretInput
	if !valid {
		// Nothing to look up: the counts alone decide between 429 and 404.
		q.Code = ""
	}
	q.Full = view && secret != "" && valid
	q.Notices = q.Full && !in.NoNotices
	// The address's failures matter before the check only without a
	// secret (a right secret opens the case from an address over its
	// limit): with one, they are read after the check fails, so the
	// common lookup reads the code's count alone. The code's count is
	// read in the same statement as the case, every time: a code closed
	// by too many failures stays closed to its right secret, or a guesser
	// would learn from the answer which guess was right.
	if secret == "" {
		q.IPLimit = ipLimit()
	}
	t, err := s.cfg.Store.TrackCase(ctx, q)
	if err != nil {
		return Tracked{}, 0, err
	}
	if q.CodeLimit != nil && t.CodeFailures >= int64(q.CodeLimit.Max) {
		return Tracked{}, 0, limited()
	}
	ipOver := q.IPLimit != nil && t.IPFailures >= int64(q.IPLimit.Max)
	if ipOver {
		return Tracked{}, 0, limited()
	}
	if t.Found {
		if a := s.verify(t.Case, secret, in.Contact); a != 0 {
			if a != accessFull {
				t = Tracked{Found: true, Case: t.Case}
			}
			return t, a, nil
		}
	}
	ip := q.IPLimit
	if ip == nil {
		if ip = ipLimit(); ip != nil {
			over, err := s.cfg.Store.Exceeded(ctx, []RateLimit{*ip}, now)
			if err != nil {
				return Tracked{}, 0, err
			}
			ipOver = over
		}
	}
	var hits []RateLimit
	for _, rl := range []*RateLimit{ip, q.CodeLimit} {
		if rl != nil {
			hits = append(hits, *rl)
		}
	}
	if err := s.cfg.Store.Hit(ctx, hits, now); err != nil {
		return Tracked{}, 0, err
	}
	if ipOver {
		return Tracked{}, 0, limited()
	}
	return Tracked{}, 0, ErrNotFound
}

func (s *Service) verify(c Case, secret, contact string) trackAccess {
	if secret != "" {
		if equalHash(hashSecret(c.secretSalt, "code", secret), c.secretHash) {
			return accessFull
		}
		return 0
	}
	contact = cleanText(contact, false)
	if contact == "" || c.Kind.Secret() {
		return 0
	}
	if p, ok := NormalizePhone(contact); ok && equalHash(hashSecret(c.secretSalt, "phone", p), c.phoneHash) {
		return accessStatus
	}
	if e, ok := NormalizeEmail(contact); ok && equalHash(hashSecret(c.secretSalt, "email", e), c.emailHash) {
		return accessStatus
	}
	return 0
}

// Track returns what the petitioner may see of a case.
func (s *Service) Track(ctx context.Context, in TrackInput) (*View, error) {
	t, acc, err := s.track(ctx, in, true)
	if err != nil {
		return nil, err
	}
	c := t.Case
	if acc != accessFull {
		c.Title, c.Content, c.Place = "", "", ""
		return &View{Case: c}, nil
	}
	v := &View{Case: c, Full: true, Timeline: t.Timeline, Attachments: t.Attachments, Answer: t.Answer}
	if v.Timeline == nil {
		v.Timeline = []Event{}
	}
	if v.Attachments == nil {
		v.Attachments = []Attachment{}
	}
	if c.TopicID != 0 {
		if tp, ok, err := s.Topic(ctx, c.TopicID); err != nil {
			return nil, err
		} else if ok {
			v.Topic = tp
		}
	}
	v.NoticesOffAt = t.NoticesOff
	if v.Answer != nil {
		v.Rating, v.Disputed = t.Rating, t.Disputed
		v.CanRate = true
		v.DisputeUntil = v.Answer.PublishedAt.Add(s.cfg.Limits.DisputeWindow)
		v.CanDispute = !v.Disputed && !s.cfg.Now().After(v.DisputeUntil)
	}
	return v, nil
}

// File opens one attachment of a case for its petitioner: the case's own
// files or those of a published answer. It needs the secret. The caller
// closes the reader. Each file handed out is audited first, as the
// petitioner's; a lookup refused for its secret is counted by the
// tracking limits, not audited.
func (s *Service) File(ctx context.Context, in TrackInput, id int64) (Attachment, io.ReadCloser, error) {
	c, acc, err := s.authorize(ctx, in)
	if err != nil {
		return Attachment{}, nil, err
	}
	if acc != accessFull {
		return Attachment{}, nil, ErrSecretRequired
	}
	a, err := s.cfg.Store.AttachmentByID(ctx, c.ID, id)
	if err != nil {
		return Attachment{}, nil, err
	}
	if err := s.cfg.Store.RecordFileDownload(ctx, c.ID, a.ID, s.cfg.Now().UTC()); err != nil {
		return Attachment{}, nil, err
	}
	r, err := s.cfg.Files.Open(ctx, a.StorageKey)
	if err != nil {
		return Attachment{}, nil, err
	}
	return a, r, nil
}

// RateInput rates the latest answer of a case.
type RateInput struct {
	TrackInput
	Stars   int
	Comment string
}

// Rate records (or replaces) the petitioner's rating of the latest answer.
func (s *Service) Rate(ctx context.Context, in RateInput) error {
	var errs fault.List
	if in.Stars < 1 || in.Stars > 5 {
		errs = append(errs, fault.FieldError("stars", "petition.stars_invalid", nil))
	}
	comment := ""
	if !utf8.ValidString(in.Comment) {
		errs = append(errs, fault.FieldError("comment", "petition.not_utf8", nil))
	} else if comment = cleanText(in.Comment, true); utf8.RuneCountInString(comment) > MaxComment {
		errs = append(errs, fault.FieldError("comment", "petition.too_long", map[string]any{"Max": MaxComment}))
	}
	if len(errs) > 0 {
		return errs
	}
	c, ans, err := s.answered(ctx, in.TrackInput)
	if err != nil {
		return err
	}
	return s.cfg.Store.SaveRating(ctx, c.ID, ans.ID, Rating{Stars: in.Stars, Comment: comment, At: s.cfg.Now().UTC()})
}

// answered authorizes the petitioner and returns the case with its latest
// published answer; rating and disputing need one.
func (s *Service) answered(ctx context.Context, in TrackInput) (Case, *Answer, error) {
	c, acc, err := s.authorize(ctx, in)
	if err != nil {
		return c, nil, err
	}
	if acc != accessFull {
		return c, nil, ErrSecretRequired
	}
	ans, err := s.cfg.Store.LatestAnswer(ctx, c.ID)
	if err != nil {
		return c, nil, err
	}
	if ans == nil {
		return c, nil, ErrNoAnswer
	}
	return c, ans, nil
}

// DisputeInput disputes the latest answer, asking to reopen the case.
type DisputeInput struct {
	TrackInput
	Reason string
}

// Dispute reopens a case whose latest answer the petitioner disputes, within
// the dispute window after the answer.
func (s *Service) Dispute(ctx context.Context, in DisputeInput) error {
	reason := ""
	if !utf8.ValidString(in.Reason) {
		return fault.List{fault.FieldError("reason", "petition.not_utf8", nil)}
	}
	reason = cleanText(in.Reason, true)
	switch c := utf8.RuneCountInString(reason); {
	case c == 0:
		return fault.List{fault.FieldError("reason", "petition.reason_required", nil)}
	case c < MinReason:
		return fault.List{fault.FieldError("reason", "petition.too_short", map[string]any{"Min": MinReason, "Count": c})}
	case c > MaxReason:
		return fault.List{fault.FieldError("reason", "petition.too_long", map[string]any{"Max": MaxReason, "Count": c})}
	}
	c, ans, err := s.answered(ctx, in.TrackInput)
	if err != nil {
		return err
	}
	now := s.cfg.Now().UTC()
	if now.After(ans.PublishedAt.Add(s.cfg.Limits.DisputeWindow)) {
		return fault.Newf(fault.Conflict, "petition.dispute_window_closed", map[string]any{"Days": int(s.cfg.Limits.DisputeWindow.Hours() / 24)})
	}
	if disputed, err := s.cfg.Store.Disputed(ctx, ans.ID); err != nil {
		return err
	} else if disputed {
		return ErrAlreadyDisputed
	}
	if !Legal(ActReopen, c.Status, c.Kind) {
		return illegal(ActReopen, c.Status, c.Kind)
	}
	var topic Topic
	if c.TopicID != 0 {
		if t, ok, err := s.Topic(ctx, c.TopicID); err != nil {
			return err
		} else if ok {
			topic = t
		}
	}
	follow := FollowUpCase(s.cfg.Agency, yearIn(now, s.cfg.Location), c.Kind, c.Channel, c.TopicID, c.PlanTaskID, c.Title, c.Lang,
		reason, now, s.computeDue(ctx, c.Kind, topic, now))
	code, err := s.cfg.Store.SaveDispute(ctx, DisputeRecord{CaseID: c.ID, AnswerID: ans.ID, Reason: reason, At: now, FollowUp: follow})
	if err != nil {
		return err
	}
	s.cfg.Log.InfoContext(ctx, "petition disputed", "code", c.Code, "follow_up", code)
	return nil
}
