package cli

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gongkai/internal/audit"
	"gongkai/internal/i18n"
)

// runAuditVerify checks the audit log's chain against the published heads
// and any given with --head.
func runAuditVerify(e *env, args []string) error {
	fs, data := e.flags()
	var given []string
	fs.Func("head", "cli.flag.audit_head", func(v string) error {
		given = append(given, v)
		return nil
	})
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("%s", i18n.T(e.lang, "cli.extra_args", strings.Join(fs.Args(), " ")))
	}
	archived := make([]audit.Head, len(given))
	for i, v := range given {
		var ok bool
		if archived[i], ok = parseHead(v); !ok {
			return usagef("%s", i18n.T(e.lang, "audit.bad_head", v))
		}
	}
	d, err := e.openDB(*data)
	if err != nil {
		return err
	}
	defer d.Close()
	res, err := audit.Verify(e.ctx, d, archived...)
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
		fmt.Fprintln(e.stdout, i18n.T(e.lang, "audit.heads_ok", res.Heads))
	}
	return nil
}

// runAuditPublishHead publishes the audit log's head.
func runAuditPublishHead(e *env, args []string) error {
	fs, data := e.flags()
	if err := e.parse(fs, args); err != nil {
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
	return e.publishHead(audit.PublishHead(e.ctx, d))
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

// parseHead reads a head given as EVENT:HASH, the event's id and its
// SHA-256 hash in hex, as the log line and the portal show them.
func parseHead(v string) (audit.Head, bool) {
	id, hash, ok := strings.Cut(v, ":")
	n, err := strconv.ParseInt(id, 10, 64)
	hash = strings.ToLower(hash)
	if _, herr := hex.DecodeString(hash); !ok || err != nil || n <= 0 || len(hash) != 64 || herr != nil {
		return audit.Head{}, false
	}
	return audit.Head{EventID: n, Hash: hash}, true
}
