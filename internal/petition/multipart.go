package petition

import (
	"context"
	"errors"
	"io"
	"mime/multipart"

	"github.com/phucdap/phucdap/internal/fault"
)

// Form is a multipart submission read as a stream: its text fields and the
// files already stored.
type Form struct {
	Fields  map[string]string
	Uploads []Upload
	// Rejected names files that were refused or not kept, so the page can
	// ask for them again.
	Rejected []string
}

// Value returns a text field.
func (f *Form) Value(name string) string { return f.Fields[name] }

// ErrBadMultipart means the body could not be read as multipart (or the
// client went away in the middle).
var ErrBadMultipart = fault.New(fault.BadRequest, "error.bad_request")

// ErrUploadInterrupted is what Files.Put returns when reading the upload
// failed: the client went away or sent a broken body.
var ErrUploadInterrupted = fault.New(fault.BadRequest, "petition.upload_interrupted")

// maxFields is how many text fields a multipart form may carry.
const maxFields = 64

// fieldMax is each text field's limit in characters, for the message when
// a field is over the reader's byte cap.
var fieldMax = map[string]int{FieldTitle: MaxTitle, FieldContent: MaxContent, FieldPlace: MaxPlace, FieldName: MaxName,
	FieldAddress: MaxAddress, FieldEmail: MaxEmail, "comment": MaxComment, "reason": MaxReason}

// FilePartNames are the multipart names that carry attachments.
var FilePartNames = map[string]bool{"files": true, "files[]": true, "attachments": true}

// ReadForm reads a multipart body part by part. Files go straight to the
// file store (never into memory); text fields are capped at 64 KB each.
// After a refused file it keeps reading, draining further files, so that
// the text typed after it is still returned for re-display. On any error
// every file this call stored is discarded, so a refused or half-received
// upload leaves nothing behind, and the first error is returned with the
// Form (its Rejected lists the files to attach again).
func ReadForm(ctx context.Context, r *multipart.Reader, files Files) (*Form, error) {
	f := &Form{Fields: map[string]string{}}
	var first error
	fail := func(err error) (*Form, error) {
		for _, u := range f.Uploads {
			f.Rejected = append(f.Rejected, u.Name)
			files.Discard(context.WithoutCancel(ctx), u.Stored)
		}
		f.Uploads = nil
		return f, err
	}
	fields := 0
	for {
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			if first != nil {
				return fail(first)
			}
			return f, nil
		}
		if err != nil {
			return fail(ErrBadMultipart.Wrap(err))
		}
		name := p.FormName()
		if FilePartNames[name] && p.FileName() != "" {
			fname := CleanFileName(p.FileName())
			switch {
			case first != nil:
				f.Rejected = append(f.Rejected, fname)
				if _, err := io.Copy(io.Discard, p); err != nil {
					return fail(ErrUploadInterrupted.Wrap(err))
				}
				continue
			case len(f.Uploads) >= MaxFiles:
				f.Rejected = append(f.Rejected, fname)
				first = fileError(&fault.Error{Code: fault.Invalid, Field: FieldFiles, MessageID: "petition.too_many_files"}, fname)
				if _, err := io.Copy(io.Discard, p); err != nil {
					return fail(ErrUploadInterrupted.Wrap(err))
				}
				continue
			}
			st, err := files.Put(ctx, p, MaxFileSize, DetectType)
			if err != nil {
				f.Rejected = append(f.Rejected, fname)
				fe, ok := fault.As(err)
				if !ok || fe.Field != FieldFiles {
					return fail(err) // the disk, or the client went away
				}
				first = fileError(fe, fname)
				if _, err := io.Copy(io.Discard, p); err != nil {
					return fail(ErrUploadInterrupted.Wrap(err))
				}
				continue
			}
			f.Uploads = append(f.Uploads, Upload{Name: fname, Stored: st})
			continue
		}
		if FilePartNames[name] {
			if _, err := io.Copy(io.Discard, p); err != nil { // an empty file input
				return fail(ErrUploadInterrupted.Wrap(err))
			}
			continue
		}
		fields++
		if fields > maxFields {
			return fail(fault.Newf(fault.BadRequest, "petition.too_many_fields", map[string]any{"Max": maxFields}))
		}
		b, err := io.ReadAll(io.LimitReader(p, maxFieldBytes+1))
		if err != nil {
			return fail(ErrUploadInterrupted.Wrap(err))
		}
		if len(b) > maxFieldBytes {
			// Say the field's own limit when it has one, else the
			// reader's.
			if max, ok := fieldMax[name]; ok {
				return fail(fault.FieldError(name, "petition.too_long", map[string]any{"Max": max}))
			}
			return fail(fault.FieldError(name, "petition.field_too_large", map[string]any{"KB": maxFieldBytes >> 10}))
		}
		f.Fields[name] = string(b)
	}
}
