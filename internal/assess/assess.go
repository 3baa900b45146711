// Package assess is the yearly assessment of disclosure work (政务公开考核,
// plan item 二十二): a scheme the city office sets each year, in versions,
// of components with weights that sum to 100; each unit's score out of
// 100 from the components' scores, and its conversion to the 4 points
// disclosure counts for in the organisations' performance review
// (机关绩效考核).
//
// Each component is scored by a source registered under its key
// (Sources), as the self-inspection report's sections are, so that a
// capability built apart (policy interpretation) plugs in with one line
// where the program is wired. A component without a source, or with
// nothing to measure for a unit that year, is left out of that unit's
// score, and the weights of the others count in proportion.
package assess

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"gongkai/internal/db"
	"gongkai/internal/org"
	"gongkai/internal/selfreport"
)

// The component keys.
const (
	Inspection     = "inspection"     // 网上巡查得分
	Tasks          = "tasks"          // 任务清单按期完成
	Applications   = "applications"   // 依申请公开答复及时、复议诉讼被纠错
	Interpretation = "interpretation" // 政策解读
	Messages       = "messages"       // 网民留言按期答复
	Catalogs       = "catalogs"       // 目录发布和信息加载
)

// Keys lists the components in scheme order.
var Keys = []string{Inspection, Tasks, Applications, Interpretation, Messages, Catalogs}

// PerformancePoints is what disclosure counts for in the organisations'
// performance review (考核结果纳入机关绩效考核（4分）).
const PerformancePoints = 4

// Measure is what a component's source found of a unit's year.
type Measure struct {
	// Score is from 0 to 100.
	Score float64
	// Available is false when the unit had nothing the component measures
	// that year (no inspection of it, no task due, no application): the
	// component is left out of its score.
	Available bool
	// Figures are what the score was computed from, for the breakdown.
	Figures map[string]any
}

// ComponentSource scores unit u's year on one component.
type ComponentSource func(ctx context.Context, q db.Querier, u org.Unit, year int) (Measure, error)

// Sources are the component sources by key.
type Sources map[string]ComponentSource

// ComponentResult is a unit's result on one component.
type ComponentResult struct {
	Key    string
	Weight int
	// Score is the component's score, two decimals; meaningless unless
	// Available.
	Score     float64
	Available bool
	// Connected says a source is registered for the component.
	Connected bool
	Figures   map[string]any
}

// UnitResult is a unit's assessment.
type UnitResult struct {
	Unit org.Unit
	// Score is out of 100, two decimals: the components' scores weighted,
	// over the weights of those available.
	Score float64
	// Points is Score converted to the performance review's 4 points,
	// two decimals.
	Points     float64
	Components []ComponentResult
}

// round2 rounds to two decimals.
func round2(x float64) float64 { return math.Round(x*100) / 100 }

// Units returns the units of scope's subtree that are assessed: those
// that report on their disclosure work (selfreport.Files), in hierarchy
// order.
func Units(ctx context.Context, q db.Querier, scope org.Unit) ([]org.Unit, error) {
	all, err := org.Subtree(ctx, q, scope)
	if err != nil {
		return nil, err
	}
	var out []org.Unit
	for _, u := range all {
		if selfreport.Files(u) {
			out = append(out, u)
		}
	}
	return out, nil
}

// Score assesses unit u's year under scheme s with the sources srcs.
func Score(ctx context.Context, q db.Querier, srcs Sources, s Scheme, u org.Unit) (UnitResult, error) {
	r := UnitResult{Unit: u}
	sum, weights := 0.0, 0
	for _, c := range s.Components {
		cr := ComponentResult{Key: c.Key, Weight: c.Weight, Figures: map[string]any{}}
		if src := srcs[c.Key]; src != nil {
			m, err := src(ctx, q, u, s.Year)
			if err != nil {
				return UnitResult{}, fmt.Errorf("assess %s on %s: %w", u.Code, c.Key, err)
			}
			cr.Connected, cr.Available, cr.Score = true, m.Available, round2(min(max(m.Score, 0), 100))
			if m.Figures != nil {
				cr.Figures = m.Figures
			}
		}
		if cr.Available && c.Weight > 0 {
			sum += cr.Score * float64(c.Weight)
			weights += c.Weight
		}
		r.Components = append(r.Components, cr)
	}
	if weights > 0 {
		r.Score = round2(sum / float64(weights))
	}
	r.Points = round2(r.Score / 100 * PerformancePoints)
	return r, nil
}

// Assess assesses each of units under scheme s.
func Assess(ctx context.Context, q db.Querier, srcs Sources, s Scheme, units []org.Unit) ([]UnitResult, error) {
	out := make([]UnitResult, 0, len(units))
	for _, u := range units {
		r, err := Score(ctx, q, srcs, s, u)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Component returns the result on component key, and false if the scheme
// has none.
func (r UnitResult) Component(key string) (ComponentResult, bool) {
	i := slices.IndexFunc(r.Components, func(c ComponentResult) bool { return c.Key == key })
	if i < 0 {
		return ComponentResult{}, false
	}
	return r.Components[i], true
}

// MarshalJSON writes the result as {"code","score","points","components":
// [{"key","score","weight"}]}, a component left out with a null score.
func (r UnitResult) MarshalJSON() ([]byte, error) {
	type component struct {
		Key    string   `json:"key"`
		Score  *float64 `json:"score"`
		Weight int      `json:"weight"`
	}
	out := struct {
		Code       string      `json:"code"`
		Score      float64     `json:"score"`
		Points     float64     `json:"points"`
		Components []component `json:"components"`
	}{Code: r.Unit.Code, Score: r.Score, Points: r.Points, Components: []component{}}
	for _, c := range r.Components {
		x := component{Key: c.Key, Weight: c.Weight}
		if c.Available {
			score := c.Score
			x.Score = &score
		}
		out.Components = append(out.Components, x)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(out)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
}
