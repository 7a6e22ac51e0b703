package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
)

// The citizen is told at each step of their case: received, accepted,
// forwarded or guided, extended, answered, late, closed. Each told event
// is a ledger row per channel (subject "event:<id>", recipient
// "citizen:<channel>", kind "citizen.<event>"), so the ledger's unique key
// is the idempotency key case+event+channel; its delivery is an outbox
// row like any alert's, sent with the same retries. The citizen's address
// and phone are never copied into the ledger or the outbox: they are read
// from the case's identity when the message is sent, as the receipt's are.
//
// What a message says is the code, the case kind, the status, the dates and
// a link, never the content, a name, a unit's internal note or the topic.
// The only office-written text is the reason of a forward, a guidance or an
// extension, which the citizen's timeline shows already: it is scrubbed of
// anything shaped like a phone, e-mail or ID number and cut short, and
// left out whole for a case whose identity is sealed (a denunciation:
// the reason may name the denounced).

// KindCitizen prefixes the kinds of the citizen's notifications:
// "citizen.accepted" and so on.
const KindCitizen = "citizen."

// Citizen channels: e-mail (SMTP, as the receipt) and, through the
// province's gateway, SMS and Zalo OA.
const (
	ChannelSMS  = "sms"
	ChannelZalo = "zalo"
)

// The events the citizen is told of, as the case events name them.
const (
	NoticeReceived  = "received"
	NoticeAccepted  = "accepted"
	NoticeForwarded = "forwarded"
	NoticeGuided    = "guided"
	NoticeExtended  = "extended"
	NoticeAnswered  = "answered"
	NoticeLate      = "late"
	NoticeClosed    = "closed"
)

// noticeMainClocks are the clocks of the case's own step
// (caseclock.MainKindsSQL): a late contribution or duty is the office's
// business, not the citizen's.
var noticeMainClocks = map[string]bool{"process": true, "accept": true, "answer": true}

// ReasonMax bounds the office-written reason a message carries, in
// characters.
const ReasonMax = 160

// CaseNotice is a case event to tell the citizen of, with the facts a
// message may carry and what decides its channels. It holds no address,
// phone or name: only whether they were given.
type CaseNotice struct {
	EventID  int64
	Event    string
	At       time.Time
	CaseID   int64
	CaseCode string
	CaseKind string
	// Lang is the language the citizen used to submit.
	Lang string
	// Sealed: the identity is sealed (a denunciation's).
	Sealed bool
	// Note is the event's office-written text (where to, why).
	Note string
	// DueAt: the new due time (extended), the due time that passed
	// (late), or the case's due time (received, accepted).
	DueAt time.Time
	// ClockKind: for late, the clock that went late.
	ClockKind string
	HasEmail  bool
	HasPhone  bool
	OptedOut  bool
	// Receipt: intake queued its receipt e-mail, which is the "received"
	// e-mail.
	Receipt bool
}

// NoticePlanner turns a batch of events into the citizen's alerts. The
// store calls it inside the batch's transaction.
type NoticePlanner func([]CaseNotice) []NewAlert

// Contact is where a citizen's message goes, read from the case's identity
// for this send only.
type Contact struct {
	Email string
	Phone string
}

// planNotices decides, per event, which channels tell the citizen.
func (s *Service) planNotices(events []CaseNotice) []NewAlert {
	var out []NewAlert
	for _, n := range events {
		if n.OptedOut {
			continue
		}
		if n.Event == NoticeLate && !noticeMainClocks[n.ClockKind] {
			continue
		}
		p := Payload{CaseCode: n.CaseCode, CaseKind: n.CaseKind, Status: n.Event, Event: n.Event, EventID: n.EventID,
			At: n.At.UTC(), DueAt: n.DueAt.UTC(), Link: s.trackLink(n.CaseCode)}
		switch n.Event {
		case NoticeForwarded, NoticeGuided, NoticeExtended:
			// A denunciation's reason may name the denounced ("chuyển
			// Thanh tra tỉnh: tố cáo ông X"), whether or not its author
			// kept their own name secret: it is left out.
			if !n.Sealed && n.CaseKind != access.KindDenunciation {
				p.Reason = shortReason(n.Note)
			}
		}
		switch n.Event {
		case NoticeForwarded, NoticeGuided, NoticeAnswered, NoticeClosed:
			p.DueAt = time.Time{}
		}
		body, _ := json.Marshal(p)
		var channels []Delivery
		if n.HasEmail && s.cfg.Mailer != nil && !(n.Event == NoticeReceived && n.Receipt) {
			channels = append(channels, Delivery{Channel: ChannelEmail, Lang: n.Lang})
		}
		if n.HasPhone && s.cfg.Gateway != nil {
			for _, ch := range s.cfg.GatewayChannels {
				// The webhook lane sends it; the target names the channel,
				// the gateway's URL is the configuration's.
				channels = append(channels, Delivery{Channel: ChannelWebhook, Target: ch, Lang: n.Lang})
			}
		}
		for _, d := range channels {
			ch := d.Channel
			if ch == ChannelWebhook {
				ch = d.Target
			}
			out = append(out, NewAlert{Subject: "event:" + strconv.FormatInt(n.EventID, 10), CaseID: n.CaseID, Kind: KindCitizen + n.Event,
				Recipient: "citizen:" + ch, DueAt: n.At, Payload: body, Deliveries: []Delivery{d}})
		}
	}
	return out
}

// shortReason is an office-written reason fit to leave the office: no
// phone, e-mail or ID number, one line, at most ReasonMax characters.
func shortReason(s string) string {
	s = strings.Join(strings.Fields(access.ScrubShapes(s)), " ")
	if utf8.RuneCountInString(s) <= ReasonMax {
		return s
	}
	r := []rune(s)[:ReasonMax-1]
	return strings.TrimSpace(string(r)) + "…"
}

// QueueNotices turns the case events not yet told into the citizen's
// alerts, batch by batch, until none is left.
func (s *Service) QueueNotices(ctx context.Context, now time.Time) (events, alerts, deliveries int, err error) {
	for {
		if err := ctx.Err(); err != nil {
			return events, alerts, deliveries, err
		}
		e, a, d, err := s.cfg.Store.QueueNotices(ctx, now, s.cfg.BatchSize, s.planNotices)
		events, alerts, deliveries = events+e, alerts+a, deliveries+d
		if err != nil || e == 0 {
			return events, alerts, deliveries, err
		}
	}
}

// GatewayMessage is the JSON body posted to the province's SMS and Zalo OA
// gateway, signed as every webhook is (HeaderSignature over HeaderTimestamp
// and the body). The gateway sends Template with Params to Recipient over
// Channel; a retry carries the same IdempotencyKey (case, event, channel),
// which the gateway must send at most once.
type GatewayMessage struct {
	IdempotencyKey string            `json:"idempotency_key"`
	Channel        string            `json:"channel"`
	Recipient      string            `json:"recipient"`
	Template       string            `json:"template"`
	Language       string            `json:"language"`
	Params         map[string]string `json:"params"`
	// Text is the message worded by phucdap's own template, for a
	// gateway that sends free text (an SMS brand name).
	Text string `json:"text"`
}

// NoticeKey is the idempotency key of a citizen's message: case, event,
// channel.
func NoticeKey(caseCode, event string, eventID int64, channel string) string {
	return caseCode + ":" + event + ":" + strconv.FormatInt(eventID, 10) + ":" + channel
}

// NoticeTemplate is the template id the gateway is given for an event:
// the gateway maps it to its SMS brand-name template or Zalo ZNS template.
func NoticeTemplate(event string) string { return "phucdap_" + event }

func (s *Service) gatewayBody(m OutboxMessage) ([]byte, error) {
	if m.Contact == nil || m.Contact.Phone == "" {
		return nil, fmt.Errorf("no phone for the citizen's %s message", m.Target)
	}
	p := m.Payload
	lang := langOf(m.Lang)
	r, err := s.mails.citizen(lang, p, "", "", s.cfg.AgencyName)
	if err != nil {
		return nil, err
	}
	params := map[string]string{"code": p.CaseCode, "status": r.status, "date": s.day(p.At)}
	if !p.DueAt.IsZero() {
		params["due"] = s.dueText(lang, p.DueAt)
		params["due_date"] = s.day(p.DueAt)
	}
	if p.Reason != "" {
		params["reason"] = p.Reason
	}
	if p.Link != "" {
		params["link"] = p.Link
	}
	return json.Marshal(GatewayMessage{IdempotencyKey: NoticeKey(p.CaseCode, p.Event, p.EventID, m.Target), Channel: m.Target,
		Recipient: m.Contact.Phone, Template: NoticeTemplate(p.Event), Language: lang, Params: params, Text: r.sms})
}

func (s *Service) day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return calendar.DateOf(t, s.cfg.Location).VN()
}

func (s *Service) dueText(lang string, due time.Time) string {
	return s.mails.dueText(lang, due)
}

func (s *Service) citizenEmail(m OutboxMessage, ref string) (Email, error) {
	if m.Contact == nil || m.Contact.Email == "" {
		return Email{}, fmt.Errorf("no e-mail for the citizen's message")
	}
	p := m.Payload
	link := p.Link
	if p.Event == NoticeAnswered && link != "" {
		link += "#answer"
	}
	unsub := ""
	if s.cfg.UnsubscribeLink != nil {
		unsub = s.cfg.UnsubscribeLink(p.CaseCode, langOf(m.Lang))
	}
	r, err := s.mails.citizen(langOf(m.Lang), p, link, unsub, s.cfg.AgencyName)
	if err != nil {
		return Email{}, err
	}
	return Email{To: m.Contact.Email, Subject: r.subject, Text: r.text, HTML: r.html, Ref: ref}, nil
}
