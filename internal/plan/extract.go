package plan

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Timeframe is the kind of deadline a task has (thời gian hoàn thành).
type Timeframe string

const (
	TimeframeOngoing             Timeframe = "ongoing"               // Thường xuyên
	TimeframePerRecruitmentRound Timeframe = "per_recruitment_round" // Theo kỳ tuyển dụng
	TimeframeAsScheduled         Timeframe = "as_scheduled"          // Theo kế hoạch
	TimeframeOther               Timeframe = "other"                 // anything else; see PlanTask.TimeframeText
)

// Valid reports whether t is one of the defined timeframes.
func (t Timeframe) Valid() bool {
	switch t {
	case TimeframeOngoing, TimeframePerRecruitmentRound, TimeframeAsScheduled, TimeframeOther:
		return true
	}
	return false
}

var timeframePhrases = [...]struct {
	phrase    string
	timeframe Timeframe
}{
	{"Thường xuyên", TimeframeOngoing},
	{"Theo kỳ tuyển dụng", TimeframePerRecruitmentRound},
	{"Theo kì tuyển dụng", TimeframePerRecruitmentRound}, // kì/kỳ are both in use
	{"Theo đợt tuyển dụng", TimeframePerRecruitmentRound},
	{"Theo kế hoạch", TimeframeAsScheduled},
}

// ParseTimeframe classifies a timeframe cell. Unrecognised text, such as a
// date ("Quý III/2026"), is TimeframeOther; the caller keeps the text.
func ParseTimeframe(text string) Timeframe {
	f := strings.TrimRight(fold(text), ".;")
	for _, tp := range timeframePhrases {
		if f == fold(tp.phrase) {
			return tp.timeframe
		}
	}
	return TimeframeOther
}

// Target is a measurable commitment found in a task, e.g. "100% of valid
// petitions answered on time".
type Target struct {
	Metric string  // e.g. MetricOnTimeRate
	Value  float64 // 100
	Unit   string  // UnitPercent
	Text   string  // the sentence it came from
}

// Metrics the extractor assigns. MetricOther keeps a percentage whose
// subject no rule recognises, so that it is still visible for review.
const (
	MetricOnTimeRate                 = "on_time_rate"                  // answered/resolved on time (kịp thời, đúng hạn)
	MetricProcedureOnTimeRate        = "procedure_on_time_rate"        // administrative procedure files resolved on time
	MetricMandatoryInfoPublishedRate = "mandatory_info_published_rate" // mandatory information published (công khai … bắt buộc)
	MetricInfoPublishedRate          = "info_published_rate"           // information published
	MetricSatisfactionRate           = "satisfaction_rate"             // hài lòng
	MetricOnlineRate                 = "online_rate"                   // trực tuyến
	MetricOther                      = "other"

	UnitPercent = "percent"
)

// percentRe finds percentages: "100%", "99,5 %", "95.5%".
var percentRe = regexp.MustCompile(`(\d{1,3}(?:[.,]\d+)?)\s*%`)

// metricRule maps trigger phrases to a metric. refine picks a more precise
// metric from the whole clause.
type metricRule struct {
	triggers []string
	metric   string
	refine   func(clause string) string
}

// metricRules are matched on the folded clause around a percentage. When
// several rules match, the one whose trigger comes first after the
// percentage wins: in "100% các thông tin bắt buộc phải công khai … kịp
// thời" the subject is publication, and "kịp thời" only qualifies it.
var metricRules = []metricRule{
	{triggers: []string{"công khai"}, metric: MetricInfoPublishedRate, refine: func(c string) string {
		if strings.Contains(c, fold("bắt buộc")) {
			return MetricMandatoryInfoPublishedRate
		}
		return MetricInfoPublishedRate
	}},
	{triggers: []string{"kịp thời", "đúng hạn", "đúng thời hạn", "trước hạn"}, metric: MetricOnTimeRate, refine: func(c string) string {
		for _, w := range []string{"tthc", "thủ tục hành chính", "hồ sơ"} {
			if strings.Contains(c, fold(w)) {
				return MetricProcedureOnTimeRate
			}
		}
		return MetricOnTimeRate
	}},
	{triggers: []string{"hài lòng"}, metric: MetricSatisfactionRate},
	{triggers: []string{"trực tuyến"}, metric: MetricOnlineRate},
}

// ExtractTargets finds percentage targets in the given texts (a task's
// expected result, then its text). Each sentence with a percentage yields a
// target; its metric comes from keywords in the clause around the number.
// A (metric, value) found in an earlier text is not repeated from a later
// one, so a commitment stated in both the task and its expected result is
// one target, quoted from the first.
func ExtractTargets(texts ...string) []Target {
	var out []Target
	seen := map[Target]bool{}
	for _, text := range texts {
		for _, sentence := range sentences(normalizeSpace(text)) {
			for _, loc := range percentRe.FindAllStringSubmatchIndex(sentence, -1) {
				v, err := strconv.ParseFloat(strings.Replace(sentence[loc[2]:loc[3]], ",", ".", 1), 64)
				if err != nil {
					continue
				}
				t := Target{Metric: classify(sentence, loc[0]), Value: v, Unit: UnitPercent}
				if seen[t] {
					continue
				}
				seen[t] = true
				t.Text = sentence
				out = append(out, t)
			}
		}
	}
	return out
}

// classify picks the metric of the percentage at byte offset at of the
// sentence: first from the clause after it (the subject in "đảm bảo 100%
// kiến nghị … được phúc đáp kịp thời"), then from the whole clause ("Tỷ lệ
// hài lòng đạt 90%"), then from the whole sentence.
func classify(sentence string, at int) string {
	cs, ce := clauseBounds(sentence, at)
	clause := fold(sentence[cs:ce])
	after := fold(sentence[at:ce])
	for _, scope := range []string{after, clause, fold(sentence)} {
		best, bestAt := -1, len(scope)+1
		for i, r := range metricRules {
			for _, w := range r.triggers {
				if j := strings.Index(scope, fold(w)); j >= 0 && j < bestAt {
					best, bestAt = i, j
				}
			}
		}
		if best >= 0 {
			r := metricRules[best]
			if r.refine != nil {
				return r.refine(clause)
			}
			return r.metric
		}
	}
	return MetricOther
}

// clauseBounds returns the comma- or semicolon-delimited clause containing
// byte offset at.
func clauseBounds(s string, at int) (int, int) {
	start := strings.LastIndexAny(s[:at], ",;") + 1
	end := len(s)
	if i := strings.IndexAny(s[at:], ",;"); i >= 0 {
		end = at + i
	}
	return start, end
}

// sentences splits text at ".", "!", "?", "…" followed by a space and an
// upper-case letter or digit (so "TTHC...) được" is not split), and at ";".
// The terminal punctuation stays with its sentence.
func sentences(s string) []string {
	var out []string
	start := 0
	for i, r := range s {
		end := i + utf8.RuneLen(r)
		split := r == ';'
		if strings.ContainsRune(".!?…", r) && end < len(s) && s[end] == ' ' {
			next, _ := utf8.DecodeRuneInString(s[end+1:])
			split = unicode.IsUpper(next) || unicode.IsDigit(next)
		}
		if split {
			if t := strings.TrimSpace(s[start:end]); t != "" {
				out = append(out, t)
			}
			start = end
		}
	}
	if t := strings.TrimSpace(s[start:]); t != "" {
		out = append(out, t)
	}
	return out
}
