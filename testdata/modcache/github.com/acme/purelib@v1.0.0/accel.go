//go:build ignore

package purelib

import "C"
