package web

import (
	"encoding/xml"
	"strings"
	"testing"
)

// svgDoc is what the tests read back from a chart.
type svgDoc struct {
	XMLName xml.Name `xml:"svg"`
	Role    string   `xml:"role,attr"`
	Labels  string   `xml:"aria-labelledby,attr"`
	Title   string   `xml:"title"`
	Desc    string   `xml:"desc"`
	Texts   []string `xml:"text"`
	Links   []struct {
		Href  string   `xml:"href,attr"`
		Texts []string `xml:"text"`
		Rects []struct {
			Width string `xml:"width,attr"`
			Fill  string `xml:"fill,attr"`
		} `xml:"rect"`
	} `xml:"a"`
	Lines []struct {
		Dash string `xml:"stroke-dasharray,attr"`
	} `xml:"line"`
}

func parseSVG(t *testing.T, html string) svgDoc {
	t.Helper()
	var d svgDoc
	if err := xml.Unmarshal([]byte(html), &d); err != nil {
		t.Fatalf("not well-formed SVG: %v\n%s", err, html)
	}
	if d.Role != "img" || !strings.Contains(d.Labels, "-t") || d.Title == "" || d.Desc == "" {
		t.Errorf("chart has no accessible name: role %q labelledby %q title %q desc %q", d.Role, d.Labels, d.Title, d.Desc)
	}
	return d
}

func TestRateBarsSVG(t *testing.T) {
	svg := string(rateBars("c1", "Tỷ lệ theo đơn vị", "Mô tả", []rateDatum{
		{Label: "Phòng <Quy hoạch> & Kiến trúc", Percent: 0, Defined: true, Value: "0%", Note: "ít vụ việc (n=1)", Small: true, Href: "/staff/reports/cases?a=1&b=2"},
		{Label: "Phòng Quản lý nhà và thị trường bất động sản của Sở Xây dựng tỉnh Lạng Sơn (đơn vị ví dụ)", Percent: 87.5, Defined: true, Value: "87,5%", Note: "16 vụ việc", Href: "/x"},
		{Label: "Văn phòng Sở", Percent: 100, Defined: true, Value: "100%", Meets: true, Href: "/y"},
	}, 100, "Mục tiêu 100%", "Chưa có số liệu"))
	d := parseSVG(t, svg)
	if len(d.Links) != 3 || d.Links[0].Href != "/staff/reports/cases?a=1&b=2" {
		t.Fatalf("links %+v", d.Links)
	}
	if !strings.Contains(svg, "Phòng &lt;Quy hoạch&gt; &amp; Kiến trúc") {
		t.Error("labels are not escaped")
	}
	// The small unit is hatched; 87.5% misses (red), 100% meets (green).
	fills := []string{d.Links[0].Rects[0].Fill, d.Links[1].Rects[0].Fill, d.Links[2].Rects[0].Fill}
	if !strings.HasPrefix(fills[0], "url(#c1-hatch") || fills[1] != colLate || fills[2] != colOK {
		t.Errorf("fills %v", fills)
	}
	all := strings.Join(d.Texts, "|")
	if !strings.Contains(all, "Mục tiêu 100%") || !strings.Contains(svg, "87,5%") || !strings.Contains(svg, "ít vụ việc (n=1)") {
		t.Errorf("labels: %s", all)
	}
	if !strings.Contains(svg, "…") {
		t.Error("a long label should be wrapped and cut with an ellipsis")
	}
	dashed := 0
	for _, l := range d.Lines {
		if l.Dash != "" {
			dashed++
		}
	}
	if dashed != 1 {
		t.Errorf("%d target lines", dashed)
	}
}

func TestRateTrendSVG(t *testing.T) {
	svg := string(rateTrend("c2", "Xu hướng", "Mô tả", []rateDatum{
		{Label: "09/2026", Defined: false},
		{Label: "10/2026", Percent: 100, Defined: true, Value: "100%", Meets: true},
		{Label: "11/2026", Percent: 57.1, Defined: true, Value: "57,1%"},
	}, 100, "Mục tiêu 100%", "Chưa có số liệu"))
	d := parseSVG(t, svg)
	all := strings.Join(d.Texts, "|")
	for _, want := range []string{"09/2026", "10/2026", "11/2026", "57,1%", "Mục tiêu 100%", "0%", "100%"} {
		if !strings.Contains(all, want) {
			t.Errorf("trend lacks %q: %s", want, all)
		}
	}
	if strings.Count(svg, "<polyline") != 1 || strings.Count(svg, "<circle") != 2 {
		t.Errorf("one line through the two months with data: %s", svg)
	}
}

func TestFmtInt(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1.000", 82192: "82.192", 1000000: "1.000.000", -1500: "-1.500"} {
		if got := fmtInt(n, "vi"); got != want {
			t.Errorf("fmtInt(%d) = %s, want %s", n, got, want)
		}
	}
	if got := fmtInt(82192, "en"); got != "82,192" {
		t.Errorf("en: %s", got)
	}
}
