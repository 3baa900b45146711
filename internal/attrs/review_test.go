package attrs_test

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"gongkai/internal/attrs"
	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/info"
)

func TestWindow(t *testing.T) {
	for _, c := range []struct {
		year     int
		from, to string
	}{{2026, "2024-01-01", "2024-12-31"}, {2021, "2019-01-01", "2019-12-31"}} {
		if got := attrs.WindowOf(c.year); got.From != c.from || got.To != c.to {
			t.Errorf("WindowOf(%d) = %+v, want %s..%s", c.year, got, c.from, c.to)
		}
	}
	jul, _ := calendar.ParseDate("2026-07-01")
	aug, _ := calendar.ParseDate("2026-08-01")
	if attrs.OffMonth(jul) || !attrs.OffMonth(aug) {
		t.Error("OffMonth: July is the month")
	}
}

// reviewDocs are the documents of the review tests: what the 2026 review
// of 海珠区 takes in (the 2024 ones 依申请公开 or 不予公开, and the published
// one of 2024 now 失效) and what it leaves (2023, 2025, valid, another
// district).
var reviewDocs = []doc{
	{"440105-001", "cg-req", "2024-03-05", "依申请公开", ""},
	{"440105-001", "cg-held", "2024-12-31", "不予公开", ""},
	{"440105-001", "cg-expired", "2024-01-01", "", "失效"},
	{"440105-001", "cg-valid", "2024-06-01", "", ""},
	{"440105-001", "cg-2023", "2023-12-31", "依申请公开", ""},
	{"440105-001", "cg-2025", "2025-01-01", "不予公开", ""},
	{"440105-002", "xg-req", "2024-05-20", "on_request", ""},
	{"440104-001", "bj-req", "2024-05-20", "withheld", ""},
}

func indexes(ds []attrs.Document) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.IndexNo+":"+d.Kind+":"+d.State())
	}
	return out
}

func TestReview(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		w.load(t, reviewDocs...)
		// Before the review opens, the documents in scope are there,
		// unopened.
		win, docs, err := attrs.Documents(ctx, d, w.cg, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if win.From != "2024-01-01" || win.To != "2024-12-31" {
			t.Errorf("window %+v", win)
		}
		want := []string{"cg-expired:invalid:unopened", "cg-req:restricted:unopened", "cg-held:restricted:unopened"}
		if diff := cmp.Diff(want, indexes(docs)); diff != "" {
			t.Errorf("documents before opening (-want +got):\n%s", diff)
		}

		openReview := func(a auth.Account, year string) (attrs.Review, error) {
			var rv attrs.Review
			err := w.try(func(ctx context.Context, tx *db.Tx) (err error) {
				rv, err = attrs.OpenReview(ctx, tx, a, year)
				return err
			})
			return rv, err
		}
		for _, y := range []string{"2027", "1999", "七月", ""} {
			_, err := openReview(w.hzOffice, y)
			wantFields(t, "year "+y, err, "year")
		}
		_, err = openReview(w.cgEd, "2026")
		wantKind(t, "an editor opens a review", err, errs.Forbidden)
		rv, err := openReview(w.hzOffice, "2026")
		if err != nil {
			t.Fatal(err)
		}
		_, err = openReview(w.hzOffice, "2026")
		wantKind(t, "a second review of 2026", err, errs.Conflict)
		items, err := attrs.ReviewItems(ctx, d, rv, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range items {
			got = append(got, it.Doc.IndexNo+":"+it.Attribute+":"+it.State)
		}
		if diff := cmp.Diff([]string{"cg-expired:active:pending", "cg-req:on_request:pending", "cg-held:withheld:pending", "xg-req:on_request:pending"}, got); diff != "" {
			t.Errorf("items (-want +got):\n%s", diff)
		}
		// The city's review of the same year takes in 越秀's document
		// only: 海珠区's are in 海珠区's review.
		cityRv, err := openReview(w.cityOffice, "2026")
		if err != nil {
			t.Fatal(err)
		}
		if cityItems, _ := attrs.ReviewItems(ctx, d, cityRv, nil); len(cityItems) != 1 || cityItems[0].Doc.IndexNo != "bj-req" {
			t.Errorf("the city's review holds %+v", cityItems)
		}
		item := func(index string) attrs.ReviewItem {
			t.Helper()
			its, err := attrs.ReviewItems(ctx, d, rv, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range its {
				if it.Doc.IndexNo == index {
					return it
				}
			}
			t.Fatalf("no item %s", index)
			return attrs.ReviewItem{}
		}

		propose := func(a auth.Account, index string, in attrs.ProposalInput) error {
			return w.try(func(ctx context.Context, tx *db.Tx) error {
				_, err := attrs.Propose(ctx, tx, a, rv, item(index), in)
				return err
			})
		}
		for _, c := range []struct {
			index string
			in    attrs.ProposalInput
			want  []string
		}{
			{"cg-req", attrs.ProposalInput{}, []string{"proposal"}},
			{"cg-req", attrs.ProposalInput{Proposal: "publish"}, []string{"proposal"}},
			{"cg-req", attrs.ProposalInput{Proposal: "active"}, []string{"approver", "approved_on"}},
			{"cg-req", attrs.ProposalInput{Proposal: "active", Approver: "陈主任", ApprovedOn: "2026-07-16"}, []string{"approved_on"}},
			{"cg-req", attrs.ProposalInput{Proposal: "active", Approver: string(make([]rune, 51)), ApprovedOn: "2026-07-10"}, []string{"approver"}},
			{"cg-expired", attrs.ProposalInput{Proposal: "active", Approver: "陈主任", ApprovedOn: "2026-07-10"}, []string{"proposal"}},
			{"cg-held", attrs.ProposalInput{Proposal: "invalid", InvalidDate: "2024-12-30"}, []string{"invalid_date"}},
			{"cg-held", attrs.ProposalInput{Proposal: "invalid", InvalidDate: "2026-02-30"}, []string{"invalid_date"}},
			{"cg-held", attrs.ProposalInput{Proposal: "keep", Note: string(make([]rune, 1001))}, []string{"note"}},
		} {
			wantFields(t, c.index+" "+c.in.Proposal, propose(w.cgEd, c.index, c.in), c.want...)
		}
		wantKind(t, "新港's editor proposes for 赤岗", propose(w.xgEd, "cg-req", attrs.ProposalInput{Proposal: "keep"}), errs.Forbidden)
		wantKind(t, "海珠区's office proposes for 赤岗", propose(w.hzOffice, "cg-req", attrs.ProposalInput{Proposal: "keep"}), errs.Forbidden)
		if it := item("cg-req"); it.State != attrs.Pending || it.Proposal != "" {
			t.Fatalf("refused proposals changed the item: %+v", it)
		}

		for _, p := range []struct {
			a     auth.Account
			index string
			in    attrs.ProposalInput
		}{
			{w.cgEd, "cg-req", attrs.ProposalInput{Proposal: "active", Approver: " 陈主任 ", ApprovedOn: "2026-07-10", Note: "情势变化，可以主动公开"}},
			{w.cgRev, "cg-held", attrs.ProposalInput{Proposal: "keep", Approver: "ignored"}},
			{w.cgEd, "cg-expired", attrs.ProposalInput{Proposal: "invalid", InvalidDate: "2025-06-30"}},
			{w.xgEd, "xg-req", attrs.ProposalInput{Proposal: "keep"}},
		} {
			if err := propose(p.a, p.index, p.in); err != nil {
				t.Fatalf("propose %s: %v", p.index, err)
			}
		}
		if it := item("cg-req"); it.State != attrs.Proposed || it.Approver != "陈主任" || it.ProposedBy != "cg-editor" {
			t.Errorf("proposed %+v", it)
		}
		if it := item("cg-held"); it.Approver != "" {
			t.Errorf("keep keeps an approver: %+v", it)
		}

		decide := func(a auth.Account, index string, confirm bool, note string) error {
			return w.try(func(ctx context.Context, tx *db.Tx) (err error) {
				if confirm {
					_, err = attrs.Confirm(ctx, tx, a, rv, item(index))
				} else {
					_, err = attrs.Return(ctx, tx, a, rv, item(index), note)
				}
				return err
			})
		}
		wantKind(t, "越秀's office confirms", decide(w.yxOffice, "cg-req", true, ""), errs.Forbidden)
		wantKind(t, "赤岗's reviewer confirms", decide(w.cgRev, "cg-req", true, ""), errs.Forbidden)
		wantFields(t, "returning without a note", decide(w.hzOffice, "cg-held", false, " "), "return_note")

		// Confirming a change to 主动公开 publishes the record the usual
		// way; it is then on the portal and in search.
		if err := decide(w.hzOffice, "cg-req", true, ""); err != nil {
			t.Fatal(err)
		}
		r := w.record(t, "cg-req")
		if r.Attribute != info.Active || r.AttributeReason != "" || r.Status != info.Published || r.PublishedAt.IsZero() {
			t.Errorf("the record after confirming: %s %q %s %v", r.Attribute, r.AttributeReason, r.Status, r.PublishedAt)
		}
		if n, hits, err := info.Search(ctx, d, d.Dialect, info.Query{Q: "cg-req"}); err != nil || n != 1 || hits[0].Record.IndexNo != "cg-req" {
			t.Errorf("search for the record now public: %d %v", n, err)
		}
		if it := item("cg-req"); it.State != attrs.Confirmed || it.DecidedBy != "hz-office" {
			t.Errorf("confirmed %+v", it)
		}
		wantKind(t, "proposing once confirmed", propose(w.cgEd, "cg-req", attrs.ProposalInput{Proposal: "keep"}), errs.Conflict)
		wantKind(t, "confirming twice", decide(w.hzOffice, "cg-req", true, ""), errs.Conflict)

		if err := decide(w.hzOffice, "cg-expired", true, ""); err != nil {
			t.Fatal(err)
		}
		if r := w.record(t, "cg-expired"); r.Validity != info.Expired || r.ValidityDate != "2025-06-30" {
			t.Errorf("marked invalid: %s %s", r.Validity, r.ValidityDate)
		}
		if err := decide(w.hzOffice, "cg-held", false, "请说明不予公开的法律依据"); err != nil {
			t.Fatal(err)
		}
		if it := item("cg-held"); it.State != attrs.Returned || it.ReturnNote != "请说明不予公开的法律依据" {
			t.Errorf("returned %+v", it)
		}
		wantKind(t, "confirming a returned proposal", decide(w.hzOffice, "cg-held", true, ""), errs.Conflict)

		// Half way, 赤岗 has two documents confirmed and one returned; a
		// document loaded after the review opened is in scope, pending
		// until the review takes it in.
		w.load(t, doc{"440105-001", "cg-late", "2024-09-09", "不予公开", ""})
		f, err := attrs.ReviewFiguresOf(ctx, d, w.cg, 2026)
		if want := (attrs.ReviewFigures{InScope: 4, Active: 1, Invalid: 1, Pending: 2}); err != nil || f != want {
			t.Errorf("赤岗's figures %+v, want %+v (%v)", f, want, err)
		}
		_, docs, _ = attrs.Documents(ctx, d, w.cg, 2026)
		if diff := cmp.Diff([]string{"cg-expired:invalid:confirmed", "cg-req:restricted:confirmed", "cg-late:restricted:unopened", "cg-held:restricted:returned"}, indexes(docs)); diff != "" {
			t.Errorf("documents (-want +got):\n%s", diff)
		}
		var n int
		w.tx(t, func(ctx context.Context, tx *db.Tx) (err error) {
			n, err = attrs.TakeIn(ctx, tx, w.hzOffice, rv)
			return err
		})
		if n != 1 {
			t.Errorf("took in %d, want the late one", n)
		}
		w.tx(t, func(ctx context.Context, tx *db.Tx) (err error) {
			n, err = attrs.TakeIn(ctx, tx, w.hzOffice, rv)
			return err
		})
		if n != 0 {
			t.Errorf("took in %d again", n)
		}

		var pubErr error
		w.try(func(ctx context.Context, tx *db.Tx) error {
			_, pubErr = attrs.PublishReview(ctx, tx, w.hzOffice, rv)
			return pubErr
		})
		if e := errs.As(pubErr); e == nil || e.Key != "attrs.review_unconfirmed" || e.Args[0] != 3 {
			t.Errorf("publishing with three unconfirmed: %v", pubErr)
		}
		for _, idx := range []string{"cg-held", "cg-late"} {
			if err := propose(w.cgEd, idx, attrs.ProposalInput{Proposal: "keep", Note: "仍属内部事务信息"}); err != nil {
				t.Fatal(err)
			}
		}
		for _, idx := range []string{"cg-held", "cg-late", "xg-req"} {
			if err := decide(w.hzOffice, idx, true, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := attrs.PublishedOutcome(ctx, d, w.cg, 2026); errs.KindOf(err) != errs.NotFound {
			t.Errorf("an outcome before publishing: %v", err)
		}
		w.tx(t, func(ctx context.Context, tx *db.Tx) (err error) {
			rv, err = attrs.PublishReview(ctx, tx, w.hzOffice, rv)
			return err
		})
		wantKind(t, "proposing after publishing", propose(w.cgEd, "cg-held", attrs.ProposalInput{Proposal: "keep"}), errs.Conflict)

		o, err := attrs.PublishedOutcome(ctx, d, w.cg, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if o.InScope != 4 || o.Kept != 2 || o.Active != 1 || o.Invalid != 1 || len(o.Disclosed) != 1 || o.Disclosed[0].Doc.IndexNo != "cg-req" ||
			len(o.Marked) != 1 || o.Marked[0].Doc.IndexNo != "cg-expired" || o.Window.From != "2024-01-01" {
			t.Errorf("outcome %+v", o)
		}
		items, _ = attrs.ReviewItems(ctx, d, rv, nil)
		if units := attrs.ReviewUnits(items); len(units) != 2 || units[0].Unit.Code != "440105-001" ||
			units[0] != (attrs.ReviewUnit{Unit: units[0].Unit, Total: 4, Confirmed: 4, Kept: 2, Active: 1, Invalid: 1}) || units[1].Kept != 1 {
			t.Errorf("by unit %+v", units)
		}
		if o, err := attrs.PublishedOutcome(ctx, d, w.xg, 2026); err != nil || o.InScope != 1 || o.Kept != 1 {
			t.Errorf("新港's outcome %+v %v", o, err)
		}
		for _, c := range []struct {
			unit auth.Account
			year int
		}{{w.bjEd, 2026}, {w.cgEd, 2025}} {
			if _, err := attrs.PublishedOutcome(ctx, d, c.unit.Unit, c.year); errs.KindOf(err) != errs.NotFound {
				t.Errorf("outcome of %s %d: %v", c.unit.Unit.Code, c.year, err)
			}
		}
		refs, err := attrs.Outcomes(ctx, d, w.city)
		if err != nil || len(refs) != 2 || refs[0].Unit.Code != "440105-001" || refs[1].Unit.Code != "440105-002" {
			t.Errorf("outcomes %+v %v", refs, err)
		}
		f, _ = attrs.ReviewFiguresOf(ctx, d, w.hz, 2026)
		if want := (attrs.ReviewFigures{InScope: 5, Kept: 3, Active: 1, Invalid: 1}); f != want {
			t.Errorf("海珠区's figures %+v, want %+v", f, want)
		}

		// Every change is in the audit log.
		events, err := audit.Recent(ctx, d, "", "", 500)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range events {
			actions = append(actions, e.Action)
		}
		for _, a := range []string{"attrs.review_open", "attrs.propose", "attrs.confirm", "attrs.return", "attrs.review_take_in", "attrs.review_publish", "info.attribute", "info.published", "info.validity"} {
			if !slices.Contains(actions, a) {
				t.Errorf("no %s event in %v", a, actions)
			}
		}
	})
}

// A review sees only what its viewer may: 赤岗's staff their own
// documents, an office its subtree, others nothing.
func TestReviewScope(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		w.load(t, reviewDocs...)
		var rv attrs.Review
		w.tx(t, func(ctx context.Context, tx *db.Tx) (err error) {
			rv, err = attrs.OpenReview(ctx, tx, w.hzOffice, "2026")
			return err
		})
		for _, c := range []struct {
			a     auth.Account
			scope string // "" for all
			items int
		}{{w.hzOffice, "", 4}, {w.cityOffice, "", 4}, {w.cgEd, "440105-001", 3}, {w.cgRev, "440105-001", 3}, {w.xgEd, "440105-002", 1}} {
			got, scope, err := attrs.ReviewFor(ctx, d, c.a, rv.ID)
			if err != nil || got.ID != rv.ID {
				t.Errorf("%s: %v", c.a.Login, err)
				continue
			}
			if (scope == nil) != (c.scope == "") || (scope != nil && scope.Code != c.scope) {
				t.Errorf("%s: scope %v, want %q", c.a.Login, scope, c.scope)
			}
			if items, _ := attrs.ReviewItems(ctx, d, got, scope); len(items) != c.items {
				t.Errorf("%s sees %d items, want %d", c.a.Login, len(items), c.items)
			}
		}
		for _, a := range []auth.Account{w.yxOffice, w.bjEd} {
			if _, _, err := attrs.ReviewFor(ctx, d, a, rv.ID); errs.KindOf(err) != errs.NotFound {
				t.Errorf("%s sees the review: %v", a.Login, err)
			}
			if rvs, _ := attrs.Reviews(ctx, d, a); len(rvs) != 0 {
				t.Errorf("%s lists %d reviews", a.Login, len(rvs))
			}
		}
		items, _ := attrs.ReviewItems(ctx, d, rv, nil)
		if _, err := attrs.ReviewItemOf(ctx, d, rv, &w.xg, items[0].ID); errs.KindOf(err) != errs.NotFound {
			t.Errorf("新港 reaches 赤岗's item: %v", err)
		}
		if _, _, err := attrs.ReviewFor(ctx, d, w.hzOffice, rv.ID+100); errs.KindOf(err) != errs.NotFound {
			t.Errorf("a review that does not exist: %v", err)
		}
	})
}
