package generator

import (
	"errors"
	"fmt"
)

// InputError is an error in what the user gave dockhard: a flag value, a
// go.mod, a tree that cannot become a Dockerfile. Commands exit 2 on it;
// every other error is a failure of the work itself (exit 1).
type InputError struct {
	Msg string
}

func (e *InputError) Error() string { return e.Msg }

func inputErrorf(format string, args ...any) error {
	return &InputError{Msg: fmt.Sprintf(format, args...)}
}

// IsInputError reports whether err (or an error it wraps) is an InputError.
func IsInputError(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
