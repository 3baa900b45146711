package report

import (
	"bytes"
	"encoding/json"
	"io"

	"gongkai/internal/i18n"
)

// MarshalJSON writes the report as the JSON writer, the API and the
// published snapshot give it: unit, year, sections, the three tables and
// the check.
func (r Report) MarshalJSON() ([]byte, error) {
	type unit struct {
		Code string `json:"code"`
		Name string `json:"name"`
	}
	type text struct {
		Key   string `json:"key"`
		Title string `json:"title"`
		Text  string `json:"text"`
	}
	type check struct {
		OK      bool     `json:"ok"`
		Failing []string `json:"failing"`
	}
	var texts []text
	for _, k := range Sections {
		texts = append(texts, text{Key: k, Title: i18n.T(i18n.Zh, SectionKey(k)), Text: r.Texts.Text(k)})
	}
	failing := r.Check()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // the texts are Chinese prose, not markup
	err := enc.Encode(struct {
		Unit     unit   `json:"unit"`
		Year     int    `json:"year"`
		Title    string `json:"title"`
		Sections []text `json:"sections"`
		Table2   Table2 `json:"table2"`
		Table3   Table3 `json:"table3"`
		Table4   Table4 `json:"table4"`
		Check    check  `json:"check"`
	}{unit{r.Unit.Code, r.Unit.Name}, r.Year, Title(i18n.Zh, r.Unit, r.Year), texts, r.Table2, r.Table3, r.Table4,
		check{OK: len(failing) == 0, Failing: append([]string{}, failing...)}})
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
}

// WriteJSON writes report r as indented JSON.
func WriteJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
