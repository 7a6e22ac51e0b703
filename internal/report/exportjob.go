package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/i18n"
)

// An export that lists cases can run for minutes (a year of a province is
// a million rows), longer than any HTTP request should. It runs in the
// background instead: the request creates the export and returns; the
// page shows its progress, read from the database (so any replica can show
// it), and offers the file when it is done. The file is kept in the
// database in chunks, for the same reason, and purged after ExportKeep.

// ExportKeep is how long a finished export stays downloadable.
const ExportKeep = 7 * 24 * time.Hour

// ExportStalled is how long an export may go without progress before the
// page calls it stalled (its process stopped).
const ExportStalled = 2 * time.Minute

// ExportFormat is the file type of an export.
type ExportFormat string

const (
	FormatCSV  ExportFormat = "csv"
	FormatXLSX ExportFormat = "xlsx"
)

// ExportParams are what an export covers: a period, reported by unit, with
// the cases carried over into it and received in it.
type ExportParams struct {
	From string `json:"from"`
	To   string `json:"to"`
	// List and Query name a staff list exported in the background
	// (StartList): the list and its filters, as the audit trail keeps
	// them.
	List  string `json:"list,omitempty"`
	Query string `json:"query,omitempty"`
	// Lang is the language the export is worded in ("" before there was
	// a choice: Vietnamese).
	Lang string `json:"lang,omitempty"`
}

// ExportInfo is an export's row.
type ExportInfo struct {
	ID         int64
	AccountID  int64
	Format     ExportFormat
	Params     ExportParams
	State      string // running, done, failed
	RowsTotal  int64
	RowsDone   int64
	FileName   string
	Size       int64
	Error      string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	FinishedAt *time.Time
}

// Stalled says whether a running export stopped making progress.
func (e ExportInfo) Stalled(now time.Time) bool {
	return e.State == "running" && now.Sub(e.UpdatedAt) > ExportStalled
}

// Percent is the progress in whole percent.
func (e ExportInfo) Percent() int {
	switch {
	case e.State == "done":
		return 100
	case e.RowsTotal <= 0:
		return 0
	}
	return int(e.RowsDone * 100 / e.RowsTotal)
}

// ExportStore keeps exports and their files.
type ExportStore interface {
	// CreateExport records a running export with its audit row.
	CreateExport(ctx context.Context, by access.Actor, format ExportFormat, params string, total int64, now time.Time) (int64, error)
	ExportProgress(ctx context.Context, id, done int64, now time.Time) error
	AppendExportChunk(ctx context.Context, id int64, seq int, data []byte) error
	FinishExport(ctx context.Context, id int64, fileName string, size int64, now time.Time) error
	FailExport(ctx context.Context, id int64, msg string, now time.Time) error
	Export(ctx context.Context, id int64) (ExportInfo, error)
	// ExportChunks writes the file's chunks, in order, to w.
	ExportChunks(ctx context.Context, id int64, w io.Writer) error
	PurgeExports(ctx context.Context, before time.Time) error
}

// Language is what an export is worded with: its messages, with and
// without arguments, and its due times.
type Language struct {
	T       Translator
	Wording Wording
	Due     DueWording
}

// language is the wording of lang.
func (e *Exporter) language(lang string) Language {
	if e.In == nil {
		return Language{T: e.T, Wording: e.Meta.Wording, Due: e.Due}
	}
	return e.In(lang)
}

// ErrExportNotFound is an unknown export, or someone else's.
var ErrExportNotFound = fault.New(fault.NotFound, "report.export_not_found")

// ErrExportNotReady is a download of an export that is not done.
var ErrExportNotReady = fault.New(fault.Conflict, "report.export_not_ready")

// Exporter runs background exports.
type Exporter struct {
	Service *Service
	Store   ExportStore
	T       Translator
	// Due words due times as the screens do (nil: caseclock.DueText).
	Due  DueWording
	Meta XLSXMeta
	// In words an export in the language of whoever started it (the
	// request's, i18n.LangFrom); nil words every export with T, Due and
	// Meta.Wording.
	In func(lang string) Language
	// Reception gives the citizen-reception figures of a period for the
	// workbook's reception sheet (plan III.1), as by may read them; nil
	// leaves the sheet out.
	Reception func(ctx context.Context, by access.Actor, p Period) (ReceptionFigures, error)
	Log       *slog.Logger
	// Timeout bounds one export's run.
	Timeout time.Duration
	// Every is how many rows pass between two progress writes.
	Every int
	// Done, when set, is called when an export's goroutine ends (tests).
	Done func(id int64)
}

// chunkSize is the size of the file's chunks in the database.
const chunkSize = 512 << 10

// Start checks the request, records the export and runs it in the
// background; it returns the export's id at once.
func (e *Exporter) Start(ctx context.Context, by access.Actor, format ExportFormat, p Period) (int64, error) {
	if !access.Can(by, access.ActReportRead, nil) {
		return 0, access.ErrForbidden
	}
	if format != FormatCSV && format != FormatXLSX {
		return 0, fault.FieldError("format", "report.bad_format", map[string]any{"Value": string(format)})
	}
	if err := p.Validate(); err != nil {
		return 0, err
	}
	total, err := e.count(ctx, p)
	if err != nil {
		return 0, err
	}
	lang := i18n.LangFrom(ctx)
	params, _ := json.Marshal(ExportParams{From: p.From.String(), To: p.To.String(), Lang: lang})
	now := e.Service.NowTime()
	_ = e.Store.PurgeExports(ctx, now.Add(-ExportKeep))
	id, err := e.Store.CreateExport(ctx, by, format, string(params), total, now)
	if err != nil {
		return 0, err
	}
	e.background(ctx, id, func(ctx context.Context) error { return e.run(ctx, by, id, format, p, e.language(lang)) })
	return id, nil
}

// background runs an export after the request, with its own lifetime.
func (e *Exporter) background(ctx context.Context, id int64, run func(context.Context) error) {
	timeout := e.Timeout
	if timeout <= 0 {
		timeout = time.Hour
	}
	go func() {
		// The request is over; the export has its own lifetime.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		defer cancel()
		if err := run(rctx); err != nil {
			if e.Log != nil {
				e.Log.ErrorContext(rctx, "report export failed", "export_id", id, "err", err)
			}
			_ = e.Store.FailExport(context.WithoutCancel(rctx), id, "export failed", e.Service.NowTime())
		}
		if e.Done != nil {
			e.Done(id)
		}
	}()
}

// ListJob is a staff list exported in the background: too long to send
// within one request.
type ListJob struct {
	Format ExportFormat
	// Params name the list and its filters (List, Query).
	Params ExportParams
	// Total is the rows the list has now, for the progress.
	Total  int64
	Name   string
	Sheet  string
	Header []string
	Widths []float64
	// Fill writes the list's rows through row, in order; it runs after
	// the request, so it must hold nothing of it.
	Fill func(ctx context.Context, row func([]any) error) error
}

// StartList records a list export (with its audit row) and runs it in the
// background, as Start does a report's; the export's page and file are the
// report exports', for whoever may read reports.
func (e *Exporter) StartList(ctx context.Context, by access.Actor, j ListJob) (int64, error) {
	if !access.Can(by, access.ActReportRead, nil) {
		return 0, access.ErrForbidden
	}
	params, _ := json.Marshal(j.Params)
	now := e.Service.NowTime()
	_ = e.Store.PurgeExports(ctx, now.Add(-ExportKeep))
	id, err := e.Store.CreateExport(ctx, by, j.Format, string(params), j.Total, now)
	if err != nil {
		return 0, err
	}
	e.background(ctx, id, func(ctx context.Context) error { return e.runList(ctx, id, j) })
	return id, nil
}

func (e *Exporter) runList(ctx context.Context, id int64, j ListJob) error {
	every := e.Every
	if every <= 0 {
		every = 500
	}
	out := &chunker{ctx: ctx, s: e.Store, id: id}
	var t Table
	var err error
	if j.Format == FormatXLSX {
		t, err = NewTableXLSX(j.Sheet, j.Header, j.Widths)
	} else {
		t, err = NewTableCSV(out, j.Header)
	}
	if err != nil {
		return err
	}
	defer t.Close()
	var done int64
	if err := j.Fill(ctx, func(cells []any) error {
		if err := t.Row(cells); err != nil {
			return err
		}
		if done++; done%int64(every) == 0 {
			return e.Store.ExportProgress(ctx, id, done, e.Service.NowTime())
		}
		return nil
	}); err != nil {
		return err
	}
	if err := t.Finish(out); err != nil {
		return err
	}
	if err := out.flush(); err != nil {
		return err
	}
	if err := e.Store.ExportProgress(ctx, id, done, e.Service.NowTime()); err != nil {
		return err
	}
	return e.Store.FinishExport(ctx, id, j.Name, out.size, e.Service.NowTime())
}

func (e *Exporter) count(ctx context.Context, p Period) (int64, error) {
	var total int64
	for _, f := range []Figure{FigCarriedOver, FigReceived} {
		n, err := e.Service.CountCases(ctx, DrillQuery{Figure: f, Period: p})
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// chunker buffers the file and writes it to the store in chunks.
type chunker struct {
	ctx  context.Context
	s    ExportStore
	id   int64
	seq  int
	size int64
	buf  bytes.Buffer
}

func (c *chunker) Write(p []byte) (int, error) {
	c.buf.Write(p)
	c.size += int64(len(p))
	for c.buf.Len() >= chunkSize {
		if err := c.s.AppendExportChunk(c.ctx, c.id, c.seq, c.buf.Next(chunkSize)); err != nil {
			return 0, err
		}
		c.seq++
	}
	return len(p), nil
}

func (c *chunker) flush() error {
	if c.buf.Len() == 0 {
		return nil
	}
	err := c.s.AppendExportChunk(c.ctx, c.id, c.seq, c.buf.Bytes())
	c.seq++
	c.buf.Reset()
	return err
}

// FileName is the download name of an export.
func FileName(format ExportFormat, p Period) string {
	return fmt.Sprintf("bao-cao-pakn_%s_%s.%s", p.From.String(), p.To.String(), format)
}

func (e *Exporter) run(ctx context.Context, by access.Actor, id int64, format ExportFormat, p Period, l Language) error {
	every := e.Every
	if every <= 0 {
		every = 500
	}
	out := &chunker{ctx: ctx, s: e.Store, id: id}
	loc := e.Service.Location()
	var (
		write func(CaseRow) error
		done  int64
	)
	progress := func() error {
		done++
		if done%int64(every) == 0 {
			return e.Store.ExportProgress(ctx, id, done, e.Service.NowTime())
		}
		return nil
	}
	var finish func() error
	switch format {
	case FormatCSV:
		cw, err := NewCaseCSV(out, loc, l.T)
		if err != nil {
			return err
		}
		cw.Due = l.Due
		write, finish = cw.Write, cw.Close
	default:
		rep, err := e.Service.Report(ctx, Query{Period: p, By: ByUnit})
		if err != nil {
			return err
		}
		meta := e.Meta
		meta.At, meta.Wording = e.Service.NowTime(), l.Wording
		x, err := NewXLSX(rep, meta, loc, l.T)
		if err != nil {
			return err
		}
		x.Due = l.Due
		defer x.Close()
		if e.Reception != nil {
			fig, err := e.Reception(ctx, by, p)
			if err != nil {
				return err
			}
			if err := x.AddReception(fig, p); err != nil {
				return err
			}
		}
		write = x.WriteCase
		finish = func() error {
			_, err := x.WriteTo(out)
			return err
		}
	}
	for _, f := range []Figure{FigCarriedOver, FigReceived} {
		err := e.Service.EachCase(ctx, DrillQuery{Figure: f, Period: p}, func(r CaseRow) error {
			if err := write(r); err != nil {
				return err
			}
			return progress()
		})
		if err != nil {
			return err
		}
	}
	if err := finish(); err != nil {
		return err
	}
	if err := out.flush(); err != nil {
		return err
	}
	if err := e.Store.ExportProgress(ctx, id, done, e.Service.NowTime()); err != nil {
		return err
	}
	return e.Store.FinishExport(ctx, id, FileName(format, p), out.size, e.Service.NowTime())
}

// Info returns an export of the actor's.
func (e *Exporter) Info(ctx context.Context, by access.Actor, id int64) (ExportInfo, error) {
	x, err := e.Store.Export(ctx, id)
	if err != nil {
		return ExportInfo{}, err
	}
	if x.AccountID != by.AccountID || !access.Can(by, access.ActReportRead, nil) {
		return ExportInfo{}, ErrExportNotFound
	}
	return x, nil
}

// Download writes a finished export of the actor's to w.
func (e *Exporter) Download(ctx context.Context, by access.Actor, id int64, w io.Writer) error {
	x, err := e.Info(ctx, by, id)
	if err != nil {
		return err
	}
	if x.State != "done" {
		return ErrExportNotReady
	}
	return e.Store.ExportChunks(ctx, id, w)
}

// ParseExportParams reads an export's stored parameters.
func ParseExportParams(s string) (ExportParams, error) {
	var p ExportParams
	err := json.Unmarshal([]byte(s), &p)
	return p, err
}
