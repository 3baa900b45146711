// Package foi runs applications for disclosure (依申请公开) under the
// 政府信息公开条例: intake from the portal and from staff with the receipt
// date of Art. 31, the 20-working-day clock of Art. 33 with its correction
// (补正, Art. 30), consultations (Art. 32, 34), one extension and the fee
// notice of 国办函〔2020〕109号 stopping or restarting it, replies of the
// kinds of Art. 36–39 recorded with the annual report's row keys, reply
// notices (告知书), delivery, appeals, reminders and the requests worth
// disclosing proactively (依申请转主动).
package foi

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gongkai/internal/errs"
	"gongkai/internal/org"
	"gongkai/internal/push"
)

// Applicant types: the columns of the annual report's table 3.
const (
	NaturalPerson        = "natural_person"
	CommercialEnterprise = "commercial_enterprise"
	ResearchInstitution  = "research_institution"
	SocialWelfareOrg     = "social_welfare_org"
	LegalServiceOrg      = "legal_service_org"
	OtherOrg             = "other"
)

// ApplicantTypes lists the applicant types in table order.
var ApplicantTypes = []string{NaturalPerson, CommercialEnterprise, ResearchInstitution, SocialWelfareOrg, LegalServiceOrg, OtherOrg}

// Channels an application arrives by. The receipt date follows from the
// channel (条例第三十一条).
const (
	Online   = "online"    // the portal's form: the day both sides confirm
	Email    = "email"     // other internet channels: the day both sides confirm
	InPerson = "in_person" // at the counter: that day
	Post     = "post"      // by post: the day signed for
	Fax      = "fax"       // by fax: the day both sides confirm
)

// Channels lists the channels; StaffChannels those a clerk registers
// applications from (online ones come through the portal).
var (
	Channels      = []string{Online, Email, InPerson, Post, Fax}
	StaffChannels = []string{InPerson, Post, Fax, Email}
)

// Media (载体) and ways of getting the information (获取方式) an applicant
// may ask for.
var (
	Media      = []string{"paper", "electronic", "disc"}
	Deliveries = []string{"post", "email", "fax", "pickup", "onsite"}
)

// Notifications are the ways an applicant may be told of each step: none,
// e-mail, SMS.
var Notifications = []string{"", "email", "sms"}

// ID document types for natural persons; legal persons give a 统一社会信用代码.
var IDTypes = []string{"resident_id", "passport", "hk_macao_permit", "taiwan_permit", "foreign_permanent", "other_id"}

// USCC is the ID type of legal persons and other organizations.
const USCC = "uscc"

// Statuses of an application.
const (
	StatusPending    = "pending"    // submitted online, receipt not yet confirmed
	StatusProcessing = "processing" // the clock runs
	StatusCorrection = "correction" // waiting for the applicant's correction
	StatusConsulting = "consulting" // waiting for a third party or another agency
	StatusFee        = "fee"        // waiting for the fee
	StatusReplied    = "replied"    // answered, delivery not yet recorded
	StatusDelivered  = "delivered"  // answered and delivered
)

// Open reports whether an application in status s still needs handling.
func Open(s string) bool { return s != StatusReplied && s != StatusDelivered }

// Result keys: the rows of table 3 under 三、本年度办理结果.
const (
	Granted                   = "granted"
	Partial                   = "partial"
	DeniedStateSecret         = "denied_state_secret"
	DeniedLawForbidden        = "denied_law_forbidden"
	DeniedThreeSafety         = "denied_three_safety_one_stability"
	DeniedThirdParty          = "denied_third_party"
	DeniedInternalAffairs     = "denied_internal_affairs"
	DeniedProcessInfo         = "denied_process_info"
	DeniedEnforcementFile     = "denied_enforcement_file"
	DeniedAdministrativeQuery = "denied_administrative_query"
	UnableNotHeld             = "unable_not_held"
	UnableNeedCreate          = "unable_need_create"
	UnableUnclear             = "unable_unclear"
	NotProcessedPetition      = "not_processed_petition"
	NotProcessedRepeat        = "not_processed_repeat"
	NotProcessedPublication   = "not_processed_publication"
	NotProcessedExcessive     = "not_processed_excessive"
	NotProcessedConfirm       = "not_processed_confirm"
	OtherNoCorrection         = "other_no_correction"
	OtherNoFee                = "other_no_fee"
	OtherOther                = "other_other"
)

// Results lists the result keys in the table's order.
var Results = []string{Granted, Partial,
	DeniedStateSecret, DeniedLawForbidden, DeniedThreeSafety, DeniedThirdParty, DeniedInternalAffairs, DeniedProcessInfo, DeniedEnforcementFile, DeniedAdministrativeQuery,
	UnableNotHeld, UnableNeedCreate, UnableUnclear,
	NotProcessedPetition, NotProcessedRepeat, NotProcessedPublication, NotProcessedExcessive, NotProcessedConfirm,
	OtherNoCorrection, OtherNoFee, OtherOther}

// ValidResult reports whether k is a result key.
func ValidResult(k string) bool { return oneOf(Results, k) }

// Denied reports whether result k refuses disclosure (不予公开), for which
// administrative review comes before a lawsuit (行政复议法第二十三条).
func Denied(k string) bool { return strings.HasPrefix(k, "denied_") }

// Pause kinds.
const (
	ThirdParty = "third_party" // 征求第三方意见 (条例第三十二条)
	Agency     = "agency"      // 征求其他机关意见 (条例第三十四条)
	FeePause   = "fee"         // 收费通知至缴费 (国办函〔2020〕109号)
)

// Appeal kinds and outcomes (table 4).
const (
	Review          = "review"            // 行政复议
	SuitDirect      = "suit_direct"       // 未经复议直接起诉
	SuitAfterReview = "suit_after_review" // 复议后起诉

	Maintained = "maintained" // 结果维持
	Corrected  = "corrected"  // 结果纠正
	OtherOut   = "other"      // 其他结果
	Pending    = "pending"    // 尚未审结
)

// AppealKinds and Outcomes list them in table order.
var (
	AppealKinds = []string{Review, SuitDirect, SuitAfterReview}
	Outcomes    = []string{Maintained, Corrected, OtherOut, Pending}
)

// Statutory periods in working days.
const (
	ReplyDays         = 20 // 条例第三十三条
	CorrectionWithin  = 7  // 条例第三十条: the notice to correct goes out within 7 working days
	ConsultationDays  = 15 // 条例第三十二条、第三十四条
	MaxExtensionDays  = 20 // 条例第三十三条
	FeePaymentDays    = 20 // 国办函〔2020〕109号
	DefaultCorrection = 15 // the period an office usually gives to correct
	MaxCorrectionDays = 30
)

// Application is one application for disclosure.
type Application struct {
	ID          int64
	TrackingNo  string
	Unit        org.Unit
	Applicant   Applicant
	Description string
	Purpose     string
	Medium      string
	Delivery    string
	// Notify is how the applicant asked to be told of each step: "",
	// "email" or "sms" (plan item 十六), in NotifyLang.
	Notify        string
	NotifyLang    string
	Channel       string
	SubmittedAt   time.Time
	ReceivedDate  string // 收到申请之日 (Art. 31); empty while pending
	ReceiptNote   string
	Status        string
	ClockStart    string // the receipt date, or the day the correction arrived
	Correction    Correction
	Extension     Extension
	Fee           Fee
	Pauses        []Pause
	Handler       string
	Result        string
	ResultDate    string
	Reply         string // what was disclosed, where it is public, or the reasons
	OtherAgency   string // the agency that holds the information, when known
	RepliedBy     string
	DeliveredDate string
	DeliveredBy   string
	DeliveryNote  string
	Proactive     string // "", "converted" or "dismissed" (依申请转主动)
	ProactiveNote string
	Imported      bool
	CreatedBy     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Events        []Event
	Appeals       []Appeal
	Files         []ReplyFile // what a reply that discloses gives
	Links         []ReplyLink // where it is already published
}

// Applicant is who applies (条例第二十九条).
type Applicant struct {
	Type     string `json:"type"` // one of ApplicantTypes
	Name     string `json:"name"` // person's or organization's name
	IDType   string `json:"id_type"`
	IDNumber string `json:"id_number"`
	LegalRep string `json:"legal_rep,omitempty"` // 法定代表人 or 负责人, for organizations
	Contact  string `json:"contact,omitempty"`   // 联系人, for organizations
	Phone    string `json:"phone"`
	Email    string `json:"email,omitempty"`
	Address  string `json:"address,omitempty"`
	Postcode string `json:"postcode,omitempty"`
}

// Correction is the notice to correct (补正告知) and its answer.
type Correction struct {
	Date      string // the notice's day
	Days      int    // working days given to correct
	Due       string
	Note      string // what to correct
	Corrected string // the day the corrected application arrived
}

// Extension is the one extension of the reply period.
type Extension struct {
	Days     int
	Date     string
	Approver string // 政府信息公开工作机构负责人
	Reason   string
}

// Fee is the processing fee notice.
type Fee struct {
	Mode   string // "item" or "page"; empty without a notice
	Count  int
	Amount int // yuan
}

// Pause stops the reply clock: a consultation or a fee notice.
type Pause struct {
	Seq     int
	Kind    string
	Party   string // the third party or agency consulted
	From    string
	Due     string // the party's 15 working days, or the 20 to pay
	To      string // empty while open
	Note    string
	Outcome string // consultation: "agree", "object", "silent"; fee: "paid", "waived"
}

// Open reports whether the pause has not ended.
func (p Pause) Open() bool { return p.To == "" }

// Event is a line of the application's timeline.
type Event struct {
	At    time.Time
	Actor string
	Kind  string
	Day   string
	Note  string
}

// Appeal is an administrative review or lawsuit against a reply.
type Appeal struct {
	ID         int64
	Kind       string
	Filed      string
	Outcome    string
	Decided    string
	Note       string
	RecordedBy string
	RecordedAt time.Time
}

// Input is what an applicant or a clerk fills in to apply.
type Input struct {
	UnitCode    string
	Applicant   Applicant
	Description string
	Purpose     string
	Medium      string
	Delivery    string
	// Notify asks for progress notices: "", "email" or "sms"; NotifyLang
	// is their language ("zh" when empty).
	Notify     string
	NotifyLang string
}

// Field limits.
const (
	maxName        = 100
	maxDescription = 2000
	maxNote        = 2000
	maxReply       = 10000
)

// clean trims s and drops control characters other than newlines and tabs.
func clean(s string) string {
	s = strings.TrimSpace(s)
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s)
}

// oneLine is clean without line breaks.
func oneLine(s string) string { return strings.Join(strings.Fields(clean(s)), " ") }

func oneOf(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// normalize cleans the input.
func (in Input) normalize() Input {
	a := &in.Applicant
	for _, p := range []*string{&a.Type, &a.Name, &a.IDType, &a.LegalRep, &a.Contact, &a.Phone, &a.Email, &a.Address, &a.Postcode, &in.UnitCode, &in.Medium, &in.Delivery, &in.Notify} {
		*p = oneLine(*p)
	}
	a.IDNumber = strings.ToUpper(strings.ReplaceAll(oneLine(a.IDNumber), " ", ""))
	in.Description, in.Purpose = clean(in.Description), clean(in.Purpose)
	return in
}

// validate checks the input and returns every problem at once, each naming
// its form field.
func (in Input) validate() errs.Multi {
	var m errs.Multi
	a := in.Applicant
	add := func(field, key string, args ...any) { m = append(m, errs.InvalidField(field, key, args...)) }
	long := func(field, s string, n int) {
		if utf8.RuneCountInString(s) > n {
			add(field, "foi.too_long", errs.Msg("foi.field."+field), n)
		}
	}
	if in.UnitCode == "" {
		add("unit", "foi.unit_required")
	}
	if !oneOf(ApplicantTypes, a.Type) {
		add("applicant_type", "foi.applicant_type_invalid")
	}
	if a.Name == "" {
		add("name", "foi.required", errs.Msg("foi.field.name"))
	}
	long("name", a.Name, maxName)
	switch {
	case a.Type == NaturalPerson && !oneOf(IDTypes, a.IDType):
		add("id_type", "foi.id_type_invalid")
	case a.Type != NaturalPerson && a.Type != "" && a.IDType != USCC:
		add("id_type", "foi.id_type_invalid")
	}
	switch {
	case a.IDNumber == "":
		add("id_number", "foi.required", errs.Msg("foi.field.id_number"))
	case a.IDType == "resident_id" && !ValidResidentID(a.IDNumber):
		add("id_number", "foi.resident_id_invalid")
	case a.IDType == USCC && !ValidUSCC(a.IDNumber):
		add("id_number", "foi.uscc_invalid")
	}
	long("id_number", a.IDNumber, 40)
	if a.Type != NaturalPerson && a.Type != "" {
		if a.LegalRep == "" {
			add("legal_rep", "foi.required", errs.Msg("foi.field.legal_rep"))
		}
		if a.Contact == "" {
			add("contact", "foi.required", errs.Msg("foi.field.contact"))
		}
	}
	long("legal_rep", a.LegalRep, maxName)
	long("contact", a.Contact, maxName)
	if !ValidPhone(a.Phone) {
		add("phone", "foi.phone_invalid")
	}
	if a.Email != "" && !ValidEmail(a.Email) {
		add("email", "foi.email_invalid")
	}
	long("email", a.Email, 200)
	long("address", a.Address, 300)
	if a.Postcode != "" && !validPostcode(a.Postcode) {
		add("postcode", "foi.postcode_invalid")
	}
	if n := utf8.RuneCountInString(in.Description); n < 5 {
		add("description", "foi.description_short")
	}
	long("description", in.Description, maxDescription)
	long("purpose", in.Purpose, maxNote)
	if !oneOf(Media, in.Medium) {
		add("medium", "foi.medium_invalid")
	}
	switch {
	case !oneOf(Deliveries, in.Delivery):
		add("delivery", "foi.delivery_invalid")
	case in.Delivery == "email" && a.Email == "":
		add("email", "foi.email_needed")
	case in.Delivery == "post" && a.Address == "":
		add("address", "foi.address_needed")
	}
	switch {
	case !oneOf(Notifications, in.Notify):
		add("notify", "foi.notify_invalid")
	case in.Notify == "email" && a.Email == "":
		add("email", "foi.notify_email_needed")
	case in.Notify == "sms" && push.NormalizeMobile(a.Phone) == "":
		add("phone", "foi.notify_mobile_needed")
	}
	return m
}

// ValidPhone reports whether s reads as a telephone number: 7 to 20 digits
// with +, -, spaces and brackets.
func ValidPhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' || r == '-' || r == ' ' || r == '(' || r == ')':
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 20
}

// ValidEmail reports whether s reads as one e-mail address.
func ValidEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && at == strings.LastIndexByte(s, '@') && strings.Contains(s[at+1:], ".") &&
		!strings.ContainsAny(s, " <>\"',;") && !strings.HasSuffix(s, ".")
}

func validPostcode(s string) bool {
	if len(s) != 6 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// ValidResidentID checks an 18-character 居民身份证号码: digits, a real
// birth date and the check character of GB 11643-1999.
func ValidResidentID(s string) bool {
	if len(s) != 18 {
		return false
	}
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		sum += int(s[i]-'0') * weights[i]
	}
	if _, err := time.Parse("20060102", s[6:14]); err != nil {
		return false
	}
	return "10X98765432"[sum%11] == s[17]
}

// ValidUSCC checks an 18-character 统一社会信用代码 and its check character
// (GB 32100-2015).
func ValidUSCC(s string) bool {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	if len(s) != 18 {
		return false
	}
	weights := [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(alphabet, s[i])
		if v < 0 {
			return false
		}
		sum += v * weights[i]
	}
	c := (31 - sum%31) % 31
	return alphabet[c] == s[17]
}
