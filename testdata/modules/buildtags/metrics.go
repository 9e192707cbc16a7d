//go:build metrics

package main

import "net/http"

func init() {
	serveMetrics = func() { _ = http.ListenAndServe(":9100", nil) }
}
