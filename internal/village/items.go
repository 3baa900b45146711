// Package village is village and community affairs disclosure (村（居）务
// 公开, plan item 十九): each village's or community's list — the standard
// items of 国办发〔2019〕54号 (十一) and the 村级 items of its town's
// catalogs — with what it shows for each, the consistency of items shared
// with the town, and the town's on-site guidance visits with the district's
// year-end report. It knows nothing of HTTP.
package village

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"

	"gongkai/internal/org"
)

// Standard is an item every village and community list holds.
type Standard struct {
	Code        string
	Category    string // 党务公开, 村（居）务公开, 财务公开
	CategoryEn  string
	Name        string
	NameEn      string
	Frequency   string // how often it is published, as the rules say
	FrequencyEn string
}

//go:embed data/items.tsv
var itemsTSV string

// Standards returns the standard items, in order. They are data
// (data/items.tsv) so that an administrator can correct them.
var Standards = sync.OnceValue(func() []Standard {
	out, err := parseStandards(itemsTSV)
	if err != nil {
		panic(err)
	}
	return out
})

func parseStandards(s string) ([]Standard, error) {
	var out []Standard
	for i, line := range strings.Split(s, "\n") {
		if line = strings.TrimRight(line, "\r"); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 7 {
			return nil, fmt.Errorf("village items line %d: %d fields, want 7", i+1, len(f))
		}
		out = append(out, Standard{Code: f[0], Category: f[1], CategoryEn: f[2], Name: f[3], NameEn: f[4], Frequency: f[5], FrequencyEn: f[6]})
	}
	return out, nil
}

// Keeps reports whether units of kind k keep a 村（居）务公开 list.
func Keeps(k org.Kind) bool { return k == org.Village || k == org.Community }
