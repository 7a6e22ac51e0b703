package petition

import (
	"time"
	"unicode/utf8"

	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/fault"

	"github.com/phucdap/phucdap/internal/deadline"
)

// Topic is what a citizen picks instead of a plan task: plain words that
// map to one task of the plan (or none: the office classifies it).
type Topic struct {
	ID         int64
	Slug       string
	NameVI     string
	NameEN     string
	PlanTaskID int64 // 0: no task
	Position   int
	Active     bool
	// HintVI and HintEN tell a citizen what the topic covers, under the
	// topic list of the petition form.
	HintVI, HintEN string
	// LeadUnitID is the unit that leads a case of the topic by default; 0
	// when the plan task's roles decide.
	LeadUnitID int64
}

// Hint returns the topic's hint in lang, Vietnamese when there is no
// translation.
func (t Topic) Hint(lang string) string {
	if lang == "en" && t.HintEN != "" {
		return t.HintEN
	}
	return t.HintVI
}

// Name returns the topic's name in lang, Vietnamese when there is no
// translation.
func (t Topic) Name(lang string) string {
	if lang == "en" && t.NameEN != "" {
		return t.NameEN
	}
	return t.NameVI
}

// TopicSeed is a default topic, mapped to a plan task by its key and to
// its default lead unit by the unit's code.
type TopicSeed struct {
	Slug    string
	NameVI  string
	NameEN  string
	TaskKey string // "" for none
	// LeadUnit is a unit code of org.DefaultUnits; "" for none.
	LeadUnit       string
	HintVI, HintEN string
	// Position orders the topic in the list.
	Position int
}

// DefaultTopics is the seed list: the topics of Plan 55/KH-SXD, then the
// department's own fields of work (each led by the division that handles
// it, and mapped to a task of the plan where one fits), then "other".
// Admins edit topics later; seeding only adds missing slugs, so a deployed
// database gets the topics a release adds at its next start.
func DefaultTopics() []TopicSeed {
	papi := []TopicSeed{
		{Slug: "thong-tin-quy-hoach-thu-tuc", NameVI: "Thông tin quy hoạch, thủ tục hành chính chưa được công khai", NameEN: "Planning or procedure information not published", TaskKey: "II.1"},
		{Slug: "tiep-cong-dan-doi-thoai", NameVI: "Tiếp công dân, đối thoại", NameEN: "Citizen reception and dialogue", TaskKey: "III.1"},
		{Slug: "khieu-nai-to-cao", NameVI: "Khiếu nại, tố cáo", NameEN: "A complaint or denunciation", TaskKey: "III.2"},
		{Slug: "tham-nhung-nhung-nhieu", NameVI: "Tham nhũng, nhũng nhiễu, “chung chi” trong dịch vụ công", NameEN: "Corruption, harassment or informal payments in public services", TaskKey: "IV.3"},
		{Slug: "tuyen-dung-cong-chuc", NameVI: "Tuyển dụng công chức, viên chức", NameEN: "Recruitment of officials", TaskKey: "IV.2"},
		{Slug: "thai-do-mot-cua", NameVI: "Thái độ phục vụ tại bộ phận một cửa", NameEN: "Attitude at the one-stop desk", TaskKey: "V.1"},
		{Slug: "thu-tuc-phi-le-phi", NameVI: "Thủ tục rườm rà, phí và lệ phí", NameEN: "Red tape, fees and charges", TaskKey: "V.2"},
		{Slug: "dien-duong-nuoc-rac", NameVI: "Điện, đường giao thông nông thôn, nước sạch, thu gom rác", NameEN: "Power, rural roads, clean water, rubbish collection", TaskKey: "VI.1"},
		{Slug: "tra-loi-dien-tu", NameVI: "Trả lời qua kênh điện tử", NameEN: "Answers through electronic channels", TaskKey: "VII"},
	}
	// The department's fields of work. Their positions fall between the
	// plan's topics (10–90) and "other" (100), on a fresh database and on
	// one that had the first ten already. The unit codes are those of
	// org.DefaultUnits; the tasks are Plan 55's: a permit is an
	// administrative procedure (V.2), planning information must be
	// published (II.1), technical infrastructure is basic infrastructure
	// (VI.1). The other fields have no task of their own.
	fields := []TopicSeed{
		{Slug: "cap-phep-xay-dung", NameVI: "Cấp phép xây dựng", NameEN: "Building permits", TaskKey: "V.2", LeadUnit: "PQLXD",
			HintVI: "Hồ sơ, thời hạn, kết quả cấp giấy phép xây dựng, gia hạn, điều chỉnh giấy phép.",
			HintEN: "Applications, time limits and outcomes of building permits, their extension or amendment."},
		{Slug: "quy-hoach-xay-dung", NameVI: "Quy hoạch xây dựng", NameEN: "Construction planning", TaskKey: "II.1", LeadUnit: "PQHKT",
			HintVI: "Quy hoạch chung, quy hoạch chi tiết, cung cấp thông tin quy hoạch, kiến trúc.",
			HintEN: "General and detailed plans, planning information, architecture."},
		{Slug: "nha-o-bat-dong-san", NameVI: "Nhà ở và thị trường bất động sản", NameEN: "Housing and the real estate market", LeadUnit: "PQLN",
			HintVI: "Nhà ở xã hội, nhà chung cư, dự án nhà ở, kinh doanh bất động sản.",
			HintEN: "Social housing, apartment buildings, housing projects, real estate business."},
		{Slug: "trat-tu-xay-dung", NameVI: "Trật tự xây dựng", NameEN: "Construction order", LeadUnit: "TTRA",
			HintVI: "Xây dựng không phép, sai phép, lấn chiếm, công trình gây ảnh hưởng nhà bên cạnh.",
			HintEN: "Building without or against a permit, encroachment, works that harm the neighbours."},
		{Slug: "ha-tang-ky-thuat", NameVI: "Hạ tầng kỹ thuật", NameEN: "Technical infrastructure", TaskKey: "VI.1", LeadUnit: "PPTDT",
			HintVI: "Chiếu sáng, cấp thoát nước, vỉa hè, cây xanh, nghĩa trang, bãi đỗ xe đô thị.",
			HintEN: "Street lighting, water supply and drainage, pavements, trees, cemeteries, urban car parks."},
		{Slug: "vat-lieu-xay-dung", NameVI: "Vật liệu xây dựng", NameEN: "Construction materials", LeadUnit: "PKTVL",
			HintVI: "Chất lượng, giá vật liệu xây dựng, khai thác, sản xuất vật liệu.",
			HintEN: "Quality and prices of construction materials, quarrying and production."},
		{Slug: "chat-luong-cong-trinh", NameVI: "Chất lượng công trình", NameEN: "Quality of construction works", LeadUnit: "PQLXD",
			HintVI: "Công trình xuống cấp, nứt, lún, nghiệm thu, an toàn thi công.",
			HintEN: "Works that crack, sink or decay, acceptance, safety on building sites."},
	}
	var out []TopicSeed
	for i, t := range papi {
		t.Position = (i + 1) * 10
		out = append(out, t)
	}
	for i, t := range fields {
		t.Position = 91 + i
		out = append(out, t)
	}
	return append(out, TopicSeed{Slug: "khac", NameVI: "Khác (Văn phòng sẽ phân loại)", NameEN: "Other (the office classifies it)", Position: 100})
}

// TopicEdit is what the office changes on a topic. Every field is set: an
// edit replaces the topic's editable part whole.
type TopicEdit struct {
	NameVI, NameEN string
	HintVI, HintEN string
	LeadUnitID     int64 // 0: none
	PlanTaskID     int64 // 0: none
	Active         bool
}

// Topic field limits, in characters.
const (
	MaxTopicName = 200
	MaxTopicHint = 500
)

// ErrNoSuchTopic: the office edits a topic that does not exist.
var ErrNoSuchTopic = fault.New(fault.NotFound, "topic.not_found")

// Check cleans the edit (NFC, no control characters, trimmed) and returns
// the field errors: a Vietnamese name is required, lengths are bounded.
// Whether the unit and the task exist is the store's to check, in the
// transaction that saves.
func (e TopicEdit) Check() (TopicEdit, fault.List) {
	var errs fault.List
	e.NameVI, e.NameEN = cleanText(e.NameVI, false), cleanText(e.NameEN, false)
	e.HintVI, e.HintEN = cleanText(e.HintVI, false), cleanText(e.HintEN, false)
	for _, f := range []struct {
		field, v string
		max      int
	}{{"name_vi", e.NameVI, MaxTopicName}, {"name_en", e.NameEN, MaxTopicName}, {"hint_vi", e.HintVI, MaxTopicHint}, {"hint_en", e.HintEN, MaxTopicHint}} {
		if n := utf8.RuneCountInString(f.v); n > f.max {
			errs = append(errs, fault.FieldError(f.field, "petition.too_long", map[string]any{"Max": f.max, "Count": n}))
		}
	}
	if utf8.RuneCountInString(e.NameVI) < 2 {
		errs = append(errs, fault.FieldError("name_vi", "topic.name_required", nil))
	}
	if e.LeadUnitID < 0 {
		errs = append(errs, fault.FieldError("lead_unit_id", "topic.unit_unknown", nil))
	}
	if e.PlanTaskID < 0 {
		errs = append(errs, fault.FieldError("plan_task_id", "topic.task_unknown", nil))
	}
	return e, errs
}

// Identity is the petitioner. It is stored apart from the case and never
// logged; KeepSecret records whether a denouncer kept (true) or waived
// (false) the secrecy of Luật Tố cáo Art. 9(1)(b).
type Identity struct {
	Name       string
	Phone      string // normalised by NormalizePhone: 0 + the national number
	Email      string
	Address    string
	IDNumber   string
	PhoneHash  string // salted with the case's salt, for tracking by phone
	EmailHash  string
	KeepSecret bool
	ConsentAt  time.Time
}

// Attachment is a file of a case or of an answer.
type Attachment struct {
	ID         int64
	Name       string
	MediaType  string
	Size       int64
	SHA256     string
	StorageKey string
}

// Explanation says in Vietnamese and English why a due time is what it is.
type Explanation struct {
	VI string
	EN string
}

// In returns the text in lang.
func (e Explanation) In(lang string) string {
	if lang == "en" {
		return e.EN
	}
	return e.VI
}

// Due is a computed due time. A zero At means it is not computed yet
// ("chưa tính"): intake never fails because the deadline engine cannot say.
type Due struct {
	RuleID      string
	At          time.Time
	Explanation Explanation
	// Spec is the clock the due time was computed from, to store with the
	// case's first clock and replay for extensions and suspensions; nil
	// when the calculator gave none.
	Spec *deadline.Clock
	// Error says why the due time could not be computed; the case's first
	// clock is then stored uncomputed (caseclock.New.Uncomputed).
	Error string
}

// Computed reports whether the due time is known.
func (d Due) Computed() bool { return !d.At.IsZero() }

// LateAt says whether the case, still being worked on, is past its due time
// at now: its running main clock is late (caseclock.Clock.LateAt, the one
// definition the inbox, the sweep and the KPIs read). A suspended case has
// no running clock; an answered or closed one is late no more.
func (c Case) LateAt(now time.Time) bool {
	if !c.Status.Working() || c.Status == StatusSuspended || !c.Due.Computed() {
		return false
	}
	due := c.Due.At
	return caseclock.Clock{State: caseclock.Open, DueAt: &due}.LateAt(now)
}

// Case is the working case file as intake and tracking see it. It carries no
// identity: see Identity.
type Case struct {
	ID         int64
	Code       string
	Kind       Kind
	Channel    Channel
	TopicID    int64
	PlanTaskID int64
	Title      string
	Content    string
	Place      string
	Lang       string
	Status     Status
	ReceivedAt time.Time
	AcceptedAt *time.Time
	Due        Due

	secretSalt, secretHash string
	phoneHash, emailHash   string
}

// CaseSecrets are the hashes tracking compares against. Stores fill them
// with SetSecrets; they never leave the package otherwise.
type CaseSecrets struct {
	Salt, SecretHash, PhoneHash, EmailHash string
}

// SetSecrets is for Store implementations.
func (c *Case) SetSecrets(s CaseSecrets) {
	c.secretSalt, c.secretHash, c.phoneHash, c.emailHash = s.Salt, s.SecretHash, s.PhoneHash, s.EmailHash
}

// Event is one entry of a case's history.
type Event struct {
	Kind      EventKind
	Public    bool
	Actor     string
	UnitName  string
	Note      string
	CreatedAt time.Time
	// DueAt is the new due time an extension set ("extended" events).
	DueAt *time.Time
}

// Answer is the agency's reply. Only a published answer is shown.
type Answer struct {
	ID          int64
	Body        string
	Signer      string
	PublishedAt time.Time
	Attachments []Attachment
	// LetterNo and LetterDate (YYYY-MM-DD) identify the official letter
	// the answer was sent as, when there is one.
	LetterNo   string
	LetterDate string
}

// Rating is the citizen's opinion of an answer.
type Rating struct {
	Stars   int
	Comment string
	At      time.Time
}

// View is what a citizen sees when tracking a case.
type View struct {
	// Full: the secret was given, and the view has everything below.
	// Otherwise (the phone or e-mail was given) it is the status only: the
	// code, kind, status and dates, with the title, content and place
	// blank and no timeline, files or answer.
	Full       bool
	Case       Case
	Topic      Topic
	Timeline   []Event // public events, oldest first
	Answer     *Answer
	Rating     *Rating
	Disputed   bool
	CanRate    bool
	CanDispute bool
	// DisputeUntil is the end of the dispute window, when there is an answer.
	DisputeUntil time.Time
	Attachments  []Attachment
	// NoticesOffAt: when the petitioner turned notifications off; nil
	// while they are on.
	NoticesOffAt *time.Time
}
