package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/interpret"
)

// The evaluation rounds in the console: every unit's staff see the rounds
// and their own nominations and nominate their interpretations; only the
// city office opens rounds, scores, returns policies and publishes.

func adminRoundURL(id int64) string {
	return "/admin/interpretations/rounds/" + strconv.FormatInt(id, 10)
}

// blankCriteria is how many empty lines the sheet offers besides the
// defaults.
const blankCriteria = 3

// roundsPage lists the rounds, with the form to open one for the office.
func (s *Server) roundsPage(w http.ResponseWriter, r *http.Request) error {
	a, err := interpAccount(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "interpret.rounds", "interpretations")
	p.Form = url.Values{"period": {interpret.DefaultPeriod(s.today())}}
	for i, c := range interpret.DefaultCriteria() {
		k := strconv.Itoa(i)
		p.Form.Set("name_"+k, c.Name)
		p.Form.Set("name_en_"+k, c.NameEn)
		p.Form.Set("weight_"+k, strconv.Itoa(c.Weight))
	}
	return s.roundsRender(w, r, a, p, http.StatusOK)
}

func (s *Server) roundsRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, status int) error {
	rounds, err := interpret.Rounds(r.Context(), s.db, false)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"Rounds": rounds, "CanRun": interpret.CanRunRounds(*a),
		"Lines": len(interpret.DefaultCriteria()) + blankCriteria}
	s.render(w, r, status, "interp_rounds", p)
	return nil
}

// criteriaOf reads the sheet's lines: name_i, name_en_i, weight_i. A
// weight that is not a number is 0, refused by the check that names its
// line.
func criteriaOf(f url.Values) []interpret.Criterion {
	var out []interpret.Criterion
	for i := range len(interpret.DefaultCriteria()) + blankCriteria {
		k := strconv.Itoa(i)
		w, err := strconv.Atoi(f.Get("weight_" + k))
		if err != nil && f.Get("weight_"+k) != "" {
			w = -1
		}
		out = append(out, interpret.Criterion{Name: f.Get("name_" + k), NameEn: f.Get("name_en_" + k), Weight: w})
	}
	return out
}

// roundOpen opens a round.
func (s *Server) roundOpen(w http.ResponseWriter, r *http.Request) error {
	a, err := interpAccount(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	var rd interpret.Round
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		rd, err = interpret.OpenRound(ctx, tx, *a, r.PostForm.Get("period"), r.PostForm.Get("title"), criteriaOf(r.PostForm))
		return err
	})
	if err != nil {
		k := errs.KindOf(err)
		if k != errs.Invalid && k != errs.Conflict {
			return err
		}
		p := s.adminPage(r, "interpret.rounds", "interpretations")
		p.Form, p.Errors, p.Error = r.PostForm, fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
		return s.roundsRender(w, r, a, p, statusOf(k))
	}
	http.Redirect(w, r, adminRoundURL(rd.ID)+"?done=opened", http.StatusSeeOther)
	return nil
}

// loadRound loads the round of the path.
func loadRound(ctx context.Context, q db.Querier, r *http.Request) (interpret.Round, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return interpret.Round{}, errs.New(errs.NotFound, "interpret.round_not_found", r.PathValue("id"))
	}
	return interpret.RoundByID(ctx, q, id)
}

// roundData is what the console page of a round shows.
type roundData struct {
	Round       interpret.Round
	Nominations []interpret.Nomination
	Nominable   []interpret.Interpretation
	Returns     []interpret.Return
	CanRun      bool
	From, To    string
}

func (s *Server) roundPage(w http.ResponseWriter, r *http.Request) error {
	a, err := interpAccount(r)
	if err != nil {
		return err
	}
	rd, err := loadRound(r.Context(), s.db, r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "interpret.rounds", "interpretations")
	if m := r.URL.Query().Get("done"); m != "" && i18n.Has("interpret.done."+m) {
		p.Flash = p.T("interpret.done." + m)
	}
	return s.roundRender(w, r, a, p, rd, http.StatusOK)
}

func (s *Server) roundRender(w http.ResponseWriter, r *http.Request, a *auth.Account, p *page, rd interpret.Round, status int) error {
	ctx := r.Context()
	d := roundData{Round: rd, CanRun: interpret.CanRunRounds(*a)}
	scope := &a.Unit
	if d.CanRun {
		scope = nil
	}
	var err error
	if d.Nominations, err = interpret.Nominations(ctx, s.db, rd, scope); err != nil {
		return err
	}
	if rd.Status == interpret.RoundOpen {
		if d.Nominable, err = interpret.Nominable(ctx, s.db, *a, rd); err != nil {
			return err
		}
	}
	if d.Returns, err = interpret.Returns(ctx, s.db, interpret.ReturnFilter{Scope: scope, RoundID: rd.ID}); err != nil {
		return err
	}
	from, to, _ := interpret.Span(rd.Period)
	d.From, d.To = from.String(), to.String()
	if p.Form == nil {
		p.Form = url.Values{}
	}
	for _, n := range d.Nominations {
		id := strconv.FormatInt(n.ID, 10)
		for i, v := range n.Scores {
			if k := id + "_" + interpret.ScoreField(i); p.Form.Get(k) == "" {
				p.Form.Set(k, strconv.FormatFloat(v, 'f', -1, 64))
			}
		}
		if k := id + "_comment"; p.Form.Get(k) == "" {
			p.Form.Set(k, n.Comment)
		}
	}
	p.Title = rd.Title
	p.Data = d
	s.render(w, r, status, "interp_round", p)
	return nil
}

// roundPost runs the step a form of the round's page names.
func (s *Server) roundPost(w http.ResponseWriter, r *http.Request) error {
	a, err := interpAccount(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	f := r.PostForm
	do := f.Get("do")
	nomination := func(tx *db.Tx, rd interpret.Round) (interpret.Nomination, error) {
		id, _ := strconv.ParseInt(f.Get("nomination"), 10, 64)
		return interpret.NominationByID(ctx, tx, rd, id)
	}
	var rd interpret.Round
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if rd, err = loadRound(ctx, tx, r); err != nil {
			return err
		}
		switch do {
		case "nominate":
			id, _ := strconv.ParseInt(f.Get("interpretation"), 10, 64)
			it, err := interpret.ByRecord(ctx, tx, id)
			if err != nil || !a.InScope(it.Record.Unit) {
				return errs.InvalidField("interpretation", "interpret.not_found", f.Get("interpretation"))
			}
			_, err = interpret.Nominate(ctx, tx, *a, rd, it, f.Get("note"))
			return err
		case "score", "return":
			if !interpret.CanRunRounds(*a) {
				return errs.New(errs.Forbidden, "interpret.rounds_forbidden")
			}
			n, err := nomination(tx, rd)
			if err != nil {
				return err
			}
			prefix := strconv.FormatInt(n.ID, 10) + "_"
			if do == "return" {
				_, err = interpret.ReturnPolicy(ctx, tx, *a, rd, n, f.Get(prefix+"reason"), f.Get(prefix+"due"))
			} else {
				var scores []string
				for i := range rd.Criteria {
					scores = append(scores, f.Get(prefix+interpret.ScoreField(i)))
				}
				_, err = interpret.Score(ctx, tx, *a, rd, n, scores, f.Get(prefix+"comment"))
			}
			return prefixed(err, prefix)
		case "publish":
			_, err = interpret.PublishRound(ctx, tx, *a, rd)
			return err
		}
		return errNotFoundPage
	})
	if err == nil {
		http.Redirect(w, r, adminRoundURL(rd.ID)+"?done="+do, http.StatusSeeOther)
		return nil
	}
	k := errs.KindOf(err)
	if k != errs.Invalid && k != errs.Conflict && k != errs.Forbidden || rd.ID == 0 {
		return err
	}
	p := s.adminPage(r, "interpret.rounds", "interpretations")
	p.Form, p.Errors, p.Error = f, fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
	return s.roundRender(w, r, a, p, rd, statusOf(k))
}

// prefixed puts the nomination's prefix before the fields an error names,
// so that the message shows at the nomination's own form.
func prefixed(err error, prefix string) error {
	var m errs.Multi
	if errors.As(err, &m) {
		for _, e := range m {
			if e.Field != "" {
				e.Field = prefix + e.Field
			}
		}
		return m
	}
	if e := errs.As(err); e != nil && e.Field != "" {
		e.Field = prefix + e.Field
	}
	return err
}
