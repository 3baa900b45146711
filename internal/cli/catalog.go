package cli

import (
	"encoding/json"
	"strings"

	"gongkai/internal/catalog"
	"gongkai/internal/i18n"
)

// runCatalog runs the catalog subcommands.
func runCatalog(e *env, args []string) error {
	if len(args) == 0 || args[0] != "parse-limit" {
		return usagef("%s", i18n.T(e.lang, "cli.subcommand", "parse-limit"))
	}
	if len(args) < 2 || strings.TrimSpace(strings.Join(args[1:], " ")) == "" {
		return usagef("%s", i18n.T(e.lang, "cli.args", 1))
	}
	return e.printJSON(catalog.ParseLimit(strings.Join(args[1:], " ")))
}

// printJSON writes v as one line of JSON, with Chinese left readable.
func (e *env) printJSON(v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
