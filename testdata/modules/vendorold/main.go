// A load generator that commits a vendor/ out of date with go.mod and says
// go 1.13: the go command builds it in module mode.
package main

import _ "github.com/acme/loadgen"

func main() {}
