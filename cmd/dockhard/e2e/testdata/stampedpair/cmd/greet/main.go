// The command-line program of a module of two: it listens on nothing,
// prints a greeting with its own stamped version and exits.
package main

import "fmt"

var version string

func main() {
	if version == "" {
		version = "none"
	}
	fmt.Println("greet " + version)
}
