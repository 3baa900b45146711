package cli

import (
	"errors"
	"fmt"
	"strings"

	"gongkai/internal/audit"
	"gongkai/internal/i18n"
)

// runAudit verifies the audit log, or publishes its head.
func runAudit(e *env, args []string) error {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "publish-head") {
		return usagef("%s", i18n.T(e.lang, "cli.subcommand", "verify, publish-head"))
	}
	fs, data := e.flags("audit " + args[0])
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("%s", i18n.T(e.lang, "cli.extra_args", strings.Join(fs.Args(), " ")))
	}
	d, err := e.openDB(*data)
	if err != nil {
		return err
	}
	defer d.Close()
	if args[0] == "publish-head" {
		return e.publishHead(audit.PublishHead(e.ctx, d))
	}
	res, err := audit.Verify(e.ctx, d)
	if err != nil {
		return err
	}
	if err := res.Err(); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, i18n.T(e.lang, "audit.ok", res.Events))
	if res.Heads == 0 {
		fmt.Fprintln(e.stdout, i18n.T(e.lang, "audit.no_heads"))
	} else {
		latest, err := audit.LatestHeads(e.ctx, d, 1)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, i18n.T(e.lang, "audit.heads_ok", res.Heads, latest[0].EventID))
	}
	return nil
}

// publishHead reports the outcome of audit.PublishHead: an empty log is
// said, not failed, since there is nothing to vouch for yet.
func (e *env) publishHead(h audit.Head, added bool, err error) error {
	switch {
	case errors.Is(err, audit.ErrEmpty):
		fmt.Fprintln(e.stdout, i18n.T(e.lang, "audit.empty"))
	case err != nil:
		return err
	case added:
		fmt.Fprintln(e.stdout, i18n.T(e.lang, "audit.published", h.EventID, h.Hash, h.EventAt.Format("2006-01-02 15:04:05")))
	default:
		fmt.Fprintln(e.stdout, i18n.T(e.lang, "audit.published_before", h.PublishedAt.Format("2006-01-02 15:04:05"), h.EventID, h.Hash))
	}
	return nil
}
