package training

import (
	"context"
	"fmt"

	"gongkai/internal/db"
	"gongkai/internal/org"
)

// Figures is one unit's training in a year, as its self-inspection report
// (自查报告) and the attendance export give it.
type Figures struct {
	Unit org.Unit
	Year int
	// Organised counts the sessions the unit organised; Attended those it
	// sent people to, and People the people it sent.
	Organised, Attended, People int
	// CitySession reports whether the unit attended the city office's
	// session on handling applications that year (Session.CitySession).
	CitySession bool
}

// FiguresOf returns the figures of year for root and every unit under it,
// in hierarchy order, units without training included (with zeros).
func FiguresOf(ctx context.Context, q db.Querier, root org.Unit, year int) ([]Figures, error) {
	units, err := org.Subtree(ctx, q, root)
	if err != nil {
		return nil, err
	}
	from, to := yearSpan(year)
	byUnit := map[int64]*Figures{}
	out := make([]Figures, len(units))
	for i, u := range units {
		out[i] = Figures{Unit: u, Year: year}
		byUnit[u.ID] = &out[i]
	}
	rows, err := q.Query(ctx, `SELECT s.organiser_id, COUNT(*) FROM training_sessions s JOIN units u ON u.id = s.organiser_id
		WHERE u.path LIKE ? AND s.day >= ? AND s.day <= ? GROUP BY s.organiser_id`, root.Path+"%", from, to)
	if err != nil {
		return nil, fmt.Errorf("count sessions organised: %w", err)
	}
	type count struct {
		unit int64
		n    int
	}
	counts, err := db.ScanAll(rows, func(s db.Scanner) (count, error) {
		var c count
		err := s.Scan(&c.unit, &c.n)
		return c, err
	})
	if err != nil {
		return nil, err
	}
	for _, c := range counts {
		if f := byUnit[c.unit]; f != nil {
			f.Organised = c.n
		}
	}
	rows, err = q.Query(ctx, `SELECT t.unit_id, t.people, s.kind, o.kind FROM training_attendance t
		JOIN training_sessions s ON s.id = t.session_id JOIN units o ON o.id = s.organiser_id JOIN units u ON u.id = t.unit_id
		WHERE u.path LIKE ? AND s.day >= ? AND s.day <= ?`, root.Path+"%", from, to)
	if err != nil {
		return nil, fmt.Errorf("count attendance: %w", err)
	}
	// Each attendance as a session of its own, with the unit that went.
	attended, err := db.ScanAll(rows, func(sc db.Scanner) (Session, error) {
		var s Session
		var t Attendance
		err := sc.Scan(&t.Unit.ID, &t.People, &s.Kind, &s.Organiser.Kind)
		s.Attendance = []Attendance{t}
		return s, err
	})
	if err != nil {
		return nil, err
	}
	for _, s := range attended {
		t := s.Attendance[0]
		f := byUnit[t.Unit.ID]
		if f == nil {
			continue
		}
		f.Attended++
		f.People += t.People
		f.CitySession = f.CitySession || s.CitySession()
	}
	return out, nil
}

// ForUnit returns unit u's own figures of year.
func ForUnit(ctx context.Context, q db.Querier, u org.Unit, year int) (Figures, error) {
	fs, err := FiguresOf(ctx, q, u, year)
	if err != nil {
		return Figures{}, err
	}
	for _, f := range fs {
		if f.Unit.ID == u.ID {
			return f, nil
		}
	}
	return Figures{Unit: u, Year: year}, nil
}
