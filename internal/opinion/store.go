package opinion

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/org"
)

func errNotFound() error { return errs.New(errs.NotFound, "opinion.not_found") }

const itemCols = `i.id, i.office_id, i.title, i.source, i.level, i.summary, COALESCE(i.policy_id, 0), i.project, i.found_at, i.found_date, i.state,
	i.conclusion, i.closed_date, i.closed_by, i.published, i.published_at, i.published_by, i.created_by, i.created_at, i.updated_at`

func scanItem(s interface{ Scan(...any) error }) (Item, error) {
	var it Item
	var pub sql.NullTime
	err := s.Scan(&it.ID, &it.Office.ID, &it.Title, &it.Source, &it.Level, &it.Summary, &it.PolicyID, &it.Project, &it.FoundAt, &it.FoundDate, &it.State,
		&it.Conclusion, &it.ClosedDate, &it.ClosedBy, &it.Published, &pub, &it.PublishedBy, &it.CreatedBy, &it.CreatedAt, &it.UpdatedAt)
	it.FoundAt = it.FoundAt.In(calendar.China)
	if pub.Valid {
		it.PublishedAt = pub.Time.In(calendar.China)
	}
	return it, err
}

const partCols = `a.id, a.item_id, a.unit_id, a.assigned_date, a.due_date, a.days, a.assigned_by, a.state, a.handling, a.response, a.link,
	a.responded_date, a.responded_by, a.updated_at`

// Part states as stored.
const (
	partOpen      = "assigned"
	partResponded = "responded"
)

// scanPart scans a part's columns, then those of more.
func scanPart(s interface{ Scan(...any) error }, more ...any) (Assignment, error) {
	var as Assignment
	var assigned, due, state string
	err := s.Scan(append([]any{&as.ID, &as.ItemID, &as.Unit.ID, &assigned, &due, &as.Days, &as.AssignedBy, &state, &as.Handling, &as.Response, &as.Link,
		&as.RespondedOn, &as.RespondedBy, &as.UpdatedAt}, more...)...)
	if err != nil {
		return as, err
	}
	as.Responded = state == partResponded
	if as.Assigned, err = calendar.ParseDate(assigned); err != nil {
		return as, err
	}
	as.Due, err = calendar.ParseDate(due)
	return as, err
}

// Load returns item id with its parts, instructions and urges, whoever
// asks: callers check who may see it. It returns a NotFound error for an
// item that does not exist.
func Load(ctx context.Context, q db.Querier, id int64) (Item, error) {
	it, err := scanItem(q.QueryRow(ctx, `SELECT `+itemCols+` FROM opinion_items i WHERE i.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Item{}, errNotFound()
	}
	if err != nil {
		return Item{}, err
	}
	items := []Item{it}
	if err := fill(ctx, q, items, true); err != nil {
		return Item{}, err
	}
	return items[0], nil
}

// fill reads the parts of items (and, with details, their instructions and
// urges) and every unit they name, from the directory read once.
func fill(ctx context.Context, q db.Querier, items []Item, details bool) error {
	if len(items) == 0 {
		return nil
	}
	idx := map[int64]int{}
	ids := make([]any, len(items))
	for i, it := range items {
		idx[it.ID], ids[i] = i, it.ID
	}
	in := `(?` + strings.Repeat(`, ?`, len(ids)-1) + `)`
	rows, err := q.Query(ctx, `SELECT `+partCols+` FROM opinion_assignments a WHERE a.item_id IN `+in+` ORDER BY a.id`, ids...)
	if err != nil {
		return err
	}
	for rows.Next() {
		as, err := scanPart(rows)
		if err != nil {
			rows.Close()
			return err
		}
		i := idx[as.ItemID]
		items[i].Parts = append(items[i].Parts, as)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if details {
		for i := range items {
			if err := fillDetails(ctx, q, &items[i]); err != nil {
				return err
			}
		}
	}
	dir, err := org.LoadDirectory(ctx, q)
	if err != nil {
		return err
	}
	for i := range items {
		it := &items[i]
		if it.Office, err = dir.ByID(it.Office.ID); err != nil {
			return err
		}
		for j := range it.Parts {
			if it.Parts[j].Unit, err = dir.ByID(it.Parts[j].Unit.ID); err != nil {
				return err
			}
		}
		for j := range it.Urges {
			if p, ok := it.Part(it.Urges[j].PartID); ok {
				it.Urges[j].Unit = p.Unit
			}
		}
	}
	return nil
}

// fillDetails reads an item's instructions and urges.
func fillDetails(ctx context.Context, q db.Querier, it *Item) error {
	rows, err := q.Query(ctx, `SELECT id, leader, day, text, recorded_by, recorded_at FROM opinion_instructions WHERE item_id = ? ORDER BY day, id`, it.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var in Instruction
		if err := rows.Scan(&in.ID, &in.Leader, &in.Day, &in.Text, &in.RecordedBy, &in.RecordedAt); err != nil {
			rows.Close()
			return err
		}
		it.Instructions = append(it.Instructions, in)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = q.Query(ctx, `SELECT id, assignment_id, note, recipients, sent_by, day FROM opinion_urges WHERE item_id = ? ORDER BY id`, it.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var u UrgeNotice
		var to string
		if err := rows.Scan(&u.ID, &u.PartID, &u.Note, &to, &u.SentBy, &u.Day); err != nil {
			return err
		}
		if to != "" {
			u.Recipients = strings.Split(to, "\n")
		}
		it.Urges = append(it.Urges, u)
	}
	return rows.Err()
}

// settle sets the item's state from its parts: registered without any,
// assigned while one is open, responded when all are answered. A closed
// item stays closed.
func settle(ctx context.Context, tx *db.Tx, id int64) error {
	var total, open int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN state = ? THEN 1 ELSE 0 END), 0) FROM opinion_assignments WHERE item_id = ?`,
		partOpen, id).Scan(&total, &open); err != nil {
		return err
	}
	state := Responded
	switch {
	case total == 0:
		state = Registered
	case open > 0:
		state = Assigned
	}
	_, err := tx.Exec(ctx, `UPDATE opinion_items SET state = ?, updated_at = ? WHERE id = ? AND state <> ?`, state, tx.Now(), id, Closed)
	return err
}
