// Package alert owns telling people that a case is due soon or late: the
// escalation ladder, the alert ledger, the outbox that delivers alerts by
// e-mail and webhook with retries, the in-app inbox, the daily digest, and
// the work of the scheduled jobs that raise them (the overdue sweep,
// due-soon reminders, the digest, the calendar reminder).
//
// Exactly once, by construction: an alert is a ledger row with a unique key
// (subject, recipient, kind, due time), written in the same transaction
// that flags the clock and queues its deliveries. However many replicas or
// reruns raise it, the key lets one row in and the others find it there. An
// extension that moves the due time makes a new key and re-arms the ladder.
//
// Redaction: an alert carries the case's code, kind, topic, unit, due time,
// days late and a link, never its title, content or petitioner; so nothing
// that could identify a denouncer (Luật Tố cáo Art. 8(3), 47) reaches a
// mailbox, a chat bridge or a log.
//
// The package is domain: no echo, no gorm. It persists through [Store]; it
// sends e-mail through [Mailer] (go-mail over SMTP in production) and
// webhooks through [WebhookSender].
package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/phucdap/phucdap/internal/report"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
)

// Audience is a group of recipients on the ladder, resolved against the
// clock's unit (the unit that must act; none means the office).
type Audience string

const (
	UnitOfficers Audience = "unit_officers" // the acting unit's officers (the office's members for the office's own clocks)
	UnitHead     Audience = "unit_head"     // the acting unit's head (the office's head for its own clocks)
	Office       Audience = "office"        // every account with the office role
	Leadership   Audience = "leadership"    // the department's leadership
	Admins       Audience = "admins"        // administrators
	Webhooks     Audience = "webhooks"      // every configured webhook endpoint
)

// ParseAudiences reads a comma-separated list such as "unit_head,office".
func ParseAudiences(s string) ([]Audience, error) {
	var out []Audience
	for _, p := range strings.Split(s, ",") {
		a := Audience(strings.TrimSpace(p))
		switch a {
		case "":
			continue
		case UnitOfficers, UnitHead, Office, Leadership, Admins, Webhooks:
			out = append(out, a)
		default:
			return nil, fmt.Errorf("unknown audience %q (want unit_officers, unit_head, office, leadership, admins or webhooks)", a)
		}
	}
	return out, nil
}

// Ladder is the escalation ladder. The default: due soon → the
// acting unit's officers; late → its head and the office, the same day;
// late for 3 working days → leadership.
type Ladder struct {
	// DueSoonDays are the reminders, in working days before the due date,
	// e.g. 3 and 1.
	DueSoonDays []int
	DueSoon     []Audience
	Late        []Audience
	// EscalateAfter is how many working days late a clock must be before
	// Escalate is told.
	EscalateAfter int
	Escalate      []Audience
}

// DefaultLadder is the ladder, with webhooks told of every late
// case and escalation so that a chat bridge mirrors the office's view.
func DefaultLadder() Ladder {
	return Ladder{DueSoonDays: []int{3, 1}, DueSoon: []Audience{UnitOfficers},
		Late: []Audience{UnitHead, Office, Webhooks}, EscalateAfter: 3, Escalate: []Audience{Leadership, Webhooks}}
}

// Alert kinds.
const (
	KindDueSoon   = "due_soon" // + "." + lead days, e.g. "due_soon.3"
	KindLate      = "late"
	KindEscalated = "escalated"
	KindDigest    = "digest"
	KindCalendar  = "calendar"
	KindReceipt   = "receipt" // intake's receipt e-mail (not a ledger row)
	// KindChase: the office or leadership chased the unit on a case (đôn
	// đốc); one ledger row per chase and account, keyed by the chase's
	// time.
	KindChase = "chase"
	// KindDraft: a draft answer waits for the lead unit's head to approve
	// it; in-app, one row per draft and head, keyed by the drafting time.
	KindDraft = "draft"
)

// DueSoonKind is the kind of the reminder days working days ahead.
func DueSoonKind(days int) string { return KindDueSoon + "." + strconv.Itoa(days) }

// Channels of delivery besides the in-app inbox (the ledger row itself).
const (
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"
)

// Payload is what an alert says. It is stored with the alert as JSON and
// rendered into e-mails, webhook bodies and the inbox. It holds no title,
// content or petitioner: see the package comment.
type Payload struct {
	CaseCode  string    `json:"case_code,omitempty"`
	CaseKind  string    `json:"case_kind,omitempty"`
	ClockKind string    `json:"clock_kind,omitempty"`
	TopicVI   string    `json:"topic_vi,omitempty"`
	TopicEN   string    `json:"topic_en,omitempty"`
	UnitCode  string    `json:"unit_code,omitempty"`
	UnitVI    string    `json:"unit_vi,omitempty"`
	UnitEN    string    `json:"unit_en,omitempty"`
	DueAt     time.Time `json:"due_at,omitzero"`
	DaysLate  int       `json:"days_late,omitempty"`
	DaysLeft  int       `json:"days_left,omitempty"`
	Link      string    `json:"link,omitempty"`
	Year      int       `json:"year,omitempty"`
	// Status and ChasedAt: a chase's case status and when it was chased.
	Status   string    `json:"status,omitempty"`
	ChasedAt time.Time `json:"chased_at,omitzero"`
	Digest   *Digest   `json:"digest,omitempty"`
	// A citizen's notification (KindCitizen): the event told, its id and
	// time, and the office's short, scrubbed reason (forwarded, guided,
	// extended; none for a sealed identity).
	Event   string    `json:"event,omitempty"`
	EventID int64     `json:"event_id,omitempty"`
	At      time.Time `json:"at,omitzero"`
	Reason  string    `json:"reason,omitempty"`
	// A booking's message (NoticeBooking, NoticeBookingReminder): its
	// code and what the public schedule publishes of its day.
	BookingCode string `json:"booking_code,omitempty"`
	Day         string `json:"day,omitempty"` // YYYY-MM-DD
	Hours       string `json:"hours,omitempty"`
	Host        string `json:"host,omitempty"`
	Place       string `json:"place,omitempty"`
	OnlineURL   string `json:"online_url,omitempty"`
	// CancelLink is the booking's signed link that lets the citizen
	// cancel it.
	CancelLink string `json:"cancel_link,omitempty"`
	// A visitor's rating link (NoticeVisitRating): the session, its day
	// in Day and the link in Link.
	SessionID int64 `json:"session_id,omitempty"`
}

// Topic returns the topic in lang.
func (p Payload) Topic(lang string) string { return pick(lang, p.TopicVI, p.TopicEN) }

// Unit returns the unit's name in lang.
func (p Payload) Unit(lang string) string { return pick(lang, p.UnitVI, p.UnitEN) }

func pick(lang, vi, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return vi
}

// Alert is a ledger row as the inbox shows it.
type Alert struct {
	ID        int64
	Kind      string
	CaseID    int64
	DueAt     time.Time
	CreatedAt time.Time
	ReadAt    *time.Time
	Payload   Payload
}

// ClockFacts is a clock with the case facts an alert may carry.
type ClockFacts struct {
	ClockID   int64
	CaseID    int64
	ClockKind string
	UnitID    int64 // 0: the office
	DueAt     time.Time
	CaseCode  string
	CaseKind  string
	TopicVI   string
	TopicEN   string
	UnitCode  string
	UnitVI    string
	UnitEN    string
	// Late, for DigestClocks: the clock is past due at the query's now.
	Late bool
}

// Staff is an active account as the ladder sees it.
type Staff struct {
	AccountID int64
	Email     string
	UnitID    int64
	UnitKind  string
	Roles     []string
}

func (s Staff) has(role string) bool {
	for _, r := range s.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// Delivery is one message to send for an alert.
type Delivery struct {
	Channel string
	Target  string // an e-mail address or a webhook URL
	Lang    string
}

// NewAlert is an alert to write to the ledger, with its deliveries.
type NewAlert struct {
	Subject   string
	CaseID    int64
	ClockID   int64
	Kind      string
	Recipient string // "account:7" or "webhook:<url>"
	AccountID int64
	// BookingID: a reception booking's message, whose contact is read
	// from the booking when it is sent.
	BookingID int64
	// SessionID: a reception session's message, whose phone is read from
	// the session (or its case) when it is sent.
	SessionID  int64
	DueAt      time.Time
	InApp      bool
	Payload    []byte
	Deliveries []Delivery
}

// Planner turns a batch of clocks into the alerts to raise. The store calls
// it inside the batch's transaction.
type Planner func(clocks []ClockFacts) []NewAlert

// Cursor is a keyset position over (due_at, id). The zero cursor is the
// start.
type Cursor struct {
	DueAt time.Time
	ID    int64
}

// Batch is what one transaction of the sweep did.
type Batch struct {
	Clocks     int // clocks flagged (or escalated)
	Alerts     int // ledger rows inserted
	Deliveries int // outbox rows queued
	Next       Cursor
}

// OutboxMessage is a leased delivery with what it takes to render it.
type OutboxMessage struct {
	ID       int64
	Channel  string
	Target   string
	Lang     string
	Attempts int // including this one

	AlertID   int64
	AlertKind string
	Payload   Payload
	CreatedAt time.Time

	// A receipt of intake (AlertKind KindReceipt): the petitioner's own
	// address, read from case_identities for this send only.
	MailQueueID int64
	Receipt     *Receipt

	// A citizen's notification (AlertKind KindCitizen…): where it goes,
	// read from case_identities (a booking's: from the booking) for this
	// send only.
	Contact *Contact
}

// Receipt is what the receipt e-mail tells the petitioner.
type Receipt struct {
	Template   string
	CaseCode   string
	CaseKind   string
	ReceivedAt time.Time
	DueAt      *time.Time
	Email      string
}

// Settlement is the result of one delivery attempt.
type Settlement struct {
	ID          int64
	MailQueueID int64
	Attempts    int
	Sent        bool
	Dead        bool
	NextAttempt time.Time
	Error       string
}

// DeadMessage is a delivery that gave up, for admins.
type DeadMessage struct {
	ID        int64
	Channel   string
	Target    string // "" for a petitioner's receipt: the address is not shown
	Kind      string
	CaseCode  string
	Attempts  int
	LastError string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Store persists alerts. Implementations make FlagLate and Escalate one
// transaction each: the clocks' marks, their case events, the ledger rows
// and the outbox rows commit together or not at all.
type Store interface {
	Staff(ctx context.Context) ([]Staff, error)
	// UnitEmails returns the active units' own addresses for alerts, by
	// unit id (units without one are left out).
	UnitEmails(ctx context.Context) (map[int64]string, error)
	// FlagLate flags up to limit open, unflagged clocks with due_at <= now
	// after the cursor, in (due_at, id) order, appends an internal "late"
	// case event for each, and writes plan's alerts.
	FlagLate(ctx context.Context, now time.Time, after Cursor, limit int, plan Planner) (Batch, error)
	// Escalate does the same for flagged open clocks due at or before
	// cutoff and not yet escalated.
	Escalate(ctx context.Context, now, cutoff time.Time, after Cursor, limit int, plan Planner) (Batch, error)
	// Uncomputed counts the running clocks with no computable due time,
	// which the sweep cannot judge: it reports them on every run.
	Uncomputed(ctx context.Context) (int, error)
	// DueBetween returns open, unflagged clocks with from < due_at <= to,
	// after the cursor, in (due_at, id) order.
	DueBetween(ctx context.Context, from, to time.Time, after Cursor, limit int) ([]ClockFacts, error)
	// DigestClocks returns the open main clocks (caseclock.MainKindsSQL)
	// due at or before until (Late set for those late at now), in due
	// order: the late ones are the dashboard's "late now" cases.
	DigestClocks(ctx context.Context, now, until time.Time) ([]ClockFacts, error)
	// OnTime returns the on-time figures of window w per unit (the
	// answer clock's unit, 0 for none): the report's figures, counted by
	// the report's store, so the digest and the dashboard cannot differ.
	OnTime(ctx context.Context, w report.Window, loc *time.Location) (map[int64]report.Counts, error)
	// Raise writes alerts with their deliveries in one transaction; alerts
	// already in the ledger are left alone (and get no new delivery).
	Raise(ctx context.Context, alerts []NewAlert, now time.Time) (inserted, deliveries int, err error)
	CalendarConfirmed(ctx context.Context, year int) (bool, error)

	// QueueReceipts moves intake's unsent receipt e-mails into the outbox.
	QueueReceipts(ctx context.Context, now time.Time) (int, error)
	// QueueNotices marks up to limit case events of the kinds the citizen
	// is told of (petition.NoticeEvents) as noticed, once each, and writes
	// plan's alerts with their deliveries, in one transaction. It returns
	// how many events it marked (0: none was left).
	QueueNotices(ctx context.Context, now time.Time, limit int, plan NoticePlanner) (events, alerts, deliveries int, err error)
	// QueueBookings marks up to limit reception bookings not yet
	// confirmed as confirmed and writes plan's alerts with their
	// deliveries, in one transaction; it returns how many it marked.
	QueueBookings(ctx context.Context, now time.Time, limit int, plan BookingPlanner) (bookings, alerts, deliveries int, err error)
	// RemindBookings does the same for up to limit bookings of day, made
	// before createdBefore and not yet reminded, of a day still held
	// (not cancelled or moved away) by an active schedule.
	RemindBookings(ctx context.Context, now time.Time, day calendar.Date, createdBefore time.Time, limit int, cal *calendar.Calendar,
		plan BookingPlanner) (bookings, alerts, deliveries int, err error)
	// QueueVisitRatings marks up to limit reception sessions not yet told
	// as told and writes plan's alerts with their deliveries, in one
	// transaction; it returns how many it marked.
	QueueVisitRatings(ctx context.Context, now time.Time, limit int, plan SessionPlanner) (sessions, alerts, deliveries int, err error)
	// LeaseOutbox takes up to limit due deliveries on channels, counting
	// an attempt and hiding them for lease.
	LeaseOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int, channels []string) ([]OutboxMessage, error)
	Settle(ctx context.Context, now time.Time, results []Settlement) error
	// DeadMessages is a page of the deliveries that gave up, newest
	// first; DeadCount counts them all.
	DeadMessages(ctx context.Context, limit, offset int) ([]DeadMessage, error)
	DeadCount(ctx context.Context) (int64, error)
	RetryDead(ctx context.Context, id int64, now time.Time) error

	// Inbox is a page of an account's in-app alerts, newest first;
	// InboxCount counts them all.
	Inbox(ctx context.Context, accountID int64, unreadOnly bool, limit, offset int) ([]Alert, error)
	InboxCount(ctx context.Context, accountID int64, unreadOnly bool) (int64, error)
	Unread(ctx context.Context, accountID int64) (int, error)
	// MarkRead marks the account's alerts read: those in ids, or all when
	// ids is empty. It returns how many changed.
	MarkRead(ctx context.Context, accountID int64, ids []int64, now time.Time) (int, error)
}

// RetryPolicy is the outbox's backoff: after attempt n fails, wait
// min(Max, Base·2^(n-1)), jittered to between half and all of it; after
// MaxAttempts the message is dead.
type RetryPolicy struct {
	MaxAttempts int
	Base        time.Duration
	Max         time.Duration
	// Jitter returns a number in [0, 1); nil uses math/rand.
	Jitter func() float64
}

// Config wires a Service.
type Config struct {
	Store Store
	// Calendar returns the working-day calendar in force.
	Calendar func(ctx context.Context) *calendar.Calendar
	Location *time.Location
	Ladder   Ladder
	// Webhooks are the endpoints of the webhooks audience.
	Webhooks []string
	// Lang of staff e-mails and webhook texts: vi (default) or en.
	Lang string
	// BaseURL makes links absolute; empty leaves links out of e-mails.
	BaseURL string
	// TrackPath is the citizens' tracking page, for receipts.
	TrackPath string
	// DueText words a due time in lang as the pages do ("24:00 ngày
	// 18/12/2026", "end of 18/12/2026"); nil words it as caseclock.DueText.
	DueText func(lang string, due time.Time) string
	// AgencyName signs e-mails.
	AgencyName string
	// Texts words what messages share with the pages (a reception day
	// with its weekday, the agency when AgencyName is empty) from the
	// message catalogue (i18n.Catalog), in the recipient's language; nil
	// leaves the message ids, as a test of the ledger alone may.
	Texts     Texts
	BatchSize int
	Retry     RetryPolicy
	// Mailer sends e-mail; nil: no e-mail is queued or sent (in-app and
	// webhooks still work).
	Mailer Mailer
	// Hooks posts webhooks; nil: webhook deliveries wait.
	Hooks WebhookSender
	// Gateway posts the citizen's SMS and Zalo messages (GatewayMessage)
	// to GatewayURL, the province's gateway, on GatewayChannels (sms,
	// zalo); nil: the citizen is told by e-mail alone.
	Gateway         WebhookSender
	GatewayURL      string
	GatewayChannels []string
	// UnsubscribeLink is the signed link that turns a case's
	// notifications off, for the foot of the citizen's e-mails, opening
	// its page in lang; nil: none.
	UnsubscribeLink func(caseCode, lang string) string
	// RatingLink is a reception session's signed rating link (absolute);
	// nil: visitors are not sent it.
	RatingLink func(sessionID int64) string
	// BookingCancelLink is a reception booking's signed cancel link
	// (absolute), opening its page in lang; nil: the messages carry none.
	BookingCancelLink func(bookingID int64, lang string) string
	// SendTimeout bounds one e-mail or webhook send; a taken delivery is
	// leased for about that long per message. Default 30 s.
	SendTimeout time.Duration
	Log         *slog.Logger
}

// Texts looks messages up in the catalogue: id in lang, filled from args.
type Texts interface {
	T(lang, id string, args map[string]any) string
}

// Service raises and delivers alerts.
type Service struct {
	cfg   Config
	mails *templates
}

// NewService checks the configuration and returns the service.
func NewService(c Config) (*Service, error) {
	if c.Store == nil || c.Calendar == nil {
		return nil, fmt.Errorf("alert: a store and a calendar are required")
	}
	if c.Location == nil {
		c.Location = time.UTC
	}
	if c.Lang != "en" {
		c.Lang = "vi"
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 1000
	}
	if len(c.Ladder.DueSoonDays) == 0 && len(c.Ladder.Late) == 0 && len(c.Ladder.Escalate) == 0 {
		c.Ladder = DefaultLadder()
	}
	if c.Ladder.EscalateAfter <= 0 {
		c.Ladder.EscalateAfter = 3
	}
	if c.Retry.MaxAttempts <= 0 {
		c.Retry.MaxAttempts = 8
	}
	if c.Retry.Base <= 0 {
		c.Retry.Base = time.Minute
	}
	if c.Retry.Max <= 0 {
		c.Retry.Max = 6 * time.Hour
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.SendTimeout <= 0 {
		c.SendTimeout = 30 * time.Second
	}
	if c.TrackPath == "" {
		c.TrackPath = "/tra-cuu"
	}
	t, err := loadTemplates(c.Location, c.DueText, c.Texts)
	if err != nil {
		return nil, err
	}
	return &Service{cfg: c, mails: t}, nil
}

// Store returns the service's store, for the inbox pages.
func (s *Service) Store() Store { return s.cfg.Store }

// DecodePayload reads a stored payload; a damaged one yields what could be
// read.
func DecodePayload(b []byte) Payload {
	var p Payload
	_ = json.Unmarshal(b, &p)
	return p
}
