package petition

import (
	"time"

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
}

// Name returns the topic's name in lang, Vietnamese when there is no
// translation.
func (t Topic) Name(lang string) string {
	if lang == "en" && t.NameEN != "" {
		return t.NameEN
	}
	return t.NameVI
}

// TopicSeed is a default topic, mapped to a plan task by its key.
type TopicSeed struct {
	Slug    string
	NameVI  string
	NameEN  string
	TaskKey string // "" for none
}

// DefaultTopics is the seed list, mapped to Plan 55/KH-SXD.
// Admins edit topics later; seeding only adds missing slugs.
func DefaultTopics() []TopicSeed {
	return []TopicSeed{
		{"thong-tin-quy-hoach-thu-tuc", "Thông tin quy hoạch, thủ tục hành chính chưa được công khai", "Planning or procedure information not published", "II.1"},
		{"tiep-cong-dan-doi-thoai", "Tiếp công dân, đối thoại", "Citizen reception and dialogue", "III.1"},
		{"khieu-nai-to-cao", "Khiếu nại, tố cáo", "A complaint or denunciation", "III.2"},
		{"tham-nhung-nhung-nhieu", "Tham nhũng, nhũng nhiễu, “chung chi” trong dịch vụ công", "Corruption, harassment or informal payments in public services", "IV.3"},
		{"tuyen-dung-cong-chuc", "Tuyển dụng công chức, viên chức", "Recruitment of officials", "IV.2"},
		{"thai-do-mot-cua", "Thái độ phục vụ tại bộ phận một cửa", "Attitude at the one-stop desk", "V.1"},
		{"thu-tuc-phi-le-phi", "Thủ tục rườm rà, phí và lệ phí", "Red tape, fees and charges", "V.2"},
		{"dien-duong-nuoc-rac", "Điện, đường giao thông nông thôn, nước sạch, thu gom rác", "Power, rural roads, clean water, rubbish collection", "VI.1"},
		{"tra-loi-dien-tu", "Trả lời qua kênh điện tử", "Answers through electronic channels", "VII"},
		{"khac", "Khác (Văn phòng sẽ phân loại)", "Other (the office classifies it)", ""},
	}
}

// Identity is the petitioner. It is stored apart from the case and never
// logged; KeepSecret records whether a denouncer kept (true) or waived
// (false) the secrecy of Luật Tố cáo Art. 9(1)(b).
type Identity struct {
	Name       string
	Phone      string // normalised: 0 + 9 digits
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
}
