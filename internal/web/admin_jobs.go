package web

import (
	"net/http"
	"time"

	"gongkai/internal/i18n"
	"gongkai/internal/jobs"
)

// jobRow is one kind of job with its counts by state.
type jobRow struct {
	Kind, Label string
	ByState     map[string]int
}

// jobStates are the states the jobs page shows, in the order work flows.
var jobStates = []string{"scheduled", "available", "running", "retryable", "completed", "discarded", "cancelled"}

// jobsPage shows administrators the durable job queue: how many jobs of
// each kind wait, run, failed or finished, and the last failures with
// their errors.
func (s *Server) jobsPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireAdmin(r); err != nil {
		return err
	}
	counts, err := jobs.Counts(r.Context(), s.db)
	if err != nil {
		return err
	}
	failures, err := jobs.Failures(r.Context(), s.db, 50)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.jobs", "jobs")
	var rows []*jobRow
	byKind := map[string]*jobRow{}
	for _, c := range counts {
		row := byKind[c.Kind]
		if row == nil {
			row = &jobRow{Kind: c.Kind, Label: jobKindLabel(p.Lang, c.Kind), ByState: map[string]int{}}
			byKind[c.Kind] = row
			rows = append(rows, row)
		}
		row.ByState[c.State] += c.N
	}
	type failure struct {
		jobs.Failure
		Label string
		Next  *time.Time
	}
	var fs []failure
	for _, f := range failures {
		x := failure{Failure: f, Label: jobKindLabel(p.Lang, f.Kind)}
		if !f.Next.IsZero() {
			x.Next = &f.Next
		}
		fs = append(fs, x)
	}
	p.Data = map[string]any{"Rows": rows, "States": jobStates, "Failures": fs}
	s.render(w, r, http.StatusOK, "jobs", p)
	return nil
}

// jobKindLabel names a kind of job in lang; a kind without a message is
// shown as it is stored.
func jobKindLabel(lang i18n.Lang, kind string) string {
	if key := "jobs.kind." + kind; i18n.Has(key) {
		return i18n.T(lang, key)
	}
	return kind
}
