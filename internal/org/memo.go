package org

import (
	"context"

	"gongkai/internal/db"
)

// Memo reads units by ID, each once: for lists whose rows carry only their
// unit's ID, where many rows share a unit.
type Memo struct {
	q     db.Querier
	units map[int64]Unit
}

// NewMemo returns a Memo reading from q.
func NewMemo(q db.Querier) *Memo { return &Memo{q: q, units: map[int64]Unit{}} }

// ByID returns the unit with id, read from the database the first time. It
// returns ByID's error for a unit that does not exist.
func (m *Memo) ByID(ctx context.Context, id int64) (Unit, error) {
	if u, ok := m.units[id]; ok {
		return u, nil
	}
	u, err := ByID(ctx, m.q, id)
	if err != nil {
		return Unit{}, err
	}
	m.units[id] = u
	return u, nil
}
