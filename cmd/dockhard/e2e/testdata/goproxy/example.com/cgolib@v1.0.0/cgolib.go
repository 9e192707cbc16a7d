// Package cgolib computes its answer in C. It is on no list of cgo
// libraries: only its source, in the module cache, shows that it needs cgo.
package cgolib

// int cgolib_answer(void) { return 42; }
import "C"

// Answer is computed by the C function above.
func Answer() int { return int(C.cgolib_answer()) }
