// Package download serves a stored file to a browser or an API client as a
// download: with the media type recognised when it was stored (never the
// name's), saved under its name and never rendered, not sniffed, not cached.
// Both the JSON API and the HTML pages serve case files, reports and
// exports through it.
package download

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// File is what a download needs to know of a stored file.
type File struct {
	Name      string
	MediaType string
	Size      int64 // 0 when unknown: no Content-Length is sent
}

// Disposition is the Content-Disposition that makes a browser save a file
// under name, never render it (RFC 6266: the name percent-encoded in UTF-8,
// with an ASCII fallback for old clients).
func Disposition(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + url.PathEscape(name)
}

// Serve writes f's headers with status 200 and copies r to w.
func Serve(w http.ResponseWriter, f File, r io.Reader) error {
	Start(w, f)
	_, err := io.Copy(w, r)
	return err
}

// Start writes f's headers with status 200, for a body the caller then
// writes itself (a report rendered on the fly, an export copied from
// storage).
func Start(w http.ResponseWriter, f File) {
	h := w.Header()
	mt := f.MediaType
	if mt == "" {
		mt = "application/octet-stream"
	}
	h.Set("Content-Type", mt)
	h.Set("Content-Disposition", Disposition(f.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	if f.Size > 0 {
		h.Set("Content-Length", strconv.FormatInt(f.Size, 10))
	}
	w.WriteHeader(http.StatusOK)
}
