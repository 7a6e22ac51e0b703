package petition

import (
	"archive/zip"
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"path"
	"strings"

	"github.com/phucdap/phucdap/internal/fault"
)

// Accepted attachment types, recognised by their content.
const (
	TypePDF  = "application/pdf"
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)

// Stored is a file the file store holds. Created says whether this Put wrote
// it (false: the same content was already there).
type Stored struct {
	Key       string
	SHA256    string
	Size      int64
	MediaType string
	Created   bool
}

// Upload is an attached file: the name the person gave it and where it is.
type Upload struct {
	Name   string
	Stored Stored
}

// Files stores attachment content. Put writes to a temporary file, checks
// size and type, and only then moves the file into place; a failed or
// half-received upload leaves nothing behind. A stored file stays pinned
// until Release or Discard, so that a concurrent Discard of the same
// content cannot remove it.
type Files interface {
	Put(ctx context.Context, r io.Reader, limit int64, check func(r io.ReaderAt, size int64) (string, error)) (Stored, error)
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	Release(s Stored)
	// Discard releases s and removes the file if this Put created it and
	// no other upload holds it.
	Discard(ctx context.Context, s Stored) error
}

// File errors. Put returns them; ReadParts names the file in Args.
var (
	ErrFileTooLarge = &fault.Error{Code: fault.TooLarge, Field: FieldFiles, MessageID: "petition.file_too_large"}
	ErrFileType     = &fault.Error{Code: fault.Unsupported, Field: FieldFiles, MessageID: "petition.file_type"}
	ErrFileEmpty    = &fault.Error{Code: fault.Invalid, Field: FieldFiles, MessageID: "petition.file_empty"}
	// ErrFileInflates: a DOCX whose parts inflate past MaxDOCXInflated (a
	// zip bomb) or hold too many parts.
	ErrFileInflates = &fault.Error{Code: fault.Unsupported, Field: FieldFiles, MessageID: "petition.file_inflates"}
	// ErrFileDimensions: an image whose declared size passes MaxImageSide
	// or MaxImagePixels.
	ErrFileDimensions = &fault.Error{Code: fault.Unsupported, Field: FieldFiles, MessageID: "petition.file_dimensions"}
	// ErrFileDisguised: a "PDF" that is HTML (or script) after its first
	// bytes, which a browser could be tricked into rendering.
	ErrFileDisguised = &fault.Error{Code: fault.Unsupported, Field: FieldFiles, MessageID: "petition.file_disguised"}
)

// Limits of what an attachment may unfold into.
const (
	// MaxDOCXInflated is the most a DOCX's parts may inflate to in total,
	// and MaxDOCXParts how many parts it may hold.
	MaxDOCXInflated = 100 << 20
	MaxDOCXParts    = 5000
	// MaxImageSide and MaxImagePixels bound an image's declared size.
	MaxImageSide   = 20000
	MaxImagePixels = 60_000_000
	// sniffHTML is how far into a PDF the HTML check looks.
	sniffHTML = 64 << 10
)

// htmlMarkers are what gives HTML away inside a "PDF".
var htmlMarkers = [][]byte{[]byte("<html"), []byte("<!doctype"), []byte("<script"), []byte("<body"), []byte("<head"),
	[]byte("<iframe"), []byte("<svg"), []byte("<meta"), []byte("javascript:")}

// fileError names the file in a file error.
func fileError(e *fault.Error, name string) *fault.Error {
	c := *e
	c.Args = map[string]any{"Name": name, "MaxMB": MaxFileSize >> 20, "Max": MaxFiles, "MaxInflatedMB": MaxDOCXInflated >> 20,
		"MaxSide": MaxImageSide, "MaxMegapixels": MaxImagePixels / 1_000_000}
	return &c
}

// DetectType names the type of an attachment by its content: PDF, JPEG,
// PNG, or a DOCX (a zip with [Content_Types].xml and a word/ part). The
// name is never trusted: an .exe renamed .pdf is refused.
func DetectType(r io.ReaderAt, size int64) (string, error) {
	if size == 0 {
		return "", ErrFileEmpty
	}
	head := make([]byte, 8)
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		buf := make([]byte, min(size, sniffHTML))
		n, _ := r.ReadAt(buf, 0)
		low := bytes.ToLower(buf[:n])
		for _, m := range htmlMarkers {
			if bytes.Contains(low, m) {
				return "", ErrFileDisguised
			}
		}
		return TypePDF, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return checkImage(r, size, TypeJPEG, jpeg.DecodeConfig)
	case bytes.HasPrefix(head, []byte{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}):
		return checkImage(r, size, TypePNG, png.DecodeConfig)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		zr, err := zip.NewReader(r, size)
		if err != nil {
			return "", ErrFileType
		}
		if len(zr.File) > MaxDOCXParts {
			return "", ErrFileInflates
		}
		var inflated uint64
		var types, word bool
		for _, f := range zr.File {
			// The sizes the archive declares: what a reader would unfold.
			inflated += f.UncompressedSize64
			if inflated > MaxDOCXInflated {
				return "", ErrFileInflates
			}
			switch {
			case f.Name == "[Content_Types].xml":
				types = true
			case strings.HasPrefix(f.Name, "word/"):
				word = true
			}
		}
		if types && word {
			return TypeDOCX, nil
		}
	}
	return "", ErrFileType
}

// checkImage reads an image's header only and refuses declared sizes past
// the limits (a small file that would decode into gigabytes).
func checkImage(r io.ReaderAt, size int64, typ string, decode func(io.Reader) (image.Config, error)) (string, error) {
	cfg, err := decode(io.NewSectionReader(r, 0, size))
	if err != nil {
		// A header too short to declare a size declares no size to refuse;
		// the type was recognised by its signature, as before.
		return typ, nil
	}
	if cfg.Width > MaxImageSide || cfg.Height > MaxImageSide || int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
		return "", ErrFileDimensions
	}
	return typ, nil
}

// CleanFileName keeps the last element of a client's file name, in NFC,
// without control characters, at most MaxFileName characters. It is only
// ever shown, never used as a path.
func CleanFileName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = cleanText(path.Base(name), false)
	if name == "." || name == "/" || name == "" {
		name = "tep-dinh-kem"
	}
	if r := []rune(name); len(r) > MaxFileName {
		name = string(r[len(r)-MaxFileName:])
	}
	return name
}
