package info

import (
	"context"
	"fmt"

	"gongkai/internal/db"
)

// PublishedTopics returns the topics (主题分类) of published information, in order:
// what a subscriber may choose to follow.
func PublishedTopics(ctx context.Context, q db.Querier) ([]string, error) {
	rs, err := q.Query(ctx, `SELECT DISTINCT topic FROM info_records WHERE status = ? AND topic <> '' ORDER BY topic`, Published)
	if err != nil {
		return nil, fmt.Errorf("list topics: %w", err)
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		var t string
		if err := rs.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rs.Err()
}
