// The server of a module of two programs: it answers every request with
// its stamped version and registers a health route.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"

	"example.com/stampedpair/internal/version"
)

func main() {
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "stampedpair server "+version.String())
	})
	port := os.Getenv("PORT")
	if port == "" {
		port = "8090"
	}
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
