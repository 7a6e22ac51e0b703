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

// A citizen who booked a reception day is told twice: when the booking is
// confirmed, and the day before the reception day. The messages go
// through the citizen's channels exactly as a case's notices do: a ledger
// row per channel (subject "booking:<id>", recipient "citizen:<channel>",
// kind "citizen.booking" or "citizen.booking_reminder", the booking in
// booking_id), its delivery an outbox row with the same retries, the
// citizen's address and phone read from the booking when the message is
// sent, never copied into the ledger or the outbox.
//
// What a message says is the booking's code, the day and hours, who
// receives, the place and the online link: what the public schedule
// publishes, and the code; and the signed link that cancels the booking,
// whose page shows no more than the message. Never the kind of what the citizen brings, the
// topic, the description or a name, for any booking: a denunciation's
// booking (sealed) reads like any other, so an SMS seen by someone else,
// or the gateway's logs, say nothing of a denunciation.

// The booking events, as the ledger's kinds name them after KindCitizen.
const (
	NoticeBooking         = "booking"
	NoticeBookingReminder = "booking_reminder"
)

// BookingNotice is a booking to tell the citizen of, with the facts a
// message may carry and what decides its channels. It holds no address,
// phone or name: only whether an e-mail address was given (a booking
// always has a phone).
type BookingNotice struct {
	BookingID int64
	Code      string
	Day       calendar.Date
	// StartMin and EndMin are the hours, minutes after midnight.
	StartMin, EndMin int
	Host, Place      string
	OnlineURL        string
	// Lang is the language the citizen booked in.
	Lang     string
	HasEmail bool
}

// BookingPlanner turns a batch of bookings into the citizen's alerts. The
// store calls it inside the batch's transaction.
type BookingPlanner func([]BookingNotice) []NewAlert

// planBooking decides the channels of a booking's message: e-mail where an
// address was given, and the gateway's channels (SMS, Zalo) for the phone.
// key is the ledger's due time: for a confirmation the day it was queued
// (so a repeat sends it again at most once a day), for a reminder the
// reception day (once).
func (s *Service) planBooking(event string, list []BookingNotice, key func(BookingNotice) time.Time) []NewAlert {
	var out []NewAlert
	for _, b := range list {
		p := Payload{Event: event, BookingCode: b.Code, Day: b.Day.String(), Hours: hours(b.StartMin, b.EndMin), Host: b.Host,
			Place: b.Place, OnlineURL: b.OnlineURL, Link: s.scheduleLink()}
		if s.cfg.BookingCancelLink != nil && s.cfg.BaseURL != "" {
			p.CancelLink = s.cfg.BookingCancelLink(b.BookingID, b.Lang)
		}
		body, _ := json.Marshal(p)
		var channels []Delivery
		if b.HasEmail && s.cfg.Mailer != nil {
			channels = append(channels, Delivery{Channel: ChannelEmail, Lang: b.Lang})
		}
		if s.cfg.Gateway != nil {
			for _, ch := range s.cfg.GatewayChannels {
				channels = append(channels, Delivery{Channel: ChannelWebhook, Target: ch, Lang: b.Lang})
			}
		}
		for _, d := range channels {
			ch := d.Channel
			if ch == ChannelWebhook {
				ch = d.Target
			}
			out = append(out, NewAlert{Subject: "booking:" + strconv.FormatInt(b.BookingID, 10), BookingID: b.BookingID, Kind: KindCitizen + event,
				Recipient: "citizen:" + ch, DueAt: key(b), Payload: body, Deliveries: []Delivery{d}})
		}
	}
	return out
}

func hours(start, end int) string {
	// A plain hyphen: an SMS stays in the GSM alphabet, one segment.
	return fmt.Sprintf("%02d:%02d-%02d:%02d", start/60, start%60, end/60, end%60)
}

// scheduleLink is the public reception schedule, where the booking's day
// is published.
func (s *Service) scheduleLink() string {
	if s.cfg.BaseURL == "" {
		return ""
	}
	return s.cfg.BaseURL + "/lich-tiep-cong-dan"
}

// QueueBookings turns the bookings not yet confirmed into the citizen's
// alerts, batch by batch, until none is left. The outbox job runs it.
func (s *Service) QueueBookings(ctx context.Context, now time.Time) (bookings, deliveries int, err error) {
	day := calendar.DateOf(now, s.cfg.Location).Time(s.cfg.Location)
	plan := func(list []BookingNotice) []NewAlert {
		return s.planBooking(NoticeBooking, list, func(BookingNotice) time.Time { return day })
	}
	for {
		if err := ctx.Err(); err != nil {
			return bookings, deliveries, err
		}
		n, _, d, err := s.cfg.Store.QueueBookings(ctx, now, s.cfg.BatchSize, plan)
		bookings, deliveries = bookings+n, deliveries+d
		if err != nil || n < max(s.cfg.BatchSize, 1) {
			return bookings, deliveries, err
		}
	}
}

// BookingReminders is the reception-reminder job: the day before a
// reception day, each citizen who booked it is reminded, once (the
// booking is marked reminded in the transaction that writes the ledger
// rows, whose key is the booking and the day). State-based: a run that
// was missed is caught up on the reception day itself. A booking made on
// the day before or later has just been confirmed and is not reminded; a
// day since cancelled or moved away, or a schedule no longer published,
// is not reminded either.
func (s *Service) BookingReminders(ctx context.Context, now time.Time) (map[string]int, error) {
	counts := map[string]int{}
	today := calendar.DateOf(now, s.cfg.Location)
	for _, day := range []calendar.Date{today, today.AddDays(1)} {
		due := day.Time(s.cfg.Location)
		plan := func(list []BookingNotice) []NewAlert {
			return s.planBooking(NoticeBookingReminder, list, func(BookingNotice) time.Time { return due })
		}
		for {
			if err := ctx.Err(); err != nil {
				return counts, err
			}
			n, a, d, err := s.cfg.Store.RemindBookings(ctx, now, day, day.AddDays(-1).Time(s.cfg.Location), s.cfg.BatchSize, s.cfg.Calendar(ctx), plan)
			counts["bookings"] += n
			counts["alerts"] += a
			counts["queued"] += d
			if err != nil {
				return counts, err
			}
			if n < max(s.cfg.BatchSize, 1) {
				break
			}
		}
	}
	return counts, nil
}

// bookingData is what a booking's message templates see.
type bookingData struct {
	Payload
	// Agency is who signs inside a sentence, AgencyStart as one opens.
	Agency, AgencyStart string
	// DayText is the reception day in the message's language.
	DayText string
}

// bookingMessage renders a booking's message: the e-mail (subject, text,
// HTML) and the short text for SMS and Zalo.
func (t *templates) booking(lang string, p Payload, agency string) (citizenMessage, error) {
	d := bookingData{Payload: p, Agency: t.agency(lang, agency), AgencyStart: t.agencyStart(lang, agency), DayText: t.day(lang, p.Day)}
	tt := t.text[lang]
	var m citizenMessage
	for _, part := range []struct {
		name string
		into *string
	}{{"subject", &m.subject}, {"sms", &m.sms}, {"status", &m.status}} {
		var b bytes.Buffer
		if err := tt.ExecuteTemplate(&b, part.name+":citizen."+p.Event, d); err != nil {
			return m, fmt.Errorf("render booking %s %s: %w", p.Event, part.name, err)
		}
		*part.into = strings.TrimSpace(b.String())
	}
	var b bytes.Buffer
	if err := tt.ExecuteTemplate(&b, "text:citizen."+p.Event, d); err != nil {
		return m, fmt.Errorf("render booking text: %w", err)
	}
	m.text = strings.TrimLeft(b.String(), "\n")
	b.Reset()
	if err := t.html[lang].ExecuteTemplate(&b, "html:citizen."+p.Event, d); err != nil {
		return m, fmt.Errorf("render booking html: %w", err)
	}
	m.html = b.String()
	return m, nil
}

// day words a reception day with its weekday, as the public schedule
// does: "Thứ Năm, 03/12/2026", "Thursday 3 December 2026".
func (t *templates) day(lang, s string) string {
	d, err := calendar.ParseDate(s)
	if err != nil {
		return s
	}
	return t.word(lang, "alert.reception_day", map[string]any{"Weekday": t.word(lang, "reception.weekday."+strconv.Itoa(int(d.Weekday())), nil), "Date": d})
}

func (s *Service) bookingEmail(m OutboxMessage, ref string) (Email, error) {
	if m.Contact == nil || m.Contact.Email == "" {
		return Email{}, fmt.Errorf("no e-mail for the citizen's booking message")
	}
	r, err := s.mails.booking(langOf(m.Lang), m.Payload, s.cfg.AgencyName)
	if err != nil {
		return Email{}, err
	}
	return Email{To: m.Contact.Email, Subject: r.subject, Text: r.text, HTML: r.html, Ref: ref}, nil
}

func (s *Service) bookingGatewayBody(m OutboxMessage) ([]byte, error) {
	if m.Contact == nil || m.Contact.Phone == "" {
		return nil, fmt.Errorf("no phone for the citizen's %s message", m.Target)
	}
	p := m.Payload
	lang := langOf(m.Lang)
	r, err := s.mails.booking(lang, p, s.cfg.AgencyName)
	if err != nil {
		return nil, err
	}
	day, _ := calendar.ParseDate(p.Day)
	params := map[string]string{"code": p.BookingCode, "status": r.status, "date": day.VN(), "hours": p.Hours, "place": p.Place}
	if p.OnlineURL != "" {
		params["online"] = p.OnlineURL
	}
	if p.Link != "" {
		params["link"] = p.Link
	}
	if p.CancelLink != "" {
		params["cancel"] = p.CancelLink
	}
	// The ledger row's id: a confirmation sent again on another day is
	// another message, a retry of one the same.
	return json.Marshal(GatewayMessage{IdempotencyKey: NoticeKey(p.BookingCode, p.Event, m.AlertID, m.Target), Channel: m.Target,
		Recipient: m.Contact.Phone, Template: NoticeTemplate(p.Event), Language: lang, Params: params, Text: r.sms})
}

// KindReceptionMissed: a leadership reception day passed with no session
// recorded (plan 55 III.1 counts the days held against those scheduled);
// the office is told, in-app and by e-mail, once per reception day.
const KindReceptionMissed = "reception_missed"

// MissedReception is a leadership reception day with no session recorded.
type MissedReception struct {
	ScheduleID       int64
	Day              calendar.Date
	Host, Place      string
	StartMin, EndMin int
}

// ReceptionMissed raises the office's alert for each day of list, once:
// the ledger's key is the schedule, the day and the office member, so a
// rerun, another replica or a later day's run adds nothing.
func (s *Service) ReceptionMissed(ctx context.Context, now time.Time, list []MissedReception) (map[string]int, error) {
	counts := map[string]int{"days": len(list)}
	if len(list) == 0 {
		return counts, nil
	}
	dir, err := s.directory(ctx)
	if err != nil {
		return counts, err
	}
	rs := dir.resolve([]Audience{Office}, 0)
	var alerts []NewAlert
	for _, m := range list {
		link := ""
		if s.cfg.BaseURL != "" {
			link = s.cfg.BaseURL + "/staff/reception/day?d=" + m.Day.String()
		}
		body, _ := json.Marshal(Payload{Day: m.Day.String(), Host: m.Host, Place: m.Place, Hours: hours(m.StartMin, m.EndMin), Link: link})
		subject := "reception:" + strconv.FormatInt(m.ScheduleID, 10) + ":" + m.Day.String()
		for _, r := range rs {
			alerts = append(alerts, s.newAlert(subject, 0, 0, KindReceptionMissed, m.Day.Time(s.cfg.Location), r, body, true))
		}
	}
	n, q, err := s.cfg.Store.Raise(ctx, alerts, now)
	counts["alerts"], counts["queued"] = n, q
	return counts, err
}
