package app_test

import (
	"context"
	"testing"

	"gongkai/internal/app"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/info"
	"gongkai/internal/interpret"
	"gongkai/internal/org"
)

// The demo's interpretations load once: two policies of 赤岗 published
// with their interpretations (one with two forms), a published round with
// ranked results and one policy returned.
func TestDemoInterpretations(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := app.LoadDemo(ctx, d); err != nil {
			t.Fatal(err)
		}
		for i, want := range []bool{true, false} {
			loaded, err := app.LoadDemoInterpretations(ctx, d)
			if err != nil || loaded != want {
				t.Fatalf("load %d: %v %v", i+1, loaded, err)
			}
		}
		its, total, err := interpret.List(ctx, d, interpret.Filter{Public: true})
		if err != nil || total != 3 {
			t.Fatalf("%d interpretations, %v", total, err)
		}
		forms := map[int64][]string{}
		for _, it := range its {
			if it.Policy.Status != info.Published || !it.Record.PublishedAt.Equal(mustRecord(t, d, it.Policy.ID).PublishedAt) {
				t.Errorf("%s not published with its policy", it.Record.Title)
			}
			forms[it.Policy.ID] = append(forms[it.Policy.ID], it.Form)
		}
		if len(forms) != 2 {
			t.Errorf("policies %v", forms)
		}
		rounds, err := interpret.Rounds(ctx, d, true)
		if err != nil || len(rounds) != 1 {
			t.Fatalf("rounds %+v %v", rounds, err)
		}
		ns, err := interpret.Nominations(ctx, d, rounds[0], nil)
		if err != nil || len(ns) != 3 || ns[0].Rank != 1 || ns[0].Total != 93 || !ns[0].Excellent() {
			t.Errorf("results %+v %v", ns, err)
		}
		cg, _ := org.ByCode(ctx, d, "440105-001")
		if rs, err := interpret.Returns(ctx, d, interpret.ReturnFilter{Scope: &cg}); err != nil || len(rs) != 1 || rs[0].Done() {
			t.Errorf("returns %+v %v", rs, err)
		}
	})
}

func mustRecord(t *testing.T, d *db.DB, id int64) info.Record {
	t.Helper()
	r, err := info.ByID(context.Background(), d, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
