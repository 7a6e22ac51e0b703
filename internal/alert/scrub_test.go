package alert

import (
	"errors"
	"strings"
	"testing"
)

// TestScrubDeliveryError: what a gateway or SMTP server echoes of the
// citizen's contact does not reach the dead-letter list or the logs.
func TestScrubDeliveryError(t *testing.T) {
	err := errors.New(`gateway 400: {"recipient":"0912 345 678","error":"blocked"}; smtp 550 <hang.nt@example.vn>: no such user`)
	got := scrub(err)
	for _, leak := range []string{"0912", "345 678", "hang.nt", "example.vn"} {
		if strings.Contains(got, leak) {
			t.Errorf("%q keeps %q", got, leak)
		}
	}
	if !strings.Contains(got, "blocked") || !strings.Contains(got, "no such user") {
		t.Errorf("%q lost the error itself", got)
	}
}
