// The cgo is in a module that a local replace points at.
package main

import "example.com/cshim"

func main() { cshim.Call() }
