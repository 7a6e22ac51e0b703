package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"
	"unicode/utf8"

	"github.com/phucdap/phucdap/internal/report"
)

// The report charts are SVG written on the server: no JavaScript chart
// library and no CDN (offices may have no Internet), vector so that they
// print sharply, with real text labels a screen reader or a search can
// read. Each chart names itself (<title>, <desc>, role="img") and the page
// puts a table with the same numbers beside it; colour is never the only
// signal (values are written out, small counts are hatched and labelled).

// chartColours follow app.css: late red, on-target green, brand blue.
const (
	colLate   = "#b3261e"
	colOK     = "#1e6b35"
	colBrand  = "#0b5394"
	colMuted  = "#4d5661"
	colGrid   = "#d5dae0"
	colTarget = "#1b1f24"
)

type svgWriter struct{ strings.Builder }

func (w *svgWriter) f(format string, args ...any) { fmt.Fprintf(&w.Builder, format, args...) }

func esc(s string) string { return html.EscapeString(s) }

// open starts an SVG with its accessible name and description.
func (w *svgWriter) open(id string, width, height int, title, desc string) {
	w.f(`<svg class="chart" id="%s" role="img" aria-labelledby="%s-t %s-d" viewBox="0 0 %d %d" width="100%%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif">`,
		esc(id), esc(id), esc(id), width, height)
	w.f(`<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(id), esc(title), esc(id), esc(desc))
}

func (w *svgWriter) close() template.HTML {
	w.WriteString("</svg>")
	// Every text and attribute above went through esc.
	return template.HTML(w.String()) //nolint:gosec
}

// wrapLabel splits a label into at most two lines of about width runes,
// ending the second with "…" when it does not fit (the table beside the
// chart has the full name).
func wrapLabel(s string, width int) []string {
	if utf8.RuneCountInString(s) <= width {
		return []string{s}
	}
	words := strings.Fields(s)
	var lines []string
	cur := ""
	for _, wd := range words {
		switch {
		case cur == "":
			cur = wd
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(wd) <= width:
			cur += " " + wd
		default:
			lines = append(lines, cur)
			cur = wd
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	if len(lines) > 2 {
		second := strings.Join(lines[1:], " ")
		r := []rune(second)
		if len(r) > width-1 {
			second = string(r[:width-1])
		}
		lines = []string{lines[0], strings.TrimSpace(second) + "…"}
	}
	for i, l := range lines {
		if r := []rune(l); len(r) > width {
			lines[i] = string(r[:width-1]) + "…"
		}
	}
	return lines
}

// rateDatum is one rate drawn on a chart: a bar of rateBars, or a month
// of rateTrend (which has no room for the Note).
type rateDatum struct {
	Label   string  // "Văn phòng Sở", "11/2026"
	Percent float64 // 0..100
	Defined bool
	Value   string // the value as written: "87,5%"
	Note    string // after the value: "16 vụ việc", "ít vụ việc (n=2)"
	Small   bool
	Meets   bool
	Href    string
}

// rateDatumOf draws rt, labelled label, whose count is small or not,
// against target, written in lang, with note after its value and a link to
// href ("" for none).
func rateDatumOf(label string, rt report.Rate, small bool, target float64, lang, note, href string) rateDatum {
	return rateDatum{Label: label, Percent: rt.Percent(), Defined: rt.Defined(), Value: rt.In(lang), Note: note, Small: small,
		Meets: rt.MeetsTarget(target), Href: href}
}

// rateBars draws rates as horizontal bars (0–100%), with a dashed target
// line. Bars that miss the target are red, bars that meet it green, small
// counts hatched.
func rateBars(id, title, desc string, data []rateDatum, target float64, targetLabel, noData string) template.HTML {
	const (
		width  = 760
		labelW = 250
		x0     = 262
		barW   = 330
		rowH   = 40
		top    = 48
	)
	height := top + rowH*len(data) + 16
	if len(data) == 0 {
		height = top + 40
	}
	var w svgWriter
	w.open(id, width, height, title, desc)
	w.f(`<defs><pattern id="%s-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#e8ebef"/><line x1="0" y1="0" x2="0" y2="6" stroke="%s" stroke-width="2.5"/></pattern></defs>`, esc(id), colMuted)
	// Scale: 0, 50, 100%.
	for _, p := range []float64{0, 50, 100} {
		x := x0 + barW*p/100
		w.f(`<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s" stroke-width="1"/>`, x, top-6, x, height-12, colGrid)
		w.f(`<text x="%.1f" y="%d" font-size="13" fill="%s" text-anchor="middle">%s%%</text>`, x, top-10, colMuted, esc(fmt.Sprint(p)))
	}
	if len(data) == 0 {
		w.f(`<text x="%d" y="%d" font-size="14" fill="%s">%s</text>`, x0, top+24, colMuted, esc(noData))
	}
	for i, d := range data {
		y := top + rowH*i
		lines := wrapLabel(d.Label, 36)
		ty := y + rowH/2 + 5
		if len(lines) == 2 {
			ty = y + rowH/2 - 2
		}
		if d.Href != "" {
			w.f(`<a href="%s">`, esc(d.Href))
		}
		w.f(`<text x="%d" y="%d" font-size="13" fill="#1b1f24" text-anchor="end">`, labelW, ty)
		for j, l := range lines {
			if j == 0 {
				w.f(`<tspan x="%d">%s</tspan>`, labelW, esc(l))
			} else {
				w.f(`<tspan x="%d" dy="15">%s</tspan>`, labelW, esc(l))
			}
		}
		w.WriteString(`</text>`)
		fill := colLate
		if d.Meets {
			fill = colOK
		}
		if d.Small {
			fill = "url(#" + id + "-hatch)"
		}
		bw := barW * d.Percent / 100
		if d.Defined && bw < 2 {
			bw = 2
		}
		if d.Defined {
			w.f(`<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s" stroke="%s" stroke-width="%s"><title>%s: %s %s</title></rect>`,
				x0, y+8, bw, rowH-16, fill, fill2(d), strokeW(d), esc(d.Label), esc(d.Value), esc(d.Note))
		}
		val := d.Value
		if !d.Defined {
			val = noData
		}
		w.f(`<text x="%d" y="%d" font-size="13" fill="#1b1f24"><tspan font-weight="700">%s</tspan>`, x0+barW+10, y+rowH/2+5, esc(val))
		if d.Note != "" {
			w.f(`<tspan fill="%s" font-size="12"> %s</tspan>`, colMuted, esc(d.Note))
		}
		w.WriteString(`</text>`)
		if d.Href != "" {
			w.WriteString(`</a>`)
		}
	}
	if target > 0 && target <= 100 {
		x := x0 + barW*target/100
		w.f(`<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s" stroke-width="2" stroke-dasharray="6 4"/>`, x, top-4, x, height-10, colTarget)
		w.f(`<text x="%.1f" y="%d" font-size="13" font-weight="700" fill="%s" text-anchor="middle">%s</text>`, x, 14, colTarget, esc(targetLabel))
	}
	return w.close()
}

func fill2(d rateDatum) string {
	if d.Small {
		return colMuted
	}
	return "none"
}

func strokeW(d rateDatum) string {
	if d.Small {
		return "1"
	}
	return "0"
}

// rateTrend draws a rate by month on a 0–100% axis with a dashed target
// line; a month with nothing to measure breaks the line.
func rateTrend(id, title, desc string, pts []rateDatum, target float64, targetLabel, noData string) template.HTML {
	const (
		width  = 760
		height = 300
		left   = 56
		right  = 24
		top    = 34
		bottom = 52
	)
	plotW := float64(width - left - right)
	plotH := float64(height - top - bottom)
	var w svgWriter
	w.open(id, width, height, title, desc)
	yOf := func(p float64) float64 { return float64(top) + plotH*(1-p/100) }
	for _, p := range []float64{0, 25, 50, 75, 100} {
		y := yOf(p)
		w.f(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s" stroke-width="1"/>`, left, y, width-right, y, colGrid)
		w.f(`<text x="%d" y="%.1f" font-size="13" fill="%s" text-anchor="end">%s%%</text>`, left-8, y+4, colMuted, esc(fmt.Sprint(p)))
	}
	n := len(pts)
	xOf := func(i int) float64 {
		if n <= 1 {
			return float64(left) + plotW/2
		}
		return float64(left) + 16 + (plotW-32)*float64(i)/float64(n-1)
	}
	if target > 0 && target <= 100 {
		y := yOf(target)
		w.f(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s" stroke-width="2" stroke-dasharray="6 4"/>`, left, y, width-right, y, colTarget)
		w.f(`<text x="%d" y="%.1f" font-size="13" font-weight="700" fill="%s" text-anchor="end">%s</text>`, width-right, y-8, colTarget, esc(targetLabel))
	}
	// The line, broken where a month has no data.
	var seg []string
	flush := func() {
		if len(seg) > 1 {
			w.f(`<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5"/>`, strings.Join(seg, " "), colBrand)
		}
		seg = seg[:0]
	}
	for i, p := range pts {
		if !p.Defined {
			flush()
			continue
		}
		seg = append(seg, fmt.Sprintf("%.1f,%.1f", xOf(i), yOf(p.Percent)))
	}
	flush()
	for i, p := range pts {
		x := xOf(i)
		w.f(`<text x="%.1f" y="%d" font-size="13" fill="#1b1f24" text-anchor="middle">%s</text>`, x, height-bottom+22, esc(p.Label))
		if p.Href != "" {
			w.f(`<a href="%s">`, esc(p.Href))
		}
		if !p.Defined {
			// Nothing to measure that month: a grey tick on the axis (the
			// table beside says "—").
			w.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"><title>%s: %s</title></line>`, x, yOf(0)-5, x, yOf(0)+5, colMuted, esc(p.Label), esc(noData))
		} else {
			y := yOf(p.Percent)
			fill := colLate
			if p.Meets {
				fill = colOK
			}
			if p.Small {
				w.f(`<circle cx="%.1f" cy="%.1f" r="5" fill="#fff" stroke="%s" stroke-width="2.5"><title>%s: %s</title></circle>`, x, y, fill, esc(p.Label), esc(p.Value))
			} else {
				w.f(`<circle cx="%.1f" cy="%.1f" r="5" fill="%s"><title>%s: %s</title></circle>`, x, y, fill, esc(p.Label), esc(p.Value))
			}
			ly := y - 10
			if p.Percent > 90 && target >= 100 {
				ly = y + 20 // below the target line's label
			}
			w.f(`<text x="%.1f" y="%.1f" font-size="14" font-weight="700" fill="%s" text-anchor="middle">%s</text>`, x, ly, fill, esc(p.Value))
		}
		if p.Href != "" {
			w.WriteString(`</a>`)
		}
	}
	return w.close()
}

// countColumn is one column of a count chart (the backlog by age). Label
// is short (the axis label says what it counts); Title is the full name.
type countColumn struct {
	Label string
	Title string
	N     int64
	Href  string
}

// countColumns draws counts as vertical columns with the count on top.
func countColumns(id, title, desc string, cols []countColumn, axisLabel string) template.HTML {
	const (
		width  = 760
		height = 240
		left   = 40
		top    = 28
		bottom = 48
	)
	var max int64 = 1
	for _, c := range cols {
		if c.N > max {
			max = c.N
		}
	}
	plotH := float64(height - top - bottom)
	var w svgWriter
	w.open(id, width, height, title, desc)
	n := len(cols)
	if n == 0 {
		return w.close()
	}
	slot := float64(width-left-20) / float64(n)
	bw := slot * 0.6
	w.f(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"/>`, left, height-bottom, width-20, height-bottom, colMuted)
	for i, c := range cols {
		x := float64(left) + slot*float64(i) + (slot-bw)/2
		h := plotH * float64(c.N) / float64(max)
		y := float64(height-bottom) - h
		fill := colBrand
		if i == n-1 && n > 1 {
			fill = colLate // the oldest bucket: past every deadline
		}
		if c.Href != "" {
			w.f(`<a href="%s">`, esc(c.Href))
		}
		title := c.Title
		if title == "" {
			title = c.Label
		}
		w.f(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %d</title></rect>`, x, y, bw, h, fill, esc(title), c.N)
		w.f(`<text x="%.1f" y="%.1f" font-size="14" font-weight="700" fill="#1b1f24" text-anchor="middle">%d</text>`, x+bw/2, y-6, c.N)
		if c.Href != "" {
			w.WriteString(`</a>`)
		}
		w.f(`<text x="%.1f" y="%d" font-size="13" fill="#1b1f24" text-anchor="middle">%s</text>`, x+bw/2, height-bottom+20, esc(c.Label))
	}
	w.f(`<text x="%d" y="%d" font-size="13" fill="%s" text-anchor="middle">%s</text>`, (width+left)/2, height-8, colMuted, esc(axisLabel))
	return w.close()
}
