package foi

// The checks of what a citizen types, for the other capabilities that take
// it (consultations, messages): one set of rules for every form.

// ValidPhone and ValidEmail are in foi.go.

// Clean trims s and drops control characters other than newlines and tabs.
func Clean(s string) string { return clean(s) }

// OneLine is Clean with runs of white space, line breaks included, made
// one space.
func OneLine(s string) string { return oneLine(s) }
