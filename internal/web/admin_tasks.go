package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/info"
	"gongkai/internal/org"
	"gongkai/internal/task"
)

// taskRoutes registers the console pages and the API of Attachment 1's
// tasks (任务清单).
func (s *Server) taskRoutes(mux router) {
	mux.Handle("GET /admin/tasks", s.h(s.tasksPage))
	mux.Handle("GET /admin/tasks/{no}", s.h(s.taskPage))
	mux.Handle("POST /admin/tasks/{no}", s.h(s.taskAssign))
	mux.Handle("GET /admin/tasks/{no}/{id}", s.h(s.taskPartPage))
	mux.Handle("POST /admin/tasks/{no}/{id}", s.h(s.taskPartPost))
	mux.Handle("GET /admin/tasks/{no}/{id}/files/{seq}", s.h(s.taskFile))
	mux.Handle("GET /api/v1/admin/tasks", s.h(s.apiTasks))
}

// taskScope returns the unit subtree a request looks at: ?scope=CODE, in
// the account's own subtree (Forbidden outside it), or the account's unit.
func (s *Server) taskScope(ctx context.Context, a *auth.Account, code string) (org.Unit, error) {
	if code == "" || code == a.Unit.Code {
		return a.Unit, nil
	}
	u, err := org.ByCode(ctx, s.db, code)
	if errs.KindOf(err) == errs.NotFound {
		return org.Unit{}, errs.InvalidField("scope", "task.unit_invalid", code)
	}
	if err != nil {
		return org.Unit{}, err
	}
	if !a.InScope(u) {
		return org.Unit{}, errs.New(errs.Forbidden, "task.forbidden")
	}
	return u, nil
}

// taskRow is one of the forty tasks with its parts in a scope.
type taskRow struct {
	task.Task
	Progress task.Progress
}

// tasksPage lists the forty tasks with the state of their parts in the
// scope; for an office, the overdue board and the progress charts.
func (s *Server) tasksPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	scope, err := s.taskScope(ctx, a, r.URL.Query().Get("scope"))
	if err != nil {
		return err
	}
	parts, err := task.InScope(ctx, s.db, scope, 0)
	if err != nil {
		return err
	}
	today := s.today()
	progress := map[string]task.Progress{}
	for _, p := range task.ByTask(parts, today) {
		progress[p.Key] = p
	}
	var rows []taskRow
	for _, t := range task.All() {
		rows = append(rows, taskRow{t, progress[strconv.Itoa(t.No)]})
	}
	p := s.adminPage(r, "admin.tasks", "tasks")
	data := map[string]any{"Scope": scope, "Rows": rows, "Overdue": task.OverdueOf(parts, today), "Office": task.IsOffice(*a), "Unreadable": task.Unreadable()}
	if task.IsOffice(*a) {
		byChild, err := task.ByChild(ctx, s.db, scope, parts, today)
		if err != nil {
			return err
		}
		data["ByChild"] = byChild
		data["ChildChart"] = barChart(p.T("task.chart_children"), progressBars(byChild, false), 100)
		data["TaskChart"] = barChart(p.T("task.chart_tasks"), progressBars(task.ByTask(parts, today), true), 100)
	}
	p.Data = data
	s.render(w, r, http.StatusOK, "tasks", p)
	return nil
}

func progressBars(ps []task.Progress, numbered bool) []bar {
	var out []bar
	for _, p := range ps {
		label := p.Name
		if numbered {
			label = p.Key + " " + p.Name
		}
		if n := []rune(label); len(n) > 14 {
			label = string(n[:14]) + "…"
		}
		out = append(out, bar{Label: label, Value: float64(p.Percent()), Text: fmt.Sprintf("%d%% (%d/%d)", p.Percent(), p.Accepted, p.Total)})
	}
	return out
}

func taskOf(r *http.Request) (task.Task, error) {
	no, err := strconv.Atoi(r.PathValue("no"))
	t, ok := task.ByNo(no)
	if err != nil || !ok {
		return task.Task{}, errNotFoundPage
	}
	return t, nil
}

// taskPage shows a task with its parts in the account's scope and, for an
// office, the form that gives it to a unit.
func (s *Server) taskPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	t, err := taskOf(r)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.tasks", "tasks")
	if r.URL.Query().Get("done") == "assigned" {
		p.Flash = p.T("task.assigned_flash")
	}
	return s.taskRender(w, r, a, t, p, http.StatusOK)
}

func (s *Server) taskRender(w http.ResponseWriter, r *http.Request, a *auth.Account, t task.Task, p *page, status int) error {
	ctx := r.Context()
	parts, err := task.InScope(ctx, s.db, a.Unit, t.No)
	if err != nil {
		return err
	}
	data := map[string]any{"Task": t, "Parts": parts, "Today": s.today(), "Office": task.IsOffice(*a)}
	if task.IsOffice(*a) {
		units, err := org.Subtree(ctx, s.db, a.Unit)
		if err != nil {
			return err
		}
		data["Units"] = units
		if due, ok := t.Recurrence.Next(s.today(), ""); ok {
			data["NextDue"] = due.String()
		}
	}
	p.Title = p.T("task.title", t.No)
	p.Data = data
	s.render(w, r, status, "task", p)
	return nil
}

// taskAssign gives the task to a unit (and a person) with a due date.
func (s *Server) taskAssign(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	t, err := taskOf(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	err = s.db.InTx(r.Context(), func(tx *db.Tx) error {
		_, err := task.Assign(r.Context(), tx, *a, task.AssignInput{TaskNo: t.No, UnitCode: f.Get("unit"), Assignee: f.Get("assignee"), Due: f.Get("due")})
		return err
	})
	if err != nil {
		k := errs.KindOf(err)
		if k != errs.Invalid && k != errs.Conflict {
			return err
		}
		p := s.adminPage(r, "admin.tasks", "tasks")
		p.Form, p.Errors, p.Error = f, fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
		return s.taskRender(w, r, a, t, p, statusOf(k))
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/tasks/%d?done=assigned", t.No), http.StatusSeeOther)
	return nil
}

// taskPart returns the part the path names, of the task it names, if a
// may see it; else not found, so no part outside a scope is told to exist.
func (s *Server) taskPart(r *http.Request, a *auth.Account) (task.Task, task.Assignment, error) {
	t, err := taskOf(r)
	if err != nil {
		return t, task.Assignment{}, err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return t, task.Assignment{}, errNotFoundPage
	}
	as, err := task.ByID(r.Context(), s.db, id)
	if errs.KindOf(err) == errs.NotFound || (err == nil && (as.TaskNo != t.No || !task.CanSee(*a, as))) {
		return t, task.Assignment{}, errNotFoundPage
	}
	return t, as, err
}

// taskPartPage shows a unit's part: its evidence, the report form for the
// unit and accept/return for the office.
func (s *Server) taskPartPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	t, as, err := s.taskPart(r, a)
	if err != nil {
		return err
	}
	p := s.adminPage(r, "admin.tasks", "tasks")
	if d := r.URL.Query().Get("done"); d != "" {
		p.Flash = p.T("task.done_" + map[string]string{"report": "report", "accept": "accept", "return": "return"}[d])
	}
	return s.taskPartRender(w, r, a, t, as, p, http.StatusOK)
}

func (s *Server) taskPartRender(w http.ResponseWriter, r *http.Request, a *auth.Account, t task.Task, as task.Assignment, p *page, status int) error {
	reminders, err := task.Reminders(r.Context(), s.db, as.ID)
	if err != nil {
		return err
	}
	p.Title = p.T("task.part_title", t.No, as.Unit.Name)
	p.Data = map[string]any{"Task": t, "Part": as, "Today": s.today(), "Reminders": reminders,
		"CanReport": task.CanReport(*a, as) && as.Open(), "CanDecide": task.CanAssign(*a, as.Unit) && as.State == task.Reported}
	s.render(w, r, status, "task_part", p)
	return nil
}

// taskPartPost runs a step on a part: the unit's report (a multipart form
// with note, links one a line, and an optional file), or the office's
// accept or return (do=accept, do=return with reason).
func (s *Server) taskPartPost(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	t, as, err := s.taskPart(r, a)
	if err != nil {
		return err
	}
	var do string
	var f url.Values
	var in task.ReportInput
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = http.MaxBytesReader(w, r.Body, info.MaxAttachment+1<<20)
		in, err = taskReportForm(r)
		if err != nil {
			return err
		}
		do, f = "report", r.MultipartForm.Value
	} else {
		if err := parseFormN(w, r, maxConsoleForm); err != nil {
			return err
		}
		do, f = r.PostForm.Get("do"), r.PostForm
	}
	err = s.db.InTx(r.Context(), func(tx *db.Tx) error {
		var err error
		switch do {
		case "report":
			_, err = task.Report(r.Context(), tx, *a, s.cfg.Files, s.baseURL(r), as, in)
		case "accept":
			_, err = task.Accept(r.Context(), tx, *a, as)
		case "return":
			_, err = task.Return(r.Context(), tx, *a, as, f.Get("reason"))
		default:
			err = errNotFoundPage
		}
		return err
	})
	if err != nil {
		k := errs.KindOf(err)
		if k != errs.Invalid && k != errs.Conflict {
			return err
		}
		p := s.adminPage(r, "admin.tasks", "tasks")
		p.Form, p.Errors, p.Error = f, fieldErrors(p.Lang, err), i18n.Error(p.Lang, err)
		return s.taskPartRender(w, r, a, t, as, p, statusOf(k))
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/tasks/%d/%d?done=%s", t.No, as.ID, do), http.StatusSeeOther)
	return nil
}

// taskReportForm reads the report form: note, links (one a line) and an
// optional file.
func taskReportForm(r *http.Request) (task.ReportInput, error) {
	if err := r.ParseMultipartForm(info.MaxAttachment); err != nil {
		return task.ReportInput{}, errs.New(errs.Invalid, "upload.too_large_or_bad")
	}
	if err := checkValues(r.MultipartForm.Value); err != nil {
		return task.ReportInput{}, err
	}
	v := r.MultipartForm.Value
	get := func(k string) string {
		if len(v[k]) > 0 {
			return v[k][0]
		}
		return ""
	}
	in := task.ReportInput{Note: get("note"), Links: strings.Split(strings.ReplaceAll(get("links"), "\r\n", "\n"), "\n")}
	file, fh, err := r.FormFile("file")
	if err != nil {
		return in, nil // no file chosen
	}
	defer file.Close()
	b, err := io.ReadAll(io.LimitReader(file, info.MaxAttachment+1))
	if err != nil {
		return in, errs.New(errs.Invalid, "upload.too_large_or_bad")
	}
	if len(b) > 0 || fh.Filename != "" {
		in.Files = []task.File{{Name: fh.Filename, Data: b}}
	}
	return in, nil
}

// taskFile downloads a file of a part the account may see; never cached.
func (s *Server) taskFile(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAccount(r)
	if err != nil {
		return err
	}
	_, as, err := s.taskPart(r, a)
	if err != nil {
		return err
	}
	at, err := as.File(fileSeq(r))
	if err != nil {
		return err
	}
	return s.serveStored(w, r, at.SHA256, at.Name, at.MIME, false)
}
