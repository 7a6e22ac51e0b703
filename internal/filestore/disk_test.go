package filestore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/petition"
)

var now = func() time.Time { return time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC) }

func files(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

func pdf(n int) []byte {
	b := bytes.Repeat([]byte{'.'}, n)
	copy(b, "%PDF-1.7")
	return b
}

func TestPutLimitsAndChecks(t *testing.T) {
	ctx := context.Background()
	d := NewDisk(t.TempDir(), now)
	const limit = 1 << 20

	st, err := d.Put(ctx, bytes.NewReader(pdf(limit)), limit, petition.DetectType)
	if err != nil || !st.Created || st.Size != limit || st.MediaType != petition.TypePDF || st.Key != "2026/"+st.SHA256 {
		t.Fatalf("exactly the limit: %+v %v", st, err)
	}
	got, err := d.Open(ctx, st.Key)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(got)
	got.Close()
	if !bytes.Equal(b, pdf(limit)) {
		t.Error("content differs")
	}
	if _, err := d.Put(ctx, bytes.NewReader(pdf(limit+1)), limit, petition.DetectType); !errors.Is(err, petition.ErrFileTooLarge) {
		t.Errorf("limit + 1: %v", err)
	}
	if _, err := d.Put(ctx, bytes.NewReader([]byte("MZ\x90")), limit, petition.DetectType); !errors.Is(err, petition.ErrFileType) {
		t.Errorf("exe: %v", err)
	}
	broken := io.MultiReader(bytes.NewReader(pdf(1000)), iotestErr{})
	if _, err := d.Put(ctx, broken, limit, petition.DetectType); fault.CodeOf(err) != fault.BadRequest {
		t.Errorf("broken reader: %v", err)
	}
	if left := files(t, d.Root()); len(left) != 1 || left[0] != filepath.Join("2026", st.SHA256) {
		t.Errorf("files: %v (refused uploads must leave nothing, tmp included)", left)
	}
	if _, err := d.Open(ctx, "../../etc/passwd"); err == nil {
		t.Error("Open outside the store")
	}
}

type iotestErr struct{}

func (iotestErr) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

// The same content twice: one file. Discarding the second upload keeps it;
// discarding the only upload that created it removes it, unless another
// upload of the same content is still in flight.
func TestDiscardRespectsSharedContent(t *testing.T) {
	ctx := context.Background()
	d := NewDisk(t.TempDir(), now)
	a, err := d.Put(ctx, bytes.NewReader(pdf(100)), 1000, petition.DetectType)
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.Put(ctx, bytes.NewReader(pdf(100)), 1000, petition.DetectType)
	if err != nil || b.Created || b.Key != a.Key {
		t.Fatalf("second put: %+v %v", b, err)
	}
	if err := d.Discard(ctx, a); err != nil { // b still holds it
		t.Fatal(err)
	}
	if len(files(t, d.Root())) != 1 {
		t.Error("removed while another upload held it")
	}
	d.Release(b)

	c, _ := d.Put(ctx, bytes.NewReader(pdf(200)), 1000, petition.DetectType)
	if err := d.Discard(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(d.Root(), filepath.FromSlash(c.Key))); !os.IsNotExist(err) {
		t.Error("discarded file still there")
	}
}
