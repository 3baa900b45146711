package web

import (
	"io"
	"net/http"
	"strconv"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/calendar/calstore"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
)

// maxCalendarFile bounds an uploaded holiday notice; a year's file is a few
// hundred bytes.
const maxCalendarFile = 64 << 10

type yearRow struct {
	Year    int
	Sources []string
	Off     int
	Work    int
	Loaded  bool
}

func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireAdmin(r); err != nil {
		return err
	}
	p := s.adminPage(r, "admin.calendar", "calendar")
	if y := r.URL.Query().Get("loaded"); y != "" {
		p.Flash = p.T("calendar.loaded", y)
	}
	return s.calendarList(w, r, p, http.StatusOK)
}

func (s *Server) calendarList(w http.ResponseWriter, r *http.Request, p *page, status int) error {
	loaded, err := calstore.Loaded(r.Context(), s.db)
	if err != nil {
		return err
	}
	cal := s.cfg.Calendar()
	var rows []yearRow
	for _, y := range cal.Years() {
		yr, _ := cal.Year(y)
		rows = append(rows, yearRow{Year: y, Sources: yr.Sources, Off: len(yr.Off), Work: len(yr.Work), Loaded: loaded[y]})
	}
	p.Data = map[string]any{"Years": rows}
	s.render(w, r, status, "calendar", p)
	return nil
}

// calendarLoad accepts a year's holiday notice as a file. Only an
// administrator of a top-level unit may load one, since the calendar applies
// to every unit.
func (s *Server) calendarLoad(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	if a.Unit.ParentID != 0 {
		return errs.New(errs.Forbidden, "calendar.top_admin_only")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxCalendarFile+4096)
	p := s.adminPage(r, "admin.calendar", "calendar")
	content, ferr := readUpload(r, "file", maxCalendarFile)
	var y calendar.Year
	if ferr == nil {
		ferr = s.db.InTx(r.Context(), func(tx *db.Tx) error {
			y, err = calstore.Save(r.Context(), tx, a.Login, content)
			return err
		})
	}
	if ferr != nil {
		if errs.KindOf(ferr) != errs.Invalid {
			return ferr
		}
		p.Error = i18n.Error(p.Lang, ferr)
		return s.calendarList(w, r, p, http.StatusBadRequest)
	}
	if s.cfg.ReloadCalendar != nil {
		if err := s.cfg.ReloadCalendar(r.Context()); err != nil {
			return err
		}
	}
	http.Redirect(w, r, "/admin/calendar?loaded="+strconv.Itoa(y.Year), http.StatusSeeOther)
	return nil
}

// readUpload reads the multipart file field name, refusing a missing file
// or one larger than max bytes. The form's text fields and the file's name
// are checked as boundary checks every other form.
func readUpload(r *http.Request, name string, max int64) ([]byte, error) {
	if err := r.ParseMultipartForm(max); err != nil {
		return nil, errs.New(errs.Invalid, "upload.too_large_or_bad")
	}
	if err := checkValues(r.MultipartForm.Value); err != nil {
		return nil, err
	}
	f, fh, err := r.FormFile(name)
	if err != nil {
		return nil, errs.InvalidField(name, "upload.missing")
	}
	if err := checkText(name, fh.Filename); err != nil {
		f.Close()
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, errs.New(errs.Invalid, "upload.too_large_or_bad")
	}
	if int64(len(b)) > max {
		return nil, errs.New(errs.Invalid, "upload.too_large_or_bad")
	}
	return b, nil
}

type monthGrid struct {
	Month time.Month
	Weeks [][]dayCell
}

type dayCell struct {
	Day     int
	Work    bool
	Adj     bool // adjusted working day (调休上班)
	Holiday string
}

func (s *Server) calendarYear(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireAdmin(r); err != nil {
		return err
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	cal := s.cfg.Calendar()
	yr, ok := cal.Year(year)
	if err != nil || !ok {
		return errs.New(errs.NotFound, "calendar.no_year", r.PathValue("year"))
	}
	var months []monthGrid
	for m := time.January; m <= time.December; m++ {
		g := monthGrid{Month: m}
		first := calendar.Date{Year: year, Month: m, Day: 1}
		week := make([]dayCell, (int(first.Weekday())+6)%7)
		for d := first; d.Month == m; d = d.AddDays(1) {
			work, _ := cal.IsWorkday(d)
			_, adj := yr.Work[d]
			week = append(week, dayCell{Day: d.Day, Work: work, Adj: adj, Holiday: yr.Off[d]})
			if len(week) == 7 {
				g.Weeks = append(g.Weeks, week)
				week = nil
			}
		}
		if len(week) > 0 {
			g.Weeks = append(g.Weeks, week)
		}
		months = append(months, g)
	}
	p := s.adminPage(r, "admin.calendar", "calendar")
	p.Title = p.T("calendar.year_title", year)
	p.Data = map[string]any{"Year": yr, "Months": months}
	s.render(w, r, http.StatusOK, "calendar_year", p)
	return nil
}
