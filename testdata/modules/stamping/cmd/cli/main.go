package main

import "fmt"

const version = "1.0.0" // a constant: -X cannot set it

var commit string

var Revision = fmt.Sprint("computed") // not a constant string: -X cannot set it

func main() { fmt.Println(version, commit, Revision) }
