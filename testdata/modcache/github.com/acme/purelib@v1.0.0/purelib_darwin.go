package purelib

// Only macOS builds use cgo here; a Linux image never compiles this file.
import "C"
