// Command cgodep serves a number computed in C: a cgo program for the
// detection tests and the end-to-end builds.
package main

import (
	"fmt"
	"log"
	"net/http"

	"example.com/cgodep/internal/clib"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "answer from C: %d\n", clib.Answer())
	})
	srv := &http.Server{Addr: ":7070"}
	log.Fatal(srv.ListenAndServe())
}
