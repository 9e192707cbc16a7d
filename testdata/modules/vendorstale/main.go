// vendor/ was not refreshed after go.mod changed: the go command would
// fail with "inconsistent vendoring" in vendor mode.
package main

import (
	_ "github.com/acme/loadgen"
	_ "github.com/acme/report"
)

func main() {}
