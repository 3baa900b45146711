package foi

// The checks of what a citizen types, for the other capabilities that take
// it (consultations, messages): one set of rules for every form.

// ValidPhone reports whether s reads as a phone number: 7 to 20 digits,
// with +, -, spaces and brackets allowed between them.
func ValidPhone(s string) bool { return validPhone(s) }

// ValidEmail reports whether s reads as an e-mail address.
func ValidEmail(s string) bool { return validEmail(s) }

// Clean trims s and drops control characters other than newlines and tabs.
func Clean(s string) string { return clean(s) }

// OneLine is Clean with runs of white space, line breaks included, made
// one space.
func OneLine(s string) string { return oneLine(s) }
