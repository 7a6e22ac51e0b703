package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
)

// After a reception session the visitor who gave a phone is sent the
// session's rating link by SMS or Zalo, once, through the ledger and
// outbox the case notices use: a ledger row per channel (subject
// "session:<id>", recipient "citizen:<channel>", kind
// "citizen.visit_rating", the session in session_id), its delivery an
// outbox row with the same retries. The phone is read from the session
// (a sealed session's from its case's identity) when the message is sent.
// The message says the day and the link: nothing of what was brought, for
// any session, so a denouncer's reads like anyone's.

// NoticeVisitRating is the visitor's rating link, as the ledger's kind
// names it after KindCitizen.
const NoticeVisitRating = "visit_rating"

// SessionNotice is a reception session whose visitor may be sent its
// rating link. It holds no phone: only whether one was given.
type SessionNotice struct {
	SessionID int64
	Day       calendar.Date
	HasPhone  bool
	// OptedOut: the session's case has its notifications turned off.
	OptedOut bool
	// Rated: the visitor rated already (at the desk, on the receipt's
	// link).
	Rated bool
}

// SessionPlanner turns a batch of sessions into the visitors' alerts. The
// store calls it inside the batch's transaction.
type SessionPlanner func([]SessionNotice) []NewAlert

// planVisitRatings decides the channels of each session's message: the
// gateway's (SMS, Zalo) for a phone; none without a gateway or a rating
// link to send (no base_url).
func (s *Service) planVisitRatings(list []SessionNotice) []NewAlert {
	if s.cfg.Gateway == nil || s.cfg.RatingLink == nil || s.cfg.BaseURL == "" {
		return nil
	}
	var out []NewAlert
	for _, n := range list {
		if !n.HasPhone || n.OptedOut || n.Rated {
			continue
		}
		p := Payload{Event: NoticeVisitRating, SessionID: n.SessionID, Day: n.Day.String(), Link: s.cfg.RatingLink(n.SessionID)}
		body, _ := json.Marshal(p)
		for _, ch := range s.cfg.GatewayChannels {
			out = append(out, NewAlert{Subject: "session:" + strconv.FormatInt(n.SessionID, 10), SessionID: n.SessionID,
				Kind: KindCitizen + NoticeVisitRating, Recipient: "citizen:" + ch, DueAt: n.Day.Time(s.cfg.Location), Payload: body,
				Deliveries: []Delivery{{Channel: ChannelWebhook, Target: ch, Lang: "vi"}}})
		}
	}
	return out
}

// QueueVisitRatings turns the sessions not yet told into the visitors'
// alerts, batch by batch, until none is left. The outbox job runs it.
func (s *Service) QueueVisitRatings(ctx context.Context, now time.Time) (sessions, deliveries int, err error) {
	for {
		if err := ctx.Err(); err != nil {
			return sessions, deliveries, err
		}
		n, _, d, err := s.cfg.Store.QueueVisitRatings(ctx, now, s.cfg.BatchSize, s.planVisitRatings)
		sessions, deliveries = sessions+n, deliveries+d
		if err != nil || n < max(s.cfg.BatchSize, 1) {
			return sessions, deliveries, err
		}
	}
}

// isVisitRating says whether an alert kind is a visitor's rating link.
func isVisitRating(kind string) bool { return kind == KindCitizen+NoticeVisitRating }

// visitRatingGatewayBody is the gateway's message of a rating link.
func (s *Service) visitRatingGatewayBody(m OutboxMessage) ([]byte, error) {
	if m.Contact == nil || m.Contact.Phone == "" {
		return nil, fmt.Errorf("no phone for the visitor's %s message", m.Target)
	}
	p := m.Payload
	lang := langOf(m.Lang)
	d := bookingData{Payload: p, Agency: s.mails.agency(lang, s.cfg.AgencyName), AgencyStart: s.mails.agencyStart(lang, s.cfg.AgencyName),
		DayText: s.mails.day(lang, p.Day)}
	words := map[string]string{}
	for _, part := range []string{"sms", "status"} {
		var b bytes.Buffer
		if err := s.mails.text[lang].ExecuteTemplate(&b, part+":citizen."+NoticeVisitRating, d); err != nil {
			return nil, fmt.Errorf("render the rating link's %s: %w", part, err)
		}
		words[part] = strings.TrimSpace(b.String())
	}
	day, _ := calendar.ParseDate(p.Day)
	ref := "TCD-S" + strconv.FormatInt(p.SessionID, 10)
	return json.Marshal(GatewayMessage{IdempotencyKey: NoticeKey(ref, p.Event, m.AlertID, m.Target), Channel: m.Target,
		Recipient: m.Contact.Phone, Template: NoticeTemplate(p.Event), Language: lang,
		Params: map[string]string{"code": ref, "status": words["status"], "date": day.VN(), "link": p.Link}, Text: words["sms"]})
}
