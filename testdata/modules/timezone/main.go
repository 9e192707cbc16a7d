// Prints the time in a named zone: it needs zoneinfo at run time.
package main

import (
	"fmt"

	"example.com/timezone/internal/clock"
)

func main() { fmt.Println(clock.In("Europe/Paris")) }
