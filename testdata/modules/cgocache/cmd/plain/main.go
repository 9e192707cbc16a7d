// plain imports a library whose only cgo file is for macOS.
package main

import "github.com/acme/purelib"

func main() { _ = purelib.Sum(1, 2) }
