// Package errs defines the few kinds of error that gongkai distinguishes and
// the user-facing messages they carry.
//
// A domain package returns an *Error with a message key from the i18n
// catalogs and its arguments; the web layer and the CLI render it in the
// user's language and map its Kind to an HTTP status or exit code in one place.
package errs

import (
	"errors"
	"fmt"
	"slices"
)

// Kind classifies an error for the HTTP status and exit code it maps to.
type Kind int

// The kinds of error. Internal is the zero value so that a forgotten kind
// never leaks detail to a user.
const (
	Internal Kind = iota
	Invalid
	NotFound
	Forbidden
	Conflict
	Unauthorized
	TooMany
	// Unsupported is a request body of a type the endpoint does not take
	// (415).
	Unsupported
	// Unprocessable is a well-formed request that cannot be carried out
	// as it stands (422): personal data found in a record sent through
	// the API, an idempotency key sent again with another request.
	Unprocessable
)

func (k Kind) String() string {
	switch k {
	case Invalid:
		return "invalid"
	case NotFound:
		return "not_found"
	case Forbidden:
		return "forbidden"
	case Conflict:
		return "conflict"
	case Unauthorized:
		return "unauthorized"
	case TooMany:
		return "too_many"
	case Unsupported:
		return "unsupported"
	case Unprocessable:
		return "unprocessable"
	}
	return "internal"
}

// Msg is a message key passed as an argument of another message; it is
// rendered in the reader's language too ("line 4 lacks %s" → 公开依据).
type Msg string

// Error is a user-facing error: Key names a message in the i18n catalogs and
// Args fill its verbs. Field, when set, names the form field at fault.
type Error struct {
	Kind  Kind
	Key   string
	Args  []any
	Field string
	Err   error // underlying cause, logged, never shown
}

func (e *Error) Error() string {
	s := e.Key
	if len(e.Args) > 0 {
		s += fmt.Sprint(e.Args)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error of kind k with message key and arguments.
func New(k Kind, key string, args ...any) *Error { return &Error{Kind: k, Key: key, Args: args} }

// InvalidField returns an Invalid error for a form field.
func InvalidField(field, key string, args ...any) *Error {
	return &Error{Kind: Invalid, Key: key, Args: args, Field: field}
}

// Sentinel errors for comparisons with errors.Is in callers that only need
// the kind.
var (
	ErrNotFound  = New(NotFound, "error.not_found")
	ErrForbidden = New(Forbidden, "error.forbidden")
)

// Is reports kind equality so that errors.Is(err, errs.ErrNotFound) holds for
// any NotFound error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok || t.Kind != e.Kind {
		return false
	}
	return t.Key == e.Key || t == ErrNotFound || t == ErrForbidden
}

// KindOf returns the kind of err: the Kind of the first *Error in its chain,
// or Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// As returns the first *Error in err's chain, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// Multi collects several user errors from one validation, so that a form can
// show every problem at once.
type Multi []*Error

func (m Multi) Error() string {
	s := ""
	for i, e := range m {
		if i > 0 {
			s += "; "
		}
		s += e.Error()
	}
	return s
}

// Unwrap exposes the collected errors to errors.Is and errors.As.
func (m Multi) Unwrap() []error {
	out := make([]error, len(m))
	for i, e := range m {
		out[i] = e
	}
	return out
}

// Err returns nil when m is empty, and m otherwise.
func (m Multi) Err() error {
	if len(m) == 0 {
		return nil
	}
	return m
}

// Fields returns the fields err names, sorted: each of a Multi's, or the
// one of an *Error; none for other errors. Tests compare them with the
// fields they expect a bad input to name.
func Fields(err error) []string {
	var out []string
	var m Multi
	if errors.As(err, &m) {
		for _, e := range m {
			out = append(out, e.Field)
		}
	} else if e := As(err); e != nil {
		out = append(out, e.Field)
	}
	slices.Sort(out)
	return out
}
