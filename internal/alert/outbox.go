package alert

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// emailChunk is how many e-mails one SMTP session carries. Their outcomes
// are known, and recorded, when the session ends; a crash mid-session can
// re-send at most this many.
const emailChunk = 10

// webhookChunk: webhooks are taken and recorded one at a time, so a crash
// re-sends at most the one in flight, and receivers drop even that by its
// X-Phucdap-Delivery id.
const webhookChunk = 1

// lease is how long a taken chunk stays hidden from other senders: the
// time its sends may take (one send timeout each, plus one for the
// session), so a sender that dies releases its work that much later, not
// after a fixed ten minutes.
func (s *Service) lease(n int) time.Duration {
	return time.Duration(n+1) * s.cfg.SendTimeout
}

// Deliver is the outbox job: it moves intake's queued receipts into the
// outbox, then sends every due delivery, chunk by chunk, until none is due.
// Each chunk's outcome is recorded as soon as it is known: after each
// webhook, after each SMTP session. A failure is retried with exponential
// backoff and jitter; after the last attempt the delivery is dead and
// shown to admins.
func (s *Service) Deliver(ctx context.Context, now time.Time) (map[string]int, error) {
	counts := map[string]int{}
	type lane struct {
		channel string
		chunk   int
	}
	var lanes []lane
	if s.cfg.Mailer != nil {
		lanes = append(lanes, lane{ChannelEmail, emailChunk})
		n, err := s.cfg.Store.QueueReceipts(ctx, now)
		if err != nil {
			return counts, err
		}
		counts["receipts_queued"] = n
	}
	// The citizen's notifications are written whatever is configured, so
	// that a channel turned on later does not tell the whole archive.
	events, _, queued, err := s.QueueNotices(ctx, now)
	if err != nil {
		return counts, err
	}
	counts["notices"], counts["notices_queued"] = events, queued
	bookings, queued, err := s.QueueBookings(ctx, now)
	if err != nil {
		return counts, err
	}
	counts["bookings"], counts["bookings_queued"] = bookings, queued
	visits, queued, err := s.QueueVisitRatings(ctx, now)
	if err != nil {
		return counts, err
	}
	counts["visits"], counts["visits_queued"] = visits, queued
	if s.cfg.Hooks != nil || s.cfg.Gateway != nil {
		lanes = append(lanes, lane{ChannelWebhook, webhookChunk})
	}
	began := time.Now()
	for _, l := range lanes {
		for {
			if err := ctx.Err(); err != nil {
				return counts, err
			}
			// The run is "as of now", but leases are real time: a long run
			// must not lease into the past.
			at := now.Add(time.Since(began))
			msgs, err := s.cfg.Store.LeaseOutbox(ctx, at, s.lease(l.chunk), l.chunk, []string{l.channel})
			if err != nil {
				return counts, err
			}
			if len(msgs) == 0 {
				break
			}
			results := s.send(ctx, at, msgs)
			for _, r := range results {
				switch {
				case r.Sent:
					counts["sent"]++
				case r.Dead:
					counts["dead"]++
				default:
					counts["retry"]++
				}
			}
			// Record outcomes even if the job is being cancelled: the
			// messages went out (or not) either way.
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			err = s.cfg.Store.Settle(sctx, at, results)
			cancel()
			if err != nil {
				return counts, err
			}
		}
	}
	return counts, nil
}

func (s *Service) send(ctx context.Context, now time.Time, msgs []OutboxMessage) []Settlement {
	results := make([]Settlement, len(msgs))
	var emails []Email
	var emailIdx []int
	for i, m := range msgs {
		results[i] = Settlement{ID: m.ID, MailQueueID: m.MailQueueID, Attempts: m.Attempts}
		switch m.Channel {
		case ChannelEmail:
			e, err := s.renderEmail(m)
			if err != nil {
				s.fail(&results[i], now, err)
				continue
			}
			emails = append(emails, e)
			emailIdx = append(emailIdx, i)
		case ChannelWebhook:
			var err error
			if strings.HasPrefix(m.AlertKind, KindCitizen) {
				var body []byte
				if isBooking(m.AlertKind) {
					body, err = s.bookingGatewayBody(m)
				} else if isVisitRating(m.AlertKind) {
					body, err = s.visitRatingGatewayBody(m)
				} else {
					body, err = s.gatewayBody(m)
				}
				if err == nil && s.cfg.Gateway == nil {
					err = errors.New("no gateway configured for the citizen's SMS and Zalo messages")
				}
				if err == nil {
					err = s.cfg.Gateway.Post(ctx, s.cfg.GatewayURL, body, m.ID)
				}
			} else {
				var body []byte
				if body, err = s.webhookBody(m); err == nil && s.cfg.Hooks == nil {
					err = errors.New("no webhook configured")
				}
				if err == nil {
					err = s.cfg.Hooks.Post(ctx, m.Target, body, m.ID)
				}
			}
			if err != nil {
				s.fail(&results[i], now, err)
				continue
			}
			results[i].Sent = true
		}
	}
	if len(emails) > 0 {
		errs := s.cfg.Mailer.Send(ctx, emails)
		for k, i := range emailIdx {
			if errs[k] != nil {
				s.fail(&results[i], now, errs[k])
				continue
			}
			results[i].Sent = true
		}
	}
	return results
}

// fail decides what follows a failed attempt.
func (s *Service) fail(r *Settlement, now time.Time, err error) {
	r.Error = scrub(err)
	if r.Attempts >= s.cfg.Retry.MaxAttempts {
		r.Dead = true
		s.cfg.Log.Warn("delivery dead after its last attempt", "outbox_id", r.ID, "attempts", r.Attempts, "err", r.Error)
		return
	}
	r.NextAttempt = now.Add(s.cfg.Retry.Backoff(r.Attempts))
}

// Backoff is the wait after attempt n (1-based) failed.
func (p RetryPolicy) Backoff(n int) time.Duration {
	d := p.Base
	for i := 1; i < n && d < p.Max; i++ {
		d *= 2
	}
	d = min(d, p.Max)
	j := p.Jitter
	if j == nil {
		j = rand.Float64
	}
	// Equal jitter: half fixed, half random, so retries of many messages
	// that failed together spread out but never come back at once.
	return d/2 + time.Duration(j()*float64(d/2))
}

// WebhookMessage is the JSON body of a webhook.
type WebhookMessage struct {
	Delivery  int64     `json:"delivery"`
	Alert     int64     `json:"alert"`
	Kind      string    `json:"kind"`
	Text      string    `json:"text"`
	CaseCode  string    `json:"case_code,omitempty"`
	CaseKind  string    `json:"case_kind,omitempty"`
	ClockKind string    `json:"clock_kind,omitempty"`
	Topic     string    `json:"topic,omitempty"`
	Unit      string    `json:"unit,omitempty"`
	UnitCode  string    `json:"unit_code,omitempty"`
	DueAt     time.Time `json:"due_at,omitzero"`
	DaysLate  int       `json:"days_late,omitempty"`
	DaysLeft  int       `json:"days_left,omitempty"`
	Link      string    `json:"link,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

func (s *Service) webhookBody(m OutboxMessage) ([]byte, error) {
	p := m.Payload
	subject, _, _, err := s.mails.render(m.Lang, m.AlertKind, p)
	if err != nil {
		return nil, err
	}
	return json.Marshal(WebhookMessage{Delivery: m.ID, Alert: m.AlertID, Kind: m.AlertKind, Text: subject,
		CaseCode: p.CaseCode, CaseKind: p.CaseKind, ClockKind: p.ClockKind, Topic: p.Topic(m.Lang), Unit: p.Unit(m.Lang),
		UnitCode: p.UnitCode, DueAt: p.DueAt, DaysLate: p.DaysLate, DaysLeft: p.DaysLeft, Link: p.Link, CreatedAt: m.CreatedAt.UTC()})
}

func (s *Service) renderEmail(m OutboxMessage) (Email, error) {
	ref := "outbox-" + strconv.FormatInt(m.ID, 10)
	if m.Receipt != nil {
		unsub := ""
		if s.cfg.UnsubscribeLink != nil {
			unsub = s.cfg.UnsubscribeLink(m.Receipt.CaseCode, langOf(m.Lang))
		}
		subject, text, html, err := s.mails.receipt(m.Lang, *m.Receipt, s.trackLink(m.Receipt.CaseCode), unsub, s.cfg.AgencyName)
		if err != nil {
			return Email{}, err
		}
		return Email{To: m.Receipt.Email, Subject: subject, Text: text, HTML: html, Ref: ref}, nil
	}
	if isBooking(m.AlertKind) {
		return s.bookingEmail(m, ref)
	}
	if strings.HasPrefix(m.AlertKind, KindCitizen) {
		return s.citizenEmail(m, ref)
	}
	subject, text, html, err := s.mails.render(m.Lang, m.AlertKind, m.Payload)
	if err != nil {
		return Email{}, err
	}
	return Email{To: m.Target, Subject: subject, Text: text, HTML: html, Ref: ref}, nil
}

func (s *Service) trackLink(code string) string {
	if s.cfg.BaseURL == "" {
		return ""
	}
	return s.cfg.BaseURL + s.cfg.TrackPath + "?code=" + code
}

// isBooking says whether an alert kind is a reception booking's message.
func isBooking(kind string) bool {
	return kind == KindCitizen+NoticeBooking || kind == KindCitizen+NoticeBookingReminder
}
