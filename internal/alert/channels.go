package alert

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/phucdap/phucdap/internal/access"
)

// Email is one message to send. Text is always set: every e-mail has a
// plain-text part, for mail readers and accessibility.
type Email struct {
	To      string
	Subject string
	Text    string
	HTML    string
	// Ref is our id of the delivery, used in the Message-ID so a resend
	// of the same delivery is recognisable.
	Ref string
}

// Mailer sends e-mails. Send returns one error per message, nil for those
// accepted by the server.
type Mailer interface {
	Send(ctx context.Context, msgs []Email) []error
}

// SMTPConfig is how to reach the SMTP server.
type SMTPConfig struct {
	Host string
	Port int
	// TLS: "starttls" (required), "opportunistic", "tls" (implicit, port
	// 465) or "none".
	TLS string
	// Auth: "" or "none", "plain", "login", "cram-md5", "auto".
	Auth     string
	Username string
	Password string
	From     string
	FromName string
	Timeout  time.Duration
	// HELO is the name we greet the server with; default the host name.
	HELO string
}

// SMTPMailer sends through go-mail over SMTP.
type SMTPMailer struct {
	cfg SMTPConfig
}

// NewSMTPMailer checks the settings.
func NewSMTPMailer(c SMTPConfig) (*SMTPMailer, error) {
	if c.Host == "" || c.From == "" {
		return nil, errors.New("smtp: host and from are required")
	}
	if c.Port == 0 {
		c.Port = 587
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	switch c.TLS {
	case "", "starttls", "opportunistic", "tls", "none":
	default:
		return nil, fmt.Errorf("smtp: unknown tls mode %q (want starttls, opportunistic, tls or none)", c.TLS)
	}
	if _, err := authType(c.Auth); err != nil {
		return nil, err
	}
	return &SMTPMailer{cfg: c}, nil
}

func authType(s string) (mail.SMTPAuthType, error) {
	switch strings.ToLower(s) {
	case "", "none":
		return mail.SMTPAuthNoAuth, nil
	case "plain":
		return mail.SMTPAuthPlain, nil
	case "login":
		return mail.SMTPAuthLogin, nil
	case "cram-md5":
		return mail.SMTPAuthCramMD5, nil
	case "auto":
		return mail.SMTPAuthAutoDiscover, nil
	}
	return "", fmt.Errorf("smtp: unknown auth %q (want none, plain, login, cram-md5 or auto)", s)
}

func (m *SMTPMailer) client() (*mail.Client, error) {
	c := m.cfg
	opts := []mail.Option{mail.WithPort(c.Port), mail.WithTimeout(c.Timeout)}
	switch c.TLS {
	case "", "starttls":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case "opportunistic":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if at, _ := authType(c.Auth); at != mail.SMTPAuthNoAuth {
		opts = append(opts, mail.WithSMTPAuth(at), mail.WithUsername(c.Username), mail.WithPassword(c.Password))
	}
	if c.HELO != "" {
		opts = append(opts, mail.WithHELO(c.HELO))
	}
	return mail.NewClient(c.Host, opts...)
}

// Send delivers the messages over one SMTP session.
func (m *SMTPMailer) Send(ctx context.Context, msgs []Email) []error {
	errs := make([]error, len(msgs))
	built := make([]*mail.Msg, 0, len(msgs))
	index := make([]int, 0, len(msgs))
	for i, e := range msgs {
		msg := mail.NewMsg()
		var err error
		if m.cfg.FromName != "" {
			err = msg.FromFormat(m.cfg.FromName, m.cfg.From)
		} else {
			err = msg.From(m.cfg.From)
		}
		if err == nil {
			err = msg.To(e.To)
		}
		if err != nil {
			errs[i] = fmt.Errorf("address: %w", err)
			continue
		}
		msg.Subject(e.Subject)
		msg.SetDate()
		if e.Ref != "" {
			msg.SetMessageIDWithValue(e.Ref + "@phucdap")
		} else {
			msg.SetMessageID()
		}
		// Alerts are automatic: no out-of-office replies, please.
		msg.SetGenHeader(mail.Header("Auto-Submitted"), "auto-generated")
		msg.SetGenHeader(mail.HeaderXAutoResponseSuppress, "All")
		msg.SetBodyString(mail.TypeTextPlain, e.Text)
		if e.HTML != "" {
			msg.AddAlternativeString(mail.TypeTextHTML, e.HTML)
		}
		built = append(built, msg)
		index = append(index, i)
	}
	if len(built) == 0 {
		return errs
	}
	c, err := m.client()
	if err != nil {
		for _, i := range index {
			errs[i] = err
		}
		return errs
	}
	sendErr := c.DialAndSendWithContext(ctx, built...)
	for k, msg := range built {
		switch {
		case msg.HasSendError():
			errs[index[k]] = msg.SendError()
		case sendErr != nil && !isPerMessage(sendErr):
			// The session failed before or around this message (dial,
			// TLS, auth): it was not sent.
			errs[index[k]] = sendErr
		}
	}
	return errs
}

// isPerMessage says whether a joined send error is only the messages' own
// errors (recorded on each Msg), not a session failure.
func isPerMessage(err error) bool {
	return !strings.HasPrefix(err.Error(), "dial failed") && !strings.Contains(err.Error(), "failed to close connection")
}

// WebhookSender posts a signed JSON body.
type WebhookSender interface {
	Post(ctx context.Context, url string, body []byte, deliveryID int64) error
}

// Webhook header names. The signature is HMAC-SHA256, keyed with the shared
// secret, over the timestamp, a dot, and the raw body:
//
//	X-Phucdap-Signature: sha256=hex(HMAC(secret, timestamp + "." + body))
//
// A receiver recomputes it and refuses a timestamp more than a few minutes
// old, which stops replays; X-Phucdap-Delivery lets it drop a retry of a
// delivery it already took.
const (
	HeaderSignature = "X-Phucdap-Signature"
	HeaderTimestamp = "X-Phucdap-Timestamp"
	HeaderDelivery  = "X-Phucdap-Delivery"
)

// Sign returns the signature header value.
func Sign(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte("."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature and that the timestamp is within maxAge of now.
func Verify(secret, timestamp, signature string, body []byte, now time.Time, maxAge time.Duration) bool {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return false
	}
	if d := now.Sub(time.Unix(ts, 0)); d > maxAge || d < -maxAge {
		return false
	}
	return hmac.Equal([]byte(Sign(secret, timestamp, body)), []byte(signature))
}

// HTTPWebhook posts webhooks over HTTP.
type HTTPWebhook struct {
	Secret string
	Client *http.Client
	// Now stamps the request; the receiver compares it with its own clock,
	// so it is wall time, not the (possibly shifted) platform clock.
	Now func() time.Time
}

// Post sends body; any status but 2xx is an error to retry.
func (w *HTTPWebhook) Post(ctx context.Context, url string, body []byte, deliveryID int64) error {
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	ts := strconv.FormatInt(now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "phucdap-webhook/1")
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign(w.Secret, ts, body))
	req.Header.Set(HeaderDelivery, strconv.FormatInt(deliveryID, 10))
	c := w.Client
	if c == nil {
		c = &http.Client{Timeout: 15 * time.Second}
	}
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 4096))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("webhook answered %s", res.Status)
	}
	return nil
}

var emailish = regexp.MustCompile(`[^\s<>"',;:]+@[^\s<>"',;:]+`)

// scrub keeps an error fit for the admins' dead-letter list and the logs:
// no e-mail address (an SMTP server echoes the recipient, who may be a
// petitioner), no phone or ID number (a gateway may echo the citizen's
// phone), and not too long.
func scrub(err error) string {
	s := access.ScrubShapes(emailish.ReplaceAllString(err.Error(), "<address>"))
	if len(s) > 500 {
		s = s[:500] + "…"
	}
	return s
}
