package inspect

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/services"
)

// checkServiceGuides lists the guides published as of the run's day that
// lack a key element (申请条件, 申请材料, 办理流程, 时限, 收费标准, 办理地点,
// 咨询电话): one finding for each guide, naming every element it lacks,
// against the guide's unit (国办秘函〔2019〕19号 counts incomplete guides).
func checkServiceGuides(ctx context.Context, d *db.DB, run *Run, _ *inputs, r Rule) error {
	guides, err := services.PublishedAsOf(ctx, d, run.Scope, run.end)
	if err != nil {
		return fmt.Errorf("load service guides: %w", err)
	}
	all := services.Headers(services.KeyElements)
	for _, g := range guides {
		if miss := g.Missing(); len(miss) > 0 {
			run.add(r, r.Deduction, g.Unit.ID, say("inspect.f.service_guide", g.Name), say("inspect.f.guide_elements", all),
				say("inspect.f.guide_missing", services.Headers(miss)))
		}
	}
	return nil
}

// elementKeys maps the Chinese names of a guide's key elements back to
// their messages.
var elementKeys = sync.OnceValue(func() map[string]errs.Msg {
	m := map[string]errs.Msg{}
	for _, e := range services.KeyElements {
		m[e.Header()] = errs.Msg(e.Msg())
	}
	return m
})

// elementList reads a list of key elements written in Chinese (申请条件、
// 收费标准) back as a text each language says, and reports false for any
// other text.
func elementList(s string) (i18n.Text, bool) {
	parts := strings.Split(s, "、")
	var t i18n.Text
	for i := len(parts) - 1; i >= 0; i-- {
		k, ok := elementKeys()[parts[i]]
		if !ok {
			return i18n.Text{}, false
		}
		if i == len(parts)-1 {
			t = i18n.Text{Key: "svc.el.single", Args: []any{k}}
		} else {
			t = i18n.Text{Key: "svc.el.join", Args: []any{k, t}}
		}
	}
	return t, true
}
