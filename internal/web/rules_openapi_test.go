package web

import (
	"encoding/json"
	"slices"
	"testing"

	"gongkai/internal/rules"
)

// TestOpenAPIRuleCategories: the categories the API document lists are
// the code's, in its order.
func TestOpenAPIRuleCategories(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas struct {
				Rule struct {
					Properties struct {
						Category struct {
							Enum []string `json:"enum"`
						} `json:"category"`
					} `json:"properties"`
				} `json:"Rule"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, c := range rules.Categories {
		want = append(want, string(c))
	}
	if got := doc.Components.Schemas.Rule.Properties.Category.Enum; !slices.Equal(got, want) {
		t.Errorf("category enum %v, want %v", got, want)
	}
}
