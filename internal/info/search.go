package info

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/org"
	"gongkai/internal/screen"
)

// searchText is everything a record is found by.
func (r Record) searchText() string {
	parts := []string{r.Title, r.DocNumber, r.IndexNo, r.Keywords, r.Issuer, r.BodyText}
	for _, at := range r.Attachments {
		parts = append(parts, at.Name, at.Text)
	}
	return strings.Join(parts, "\n")
}

// index puts a published record in the full-text index, in the caller's
// transaction.
func index(ctx context.Context, tx *db.Tx, r Record) error { return indexRecord(ctx, tx, r, false) }

// indexRecord indexes r; fresh says it is new, so there is nothing to
// replace.
func indexRecord(ctx context.Context, tx *db.Tx, r Record, fresh bool) error {
	if r.tokens == "" {
		r.Prepare()
	}
	tokens := r.tokens
	var err error
	if tx.Dialect() == db.Postgres {
		_, err = tx.Exec(ctx, `INSERT INTO info_search (record_id, tokens) VALUES (?, to_tsvector('simple', ?))
			ON CONFLICT (record_id) DO UPDATE SET tokens = EXCLUDED.tokens`, r.ID, tokens)
	} else {
		if !fresh {
			_, err = tx.Exec(ctx, `DELETE FROM info_fts WHERE rowid = ?`, r.ID)
		}
		if err == nil {
			_, err = tx.Exec(ctx, `INSERT INTO info_fts (rowid, tokens) VALUES (?, ?)`, r.ID, tokens)
		}
	}
	if err == nil {
		_, err = tx.Exec(ctx, `UPDATE info_records SET personal_data = ? WHERE id = ?`, r.personal, r.ID)
	}
	if err != nil {
		return fmt.Errorf("index record: %w", err)
	}
	return nil
}

// Prepare works out the record's plain text and search tokens ahead of
// writing it, so that bulk loads can do this work while the database writes
// the previous batch.
func (r *Record) Prepare() {
	if r.BodyText == "" {
		r.BodyText = textOf(r.Body)
	}
	r.tokens = strings.Join(uniqueTokens(Tokens(r.searchText())), " ")
	var fs []screen.Finding
	for _, f := range r.Findings() {
		fs = append(fs, f.Finding)
	}
	r.personal = screen.Summary(fs)
}

// uniqueTokens keeps the first occurrence of each token. The index keeps no
// positions or counts (FTS5 detail=column), so repeats would only cost.
func uniqueTokens(ts []string) []string {
	seen := make(map[string]struct{}, len(ts))
	out := ts[:0]
	for _, t := range ts {
		if _, ok := seen[t]; !ok {
			seen[t] = struct{}{}
			out = append(out, t)
		}
	}
	return out
}

// tokenVersion names what Tokens makes; it changes whenever Tokens does,
// so that a database indexed before is indexed again.
const tokenVersion = "3: bigrams, words, 文号; personal data"

// EnsureIndex rebuilds the full-text index of every published record when
// it was made by another version of Tokens: it empties the index, then
// fills it in transactions of a thousand records; an interrupted rebuild
// starts over at the next open. progress, if not nil, hears the count
// after each transaction. It returns the number of records indexed.
func EnsureIndex(ctx context.Context, d *db.DB, progress func(indexed int)) (int, error) {
	var v string
	err := d.QueryRow(ctx, `SELECT value FROM settings WHERE key = 'search_tokens'`).Scan(&v)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("read index version: %w", err)
	}
	if v == tokenVersion {
		return 0, nil
	}
	err = d.InTx(ctx, func(tx *db.Tx) error {
		q := `INSERT INTO info_fts(info_fts) VALUES ('delete-all')`
		if tx.Dialect() == db.Postgres {
			q = `DELETE FROM info_search`
		}
		_, err := tx.Exec(ctx, q)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("empty search index: %w", err)
	}
	n := 0
	for after := int64(0); ; {
		var recs []Record
		err := d.InTx(ctx, func(tx *db.Tx) error {
			var err error
			if recs, err = list(ctx, tx, `r.status = 'published' AND r.id > ? ORDER BY r.id LIMIT 1000`, after); err != nil || len(recs) == 0 {
				return err
			}
			files, err := attachmentsIn(ctx, tx, after, recs[len(recs)-1].ID)
			if err != nil {
				return err
			}
			for _, r := range recs {
				r.Attachments = files[r.ID]
				if err := indexRecord(ctx, tx, r, true); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return n, err
		}
		if len(recs) == 0 {
			break
		}
		n += len(recs)
		after = recs[len(recs)-1].ID
		if progress != nil {
			progress(n)
		}
	}
	err = d.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES ('search_tokens', ?) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, tokenVersion)
		return err
	})
	return n, err
}

// unindex removes a record from the full-text index.
func unindex(ctx context.Context, tx *db.Tx, id int64) error {
	q := `DELETE FROM info_fts WHERE rowid = ?`
	if tx.Dialect() == db.Postgres {
		q = `DELETE FROM info_search WHERE record_id = ?`
	}
	if _, err := tx.Exec(ctx, q, id); err != nil {
		return fmt.Errorf("unindex record: %w", err)
	}
	return nil
}

// Query is a search of published records.
type Query struct {
	Q        string
	Unit     *org.Unit // the unit and those under it
	Domain   int64     // records loaded against the domain's catalogs
	From, To string    // published dates, inclusive, YYYY-MM-DD
	Validity string
	Genre    string
	Page     int // from 1
}

// PageSize is the number of hits per page.
const PageSize = 20

// Hit is one search result.
type Hit struct {
	Record  Record
	Snippet string // HTML: the text around the first match, terms in <mark>
}

// Search finds published records. Exact 文号 and 索引号 matches come first,
// then the best full-text matches; each term must match. A query without a
// searchable term finds nothing.
func Search(ctx context.Context, q db.Querier, d db.Dialect, s Query) (int, []Hit, error) {
	terms := queryTerms(s.Q)
	if len(terms) == 0 {
		return 0, nil, nil
	}
	exact := strings.TrimSpace(s.Q)
	var from, match, rank, newest, matchFrom string
	var args []any
	expr, _ := MatchExpression(d, s.Q)
	if d == db.Postgres {
		from = `info_search s JOIN info_records r ON r.id = s.record_id`
		match = `s.tokens @@ to_tsquery('simple', ?)`
		rank = `ts_rank(s.tokens, to_tsquery('simple', ?)) DESC`
		newest = `s.record_id DESC`
		matchFrom = `info_search s`
	} else {
		from = `info_fts JOIN info_records r ON r.id = info_fts.rowid`
		match = `info_fts MATCH ?`
		rank = `bm25(info_fts)`
		newest = `info_fts.rowid DESC`
		matchFrom = `info_fts`
	}
	args = append(args, expr)
	where := []string{match, `r.status = 'published'`}
	if s.Unit != nil {
		where = append(where, `r.unit_id IN (SELECT id FROM units WHERE path LIKE ?)`)
		args = append(args, s.Unit.Path+"%")
	}
	if s.Domain != 0 {
		where = append(where, `EXISTS (SELECT 1 FROM info_items i JOIN catalogs c ON c.id = i.catalog_id WHERE i.record_id = r.id AND c.domain_id = ?)`)
		args = append(args, s.Domain)
	}
	if s.From != "" && validDate(s.From) {
		t, _ := time.ParseInLocation("2006-01-02", s.From, calendar.China)
		where = append(where, `r.published_at >= ?`)
		args = append(args, t.UTC())
	}
	if s.To != "" && validDate(s.To) {
		t, _ := time.ParseInLocation("2006-01-02", s.To, calendar.China)
		where = append(where, `r.published_at < ?`)
		args = append(args, t.AddDate(0, 0, 1).UTC())
	}
	if s.Validity != "" {
		where = append(where, `r.validity = ?`)
		args = append(args, s.Validity)
	}
	if s.Genre != "" {
		where = append(where, `r.genre = ?`)
		args = append(args, s.Genre)
	}
	cond := strings.Join(where, " AND ")
	// Count up to a cap: beyond it the exact number does not help a reader
	// and costs a scan of every match.
	// The index holds published records only, so without filters the
	// count needs no join.
	countFrom, countCond := from, cond
	if len(where) == 2 {
		countFrom, countCond = matchFrom, match
	}
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM `+countFrom+` WHERE `+countCond+` LIMIT `+fmt.Sprint(MaxHits+1)+`) m`, args[:countArgs(len(where), len(args))]...).Scan(&total); err != nil {
		return 0, nil, fmt.Errorf("count search: %w", err)
	}
	total = min(total, MaxHits)
	page := max(s.Page, 1)
	if total == 0 || (page-1)*PageSize >= total {
		return total, nil, nil
	}
	qargs := append([]any{}, args...)
	var order string
	if total <= rankLimit {
		// Few matches: exact 文号 and 索引号 first, then by relevance.
		order = `CASE WHEN r.doc_number = ? OR r.index_no = ? THEN 0 ELSE 1 END, ` + rank + `, r.published_at DESC`
		qargs = append(qargs, exact, exact)
		if d == db.Postgres {
			qargs = append(qargs, args[0])
		}
	} else {
		// A broad query: ranking every match costs more than it tells, so
		// the newest come first, and exact matches lead page one below.
		order = newest
	}
	qargs = append(qargs, PageSize, (page-1)*PageSize)
	// Pick the page's ids first: sorting only ids and keys keeps the
	// bodies of every match out of the sort.
	rows, err := q.Query(ctx, `SELECT r.id FROM `+from+` WHERE `+cond+` ORDER BY `+order+` LIMIT ? OFFSET ?`, qargs...)
	if err != nil {
		return 0, nil, fmt.Errorf("search: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, nil, err
	}
	byID := map[int64]Record{}
	if len(ids) > 0 {
		in := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
		idArgs := make([]any, len(ids))
		for i, id := range ids {
			idArgs[i] = id
		}
		recs, err := list(ctx, q, `r.id IN (`+in+`)`, idArgs...)
		if err != nil {
			return 0, nil, err
		}
		for _, r := range recs {
			byID[r.ID] = r
		}
	}
	var hits []Hit
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			hits = append(hits, Hit{Record: r, Snippet: Snippet(r.Title+"\n"+r.BodyText, terms, 60)})
		}
	}
	if total > rankLimit && page == 1 {
		// The ids come from the two indexes; CROSS JOIN keeps SQLite from
		// walking every published record in date order instead.
		exacts, err := listFrom(ctx, q, `(SELECT id FROM info_records WHERE doc_number = ? UNION SELECT id FROM info_records WHERE index_no = ?) x CROSS JOIN info_records r`,
			`r.id = x.id AND r.status = 'published' ORDER BY r.published_at DESC LIMIT 5`, exact, exact)
		if err != nil {
			return 0, nil, err
		}
		lead := map[int64]bool{}
		var out []Hit
		for _, r := range exacts {
			lead[r.ID] = true
			out = append(out, Hit{Record: r, Snippet: Snippet(r.Title+"\n"+r.BodyText, terms, 60)})
		}
		for _, h := range hits {
			if !lead[h.Record.ID] {
				out = append(out, h)
			}
		}
		hits = out
	}
	return total, hits, nil
}

// MaxHits caps the matches a search counts and pages through: 100 pages.
const MaxHits = 2000

// countArgs is how many of the query's arguments the count uses: only the
// match expression when there are no filters.
func countArgs(conds, args int) int {
	if conds == 2 {
		return 1
	}
	return args
}

// rankLimit is the number of matches up to which results are ranked by
// relevance; broader queries list the newest first.
var rankLimit = 500

// Snippet returns up to n characters of text around the first match of a
// term, HTML-escaped, with the matched terms marked.
func Snippet(text string, terms []queryTerm, n int) string {
	lower := strings.ToLower(text)
	first := -1
	for _, t := range terms {
		if i := strings.Index(lower, t.shown()); i >= 0 && (first < 0 || i < first) {
			first = i
		}
	}
	rs := []rune(text)
	start := 0
	if first > 0 {
		start = max(utf8.RuneCountInString(text[:first])-n/3, 0)
	}
	end := min(start+n, len(rs))
	part := string(rs[start:end])
	out := html.EscapeString(part)
	for _, t := range terms {
		if t.token == "" {
			continue
		}
		esc := html.EscapeString(t.shown())
		out = replaceFold(out, esc)
	}
	if start > 0 {
		out = "…" + out
	}
	if end < len(rs) {
		out += "…"
	}
	return strings.Join(strings.Fields(out), " ")
}

// replaceFold wraps every case-insensitive occurrence of term in s with
// <mark>, not inside a mark already added.
func replaceFold(s, term string) string {
	var b strings.Builder
	lower := strings.ToLower(s)
	for {
		i := strings.Index(lower, term)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		// Skip matches inside a tag.
		if open := strings.LastIndex(s[:i], "<"); open > strings.LastIndex(s[:i], ">") {
			b.WriteString(s[:i+len(term)])
		} else {
			b.WriteString(s[:i] + "<mark>" + s[i:i+len(term)] + "</mark>")
		}
		s, lower = s[i+len(term):], lower[i+len(term):]
	}
}

// UniqueTokens keeps the first occurrence of each token, for other
// capabilities that index their text with Tokens (service guides).
func UniqueTokens(ts []string) []string { return uniqueTokens(ts) }

// MatchExpression turns a user's query into the match expression of
// dialect d's index over Tokens: an FTS5 MATCH string for SQLite, a
// to_tsquery('simple', …) string for PostgreSQL; every term must match. It
// reports false for a query without a searchable term, which finds nothing.
// Other capabilities that index with Tokens search with it, so that their
// queries read as the records' search reads them.
func MatchExpression(d db.Dialect, q string) (string, bool) {
	terms := queryTerms(q)
	if len(terms) == 0 {
		return "", false
	}
	parts := make([]string, len(terms))
	for i, t := range terms {
		if d == db.Postgres {
			parts[i] = t.token
			if t.prefix {
				parts[i] += ":*"
			}
			continue
		}
		parts[i] = `"` + t.token + `"`
		if t.prefix {
			parts[i] += "*"
		}
	}
	if d == db.Postgres {
		return strings.Join(parts, " & "), true
	}
	return strings.Join(parts, " "), true
}
