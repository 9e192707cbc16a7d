// Package answer is the module's own package between the main and the cgo
// library, as real services reach theirs.
package answer

import (
	"fmt"

	"example.com/cgolib"
)

// Text is the program's answer, computed in C by example.com/cgolib.
func Text() string {
	return fmt.Sprintf("answer from C via the module cache: %d\n", cgolib.Answer())
}
