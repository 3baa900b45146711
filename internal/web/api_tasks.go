package web

import (
	"net/http"
	"strconv"

	"gongkai/internal/task"
)

// taskPartJSON is one unit's part of a task in the API.
type taskPartJSON struct {
	ID         int64      `json:"id"`
	Unit       apiUnitRef `json:"unit"`
	Assignee   string     `json:"assignee"`
	Due        string     `json:"due"`
	State      task.State `json:"state"`
	Overdue    bool       `json:"overdue"`
	Note       string     `json:"note"`
	Links      []string   `json:"links"`
	ReportedAt string     `json:"reported_at"`
	DecidedAt  string     `json:"decided_at"`
	Return     string     `json:"return_reason"`
}

type apiUnitRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// apiTasks gives the forty tasks with their breakdown in ?scope=CODE (the
// account's unit by default; Forbidden outside its subtree): each task with
// its parts and their states, and the counts by state.
func (s *Server) apiTasks(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	scope, err := s.taskScope(r.Context(), a, r.URL.Query().Get("scope"))
	if err != nil {
		return err
	}
	parts, err := task.InScope(r.Context(), s.db, scope, 0)
	if err != nil {
		return err
	}
	today := s.today()
	byNo := map[int][]taskPartJSON{}
	for _, p := range parts {
		j := taskPartJSON{ID: p.ID, Unit: apiUnitRef{p.Unit.Code, p.Unit.Name}, Assignee: p.Assignee, Due: p.Due.String(), State: p.State,
			Overdue: p.Overdue(today), Note: p.Note, Links: p.Links, Return: p.ReturnReason}
		if j.Links == nil {
			j.Links = []string{}
		}
		if !p.ReportedAt.IsZero() {
			j.ReportedAt = p.ReportedAt.UTC().Format("2006-01-02T15:04:05Z")
		}
		if !p.DecidedAt.IsZero() {
			j.DecidedAt = p.DecidedAt.UTC().Format("2006-01-02T15:04:05Z")
		}
		byNo[p.TaskNo] = append(byNo[p.TaskNo], j)
	}
	progress := map[string]task.Progress{}
	for _, p := range task.ByTask(parts, today) {
		progress[p.Key] = p
	}
	type taskJSON struct {
		task.Task
		Parts    []taskPartJSON `json:"parts"`
		Progress task.Progress  `json:"progress"`
	}
	out := make([]taskJSON, 0, 40)
	for _, t := range task.All() {
		ps := byNo[t.No]
		if ps == nil {
			ps = []taskPartJSON{}
		}
		pr := progress[strconv.Itoa(t.No)]
		pr.Key, pr.Name = strconv.Itoa(t.No), t.Task
		out = append(out, taskJSON{t, ps, pr})
	}
	writeJSON(w, http.StatusOK, map[string]any{"scope": scope.Code, "today": today.String(), "tasks": out})
	return nil
}
