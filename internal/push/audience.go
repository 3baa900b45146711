package push

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"gongkai/internal/audit"
	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
)

// Audience is a group of the public a targeted notice is for (plan item
// 十六: 企业, 商事主体, 科研机构, 科技人才, 救助对象, 就业和社保服务对象,
// 融资企业, 纳税人). The eight are seeded by the migration; the city office
// and administrators rename, add and retire them. A retired audience is no
// longer offered; subscriptions that chose it keep it.
type Audience struct {
	Code    string
	Name    string
	NameEn  string
	Sort    int
	Retired bool
}

// In returns the audience's name in lang.
func (a Audience) In(lang i18n.Lang) string {
	if lang == i18n.En && a.NameEn != "" {
		return a.NameEn
	}
	return a.Name
}

// Audiences returns every audience in order, retired ones last.
func Audiences(ctx context.Context, q db.Querier) ([]Audience, error) {
	rs, err := q.Query(ctx, `SELECT code, name, name_en, sort, retired FROM push_audiences ORDER BY retired, sort, code`)
	if err != nil {
		return nil, fmt.Errorf("list audiences: %w", err)
	}
	defer rs.Close()
	var out []Audience
	for rs.Next() {
		var a Audience
		if err := rs.Scan(&a.Code, &a.Name, &a.NameEn, &a.Sort, &a.Retired); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rs.Err()
}

// CanEditAudiences reports whether a may change the audiences: the city
// office and administrators whose scope is the whole tree.
func CanEditAudiences(a auth.Account) bool {
	return a.Unit.ParentID == 0 && (a.Role == auth.PublicOfficeCity || a.Role == auth.Admin)
}

var audienceCodeRE = regexp.MustCompile(`^[a-z][a-z0-9_]{1,29}$`)

// SaveAudience adds the audience or changes the one with its code.
func SaveAudience(ctx context.Context, tx *db.Tx, a auth.Account, in Audience) (Audience, error) {
	if !CanEditAudiences(a) {
		return Audience{}, errs.New(errs.Forbidden, "error.forbidden")
	}
	in.Code, in.Name, in.NameEn = strings.TrimSpace(in.Code), strings.TrimSpace(in.Name), strings.TrimSpace(in.NameEn)
	var m errs.Multi
	if !audienceCodeRE.MatchString(in.Code) {
		m = append(m, errs.InvalidField("code", "push.audience_code_invalid"))
	}
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 30 {
		m = append(m, errs.InvalidField("name", "push.audience_name_invalid"))
	}
	if utf8.RuneCountInString(in.NameEn) > 60 {
		m = append(m, errs.InvalidField("name_en", "push.audience_name_invalid"))
	}
	if in.Sort < 0 || in.Sort > 999 {
		m = append(m, errs.InvalidField("sort", "push.audience_sort_invalid"))
	}
	if len(m) > 0 {
		return Audience{}, m
	}
	_, err := tx.Exec(ctx, `INSERT INTO push_audiences (code, name, name_en, sort, retired, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_en = excluded.name_en, sort = excluded.sort, retired = excluded.retired,
		updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		in.Code, in.Name, in.NameEn, in.Sort, in.Retired, tx.Now(), a.Login)
	if err != nil {
		return Audience{}, fmt.Errorf("save audience: %w", err)
	}
	return in, audit.Append(ctx, tx, a.Login, "push.audience", "push_audience", in.Code, map[string]any{"name": in.Name, "retired": in.Retired})
}
