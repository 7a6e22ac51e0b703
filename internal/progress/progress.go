// Package progress says how far long work has gone (a plan import, the
// KPI rollup, a clock recompute): on a terminal a bar redrawn in place
// (github.com/schollz/progressbar), otherwise plain lines a log keeps,
// one every tenth of the way. The work reports through its context
// (From), so that the domain and the store need no new parameters; work
// started without a reporter reports to nobody.
package progress

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"
)

// Reporter receives the progress of one piece of work at a time.
type Reporter interface {
	// Start begins a stage: what it is and how many units it has (0 or
	// less when that is not known).
	Start(what string, total int64)
	// Add counts n more units done.
	Add(n int64)
	// Done ends the stage.
	Done()
}

type key struct{}

// With returns ctx carrying r.
func With(ctx context.Context, r Reporter) context.Context { return context.WithValue(ctx, key{}, r) }

// From returns the reporter ctx carries, or one that reports nothing.
func From(ctx context.Context) Reporter {
	if r, ok := ctx.Value(key{}).(Reporter); ok {
		return r
	}
	return nop{}
}

type nop struct{}

func (nop) Start(string, int64) {}
func (nop) Add(int64)           {}
func (nop) Done()               {}

// For is the reporter for a command's output w: a bar when w is a
// terminal, lines otherwise.
func For(w io.Writer) Reporter {
	if f, ok := w.(*os.File); ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		return Bar(w)
	}
	return Lines(w)
}

// Lines writes plain lines: "what: 30% (300/1000)" each time another
// tenth is done (or "what: 300 done" when the total is not known, at each
// Add), and "what: done (1000)" at the end.
func Lines(w io.Writer) Reporter { return &lines{w: w} }

type lines struct {
	mu          sync.Mutex
	w           io.Writer
	what        string
	total, done int64
	tenth       int64
}

func (l *lines) Start(what string, total int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.what, l.total, l.done, l.tenth = what, total, 0, 0
	if total > 0 {
		fmt.Fprintf(l.w, "%s: 0%% (0/%d)\n", what, total)
	} else {
		fmt.Fprintf(l.w, "%s: started\n", what)
	}
}

func (l *lines) Add(n int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.done += n
	if l.total <= 0 {
		fmt.Fprintf(l.w, "%s: %d done\n", l.what, l.done)
		return
	}
	if t := min(l.done, l.total) * 10 / l.total; t > l.tenth {
		l.tenth = t
		fmt.Fprintf(l.w, "%s: %d%% (%d/%d)\n", l.what, t*10, l.done, l.total)
	}
}

func (l *lines) Done() {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, "%s: done (%d)\n", l.what, l.done)
}

// Bar draws a progress bar on w, a terminal: the percentage and the
// count, or a spinner and the count when the total is not known.
func Bar(w io.Writer) Reporter { return &bar{w: w} }

type bar struct {
	mu sync.Mutex
	w  io.Writer
	b  *progressbar.ProgressBar
}

func (b *bar) Start(what string, total int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if total <= 0 {
		total = -1
	}
	b.b = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(b.w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(0),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(b.w) }))
	_ = b.b.RenderBlank()
}

func (b *bar) Add(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.b != nil {
		_ = b.b.Add64(n)
	}
}

func (b *bar) Done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.b != nil {
		_ = b.b.Finish()
		b.b = nil
	}
}

// Tee reports to each of rs: the CLI's bar and a job run's row, say.
func Tee(rs ...Reporter) Reporter { return tee(rs) }

type tee []Reporter

func (t tee) Start(what string, total int64) {
	for _, r := range t {
		r.Start(what, total)
	}
}

func (t tee) Add(n int64) {
	for _, r := range t {
		r.Add(n)
	}
}

func (t tee) Done() {
	for _, r := range t {
		r.Done()
	}
}
