// A package-level const overridden by $PORT; the route is a Go 1.22
// pattern with a method.
package main

import (
	"net/http"
	"os"
)

const port = "8080"

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {})
	p := os.Getenv("PORT")
	if p == "" {
		p = port
	}
	http.ListenAndServe(":"+p, mux)
}
