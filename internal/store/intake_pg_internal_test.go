package store

import (
	"io"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// A refused insert means the server skipped the COMMIT sent with it; a
// connection lost after both went out leaves the batch possibly committed,
// and the error must say so to whoever reads the log.
func TestCommitErrSaysWhenTheOutcomeIsUnknown(t *testing.T) {
	refused := commitErr("insert case records", &pgconn.PgError{Code: "23505", Message: "duplicate key"})
	if strings.Contains(refused.Error(), "may be committed") {
		t.Errorf("a server's refusal reads as an unknown outcome: %v", refused)
	}
	lost := commitErr("insert case records", io.ErrUnexpectedEOF)
	if !strings.Contains(lost.Error(), "may be committed") {
		t.Errorf("a lost connection does not say the batch may be committed: %v", lost)
	}
	if lost.Error() == "" || !strings.Contains(lost.Error(), io.ErrUnexpectedEOF.Error()) {
		t.Errorf("the cause is lost: %v", lost)
	}
}
