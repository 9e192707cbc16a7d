// A worker that serves metrics only when built with -tags metrics.
package main

import "log"

// serveMetrics is set by metrics.go, which only `go build -tags metrics`
// compiles.
var serveMetrics func()

func main() {
	if serveMetrics != nil {
		go serveMetrics()
	}
	log.Println("working")
	select {}
}
