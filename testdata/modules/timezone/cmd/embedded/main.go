// Loads a zone but embeds the database itself.
package main

import (
	"fmt"
	_ "time/tzdata"

	"example.com/timezone/internal/clock"
)

func main() { fmt.Println(clock.In("Asia/Tokyo")) }
