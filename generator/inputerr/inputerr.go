// Package inputerr marks errors in what the user gave dockhard: a flag
// value, a go.mod, a tree that cannot become a Dockerfile. Commands exit 2
// on them; every other error is a failure of the work itself (exit 1).
package inputerr

import (
	"errors"
	"fmt"
)

// Error is an error in the user's input.
type Error struct {
	Msg string
}

func (e *Error) Error() string { return e.Msg }

// Errorf formats an input error.
func Errorf(format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...)}
}

// Is reports whether err (or an error it wraps) is an input error.
func Is(err error) bool {
	var ie *Error
	return errors.As(err, &ie)
}

// Quote shows a user's value in an error: quoted, with control characters
// escaped, so a newline in a value cannot forge output lines.
func Quote(s string) string {
	return fmt.Sprintf("%q", s)
}
