package opinion_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/opinion"
)

// Every bad input of every step is refused naming its field, and writes
// nothing.
func TestBadInput(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		it := w.register(w.hz, opinion.Significant)
		if _, err := w.assign(w.hz, it.ID, "", "440105-001"); err != nil {
			t.Fatal(err)
		}
		it, _ = opinion.Load(context.Background(), d, it.ID)
		part := it.Parts[0].ID
		long := strings.Repeat("长", 3001)
		register := func(change func(*opinion.Input)) func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
			in := input(opinion.General)
			change(&in)
			return func(ctx context.Context, tx *db.Tx) (opinion.Item, error) { return opinion.Register(ctx, tx, w.hz, in) }
		}
		respond := func(in opinion.ResponseInput) func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
			return func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
				return opinion.Respond(ctx, tx, w.cgEd, it.ID, part, in)
			}
		}
		instruct := func(in opinion.InstructionInput) func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
			return func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
				return opinion.Instruct(ctx, tx, w.hz, it.ID, in)
			}
		}
		assign := func(due string, units ...string) func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
			return func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
				return opinion.Assign(ctx, tx, w.cal, w.hz, it.ID, opinion.AssignInput{Units: units, Due: due})
			}
		}
		many := make([]string, 51)
		for i := range many {
			many[i] = "440105-" + strings.Repeat("9", i+1)
		}
		good := opinion.ResponseInput{Handling: "已处置", Response: "已回应"}
		for _, c := range []struct {
			what   string
			fields []string
			fn     func(ctx context.Context, tx *db.Tx) (opinion.Item, error)
		}{
			{"all empty", []string{"title", "source", "level", "summary", "found"}, register(func(in *opinion.Input) { *in = opinion.Input{} })},
			{"blank title", []string{"title"}, register(func(in *opinion.Input) { in.Title = " \t\u0000 " })},
			{"long title", []string{"title"}, register(func(in *opinion.Input) { in.Title = strings.Repeat("标", 101) })},
			{"long summary", []string{"summary"}, register(func(in *opinion.Input) { in.Summary = long })},
			{"unknown source", []string{"source"}, register(func(in *opinion.Input) { in.Source = "<script>" })},
			{"unknown level", []string{"level"}, register(func(in *opinion.Input) { in.Level = "重大" })},
			{"policy not a number", []string{"policy"}, register(func(in *opinion.Input) { in.Policy = "1 OR 1=1" })},
			{"policy missing", []string{"policy"}, register(func(in *opinion.Input) { in.Policy = "999999" })},
			{"long project", []string{"project"}, register(func(in *opinion.Input) { in.Project = strings.Repeat("项", 201) })},
			{"found unreadable", []string{"found"}, register(func(in *opinion.Input) { in.Found = "昨天" })},
			{"found tomorrow", []string{"found"}, register(func(in *opinion.Input) { in.Found = "2026-10-01T09:00" })},
			{"found 1999", []string{"found"}, register(func(in *opinion.Input) { in.Found = "1999-12-31" })},
			{"no unit", []string{"unit"}, assign("", " ", "")},
			{"unknown unit", []string{"unit"}, assign("", "440105-999")},
			{"unit of another district", []string{"unit"}, assign("", "440104-001")},
			{"too many units", []string{"unit"}, assign("", many...)},
			{"due unreadable", []string{"due"}, assign("十月八日", "440105-002")},
			{"due yesterday", []string{"due"}, assign("2026-09-29", "440105-002")},
			{"due in two years", []string{"due"}, assign("2028-09-30", "440105-002")},
			{"instruction empty", []string{"leader", "text", "day"}, instruct(opinion.InstructionInput{})},
			{"instruction before found", []string{"day"}, instruct(opinion.InstructionInput{Leader: "区长", Day: "2026-09-29", Text: "请办理"})},
			{"instruction tomorrow", []string{"day"}, instruct(opinion.InstructionInput{Leader: "区长", Day: "2026-10-01", Text: "请办理"})},
			{"long leader", []string{"leader"}, instruct(opinion.InstructionInput{Leader: strings.Repeat("领", 51), Day: "2026-09-30", Text: "请办理"})},
			{"response empty", []string{"handling", "response"}, respond(opinion.ResponseInput{})},
			{"long response", []string{"response"}, respond(opinion.ResponseInput{Handling: "已处置", Response: strings.Repeat("回", 5001)})},
			{"javascript link", []string{"link"}, respond(opinion.ResponseInput{Handling: good.Handling, Response: good.Response, Link: "javascript:alert(1)"})},
			{"protocol-relative link", []string{"link"}, respond(opinion.ResponseInput{Handling: good.Handling, Response: good.Response, Link: "//evil.example/x"})},
			{"link with spaces", []string{"link"}, respond(opinion.ResponseInput{Handling: good.Handling, Response: good.Response, Link: "https://a.example/ b"})},
			{"close without conclusion", []string{"conclusion"}, func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
				return opinion.Close(ctx, tx, w.hz, it.ID, "  ")
			}},
			{"long urge note", []string{"note"}, func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
				return opinion.Urge(ctx, tx, w.hz, it.ID, part, strings.Repeat("催", 501), true, "")
			}},
			{"urge of no part", []string{"part"}, func(ctx context.Context, tx *db.Tx) (opinion.Item, error) {
				return opinion.Urge(ctx, tx, w.hz, it.ID, part+1000, "", true, "")
			}},
		} {
			items, audits, outbox := w.count("opinion_items"), w.count("audit_events"), w.count("push_outbox")
			_, err := w.try(c.fn)
			if errs.KindOf(err) != errs.Invalid {
				t.Errorf("%s: %v, want invalid", c.what, err)
				continue
			}
			got := fields(err)
			slices.Sort(got)
			want := slices.Clone(c.fields)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s: fields %v, want %v", c.what, got, want)
			}
			if w.count("opinion_items") != items || w.count("audit_events") != audits || w.count("push_outbox") != outbox {
				t.Errorf("%s wrote something", c.what)
			}
		}
		// A site path and an https address are links.
		for _, link := range []string{"/zwgk/info/1/", "https://www.haizhu.gov.cn/a.html"} {
			if _, err := w.try(respond(opinion.ResponseInput{Handling: good.Handling, Response: good.Response, Link: link})); err != nil {
				t.Errorf("link %s: %v", link, err)
			}
		}
		// A day alone is a time found: midnight.
		in := input(opinion.General)
		in.Found = "2026-09-29"
		got := w.must(func(ctx context.Context, tx *db.Tx) (opinion.Item, error) { return opinion.Register(ctx, tx, w.hz, in) })
		if got.FoundDate != "2026-09-29" || got.FoundAt.Hour() != 0 {
			t.Errorf("found %v", got.FoundAt)
		}
	})
}
