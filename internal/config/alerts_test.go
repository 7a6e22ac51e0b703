package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The alert settings take their defaults, read lists from one
// comma-separated variable, and name the key of a bad value.
func TestAlertSettings(t *testing.T) {
	c, err := Load("", func() []string { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{3, 1}, c.Alerts.DueSoonLeads); diff != "" {
		t.Errorf("default leads (-want +got):\n%s", diff)
	}
	if c.SMTP.Host != "" || c.Alerts.EscalateAfter != 3 || c.Alerts.LateTo != "unit_head,office,webhooks" {
		t.Errorf("defaults: %+v %+v", c.SMTP, c.Alerts)
	}
	c, err = Load("", func() []string {
		return []string{"PHUCDAP_ALERTS__DUE_SOON_DAYS=5, 2", "PHUCDAP_WEBHOOK__URLS=https://a.example/h,http://127.0.0.1:9/x",
			"PHUCDAP_WEBHOOK__SECRET=0123456789abcdef", "PHUCDAP_JOBS__OVERDUE_SWEEP__SCHEDULE=*/2 * * * *",
			"PHUCDAP_JOBS__DAILY_DIGEST__ENABLED=false", "PHUCDAP_SMTP__HOST=127.0.0.1", "PHUCDAP_SMTP__FROM=phucdap@sxd.test"}
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{5, 2}, c.Alerts.DueSoonLeads); diff != "" {
		t.Errorf("leads (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(List{"https://a.example/h", "http://127.0.0.1:9/x"}, c.Webhook.URLs); diff != "" {
		t.Errorf("urls (-want +got):\n%s", diff)
	}
	j := c.Jobs.Jobs()
	if j["overdue-sweep"].Schedule != "*/2 * * * *" || j["daily-digest"].Enabled != "false" {
		t.Errorf("job overrides %+v", j)
	}
	for _, tc := range []struct{ env, key string }{
		{"PHUCDAP_ALERTS__DUE_SOON_DAYS=three", "alerts.due_soon_days"},
		{"PHUCDAP_ALERTS__LATE_TO=office,mayor", "alerts.late_to"},
		{"PHUCDAP_WEBHOOK__URLS=ftp://x", "webhook.urls"},
		{"PHUCDAP_SMTP__HOST=mail.example", "smtp.from"},
		{"PHUCDAP_JOBS__OUTBOX__RUN_AT_START=yes", "jobs.outbox.run_at_start"},
		{"PHUCDAP_SMTP__TLS=ssl", "smtp.tls"},
		{"PHUCDAP_NOTIFY__GATEWAY_URL=gateway.local/notify", "notify.gateway_url"},
		{"PHUCDAP_NOTIFY__GATEWAY_URL=https://gateway.local/notify", "notify.gateway_secret"},
		{"PHUCDAP_NOTIFY__CHANNELS=sms,telegram", "notify.channels"},
	} {
		_, err := Load("", func() []string { return []string{tc.env} })
		var ke *KeyError
		if !errors.As(err, &ke) || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%s: err %v, want one naming %s", tc.env, err, tc.key)
		}
	}
}

// The example configuration loads, with the alert settings it documents.
func TestExampleConfigLoads(t *testing.T) {
	c, err := Load("../../deploy/phucdap.example.yaml", func() []string { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if c.Alerts.LateTo != "unit_head,office,webhooks" || c.SMTP.TLS != "starttls" || len(c.Webhook.URLs) != 0 {
		t.Errorf("alerts %+v smtp %+v webhook %+v", c.Alerts, c.SMTP, c.Webhook)
	}
}
