// Command privatemod prints what a private module answers: it builds only
// when the builder fetched github.com/dockhard-e2e/secretlib with the
// credentials of a BuildKit secret.
package main

import (
	"fmt"

	"github.com/dockhard-e2e/secretlib"
)

func main() { fmt.Println(secretlib.Answer()) }
