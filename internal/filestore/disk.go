// Package filestore owns attachment content on disk: content-addressed
// files under the data directory, written through a temporary file so that
// nothing half-written or unchecked is ever in place. It implements
// petition.Files; an object store can replace it behind the same interface.
package filestore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"time"

	"github.com/phucdap/phucdap/internal/petition"
)

// Disk stores files as <root>/<yyyy>/<sha256>. Temporary files live in
// <root>/tmp on the same file system, so the final move is atomic.
type Disk struct {
	root string
	now  func() time.Time

	mu    sync.Mutex
	ready bool
	pins  map[string]int // uploads in flight per key
}

var _ petition.Files = (*Disk)(nil)

// NewDisk returns a store rooted at dir. The directory is created on the
// first write; temporary files older than an hour, left by a crash, are
// removed then.
func NewDisk(dir string, now func() time.Time) *Disk {
	return &Disk{root: dir, now: now, pins: map[string]int{}}
}

func (d *Disk) ensure() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ready {
		return nil
	}
	if err := os.MkdirAll(d.tmpDir(), 0o750); err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	ents, _ := os.ReadDir(d.tmpDir())
	for _, e := range ents {
		// Modification times are the file system's, so wall time.
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > time.Hour {
			os.Remove(filepath.Join(d.tmpDir(), e.Name()))
		}
	}
	d.ready = true
	return nil
}

func (d *Disk) tmpDir() string { return filepath.Join(d.root, "tmp") }

// Root is the directory the store writes under.
func (d *Disk) Root() string { return d.root }

// Put copies r into a temporary file, at most limit bytes, hashing it on
// the way; check names its type from the content. Only a file that passes
// both is linked into place. Reading errors (a client that went away) come
// back as petition.ErrUploadInterrupted.
func (d *Disk) Put(ctx context.Context, r io.Reader, limit int64, check func(io.ReaderAt, int64) (string, error)) (petition.Stored, error) {
	if err := d.ensure(); err != nil {
		return petition.Stored{}, err
	}
	tmp, err := os.CreateTemp(d.tmpDir(), "up-*")
	if err != nil {
		return petition.Stored{}, fmt.Errorf("filestore: %w", err)
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), &readErr{r: io.LimitReader(r, limit+1)})
	if err != nil {
		var re *readError
		if errors.As(err, &re) {
			return petition.Stored{}, petition.ErrUploadInterrupted.Wrap(re.err)
		}
		return petition.Stored{}, fmt.Errorf("filestore: write: %w", err)
	}
	if n > limit {
		// Drain nothing more: the caller stops reading the request.
		return petition.Stored{}, petition.ErrFileTooLarge
	}
	mediaType, err := check(tmp, n)
	if err != nil {
		return petition.Stored{}, err
	}
	if err := tmp.Sync(); err != nil {
		return petition.Stored{}, fmt.Errorf("filestore: sync: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	key := fmt.Sprintf("%04d/%s", d.now().UTC().Year(), sum)
	final := d.path(key)
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return petition.Stored{}, fmt.Errorf("filestore: %w", err)
	}
	st := petition.Stored{Key: key, SHA256: sum, Size: n, MediaType: mediaType}
	d.mu.Lock()
	defer d.mu.Unlock()
	// Link fails if the content is already there: create-if-absent,
	// atomically, even against another process.
	switch err := os.Link(tmp.Name(), final); {
	case err == nil:
		st.Created = true
		syncDir(filepath.Dir(final))
	case errors.Is(err, fs.ErrExist):
	default:
		return petition.Stored{}, fmt.Errorf("filestore: link: %w", err)
	}
	d.pins[key]++
	return st, nil
}

// Open reads a stored file.
func (d *Disk) Open(_ context.Context, key string) (io.ReadCloser, error) {
	if !keyRe.MatchString(key) {
		return nil, fs.ErrNotExist
	}
	return os.Open(d.path(key))
}

// Release unpins a stored file that a committed case refers to.
func (d *Disk) Release(s petition.Stored) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.unpin(s.Key)
}

// Discard unpins s and removes the file if this Put created it and no other
// upload of the same content is in flight.
func (d *Disk) Discard(_ context.Context, s petition.Stored) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.unpin(s.Key) > 0 || !s.Created {
		return nil
	}
	if err := os.Remove(d.path(s.Key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("filestore: %w", err)
	}
	return nil
}

func (d *Disk) unpin(key string) int {
	n := d.pins[key] - 1
	if n <= 0 {
		delete(d.pins, key)
		return 0
	}
	d.pins[key] = n
	return n
}

var keyRe = regexp.MustCompile(`^\d{4}/[0-9a-f]{64}$`)

func (d *Disk) path(key string) string { return filepath.Join(d.root, filepath.FromSlash(key)) }

func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}

// readErr marks errors that come from the source, not the disk.
type readErr struct{ r io.Reader }

type readError struct{ err error }

func (e *readError) Error() string { return "read upload: " + e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

func (r *readErr) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		return n, &readError{err}
	}
	return n, err
}
