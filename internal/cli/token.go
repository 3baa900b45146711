package cli

import (
	"fmt"
	"text/tabwriter"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
)

// runTokenAdd makes an API token for a unit's business system and prints
// it, alone on standard output, once: only its hash is kept.
func runTokenAdd(e *env, args []string) error {
	fs, data := e.flags()
	unit := fs.String("unit", "", "cli.flag.token_unit")
	name := fs.String("name", "", "cli.flag.token_name")
	publish := fs.Bool("publish", false, "cli.flag.token_publish")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if *unit == "" || *name == "" {
		return usagef("%s", i18n.T(e.lang, "cli.required", "--unit --name"))
	}
	if fs.NArg() > 0 {
		return usagef("%s", i18n.T(e.lang, "cli.args", 0))
	}
	var t auth.Token
	var secret string
	err := e.inTx(*data, func(tx *db.Tx) error {
		var err error
		t, secret, err = auth.CreateToken(e.ctx, tx, cliActor(), nil, auth.NewToken{UnitCode: *unit, Name: *name, CanPublish: *publish})
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, secret)
	fmt.Fprintln(e.stderr, i18n.T(e.lang, "cli.token_added", t.ID, t.Unit.Name, t.Prefix))
	return nil
}

// runTokenList lists API tokens, of one unit or of all.
func runTokenList(e *env, args []string) error {
	fs, data := e.flags()
	unit := fs.String("unit", "", "cli.flag.token_list_unit")
	asJSON := fs.Bool("json", false, "cli.flag.json")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("%s", i18n.T(e.lang, "cli.args", 0))
	}
	d, err := e.openDB(*data)
	if err != nil {
		return err
	}
	defer d.Close()
	var ts []auth.Token
	if *unit != "" {
		u, err := org.ByCode(e.ctx, d, *unit)
		if err != nil {
			return err
		}
		if ts, err = auth.Tokens(e.ctx, d, u, false); err != nil {
			return err
		}
	} else {
		roots, err := org.Roots(e.ctx, d)
		if err != nil {
			return err
		}
		for _, root := range roots {
			more, err := auth.Tokens(e.ctx, d, root, true)
			if err != nil {
				return err
			}
			ts = append(ts, more...)
		}
	}
	if *asJSON {
		type row struct {
			ID         int64  `json:"id"`
			Prefix     string `json:"prefix"`
			Unit       string `json:"unit"`
			Name       string `json:"name"`
			CanPublish bool   `json:"can_publish"`
			CreatedBy  string `json:"created_by"`
			CreatedAt  string `json:"created_at"`
			LastUsedAt string `json:"last_used_at,omitempty"`
			RevokedAt  string `json:"revoked_at,omitempty"`
		}
		out := []row{}
		for _, t := range ts {
			out = append(out, row{t.ID, t.Prefix, t.Unit.Code, t.Name, t.CanPublish, t.CreatedBy, stampOf(t.CreatedAt), stampOf(t.LastUsedAt), stampOf(t.RevokedAt)})
		}
		return e.printJSON(map[string]any{"tokens": out})
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, t := range ts {
		state := i18n.T(e.lang, "cli.token_live")
		if t.Revoked() {
			state = i18n.T(e.lang, "cli.token_revoked", stampOf(t.RevokedAt))
		}
		publish := ""
		if t.CanPublish {
			publish = i18n.T(e.lang, "token.can_publish")
		}
		fmt.Fprintf(w, "%d\t%s…\t%s\t%s\t%s\t%s\n", t.ID, t.Prefix, t.Unit.Code, t.Name, publish, state)
	}
	return w.Flush()
}

// stampOf writes a moment in China time, or "" for none.
func stampOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return calendar.Timestamp(t)
}

// runTokenRevoke revokes a token by its number or the start of it.
func runTokenRevoke(e *env, args []string) error {
	fs, data := e.flags()
	pos, err := e.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("%s", i18n.T(e.lang, "cli.args", 1))
	}
	var t auth.Token
	err = e.inTx(*data, func(tx *db.Tx) error {
		t, err = auth.RevokeToken(e.ctx, tx, cliActor(), nil, pos[0])
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, i18n.T(e.lang, "cli.token_revoked_now", t.ID, t.Name, t.Unit.Name))
	return nil
}
