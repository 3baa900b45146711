// Package services is service disclosure (办事服务公开, plan items 十五 and
// 十七): each unit's service items with their guides (办事指南), edited,
// reviewed and published in versions; their import from spreadsheets; the
// life and business events that bundle guides into the handbook (办事一本通);
// the quarterly spot checks (抽查) and the complaints about guides that the
// office responsible handles, and its yearly summary. It knows nothing of
// HTTP: the portal, the console, the API and the command line call the same
// functions.
package services

import (
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"gongkai/internal/errs"
	"gongkai/internal/foi"
	"gongkai/internal/i18n"
	"gongkai/internal/tabular"
)

// Type is the kind of a service item (事项类型), as the lists of
// government services name them.
type Type string

// The types of item.
const (
	Permit        Type = "permit"         // 行政许可
	Benefit       Type = "benefit"        // 行政给付
	Confirmation  Type = "confirmation"   // 行政确认
	Adjudication  Type = "adjudication"   // 行政裁决
	OtherPower    Type = "other_power"    // 其他行政权力
	PublicService Type = "public_service" // 公共服务
)

// Types lists the types in the order lists show them.
var Types = []Type{Permit, Benefit, Confirmation, Adjudication, OtherPower, PublicService}

// Valid reports whether t is a known type.
func (t Type) Valid() bool { return slices.Contains(Types, t) }

// Zh is the type's Chinese name (行政许可…).
func (t Type) Zh() string { return i18n.T(i18n.Zh, "svc.type."+string(t)) }

// ParseType reads a type as files and forms write it: its code or its
// Chinese name, full-width or not. It reports false for anything else.
func ParseType(s string) (Type, bool) {
	s = strings.TrimSpace(s)
	for _, t := range Types {
		if s == string(t) || tabular.Fold(s) == tabular.Fold(t.Zh()) {
			return t, true
		}
	}
	return "", false
}

// Forms a material is handed in (材料形式).
const (
	FormPaper      = "paper"      // 纸质
	FormElectronic = "electronic" // 电子
	FormEither     = "either"     // 纸质或电子
)

// Forms lists the forms of a material.
var Forms = []string{FormPaper, FormElectronic, FormEither}

// File is a file kept with a guide: a material's sample (样表、示范文本),
// stored by its content as attachments are (info.StoreFile).
type File struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	MIME   string `json:"mime"`
}

// Material is one document an applicant brings (申请材料).
type Material struct {
	Name string `json:"name"`
	// Form is FormPaper, FormElectronic or FormEither.
	Form   string `json:"form"`
	Copies int    `json:"copies"`
	// Original says the original is shown (原件); otherwise a copy is
	// enough (复印件).
	Original bool   `json:"original"`
	Note     string `json:"note,omitempty"`
	Sample   *File  `json:"sample,omitempty"`
}

// Content is what a guide says (办事指南要素).
type Content struct {
	Name       string     `json:"name"`
	Type       Type       `json:"type"`
	Basis      string     `json:"basis"`      // 设定依据
	Conditions string     `json:"conditions"` // 申请条件
	Materials  []Material `json:"materials"`  // 申请材料
	Steps      []string   `json:"steps"`      // 办理流程
	// LegalDays and PromisedDays are the statutory and promised time
	// limits (法定时限, 承诺时限) in working days; nil when the guide gives
	// none, 0 for an item done on the spot (即办).
	LegalDays      *int     `json:"legal_days"`
	PromisedDays   *int     `json:"promised_days"`
	Fee            string   `json:"fee"`             // 收费标准 (不收费 when free)
	FeeBasis       string   `json:"fee_basis"`       // 收费依据
	Place          string   `json:"place"`           // 办理地点
	Hours          string   `json:"hours"`           // 办理时间
	Phone          string   `json:"phone"`           // 咨询电话
	ComplaintPhone string   `json:"complaint_phone"` // 投诉电话
	OnlineURL      string   `json:"online_url"`      // 在线办理
	Served         string   `json:"served"`          // 服务对象
	Events         []string `json:"events"`          // 主题: the life and business events
}

// TimeLimit is the limit a person can count on: the promised one, or the
// statutory one when none is promised; nil when the guide gives neither.
func (c Content) TimeLimit() *int {
	if c.PromisedDays != nil {
		return c.PromisedDays
	}
	return c.LegalDays
}

// Element is a key element of a guide: one whose absence makes it
// incomplete (国办秘函〔2019〕19号 counts such guides).
type Element string

// The key elements.
const (
	ElConditions Element = "conditions"
	ElMaterials  Element = "materials"
	ElSteps      Element = "steps"
	ElTimeLimit  Element = "time_limit"
	ElFee        Element = "fee"
	ElPlace      Element = "place"
	ElPhone      Element = "phone"
)

// KeyElements lists the key elements in the order of a guide.
var KeyElements = []Element{ElConditions, ElMaterials, ElSteps, ElTimeLimit, ElFee, ElPlace, ElPhone}

// Header is the element's name as the import's headers write it
// (申请条件, 法定时限/承诺时限…).
func (e Element) Header() string { return i18n.T(i18n.Zh, e.Msg()) }

// Msg is the message that names the element, in either language.
func (e Element) Msg() string { return "svc.el." + string(e) }

// Missing returns the key elements c lacks, in guide order. A time limit is
// there when either the statutory or the promised one is.
func (c Content) Missing() []Element {
	var out []Element
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	for _, e := range KeyElements {
		var miss bool
		switch e {
		case ElConditions:
			miss = blank(c.Conditions)
		case ElMaterials:
			miss = len(c.Materials) == 0
		case ElSteps:
			miss = len(c.Steps) == 0
		case ElTimeLimit:
			miss = c.LegalDays == nil && c.PromisedDays == nil
		case ElFee:
			miss = blank(c.Fee)
		case ElPlace:
			miss = blank(c.Place)
		case ElPhone:
			miss = blank(c.Phone)
		}
		if miss {
			out = append(out, e)
		}
	}
	return out
}

// Headers returns the import headers of elements, joined by 、.
func Headers(es []Element) string {
	hs := make([]string, len(es))
	for i, e := range es {
		hs[i] = e.Header()
	}
	return strings.Join(hs, "、")
}

// Bounds of what a guide holds.
const (
	maxName      = 200
	maxText      = 10000 // conditions, basis, fee basis
	maxLine      = 500   // place, hours, phones, served, a material's name
	maxMaterials = 60
	maxSteps     = 40
	maxEvents    = 10
	maxDays      = 1000
	maxCopies    = 99
)

// normalize trims c and drops the empty materials, steps and events that
// blank rows of a form leave.
func (c Content) normalize() Content {
	c.Name = foi.OneLine(c.Name)
	for _, p := range []*string{&c.Place, &c.Hours, &c.Phone, &c.ComplaintPhone, &c.OnlineURL, &c.Served, &c.Fee} {
		*p = foi.OneLine(*p)
	}
	for _, p := range []*string{&c.Basis, &c.Conditions, &c.FeeBasis} {
		*p = foi.Clean(*p)
	}
	var ms []Material
	for _, m := range c.Materials {
		m.Name, m.Note = foi.OneLine(m.Name), foi.OneLine(m.Note)
		if m.Name == "" && m.Note == "" && m.Sample == nil {
			continue
		}
		if m.Form == "" {
			m.Form = FormPaper
		}
		ms = append(ms, m)
	}
	c.Materials = ms
	var steps []string
	for _, s := range c.Steps {
		if s = foi.OneLine(s); s != "" {
			steps = append(steps, s)
		}
	}
	c.Steps = steps
	c.Events = SplitEvents(strings.Join(c.Events, "、"))
	return c
}

// SplitEvents reads the events of a guide as files and forms write them:
// names separated by 、, commas, semicolons or new lines; each once.
func SplitEvents(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("、,，;；\n\r\t/", r) }) {
		if f = strings.TrimSpace(f); f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// validate checks c, cleaned, and returns every problem at once, each
// naming its form field. Only the name and the type are required: a guide
// may be kept, and even published, without its other elements, which
// inspections and spot checks then count as missing.
func (c Content) validate() (Content, error) {
	c = c.normalize()
	var m errs.Multi
	add := func(field, key string, args ...any) { m = append(m, errs.InvalidField(field, key, args...)) }
	long := func(field string, v string, n int) {
		if utf8.RuneCountInString(v) > n {
			add(field, "svc.too_long", errs.Msg("svc.field."+field), n)
		}
	}
	switch {
	case c.Name == "":
		add("name", "svc.required", errs.Msg("svc.field.name"))
	default:
		long("name", c.Name, maxName)
	}
	if !c.Type.Valid() {
		add("type", "svc.bad_type")
	}
	for _, f := range []struct {
		field string
		v     string
		n     int
	}{{"basis", c.Basis, maxText}, {"conditions", c.Conditions, maxText}, {"fee_basis", c.FeeBasis, maxText}, {"fee", c.Fee, maxLine},
		{"place", c.Place, maxLine}, {"hours", c.Hours, maxLine}, {"phone", c.Phone, maxLine}, {"complaint_phone", c.ComplaintPhone, maxLine},
		{"served", c.Served, maxLine}, {"online_url", c.OnlineURL, maxLine}} {
		long(f.field, f.v, f.n)
	}
	if len(c.Materials) > maxMaterials {
		add("materials", "svc.too_many", errs.Msg("svc.field.materials"), maxMaterials)
	}
	for i, mt := range c.Materials {
		n := i + 1
		if mt.Name == "" {
			add(matField("name", i), "svc.material_name", n)
		} else if utf8.RuneCountInString(mt.Name) > maxLine {
			add(matField("name", i), "svc.too_long", errs.Msg("svc.field.material_name"), maxLine)
		}
		if utf8.RuneCountInString(mt.Note) > maxLine {
			add(matField("note", i), "svc.too_long", errs.Msg("svc.field.material_note"), maxLine)
		}
		if !slices.Contains(Forms, mt.Form) {
			add(matField("form", i), "svc.material_form", n)
		}
		if mt.Copies < 0 || mt.Copies > maxCopies {
			add(matField("copies", i), "svc.material_copies", n, maxCopies)
		}
	}
	if len(c.Steps) > maxSteps {
		add("steps", "svc.too_many", errs.Msg("svc.field.steps"), maxSteps)
	}
	for _, s := range c.Steps {
		if utf8.RuneCountInString(s) > maxLine {
			add("steps", "svc.too_long", errs.Msg("svc.field.steps"), maxLine)
			break
		}
	}
	for _, d := range []struct {
		field string
		v     *int
	}{{"legal_days", c.LegalDays}, {"promised_days", c.PromisedDays}} {
		if d.v != nil && (*d.v < 0 || *d.v > maxDays) {
			add(d.field, "svc.bad_days", errs.Msg("svc.field."+d.field), maxDays)
		}
	}
	if c.LegalDays != nil && c.PromisedDays != nil && *c.PromisedDays > *c.LegalDays {
		add("promised_days", "svc.promise_longer")
	}
	if c.OnlineURL != "" {
		if u, err := url.Parse(c.OnlineURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			add("online_url", "svc.bad_url")
		}
	}
	if len(c.Events) > maxEvents {
		add("events", "svc.too_many", errs.Msg("svc.field.events"), maxEvents)
	}
	for _, e := range c.Events {
		if utf8.RuneCountInString(e) > 40 {
			add("events", "svc.too_long", errs.Msg("svc.field.events"), 40)
			break
		}
	}
	return c, m.Err()
}

// matField names the form field of material i's part (material_name_0…).
func matField(part string, i int) string { return "material_" + part + "_" + itoa(int64(i)) }
